//! One task: the client's words, the analyst's specification and estimate, the state history,
//! work logs, instructions, and the steps the signed-in role may take — approving with the cost
//! preview, accepting or returning with a comment, estimating, logging work.

use hourbank_api::tasks::WarrantyClaim;
use hourbank_domain::{Action, Role, Transition};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::WriteOutcome;
use crate::app::{ctx, load, show, show_page};
use crate::format::{day_text, instant_text};
use crate::i18n::Lang;
use crate::labels;
use crate::model::{InstructionList, Me, TaskDetail};
use crate::pages::{field_error, form_status, sent_state, textarea, Sent};
use crate::preview::{AcceptPreview, CostPreview};
use crate::route::Route;
#[cfg(feature = "staff")]
use {crate::model::UserList, crate::pages::input};

/// Today in Moscow, `YYYY-MM-DD`: the default date of a work log.
pub fn today() -> String {
    let now = js_sys::Date::new_0();
    let moscow = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(now.get_time() + 3.0 * 3_600_000.0));
    moscow.to_iso_string().as_string().unwrap_or_default().chars().take(10).collect()
}

#[allow(non_snake_case)]
pub fn TaskPage(me: Me, id: i64) -> impl IntoView {
    let ctx = ctx();
    let detail = load::<TaskDetail>(move || Some(format!("/tasks/{id}")));
    let instructions = load::<InstructionList>(move || Some(format!("/tasks/{id}/instructions")));
    let me = StoredValue::new(me);
    view! {
        {show_page(detail, move |lang| format!("{} №{id}", lang.pick("Задача", "Task")), move |d: TaskDetail| task_view(me.get_value(), d))}
        <section aria-labelledby="instructions-h">
            <h2 id="instructions-h">{ctx.t("Инструкции", "Instructions")}</h2>
            {move || show(instructions, move |list: InstructionList| {
                if list.instructions.is_empty() {
                    return view! { <p>{ctx.t("Инструкций пока нет.", "No instructions yet.")}</p> }.into_any();
                }
                list.instructions.into_iter().map(|i| view! {
                    <article class="instruction">
                        <h3>{i.title}</h3>
                        <p class="meta">{i.author_name} ", " {instant_text(&i.created_at)}</p>
                        // Sanitised by the server (ammonia): the one place the portal inserts HTML.
                        <div class="markdown" inner_html=i.html></div>
                    </article>
                }).collect_view().into_any()
            })}
            // Those the server lets write instructions: not clients, not sales.
            {move || staff_only!(
                matches!(me.with_value(|m| m.role), Role::Analyst | Role::Specialist | Role::Admin)
                    .then(|| new_instruction(id))
            )}
        </section>
    }
}

