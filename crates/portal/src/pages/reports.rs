//! Reports: the months, a month's report (tasks with their work logs, consultations, the tariff
//! statement explained line by line), its CSV, closing a month, and the act for print.

use hourbank_domain::format::rubles;
use hourbank_domain::{MonthStatement, Period, Phase, Role};
use hourbank_web::explain::{explain_as, DONE, FORECAST};
use leptos::prelude::*;

use crate::app::{ctx, load, show, show_page};
use crate::format::{day_text, instant_text};
use crate::i18n::Lang;
use crate::model::{DocumentView, Me, MonthList, OrgList, Report};
use crate::route::Route;
#[cfg(feature = "staff")]
use {
    crate::api::WriteOutcome,
    crate::pages::{form_status, sent_state, Sent},
    leptos::task::spawn_local,
};

/// The statement of one month as a definition list, each line with its explanation.
pub fn statement_view(month: &MonthStatement, open: bool, lang: Lang) -> AnyView {
    let t = |ru: &'static str, en: &'static str| lang.pick(ru, en);
    let trial = month.phase == Phase::Trial;
    let lines: Vec<(&'static str, String)> = crate::billing::statement_lines(month, open, lang);
    let phase =
        if trial { t("пробный месяц", "trial month") } else { t("абонемент", "subscription") };
    view! {
        <div class="statement" id="statement">
            <p class="phase">{t("Период", "Period")} ": " <strong>{phase}</strong></p>
            <dl class="statement-lines">
                {lines.into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
            </dl>
            // A report does not carry the contract's start: a partial first month reads as the
            // trial month it is billed as, without the calculator's note that it is not one of them.
            <p class="explain" id="statement-explain">{explain_as(month, false, lang, if open { &FORECAST } else { &DONE })}</p>
        </div>
    }
    .into_any()
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
                    {crate::pages::org_options(orgs)}
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
                        let href = Route::Report { period: m.period, org: query_org }.href();
                        let status = if m.status == "closed" { lang.pick("закрыт", "closed") } else { lang.pick("открыт", "open") };
                        view! { <li><a href=href>{crate::labels::period(m.period, lang)}</a> " — " {status}</li> }
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
    #[cfg(feature = "staff")]
    let (can_close, close_sent) = (matches!(me.role, Role::Analyst | Role::Admin), RwSignal::new(Sent::Idle));
    #[cfg(not(feature = "staff"))]
    let _ = me;
    view! {
        {show_page(report, move |lang| format!("{} {period}", lang.pick("Отчёт", "Report")), move |r: Report| {
            let lang = ctx.lang.get();
            let t = |ru: &'static str, en: &'static str| lang.pick(ru, en);
            let closed = r.status == "closed";
            let no_documents = r.statement.as_ref().is_some_and(|s| s.total_with_vat.is_zero());
            // The CSV's words follow the interface's language.
            let csv = match (org, lang) {
                (Some(o), Lang::En) => format!("/api/v1/reports/{period}.csv?org={o}&lang=en"),
                (None, Lang::En) => format!("/api/v1/reports/{period}.csv?lang=en"),
                _ => format!("/api/v1/reports/{period}.csv{}", org_query(org)),
            };
            let act = Route::Act { period, org }.href();
            let invoice = Route::Invoice { period, org }.href();
            let pdf = |kind: &str| format!("/api/v1/reports/{period}/documents/{kind}.pdf{}", org_query(org));
            let status = if closed {
                format!("{} {}", t("Месяц закрыт", "Closed"), r.closed_at.as_deref().map(instant_text).unwrap_or_default())
            } else {
                t("Месяц открыт: данные на сегодня", "Open month: figures so far").to_string()
            };
            view! {
                <h1>{t("Отчёт", "Report")} " — " {crate::labels::period(r.period, lang)}</h1>
                <p class="org-line">{r.org.name.clone()} ", " {t("ИНН", "INN")} " " {r.org.inn.clone()}
                    " · " {t("тариф", "tariff")} " «" {r.tariff.name.clone()} "»"</p>
                <p id="report-status" class=if closed { "closed" } else { "open" }>{status}</p>
                <p class="actions">
                    <a href=csv download=format!("report-{period}.csv")>{t("Скачать CSV", "Download CSV")}</a>
                    // A month with nothing to pay has no act or invoice, nor drafts of them while
                    // open (the server says so too).
                    {no_documents.then(|| view! { " · " <span id="no-documents">{if closed {
                        t("К оплате 0,00 ₽: акт и счёт не выставляются", "Nothing to pay: no act or invoice")
                    } else {
                        t("Пока к оплате 0,00 ₽: акта и счёта нет", "Nothing to pay so far: no act or invoice")
                    }}</span> })}
                    {(!no_documents).then(|| view! {
                        " · " <a href=act id="act-link">{t("Акт", "Act")}</a>
                        " (" <a href=pdf("act") id="act-pdf">"PDF"</a> ")"
                        " · " <a href=invoice id="invoice-link">{t("Счёт на оплату", "Invoice")}</a>
                        " (" <a href=pdf("invoice") id="invoice-pdf">"PDF"</a> ")"
                    })}
                </p>
                // A month that has not begun (next month, listed once this one closed early) cannot close.
                {staff_only!((can_close && !closed && period <= crate::billing::today_period()).then(|| close_form(period, org, close_sent)))}
                <h2>{t("Выписка по тарифу", "Tariff statement")}</h2>
                {match &r.statement {
                    Some(row) => statement_view(row, !closed, lang),
                    None => view! { <p>{t("Месяц вне договора.", "The month is outside the contract.")}</p> }.into_any(),
                }}
                // The hours are tasks' and billable consultations': which is which, when both bill.
                {r.statement.as_ref().and_then(|m| {
                    let tasks: hourbank_domain::Hours = r.tasks.iter().map(|task| task.billed).sum();
                    let talks = m.hours.saturating_sub(tasks);
                    (!talks.is_zero()).then(|| view! {
                        <p class="hint" id="hours-split">
                            {t("Из них задачи — ", "Of them tasks: ")} {lang.hours(tasks)}
                            {t(", оплачиваемые консультации — ", ", billable consultations: ")} {lang.hours(talks)}
                        </p>
                    })
                })}
                <h2>{t("Задачи в счёте месяца", "Tasks billed this month")}</h2>
                {report_tasks(&r, lang)}
                <h2>{t("Консультации", "Consultations")}</h2>
                {consultation_table(&r.consultations, lang, None)}
                // A busy open month lists its newest hundred; its CSV lists them all. (A button
                // reading the next pages cost the client's wasm 1.8 kB of brotli, past its budget.)
                {r.consultations_next_before.is_some().then(|| view! { <p class="hint" id="report-consultations-more">{t(
                    "Показаны 100 последних консультаций месяца; все — в CSV отчёта.",
                    "The month's 100 latest consultations are shown; the report's CSV lists all of them.")}</p> })}
            }
        })}
    }
}

/// Closing a month freezes its report for good, so it asks first; closing the running month
/// before it ends also says where work accepted later goes. (`close_sent` outlives the form: the
/// report is read again after the month closes.)
#[cfg(feature = "staff")]
fn close_form(period: Period, org: Option<i64>, close_sent: RwSignal<Sent>) -> impl IntoView {
    let ctx = ctx();
    let asked = RwSignal::new(false);
    let running = period == crate::billing::today_period();
    let close = move |_| {
        close_sent.set(Sent::Sending);
        let sync = ctx.sync;
        spawn_local(async move {
            let outcome =
                sync.write(hourbank_api::Write::CloseMonth { period, org }, format!("Закрыть месяц {period}")).await;
            close_sent.set(sent_state(&outcome, &[]));
            if matches!(outcome, WriteOutcome::Done(_)) {
                ctx.refresh.update(|r| *r += 1);
            }
        });
    };
    view! {
        <div class="card close-card">
            {move || if asked.get() {
                view! {
                    <p id="close-confirm-text" role="alert">{match ctx.lang.get() {
                        Lang::Ru if running => format!("Закрыть {} до конца месяца? Отчёт будет заморожен. Задачи, принятые до конца месяца, войдут в счёт за следующий месяц, и отчёт это покажет.", crate::billing::month_name(period, Lang::Ru)),
                        Lang::En if running => format!("Close {} before it ends? The report is frozen. Tasks accepted later this month will bill in the next month, and the report will say so.", crate::billing::month_name(period, Lang::En)),
                        Lang::Ru => format!("Закрыть {}? Отчёт будет заморожен и больше не изменится.", crate::billing::month_name(period, Lang::Ru)),
                        Lang::En => format!("Close {}? The report is frozen and never changes again.", crate::billing::month_name(period, Lang::En)),
                    }}</p>
                    <button type="button" id="close-month-confirm" on:click=close>{ctx.t("Да, закрыть месяц", "Yes, close the month")}</button>
                    " " <button type="button" class="secondary" on:click=move |_| asked.set(false)>{ctx.t("Не закрывать", "Keep it open")}</button>
                }.into_any()
            } else {
                view! { <button type="button" id="close-month" on:click=move |_| asked.set(true)>{ctx.t("Закрыть месяц", "Close the month")}</button> }.into_any()
            }}
            {form_status(close_sent)}
        </div>
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
        <div class="table-wrap" role="region" tabindex="0" aria-label=t("Задачи в счёте месяца", "Tasks billed this month")>
        <table class="report-tasks" id="report-tasks">
            <caption class="visually-hidden">{t("Задачи в счёте месяца (принятые, отменённые или списанные после согласования) и работы по ним", "Tasks billed this month (accepted, cancelled or written off after approval) and their work")}</caption>
            <thead><tr>
                <th scope="col">{t("Задача", "Task")}</th>
                <th scope="col">{t("Кто, когда, что сделано", "Who, when, what was done")}</th>
                <th scope="col" class="num">{t("Затрачено", "Logged")}</th>
                <th scope="col" class="num">{t("К оплате", "Billed")}</th>
            </tr></thead>
            <tbody>
                {r.tasks.iter().map(|task| {
                    let logs = task.worklogs.iter().map(|w| view! {
                        <li>{w.user_name.clone()} ", " {day_text(w.date)} ", " {lang.hours(w.hours)} ": " {w.description.clone()}</li>
                    }).collect_view();
                    view! {
                        <tr>
                            <td><a href=Route::Task { id: task.id }.href()>{format!("№{} {}", task.id, task.title)}</a>
                                <br/><small class="settled">{crate::billing::report_note(task, lang)}</small></td>
                            <td><ul class="logs">{logs}</ul></td>
                            <td class="num" data-label=t("Затрачено", "Logged")>{lang.hours(task.logged)}</td>
                            <td class="num" data-label=t("К оплате", "Billed")>{lang.hours(task.billed)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
    .into_any()
}

/// `orgs`: the organisations' names, for a column of whose each one is (staff, all of them).
pub fn consultation_table(list: &[crate::model::Consultation], lang: Lang, orgs: Option<&[(i64, String)]>) -> AnyView {
    let t = |ru: &'static str, en: &'static str| lang.pick(ru, en);
    if list.is_empty() {
        return view! { <p>{t("Консультаций нет.", "No consultations.")}</p> }.into_any();
    }
    #[cfg(not(feature = "staff"))]
    let _ = orgs;
    view! {
        <div class="table-wrap" role="region" tabindex="0" aria-label=t("Консультации", "Consultations")>
        <table class="consultations">
            <thead><tr>
                {staff_only!(orgs.map(|_| view! { <th scope="col">{t("Организация", "Organisation")}</th> }))}
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
                        {staff_only!(orgs.map(|names| {
                            let name = names.iter().find(|(id, _)| Some(*id) == c.org_id).map(|(_, name)| name.clone());
                            view! { <td>{name}</td> }
                        }))}
                        // Logged once its month was closed: in a later month's report.
                        <td>{crate::billing::consultation_day(c, lang)}</td>
                        <td>{crate::labels::channel(&c.channel, lang)}</td>
                        <td>{c.topic.clone()}</td>
                        <td>{c.specialist_name.clone()}</td>
                        <td class="num">{lang.hours(c.duration)}</td>
                        <td>{if c.billable { t("да", "yes") } else { t("нет", "no") }}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
    .into_any()
}

/// The month's act or invoice for print on A4, as the server issues it (numbered once the month
/// is closed, «предварительный» before), with the PDF beside it.
#[allow(non_snake_case)]
pub fn DocumentPage(_me: Me, period: Period, org: Option<i64>, kind: &'static str) -> impl IntoView {
    let ctx = ctx();
    let path = format!("/reports/{period}/documents/{kind}{}", org_query(org));
    let document = load::<DocumentView>(move || Some(path.clone()));
    let pdf = format!("/api/v1/reports/{period}/documents/{kind}.pdf{}", org_query(org));
    view! {
        <p class="no-print"><a href=Route::Report { period, org }.href()>{ctx.t("← к отчёту", "← back to the report")}</a>
            " " <button type="button" on:click=|_| { let _ = window().print(); }>{ctx.t("Печать", "Print")}</button>
            " " <a href=pdf id="document-pdf">{ctx.t("Скачать PDF", "Download PDF")}</a></p>
        {show_page(document, move |lang| format!("{} {period}", if kind == "act" { lang.pick("Акт", "Act") } else { lang.pick("Счёт", "Invoice") }),
            move |d: DocumentView| document_view(&d))}
    }
}

/// The document in Russian whatever the interface's language: it is what the bookkeeper signs.
fn document_view(d: &DocumentView) -> AnyView {
    let doc = &d.document;
    let party = |label: &'static str, p: &hourbank_domain::documents::Party, id: &'static str| {
        let kpp = p.kpp.as_deref().map(|k| format!(", КПП {k}")).unwrap_or_default();
        view! {
            <div class="party" id=id>
                <p><strong>{label} ": "</strong>{p.name.clone()}</p>
                <p>"ИНН " {p.inn.clone()} {kpp}</p>
                {(!p.address.is_empty()).then(|| view! { <p>"Адрес: " {p.address.clone()}</p> })}
                {p.bank.clone().map(|b| view! {
                    <p>"Р/с " {b.account} " в " {b.name}</p>
                    <p>"БИК " {b.bik} ", к/с " {b.corr_account}</p>
                })}
            </div>
        }
    };
    let act = doc.kind == hourbank_domain::documents::DocumentKind::Act;
    view! {
        <article class="act" id="document">
            {doc.preliminary.then(|| view! { <p class="draft" id="document-draft">"Предварительный документ: месяц ещё не закрыт, суммы могут измениться"</p> })}
            <h1 id="document-title">{d.title.clone()}</h1>
            <p>"за " {crate::billing::month_name(doc.period, Lang::Ru)}</p>
            {party(if act { "Исполнитель" } else { "Поставщик" }, &doc.seller, "document-seller")}
            {party(if act { "Заказчик" } else { "Покупатель" }, &doc.buyer, "document-buyer")}
            // On a phone the six columns scroll in their own box; printed, the box lets them be.
            <div class="table-wrap" role="region" tabindex="0" aria-label="Наименования работ, услуг">
            <table class="act-lines" id="document-lines">
                <thead><tr><th scope="col">"№"</th><th scope="col">"Наименование работ, услуг"</th>
                    <th scope="col" class="num">"Кол-во"</th><th scope="col">"Ед."</th>
                    <th scope="col" class="num">"Цена"</th><th scope="col" class="num">"Сумма"</th></tr></thead>
                <tbody>
                    {doc.lines.iter().enumerate().map(|(i, l)| view! {
                        <tr><td class="line-no">{i + 1}</td><td class="line-name">{l.name.clone()}</td>
                            <td class="num" data-label="Кол-во">{l.quantity_ru()}</td><td data-label="Ед.">{l.unit.clone()}</td>
                            <td class="num" data-label="Цена">{rubles(l.price)}</td><td class="num" data-label="Сумма">{rubles(l.amount)}</td></tr>
                    }).collect_view()}
                </tbody>
                <tfoot id="document-totals">
                    {doc.totals.iter().map(|total| view! {
                        <tr><td colspan="5">{total.label.clone()}</td>
                            <td class="num">{total.amount.map(rubles).unwrap_or_default()}</td></tr>
                    }).collect_view()}
                </tfoot>
            </table>
            </div>
            <p id="document-count">"Всего наименований " {doc.lines.len()} ", на сумму " {rubles(doc.to_pay)}</p>
            <p id="document-words">"Сумма прописью: " <strong>{doc.to_pay_in_words.clone()}</strong></p>
            {act.then(|| view! { <p>{hourbank_domain::documents::ACT_ACCEPTANCE}</p> })}
            <div class="signatures">
                <p>{if act { "Исполнитель" } else { "Руководитель" }} " ____________________"</p>
                <p>{if act { "Заказчик" } else { "Бухгалтер" }} " ____________________"</p>
            </div>
        </article>
    }
    .into_any()
}
