//! The portal's pages. Each reads through `app::load`, writes through `Sync::write`, and keeps
//! its logic in the plain modules (`preview`, `format`, `labels`).

/// A part of a page only staff use, built only into the staff build (feature `staff`): the client
/// build leaves it, and everything only it calls, out of the wasm clients download. (Staff never
/// run the client build: it sends them to theirs, see `app::open_staff_app`.)
macro_rules! staff_only {
    ($part:expr) => {{
        #[cfg(feature = "staff")]
        let part = $part;
        #[cfg(not(feature = "staff"))]
        let part: Option<()> = None;
        part
    }};
}

#[cfg(feature = "staff")]
pub mod admin;
pub mod login;
pub mod misc;
pub mod overview;
pub mod reports;
pub mod task;
pub mod tasks;

use std::collections::BTreeMap;

use hourbank_domain::Role;
use leptos::prelude::*;

use crate::api::WriteOutcome;
use crate::app::ctx;
use crate::model::{Me, Problem};
use crate::route::Route;

/// This month's reads (after the months, whose first is the server's current one): its report and the
/// organisation's tasks — what the overview and the cost preview are computed from.
pub struct ThisMonth {
    pub report: crate::app::Loaded<crate::model::Report>,
    pub tasks: crate::app::Loaded<crate::model::TaskList>,
}

pub fn this_month() -> ThisMonth {
    use crate::app::load;
    let months = load::<crate::model::MonthList>(|| Some("/reports".into()));
    let current = Memo::new(move |_| {
        months.with(|m| m.as_ref().and_then(|m| m.as_ref().ok()).and_then(|m| m.value.months.first().map(|m| m.period)))
    });
    // Asked for at once, for the browser's own month (Moscow time, as the server counts), so that
    // it comes in with the months instead of a round trip after them (the overview waits for it);
    // should the months name another current month, that one is read. A memo, so the months
    // arriving with the same month ask nothing again.
    let report_path = Memo::new(move |_| {
        let period = current.get().unwrap_or_else(crate::billing::today_period);
        format!("/reports/{period}")
    });
    let report = load::<crate::model::Report>(move || Some(report_path.get()));
    // What waits for the client and what is approved but not yet accepted: the open states only.
    let tasks = load::<crate::model::TaskList>(|| Some("/tasks?state=estimated,in_work,testing&limit=200".into()));
    ThisMonth { report, tasks }
}

/// The page for a route, given who is signed in.
pub fn page(me: Me, route: Route) -> AnyView {
    let staff = me.role != Role::Client;
    if staff && !cfg!(feature = "staff") {
        return crate::app::open_staff_app();
    }
    match route {
        Route::Overview if me.role == Role::Client => overview::ClientOverview(me).into_any(),
        #[cfg(feature = "staff")]
        Route::Overview if me.role == Role::Sales => admin::SalesHome().into_any(),
        #[cfg(feature = "staff")]
        Route::Overview => tasks::StaffQueue(me).into_any(),
        Route::Tasks { filter } => tasks::TaskList(me, filter).into_any(),
        Route::NewTask => tasks::NewTask(me).into_any(),
        Route::Task { id } => task::TaskPage(me, id).into_any(),
        Route::Reports => reports::ReportList(me).into_any(),
        Route::Report { period, org } => reports::ReportPage(me, period, org).into_any(),
        Route::Act { period, org } => reports::DocumentPage(me, period, org, "act").into_any(),
        Route::Invoice { period, org } => reports::DocumentPage(me, period, org, "invoice").into_any(),
        Route::Consultations => misc::Consultations(me).into_any(),
        Route::Instructions { q } => misc::Instructions(q).into_any(),
        Route::Outbox => misc::OutboxPage().into_any(),
        Route::Account => misc::AccountPage().into_any(),
        #[cfg(feature = "staff")]
        Route::Admin(page) if staff => admin::AdminPage(me, page).into_any(),
        // (In the client build only a client gets here: the overview is theirs.)
        #[cfg(not(feature = "staff"))]
        Route::Overview => overview::ClientOverview(me).into_any(),
        Route::Admin(_) | Route::NotFound | Route::Login { .. } => not_found(),
    }
}

/// The `<option>`s of an organisation picker, one per organisation read (none while loading).
pub fn org_options(orgs: crate::app::Loaded<crate::model::OrgList>) -> impl IntoView {
    move || {
        orgs.get().and_then(|o| o.ok()).map(|o| {
            o.value.orgs.into_iter().map(|o| view! { <option value=o.id.to_string()>{o.name}</option> }).collect_view()
        })
    }
}

pub fn not_found() -> AnyView {
    let ctx = ctx();
    view! {
        <h1>{ctx.t("Страница не найдена", "Page not found")}</h1>
        <p><a href="/portal/">{ctx.t("На главную", "To the overview")}</a></p>
    }
    .into_any()
}

/// Field messages of a refused write, and the rest for the form's general error, in both
/// languages: the form shows the one in force, and says it again when the language is switched.
#[derive(Clone, Default, PartialEq)]
pub struct FormErrors {
    ru: Messages,
    en: Messages,
}

#[derive(Clone, Default, PartialEq)]
struct Messages {
    fields: BTreeMap<String, String>,
    general: Option<String>,
}