fn task_view(me: Me, d: TaskDetail) -> AnyView {
    let ctx = ctx();
    // Tracked: the page is drawn again in the other language when it is switched.
    let lang = ctx.lang.get();
    let t = |ru: &'static str, en: &'static str| lang.pick(ru, en);
    let task = d.task.clone();
    let pending: Vec<String> =
        ctx.sync.outbox.with_untracked(|o| o.for_task(task.id).map(|w| w.label.clone()).collect());
    let actions: Vec<Action> = d.allowed_actions.clone();
    view! {
        <h1>{format!("№{} {}", task.id, task.title)}</h1>
        <p class="state">{t("Состояние", "State")} ": " <strong id="task-state">{labels::state(task.state, lang)}</strong></p>
        {(!pending.is_empty()).then(|| view! {
            <ul class="pending" role="status">{pending.into_iter().map(|p| view! {
                <li>{t("Ждёт отправки", "Waiting to be sent")} ": " {p}</li>
            }).collect_view()}</ul>
        })}
        <dl class="task-facts">
            <dt>{t("Что нужно (словами клиента)", "What is needed (the client's words)")}</dt>
            <dd class="prewrap">{task.description.clone()}</dd>
            <dt>{t("Техническое задание", "Specification")}</dt>
            <dd class="prewrap" id="task-spec">{task.specification.clone().unwrap_or_else(|| t("ещё не написано", "not written yet").into())}</dd>
            <dt>{t("Оценка", "Estimate")}</dt>
            <dd id="task-estimate">{task.estimate.map(|h| lang.hours(h)).unwrap_or_else(|| "—".into())}</dd>
            <dt>{t("Согласованная оценка", "Approved estimate")}</dt>
            <dd>{task.approved_estimate.map(|h| lang.hours(h)).unwrap_or_else(|| "—".into())}</dd>
            <dt>{t("Срок", "Deadline")}</dt>
            <dd>{task.deadline.map(day_text).unwrap_or_else(|| "—".into())}</dd>
            <dt>{t("Затрачено", "Logged")}</dt>
            <dd id="task-logged">{lang.hours(task.logged)}</dd>
            <dt>{t("Исполнитель", "Assignee")}</dt>
            <dd id="task-assignee">{task.assignee_name.clone().unwrap_or_else(|| t("не назначен", "nobody yet").into())}</dd>
            {crate::billing::task_note(&task, lang).map(|note| view! {
                <dt>{t("Счёт", "Bill")}</dt><dd id="task-billing">{note}</dd>
            })}
            {task.warranty_of.map(|of| view! {
                <dt>{t("Гарантийная задача", "Warranty work")}</dt>
                <dd id="task-warranty-of">{t("по задаче ", "on task ")}<a href=Route::Task { id: of }.href()>{format!("№{of}")}</a>
                    {t(": её часы не оплачиваются", ": its hours are not billed")}</dd>
            })}
            {crate::billing::warranty_note(&task, lang).map(|note| view! {
                <dt>{t("Гарантия", "Warranty")}</dt><dd id="task-warranty">{note}</dd>
            })}
        </dl>
        {(me.role == Role::Client
            && task.state == hourbank_domain::TaskState::Accepted
            && task.warranty_until.is_some_and(|until| hourbank_domain::parse_date("today", &today()).is_ok_and(|today| until >= today)))
            .then(|| warranty_form(task.id))}
        {staff_only!((matches!(me.role, Role::Analyst | Role::Admin) && !task.state.is_final()).then(|| assign_form(task.id, task.assignee_id)))}
        // No step to take (an accepted or cancelled task, or none for this role): no empty card.
        {(!actions.is_empty()).then(|| actions_view(me.clone(), d.clone(), actions))}
        {staff_only!(d.can_log_work.then(|| log_work_form(task.id)))}
        <h2>{t("История", "History")}</h2>
        <ol class="events" id="events">
            <li>{instant_text(&task.created_at)} " — " {t("создана", "created")}</li>
            {d.events.iter().map(|e| view! {
                <li>{instant_text(&e.at)} " — " {e.user_name.clone()} ": " {labels::action_name(e.action.as_str(), lang)}
                    " → " {labels::state(e.to_state, lang)}
                    {e.comment.clone().filter(|c| !c.is_empty()).map(|c| view! { " — " <q>{c}</q> })}</li>
            }).collect_view()}
        </ol>
        <h2>{t("Работы", "Work logs")}</h2>
        {if d.worklogs.is_empty() {
            view! { <p>{t("Работ пока нет.", "No work logged yet.")}</p> }.into_any()
        } else {
            view! {
                <table id="worklogs">
                    <thead><tr>
                        <th scope="col">{t("Кто", "Who")}</th><th scope="col">{t("Когда", "When")}</th>
                        <th scope="col">{t("Что сделано", "What was done")}</th><th scope="col" class="num">{t("Часов", "Hours")}</th>
                    </tr></thead>
                    <tbody>{d.worklogs.iter().map(|w| view! {
                        <tr><td>{w.user_name.clone()}</td><td>{day_text(w.date)}</td><td>{w.description.clone()}</td>
                            <td class="num">{lang.hours(w.hours)}</td></tr>
                    }).collect_view()}</tbody>
                </table>
            }.into_any()
        }}
    }
    .into_any()
}

