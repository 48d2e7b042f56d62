//! Entry point of the browser app: only mounts it.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(hourbank_web::App);
}
