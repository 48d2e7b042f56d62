//! Task lists (with filters and search), the staff's queue, and a new task in plain words.

use hourbank_domain::{Role, TaskState};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{decode, WriteOutcome};
use crate::app::{ctx, load, show};
use crate::format::day_text;
use crate::labels;
use crate::model::{Me, OrgList, Task, TaskDetail, TaskList};
use crate::pages::{field_error, form_status, input, sent_state, textarea, Sent};
use crate::route::{Route, TaskFilter};

/// `label` names the scrolling region (a page may show several lists).
fn task_table(tasks: Vec<Task>, show_org: Option<Vec<(i64, String)>>, label: String) -> impl IntoView {
    let ctx = ctx();
    let lang = ctx.lang.get_untracked();
    let t = |ru: &'static str, en: &'static str| lang.pick(ru, en);
    if tasks.is_empty() {
        return view! { <p id="no-tasks">{t("Задач нет.", "No tasks.")}</p> }.into_any();
    }
    let with_org = show_org.is_some();
    let org_name =
        move |id: i64| show_org.as_ref().and_then(|o| o.iter().find(|(i, _)| *i == id).map(|(_, n)| n.clone()));
    view! {
        <div class="table-wrap" role="region" tabindex="0" aria-label=label>
        <table class="tasks" id="task-table">
            <thead><tr>
                <th scope="col">"№"</th>
                <th scope="col">{t("Задача", "Task")}</th>
                {with_org.then(|| view! { <th scope="col">{t("Организация", "Organisation")}</th> })}
                <th scope="col">{t("Состояние", "State")}</th>
                <th scope="col" class="num">{t("Оценка", "Estimate")}</th>
                <th scope="col" class="num">{t("Затрачено", "Logged")}</th>
                <th scope="col">{t("Срок", "Deadline")}</th>
                {with_org.then(|| view! { <th scope="col">{t("Исполнитель", "Assignee")}</th> })}
            </tr></thead>
            <tbody>
                {tasks.into_iter().map(|task| view! {
                    <tr data-state=task.state.as_str()>
                        <td>{task.id}</td>
                        <td><a href=Route::Task { id: task.id }.href()>{task.title.clone()}</a></td>
                        {with_org.then(|| view! { <td>{org_name(task.org_id)}</td> })}
                        <td>{labels::state(task.state, lang)}</td>
                        <td class="num">{task.estimate.map(|h| lang.hours(h))}</td>
                        <td class="num">{lang.hours(task.logged)}</td>
                        <td>{task.deadline.map(day_text)}</td>
                        {with_org.then(|| view! { <td>{task.assignee_name.clone()}</td> })}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
    .into_any()
}

pub(super) fn org_names(
    orgs: &Option<Result<crate::api::Fetched<OrgList>, crate::api::ApiError>>,
) -> Option<Vec<(i64, String)>> {
    orgs.as_ref()?.as_ref().ok().map(|o| o.value.orgs.iter().map(|o| (o.id, o.name.clone())).collect())
}

#[allow(non_snake_case)]
pub fn TaskList(me: Me, filter: TaskFilter) -> impl IntoView {
    let ctx = ctx();
    let staff = me.role != Role::Client;
    let state = RwSignal::new(filter.state.clone());
    let month = RwSignal::new(filter.month.clone());
    let q = RwSignal::new(filter.q.clone());
    let org = RwSignal::new(filter.org.clone());
    let current = filter.clone();
    let tasks = load::<TaskList>(move || {
        let query = current.query();
        Some(if query.is_empty() { "/tasks".into() } else { format!("/tasks?{query}") })
    });
    let orgs = load::<OrgList>(move || staff.then(|| "/orgs".into()));
    // A month the server would refuse is named under its field, and nothing is asked.
    let month_bad = RwSignal::new(false);
    let month_error = Signal::derive(move || {
        month_bad
            .get()
            .then(|| ctx.t("Месяц — в виде ГГГГ-ММ, например 2026-11", "A month as YYYY-MM, e.g. 2026-11")().into())
    });
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = month.get_untracked();
        let bad = !typed.trim().is_empty() && hourbank_domain::Period::parse("month", typed.trim()).is_err();
        month_bad.set(bad);
        if bad {
            return;
        }
        let filter = TaskFilter {
            state: state.get_untracked(),
            month: month.get_untracked(),
            q: q.get_untracked(),
            org: org.get_untracked(),
            before: String::new(),
        };
        ctx.navigate(Route::Tasks { filter });
    };
    view! {
        <h1>{ctx.t("Задачи", "Tasks")}</h1>
        {(me.role == Role::Client).then(|| view! { <p><a class="button" href=Route::NewTask.href()>{ctx.t("Новая задача", "New task")}</a></p> })}
        <form class="filters" on:submit=apply role="search">
            <div class="field">
                <label for="filter-state">{ctx.t("Состояние", "State")}</label>
                <select id="filter-state" on:change:target=move |ev| state.set(ev.target().value())>
                    <option value="" selected=filter.state.is_empty()>{ctx.t("все", "all")}</option>
                    {TaskState::ALL.into_iter().map(|s| {
                        let selected = filter.state == s.as_str();
                        view! { <option value=s.as_str() selected=selected>{move || labels::state(s, ctx.lang.get())}</option> }
                    }).collect_view()}
                </select>
            </div>
            // Text, not `inputmode="numeric"`: a phone's digits-only keypad has no «-».
            {input("filter-month", ctx.t("Месяц счёта (ГГГГ-ММ)", "Month billed (YYYY-MM)"), month, month_error, "text")}
            {staff.then(|| view! {
                <div class="field">
                    <label for="filter-org">{ctx.t("Организация", "Organisation")}</label>
                    <select id="filter-org" on:change:target=move |ev| org.set(ev.target().value())>
                        <option value="">{ctx.t("все", "all")}</option>
                        {move || org_names(&orgs.get()).map(|list| list.into_iter().map(|(id, name)| {
                            let selected = org.get_untracked() == id.to_string();
                            view! { <option value=id.to_string() selected=selected>{name}</option> }
                        }).collect_view())}
                    </select>
                </div>
            })}
            <div class="field">
                <label for="filter-q">{ctx.t("Поиск", "Search")}</label>
                <input id="filter-q" type="search" prop:value=q on:input:target=move |ev| q.set(ev.target().value()) />
            </div>
            <button type="submit" id="filter-apply">{ctx.t("Показать", "Show")}</button>
        </form>
        {move || {
            let names = if staff { org_names(&orgs.get()) } else { None };
            let filter = filter.clone();
            show(tasks, move |list: TaskList| {
                // Tracked: the list is drawn again in the other language when it is switched.
                let lang = ctx.lang.get();
                // The list comes a page at a time, newest first.
                let first = (!filter.before.is_empty())
                    .then(|| Route::Tasks { filter: TaskFilter { before: String::new(), ..filter.clone() } });
                let next = list
                    .next_before
                    .map(|id| Route::Tasks { filter: TaskFilter { before: id.to_string(), ..filter.clone() } });
                view! {
                    {task_table(list.tasks, names.clone(), lang.pick("Задачи", "Tasks").to_string())}
                    <nav class="paging" aria-label=lang.pick("Страницы списка", "List pages")>
                        {first.map(|r| view! { <a href=r.href() id="tasks-first">{lang.pick("← Самые новые", "← Newest")}</a> })}
                        {next.map(|r| view! { <a href=r.href() id="tasks-next">{lang.pick("Следующие →", "Older →")}</a> })}
                    </nav>
                }
            })
        }}
    }
}

/// Staff start here: what waits for them, by state, across their organisations.
#[cfg(feature = "staff")]
#[allow(non_snake_case)]
pub fn StaffQueue(me: Me) -> impl IntoView {
    let ctx = ctx();
    // Open tasks only: the queue never grows with the history.
    let tasks = load::<TaskList>(|| Some("/tasks?state=new,estimated,in_work,testing&limit=200".into()));
    let orgs = load::<OrgList>(|| Some("/orgs".into()));
    // The states each role acts on, most urgent first.
    let states: &'static [TaskState] = match me.role {
        Role::Analyst => &[TaskState::New, TaskState::InWork, TaskState::Testing, TaskState::Estimated],
        Role::Specialist => &[TaskState::InWork, TaskState::Testing],
        _ => &[TaskState::New, TaskState::Estimated, TaskState::InWork, TaskState::Testing],
    };
    let mine = (me.role == Role::Specialist).then(my_tasks);
    view! {
        <h1>{ctx.t("Очередь задач", "Task queue")}</h1>
        {mine}
        // Specialists read reports; closing a month is an analyst's or an admin's.
        <p><a href="/portal/reports">{if me.role == Role::Specialist {
            ctx.t("Отчёты", "Reports")
        } else {
            ctx.t("Отчёты и закрытие месяца", "Reports and closing months")
        }}</a></p>
        {move || {
            let names = org_names(&orgs.get());
            show(tasks, move |list: TaskList| {
                let lang = ctx.lang.get();
                let more = list.next_before.is_some().then(|| view! {
                    <p class="hint" id="queue-more">{lang.pick(
                        "Показаны 200 самых новых открытых задач; остальные — в списке задач.",
                        "The 200 newest open tasks are shown; the rest are in the task list.")}</p>
                });
                let sections = states.iter().map(|&s| {
                    let in_state: Vec<Task> = list.tasks.iter().filter(|t| t.state == s).cloned().collect();
                    let count = in_state.len();
                    view! {
                        <section class="queue" data-state=s.as_str()>
                            <h2>{labels::state(s, lang)} " (" {count} ")"</h2>
                            {task_table(in_state, names.clone(), labels::state(s, lang).to_string())}
                        </section>
                    }
                }).collect_view();
                view! { {more} {sections} }
            })
        }}
    }
}

/// A specialist's own tasks (assigned to them and still open), and work logged on one of them in
/// a single form, without opening the task.
#[cfg(feature = "staff")]
fn my_tasks() -> impl IntoView {
    let ctx = ctx();
    let assigned = load::<TaskList>(|| Some("/tasks?assignee=me&state=new,estimated,in_work,testing&limit=200".into()));
    // Outside the list's render, so what was chosen, typed and answered stays when a logged hour
    // reloads the list.
    let form = QuickLog {
        task: RwSignal::new(String::new()),
        date: RwSignal::new(crate::pages::task::today()),
        hours: RwSignal::new(String::new()),
        description: RwSignal::new(String::new()),
        sent: RwSignal::new(Sent::Idle),
    };
    view! {
        <section class="queue" id="my-tasks" aria-labelledby="my-tasks-h">
            <h2 id="my-tasks-h">{ctx.t("Назначены мне", "Assigned to me")}</h2>
            {move || show(assigned, move |list: TaskList| {
                let open: Vec<Task> = list.tasks.into_iter().filter(|t| !t.state.is_final()).collect();
                let choices: Vec<(i64, String)> = open.iter().map(|t| (t.id, format!("№{} {}", t.id, t.title))).collect();
                let label = ctx.lang.get().pick("Мои открытые задачи", "My open tasks").to_string();
                view! {
                    {task_table(open, None, label)}
                    {(!choices.is_empty()).then(|| quick_log(choices, form))}
                }
            })}
        </section>
    }
}

#[cfg(feature = "staff")]
#[derive(Clone, Copy)]
struct QuickLog {
    task: RwSignal<String>,
    date: RwSignal<String>,
    hours: RwSignal<String>,
    description: RwSignal<String>,
    sent: RwSignal<Sent>,
}

#[cfg(feature = "staff")]
fn quick_log(choices: Vec<(i64, String)>, form: QuickLog) -> impl IntoView {
    let ctx = ctx();
    let QuickLog { task, date, hours, description, sent } = form;
    // The task chosen before, while it is still open; else the first.
    let chosen = choices
        .iter()
        .map(|(id, _)| id.to_string())
        .find(|id| *id == task.get_untracked())
        .unwrap_or_else(|| choices[0].0.to_string());
    task.update_untracked(|t| *t = chosen.clone());
    let ids = crate::pages::task::WorklogIds {
        date: "quick-date",
        hours: "quick-hours",
        description: "quick-description",
        submit: "quick-submit",
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Ok(id) = task.get_untracked().parse() {
            crate::pages::task::send_worklog(ctx, id, date, hours, description, sent);
        }
    };
    view! {
        <form class="card worklog-form" id="quick-log" on:submit=submit aria-labelledby="quick-log-h">
            <h3 id="quick-log-h">{ctx.t("Быстро записать работу", "Log work quickly")}</h3>
            <div class="field">
                <label for="quick-task">{ctx.t("Задача", "Task")}</label>
                <select id="quick-task" on:change:target=move |ev| task.set(ev.target().value())>
                    {choices.into_iter().map(|(id, title)| {
                        let selected = id.to_string() == chosen;
                        view! { <option value=id.to_string() selected=selected>{title}</option> }
                    }).collect_view()}
                </select>
            </div>
            {crate::pages::task::worklog_fields(ids, date, hours, description, sent)}
        </form>
    }
}

#[allow(non_snake_case)]
pub fn NewTask(me: Me) -> impl IntoView {
    let ctx = ctx();
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let sent = RwSignal::new(Sent::Idle);
    let org_id = me.org.as_ref().map(|o| o.id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sent.set(Sent::Sending);
        let task = hourbank_api::tasks::NewTask {
            title: title.get_untracked().trim().to_string(),
            description: description.get_untracked().trim().to_string(),
            org_id,
        };
        let label = format!("Новая задача: {}", task.title);
        let sync = ctx.sync;
        spawn_local(async move {
            let outcome = crate::api::tasks::create(sync, task, label).await;
            match &outcome {
                WriteOutcome::Done(text) => match decode::<TaskDetail>(text) {
                    Ok(created) => {
                        ctx.refresh.update(|r| *r += 1);
                        ctx.tell(
                            Route::Task { id: created.task.id },
                            format!(
                                "{} №{}",
                                ctx.lang.get_untracked().pick("Задача создана:", "Task created:"),
                                created.task.id
                            ),
                        );
                        ctx.navigate(Route::Task { id: created.task.id });
                    }
                    Err(_) => ctx.navigate(Route::Tasks { filter: TaskFilter::default() }),
                },
                WriteOutcome::Queued => {
                    title.set(String::new());
                    description.set(String::new());
                    sent.set(Sent::Queued);
                }
                WriteOutcome::Refused(_) => sent.set(sent_state(&outcome, &["title", "description"])),
            }
        });
    };
    view! {
        <h1>{ctx.t("Новая задача", "New task")}</h1>
        <p>{ctx.t("Опишите своими словами, что нужно сделать. Техническое задание напишет аналитик.",
            "Describe in your own words what is needed. The analyst will write the specification.")}</p>
        <form on:submit=submit class="card">
            {input("task-title", ctx.t("Коротко, о чём задача", "In short, what it is about"), title, field_error(sent, "title"), "text")}
            {textarea("task-description", ctx.t("Подробно", "In detail"), description, field_error(sent, "description"))}
            <button type="submit" id="task-submit" disabled=move || sent.get() == Sent::Sending>{ctx.t("Отправить", "Send")}</button>
            {form_status(sent)}
        </form>
    }
}