/// Sends a step from an event handler, so it is given the context (none is reachable there).
fn transition(
    ctx: crate::app::Ctx,
    id: i64,
    step: Transition,
    label: String,
    sent: RwSignal<Sent>,
    known: &'static [&'static str],
) {
    sent.set(Sent::Sending);
    spawn_local(async move {
        let outcome = crate::api::tasks::transition(ctx.sync, id, step, label).await;
        sent.set(sent_state(&outcome, known));
        if let WriteOutcome::Done(text) = &outcome {
            // The step's new state, in words: «Готово: задача в статусе «Принята»».
            let state = serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|v| {
                    v["task"]["state"].as_str().and_then(|s| hourbank_domain::TaskState::parse("state", s).ok())
                })
                .map(|s| labels::state(s, ctx.lang.get_untracked()).to_string());
            let lang = ctx.lang.get_untracked();
            let text = match state {
                Some(state) => format!("{} «{state}».", lang.pick("Готово: задача в статусе", "Done: the task is now")),
                None => lang.pick("Готово.", "Done.").to_string(),
            };
            ctx.tell(Route::Task { id }, text);
            ctx.refresh.update(|r| *r += 1);
        }
    });
}

fn actions_view(me: Me, d: TaskDetail, actions: Vec<Action>) -> impl IntoView {
    let ctx = ctx();
    let id = d.task.id;
    let lang = ctx.lang.get_untracked();
    let sent = RwSignal::new(Sent::Idle);
    let comment = RwSignal::new(String::new());
    let needs_comment =
        actions.iter().any(|a| matches!(a, Action::Reject | Action::Return | Action::Cancel | Action::WriteOff));
    let estimate_form = staff_only!(actions.contains(&Action::Estimate).then(|| estimate_form(d.clone())));
    // Said only where cancelling is offered (a re-estimated task): work in progress is not
    // cancelled, only written off, and the hint read as if it could be.
    let cancel_bills = d.task.approved_estimate.is_some() && actions.contains(&Action::Cancel);
    let preview = actions.contains(&Action::Approve).then(|| cost_preview(me.clone(), d.clone()));
    // The final steps ask first: accepting says what it bills in which month, cancelling whether
    // the hours logged bill, writing off that they never will.
    let confirming = RwSignal::new(None::<Action>);
    let accept_text = actions.contains(&Action::Accept).then(|| accept_sentence(me.clone(), d.clone()));
    // Approving names the estimate on this page: one made after it was drawn is refused.
    let shown = d.task.estimate;
    let step_of = move |action: Action| {
        let comment = comment.get_untracked().trim().to_string();
        match action {
            Action::Reject => Some(Transition::Reject { comment }),
            Action::Return => Some(Transition::Return { comment }),
            Action::Cancel => Some(Transition::Cancel { comment }),
            Action::WriteOff => Some(Transition::WriteOff { comment }),
            Action::Approve => Some(Transition::Approve { estimate: shown }),
            Action::SubmitForTesting => Some(Transition::SubmitForTesting),
            Action::Accept => Some(Transition::Accept),
            // The estimate has its own form.
            Action::Estimate => None,
        }
    };
    let send = move |action: Action| {
        confirming.set(None);
        if let Some(step) = step_of(action) {
            transition(ctx, id, step, format!("{}: №{id}", action.ru()), sent, &["comment"]);
        }
    };
    let confirm = move || {
        confirming.get().map(|action| {
            let text = match action {
                Action::Accept => accept_text.map(|text| text.get()).unwrap_or_default(),
                Action::Cancel if cancel_bills => lang
                    .pick(
                        "Отменить задачу? Затраченные часы (не больше согласованной оценки) войдут в счёт этого месяца. Отмена окончательна.",
                        "Cancel the task? The hours logged (at most the approved estimate) bill this month. Cancelling is final.",
                    )
                    .to_string(),
                Action::Cancel => lang.pick("Отменить задачу? Отмена окончательна.", "Cancel the task? Cancelling is final.").to_string(),
                _ => lang
                    .pick(
                        "Списать работу? Затраченные часы не войдут ни в один счёт. Это окончательно.",
                        "Write the work off? The hours logged never bill. This is final.",
                    )
                    .to_string(),
            };
            let name = action.as_str();
            view! {
                <div class="preview" id=format!("{name}-confirm") role="alert">
                    <p id=format!("{name}-preview")><strong>{text}</strong></p>
                    <p class="buttons">
                        <button type="button" class="primary" id=format!("action-{name}-confirm") on:click=move |_| send(action)>
                            {labels::action(action, lang)}
                        </button>
                        <button type="button" class="secondary" on:click=move |_| confirming.set(None)>
                            {lang.pick("Не сейчас", "Not now")}
                        </button>
                    </p>
                </div>
            }
        })
    };
    let buttons = actions
        .into_iter()
        .filter(|a| *a != Action::Estimate)
        .map(|action| {
            let click = move |_| {
                // Cancelling (or writing off) asks for a reason before it asks to confirm.
                if matches!(action, Action::Cancel | Action::WriteOff) && comment.get_untracked().trim().is_empty() {
                    let errors = crate::pages::FormErrors::field(
                        "comment",
                        "Напишите причину отмены",
                        "Say why the task is cancelled",
                    );
                    sent.set(Sent::Refused(errors));
                    return;
                }
                if matches!(action, Action::Accept | Action::Cancel | Action::WriteOff) {
                    // An earlier step's refusal is not about this one.
                    sent.set(Sent::Idle);
                    confirming.set(Some(action));
                } else {
                    send(action);
                }
            };
            let class = if matches!(action, Action::Approve | Action::Accept | Action::SubmitForTesting) { "primary" } else { "secondary" };
            view! { <button type="button" class=class id=format!("action-{}", action.as_str()) on:click=click>{labels::action(action, lang)}</button> }
        })
        .collect_view();
    view! {
        <section class="card actions-card" aria-labelledby="actions-h">
            <h2 id="actions-h">{lang.pick("Что можно сделать", "What you can do")}</h2>
            {preview}
            {needs_comment.then(|| textarea("action-comment",
                ctx.t("Комментарий (обязателен, чтобы отклонить, вернуть, отменить или списать работу)",
                      "Comment (required to reject, return, cancel or write the work off)"),
                comment, field_error(sent, "comment")))}
            {cancel_bills.then(|| view! {
                <p class="hint" id="cancel-bills">{lang.pick(
                    "Оценка уже была согласована: при отмене затраченные часы (не больше согласованной оценки) войдут в счёт этого месяца. Не выставлять их может только аналитик — «Списать работу» с комментарием.",
                    "The estimate was approved: cancelling bills the hours logged (up to the approved estimate) this month. Only an analyst may write them off instead, with a comment.")}</p>
            })}
            <div class="buttons">{buttons}</div>
            {confirm}
            {form_status(sent)}
            {estimate_form}
        </section>
    }
}

