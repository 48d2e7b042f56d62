//! hourbank in the browser: the tariff calculator's pages (calculator, comparison, simulation,
//! trial demo), each its own Trunk entry point and binary.
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
pub mod html;
pub mod i18n;
pub mod link;
#[cfg(target_arch = "wasm32")]
pub mod pages;
pub mod saved;
pub mod simulation;
pub mod table;

#[cfg(target_arch = "wasm32")]
pub use app::App;

#[cfg(target_arch = "wasm32")]
pub mod app {
    use leptos::prelude::*;

    use crate::i18n::{self, Lang};

    /// The pages of the calculator, each its own Trunk entry (and wasm bundle).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Page {
        Calculator,
        Compare,
        Simulate,
        Demo,
        /// `/contact` («Оставить заявку»), a page the server writes: never the current one here.
        Contact,
    }

    /// What the navigation links carry: the scenario's link query (without `?`), kept current by
    /// the page that edits it, and the fill pattern's peaks for the simulation's seasonality.
    #[derive(Debug, Clone, Copy)]
    pub struct Nav {
        pub query: RwSignal<String>,
        pub fill: RwSignal<String>,
    }

    /// The navigation of the page being rendered.
    pub fn nav() -> Nav {
        expect_context::<Nav>()
    }

    thread_local! {
        static LANG: std::cell::Cell<Lang> = const { std::cell::Cell::new(Lang::Ru) };
    }

    /// The interface language, read once when the page mounts: the switch stores the other one
    /// and reloads the page (the scenario is in its address), which keeps every text a plain
    /// string instead of a reactive one — several kB of wasm less.
    pub fn lang() -> Lang {
        LANG.with(|l| l.get())
    }

    /// The Russian or English text.
    pub fn t(ru: &'static str, en: &'static str) -> &'static str {
        lang().pick(ru, en)
    }

    /// Header with ordinary links between the pages (each keeps the scenario), and the page.
    #[component]
    pub fn Shell(page: Page, children: Children) -> impl IntoView {
        let search = window().location().search().unwrap_or_default();
        let nav = Nav {
            query: RwSignal::new(search.trim_start_matches('?').to_string()),
            fill: RwSignal::new(String::new()),
        };
        provide_context(nav);
        let lang = i18n::load();
        LANG.with(|l| l.set(lang));
        // `<html lang>` follows the remembered choice.
        i18n::store(lang);
        let switch = move |_| {
            i18n::store(lang.other());
            let _ = window().location().reload();
        };
        // `short` is what a phone shows, where the four pages' full names do not fit one row; the
        // link's name stays the full one.
        let link =
            move |target: Page, path: &'static str, id: &'static str, text: &'static str, short: &'static str| {
                let href = move || {
                    let mut query = nav.query.get();
                    let fill = nav.fill.get();
                    if target == Page::Simulate && !fill.is_empty() {
                        query = format!("{query}&fill={fill}");
                    }
                    format!("{path}?{query}")
                };
                view! {
                    <a id=id href=href aria-current=(page == target).then_some("page") aria-label=text>
                        <span class="label-full">{text}</span>
                        <span class="label-short" aria-hidden="true">{short}</span>
                    </a>
                }
            };
        view! {
            <header class="top">
                <span class="brand">"hourbank"</span>
                <nav class="pages" aria-label=t("Разделы калькулятора", "Calculator pages")>
                    {link(Page::Calculator, "/", "nav-calculator", t("Расчёт", "Calculation"), t("Расчёт", "Calculation"))}
                    {link(Page::Compare, "/compare/", "nav-compare", t("Сравнение тарифов", "Compare tariffs"), t("Сравнение", "Compare"))}
                    {link(Page::Simulate, "/simulate/", "nav-simulate", t("Моделирование", "Simulation"), t("Моделирование", "Simulation"))}
                    {link(Page::Demo, "/demo/", "nav-demo", t("Демо для клиента", "Client demo"), t("Демо", "Demo"))}
                </nav>
                // The next step from every page: the company's contacts, with a letter that carries
                // the scenario (the contact page's query is the calculator's).
                {link(Page::Contact, "/contact", "nav-contact", t("Оставить заявку", "Leave a request"), t("Оставить заявку", "Leave a request"))}
                // Named in the language it switches to, and marked so screen readers say it right.
                // Clients of the company sign in to the portal from here.
                <a class="portal-link" id="nav-portal" href="/portal/">{t("Вход для клиентов", "Client sign-in")}</a>
                <button type="button" id="lang-switch" class="lang-switch" lang=lang.other().code() on:click=switch>
                    {lang.switch_label()}
                </button>
            </header>
            <main id="main">{children()}</main>
        }
    }

    /// The calculator page, as `index.html` mounts it.
    #[component]
    pub fn App() -> impl IntoView {
        view! {
            <Shell page=Page::Calculator>
                <crate::pages::calculator::CalculatorPage />
            </Shell>
        }
    }

    /// Mounts one page; each Trunk entry's binary calls this with its page only, so its bundle
    /// holds no other page's code.
    pub fn mount<V: IntoView + 'static>(page: Page, view: fn() -> V) {
        leptos::mount::mount_to_body(move || view! { <Shell page>{view()}</Shell> });
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
