//! The task workflow of `shared/domain.md` ("Work, as the offer describes it"): the client sets a
//! task, the analyst writes the specification and estimates it, the client approves, specialists
//! work, the client tests and accepts or returns it.
//!
//! One state machine for the server (which enforces it) and the browser (which shows only the
//! buttons that will work), so the two can never disagree about what is allowed.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, FieldError, Problem, Refusal, Rule};
use crate::units::{Hours, MAX_MONTH_HOURS};

/// Who acts: the roles of `shared/domain.md`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sees and acts for its own organisation only.
    Client,
    Analyst,
    Specialist,
    Admin,
    /// Tariffs and demo scenarios; no client data, so no step of a task.
    Sales,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Client, Role::Analyst, Role::Specialist, Role::Admin, Role::Sales];

    /// The wire name: `client`, `analyst`, `specialist`, `admin`, `sales`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Analyst => "analyst",
            Role::Specialist => "specialist",
            Role::Admin => "admin",
            Role::Sales => "sales",
        }
    }

    /// Parses a wire name exactly; anything else names `field`.
    pub fn parse(field: &str, text: &str) -> Result<Role, FieldError> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == text)
            .ok_or_else(|| unknown_value(field, text, Role::ALL.map(Role::as_str)))
    }

    /// The label in the interface.
    pub fn ru(self) -> &'static str {
        match self {
            Role::Client => "Клиент",
            Role::Analyst => "Аналитик",
            Role::Specialist => "Специалист",
            Role::Admin => "Администратор",
            Role::Sales => "Отдел продаж",
        }
    }

    /// The role as the subject of an English sentence ("an analyst").
    fn with_article(self) -> &'static str {
        match self {
            Role::Client => "a client",
            Role::Analyst => "an analyst",
            Role::Specialist => "a specialist",
            Role::Admin => "an admin",
            Role::Sales => "a sales user",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a task is in its life.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    /// Set by the client in plain words; waits for the analyst's estimate.
    New,
    /// Specified and estimated; waits for the client's approval.
    Estimated,
    InWork,
    /// Done; waits for the client to test it.
    Testing,
    /// Tested and closed by the client: its hours count in the month it was accepted.
    Accepted,
    Cancelled,
}

impl TaskState {
    pub const ALL: [TaskState; 6] = [
        TaskState::New,
        TaskState::Estimated,
        TaskState::InWork,
        TaskState::Testing,
        TaskState::Accepted,
        TaskState::Cancelled,
    ];

    /// The wire name: `new`, `estimated`, `in_work`, `testing`, `accepted`, `cancelled`.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::New => "new",
            TaskState::Estimated => "estimated",
            TaskState::InWork => "in_work",
            TaskState::Testing => "testing",
            TaskState::Accepted => "accepted",
            TaskState::Cancelled => "cancelled",
        }
    }

    /// Parses a wire name exactly; anything else names `field`.
    pub fn parse(field: &str, text: &str) -> Result<TaskState, FieldError> {
        TaskState::ALL
            .into_iter()
            .find(|state| state.as_str() == text)
            .ok_or_else(|| unknown_value(field, text, TaskState::ALL.map(TaskState::as_str)))
    }

    /// No step leads out of a final state: an accepted task is billed, a cancelled one is gone.
    pub fn is_final(self) -> bool {
        matches!(self, TaskState::Accepted | TaskState::Cancelled)
    }

    /// The label in the interface.
    pub fn ru(self) -> &'static str {
        match self {
            TaskState::New => "Новая",
            TaskState::Estimated => "Оценена — ждёт согласования",
            TaskState::InWork => "В работе",
            TaskState::Testing => "На тестировании",
            TaskState::Accepted => "Принята",
            TaskState::Cancelled => "Отменена",
        }
    }
}

