//! The calculator page (`index.html`, served at `/`): only mounts it.

#[cfg(target_arch = "wasm32")]
fn main() {
    hourbank_web::app::mount(hourbank_web::app::Page::Calculator, hourbank_web::pages::calculator::CalculatorPage);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("hourbank-web runs in the browser: `./dev run` builds it with Trunk and serves it");
    std::process::exit(1);
}
