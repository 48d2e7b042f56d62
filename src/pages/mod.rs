pub mod calculator;
pub mod compare;
pub mod demo;
pub mod simulate;
pub mod simulation;

use leptos::prelude::*;

use crate::app::t;
use crate::calculator::Outcome;

/// One line saying which scenario a page works on, with a link back to change it in the
/// calculator; or that the link's scenario has errors to fix there.
pub fn scenario_line(outcome: Memo<Outcome>) -> impl IntoView {
    let nav = crate::app::nav();
    let back = move || format!("/?{}", nav.query.get());
    move || {
        let text = outcome.with(|o| match o {
            Outcome::Statement(c) => Ok(crate::calculator::summary_line(c, crate::app::lang())),
            Outcome::Invalid(_) => Err(()),
        });
        match text {
            Ok(text) => view! {
                <p class="scenario-line" id="scenario-line">
                    {text} " " <a href=back>{t("Изменить сценарий", "Change the scenario")}</a>
                </p>
            }
            .into_any(),
            Err(()) => view! {
                <p class="invalid" id="scenario-line">
                    {t("В сценарии из ссылки есть ошибки — ", "The link's scenario has errors: ")}
                    <a href=back>{t("исправьте их в калькуляторе", "fix them in the calculator")}</a>
                    "."
                </p>
            }
            .into_any(),
        }
    }
}

/// «Скопировать ссылку» and what became of it: copied, or how to copy by hand. `url` is read at
/// the click. One-shot callbacks write the outcome into the page: no future and no reactive
/// status (each would cost the page's wasm more than this does).
pub fn copy_link(url: impl Fn() -> String + 'static) -> impl IntoView {
    use wasm_bindgen::JsValue;
    let copy = move |_| {
        let promise = window().navigator().clipboard().write_text(&url());
        let say = |text: &'static str| {
            if let Some(status) = document().get_element_by_id("copy-status") {
                status.set_text_content(Some(text));
            }
        };
        let done = t("Ссылка скопирована.", "The link is copied.");
        let failed = t(
            "Не удалось скопировать: выделите ссылку и скопируйте её.",
            "Could not copy: select the link and copy it.",
        );
        let ok = wasm_bindgen::closure::Closure::once(move |_: JsValue| say(done));
        let refused = wasm_bindgen::closure::Closure::once(move |_: JsValue| say(failed));
        let _ = promise.then2(&ok, &refused);
        // Each runs at most once, when the promise settles; JS owns them from here.
        ok.forget();
        refused.forget();
    };
    view! {
        <button type="button" id="copy-link" on:click=copy>{t("Скопировать ссылку", "Copy the link")}</button>
        <span id="copy-status" role="status"></span>
    }
}
