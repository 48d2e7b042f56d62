//! The comparison page (`/compare/`): the link's scenario under «Старт», pay-as-you-go and any
//! tariffs added here (kept in the link as `alt=`), the cheapest tariff by hours per month, and a
//! history of months replayed against each tariff. Figures come from `crate::compare`.

use hourbank_domain::{parse_date, FieldError, Hours, Period, Tariff};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::app::t;
use crate::calculator::{default_start, CalculatorForm, Outcome};
use crate::compare::{
    alt_field, bands_html, candidates, compare_scenario, comparison_html, comparison_verdict, decode_alts,
    decode_market, encode_alts, encode_market, new_alt, parse_history, replay_history, replay_verdict, with_catalogue,
    CatalogueTariff, MARKET_KEY, MAX_ALTS,
};
use crate::link;
use crate::pages::calculator::{label, text_field};
use crate::pages::scenario_line;

/// Labels of an added tariff's fields, in the order of `Tariff::FIELDS`.
const LABELS: [(&str, &str); 6] = [
    ("Абонентская плата в месяц, ₽", "Monthly fee, ₽"),
    ("Включено часов в месяц", "Hours included a month"),
    ("Час сверх тарифа, ₽", "An hour over the tariff, ₽"),
    ("Часов в резерве, не более", "Reserve cap, hours"),
    ("Месяцев без абонентской платы", "Months without a fee"),
    ("Час в эти месяцы, ₽", "An hour in those months, ₽"),
];