/// What a warranty claim's approval and acceptance bill: nothing.
fn warranty_note(lang: Lang) -> &'static str {
    lang.pick("Это гарантийная работа: в счёт она не входит.", "It is warranty work: it is not billed.")
}

/// What accepting this task bills, in which month, as one sentence (the domain's figures).
fn accept_sentence(me: Me, d: TaskDetail) -> Signal<String> {
    let ctx = ctx();
    let crate::pages::ThisMonth { report, .. } = crate::pages::this_month();
    Signal::derive(move || {
        let lang = ctx.lang.get();
        // «Принять работу? … Принятие окончательно.» around what it bills.
        let ask = |middle: &str| {
            format!(
                "{} {middle} {}",
                lang.pick("Принять работу?", "Accept the work?"),
                lang.pick("Принятие окончательно.", "Acceptance is final.")
            )
        };
        let fallback = ask(lang.pick(
            "Затраченные часы (не больше согласованной оценки) войдут в отчёт.",
            "The hours logged (at most the approved estimate) go into the report.",
        ));
        if d.task.warranty_of.is_some() {
            return ask(warranty_note(lang));
        }
        let Some(org) = me.org.as_ref() else { return fallback };
        let Some(Ok(report)) = report.get() else { return fallback };
        let report = report.value;
        // A closed month takes no more work; the open one (next month, when this one closed
        // early) is read once the months are in, and until then nothing is priced.
        if report.status == "closed" {
            return fallback;
        }
        match report.statement.as_ref().map(|row| AcceptPreview::new(org, row, &d.task)) {
            Some(Ok(Some(preview))) => preview.sentence(lang),
            _ => fallback,
        }
    })
}

