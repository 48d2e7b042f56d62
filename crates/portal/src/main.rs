//! Entry point of the portal: only mounts it.

#[cfg(target_arch = "wasm32")]
fn main() {
    // A panic's message in the console, in debug builds only: the hook and the formatting it
    // keeps alive cost the release wasm about 1 kB brotli (there a panic shows as `unreachable`).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    // The static frame of the page gives way to the app, which keeps what was typed into it.
    hourbank_web::start::after_first_paint(|| {
        let early = hourbank_portal::EarlySignIn::take_from_shell();
        leptos::mount::mount_to_body(move || hourbank_portal::Portal(early));
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("hourbank-portal runs in the browser: `./dev run` builds it with Trunk and serves it at /portal/");
    std::process::exit(1);
}