impl fmt::Display for TaskState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A step of the workflow without its data: what the permission and transition tables speak of.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Estimate,
    Approve,
    Reject,
    SubmitForTesting,
    Accept,
    Return,
    Cancel,
    /// Staff stop approved work without billing it: a decision written down with its reason.
    WriteOff,
}

impl Action {
    pub const ALL: [Action; 8] = [
        Action::Estimate,
        Action::Approve,
        Action::Reject,
        Action::SubmitForTesting,
        Action::Accept,
        Action::Return,
        Action::Cancel,
        Action::WriteOff,
    ];

    /// The wire name: `estimate`, `approve`, `reject`, `submit_for_testing`, `accept`, `return`, `cancel`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Estimate => "estimate",
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::SubmitForTesting => "submit_for_testing",
            Action::Accept => "accept",
            Action::Return => "return",
            Action::Cancel => "cancel",
            Action::WriteOff => "write_off",
        }
    }

    /// Parses a wire name exactly; anything else names `field`.
    pub fn parse(field: &str, text: &str) -> Result<Action, FieldError> {
        Action::ALL
            .into_iter()
            .find(|action| action.as_str() == text)
            .ok_or_else(|| unknown_value(field, text, Action::ALL.map(Action::as_str)))
    }

    /// The button's label in the interface.
    pub fn ru(self) -> &'static str {
        match self {
            Action::Estimate => "Оценить",
            Action::Approve => "Согласовать оценку",
            Action::Reject => "Отклонить оценку",
            Action::SubmitForTesting => "Передать на тестирование",
            Action::Accept => "Принять",
            Action::Return => "Вернуть в работу",
            Action::Cancel => "Отменить",
            Action::WriteOff => "Списать работу",
        }
    }

    /// The roles that may take this step. Approving, rejecting, accepting and returning are the
    /// client's own decisions — they decide what the client pays — so nobody, not even an admin,
    /// may take them on the client's behalf.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Action::Estimate => &[Role::Analyst, Role::Admin],
            Action::Approve | Action::Reject | Action::Accept | Action::Return => &[Role::Client],
            Action::SubmitForTesting => &[Role::Specialist, Role::Analyst, Role::Admin],
            Action::Cancel => &[Role::Client, Role::Analyst, Role::Admin],
            Action::WriteOff => &[Role::Analyst, Role::Admin],
        }
    }

    pub fn permits(self, role: Role) -> bool {
        self.roles().contains(&role)
    }

    /// The state this step leads to from `from`, or `None` when it is not allowed there.
    pub fn target(self, from: TaskState) -> Option<TaskState> {
        use TaskState::*;
        match (self, from) {
            // Re-estimating work in progress sends it back for approval: the client pays only
            // for an estimate they agreed to.
            (Action::Estimate, New | Estimated | InWork) => Some(Estimated),
            (Action::Approve, Estimated) => Some(InWork),
            // The analyst re-estimates a rejected task from scratch.
            (Action::Reject, Estimated) => Some(New),
            (Action::SubmitForTesting, InWork) => Some(Testing),
            (Action::Accept, Testing) => Some(Accepted),
            (Action::Return, Testing) => Some(InWork),
            // Once approved, work may have been done and must be finished or billed, not dropped
            // (`shared/domain.md`, "Cancelled work"): the client may stop it at any time before
            // acceptance, and cancelling approved work bills its logged hours, never more than
            // the approved estimate (the server decides by its approved estimate); only staff may
            // write approved work off instead, saying why.
            (Action::Cancel, New | Estimated | InWork | Testing) => Some(Cancelled),
            (Action::WriteOff, Estimated | InWork | Testing) => Some(Cancelled),
            _ => None,
        }
    }

    /// What the step does to a task, for "cannot … in state …".
    fn on_a_task(self) -> &'static str {
        match self {
            Action::Estimate => "estimate a task",
            Action::Approve => "approve a task",
            Action::Reject => "reject a task",
            Action::SubmitForTesting => "submit a task for testing",
            Action::Accept => "accept a task",
            Action::Return => "return a task",
            Action::Cancel => "cancel a task",
            Action::WriteOff => "write off a task's work",
        }
    }

    /// What the step does, for "an admin cannot …".
    fn as_permission(self) -> &'static str {
        match self {
            Action::Estimate => "estimate a task",
            Action::Approve => "approve an estimate",
            Action::Reject => "reject an estimate",
            Action::SubmitForTesting => "submit a task for testing",
            Action::Accept => "accept a task",
            Action::Return => "return a task from testing",
            Action::Cancel => "cancel a task",
            Action::WriteOff => "write off work",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a user asks for, with its data.
/// Written as the API reads it: `{"action": "estimate", "specification": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Transition {
    /// Analyst or admin: writes the specification (ТЗ), estimates the hours, proposes a deadline.
    Estimate {
        specification: String,
        estimate: Hours,
        #[serde(serialize_with = "crate::wire::write_date")]
        deadline: NaiveDate,
    },
    /// Client: approves the estimate. `estimate` is the one the client was shown: when the task
    /// was re-estimated since, the approval is refused rather than applied to hours the client
    /// never saw (absent: the current one, as before).
    Approve {
        #[serde(skip_serializing_if = "Option::is_none")]
        estimate: Option<Hours>,
    },
    /// Client: rejects the estimate; the task goes back to the analyst.
    Reject { comment: String },
    /// Specialist, analyst or admin: the work is done, the client should test it.
    SubmitForTesting,
    /// Client: accepts after testing; final, and counts in the month accepted.
    Accept,
    /// Client: returns the task from testing to work.
    Return { comment: String },
    /// Client, analyst or admin, before the work is approved. The comment may be empty.
    Cancel { comment: String },
    /// Analyst or admin: stops approved work without billing it; the comment is required.
    WriteOff { comment: String },
}