/// What approving this estimate does to this month's bill, computed by the domain.
fn cost_preview(me: Me, d: TaskDetail) -> impl IntoView {
    let ctx = ctx();
    let crate::pages::ThisMonth { report, tasks, .. } = crate::pages::this_month();
    let task_id = d.task.id;
    let estimate = d.task.estimate;
    let warranty = d.task.warranty_of.is_some();
    // The month priced is the open one the overview shows (next month's, when this one closed
    // early). A deadline in a later month: the work will likely bill then, so the preview says
    // which month it computed and why.
    let deadline = d.task.deadline;
    let assumption = move |lang: Lang, priced: hourbank_domain::Period| match deadline
        .filter(|day| hourbank_domain::Period::of(*day) > priced)
    {
        Some(day) => {
            let month = hourbank_web::table::period_in(hourbank_domain::Period::of(day), lang);
            let this = hourbank_web::table::period_in(priced, lang);
            match lang {
                Lang::Ru => format!(
                    "Срок — {}. Если работу примут после конца этого месяца, она войдёт в счёт за {month}, и цифры \
                     будут другими. Расчёт выше — если её примут в этом месяце ({this}) в пределах оценки.",
                    crate::format::day_text(day)
                ),
                Lang::En => format!(
                    "The deadline is {}. Accepted after this month ends, the work bills in {month}, with other \
                     figures. The figures above assume it is accepted this month ({this}) within its estimate.",
                    crate::format::day_text(day)
                ),
            }
        }
        None => {
            let month = hourbank_web::table::period_in(priced, lang);
            match lang {
                Lang::Ru => format!(
                    "Расчёт — для счёта за {month}, если эта и уже согласованные задачи будут приняты до конца месяца и уложатся в оценку."
                ),
                Lang::En => format!(
                    "For the bill of {month}, assuming this and the already approved tasks are accepted by the month's end within their estimates."
                ),
            }
        }
    };
    move || {
        let lang = ctx.lang.get();
        let org = me.org.as_ref()?;
        let estimate = estimate?;
        let report = report.get()?.ok()?.value;
        // A warranty claim bills nothing, whatever its estimate. A closed month takes no more work:
        // the open one is read once the months are in, and until then nothing is priced.
        if report.status == "closed" && !warranty {
            return None;
        }
        let single = warranty.then(|| warranty_note(lang).to_string());
        if let Some(text) = single {
            return Some(
                view! { <div class="preview" id="cost-preview" role="note"><p><strong>{text}</strong></p></div> }
                    .into_any(),
            );
        }
        let row = report.statement?;
        let open = tasks.get()?.ok()?.value.tasks;
        let text = match CostPreview::new(org, &row, &open, task_id, estimate) {
            Ok(Some(preview)) => preview.sentence(lang),
            Ok(None) => lang.pick("Этот месяц вне договора.", "This month is outside the contract.").to_string(),
            Err(e) => e.to_string(),
        };
        // The same figures as the overview: what is still free before this estimate.
        let free = crate::billing::FreeHours::of(&org.tariff, &row);
        Some(
            view! {
                <div class="preview" id="cost-preview" role="note">
                    {free.map(|f| view! { <p id="preview-free">{f.sentence(lang)}</p> })}
                    <p><strong>{text}</strong></p>
                    <p class="hint" id="preview-assumes">{assumption(lang, row.period)}</p>
                </div>
            }
            .into_any(),
        )
    }
}

