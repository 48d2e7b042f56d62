//! The calculator page: a tariff («Старт» or typed-in terms), dates, VAT, hours per month with
//! fill patterns, and the statement with a plain-language explanation of each month. The
//! scenario lives in the address bar (a link to share), can be saved by name in the browser,
//! and the statement downloads as CSV. Everything is computed here, by `hourbank-domain`.

use hourbank_domain::{Period, Tariff};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::app::t;
use crate::calculator::{
    default_start, Calculation, CalculatorForm, FillForm, Outcome, ANNUAL_REPORT_SEASON, QUARTER_ENDS, TARIFF_CUSTOM,
    TARIFF_START,
};
use crate::charts::charts_html;
use crate::csv::statement_csv;
use crate::link;
use crate::saved::{self, Stored};
use crate::simulation::encode_fill;
use crate::table::{month_name, period_in, statement_html, summary_html};

/// Labels of the custom tariff's fields, in the order of `Tariff::FIELDS` (the offer's wording).
const TARIFF_LABELS: [(&str, &str); 6] = [
    ("Абонентская плата в месяц, ₽", "Monthly fee, ₽"),
    ("Включено часов по тарифу в месяц", "Hours included a month"),
    ("Стоимость часа сверх тарифа, ₽", "Price of an hour over the tariff, ₽"),
    ("Часов в резерве, не более", "Reserve cap, hours"),
    ("Месяцев без абонентской платы", "Months without a fee"),
    ("Стоимость часа в эти месяцы, ₽", "Price of an hour in those months, ₽"),
];

/// The message of a field, in the interface's language, while the form is invalid.
pub(crate) fn error_signal(outcome: Memo<Outcome>, field: String) -> Signal<Option<String>> {
    let lang = crate::app::lang();
    Signal::derive(move || outcome.with(|o| o.error(&field).map(|p| lang.problem(p))))
}

/// A labelled text input with its error next to it. Not generic (signals and a callback), so the
/// page's many fields share one copy of the rendering code in the wasm.
pub(crate) fn text_field(
    id: String,
    label: Signal<String>,
    error: Signal<Option<String>>,
    value: Signal<String>,
    set: Callback<String>,
    kind: &'static str,
) -> AnyView {
    let error_id = format!("{id}-error");
    let (inputmode, class, placeholder) = match kind {
        "month" => (Some("decimal"), "month-field", Some("0")),
        "text" => (Some("decimal"), "field", None),
        _ => (None, "field", None),
    };
    let kind = if kind == "month" { "text" } else { kind };
    view! {
        <div class=class>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                type=kind
                inputmode=inputmode
                placeholder=placeholder
                autocomplete="off"
                aria-describedby=error_id.clone()
                aria-invalid=move || error.get().is_some().to_string()
                prop:value=value
                on:input:target=move |ev| set.run(ev.target().value())
            />
            <span class="field-error" id=error_id role="alert">{error}</span>
        </div>
    }
    .into_any()
}

/// A field of the form: its text and how typing changes the form.
fn form_field(
    form: RwSignal<CalculatorForm>,
    get: fn(&CalculatorForm) -> String,
    set: fn(&mut CalculatorForm, String),
) -> (Signal<String>, Callback<String>) {
    (Signal::derive(move || form.with(get)), Callback::new(move |v| form.update(|f| set(f, v))))
}

/// A label in the interface's language.
pub(crate) fn label(ru: &'static str, en: &'static str) -> Signal<String> {
    Signal::stored(t(ru, en).to_string())
}

/// The page's address with this query.
fn page_url(query: &str) -> String {
    let location = window().location();
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_else(|_| "/".into());
    format!("{origin}{path}?{query}")
}

