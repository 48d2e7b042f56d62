//! Entry point of the portal: only mounts it.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    // The static frame of index.html gives way to the app.
    if let Some(shell) = leptos::prelude::document().get_element_by_id("shell") {
        shell.remove();
    }
    leptos::mount::mount_to_body(hourbank_portal::Portal);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("hourbank-portal runs in the browser: `./dev run` builds it with Trunk and serves it at /portal/");
    std::process::exit(1);
}
