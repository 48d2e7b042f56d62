//! Reports: the months, a month's report (tasks with their work logs, consultations, the tariff
//! statement explained line by line), its CSV, closing a month, and the act for print.

use hourbank_domain::format::{hours, rubles};
use hourbank_domain::words::rubles_in_words;
use hourbank_domain::{MonthStatement, Period, Phase, Role};
use hourbank_web::explain::explain_in;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::WriteOutcome;
use crate::app::{ctx, load, show, show_page};
use crate::format::{date_text, hours_text, instant_text};
use crate::i18n::Lang;
use crate::model::{Me, MonthList, OrgList, Report, StatementRow};
use crate::pages::{form_status, sent_state, Sent};
use crate::route::Route;

/// The statement of one month as a definition list, each line with its explanation.
pub fn statement_view(row: &StatementRow, lang: Lang) -> AnyView {
    let month = match row.to_domain() {
        Ok(m) => m,
        Err(e) => return view! { <p class="error-box" role="alert">{e.to_string()}</p> }.into_any(),
    };
    let t = |ru: &'static str, en: &'static str| lang.pick(ru, en);
    let trial = month.phase == Phase::Trial;
    let lines: Vec<(&'static str, String)> = statement_lines(&month, lang);
    let phase =
        if trial { t("пробный месяц", "trial month") } else { t("абонемент", "subscription") };
    view! {
        <div class="statement" id="statement">
            <p class="phase">{t("Период", "Period")} ": " <strong>{phase}</strong></p>
            <dl class="statement-lines">
                {lines.into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
            </dl>
            <p class="explain" id="statement-explain">{explain_in(&month, lang)}</p>
        </div>
    }
    .into_any()
}

fn statement_lines(m: &MonthStatement, lang: Lang) -> Vec<(&'static str, String)> {
    let t = |ru: &'static str, en: &'static str| lang.pick(ru, en);
    let mut lines = vec![(t("Часов принято", "Hours accepted"), lang.hours(m.hours))];
    if m.phase == Phase::Subscription {
        lines.extend([
            (t("Из них по тарифу", "Of them included"), lang.hours(m.included_used)),
            (t("Резерв на начало", "Reserve at start"), lang.hours(m.reserve_start)),
            (t("Из резерва", "From the reserve"), lang.hours(m.reserve_used)),
            (t("Резерв на конец", "Reserve at end"), lang.hours(m.reserve_end)),
            (t("Абонентская плата", "Monthly fee"), rubles(m.fee)),
        ]);
        if !m.reserve_forfeited.is_zero() {
            lines.push((t("Сгорело", "Forfeited"), lang.hours(m.reserve_forfeited)));
        }
    }
    lines.extend([
        (t("Часов сверх тарифа", "Extra hours"), format!("{} × {}", lang.hours(m.extra_hours), rubles(m.extra_rate))),
        (t("За часы сверх тарифа", "Extra hours charge"), rubles(m.extra_charge)),
        (t("Итого", "Total"), rubles(m.total)),
    ]);
    if !m.vat.is_zero() {
        lines.push((t("В т. ч. НДС / НДС", "VAT"), rubles(m.vat)));
        lines.push((t("Итого с НДС", "Total with VAT"), rubles(m.total_with_vat)));
    }
    lines
}

fn org_query(org: Option<i64>) -> String {
    org.map(|o| format!("?org={o}")).unwrap_or_default()
}

#[allow(non_snake_case)]
pub fn ReportList(me: Me) -> impl IntoView {
    let ctx = ctx();
    let staff = me.role != Role::Client;
    let org = RwSignal::new(me.org.as_ref().map(|o| o.id));
    let orgs = load::<OrgList>(move || staff.then(|| "/orgs".to_string()));
    let months = load::<MonthList>(move || match (staff, org.get()) {
        (true, None) => None,
        (_, org) => Some(format!("/reports{}", if staff { org_query(org) } else { String::new() })),
    });
    let picker = staff.then(|| {
        view! {
            <div class="field">
                <label for="report-org">{ctx.t("Организация", "Organisation")}</label>
                <select id="report-org" on:change:target=move |ev| org.set(ev.target().value().parse().ok())>
                    <option value="">{ctx.t("— выберите —", "— choose —")}</option>
                    {move || orgs.get().and_then(|o| o.ok()).map(|o| o.value.orgs.into_iter().map(|o| {
                        view! { <option value=o.id.to_string()>{o.name}</option> }
                    }).collect_view())}
                </select>
            </div>
        }
    });
    view! {
        <h1>{ctx.t("Отчёты по месяцам", "Monthly reports")}</h1>
        {picker}
        {move || (!staff || org.get().is_some()).then(|| show(months, move |list: MonthList| {
            let lang = ctx.lang.get();
            let query_org = if staff { org.get_untracked() } else { None };
            view! {
                <ul class="months" id="months">
                    {list.months.into_iter().map(|m| {
                        let period = Period::parse("period", &m.period).ok();
                        let href = period.map(|period| Route::Report { period, org: query_org }.href()).unwrap_or_default();
                        let status = if m.status == "closed" { lang.pick("закрыт", "closed") } else { lang.pick("открыт", "open") };
                        view! { <li><a href=href>{m.period_ru}</a> " — " {status}</li> }
                    }).collect_view()}
                </ul>
            }
        }))}
    }
}

#[allow(non_snake_case)]
pub fn ReportPage(me: Me, period: Period, org: Option<i64>) -> impl IntoView {
    let ctx = ctx();
    let path = format!("/reports/{period}{}", org_query(org));
    let report = load::<Report>(move || Some(path.clone()));
    let can_close = matches!(me.role, Role::Analyst | Role::Admin);
    let close_sent = RwSignal::new(Sent::Idle);
    let close = move |_| {
        close_sent.set(Sent::Sending);
        let sync = ctx.sync;
        spawn_local(async move {
            let outcome = sync
                .write(
                    "POST",
                    &format!("/reports/{period}/close{}", org_query(org)),
                    "{}".into(),
                    format!("Закрыть месяц {period}"),
                )
                .await;
            close_sent.set(sent_state(&outcome, &[], ctx.lang.get_untracked()));
            if matches!(outcome, WriteOutcome::Done(_)) {
                ctx.refresh.update(|r| *r += 1);
            }
        });
    };
    view! {
        {show_page(report, move |lang| format!("{} {period}", lang.pick("Отчёт", "Report")), move |r: Report| {
            let lang = ctx.lang.get();
            let t = |ru: &'static str, en: &'static str| lang.pick(ru, en);
            let closed = r.status == "closed";
            let csv = format!("/api/v1/reports/{period}.csv{}", org_query(org));
            let act = Route::Act { period, org }.href();
            let status = if closed {
                format!("{} {}", t("Месяц закрыт", "Closed"), r.closed_at.as_deref().map(instant_text).unwrap_or_default())
            } else {
                t("Месяц открыт: данные на сегодня", "Open month: figures so far").to_string()
            };
            view! {
                <h1>{t("Отчёт", "Report")} " — " {r.period_ru.clone()}</h1>
                <p class="org-line">{r.org.name.clone()} ", " {t("ИНН", "INN")} " " {r.org.inn.clone()}
                    " · " {t("тариф", "tariff")} " «" {r.tariff.name.clone()} "»"</p>
                <p id="report-status" class=if closed { "closed" } else { "open" }>{status}</p>
                <p class="actions">
                    <a href=csv download=format!("report-{period}.csv")>{t("Скачать CSV", "Download CSV")}</a>
                    " · " <a href=act>{t("Акт для печати", "Act for print")}</a>
                </p>
                {(can_close && !closed).then(|| view! {
                    <button type="button" id="close-month" on:click=close>{t("Закрыть месяц", "Close the month")}</button>
                    {form_status(close_sent)}
                })}
                <h2>{t("Выписка по тарифу", "Tariff statement")}</h2>
                {match &r.statement {
                    Some(row) => statement_view(row, lang),
                    None => view! { <p>{t("Месяц вне договора.", "The month is outside the contract.")}</p> }.into_any(),
                }}
                <h2>{t("Принятые задачи", "Accepted tasks")}</h2>
                {report_tasks(&r, lang)}
                <h2>{t("Консультации", "Consultations")}</h2>
                {consultation_table(&r.consultations, lang)}
            }
        })}
    }
}

fn report_tasks(r: &Report, lang: Lang) -> AnyView {
    let t = |ru: &'static str, en: &'static str| lang.pick(ru, en);
    if r.tasks.is_empty() {
        return view! { <p>{t("В этом месяце принятых задач нет.", "No tasks were accepted this month.")}</p> }
            .into_any();
    }
    // On a phone the table scrolls in its own box (focusable, so it scrolls from the keyboard).
    view! {
        <div class="table-wrap" role="region" tabindex="0" aria-label=t("Принятые задачи", "Accepted tasks")>
        <table class="report-tasks" id="report-tasks">
            <caption class="visually-hidden">{t("Принятые задачи и работы по ним", "Accepted tasks and their work")}</caption>
            <thead><tr>
                <th scope="col">{t("Задача", "Task")}</th>
                <th scope="col">{t("Кто, когда, что сделано", "Who, when, what was done")}</th>
                <th scope="col" class="num">{t("Затрачено", "Logged")}</th>
                <th scope="col" class="num">{t("К оплате", "Billed")}</th>
            </tr></thead>
            <tbody>
                {r.tasks.iter().map(|task| {
                    let logs = task.worklogs.iter().map(|w| view! {
                        <li>{w.user_name.clone()} ", " {date_text(&w.date)} ", " {hours_text(&w.hours)} ": " {w.description.clone()}</li>
                    }).collect_view();
                    view! {
                        <tr>
                            <td><a href=Route::Task { id: task.id }.href()>{format!("№{} {}", task.id, task.title)}</a>
                                <br/><small>{t("принята", "accepted")} " " {instant_text(&task.accepted_at)}</small></td>
                            <td><ul class="logs">{logs}</ul></td>
                            <td class="num">{hours_text(&task.logged)}</td>
                            <td class="num">{hours_text(&task.billed)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
    .into_any()
}

pub fn consultation_table(list: &[crate::model::Consultation], lang: Lang) -> AnyView {
    let t = |ru: &'static str, en: &'static str| lang.pick(ru, en);
    if list.is_empty() {
        return view! { <p>{t("Консультаций нет.", "No consultations.")}</p> }.into_any();
    }
    view! {
        <div class="table-wrap" role="region" tabindex="0" aria-label=t("Консультации", "Consultations")>
        <table class="consultations">
            <thead><tr>
                <th scope="col">{t("Дата", "Date")}</th>
                <th scope="col">{t("Канал", "Channel")}</th>
                <th scope="col">{t("Тема", "Topic")}</th>
                <th scope="col">{t("Специалист", "Specialist")}</th>
                <th scope="col" class="num">{t("Длительность", "Duration")}</th>
                <th scope="col">{t("Оплачивается", "Billable")}</th>
            </tr></thead>
            <tbody>
                {list.iter().map(|c| view! {
                    <tr>
                        <td>{date_text(&c.date)}</td>
                        <td>{crate::labels::channel(&c.channel, lang)}</td>
                        <td>{c.topic.clone()}</td>
                        <td>{c.specialist_name.clone()}</td>
                        <td class="num">{hours_text(&c.duration)}</td>
                        <td>{if c.billable { t("да", "yes") } else { t("нет", "no") }}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
    .into_any()
}

/// The act of completed work (акт выполненных работ) for print: parties, period, the work,
/// hours, amounts, VAT, and the total in words.
#[allow(non_snake_case)]
pub fn ActPage(_me: Me, period: Period, org: Option<i64>) -> impl IntoView {
    let ctx = ctx();
    let path = format!("/reports/{period}{}", org_query(org));
    let report = load::<Report>(move || Some(path.clone()));
    view! {
        <p class="no-print"><a href=Route::Report { period, org }.href()>{ctx.t("← к отчёту", "← back to the report")}</a>
            " " <button type="button" on:click=|_| { let _ = window().print(); }>{ctx.t("Печать", "Print")}</button></p>
        {show_page(report, move |lang| format!("{} {period}", lang.pick("Акт", "Act")), move |r: Report| act_view(&r))}
    }
}

fn act_view(r: &Report) -> AnyView {
    let Some(month) = r.statement.as_ref().and_then(|s| s.to_domain().ok()) else {
        return view! { <h1>"Акт"</h1><p>"Месяц вне договора: акта нет."</p> }.into_any();
    };
    let draft = r.status != "closed";
    let mut rows: Vec<(String, String, String)> = Vec::new();
    if month.phase == Phase::Subscription {
        rows.push((
            format!("Абонентское обслуживание 1С по тарифу «{}», {}", r.tariff.name, r.period_ru),
            hours(month.included_used + month.reserve_used),
            rubles(month.fee),
        ));
    }
    if !month.extra_hours.is_zero() {
        let what = if month.phase == Phase::Trial {
            "Работы в пробный период"
        } else {
            "Работы сверх тарифа"
        };
        rows.push((
            format!("{what}: {} × {}", hours(month.extra_hours), rubles(month.extra_rate)),
            hours(month.extra_hours),
            rubles(month.extra_charge),
        ));
    }
    // Billable consultations count in the month's hours like accepted tasks do.
    let billable: Vec<_> = r.consultations.iter().filter(|c| c.billable).cloned().collect();
    let vat_line = if month.vat.is_zero() {
        "Без НДС".to_string()
    } else {
        format!("В т. ч. НДС: {}", rubles(month.vat))
    };
    view! {
        <article class="act" id="act">
            {draft.then(|| view! { <p class="draft">"ПРОЕКТ — месяц ещё не закрыт"</p> })}
            <h1>"Акт выполненных работ"</h1>
            <p>"за период: " {r.period_ru.clone()}</p>
            <p><strong>"Исполнитель: "</strong>"hourbank — абонентское обслуживание 1С"</p>
            <p><strong>"Заказчик: "</strong>{r.org.name.clone()} ", ИНН " {r.org.inn.clone()}</p>
            <table class="act-lines">
                <thead><tr><th scope="col">"№"</th><th scope="col">"Наименование работ, услуг"</th>
                    <th scope="col" class="num">"Часов"</th><th scope="col" class="num">"Сумма"</th></tr></thead>
                <tbody>
                    {rows.into_iter().enumerate().map(|(i, (what, h, sum))| view! {
                        <tr><td>{i + 1}</td><td>{what}</td><td class="num">{h}</td><td class="num">{sum}</td></tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr><td colspan="3">"Итого"</td><td class="num" id="act-total">{rubles(month.total)}</td></tr>
                    <tr><td colspan="3">{vat_line}</td><td class="num">{rubles(month.vat)}</td></tr>
                    <tr><td colspan="3">"Всего к оплате"</td><td class="num">{rubles(month.total_with_vat)}</td></tr>
                </tfoot>
            </table>
            <p id="act-words">"Всего оказано услуг на сумму: " <strong>{rubles_in_words(month.total_with_vat)}</strong></p>
            <h2>"Выполненные задачи"</h2>
            <ol class="act-tasks">
                {r.tasks.iter().map(|t| view! {
                    <li>{format!("№{} {}", t.id, t.title)} " — " {hours_text(&t.billed)}</li>
                }).collect_view()}
            </ol>
            {(!billable.is_empty()).then(|| view! {
                <h2>"Консультации"</h2>
                <ol class="act-tasks" id="act-consultations">
                    {billable.iter().map(|c| view! {
                        <li>{date_text(&c.date)} ", " {c.topic.clone()} " — " {hours_text(&c.duration)}</li>
                    }).collect_view()}
                </ol>
            })}
            <p>"Вышеперечисленные услуги выполнены полностью и в срок. Заказчик претензий по объёму, качеству и срокам оказания услуг не имеет."</p>
            <div class="signatures">
                <p>"Исполнитель ____________________"</p>
                <p>"Заказчик ____________________"</p>
            </div>
        </article>
    }
    .into_any()
}
