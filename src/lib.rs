//! hourbank in the browser: the tariff calculator (and, later, the client portal).
//! Every figure is computed here by `hourbank-domain`, the same code the server bills with.

pub mod calculator;
pub mod pages;

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
            <pages::calculator::CalculatorPage />
        </main>
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
