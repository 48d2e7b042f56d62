//! The portal in the browser.

#[cfg(target_arch = "wasm32")]
pub use app::Portal;

#[cfg(target_arch = "wasm32")]
mod app {
    use leptos::prelude::*;

    #[component]
    pub fn Portal() -> impl IntoView {
        view! { <main id="main"><h1>"Личный кабинет"</h1></main> }
    }
}
