//! The page of the tariff comparison and the history replay (`entries/compare/index.html`, served at `/compare/`): only mounts it.

#[cfg(target_arch = "wasm32")]
fn main() {
    hourbank_web::app::mount(hourbank_web::app::Page::Compare, hourbank_web::pages::compare::ComparePage);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("this page runs in the browser: `./dev run` builds it with Trunk and serves it");
    std::process::exit(1);
}