/// A warranty claim on an accepted task: a linked task that follows the usual workflow and bills
/// nothing («гарантийные обязательства»).
fn warranty_form(id: i64) -> impl IntoView {
    let ctx = ctx();
    let description = RwSignal::new(String::new());
    let sent = RwSignal::new(Sent::Idle);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sent.set(Sent::Sending);
        let claim = WarrantyClaim { title: None, description: description.get_untracked().trim().to_string() };
        let label = format!("Гарантия по задаче №{id}");
        spawn_local(async move {
            let outcome = crate::api::tasks::claim_warranty(ctx.sync, id, claim, label).await;
            sent.set(sent_state(&outcome, &["description", "warranty_until"]));
            if let WriteOutcome::Done(answer) = &outcome
                && let Ok(created) = crate::api::decode::<TaskDetail>(answer)
            {
                ctx.navigate(Route::Task { id: created.task.id });
            }
        });
    };
    view! {
        <form class="card warranty-form" id="warranty-form" on:submit=submit>
            <h2>{ctx.t("Гарантия", "Warranty")}</h2>
            <p class="hint">{ctx.t("Если принятая задача работает не так, как согласовано, опишите, что не так: исправление по гарантии не оплачивается.",
                "If the accepted work does not do what was agreed, say what is wrong: a warranty fix is not billed.")}</p>
            {textarea("warranty-description", ctx.t("Что не так", "What is wrong"), description, field_error(sent, "description"))}
            <span class="field-error" id="warranty-until-error">{field_error(sent, "warranty_until")}</span>
            <button type="submit" id="warranty-submit">{ctx.t("Открыть гарантийную задачу", "Open a warranty task")}</button>
            {form_status(sent)}
        </form>
    }
}

#[cfg(feature = "staff")]
fn estimate_form(d: TaskDetail) -> impl IntoView {
    let ctx = ctx();
    let id = d.task.id;
    let specification = RwSignal::new(d.task.specification.clone().unwrap_or_default());
    // The inputs edit text: the API's `4.5` and `2026-11-23`, as before.
    let estimate = RwSignal::new(d.task.estimate.map(|h| h.to_string()).unwrap_or_default());
    let deadline = RwSignal::new(d.task.deadline.map(|day| day.to_string()).unwrap_or_default());
    let sent = RwSignal::new(Sent::Idle);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = serde_json::json!({
            "action": "estimate",
            "specification": specification.get_untracked().trim(),
            "estimate": estimate.get_untracked().trim().replace(',', "."),
            "deadline": deadline.get_untracked().trim(),
        });
        let known = &["specification", "estimate", "deadline"];
        // Checked here as the server checks it: a typed step, or the same field messages at once.
        match hourbank_api::request::read::<Transition>(&form) {
            Ok(step) => transition(ctx, id, step, format!("Оценка задачи №{id}"), sent, known),
            Err(invalid) => sent.set(sent_state(&crate::api::refused_here(&invalid), known)),
        }
    };
    view! {
        <form class="estimate-form" on:submit=submit>
            <h3>{ctx.t("Техническое задание и оценка", "Specification and estimate")}</h3>
            {textarea("estimate-spec", ctx.t("Техническое задание", "Specification"), specification, field_error(sent, "specification"))}
            {input("estimate-hours", ctx.t("Оценка, часов", "Estimate, hours"), estimate, field_error(sent, "estimate"), "text")}
            {input("estimate-deadline", ctx.t("Срок", "Deadline"), deadline, field_error(sent, "deadline"), "date")}
            <button type="submit" id="estimate-submit">{ctx.t("Отправить оценку клиенту", "Send the estimate to the client")}</button>
            {form_status(sent)}
        </form>
    }
}