/// A `blob:` URL holding the CSV text (the BOM is written as UTF-8 bytes).
fn csv_blob_url(csv: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(csv));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// Every scenario entry in the browser's storage, or `None` when there is no storage.
fn read_saved(base: &CalculatorForm) -> Option<Vec<Stored>> {
    let storage = storage()?;
    let len = storage.length().ok()?;
    let entries = (0..len).filter_map(|i| {
        let key = storage.key(i).ok().flatten()?;
        let value = storage.get_item(&key).ok().flatten()?;
        Some((key, value))
    });
    Some(saved::list(entries.collect::<Vec<_>>(), base))
}

#[component]
pub fn CalculatorPage() -> impl IntoView {
    let today = chrono::Utc::now().date_naive();
    let base = CalculatorForm::first_view(default_start(today));
    let query = window().location().search().unwrap_or_default();
    let form = RwSignal::new(link::decode(&query, base.clone()));
    let outcome = Memo::new(move |_| form.with(CalculatorForm::evaluate));
    let error_for = move |field: &str| error_signal(outcome, field.to_string());

    // The address bar always holds the scenario, and so do the links to the other pages.
    let query = Memo::new(move |_| form.with(link::encode));
    let nav = crate::app::nav();
    Effect::new(move |_| nav.query.set(query.get()));
    let share_url = Memo::new(move |_| page_url(&query.get()));
    Effect::new(move |_| {
        let url = share_url.get();
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
        }
    });

    // The CSV of the current statement as a blob link; the previous blob is released.
    let csv_url = RwSignal::new(None::<String>);
    Effect::new(move |previous: Option<Option<String>>| {
        if let Some(Some(old)) = previous {
            let _ = web_sys::Url::revoke_object_url(&old);
        }
        let url = outcome.with(|o| match o {
            Outcome::Statement(c) => csv_blob_url(&statement_csv(c, crate::app::lang())),
            Outcome::Invalid(_) => None,
        });
        csv_url.set(url.clone());
        url
    });

    // The fill panel's peak months also give the simulation its seasonality.
    let fill = RwSignal::new(FillForm::default());
    Effect::new(move |_| nav.fill.set(fill.with(encode_fill)));
    let is_custom = Memo::new(move |_| form.with(|f| f.tariff == TARIFF_CUSTOM));
    let title = move || {
        if is_custom.get() {
            t("Свой тариф", "Your own tariff")
        } else {
            crate::app::tr(crate::shell::heading(crate::shell::Page::Calculator))
        }
    };

    // The page renders top to bottom in three tasks: the terms (what the static frame showed),
    // then the scenario, then the statement, sharing and saved scenarios. In one task it kept
    // Chromium's 4x-slowed CPU busy for 150-350 ms, which Lighthouse counts as blocking time.
    // Each part comes below the ones already shown, so appearing a moment later moves nothing.
    // (Each later part is an `AnyView`: typed, the two parts cost 1.9 kB of wasm; erased, 0.8 kB.)
    let scenario_shown = RwSignal::new(false);
    let rest_shown = RwSignal::new(false);
    crate::start::in_a_task_of_its_own(move || {
        scenario_shown.set(true);
        crate::start::in_a_task_of_its_own(move || rest_shown.set(true));
    });

    view! {
        <section class="terms" aria-labelledby="terms-title">
            <h1 id="terms-title">{title}</h1>
            {move || {
                outcome.with(|o| match o {
                    Outcome::Statement(c) => Some(view! { <div inner_html=summary_html(c, crate::app::lang())></div> }),
                    Outcome::Invalid(_) => None,
                })
            }}
            <TariffChoice form outcome />
            {move || {
                if is_custom.get() {
                    custom_tariff_fields(form, outcome).into_any()
                } else {
                    view! { <TariffTerms tariff=Tariff::start() /> }.into_any()
                }
            }}
        </section>
        {move || {
            scenario_shown.get().then(|| {
                view! {
                    <section class="scenario" aria-labelledby="scenario-title">
                        <h2 id="scenario-title">{t("Ваш сценарий", "Your scenario")}</h2>
                        <div class="fields">
                            {
                                let (value, set) = form_field(form, |f| f.start.clone(), |f, v| f.start = v);
                                text_field("start".into(), label("Дата начала договора", "Contract start date"), error_for("start"), value, set, "date")
                            }
                            {
                                let (value, set) = form_field(form, |f| f.end.clone(), |f, v| f.end = v);
                                text_field("end".into(), label("Дата окончания (необязательно)", "End date (optional)"), error_for("end"), value, set, "date")
                            }
                            <VatFields form outcome />
                            {
                                let (value, set) = form_field(form, |f| f.count.clone(), |f, v| f.set_count(&v));
                                text_field("count".into(), label("Месяцев в расчёте", "Months in the calculation"), error_for("count"), value, set, "text")
                            }
                        </div>
                        <FillPanel form fill />
                        <MonthFields form outcome />
                    </section>
                }
                .into_any()
            })
        }}
        {move || {
            rest_shown.get().then(|| {
                let base = base.clone();
                view! {
                    <section class="statement" aria-labelledby="statement-title" aria-live="polite">
                        <h2 id="statement-title">{t("Расчёт по месяцам", "Month by month")}</h2>
                        // The columns beyond the period, hours, what is paid and the explanation, one click
                        // away: a plain checkbox that CSS reads (`:has`), outside the recomputed statement so
                        // it stays as chosen, and no reactive code (it costs the page no wasm to speak of).
                        <p class="choice buttons">
                            <input type="checkbox" id="all-columns" />
                            <label for="all-columns">{t("Все столбцы", "All columns")}</label>
                        </p>
                        {move || {
                            outcome
                                .with(|o| match o {
                                    Outcome::Statement(c) => Some((**c).clone()),
                                    Outcome::Invalid(_) => None,
                                })
                                .map(|calculation| view! { <StatementView calculation csv_url /> }.into_any())
                                .unwrap_or_else(|| {
                                    view! { <p class="invalid">
                                            {t(
                                                "Исправьте отмеченные поля — расчёт появится сразу.",
                                                "Fix the marked fields and the statement appears at once.",
                                            )}
                                        </p> }
                                        .into_any()
                                })
                        }}
                    </section>
                    <SharePanel share_url />
                    <SavedPanel form base />
                }
                .into_any()
            })
        }}
    }
}

