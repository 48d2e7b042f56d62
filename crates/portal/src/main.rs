//! Entry point of the portal: only mounts it.

#[cfg(target_arch = "wasm32")]
fn main() {
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    // A panic's message in the console, in debug builds only: the hook and the formatting it
    // keeps alive cost the release wasm about 1 kB brotli (there a panic shows as `unreachable`).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    // The static frame of the page gives way to the app, which keeps what was typed into it —
    // once the browser has recorded the frame's first paint. Removed before that (the wasm
    // already there when the page first paints, from the cache or a fast network), its heading
    // is forgotten as the largest paint and the app's identical one, painted after, counts.
    let started = Rc::new(Cell::new(false));
    let mount_once = move || {
        if !started.replace(true) {
            let early = hourbank_portal::EarlySignIn::take_from_shell();
            leptos::mount::mount_to_body(move || hourbank_portal::Portal(early));
        }
    };
    let window = leptos::prelude::window();
    let painted = window
        .performance()
        .is_none_or(|p| p.get_entries_by_name_with_entry_type("first-contentful-paint", "paint").length() > 0);
    // A tab opened in the background paints nothing until shown: it starts at once.
    if painted || leptos::prelude::document().hidden() {
        return mount_once();
    }
    let on_paint = {
        let mount_once = mount_once.clone();
        Closure::<dyn Fn()>::new(mount_once)
    };
    let observer = web_sys::PerformanceObserver::new(on_paint.as_ref().unchecked_ref());
    // Paints from now on: an earlier one is in the entries read above.
    let init = web_sys::PerformanceObserverInit::new(&js_sys::Array::of1(&"paint".into()));
    match observer {
        Ok(observer) => observer.observe(&init),
        Err(_) => return mount_once(),
    }
    on_paint.forget();
    // Whatever happens to the paint entry, the app starts within a second.
    let fallback = Closure::once_into_js(mount_once);
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(fallback.unchecked_ref(), 1000);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("hourbank-portal runs in the browser: `./dev run` builds it with Trunk and serves it at /portal/");
    std::process::exit(1);
}
