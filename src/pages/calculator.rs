//! The first calculator page: «Старт», a start date, hours for 12 months, the statement.

use hourbank_domain::format::{hours, period_ru, rubles};
use hourbank_domain::{MonthStatement, Period, Phase, Statement, Tariff};
use leptos::prelude::*;

use crate::calculator::{default_start, CalculatorForm, Outcome, MONTHS};

#[component]
pub fn CalculatorPage() -> impl IntoView {
    let today = chrono::Utc::now().date_naive();
    let form = RwSignal::new(CalculatorForm::new(default_start(today)));
    let outcome = Memo::new(move |_| form.with(CalculatorForm::evaluate));

    // The message for one field, in Russian, when it is invalid.
    let error_for = move |field: String| {
        Signal::derive(move || match outcome.get() {
            Outcome::Invalid(errors) => errors.iter().find(|e| e.field == field).map(|e| e.problem.ru()),
            Outcome::Statement(_) => None,
        })
    };
    let month_label = move |i: usize| {
        move || match form.with(|f| f.start_date()) {
            Ok(start) => period_ru(Period::of(start).plus(i as u32)),
            Err(_) => format!("Месяц {}", i + 1),
        }
    };

    let hour_inputs = (0..MONTHS)
        .map(|i| {
            let id = format!("hours-{i}");
            let error_id = format!("hours-{i}-error");
            let error = error_for(CalculatorForm::hours_field(i));
            view! {
                <div class="month-field">
                    <label for=id.clone()>{month_label(i)}</label>
                    <input
                        id=id
                        type="text"
                        inputmode="decimal"
                        placeholder="0"
                        autocomplete="off"
                        aria-describedby=error_id.clone()
                        aria-invalid=move || error.get().is_some().to_string()
                        prop:value=move || form.with(|f| f.hours[i].clone())
                        on:input:target=move |ev| form.update(|f| f.hours[i] = ev.target().value())
                    />
                    <span class="field-error" id=error_id role="alert">{error}</span>
                </div>
            }
        })
        .collect_view();

    let start_error = error_for("start".to_string());

    view! {
        <section class="terms" aria-labelledby="terms-title">
            <h1 id="terms-title">"Тариф «Старт»"</h1>
            <TariffTerms tariff=Tariff::start() />
        </section>
        <section class="scenario" aria-labelledby="scenario-title">
            <h2 id="scenario-title">"Ваш сценарий"</h2>
            <div class="start-field">
                <label for="start">"Дата начала договора"</label>
                <input
                    id="start"
                    type="date"
                    aria-describedby="start-error"
                    aria-invalid=move || start_error.get().is_some().to_string()
                    prop:value=move || form.with(|f| f.start.clone())
                    on:input:target=move |ev| form.update(|f| f.start = ev.target().value())
                />
                <span class="field-error" id="start-error" role="alert">{start_error}</span>
            </div>
            <fieldset class="months">
                <legend>"Часы закрытых задач по месяцам"</legend>
                {hour_inputs}
            </fieldset>
        </section>
        <section class="statement" aria-labelledby="statement-title" aria-live="polite">
            <h2 id="statement-title">"Расчёт по месяцам"</h2>
            {move || match outcome.get() {
                Outcome::Statement(statement) => view! { <StatementView statement /> }.into_any(),
                Outcome::Invalid(_) => {
                    view! { <p class="invalid">"Исправьте отмеченные поля — расчёт появится сразу."</p> }
                        .into_any()
                }
            }}
        </section>
    }
}

/// The tariff's terms in the offer's wording.
#[component]
fn TariffTerms(tariff: Tariff) -> impl IntoView {
    view! {
        <ul class="terms-list">
            <li>
                "Первые " {tariff.trial_months} " месяца — без абонентской платы: оплата только за закрытые задачи, "
                {rubles(tariff.trial_rate)} " за час"
            </li>
            <li>"Стоимость абонентской платы: " {rubles(tariff.monthly_fee)} " в месяц"</li>
            <li>"Включено часов по тарифу: " {hours(tariff.included_hours)} " в месяц"</li>
            <li>"Стоимость часа сверх тарифа: " {rubles(tariff.overage_rate)}</li>
            <li>
                "Часов в резерве: до " {hours(tariff.reserve_cap)}
                " — не выработанные часы копятся; максимум без доплаты: "
                {hours(tariff.max_hours_without_extra())} " в месяц"
            </li>
        </ul>
    }
}

fn phase_ru(phase: Phase) -> &'static str {
    match phase {
        Phase::Trial => "пробный",
        Phase::Subscription => "абонемент",
    }
}

fn month_row(m: MonthStatement) -> impl IntoView {
    let class = if m.phase == Phase::Trial { "trial" } else { "subscription" };
    let extra = if m.extra_hours.is_zero() {
        "—".to_string()
    } else {
        format!("{} × {} = {}", hours(m.extra_hours), rubles(m.extra_rate), rubles(m.extra_charge))
    };
    view! {
        <tr class=class data-period=m.period.to_string()>
            <th scope="row">{period_ru(m.period)}</th>
            <td>{phase_ru(m.phase)}</td>
            <td class="num">{hours(m.hours)}</td>
            <td class="num">{rubles(m.fee)}</td>
            <td class="num">{hours(m.included_used)}</td>
            <td class="num">{hours(m.reserve_start)}</td>
            <td class="num">{hours(m.reserve_used)}</td>
            <td class="num">{hours(m.reserve_end)}</td>
            <td class="num">{hours(m.reserve_forfeited)}</td>
            <td class="num">{extra}</td>
            <td class="num total">{rubles(m.total)}</td>
        </tr>
    }
}

#[component]
fn StatementView(statement: Statement) -> impl IntoView {
    let summary = statement.summary.clone();
    let rate = summary.effective_rate.map(rubles).unwrap_or_else(|| "—".to_string());
    view! {
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Период"</th>
                        <th scope="col">"Этап"</th>
                        <th scope="col">"Часы"</th>
                        <th scope="col">"Абонплата"</th>
                        <th scope="col">"Из тарифа"</th>
                        <th scope="col">"Резерв на начало"</th>
                        <th scope="col">"Из резерва"</th>
                        <th scope="col">"Резерв на конец"</th>
                        <th scope="col">"Сгорело"</th>
                        <th scope="col">"Сверх тарифа"</th>
                        <th scope="col">"Итого"</th>
                    </tr>
                </thead>
                <tbody>{statement.months.into_iter().map(month_row).collect_view()}</tbody>
            </table>
        </div>
        <dl class="summary">
            <div>
                <dt>"Итого за период"</dt>
                <dd id="summary-total">{rubles(summary.total)}</dd>
            </div>
            <div>
                <dt>"Закрыто часов"</dt>
                <dd id="summary-hours">{hours(summary.hours)}</dd>
            </div>
            <div>
                <dt>"Средняя цена часа"</dt>
                <dd id="summary-rate">{rate}</dd>
            </div>
        </dl>
    }
}