/// «Старт» or a tariff of one's own.
#[component]
fn TariffChoice(form: RwSignal<CalculatorForm>, outcome: Memo<Outcome>) -> impl IntoView {
    let error = error_signal(outcome, "tariff".into());
    let option = move |value: &'static str, id: &'static str, label: &'static str| {
        view! {
            <div class="choice">
                <input
                    type="radio"
                    name="tariff"
                    id=id
                    value=value
                    prop:checked=move || form.with(|f| f.tariff == value)
                    on:change=move |_| form.update(|f| f.tariff = value.into())
                />
                <label for=id>{label}</label>
            </div>
        }
    };
    view! {
        <fieldset class="choices" aria-describedby="tariff-error">
            <legend>{t("Тариф", "Tariff")}</legend>
            {option(TARIFF_START, "tariff-start", t("«Старт»", "«Старт»"))}
            {option(TARIFF_CUSTOM, "tariff-custom", t("Свой тариф", "Your own tariff"))}
            <span class="field-error" id="tariff-error" role="alert">{move || error.get()}</span>
        </fieldset>
    }
}

fn custom_tariff_fields(form: RwSignal<CalculatorForm>, outcome: Memo<Outcome>) -> impl IntoView {
    let fields = Tariff::FIELDS
        .iter()
        .enumerate()
        .map(|(i, name)| {
            text_field(
                format!("tariff-{name}"),
                label(TARIFF_LABELS[i].0, TARIFF_LABELS[i].1),
                error_signal(outcome, CalculatorForm::tariff_field(name)),
                Signal::derive(move || form.with(|f| f.custom[i].clone())),
                Callback::new(move |v| form.update(|f| f.custom[i] = v)),
                "text",
            )
        })
        .collect_view();
    view! { <div class="fields tariff-fields">{fields}</div> }
}