#[component]
pub fn ComparePage() -> impl IntoView {
    let query = window().location().search().unwrap_or_default();
    let base = CalculatorForm::first_view(default_start(chrono::Utc::now().date_naive()));
    let form = StoredValue::new(link::decode(&query, base));
    let outcome = Memo::new(move |_| form.with_value(CalculatorForm::evaluate));
    let alts = RwSignal::new(decode_alts(&query));
    let market = RwSignal::new(decode_market(&query));

    // The address and the links to the other pages hold the scenario and the added tariffs.
    let nav = crate::app::nav();
    let scenario_query = form.with_value(link::encode);
    Effect::new(move |_| {
        let q = format!("{scenario_query}{}{}", alts.with(|a| encode_alts(a)), market.with(|m| encode_market(m)));
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("?{q}")));
        }
        nav.query.set(q);
    });

    // The company's tariffs, once its server answers; built in until then (or for good without one).
    let catalogue = RwSignal::new(Vec::<CatalogueTariff>::new());
    leptos::task::spawn_local(async move {
        if let Some(list) = fetch_catalogue().await {
            catalogue.set(list);
        }
    });

    let lang = crate::app::lang();
    let list = Memo::new(move |_| {
        outcome.with(|o| match o {
            Outcome::Statement(c) => Some(form.with_value(|f| {
                alts.with(|a| market.with(|m| candidates(&c.tariff, f, a, m, lang)))
                    .map(|list| catalogue.with(|cat| with_catalogue(list, cat)))
            })),
            Outcome::Invalid(_) => None,
        })
    });
    let alt_errors = Memo::new(move |_| {
        list.with(|l| match l {
            Some(Err(e)) => e.clone(),
            _ => Vec::<FieldError>::new(),
        })
    });
    // The scenario's dates, hours and VAT, when it computes.
    let scenario = Memo::new(move |_| {
        let (start, end) = form.with_value(|f| {
            let end = match f.end.trim() {
                "" => None,
                text => parse_date("end", text).ok(),
            };
            (f.start_date().ok(), end)
        });
        outcome.with(|o| match (o, start) {
            (Outcome::Statement(c), Some(start)) => {
                let hours: Vec<Hours> = c.statement.months.iter().map(|m| m.hours).collect();
                Some((start, end, hours, c.vat))
            }
            _ => None,
        })
    });
    let result = move || {
        let (start, end, hours, vat) = scenario.get()?;
        let list = list.with(|l| l.clone())?.ok()?;
        Some(match compare_scenario(start, end, &hours, vat, &list) {
            Ok(c) => (
                comparison_html(
                    &c,
                    vat,
                    "compare-table",
                    t("Таблица: те же часы по каждому тарифу", "Table: the same hours under each tariff"),
                    lang,
                ),
                comparison_verdict(&c, lang),
                bands_html(&list, lang),
            ),
            Err(e) => (String::new(), lang.problem(&e.problem), String::new()),
        })
    };

    let history = RwSignal::new(String::new());
    let parsed = Memo::new(move |_| history.with(|h| parse_history(h, lang)));
    let history_errors = move || match parsed.get() {
        Err(errors) => errors
            .into_iter()
            .map(|e| {
                let line = e.field.trim_start_matches("history[").trim_end_matches(']').to_string();
                view! { <li>{t("Строка", "Line")} " " {line} ": " {lang.problem(&e.problem)}</li> }
            })
            .collect_view()
            .into_any(),
        Ok(_) => ().into_any(),
    };
    let replayed = move || {
        let history = parsed.get().ok().filter(|h| !h.hours.is_empty())?;
        let (start, _, _, vat) = scenario.get()?;
        let list = list.with(|l| l.clone())?.ok()?;
        Some(match replay_history(&history, Period::of(start), vat, &list) {
            Ok(r) => (
                comparison_html(
                    &r.comparison,
                    vat,
                    "replay-table",
                    t("Таблица: история по каждому тарифу", "Table: the history under each tariff"),
                    lang,
                ),
                replay_verdict(&r, lang),
            ),
            Err(e) => (String::new(), lang.problem(&e.problem)),
        })
    };

    let count = Memo::new(move |_| alts.with(Vec::len));
    let full = move || count.get() >= MAX_ALTS;
    let alt_fieldsets = move || {
        (0..count.get())
            .map(|i| {
                let fields = Tariff::FIELDS
                    .iter()
                    .enumerate()
                    .map(|(k, name)| {
                        let field = alt_field(i, name);
                        text_field(
                            format!("alt-{i}-{name}"),
                            label(LABELS[k].0, LABELS[k].1),
                            Signal::derive(move || {
                                alt_errors
                                    .with(|e| e.iter().find(|e| e.field == field).map(|e| lang.problem(&e.problem)))
                            }),
                            Signal::derive(move || alts.with(|a| a.get(i).map(|a| a[k].clone()).unwrap_or_default())),
                            Callback::new(move |v| {
                                alts.update(|a| {
                                    if let Some(a) = a.get_mut(i) {
                                        a[k] = v;
                                    }
                                })
                            }),
                            "text",
                        )
                    })
                    .collect_view();
                view! {
                    <fieldset class="alt">
                        <legend>{t("Тариф", "Tariff")} " " {i + 1}</legend>
                        <div class="fields">{fields}</div>
                        <button
                            type="button"
                            id=format!("alt-{i}-remove")
                            on:click=move |_| {
                                alts.update(|a| {
                                    if i < a.len() {
                                        a.remove(i);
                                    }
                                })
                            }
                        >
                            {t("Убрать тариф", "Remove tariff")} " " {i + 1}
                        </button>
                    </fieldset>
                }
            })
            .collect_view()
    };

    view! {
        <h1>{crate::app::tr(crate::shell::heading(crate::shell::Page::Compare))}</h1>
        {scenario_line(outcome)}
        <section aria-labelledby="compare-title" aria-live="polite">
            <h2 id="compare-title">{t("Те же часы по каждому тарифу", "The same hours under each tariff")}</h2>
            {move || match result() {
                Some((table, verdict, bands)) => view! {
                    <p id="compare-verdict" class="verdict">{verdict}</p>
                    <div inner_html=table></div>
                    <SubscriptionBuys />
                    <h3>{t("Какой тариф дешевле при одинаковых часах каждый месяц", "Which tariff is cheaper with the same hours every month")}</h3>
                    <p class="legend">
                        {t(
                            "Месяц абонемента без НДС; границы — это часы в месяц, при которых тарифы стоят одинаково.",
                            "A subscription month without VAT; the edges are the hours a month at which tariffs cost the same.",
                        )}
                    </p>
                    <div inner_html=bands></div>
                }
                .into_any(),
                None => view! { <p class="invalid">{t("Исправьте отмеченные поля — сравнение появится сразу.", "Fix the marked fields and the comparison appears at once.")}</p> }
                    .into_any(),
            }}
        </section>
        // The comparison as it stands is its page's address (kept current above): one click to send it.
        <p class="buttons share-line">
            {t("Это сравнение по ссылке:", "This comparison as a link:")} " "
            {crate::pages::copy_link(|| window().location().href().unwrap_or_default())}
        </p>
        <section aria-labelledby="alts-title">
            <h2 id="alts-title">{t("Свои тарифы для сравнения", "Your own tariffs to compare")}</h2>
            <div class="fields">
                {text_field(
                    "market".into(),
                    label("Цена часа разовых работ, ₽", "An hour of one-off work, ₽"),
                    Signal::derive(move || {
                        alt_errors.with(|e| e.iter().find(|e| e.field == MARKET_KEY).map(|e| lang.problem(&e.problem)))
                    }),
                    Signal::derive(move || market.get()),
                    Callback::new(move |v| market.set(v)),
                    "text",
                )}
            </div>
            <p class="legend">
                {t(
                    "«Старт» всегда сравнивается с разовыми работами — тем, что покупают без абонемента, — по цене часа выше (по умолчанию 3 000 ₽); добавьте до 5 своих тарифов.",
                    "«Старт» is always compared with one-off work — what one buys without a subscription — at the hourly price above (3 000 ₽ unless set); add up to 5 tariffs of your own.",
                )}
            </p>
            {alt_fieldsets}
            <p class="buttons">
                <button
                    type="button"
                    id="alt-add"
                    class="primary"
                    disabled=full
                    on:click=move |_| alts.update(|a| a.push(new_alt()))
                >
                    {t("Добавить тариф", "Add a tariff")}
                </button>
            </p>
        </section>
        <section aria-labelledby="history-title">
            <h2 id="history-title">{t("Что было бы по вашей истории", "What your history would have cost")}</h2>
            <div class="field">
                <label for="history">
                    {t(
                        "Часы прошлых месяцев: по строке на месяц — «часы» или «ГГГГ-ММ;часы»; можно вставить CSV расчёта",
                        "Hours of past months, a line each: «hours» or «YYYY-MM;hours»; the calculator's CSV works too",
                    )}
                </label>
                <textarea
                    id="history"
                    rows="8"
                    aria-describedby="history-errors"
                    prop:value=history
                    on:input:target=move |ev| history.set(ev.target().value())
                ></textarea>
                <div id="history-errors" class="field-error" role="alert">
                    <ul>{history_errors}</ul>
                </div>
            </div>
            <p class="legend">
                {t(
                    "Месяцы истории считаются месяцами абонемента, без пробного периода, с НДС сценария.",
                    "The history's months count as subscription months, with no trial, with the scenario's VAT.",
                )}
            </p>
            <div aria-live="polite">
                {move || {
                    replayed()
                        .map(|(table, verdict)| {
                            view! {
                                <p id="replay-verdict" class="verdict">{verdict}</p>
                                <div inner_html=table></div>
                            }
                        })
                }}
            </div>
        </section>
    }
}

