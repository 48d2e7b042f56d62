//! The client's month at a glance: hours accepted, included hours left, the reserve, the
//! overage so far and its cost, the statement explained, a year of bills, the dedicated analyst,
//! and the tasks waiting for the client.

use hourbank_domain::format::rubles;
use hourbank_domain::{Phase, TaskState};
use leptos::prelude::*;

use crate::app::{ctx, show};
use crate::chart::{bars, Bar};
use crate::labels;
use crate::model::{Me, Report, TaskList};
use crate::pages::reports::statement_view;
use crate::route::Route;

#[allow(non_snake_case)]
pub fn ClientOverview(me: Me) -> impl IntoView {
    let ctx = ctx();
    let crate::pages::ThisMonth { report, tasks } = crate::pages::this_month();
    // A year of bills in one answer (cached for offline use too), asked for with this month's.
    let year = crate::app::load::<hourbank_api::YearStatements>(|| Some("/statements".into()));
    let org = me.org.clone();
    let analyst_of = org.as_ref().and_then(|o| o.analyst.clone());
    let analyst = move || {
        analyst_of.clone().map(|a| {
            let phone = a.phone.clone().unwrap_or_default();
            let tel = format!("tel:{}", phone.replace(' ', ""));
            view! {
                <section class="card analyst" aria-labelledby="analyst-h">
                    <h2 id="analyst-h">{ctx.t("Ваш аналитик", "Your analyst")}</h2>
                    <p><strong>{a.name.clone()}</strong></p>
                    <p><a href=format!("mailto:{}", a.email)>{a.email.clone()}</a></p>
                    {(!phone.is_empty()).then(|| view! { <p><a href=tel>{phone.clone()}</a></p> })}
                </section>
            }
        })
    };
    // The page appears at once when this month and the tasks are in: sections filling in one
    // after another pushed each other down (Lighthouse measured a layout shift of 0.69).
    let ready = Memo::new(move |_| report.with(Option::is_some) && tasks.with(Option::is_some));
    let body = move || {
        if !ready.get() {
            return view! { <p class="loading" role="status">{ctx.t("Загрузка…", "Loading…")}</p> }.into_any();
        }
        view! {
        {move || show(report, move |r: Report| {
            let lang = ctx.lang.get();
            let t = |ru: &'static str, en: &'static str| lang.pick(ru, en);
            let Some(row) = r.statement.clone() else {
                return view! { <p>{t("Этот месяц вне договора.", "This month is outside the contract.")}</p> }.into_any();
            };
            let m = row.clone();
            // This month closed early: the list leads with next month, where new work bills.
            let ahead = r.period > crate::billing::today_period();
            let terms = Some(r.tariff.terms.clone());
            let included_left = terms
                .as_ref()
                .filter(|_| m.phase == Phase::Subscription)
                .map(|tariff| lang.hours(tariff.included_hours.saturating_sub(m.included_used)));
            // What is free now (included left + reserve left), not the reserve projected at the
            // month's end, which is labelled as a projection.
            let free = terms.as_ref().and_then(|tariff| crate::billing::FreeHours::of(tariff, &m));
            view! {
                <section aria-labelledby="month-h">
                    <h2 id="month-h">{if ahead { t("Следующий месяц", "Next month") } else { t("Этот месяц", "This month") }} " — " {crate::labels::period(r.period, lang)} " "
                        <small>{if ahead { t("(этот уже закрыт)", "(this one is closed)") } else { t("(на сегодня)", "(so far)") }}</small></h2>
                    <div class="tiles">
                        <div class="tile"><span>{t("Принято часов", "Hours accepted")}</span><strong id="tile-hours">{lang.hours(m.hours)}</strong></div>
                        {included_left.map(|left| view! {
                            <div class="tile"><span>{t("Осталось по тарифу", "Included hours left")}</span><strong id="tile-left">{left}</strong></div>
                        })}
                        {free.map(|f| view! {
                            <div class="tile tile-key"><span>{t("Можно ещё без доплаты", "Still free this month")}</span><strong id="tile-free">{lang.hours(f.free)}</strong></div>
                            <div class="tile"><span>{t("Резерв сейчас", "Reserve now")}</span><strong id="tile-reserve">{lang.hours(f.reserve_now)}</strong></div>
                            <div class="tile"><span>{t("Резерв на конец месяца (прогноз)", "Reserve at the month's end (projected)")}</span><strong id="tile-reserve-end">{lang.hours(f.reserve_projected)}</strong></div>
                        })}
                        <div class="tile"><span>{if m.phase == hourbank_domain::Phase::Trial { t("По часовой ставке", "Paid by the hour") } else { t("Сверх тарифа", "Over the tariff") }}</span>
                            <strong id="tile-extra">{format!("{} = {}", lang.hours(m.extra_hours), rubles(m.extra_charge))}</strong></div>
                        <div class="tile"><span>{t("Счёт за месяц", "The month's bill")}</span><strong id="tile-total">{rubles(m.total_with_vat)}</strong></div>
                    </div>
                    {statement_view(&row, r.status != "closed", lang)}
                    <p><a href=Route::Report { period: m.period, org: None }.href()>{t("Полный отчёт за месяц", "The month's full report")}</a></p>
                </section>
            }
            .into_any()
        })}
        <section aria-labelledby="waiting-h">
            <h2 id="waiting-h">{ctx.t("Ждут вашего решения", "Waiting for you")}</h2>
            {move || show(tasks, move |list: TaskList| {
                let lang = ctx.lang.get();
                let waiting: Vec<_> = list.tasks.into_iter()
                    .filter(|t| matches!(t.state, TaskState::Estimated | TaskState::Testing))
                    .collect();
                if waiting.is_empty() {
                    return view! { <p>{lang.pick("Ничего не ждёт вашего решения.", "Nothing is waiting for you.")}</p> }.into_any();
                }
                view! {
                    <ul class="waiting" id="waiting">
                        {waiting.into_iter().map(|task| {
                            let what = match task.state {
                                TaskState::Estimated => lang.pick("согласуйте оценку", "approve the estimate"),
                                _ => lang.pick("проверьте и примите", "test and accept"),
                            };
                            view! { <li><a href=Route::Task { id: task.id }.href()>{format!("№{} {}", task.id, task.title)}</a>
                                " — " {what} " (" {labels::state(task.state, lang)} ")"</li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
            <p><a href=Route::NewTask.href() class="button">{ctx.t("Новая задача", "New task")}</a></p>
        </section>
        {analyst()}
        <section aria-labelledby="year-h">
            <h2 id="year-h">{ctx.t("Счета за 12 месяцев", "Bills over 12 months")}</h2>
            {move || match year.get() {
                Some(Ok(year)) => {
                    let lang = ctx.lang.get();
                    let months: Vec<Bar> =
                        year.value.months.iter().map(|m| Bar::of(&labels::period(m.period, lang), m)).collect();
                    bars(&months, lang)
                }
                Some(Err(e)) => view! { <p class="error-box" role="alert">{e.message(ctx.ru())}</p> }.into_any(),
                // The chart's room is kept while its months are read.
                None => view! { <div class="chart-room" role="status">{ctx.t("Загрузка…", "Loading…")}</div> }.into_any(),
            }}
        </section>
        }
        .into_any()
    };
    view! {
        <h1>{org.as_ref().map(|o| o.name.clone())}</h1>
        {body}
    }
}