impl Transition {
    /// The fields of the API's body for `action` (its name included): `{"action": …, …}`.
    pub fn fields_of(action: Action) -> &'static [&'static str] {
        match action {
            Action::Estimate => &["action", "specification", "estimate", "deadline"],
            Action::Approve => &["action", "estimate"],
            Action::SubmitForTesting | Action::Accept => &["action"],
            Action::Reject | Action::Return | Action::Cancel | Action::WriteOff => &["action", "comment"],
        }
    }

    pub fn action(&self) -> Action {
        match self {
            Transition::Estimate { .. } => Action::Estimate,
            Transition::Approve { .. } => Action::Approve,
            Transition::Reject { .. } => Action::Reject,
            Transition::SubmitForTesting => Action::SubmitForTesting,
            Transition::Accept => Action::Accept,
            Transition::Return { .. } => Action::Return,
            Transition::Cancel { .. } => Action::Cancel,
            Transition::WriteOff { .. } => Action::WriteOff,
        }
    }

    /// The wire name, as [`allowed`] lists it.
    pub fn name(&self) -> &'static str {
        self.action().as_str()
    }

    /// Checks the step's data. A rejection or a return must say why, or the analyst and the
    /// specialists cannot act on it; an estimate must be a real one the client can approve.
    pub fn validate(&self) -> Result<(), FieldError> {
        match self {
            Transition::Estimate { specification, estimate, deadline: _ } => {
                require_text("specification", specification)?;
                if estimate.is_zero() {
                    return Err(FieldError::new("estimate", Problem::Rule(Rule::GreaterThanZero)));
                }
                if estimate.value() > MAX_MONTH_HOURS {
                    return Err(FieldError::new("estimate", Problem::TooLarge { max: MAX_MONTH_HOURS.to_string() }));
                }
                Ok(())
            }
            Transition::Reject { comment } | Transition::Return { comment } | Transition::WriteOff { comment } => {
                require_text("comment", comment)
            }
            Transition::Approve { .. }
            | Transition::SubmitForTesting
            | Transition::Accept
            | Transition::Cancel { .. } => Ok(()),
        }
    }
}

