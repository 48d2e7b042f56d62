//! The trial demo (`/demo/`): a presenter view of the offer's terms with the link's scenario,
//! one slide at a time in large type; arrows, PageUp/PageDown, Home and End move between slides.

use leptos::prelude::*;

use crate::app::t;
use crate::calculator::{default_start, CalculatorForm, Outcome};
use crate::demo::{key_target, slides};
use crate::link;
use crate::pages::scenario_line;

#[component]
pub fn DemoPage() -> impl IntoView {
    let query = window().location().search().unwrap_or_default();
    let base = CalculatorForm::demo_view(default_start(chrono::Utc::now().date_naive()));
    let form = link::decode(&query, base);
    let outcome = Memo::new(move |_| form.evaluate());
    let deck = Memo::new(move |_| {
        outcome.with(|o| match o {
            Outcome::Statement(c) => slides(c, crate::app::lang()),
            Outcome::Invalid(_) => Vec::new(),
        })
    });
    let at = RwSignal::new(0_usize);
    let go = move |key: &str| {
        let count = deck.with(Vec::len);
        match key_target(key, at.get_untracked(), count) {
            Some(to) => {
                at.set(to);
                true
            }
            None => false,
        }
    };
    // Keys work anywhere on the page except in a field (the presenter may hold a clicker that
    // sends PageUp/PageDown).
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let in_field = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT" | "BUTTON" | "A"));
        if !in_field && !ev.alt_key() && !ev.ctrl_key() && !ev.meta_key() && go(&ev.key()) {
            ev.prevent_default();
        }
    });
    on_cleanup(move || handle.remove());
    let count = move || deck.with(Vec::len);
    let at_end = move || at.get() + 1 >= count();
    let slide = move || {
        deck.with(|d| d.get(at.get()).cloned()).map(|s| {
            let lines = s.lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view();
            view! {
                <h2 id="slide-title">{s.title}</h2>
                <ul class="slide-lines">{lines}</ul>
            }
        })
    };
    view! {
        <h1 class="visually-hidden">{crate::app::tr(crate::shell::heading(crate::shell::Page::Demo))}</h1>
        {scenario_line(outcome)}
        {move || (count() > 0).then(|| view! {
        <section class="deck" aria-roledescription=t("презентация", "presentation")
                aria-label=t("Условия тарифа с цифрами сценария", "The tariff's terms with the scenario's figures")>
            <div id="slide" class="slide" aria-live="polite" aria-roledescription=t("слайд", "slide")>
                {slide}
                // The last slide ends with the next step: the client's own figures, a request to
                // the company (with the calculation's link), or the portal.
                {move || at_end().then(|| {
                    let query = window().location().search().unwrap_or_default();
                    view! {
                        <p class="buttons next-step" id="demo-next-step">
                            <a class="button" id="demo-calculate" href=format!("/{query}")>
                                {t("Рассчитать свой тариф", "Work out your own figures")}
                            </a>
                            <a class="button secondary" id="demo-contact" href=format!("/contact{query}")>
                                {t("Оставить заявку", "Leave a request")}
                            </a>
                            <a id="demo-portal" href="/portal/">{t("Уже клиент? Войти в портал", "Already a client? Sign in")}</a>
                        </p>
                    }
                })}
            </div>
            <div class="deck-controls">
                <button type="button" id="slide-prev" disabled=move || at.get() == 0 on:click=move |_| {
                    go("ArrowLeft");
                }>{t("← Назад", "← Back")}</button>
                <span id="slide-counter">{t("Слайд", "Slide")} " " {move || at.get() + 1} " " {t("из", "of")} " " {count}</span>
                <button type="button" id="slide-next" class="primary" disabled=at_end on:click=move |_| {
                    go("ArrowRight");
                }>{t("Дальше →", "Next →")}</button>
            </div>
            <p class="legend demo-keys">{t(
                    "Клавиши: ← → или PageUp/PageDown — слайды, Home/End — первый и последний.",
                    "Keys: ← → or PageUp/PageDown move between slides, Home/End go to the first and the last.",
                )}</p>
        </section>
        })}
    }
}
