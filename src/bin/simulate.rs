//! The page of the Monte Carlo simulation (`entries/simulate/index.html`, served at `/simulate/`): only mounts it.

#[cfg(target_arch = "wasm32")]
fn main() {
    hourbank_web::app::mount(hourbank_web::app::Page::Simulate, hourbank_web::pages::simulate::SimulatePage);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("this page runs in the browser: `./dev run` builds it with Trunk and serves it");
    std::process::exit(1);
}