/// The state `transition` leads to when `role` asks for it in `state`.
///
/// The role is checked first, then the state, then the data, so the error is the most basic
/// reason the step cannot happen: a wrong role or state is `Error::Transition`, bad data is
/// `Error::Invalid` naming its field.
pub fn next_state(state: TaskState, role: Role, transition: &Transition) -> Result<TaskState, Error> {
    let action = transition.action();
    if !action.permits(role) {
        return Err(Error::Transition(Refusal::new(
            format!(
                "{} cannot {} (only {} can)",
                role.with_article(),
                action.as_permission(),
                either_of(action.roles())
            ),
            format!("«{}» — не для роли «{}»", action.ru(), role.ru()),
        )));
    }
    let Some(next) = action.target(state) else {
        return Err(Error::Transition(Refusal::new(
            format!("cannot {} in state {state}", action.on_a_task()),
            format!("«{}» нельзя: задача в статусе «{}»", action.ru(), state.ru()),
        )));
    };
    transition.validate()?;
    Ok(next)
}

/// The steps `role` may take in `state`, in workflow order (for the interface).
pub fn allowed(state: TaskState, role: Role) -> Vec<Action> {
    Action::ALL.into_iter().filter(|action| action.permits(role) && action.target(state).is_some()).collect()
}

/// Whether `role` may log work on a task in `state`. Work is logged from the start (the analyst's
/// specification is work too) until the task is accepted or cancelled, after which its hours are
/// settled.
pub fn can_log_work(state: TaskState, role: Role) -> bool {
    matches!(role, Role::Specialist | Role::Analyst | Role::Admin) && !state.is_final()
}

fn require_text(field: &str, text: &str) -> Result<(), FieldError> {
    if text.trim().is_empty() {
        Err(FieldError::new(field, Problem::Missing))
    } else {
        Ok(())
    }
}

/// `given` is none of the `expected` names (the one message for every closed list of codes).
pub(crate) fn unknown_value<const N: usize>(field: &str, given: &str, expected: [&str; N]) -> FieldError {
    FieldError::new(field, Problem::UnknownValue { given: given.to_string(), expected: expected.join(", ") })
}

/// "a client", "an analyst or an admin", "a specialist, an analyst or an admin".
fn either_of(roles: &[Role]) -> String {
    match roles {
        [] => "nobody".to_string(),
        [only] => only.with_article().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(|role| role.with_article()).collect();
            format!("{} or {}", init.join(", "), last.with_article())
        }
    }
}

/// Read by the names they serialize to, through the domain's parsers: one string reader for
/// all three in the browser's wasm instead of a derived visitor each.
impl<'de> Deserialize<'de> for Role {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::wire::from_str(d, |text| Role::parse("role", text))
    }
}

