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