/// What the subscription buys that hours alone do not, in the offer's words: no price is put
/// on them, and no saving is claimed for them.
#[component]
fn SubscriptionBuys() -> impl IntoView {
    let items: [(&str, &str); 5] = [
        (
            "Перенос остатка часов на весь срок договора: не выработанные часы копятся в резерве (до 10 ч).",
            "Unused hours carry over for the whole contract: they build up in the reserve (up to 10 h).",
        ),
        (
            "1 постоянно закреплённый аналитик + программист по мере необходимости: с вами всегда работает один и тот же специалист.",
            "One dedicated analyst, plus a programmer when needed: you always work with the same person.",
        ),
        (
            "Постановка без технического задания: аналитик обсудит задачу и составит ТЗ.",
            "No specification needed: the analyst discusses the task and writes the specification.",
        ),
        (
            "Безлимитные консультации по телефону, CRM-чату или в мобильном приложении.",
            "Unlimited consultations by phone, CRM chat or the mobile app.",
        ),
        (
            "Ежемесячный отчёт: кто, по какой задаче, когда и что делал.",
            "A monthly report: who did what, on which task, and when.",
        ),
    ];
    view! {
        <h3>{t("Что даёт абонемент, кроме часов", "What the subscription gives besides hours")}</h3>
        <ul class="buys" id="subscription-buys">
            {items.into_iter().map(|(ru, en)| view! { <li>{t(ru, en)}</li> }).collect_view()}
        </ul>
    }
}

/// The catalogue of the server this page came from (`GET /api/v1/tariffs`, public), its terms as
/// texts; `None` when there is no such server or it does not answer as expected.
async fn fetch_catalogue() -> Option<Vec<CatalogueTariff>> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let response: web_sys::Response =
        JsFuture::from(window().fetch_with_str("/api/v1/tariffs")).await.ok()?.dyn_into().ok()?;
    if !response.ok() {
        return None;
    }
    let body = JsFuture::from(response.json().ok()?).await.ok()?;
    let field = |value: &JsValue, name: &str| js_sys::Reflect::get(value, &JsValue::from_str(name)).ok();
    // Amounts come as strings ("45000.00"), the trial's months as a number: written by the
    // browser's JSON (Rust's float formatting would add 8 kB to the page).
    let text = |value: JsValue| value.as_string().or_else(|| js_sys::JSON::stringify(&value).ok()?.as_string());
    let tariffs: js_sys::Array = field(&body, "tariffs")?.dyn_into().ok()?;
    Some(
        tariffs
            .iter()
            .filter_map(|entry| {
                let name = field(&entry, "name")?.as_string()?;
                let terms = field(&entry, "terms")?;
                let mut texts: [String; 6] = Default::default();
                for (text_of, name) in texts.iter_mut().zip(Tariff::FIELDS) {
                    *text_of = text(field(&terms, name)?)?;
                }
                Some(CatalogueTariff { name, terms: texts })
            })
            .collect(),
    )
}
