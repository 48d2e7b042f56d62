//! «Сколько это будет стоить за год: моделирование»: Monte Carlo of the scenario in the browser,
//! run in chunks with a progress bar and a Cancel button, so the page never freezes.

use hourbank_domain::montecarlo::Accumulator;
use hourbank_domain::{FieldError, MonteCarlo};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::t;
use crate::calculator::{CalculatorForm, FillForm, Outcome};
use crate::pages::calculator::{label, text_field};
use crate::simulation::{grouped, millis_text, Basis, SimForm, SimReport, CHUNK, PROFILE_NORMAL, PROFILE_RESAMPLE};

/// Where a run is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Run {
    Idle,
    Running {
        done: u32,
        total: u32,
    },
    Cancelled,
    /// The report and the run's time in milliseconds (`performance.now()`).
    Done(Box<SimReport>, String),
}

/// Milliseconds of simulation between two yields to the browser (a frame is about 16 ms).
const FRAME_BUDGET_MS: f64 = 12.0;

/// Lets the browser paint and handle input: resolves on the next `setTimeout(0)`.
async fn next_tick() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback(&resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn now() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or_default()
}

#[component]
pub fn SimulationPanel(
    form: RwSignal<CalculatorForm>,
    outcome: Memo<Outcome>,
    fill: RwSignal<FillForm>,
    sim: RwSignal<SimForm>,
) -> impl IntoView {
    let lang = crate::app::lang();
    let state = RwSignal::new(Run::Idle);
    let run_id = StoredValue::new(0_u32);
    // The scenario's terms and months, when it computes.
    let basis = Memo::new(move |_| {
        let start = form.with(|f| f.start_date()).ok()?;
        // (A statement means the end, if any, read.)
        let end = form.with(|f| hourbank_domain::parse_date("end", f.end.trim()).ok());
        outcome.with(|o| match o {
            Outcome::Statement(c) => Some(Basis {
                tariff: c.tariff.clone(),
                start,
                end,
                vat: c.vat,
                months: c.statement.months.iter().map(|m| m.hours).collect(),
            }),
            Outcome::Invalid(_) => None,
        })
    });
    let errors = Memo::new(move |_| {
        basis.with(|b| match b {
            Some(b) => sim.with(|s| fill.with(|f| s.input(b, f).err().unwrap_or_default())),
            None => Vec::new(),
        })
    });
    let error_for = move |field: &'static str| {
        Signal::derive(move || {
            errors.with(|e: &Vec<FieldError>| e.iter().find(|e| e.field == field).map(|e| lang.problem(&e.problem)))
        })
    };
    // A result belongs to the inputs it was computed from: any change stops a run and clears it.
    Effect::new(move |_| {
        basis.track();
        sim.track();
        fill.track();
        run_id.update_value(|id| *id += 1);
        state.set(Run::Idle);
    });

    let start = move |_| {
        let input =
            basis.with_untracked(|b| sim.with_untracked(|s| fill.with_untracked(|f| s.input(b.as_ref()?, f).ok())));
        let Some(mc) = input.and_then(|input| MonteCarlo::new(input).ok()) else { return };
        let id = run_id.get_value() + 1;
        run_id.set_value(id);
        let total = mc.input().paths;
        let vat = mc.input().vat;
        state.set(Run::Running { done: 0, total });
        spawn_local(async move {
            let began = now();
            let mut acc = Accumulator::default();
            let mut done = 0;
            while done < total {
                next_tick().await;
                if run_id.try_get_value() != Some(id) {
                    return;
                }
                // Work for about one frame, then let the browser paint and handle input: yielding
                // after every chunk would cost more in timer delays than the simulation itself.
                let slice_began = now();
                while done < total && now() - slice_began < FRAME_BUDGET_MS {
                    let end = (done + CHUNK).min(total);
                    mc.run_chunk(done..end, &mut acc);
                    done = end;
                }
                state.set(Run::Running { done, total });
            }
            let report = SimReport::new(&mc.finish(acc), vat, crate::app::lang());
            let elapsed = millis_text(now() - began);
            state.set(Run::Done(Box::new(report), elapsed));
        });
    };
    let cancel = move |_| {
        run_id.update_value(|id| *id += 1);
        state.set(Run::Cancelled);
    };

    let field = move |id: &'static str,
                      name: &'static str,
                      text: (&'static str, &'static str),
                      get: fn(&SimForm, &[hourbank_domain::Hours]) -> String,
                      set: fn(&mut SimForm, String)| {
        text_field(
            id.into(),
            label(text.0, text.1),
            error_for(name),
            Signal::derive(move || basis.with(|b| sim.with(|s| get(s, b.as_ref().map_or(&[][..], |b| &b.months[..]))))),
            Callback::new(move |v| sim.update(|s| set(s, v))),
            "text",
        )
    };
    let profile = move |value: &'static str, id: &'static str, text: &'static str| {
        view! {
            <div class="choice">
                <input
                    type="radio"
                    name="sim-profile"
                    id=id
                    prop:checked=move || sim.with(|s| s.profile == value)
                    on:change=move |_| sim.update(|s| s.profile = value.into())
                />
                <label for=id>{text}</label>
            </div>
        }
    };
    let is_normal = Memo::new(move |_| sim.with(|s| s.profile == PROFILE_NORMAL));
    let seasonal_error = Signal::derive(move || {
        errors.with(|e| {
            e.iter().find(|e| e.field.starts_with("fill.") || e.field == "sim.seasonal").map(|e| {
                if e.field.starts_with("fill.") {
                    format!("«{}»: {}", t("Заполнить все месяцы", "Fill every month"), lang.problem(&e.problem))
                } else {
                    lang.problem(&e.problem)
                }
            })
        })
    });
    let running = move || matches!(state.get(), Run::Running { .. });
    let can_run = move || basis.with(Option::is_some) && errors.with(Vec::is_empty) && !running();

    view! {
        <section class="simulation" aria-labelledby="sim-title">
            <h2 id="sim-title">{t("Сколько это будет стоить за год: моделирование", "What a year would cost: a simulation")}</h2>
            <p class="legend">
                {t(
                    "Тариф, дата начала и НДС — из сценария выше; часы в месяц — случайные, по выбранному профилю. \
                     Тот же номер расчёта даёт те же цифры.",
                    "The tariff, start date and VAT come from the scenario above; the hours of each month are random, \
                     drawn from the chosen profile. The same run number gives the same figures.",
                )}
            </p>
            <fieldset class="choices">
                <legend>{t("Профиль часов", "Hours profile")}</legend>
                {profile(PROFILE_NORMAL, "sim-profile-normal", t("Среднее и разброс часов в месяц", "Mean and spread of hours a month"))}
                {profile(PROFILE_RESAMPLE, "sim-profile-resample", t("Случайные месяцы из введённых", "Random months from those entered"))}
                <span class="field-error" role="alert">{error_for("sim.profile")}</span>
            </fieldset>
            <div class="fields">
                {move || {
                    is_normal
                        .get()
                        .then(|| {
                            view! {
                                {field("sim-mean", "sim.mean", ("Часов в месяц в среднем", "Mean hours a month"), SimForm::mean_text, |s, v| s.mean = Some(v))}
                                {field("sim-spread", "sim.spread", ("Разброс (стандартное отклонение), ч", "Spread (standard deviation), h"), SimForm::spread_text, |s, v| s.spread = Some(v))}
                                <div class="field">
                                    <div class="choice">
                                        <input
                                            type="checkbox"
                                            id="sim-seasonal"
                                            aria-describedby="sim-seasonal-error"
                                            prop:checked=move || sim.with(|s| s.seasonal)
                                            on:change:target=move |ev| sim.update(|s| s.seasonal = ev.target().checked())
                                        />
                                        <label for="sim-seasonal">
                                            {t(
                                                "С сезонностью: пиковые месяцы из «Заполнить все месяцы»",
                                                "Seasonal: the peak months of «Fill every month»",
                                            )}
                                        </label>
                                    </div>
                                    <span class="field-error" id="sim-seasonal-error" role="alert">{seasonal_error}</span>
                                </div>
                            }
                        })
                }}
                {field("sim-paths", "sim.paths", ("Сколько возможных сценариев просчитать", "How many possible scenarios to compute"), |s, _| s.paths.clone(), |s, v| s.paths = v)}
                {field("sim-months", "sim.months", ("Месяцев в каждом сценарии", "Months in each scenario"), |s, _| s.months.clone(), |s, v| s.months = v)}
                {field("sim-seed", "sim.seed", ("Номер расчёта: тот же номер — те же результаты", "Run number: the same number gives the same results"), |s, _| s.seed.clone(), |s, v| s.seed = v)}
            </div>
            <div class="buttons">
                <button type="button" id="sim-run" class="primary" disabled=move || !can_run() on:click=start>
                    {t("Смоделировать", "Simulate")}
                </button>
            </div>
            {move || {
                basis
                    .with(Option::is_none)
                    .then(|| view! { <p class="invalid">{t("Исправьте отмеченные поля сценария — моделирование станет доступно.", "Fix the scenario's marked fields to simulate it.")}</p> })
            }}
            <div aria-live="polite">
                {move || match state.get() {
                    Run::Idle => ().into_any(),
                    Run::Running { done, total } => {
                        let text = format!(
                            "{} {} {} {} {}",
                            t("Моделирование:", "Simulating:"),
                            grouped(done.into()),
                            t("из", "of"),
                            grouped(total.into()),
                            t("сценариев", "scenarios")
                        );
                        view! {
                            <div class="sim-progress">
                                <label for="sim-progress">{text.clone()}</label>
                                <progress
                                    id="sim-progress"
                                    max=total
                                    value=done
                                    aria-valuemin="0"
                                    aria-valuemax=total
                                    aria-valuenow=done
                                    aria-valuetext=text
                                ></progress>
                                <button type="button" id="sim-cancel" on:click=cancel>{t("Отменить", "Cancel")}</button>
                            </div>
                        }
                        .into_any()
                    }
                    Run::Cancelled => view! { <p id="sim-status" role="status">{t("Моделирование отменено.", "The simulation was cancelled.")}</p> }.into_any(),
                    Run::Done(report, elapsed) => result_view(*report, elapsed).into_any(),
                }}
            </div>
        </section>
    }
}

fn result_view(report: SimReport, elapsed: String) -> impl IntoView {
    view! { <div id="sim-result" data-elapsed-ms=elapsed inner_html=report.html()></div> }
}
