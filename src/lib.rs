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
pub mod shell;
pub mod simulation;
pub mod table;

#[cfg(target_arch = "wasm32")]
pub use app::App;

#[cfg(target_arch = "wasm32")]
pub mod app {
    use leptos::prelude::*;

    use crate::i18n::{self, Lang};

    pub use crate::shell::Page;
    use crate::shell::{NavLink, Text, CONTACT, NAV_LABEL, PAGES, PORTAL_LINK};

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

    /// A text of the shared tables (`shell`) in the page's language.
    pub fn tr(text: Text) -> &'static str {
        lang().pick(text.0, text.1)
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
        // `<html lang>` follows the remembered choice, and so does the tab's title.
        i18n::store(lang);
        if lang == Lang::En {
            document().set_title(&format!("hourbank — {}", crate::shell::title(page).1));
        }
        let switch = move |_| {
            i18n::store(lang.other());
            let _ = window().location().reload();
        };
        let link = move |l: NavLink| {
            let href = move || {
                let mut query = nav.query.get();
                let fill = nav.fill.get();
                if l.page == Page::Simulate && !fill.is_empty() {
                    query = format!("{query}&fill={fill}");
                }
                format!("{}?{query}", l.path)
            };
            let text = tr(l.full);
            view! {
                <a id=l.id href=href aria-current=(page == l.page).then_some("page") aria-label=text>
                    <span class="label-full">{text}</span>
                    <span class="label-short" aria-hidden="true">{tr(l.short)}</span>
                </a>
            }
        };
        view! {
            <header class="top">
                <span class="brand">"hourbank"</span>
                <nav class="pages" aria-label=tr(NAV_LABEL)>{link(PAGES[0])}{link(PAGES[1])}{link(PAGES[2])}{link(PAGES[3])}</nav>
                // The contact page's query is the calculator's: its letter carries the scenario.
                {link(CONTACT)}
                // Named in the language it switches to, and marked so screen readers say it right.
                <a class="portal-link" id="nav-portal" href="/portal/">{tr(PORTAL_LINK)}</a>
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

    /// Mounts one page in place of its static frame (`shell::frame_html`); each Trunk entry's
    /// binary calls this with its page only, so its bundle holds no other page's code.
    ///
    /// Not after the frame's first paint, as the portal does: the app paints a larger largest
    /// element than the frame's anyway, and the wait cost the calculator 0.5 kB of wasm.
    pub fn mount<V: IntoView + 'static>(page: Page, view: fn() -> V) {
        crate::start::in_a_task_of_its_own(move || {
            if let Some(frame) = document().get_element_by_id("shell") {
                frame.remove();
            }
            leptos::mount::mount_to_body(move || view! { <Shell page>{view()}</Shell> });
        });
    }
}

/// Starting an app: in a task of its own, and (the portal's) after its page's static frame has
/// painted.
#[cfg(target_arch = "wasm32")]
pub mod start {
    use std::cell::Cell;
    use std::rc::Rc;

    use leptos::prelude::{document, window};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    /// Runs `start` after the task that runs the wasm's `main`: the wasm's instantiation and the
    /// app's first render were one long task, which Lighthouse counted as blocking time (the
    /// signed-in overview: 94 in three runs; 96-99 split).
    pub fn in_a_task_of_its_own(start: impl FnOnce() + 'static) {
        let run = Closure::once_into_js(start);
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(run.unchecked_ref(), 0);
    }

    /// Runs `start` (which replaces the page's static frame with the app) once the browser has
    /// recorded the frame's first paint, or at once if it has, in a task of its own
    /// ([`in_a_task_of_its_own`]). A frame removed before its paint is presented (the wasm already
    /// there, from the cache or a fast network) is forgotten as the largest paint, and the app's
    /// identical heading, painted later, counts instead.
    pub fn after_first_paint(start: impl FnOnce() + 'static) {
        let start = Rc::new(Cell::new(Some(start)));
        let run_once = move || {
            if let Some(start) = start.take() {
                in_a_task_of_its_own(start);
            }
        };
        let painted = window()
            .performance()
            .is_none_or(|p| p.get_entries_by_name_with_entry_type("first-contentful-paint", "paint").length() > 0);
        // A tab opened in the background paints nothing until shown: it starts at once.
        if painted || document().hidden() {
            return run_once();
        }
        let on_paint = {
            let run_once = run_once.clone();
            Closure::<dyn Fn()>::new(run_once)
        };
        // Paints from now on: an earlier one is in the entries read above.
        let init = web_sys::PerformanceObserverInit::new(&js_sys::Array::of1(&"paint".into()));
        match web_sys::PerformanceObserver::new(on_paint.as_ref().unchecked_ref()) {
            Ok(observer) => observer.observe(&init),
            Err(_) => return run_once(),
        }
        on_paint.forget();
        // Whatever happens to the paint entry, the app starts within a second.
        let fallback = Closure::once_into_js(run_once);
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(fallback.unchecked_ref(), 1000);
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