/// The seller's VAT option and its rate.
#[component]
fn VatFields(form: RwSignal<CalculatorForm>, outcome: Memo<Outcome>) -> impl IntoView {
    let mode_error = error_signal(outcome, "vat.mode".into());
    let option = move |value: &'static str, label: &'static str| {
        view! {
            <option value=value prop:selected=move || form.with(|f| f.vat_mode == value)>
                {label}
            </option>
        }
    };
    let vat_on = Memo::new(move |_| form.with(|f| f.vat_mode != "none"));
    view! {
        <div class="field">
            <label for="vat-mode">{t("НДС", "VAT")}</label>
            <select
                id="vat-mode"
                aria-describedby="vat-mode-error"
                aria-invalid=move || mode_error.get().is_some().to_string()
                on:change:target=move |ev| form.update(|f| f.vat_mode = ev.target().value())
            >
                {option("none", t("без НДС", "no VAT"))}
                {option("included", t("НДС в том числе", "VAT included"))}
                {option("on_top", t("НДС сверху", "VAT on top"))}
            </select>
            <span class="field-error" id="vat-mode-error" role="alert">{move || mode_error.get()}</span>
        </div>
        {move || {
            vat_on
                .get()
                .then(|| {
                    let (value, set) = form_field(form, |f| f.vat_rate.clone(), |f, v| f.vat_rate = v);
                    text_field(
                        "vat-rate".into(),
                        label("Ставка НДС, %", "VAT rate, %"),
                        error_signal(outcome, "vat.rate".into()),
                        value,
                        set,
                        "text",
                    )
                })
        }}
    }
}

/// Fills every month at once: the same hours, or a base with peaks in chosen calendar months.
#[component]
fn FillPanel(form: RwSignal<CalculatorForm>, fill: RwSignal<FillForm>) -> impl IntoView {
    let lang = crate::app::lang();
    let errors = RwSignal::new(Vec::<hourbank_domain::FieldError>::new());
    let error_for = move |field: &'static str| {
        Signal::derive(move || errors.with(|e| e.iter().find(|e| e.field == field).map(|e| lang.problem(&e.problem))))
    };
    let apply = move |with_peaks: bool| {
        let (start, count) = form.with(|f| (f.start_date(), f.hours.len()));
        let hours = fill.with(|fill| if with_peaks { fill.peaks(start, count) } else { fill.same(count) });
        match hours {
            Ok(hours) => {
                errors.set(Vec::new());
                form.update(|f| f.hours = hours);
            }
            Err(e) => errors.set(e),
        }
    };
    let month_boxes = (0..12)
        .map(|m| {
            let id = format!("peak-{}", m + 1);
            view! {
                <div class="choice">
                    <input
                        type="checkbox"
                        id=id.clone()
                        prop:checked=move || fill.with(|f| f.peak_months[m])
                        on:change:target=move |ev| fill.update(|f| f.peak_months[m] = ev.target().checked())
                    />
                    <label for=id>{month_name(m, lang)}</label>
                </div>
            }
        })
        .collect_view();
    let presets = [
        (
            t(
                "Квартальные отчёты (март, июнь, сентябрь, декабрь)",
                "Quarterly reports (March, June, September, December)",
            ),
            &QUARTER_ENDS[..],
        ),
        (t("Годовая отчётность (январь — март)", "Annual reports (January to March)"), &ANNUAL_REPORT_SEASON[..]),
    ]
    .map(|(text, months)| {
        view! { <button type="button" on:click=move |_| fill.update(|f| f.choose_peaks(months))>{text}</button> }
    });
    let start_error = error_for("start");
    view! {
        <fieldset class="fill">
            <legend>{t("Заполнить все месяцы", "Fill every month")}</legend>
            <div class="fields">
                {text_field(
                    "fill-base".into(),
                    label("Часов каждый месяц (база)", "Hours every month (base)"),
                    error_for("fill.base"),
                    Signal::derive(move || fill.with(|f| f.base.clone())),
                    Callback::new(move |v| fill.update(|f| f.base = v)),
                    "text",
                )}
                {text_field(
                    "fill-peak".into(),
                    label("Часов в пиковый месяц", "Hours in a peak month"),
                    error_for("fill.peak"),
                    Signal::derive(move || fill.with(|f| f.peak.clone())),
                    Callback::new(move |v| fill.update(|f| f.peak = v)),
                    "text",
                )}
            </div>
            <fieldset class="peak-months">
                <legend>{t("Пиковые месяцы", "Peak months")}</legend>
                <div class="buttons">{presets.into_iter().collect_view()}</div>
                <div class="month-boxes">{month_boxes}</div>
            </fieldset>
            <span class="field-error" role="alert">{start_error}</span>
            <div class="buttons">
                <button type="button" id="fill-same" class="primary" on:click=move |_| apply(false)>
                    {t("Одинаково каждый месяц", "The same every month")}
                </button>
                <button type="button" id="fill-peaks" class="primary" on:click=move |_| apply(true)>
                    {t("База с пиками", "Base with peaks")}
                </button>
            </div>
        </fieldset>
    }
}

