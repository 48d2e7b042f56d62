//! Entry point of the browser app: only mounts it.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(hourbank_web::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("hourbank-web runs in the browser: `./dev run` builds it with Trunk and serves it");
    std::process::exit(1);
}