impl<'de> Deserialize<'de> for TaskState {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::wire::from_str(d, |text| TaskState::parse("state", text))
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::wire::from_str(d, |text| Action::parse("action", text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use Role::*;
    use TaskState::*;

    fn date(s: &str) -> NaiveDate {
        crate::period::parse_date("d", s).unwrap()
    }

    fn estimate(hours: &str) -> Transition {
        Transition::Estimate {
            specification: "Доработать печатную форму счёта".into(),
            estimate: Hours::parse_month("h", hours).unwrap(),
            deadline: date("2027-03-15"),
        }
    }

    fn comment(text: &str) -> String {
        text.to_string()
    }

    fn transition_error(result: Result<TaskState, Error>) -> String {
        match result {
            Err(Error::Transition(refusal)) => refusal.en,
            other => panic!("expected a transition error, got {other:?}"),
        }
    }

    fn field_error(result: Result<TaskState, Error>) -> FieldError {
        match result {
            Err(Error::Invalid(e)) => e,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn the_happy_path_of_the_offer() {
        let mut state = New;
        for (role, step, expected) in [
            (Analyst, estimate("6"), Estimated),
            (Client, Transition::Approve { estimate: None }, InWork),
            (Specialist, Transition::SubmitForTesting, Testing),
            (Client, Transition::Return { comment: comment("Итог не сходится") }, InWork),
            (Specialist, Transition::SubmitForTesting, Testing),
            (Client, Transition::Accept, Accepted),
        ] {
            state = next_state(state, role, &step).unwrap();
            assert_eq!(state, expected, "after {}", step.name());
        }
    }

    #[test]
    fn estimates_can_be_revised_and_rejected() {
        assert_eq!(next_state(Estimated, Admin, &estimate("8")), Ok(Estimated));
        // A new estimate during work needs the client's approval again.
        assert_eq!(next_state(InWork, Analyst, &estimate("12.5")), Ok(Estimated));
        assert_eq!(next_state(Estimated, Client, &Transition::Reject { comment: comment("Дорого") }), Ok(New));
        assert_eq!(
            transition_error(next_state(Testing, Analyst, &estimate("1"))),
            "cannot estimate a task in state testing"
        );
    }

    #[test]
    fn cancelling_any_time_before_acceptance() {
        let cancel = Transition::Cancel { comment: String::new() };
        for role in [Client, Analyst, Admin] {
            for state in [New, Estimated, InWork, Testing] {
                assert_eq!(next_state(state, role, &cancel), Ok(Cancelled), "{role} from {state}");
            }
            assert_eq!(transition_error(next_state(Accepted, role, &cancel)), "cannot cancel a task in state accepted");
        }
        assert_eq!(
            transition_error(next_state(New, Specialist, &cancel)),
            "a specialist cannot cancel a task (only a client, an analyst or an admin can)"
        );
    }

    #[test]
    fn only_staff_write_off_work_and_say_why() {
        let write_off = Transition::WriteOff {
            comment: comment("Клиент отказался, работу не выставляем")
        };
        for state in [Estimated, InWork, Testing] {
            assert_eq!(next_state(state, Analyst, &write_off), Ok(Cancelled));
            assert_eq!(next_state(state, Admin, &write_off), Ok(Cancelled));
        }
        assert_eq!(
            transition_error(next_state(InWork, Client, &write_off)),
            "a client cannot write off work (only an analyst or an admin can)"
        );
        assert_eq!(
            transition_error(next_state(New, Analyst, &write_off)),
            "cannot write off a task's work in state new"
        );
        let silent = Transition::WriteOff { comment: " ".into() };
        assert_eq!(field_error(next_state(InWork, Admin, &silent)).to_string(), "comment: is required");
    }

    #[test]
    fn wrong_state_messages() {
        assert_eq!(
            transition_error(next_state(New, Client, &Transition::Approve { estimate: None })),
            "cannot approve a task in state new"
        );
        assert_eq!(
            transition_error(next_state(Estimated, Specialist, &Transition::SubmitForTesting)),
            "cannot submit a task for testing in state estimated"
        );
        assert_eq!(
            transition_error(next_state(InWork, Client, &Transition::Accept)),
            "cannot accept a task in state in_work"
        );
        assert_eq!(
            transition_error(next_state(Accepted, Client, &Transition::Return { comment: comment("x") })),
            "cannot return a task in state accepted"
        );
    }

    #[test]
    fn wrong_role_messages() {
        assert_eq!(
            transition_error(next_state(Estimated, Specialist, &Transition::Approve { estimate: None })),
            "a specialist cannot approve an estimate (only a client can)"
        );
        // The admin may not decide for the client.
        assert_eq!(
            transition_error(next_state(Estimated, Admin, &Transition::Approve { estimate: None })),
            "an admin cannot approve an estimate (only a client can)"
        );
        assert_eq!(
            transition_error(next_state(Testing, Admin, &Transition::Accept)),
            "an admin cannot accept a task (only a client can)"
        );
        assert_eq!(
            transition_error(next_state(New, Client, &estimate("3"))),
            "a client cannot estimate a task (only an analyst or an admin can)"
        );
        assert_eq!(
            transition_error(next_state(InWork, Client, &Transition::SubmitForTesting)),
            "a client cannot submit a task for testing (only a specialist, an analyst or an admin can)"
        );
        assert_eq!(
            transition_error(next_state(Testing, Sales, &Transition::Return { comment: comment("x") })),
            "a sales user cannot return a task from testing (only a client can)"
        );
        // The role is checked before the state: a wrong role is the more basic reason.
        assert_eq!(
            transition_error(next_state(Accepted, Specialist, &Transition::Approve { estimate: None })),
            "a specialist cannot approve an estimate (only a client can)"
        );
    }

    #[test]
    fn data_is_validated_naming_the_field() {
        let e = field_error(next_state(Estimated, Client, &Transition::Reject { comment: comment("  \n") }));
        assert_eq!(e.to_string(), "comment: is required");
        let e = field_error(next_state(Testing, Client, &Transition::Return { comment: String::new() }));
        assert_eq!(e.field, "comment");
        let no_spec =
            Transition::Estimate { specification: " ".into(), estimate: Hours::whole(2), deadline: date("2027-03-15") };
        assert_eq!(field_error(next_state(New, Analyst, &no_spec)).to_string(), "specification: is required");
        assert_eq!(
            field_error(next_state(New, Analyst, &estimate("0"))).to_string(),
            "estimate: must be greater than 0"
        );
        let too_long = Transition::Estimate {
            specification: "ТЗ".into(),
            estimate: Hours::from_centi(74_401),
            deadline: date("2027-03-15"),
        };
        assert_eq!(field_error(next_state(New, Analyst, &too_long)).to_string(), "estimate: must be at most 744");
        assert_eq!(next_state(New, Analyst, &estimate("744")), Ok(Estimated));
        assert_eq!(next_state(New, Analyst, &estimate("0.01")), Ok(Estimated));
        // Data is checked only once the step itself is allowed.
        assert!(matches!(
            next_state(New, Client, &Transition::Reject { comment: String::new() }),
            Err(Error::Transition(_))
        ));
    }

    fn names(actions: Vec<Action>) -> Vec<&'static str> {
        actions.into_iter().map(Action::as_str).collect()
    }

    #[test]
    fn allowed_lists_the_buttons() {
        assert_eq!(names(allowed(New, Analyst)), vec!["estimate", "cancel"]);
        assert_eq!(names(allowed(New, Client)), vec!["cancel"]);
        assert_eq!(names(allowed(New, Specialist)), Vec::<&str>::new());
        assert_eq!(names(allowed(Estimated, Client)), vec!["approve", "reject", "cancel"]);
        assert_eq!(names(allowed(Estimated, Admin)), vec!["estimate", "cancel", "write_off"]);
        assert_eq!(names(allowed(InWork, Analyst)), vec!["estimate", "submit_for_testing", "cancel", "write_off"]);
        assert_eq!(names(allowed(InWork, Specialist)), vec!["submit_for_testing"]);
        assert_eq!(names(allowed(InWork, Client)), vec!["cancel"]);
        assert_eq!(names(allowed(Testing, Client)), vec!["accept", "return", "cancel"]);
        assert_eq!(names(allowed(Testing, Admin)), vec!["cancel", "write_off"]);
        for state in TaskState::ALL {
            assert!(allowed(state, Sales).is_empty());
        }
        for role in Role::ALL {
            assert!(allowed(Accepted, role).is_empty());
            assert!(allowed(Cancelled, role).is_empty());
        }
    }

    #[test]
    fn logging_work() {
        for state in [New, Estimated, InWork, Testing] {
            for role in [Specialist, Analyst, Admin] {
                assert!(can_log_work(state, role), "{role} in {state}");
            }
            assert!(!can_log_work(state, Client));
            assert!(!can_log_work(state, Sales));
        }
        for role in Role::ALL {
            assert!(!can_log_work(Accepted, role));
            assert!(!can_log_work(Cancelled, role));
        }
    }

    #[test]
    fn names_parse_and_serialize() {
        for role in Role::ALL {
            assert_eq!(Role::parse("role", role.as_str()), Ok(role));
            assert_eq!(serde_json::to_string(&role).unwrap(), format!("\"{role}\""));
        }
        for state in TaskState::ALL {
            assert_eq!(TaskState::parse("state", state.as_str()), Ok(state));
            let json = serde_json::to_string(&state).unwrap();
            assert_eq!(json, format!("\"{state}\""));
            assert_eq!(serde_json::from_str::<TaskState>(&json).unwrap(), state);
        }
        for action in Action::ALL {
            assert_eq!(Action::parse("action", action.as_str()), Ok(action));
            assert_eq!(serde_json::to_string(&action).unwrap(), format!("\"{action}\""));
        }
        assert_eq!(serde_json::from_str::<Role>("\"specialist\"").unwrap(), Specialist);
        assert_eq!(
            Role::parse("role", "Admin").unwrap_err().to_string(),
            "role: unknown value \"Admin\", expected one of: client, analyst, specialist, admin, sales"
        );
        assert_eq!(TaskState::parse("state", "done").unwrap_err().field, "state");
        assert_eq!(InWork.ru(), "В работе");
        assert_eq!(Estimated.ru(), "Оценена — ждёт согласования");
        assert_eq!(Client.ru(), "Клиент");
        assert!(Accepted.is_final() && Cancelled.is_final() && !Testing.is_final());
    }

    #[test]
    fn transition_names_match_allowed() {
        let all = [
            estimate("1"),
            Transition::Approve { estimate: None },
            Transition::Reject { comment: comment("x") },
            Transition::SubmitForTesting,
            Transition::Accept,
            Transition::Return { comment: comment("x") },
            Transition::Cancel { comment: comment("x") },
            Transition::WriteOff { comment: comment("x") },
        ];
        let names: Vec<&str> = all.iter().map(Transition::name).collect();
        assert_eq!(names, Action::ALL.map(Action::as_str));
    }

    /// The table of the brief, written out independently of `Action::target` and `Action::roles`:
    /// (from, step, to, who).
    const TABLE: [(TaskState, &str, TaskState, &[Role]); 15] = [
        (New, "estimate", Estimated, &[Analyst, Admin]),
        (Estimated, "estimate", Estimated, &[Analyst, Admin]),
        (InWork, "estimate", Estimated, &[Analyst, Admin]),
        (Estimated, "approve", InWork, &[Client]),
        (Estimated, "reject", New, &[Client]),
        (InWork, "submit_for_testing", Testing, &[Specialist, Analyst, Admin]),
        (Testing, "accept", Accepted, &[Client]),
        (Testing, "return", InWork, &[Client]),
        (New, "cancel", Cancelled, &[Client, Analyst, Admin]),
        (Estimated, "cancel", Cancelled, &[Client, Analyst, Admin]),
        (InWork, "cancel", Cancelled, &[Client, Analyst, Admin]),
        (Testing, "cancel", Cancelled, &[Client, Analyst, Admin]),
        (Estimated, "write_off", Cancelled, &[Analyst, Admin]),
        (InWork, "write_off", Cancelled, &[Analyst, Admin]),
        (Testing, "write_off", Cancelled, &[Analyst, Admin]),
    ];

    fn edge(from: TaskState, name: &str) -> Option<(TaskState, &'static [Role])> {
        TABLE.iter().find(|(f, n, _, _)| *f == from && *n == name).map(|(_, _, to, who)| (*to, *who))
    }

    /// Whether the step's data is acceptable, restated from the brief.
    fn data_ok(transition: &Transition) -> bool {
        match transition {
            Transition::Estimate { specification, estimate, .. } => {
                !specification.trim().is_empty() && estimate.centi() > 0 && estimate.centi() <= 74_400
            }
            Transition::Reject { comment } | Transition::Return { comment } | Transition::WriteOff { comment } => {
                !comment.trim().is_empty()
            }
            _ => true,
        }
    }

    fn any_role() -> impl Strategy<Value = Role> {
        prop::sample::select(Role::ALL.to_vec())
    }

    fn any_text() -> impl Strategy<Value = String> {
        // Mostly valid, so walks progress; sometimes empty, to exercise validation.
        prop_oneof![1 => Just(String::new()), 1 => Just(" \t".to_string()), 6 => "[a-zа-я ]{0,11}[a-zа-я]"]
    }

    fn any_transition() -> impl Strategy<Value = Transition> {
        prop_oneof![
            3 => (any_text(), prop_oneof![1 => Just(0i64), 6 => 1i64..=74_400, 1 => 74_401i64..=80_000], 0u64..400).prop_map(
                |(specification, centi, days)| Transition::Estimate {
                    specification,
                    estimate: Hours::from_centi(centi),
                    deadline: date("2027-01-01") + chrono::Days::new(days),
                }
            ),
            3 => Just(Transition::Approve { estimate: None }),
            3 => any_text().prop_map(|comment| Transition::Reject { comment }),
            3 => Just(Transition::SubmitForTesting),
            3 => Just(Transition::Accept),
            3 => any_text().prop_map(|comment| Transition::Return { comment }),
            // Rarer, as it ends a walk.
            1 => any_text().prop_map(|comment| Transition::Cancel { comment }),
            1 => any_text().prop_map(|comment| Transition::WriteOff { comment }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Random walks from New move only along the table, for the table's roles, with valid
        /// data; every refusal has the right kind; final states are never left.
        #[test]
        fn random_walks_follow_the_table(
            steps in prop::collection::vec((any::<prop::sample::Index>(), any::<bool>(), any_transition()), 0..80),
        ) {
            let mut state = New;
            for (pick, follow_table, transition) in &steps {
                let expected = edge(state, transition.name());
                // Half the steps pick a role the table permits, so walks get past New and reach
                // the later states instead of mostly bouncing off wrong roles.
                let role = &match expected {
                    Some((_, who)) if *follow_table => *pick.get(who),
                    _ => *pick.get(&Role::ALL),
                };
                let permitted = expected.is_some_and(|(_, who)| who.contains(role));
                prop_assert_eq!(names(allowed(state, *role)).contains(&transition.name()), permitted);
                match next_state(state, *role, transition) {
                    Ok(next) => {
                        prop_assert!(permitted, "{} {} from {}", role, transition.name(), state);
                        prop_assert_eq!(Some(next), expected.map(|(to, _)| to));
                        prop_assert!(data_ok(transition));
                        prop_assert!(!state.is_final());
                        state = next;
                    }
                    Err(Error::Transition(refusal)) => {
                        prop_assert!(!permitted);
                        let message = refusal.en;
                        prop_assert!(message.starts_with("cannot ") || message.contains(" cannot "));
                        prop_assert!(refusal.ru.contains(transition.action().ru()), "{}", refusal.ru);
                    }
                    Err(Error::Invalid(e)) => {
                        prop_assert!(permitted && !data_ok(transition));
                        prop_assert!(["comment", "specification", "estimate"].contains(&e.field.as_str()));
                    }
                }
            }
        }

        #[test]
        fn final_states_are_absorbing(
            state in prop::sample::select(vec![Accepted, Cancelled]),
            role in any_role(),
            transition in any_transition(),
        ) {
            prop_assert!(matches!(next_state(state, role, &transition), Err(Error::Transition(_))));
            prop_assert!(allowed(state, role).is_empty());
            prop_assert!(!can_log_work(state, role));
        }
    }
}
