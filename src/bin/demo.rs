//! The page of the trial demo for sales (`entries/demo/index.html`, served at `/demo/`): only mounts it.

#[cfg(target_arch = "wasm32")]
fn main() {
    hourbank_web::app::mount(hourbank_web::app::Page::Demo, hourbank_web::pages::demo::DemoPage);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("this page runs in the browser: `./dev run` builds it with Trunk and serves it");
    std::process::exit(1);
}