/// One input per month, labelled with the month's name.
#[component]
fn MonthFields(form: RwSignal<CalculatorForm>, outcome: Memo<Outcome>) -> impl IntoView {
    let lang = crate::app::lang();
    // Re-rendered only when the number of months changes, so typing keeps the focus.
    let count = Memo::new(move |_| form.with(|f| f.hours.len()));
    let month_label = move |i: usize| {
        move || match form.with(|f| f.start_date()) {
            Ok(start) => period_in(Period::of(start).plus(i as u32), lang),
            Err(_) => format!("{} {}", t("Месяц", "Month"), i + 1),
        }
    };
    view! {
        <fieldset class="months">
            <legend>{t("Часы закрытых задач по месяцам", "Hours of closed tasks by month")}</legend>
            {move || {
                (0..count.get())
                    .map(|i| {
                        text_field(
                            format!("hours-{i}"),
                            Signal::derive(month_label(i)),
                            error_signal(outcome, CalculatorForm::hours_field(i)),
                            Signal::derive(move || form.with(|f| f.hours.get(i).cloned().unwrap_or_default())),
                            Callback::new(move |v| {
                                form.update(|f| {
                                    if let Some(h) = f.hours.get_mut(i) {
                                        *h = v;
                                    }
                                })
                            }),
                            "month",
                        )
                    })
                    .collect_view()
            }}
        </fieldset>
    }
}

/// The tariff's terms in the offer's wording.
#[component]
fn TariffTerms(tariff: Tariff) -> impl IntoView {
    let items = crate::shell::terms_lines(&tariff, crate::app::lang());
    view! { <ul class="terms-list">{items.map(|i| view! { <li>{i}</li> })}</ul> }
}

#[component]
fn StatementView(calculation: Calculation, csv_url: RwSignal<Option<String>>) -> impl IntoView {
    let lang = crate::app::lang();
    let table = statement_html(&calculation, lang);
    let charts = charts_html(&calculation.statement.months, calculation.tariff.reserve_cap, lang);
    view! {
        <div class="statement-table" inner_html=table></div>
        <h3 class="charts-title">{t("Графики", "Charts")}</h3>
        <div inner_html=charts></div>
        <p class="buttons">
            <button type="button" id="print" on:click=|_| {
                let _ = window().print();
            }>{t("Печать (A4)", "Print (A4)")}</button>
            <a
                id="csv-link"
                class="button"
                download="hourbank-raschet.csv"
                href=move || csv_url.get().unwrap_or_default()
            >
                {t("Скачать CSV", "Download CSV")}
            </a>
        </p>
    }
}