impl Messages {
    fn of(problem: &Problem, lang: crate::i18n::Lang, known: &[&str]) -> Messages {
        let mut fields = problem.by_field(lang == crate::i18n::Lang::Ru);
        let unknown: Vec<String> =
            fields.iter().filter(|(f, _)| !known.contains(&f.as_str())).map(|(f, m)| format!("{f}: {m}")).collect();
        fields.retain(|f, _| known.contains(&f.as_str()));
        let general = if !unknown.is_empty() {
            Some(unknown.join("; "))
        } else if fields.is_empty() {
            Some(crate::model::ProblemText::message(problem, lang))
        } else {
            None
        };
        Messages { fields, general }
    }
}

impl FormErrors {
    pub fn of(problem: &Problem, known: &[&str]) -> FormErrors {
        FormErrors {
            ru: Messages::of(problem, crate::i18n::Lang::Ru, known),
            en: Messages::of(problem, crate::i18n::Lang::En, known),
        }
    }

    /// One field's message, found here before anything is sent.
    pub fn field(field: &str, ru: &str, en: &str) -> FormErrors {
        let one = |text: &str| Messages { fields: [(field.to_string(), text.to_string())].into(), general: None };
        FormErrors { ru: one(ru), en: one(en) }
    }

    fn messages(&self, lang: crate::i18n::Lang) -> &Messages {
        match lang {
            crate::i18n::Lang::Ru => &self.ru,
            crate::i18n::Lang::En => &self.en,
        }
    }
}

/// What a form shows after submitting.
#[derive(Clone, Default, PartialEq)]
pub enum Sent {
    #[default]
    Idle,
    Sending,
    Queued,
    Refused(FormErrors),
}

/// Sends a write at once, never through the outbox (it carries a password, which must not wait in
/// the browser's storage), and tells how it went as the outbox would; `offline` is what to say
/// when it could not be sent. `None` when the session has ended: the sign-in page is on its way.
/// Takes the context: it runs in a spawned task, where there is none to look up.
pub async fn send_now(
    ctx: crate::app::Ctx,
    method: &str,
    path: &str,
    body: &str,
    offline: (&'static str, &'static str),
) -> Option<WriteOutcome> {
    Some(match crate::api::write_now(method, path, body).await {
        Ok(()) => WriteOutcome::Done(String::new()),
        Err(crate::api::ApiError::Problem(p)) => WriteOutcome::Refused(p),
        Err(crate::api::ApiError::SignedOut) => {
            ctx.signed_out();
            return None;
        }
        Err(_) => WriteOutcome::Refused(Problem {
            status: 0,
            title: ctx.lang.get_untracked().pick(offline.0, offline.1).into(),
            detail: String::new(),
            detail_ru: None,
            errors: Vec::new(),
        }),
    })
}

/// Turns a write's outcome into the form's state; `Done` is the caller's to handle.
pub fn sent_state(outcome: &WriteOutcome, known: &[&str]) -> Sent {
    match outcome {
        WriteOutcome::Done(_) => Sent::Idle,
        WriteOutcome::Queued => Sent::Queued,
        WriteOutcome::Refused(problem) => Sent::Refused(FormErrors::of(problem, known)),
    }
}

pub fn field_error(sent: RwSignal<Sent>, field: &'static str) -> Signal<Option<String>> {
    let ctx = ctx();
    Signal::derive(move || match sent.get() {
        Sent::Refused(errors) => errors.messages(ctx.lang.get()).fields.get(field).cloned(),
        _ => None,
    })
}

/// The line under a form: sending, queued offline, or the server's general message.
pub fn form_status(sent: RwSignal<Sent>) -> impl IntoView {
    let ctx = ctx();
    move || {
        match sent.get() {
        Sent::Idle => None,
        Sent::Sending => Some(view! { <p role="status">{ctx.t("Отправка…", "Sending…")}</p> }.into_any()),
        Sent::Queued => Some(
            view! {
                <p class="queued" role="status">
                    {ctx.t(
                        "Нет связи: сохранено и будет отправлено, когда связь появится.",
                        "Offline: saved, and will be sent when the connection returns.",
                    )}
                    " " <a href="/portal/outbox">{ctx.t("Неотправленное", "Outbox")}</a>
                </p>
            }
            .into_any(),
        ),
        Sent::Refused(errors) if errors.messages(ctx.lang.get()).general.is_some() => {
            let message = errors.messages(ctx.lang.get()).general.clone();
            Some(view! { <p class="error-box" role="alert">{message}</p> }.into_any())
        }
        Sent::Refused(_) => Some(
            view! { <p class="error-box" role="alert">{ctx.t("Исправьте отмеченные поля.", "Please fix the marked fields.")}</p> }
                .into_any(),
        ),
    }
    }
}

/// A labelled input bound to `value`, with its error.
pub fn input(
    id: impl Into<String>,
    label: impl Fn() -> &'static str + Send + Sync + 'static,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
    kind: &'static str,
) -> impl IntoView {
    let id: String = id.into();
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id type=kind prop:value=value aria-describedby=error_id.clone()
                aria-invalid=move || error.get().is_some().to_string()
                on:input:target=move |ev| value.set(ev.target().value()) />
            <span class="field-error" id=error_id>{error}</span>
        </div>
    }
}

/// A labelled multi-line input bound to `value`, with its error.
pub fn textarea(
    id: &'static str,
    label: impl Fn() -> &'static str + Send + Sync + 'static,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <textarea id=id rows="4" prop:value=value aria-describedby=error_id.clone()
                aria-invalid=move || error.get().is_some().to_string()
                on:input:target=move |ev| value.set(ev.target().value())></textarea>
            <span class="field-error" id=error_id>{error}</span>
        </div>
    }
}