/// The analyst assigns the task to one of the staff who do the work, or to nobody.
#[cfg(feature = "staff")]
fn assign_form(id: i64, current: Option<i64>) -> impl IntoView {
    let ctx = ctx();
    let staff = load::<UserList>(|| Some("/users".into()));
    let chosen = RwSignal::new(current.map(|c| c.to_string()).unwrap_or_default());
    let sent = RwSignal::new(Sent::Idle);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sent.set(Sent::Sending);
        let assignment = hourbank_api::tasks::Assignment { user_id: chosen.get_untracked().parse::<i64>().ok() };
        let label = format!("Исполнитель задачи №{id}");
        spawn_local(async move {
            let outcome = crate::api::tasks::assign(ctx.sync, id, assignment, label).await;
            sent.set(sent_state(&outcome, &["user_id"]));
            if matches!(outcome, WriteOutcome::Done(_)) {
                ctx.refresh.update(|r| *r += 1);
            }
        });
    };
    view! {
        <form class="card assign-form" on:submit=submit>
            <div class="field">
                <label for="assign-user">{ctx.t("Назначить исполнителя", "Assign to")}</label>
                <select id="assign-user" aria-describedby="assign-user-error"
                    on:change:target=move |ev| chosen.set(ev.target().value())>
                    <option value="" selected=current.is_none()>{ctx.t("никого", "nobody")}</option>
                    // Admins list everyone; only specialists and analysts take tasks.
                    {move || staff.get().and_then(|s| s.ok()).map(|s| s.value.users.into_iter()
                        .filter(|u| matches!(u.role, Role::Specialist | Role::Analyst))
                        .map(|u| {
                            let label = format!("{} ({})", u.name, crate::labels::role(u.role, ctx.lang.get_untracked()));
                            view! { <option value=u.id.to_string() selected=current == Some(u.id)>{label}</option> }
                        })
                        .collect_view())}
                </select>
                <span class="field-error" id="assign-user-error">{field_error(sent, "user_id")}</span>
            </div>
            <button type="submit" id="assign-submit">{ctx.t("Назначить", "Assign")}</button>
            {form_status(sent)}
        </form>
    }
}

/// Sends a work log on task `id` through the outbox, from an event handler (hence `ctx` passed);
/// the form is emptied unless the server refused it, to be fixed.
#[cfg(feature = "staff")]
pub fn send_worklog(
    ctx: crate::app::Ctx,
    id: i64,
    date: RwSignal<String>,
    hours: RwSignal<String>,
    description: RwSignal<String>,
    sent: RwSignal<Sent>,
) {
    let form = serde_json::json!({
        "date": date.get_untracked().trim(),
        "hours": hours.get_untracked().trim().replace(',', "."),
        "description": description.get_untracked().trim(),
    });
    let known = &["date", "hours", "description"];
    // Checked here as the server checks it (a date in the future is the server's to refuse).
    let work = match hourbank_api::request::read::<hourbank_api::tasks::LogWork>(&form) {
        Ok(work) => work,
        Err(invalid) => return sent.set(sent_state(&crate::api::refused_here(&invalid), known)),
    };
    sent.set(Sent::Sending);
    let label = format!("Работа по задаче №{id}: {} ч", hours.get_untracked().trim());
    let logged = work.hours;
    spawn_local(async move {
        let outcome = crate::api::tasks::log_work(ctx.sync, id, work, label).await;
        sent.set(sent_state(&outcome, known));
        if !matches!(outcome, WriteOutcome::Refused(_)) {
            hours.set(String::new());
            description.set(String::new());
        }
        if matches!(outcome, WriteOutcome::Done(_)) {
            let lang = ctx.lang.get_untracked();
            let text = format!(
                "{} №{id}: {}.",
                lang.pick("Работа записана по задаче", "Work logged on task"),
                lang.hours(logged)
            );
            ctx.tell(ctx.route.get_untracked(), text);
            ctx.refresh.update(|r| *r += 1);
        }
    });
}

