//! hourbank in the browser: the tariff calculator (and, later, the client portal).
//! Every figure is computed here by `hourbank-domain`, the same code the server bills with.
//!
//! Plain logic (`calculator`, `explain`, `link`, `saved`, `csv`, `simulation`) compiles everywhere and has native unit tests; the Leptos views
//! compile only for wasm32.

pub mod calculator;
pub mod charts;
pub mod compare;
pub mod csv;
pub mod demo;
pub mod explain;
pub mod i18n;
pub mod link;
#[cfg(target_arch = "wasm32")]
pub mod pages;
pub mod saved;
pub mod simulation;

#[cfg(target_arch = "wasm32")]
pub use app::App;

#[cfg(target_arch = "wasm32")]
mod app {
    use leptos::prelude::*;

    /// The whole app.
    #[component]
    pub fn App() -> impl IntoView {
        view! {
            <header class="top">
                <span class="brand">"hourbank"</span>
                <span class="tagline">"Абонентское обслуживание 1С с банком часов"</span>
            </header>
            <main id="main">
                <crate::pages::calculator::CalculatorPage/>
            </main>
        }
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