/// The link to this very calculation (the address bar holds it too).
#[component]
fn SharePanel(share_url: Memo<String>) -> impl IntoView {
    view! {
        <section class="share" aria-labelledby="share-title">
            <h2 id="share-title">{t("Поделиться расчётом", "Share this calculation")}</h2>
            <p>
                {t("Ссылка на этот расчёт (скопируйте её или отправьте):", "A link to this calculation (copy or send it):")}
                " "
                <a id="share-link" href=share_url>{share_url}</a>
            </p>
            <p class="buttons">
                {crate::pages::copy_link(move || share_url.get_untracked())}
            </p>
        </section>
    }
}

/// Scenarios saved by name in this browser: a name to save under, and a list to reopen or delete
/// from. Entries that cannot be read are reported and skipped.
#[component]
fn SavedPanel(form: RwSignal<CalculatorForm>, base: CalculatorForm) -> impl IntoView {
    let lang = crate::app::lang();
    let name = RwSignal::new(String::new());
    let name_error = RwSignal::new(None::<String>);
    let status = RwSignal::new(String::new());
    let entries = RwSignal::new(read_saved(&base));
    let selected = RwSignal::new(String::new());
    // What the last save or delete took away (a scenario saved over, or deleted), for «Вернуть»:
    // saved work is never one click from being lost.
    let undo = RwSignal::new(None::<(String, String)>);
    let base = StoredValue::new(base);
    // Reads the storage again, keeping the selection when it is still there.
    let refresh = move |select: Option<String>| {
        let list = base.with_value(read_saved);
        let first = list.as_ref().and_then(|l| l.first()).map(|e| e.name().to_string());
        let keep = select.or_else(|| Some(selected.get_untracked()));
        let exists = |n: &String| list.as_ref().is_some_and(|l| l.iter().any(|e| e.name() == n));
        selected.set(keep.filter(exists).or(first).unwrap_or_default());
        entries.set(list);
    };
    refresh(None);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = match saved::parse_name(&name.get_untracked()) {
            Ok(name) => name,
            Err(e) => {
                name_error.set(Some(lang.problem(&e.problem)));
                return;
            }
        };
        name_error.set(None);
        let value = form.with_untracked(saved::stored_value);
        let key = saved::storage_key(&name);
        let before = storage().and_then(|s| s.get_item(&key).ok().flatten());
        let stored = storage().map(|s| s.set_item(&key, &value));
        let l = lang;
        let replaced = before.is_some() && stored == Some(Ok(()));
        undo.set(before.filter(|_| replaced).map(|old| (name.clone(), old)));
        status.set(match stored {
            Some(Ok(())) => format!(
                "{} «{name}» {}",
                l.pick("Сценарий", "Scenario"),
                if replaced {
                    l.pick("сохранён вместо прежнего", "saved over the earlier one")
                } else {
                    l.pick("сохранён", "saved")
                }
            ),
            _ => l
                .pick(
                    "Не удалось сохранить: хранилище браузера недоступно или заполнено",
                    "Could not save: the browser's storage is unavailable or full",
                )
                .into(),
        });
        refresh(Some(name));
    };
    let open = move |_| {
        let name = selected.get_untracked();
        let l = lang;
        let message = entries.with_untracked(|list| match list.iter().flatten().find(|e| e.name() == name)? {
            Stored::Scenario { form: saved_form, .. } => {
                form.set((**saved_form).clone());
                Some(format!("{} «{name}»", l.pick("Открыт сценарий", "Opened scenario")))
            }
            Stored::Unreadable { reason, .. } => Some(format!(
                "{} «{name}» {}: {}",
                l.pick("Сценарий", "Scenario"),
                l.pick("не открывается", "cannot be opened"),
                reason.text(l)
            )),
        });
        status.set(message.unwrap_or_default());
    };
    let delete = move |_| {
        let name = selected.get_untracked();
        if name.is_empty() {
            return;
        }
        if let Some(s) = storage() {
            let key = saved::storage_key(&name);
            undo.set(s.get_item(&key).ok().flatten().map(|old| (name.clone(), old)));
            let _ = s.remove_item(&key);
        }
        let l = lang;
        status.set(format!("{} «{name}» {}", l.pick("Сценарий", "Scenario"), l.pick("удалён", "deleted")));
        refresh(None);
    };
    let restore = move |_| {
        let Some((name, old)) = undo.get_untracked() else { return };
        undo.set(None);
        if let Some(s) = storage() {
            let _ = s.set_item(&saved::storage_key(&name), &old);
        }
        let l = lang;
        status.set(format!("{} «{name}» {}", l.pick("Сценарий", "Scenario"), l.pick("возвращён", "restored")));
        refresh(Some(name));
    };
    let options = move || {
        entries.with(|list| {
            list.iter()
                .flatten()
                .map(|e| {
                    let value = e.name().to_string();
                    let text = match e {
                        Stored::Scenario { .. } => value.clone(),
                        Stored::Unreadable { .. } => {
                            format!("{value} — {}", lang.pick("не открывается", "cannot be opened"))
                        }
                    };
                    let is = value.clone();
                    view! { <option value=value prop:selected=move || selected.with(|s| *s == is)>{text}</option> }
                })
                .collect_view()
        })
    };
    // Unreadable entries, said once in plain words.
    let problems = move || {
        entries.with(|list| match list {
            None => lang
                .pick(
                    "Хранилище браузера недоступно: сценарии не сохраняются.",
                    "The browser's storage is unavailable: scenarios are not saved.",
                )
                .to_string(),
            Some(list) => list
                .iter()
                .filter_map(|e| match e {
                    Stored::Unreadable { name, reason } => {
                        let l = lang;
                        Some(format!(
                            "{} «{name}» {}: {}. ",
                            l.pick("Сценарий", "Scenario"),
                            l.pick("пропущен", "skipped"),
                            reason.text(l)
                        ))
                    }
                    Stored::Scenario { .. } => None,
                })
                .collect(),
        })
    };
    let empty = move || entries.with(|l| l.as_ref().is_none_or(Vec::is_empty));
    view! {
        <section class="saved" aria-labelledby="saved-title">
            <h2 id="saved-title">{t("Сохранённые сценарии", "Saved scenarios")}</h2>
            <form class="save-form" on:submit=save>
                <div class="field">
                    <label for="save-name">{t("Название сценария", "Scenario name")}</label>
                    <input
                        id="save-name"
                        type="text"
                        autocomplete="off"
                        aria-describedby="save-name-error"
                        aria-invalid=move || name_error.get().is_some().to_string()
                        prop:value=name
                        on:input:target=move |ev| name.set(ev.target().value())
                    />
                    <span class="field-error" id="save-name-error" role="alert">{name_error}</span>
                </div>
                <button type="submit" id="save" class="primary">{t("Сохранить", "Save")}</button>
            </form>
            <div class="save-form">
                <div class="field">
                    <label for="saved-select">{t("Сохранённый сценарий", "Saved scenario")}</label>
                    <select
                        id="saved-select"
                        disabled=empty
                        on:change:target=move |ev| selected.set(ev.target().value())
                    >
                        {options}
                    </select>
                </div>
                <div class="buttons">
                    <button type="button" id="open-saved" disabled=empty on:click=open>{t("Открыть", "Open")}</button>
                    <button type="button" id="delete-saved" disabled=empty on:click=delete>{t("Удалить", "Delete")}</button>
                </div>
            </div>
            <p id="saved-problems" class="invalid" role="alert">{problems}</p>
            <p id="saved-status" role="status">{status}</p>
            <button type="button" id="undo-saved" hidden=move || undo.with(Option::is_none) on:click=restore>
                {t("Вернуть", "Undo")}
            </button>
        </section>
    }
}