#[cfg(feature = "staff")]
fn log_work_form(id: i64) -> impl IntoView {
    let ctx = ctx();
    let date = RwSignal::new(today());
    let hours = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let sent = RwSignal::new(Sent::Idle);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send_worklog(ctx, id, date, hours, description, sent);
    };
    let ids = WorklogIds {
        date: "worklog-date",
        hours: "worklog-hours",
        description: "worklog-description",
        submit: "worklog-submit",
    };
    view! {
        <form class="card worklog-form" on:submit=submit aria-labelledby="worklog-h">
            <h2 id="worklog-h">{ctx.t("Записать работу", "Log work")}</h2>
            {worklog_fields(ids, date, hours, description, sent)}
        </form>
    }
}

/// The element ids of a work-log form's fields (each page has its own).
#[cfg(feature = "staff")]
pub struct WorklogIds {
    pub date: &'static str,
    pub hours: &'static str,
    pub description: &'static str,
    pub submit: &'static str,
}

/// A work log's fields, its submit button and its status line: the task page's form and the
/// specialist's quick form share them.
#[cfg(feature = "staff")]
pub fn worklog_fields(
    ids: WorklogIds,
    date: RwSignal<String>,
    hours: RwSignal<String>,
    description: RwSignal<String>,
    sent: RwSignal<Sent>,
) -> impl IntoView {
    let ctx = ctx();
    view! {
        <div class="row">
            {input(ids.date, ctx.t("Дата", "Date"), date, field_error(sent, "date"), "date")}
            {input(ids.hours, ctx.t("Часов", "Hours"), hours, field_error(sent, "hours"), "text")}
        </div>
        {input(ids.description, ctx.t("Что сделано", "What was done"), description, field_error(sent, "description"), "text")}
        <button type="submit" id=ids.submit>{ctx.t("Записать", "Log")}</button>
        {form_status(sent)}
    }
}

#[cfg(feature = "staff")]
fn new_instruction(id: i64) -> impl IntoView {
    let ctx = ctx();
    let title = RwSignal::new(String::new());
    let markdown = RwSignal::new(String::new());
    let sent = RwSignal::new(Sent::Idle);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sent.set(Sent::Sending);
        let text = hourbank_api::instructions::NewInstruction {
            title: title.get_untracked().trim().to_string(),
            markdown: markdown.get_untracked(),
        };
        let label = format!("Инструкция к задаче №{id}: {}", text.title);
        spawn_local(async move {
            let outcome = crate::api::tasks::write_instruction(ctx.sync, id, text, label).await;
            sent.set(sent_state(&outcome, &["title", "markdown"]));
            if matches!(outcome, WriteOutcome::Done(_)) {
                title.set(String::new());
                markdown.set(String::new());
                ctx.refresh.update(|r| *r += 1);
            }
        });
    };
    view! {
        <form class="card" on:submit=submit>
            <h3>{ctx.t("Новая инструкция", "New instruction")}</h3>
            {input("instruction-title", ctx.t("Заголовок", "Title"), title, field_error(sent, "title"), "text")}
            {textarea("instruction-markdown", ctx.t("Текст (Markdown)", "Text (Markdown)"), markdown, field_error(sent, "markdown"))}
            <button type="submit">{ctx.t("Добавить", "Add")}</button>
            {form_status(sent)}
        </form>
    }
}
