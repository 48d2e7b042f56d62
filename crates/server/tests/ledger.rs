//! A model-based test of the whole ledger (`shared/domain.md`, "Billing invariants"): random
//! sequences of real API calls — tasks created, estimated, approved, re-estimated, worked on,
//! returned, accepted, cancelled, written off, claimed under warranty; consultations billable or
//! not (one dated in a month closed early bills in the next open one); months closed early and on
//! time — run against the server on SQLite and on PostgreSQL with a fixed clock that walks at
//! least four calendar months. After every step the reports of every month are checked against a
//! plain model written here, independently of the domain crate:
//!
//! - every settled task (accepted, or approved work cancelled or written off, the latter at 0 h)
//!   and billable consultation bills in exactly one report, in the month the model expects, for
//!   the hours it expects; nothing else is billed;
//! - a report's billed hours add up to its statement's hours;
//! - the statement is the model's own arithmetic of fee, included hours, reserve and overage, and
//!   the reserve carried between months conserves hours;
//! - a frozen report never changes by a byte;
//! - the cost preview shown before an approval is the bill after acceptance when nothing else
//!   happened in between.
//!
//! `PROPTEST_CASES` sets the number of cases (200 by default); a failure shrinks to a short list
//! of steps.

mod support;

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::{Days, NaiveDate, TimeZone, Utc};
use hourbank_domain::{Contract, Period, Tariff, Vat};
use hourbank_server::clock::Clock;
use hourbank_server::services::orgs::insert_new_org;
use hourbank_server::store::NewOrg;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use reqwest::{Method, StatusCode};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use support::{Backend, TestApp};

// ---------------------------------------------------------------------------------------------
// The steps

/// Which task a step acts on.
#[derive(Clone)]
struct Pick {
    index: Index,
    wild: bool,
}

impl std::fmt::Debug for Pick {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{:?}", if self.wild { "any " } else { "" }, self.index)
    }
}

#[derive(Debug, Clone)]
enum Op {
    NewTask,
    Estimate {
        task: Pick,
        centi: i64,
    },
    Approve(Pick),
    Reject(Pick),
    Log {
        task: Pick,
        centi: i64,
    },
    Submit(Pick),
    Accept(Pick),
    Return(Pick),
    /// By the client: bills approved work, drops the rest.
    Cancel(Pick),
    /// By the analyst: approved work stopped without billing.
    WriteOff(Pick),
    Warranty(Pick),
    Consultation {
        centi: i64,
        billable: bool,
    },
    /// Closes the running month before it ends (its last working day).
    CloseEarly,
    /// Closes the first open month, if it has ended.
    CloseDue,
    /// Moves the clock forward, staying in the month.
    Advance {
        days: u32,
    },
    /// Estimate, preview, approve, work exactly the estimate, accept: the bill is the preview.
    PreviewedJourney {
        centi: i64,
    },
    /// The next step of a task's usual life: estimate, approve, work, submit, accept.
    Progress {
        task: Pick,
        centi: i64,
    },
}

/// The terms a case runs on: «Старт», or a smaller tariff that reaches the cap and overage soon.
#[derive(Debug, Clone, Copy)]
struct Terms {
    fee: i64,
    included: i64,
    rate: i64,
    cap: i64,
    trial_months: u32,
    trial_rate: i64,
    warranty_days: u32,
}

#[derive(Debug, Clone)]
struct Case {
    terms: Terms,
    /// The contract starts on this day of its first month (a later day: a partial month first).
    start_day: u32,
    /// Each calendar month from the contract's first: whether the months before it are closed as
    /// it begins (as the company does), then its steps.
    months: Vec<(bool, Vec<Op>)>,
}

fn any_op() -> impl Strategy<Value = Op> {
    let task = (any::<Index>(), prop::bool::weighted(0.2)).prop_map(|(index, wild)| Pick { index, wild });
    prop_oneof![
        4 => Just(Op::NewTask),
        5 => (task.clone(), 25i64..=800).prop_map(|(task, centi)| Op::Estimate { task, centi }),
        4 => task.clone().prop_map(Op::Approve),
        1 => task.clone().prop_map(Op::Reject),
        5 => (task.clone(), 25i64..=700).prop_map(|(task, centi)| Op::Log { task, centi }),
        3 => task.clone().prop_map(Op::Submit),
        4 => task.clone().prop_map(Op::Accept),
        1 => task.clone().prop_map(Op::Return),
        1 => task.clone().prop_map(Op::Cancel),
        1 => task.clone().prop_map(Op::WriteOff),
        1 => task.clone().prop_map(Op::Warranty),
        2 => (25i64..=300, any::<bool>()).prop_map(|(centi, billable)| Op::Consultation { centi, billable }),
        2 => Just(Op::CloseEarly),
        2 => Just(Op::CloseDue),
        3 => (1u32..=12).prop_map(|days| Op::Advance { days }),
        1 => (25i64..=1_500).prop_map(|centi| Op::PreviewedJourney { centi }),
        12 => (task, 25i64..=900).prop_map(|(task, centi)| Op::Progress { task, centi }),
    ]
}

fn any_case() -> impl Strategy<Value = Case> {
    let start = Terms {
        fee: 2_000_000,
        included: 1_000,
        rate: 200_000,
        cap: 1_000,
        trial_months: 2,
        trial_rate: 200_000,
        warranty_days: 30,
    };
    let small = Terms {
        fee: 500_000,
        included: 400,
        rate: 150_000,
        cap: 600,
        trial_months: 1,
        trial_rate: 120_000,
        warranty_days: 10,
    };
    let no_trial = Terms { trial_months: 0, cap: 200, ..small };
    (
        prop::sample::select(vec![start, small, no_trial]),
        prop::sample::select(vec![1u32, 1, 15]),
        prop::collection::vec((prop::bool::weighted(0.7), prop::collection::vec(any_op(), 2..14)), 4..=5),
    )
        .prop_map(|(terms, start_day, months)| Case { terms, start_day, months })
}

// ---------------------------------------------------------------------------------------------
// The model: plain integers (hundredths of an hour, kopecks) and its own rules

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    New,
    Estimated,
    InWork,
    Testing,
    Accepted,
    Cancelled,
}

#[derive(Debug, Clone)]
struct Task {
    id: i64,
    state: State,
    estimate: Option<i64>,
    approved: Option<i64>,
    logged: i64,
    warranty_of: Option<i64>,
    accepted_on: Option<NaiveDate>,
    /// Where it bills: (settled in, billed in, hours).
    bill: Option<(Period, Period, i64)>,
    /// Staff wrote its approved work off: listed where `bill` says, at 0 h.
    written_off: bool,
}

/// The reason every write-off in these runs gives, which its report entry must carry.
const WRITE_OFF_COMMENT: &str = "Списано по договорённости с клиентом";

#[derive(Debug, Default)]
struct Model {
    tasks: Vec<Task>,
    /// Billable hours of consultations by month (subscription months only).
    consultations: BTreeMap<Period, i64>,
    last_closed: Option<Period>,
    frozen: BTreeMap<Period, String>,
}

/// One month of the model's statement.
#[derive(Debug, PartialEq, Eq)]
struct Row {
    hours: i64,
    fee: i64,
    included_used: i64,
    reserve_start: i64,
    reserve_used: i64,
    reserve_end: i64,
    forfeited: i64,
    extra_hours: i64,
    total: i64,
}

impl Model {
    fn billing_period(&self, now: Period) -> Period {
        match self.last_closed {
            Some(closed) if closed >= now => closed.next(),
            _ => now,
        }
    }

    fn is_closed(&self, period: Period) -> bool {
        self.last_closed.is_some_and(|closed| period <= closed)
    }

    fn hours_of(&self, period: Period) -> i64 {
        let tasks: i64 = self.tasks.iter().filter_map(|t| t.bill).filter(|b| b.1 == period).map(|b| b.2).sum();
        tasks + self.consultations.get(&period).copied().unwrap_or(0)
    }

    /// The statement from the contract's first month through `through`.
    fn statement(&self, case: &Case, first: Period, through: Period) -> BTreeMap<Period, Row> {
        let t = case.terms;
        let trial = t.trial_months + u32::from(case.start_day != 1);
        let mut rows = BTreeMap::new();
        let (mut period, mut index, mut reserve) = (first, 0u32, 0i64);
        while period <= through {
            let hours = self.hours_of(period);
            let row = if index < trial {
                let total = hours * t.trial_rate / 100;
                Row {
                    hours,
                    fee: 0,
                    included_used: 0,
                    reserve_start: 0,
                    reserve_used: 0,
                    reserve_end: 0,
                    forfeited: 0,
                    extra_hours: hours,
                    total,
                }
            } else {
                let included_used = hours.min(t.included);
                let reserve_used = (hours - included_used).min(reserve);
                let extra_hours = hours - included_used - reserve_used;
                let carried = reserve - reserve_used + t.included - included_used;
                let reserve_end = carried.min(t.cap);
                Row {
                    hours,
                    fee: t.fee,
                    included_used,
                    reserve_start: reserve,
                    reserve_used,
                    reserve_end,
                    forfeited: carried - reserve_end,
                    extra_hours,
                    total: t.fee + extra_hours * t.rate / 100,
                }
            };
            reserve = row.reserve_end;
            rows.insert(period, row);
            period = period.next();
            index += 1;
        }
        rows
    }
}

// ---------------------------------------------------------------------------------------------
// Running a case against the server

// How often each kind of step ran, for the summary a run prints (and to see the walks get far);
// per thread, as each backend's test drives its cases from its own thread.
thread_local! {
    static STATS: std::cell::RefCell<BTreeMap<String, usize>> = const { std::cell::RefCell::new(BTreeMap::new()) };
}

fn count(kind: impl Into<String>) {
    STATS.with(|stats| *stats.borrow_mut().entry(kind.into()).or_default() += 1);
}

struct Staff {
    analyst: String,
}

struct Run<'a> {
    app: &'a TestApp,
    clock: &'a Clock,
    staff: &'a Staff,
    case: &'a Case,
    client: String,
    specialist: String,
    /// The case specialist's hours by day, which the server holds to 24.
    logged_on: BTreeMap<NaiveDate, i64>,
    org: i64,
    first: Period,
    model: Model,
    log: Vec<String>,
    /// While set, every step acts on this task (the previewed journey's own).
    pinned: Option<usize>,
}

fn centi(text: &Value) -> i64 {
    let text = text.as_str().unwrap_or_else(|| panic!("a decimal string, got {text}"));
    (Decimal::from_str(text).unwrap() * Decimal::from(100)).to_i64().unwrap()
}

fn hours_text(centi: i64) -> String {
    Decimal::new(centi, 2).normalize().to_string()
}

macro_rules! check {
    ($run:expr, $cond:expr, $($arg:tt)+) => {
        if !$cond {
            return Err(TestCaseError::fail(format!("{}\nsteps so far:\n{}", format!($($arg)+), $run.log.join("\n"))));
        }
    };
}

impl Run<'_> {
    fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    fn now(&self) -> Period {
        self.clock.period()
    }

    /// The task a step acts on: mostly one the model lets it act on, so that walks get far; a
    /// wild pick is any task, to see refusals refused.
    fn pick(&self, pick: &Pick, op: &Op) -> Option<usize> {
        if let Some(pinned) = self.pinned {
            return Some(pinned);
        }
        let all: Vec<usize> = (0..self.model.tasks.len()).collect();
        let fitting: Vec<usize> = all.iter().copied().filter(|&i| self.allowed_on(op, &self.model.tasks[i])).collect();
        let from = if pick.wild || fitting.is_empty() { &all } else { &fitting };
        (!from.is_empty()).then(|| from[pick.index.index(from.len())])
    }

    /// Whether the model lets `op` act on `t`.
    fn allowed_on(&self, op: &Op, t: &Task) -> bool {
        use State::*;
        match op {
            Op::Estimate { .. } => matches!(t.state, New | Estimated | InWork),
            Op::Approve(_) | Op::Reject(_) => t.state == Estimated,
            Op::Log { .. } => !matches!(t.state, Accepted | Cancelled),
            Op::Submit(_) => t.state == InWork,
            Op::Accept(_) | Op::Return(_) => t.state == Testing,
            Op::Cancel(_) => matches!(t.state, New | Estimated | InWork | Testing),
            Op::WriteOff(_) => matches!(t.state, Estimated | InWork | Testing) && t.approved.is_some(),
            Op::Progress { .. } => !matches!(t.state, Accepted | Cancelled),
            Op::Warranty(_) => {
                let window = i64::from(self.case.terms.warranty_days);
                t.state == Accepted && t.accepted_on.is_some_and(|day| (self.today() - day).num_days() <= window)
            }
            _ => false,
        }
    }

    async fn step(&self, token: &str, task: i64, body: Value) -> StatusCode {
        self.app.post(&format!("/api/v1/tasks/{task}/transitions"), token, body).await.0
    }

    /// Sends a step and checks that the server agrees with the model about whether it is allowed.
    async fn expect(&mut self, what: &str, allowed: bool, status: StatusCode) -> Result<bool, TestCaseError> {
        self.log.push(format!("  {what} → {status}"));
        let kind: String = what.split([' ', '#']).next().unwrap_or(what).to_string();
        count(format!("{kind} {}", if allowed { "done" } else { "refused" }));
        check!(
            self,
            status.is_success() == allowed,
            "{what}: the model says allowed = {allowed}, the server answered {status}"
        );
        Ok(allowed)
    }

    async fn apply(&mut self, op: &Op) -> Result<(), TestCaseError> {
        let client = self.client.clone();
        let analyst = self.staff.analyst.clone();
        let specialist = self.specialist.clone();
        match op {
            Op::NewTask => {
                let (status, body) =
                    self.app.post("/api/v1/tasks", &client, json!({"title": "Задача", "description": "Сделать"})).await;
                self.expect("new task", true, status).await?;
                let id = body["task"]["id"].as_i64().unwrap();
                self.model.tasks.push(Task {
                    id,
                    state: State::New,
                    estimate: None,
                    approved: None,
                    logged: 0,
                    warranty_of: None,
                    accepted_on: None,
                    bill: None,
                    written_off: false,
                });
            }
            Op::Estimate { task, centi } => {
                let Some(i) = self.pick(task, op) else { return Ok(()) };
                let t = &self.model.tasks[i];
                let allowed = self.allowed_on(op, t);
                let body = json!({"action": "estimate", "specification": "ТЗ", "estimate": hours_text(*centi),
                                  "deadline": self.today().to_string()});
                let status = self.step(&analyst, t.id, body).await;
                if self.expect(&format!("estimate #{} {} h", t.id, hours_text(*centi)), allowed, status).await? {
                    let t = &mut self.model.tasks[i];
                    (t.state, t.estimate) = (State::Estimated, Some(*centi));
                }
            }
            Op::Approve(task) => {
                let Some(i) = self.pick(task, op) else { return Ok(()) };
                let t = &self.model.tasks[i];
                let status = self.step(&client, t.id, json!({"action": "approve"})).await;
                if self.expect(&format!("approve #{}", t.id), self.allowed_on(op, t), status).await? {
                    let t = &mut self.model.tasks[i];
                    (t.state, t.approved) = (State::InWork, t.estimate);
                }
            }
            Op::Reject(task) => {
                let Some(i) = self.pick(task, op) else { return Ok(()) };
                let t = &self.model.tasks[i];
                let status = self.step(&client, t.id, json!({"action": "reject", "comment": "Дорого"})).await;
                if self.expect(&format!("reject #{}", t.id), self.allowed_on(op, t), status).await? {
                    self.model.tasks[i].state = State::New;
                }
            }
            Op::Log { task, centi } => {
                let Some(i) = self.pick(task, op) else { return Ok(()) };
                let t = &self.model.tasks[i];
                let today = self.today();
                let day = self.logged_on.get(&today).copied().unwrap_or(0);
                let allowed = self.allowed_on(op, t) && day + centi <= 24_00;
                if self.allowed_on(op, t) && !allowed {
                    count("checked: a day's 24 h refused more");
                }
                let body = json!({"date": today.to_string(), "hours": hours_text(*centi), "description": "работа"});
                let (status, _) = self.app.post(&format!("/api/v1/tasks/{}/worklogs", t.id), &specialist, body).await;
                if self.expect(&format!("log {} h on #{}", hours_text(*centi), t.id), allowed, status).await? {
                    self.model.tasks[i].logged += centi;
                    self.logged_on.insert(today, day + centi);
                }
            }
            Op::Submit(task) => {
                let Some(i) = self.pick(task, op) else { return Ok(()) };
                let t = &self.model.tasks[i];
                let status = self.step(&specialist, t.id, json!({"action": "submit_for_testing"})).await;
                if self.expect(&format!("submit #{}", t.id), self.allowed_on(op, t), status).await? {
                    self.model.tasks[i].state = State::Testing;
                }
            }
            Op::Accept(task) => {
                let Some(i) = self.pick(task, op) else { return Ok(()) };
                let t = &self.model.tasks[i];
                let status = self.step(&client, t.id, json!({"action": "accept"})).await;
                if self.expect(&format!("accept #{}", t.id), self.allowed_on(op, t), status).await? {
                    let (now, billed_in, today) = (self.now(), self.model.billing_period(self.now()), self.today());
                    let t = &mut self.model.tasks[i];
                    let hours = if t.warranty_of.is_some() { 0 } else { t.logged.min(t.approved.unwrap()) };
                    (t.state, t.accepted_on, t.bill) = (State::Accepted, Some(today), Some((now, billed_in, hours)));
                }
            }
            Op::Return(task) => {
                let Some(i) = self.pick(task, op) else { return Ok(()) };
                let t = &self.model.tasks[i];
                let status = self.step(&client, t.id, json!({"action": "return", "comment": "Не работает"})).await;
                if self.expect(&format!("return #{}", t.id), self.allowed_on(op, t), status).await? {
                    self.model.tasks[i].state = State::InWork;
                }
            }
            Op::Cancel(task) => {
                let Some(i) = self.pick(task, op) else { return Ok(()) };
                let t = &self.model.tasks[i];
                let allowed = self.allowed_on(op, t);
                let status = self.step(&client, t.id, json!({"action": "cancel"})).await;
                if self.expect(&format!("cancel #{}", t.id), allowed, status).await? {
                    let (now, billed_in) = (self.now(), self.model.billing_period(self.now()));
                    let t = &mut self.model.tasks[i];
                    t.state = State::Cancelled;
                    if let Some(approved) = t.approved {
                        let hours = if t.warranty_of.is_some() { 0 } else { t.logged.min(approved) };
                        t.bill = Some((now, billed_in, hours));
                    }
                }
            }
            Op::WriteOff(task) => {
                let Some(i) = self.pick(task, op) else { return Ok(()) };
                let t = &self.model.tasks[i];
                let allowed = self.allowed_on(op, t);
                let body = json!({"action": "write_off", "comment": WRITE_OFF_COMMENT});
                let status = self.step(&analyst, t.id, body).await;
                if self.expect(&format!("write off #{}", t.id), allowed, status).await? {
                    // Listed in the month of the write-off, with its work, billing nothing.
                    let (now, billed_in) = (self.now(), self.model.billing_period(self.now()));
                    let t = &mut self.model.tasks[i];
                    t.state = State::Cancelled;
                    t.written_off = true;
                    t.bill = Some((now, billed_in, 0));
                }
            }
            Op::Warranty(task) => {
                let Some(i) = self.pick(task, op) else { return Ok(()) };
                let t = &self.model.tasks[i];
                let allowed = self.allowed_on(op, t);
                let (status, body) = self
                    .app
                    .post(&format!("/api/v1/tasks/{}/warranty", t.id), &client, json!({"description": "Снова ошибка"}))
                    .await;
                if t.state == State::Accepted && !allowed {
                    check!(
                        self,
                        status == StatusCode::UNPROCESSABLE_ENTITY,
                        "a claim past the window: {status} {body}"
                    );
                    check!(self, body["errors"][0]["field"] == "warranty_until", "the field named: {body}");
                }
                let of = t.id;
                if self.expect(&format!("warranty on #{of}"), allowed, status).await? {
                    self.model.tasks.push(Task {
                        id: body["task"]["id"].as_i64().unwrap(),
                        state: State::New,
                        estimate: None,
                        approved: None,
                        logged: 0,
                        warranty_of: Some(of),
                        accepted_on: None,
                        bill: None,
                        written_off: false,
                    });
                }
            }
            Op::Consultation { centi, billable } => {
                let now = self.now();
                let trial = self.case.terms.trial_months + u32::from(self.case.start_day != 1);
                let in_trial = now.months_since(self.first) < i64::from(trial);
                // Dated today; when this month is closed already, the first open month after it
                // lists it (the contract has no end here, so there always is one).
                let allowed = !(*billable && in_trial);
                let body = json!({"org_id": self.org, "channel": "phone", "date": self.today().to_string(),
                                  "duration": hours_text(*centi), "topic": "Вопрос", "billable": billable});
                let (status, _) = self.app.post("/api/v1/consultations", &specialist, body).await;
                let what = format!("consultation {} h, billable {billable}", hours_text(*centi));
                if self.expect(&what, allowed, status).await? && *billable {
                    *self.model.consultations.entry(self.model.billing_period(now)).or_default() += centi;
                }
            }
            Op::CloseEarly => {
                let now = self.now();
                let in_order = self.model.last_closed.map_or(now == self.first, |closed| closed.next() >= now);
                self.close(now, in_order).await?;
            }
            Op::CloseDue => {
                let due = self.model.last_closed.map_or(self.first, Period::next);
                if due < self.now() {
                    self.close(due, true).await?;
                }
            }
            Op::Advance { days } => {
                let target = self.today() + Days::new(u64::from(*days));
                if Period::of(target) == self.now() {
                    self.set_day(target);
                    self.log.push(format!("  clock → {target}"));
                }
            }
            Op::PreviewedJourney { centi } => Box::pin(self.previewed_journey(*centi)).await?,
            Op::Progress { task, centi } => {
                let Some(i) = self.pick(task, op) else { return Ok(()) };
                let t = &self.model.tasks[i];
                let here = task.clone();
                let next = match t.state {
                    State::New => Op::Estimate { task: here, centi: *centi },
                    State::Estimated => Op::Approve(here),
                    State::InWork if t.logged == 0 => Op::Log { task: here, centi: *centi },
                    State::InWork => Op::Submit(here),
                    State::Testing => Op::Accept(here),
                    State::Accepted | State::Cancelled => return Ok(()),
                };
                let pinned = self.pinned.replace(i);
                let result = Box::pin(self.apply(&next)).await;
                self.pinned = pinned;
                result?;
            }
        }
        Ok(())
    }

    fn set_day(&self, day: NaiveDate) {
        // 09:00 in Moscow.
        self.clock.set(Utc.from_utc_datetime(&day.and_hms_opt(6, 0, 0).unwrap()));
    }

    async fn close(&mut self, period: Period, allowed: bool) -> Result<(), TestCaseError> {
        let (status, text) = self
            .app
            .call_text(
                Method::POST,
                &format!("/api/v1/reports/{period}/close?org={}", self.org),
                Some(&self.staff.analyst),
                Some(json!({})),
            )
            .await;
        if self.expect(&format!("close {period}"), allowed, status).await? {
            if let Some(frozen) = self.model.frozen.get(&period) {
                check!(self, *frozen == text, "closing {period} again answered another report");
            } else {
                self.model.frozen.insert(period, text);
                self.model.last_closed = Some(period);
            }
        }
        Ok(())
    }

    /// A task estimated, previewed, approved, worked for exactly its estimate and accepted, with
    /// nothing else approved meanwhile: the month's bill is what the preview said.
    async fn previewed_journey(&mut self, centi: i64) -> Result<(), TestCaseError> {
        let pending = self.model.tasks.iter().any(|t| matches!(t.state, State::InWork | State::Testing));
        // The journey logs its estimate today: a day already too full for it would bill nothing.
        let day_full = self.logged_on.get(&self.today()).copied().unwrap_or(0) + centi > 24_00;
        if pending || day_full || self.model.is_closed(self.now()) {
            return Ok(());
        }
        self.log.push(format!("  previewed journey of {} h:", hours_text(centi)));
        self.apply(&Op::NewTask).await?;
        let last = self.model.tasks.len() - 1;
        let id = self.model.tasks[last].id;
        self.pinned = Some(last);
        let result = self.journey_of(id, centi).await;
        self.pinned = None;
        result
    }

    async fn journey_of(&mut self, id: i64, centi: i64) -> Result<(), TestCaseError> {
        let index =
            Pick { index: any::<Index>().new_tree(&mut TestRunner::deterministic()).unwrap().current(), wild: true };
        self.apply(&Op::Estimate { task: index.clone(), centi }).await?;
        let period = self.now();
        let (_, org) = self.app.get(&format!("/api/v1/orgs/{}", self.org), &self.client).await;
        let (_, report) = self.app.get(&format!("/api/v1/reports/{period}"), &self.client).await;
        let (_, tasks) = self.app.get("/api/v1/tasks", &self.client).await;
        let org: hourbank_portal::model::Org = serde_json::from_value(org).unwrap();
        let month: hourbank_domain::MonthStatement = serde_json::from_value(report["statement"].clone()).unwrap();
        let tasks: hourbank_portal::model::TaskList = serde_json::from_value(tasks).unwrap();
        let estimate = hourbank_domain::Hours::from_centi(centi);
        let preview = hourbank_portal::preview::CostPreview::new(&org, &month, &tasks.tasks, id, estimate)
            .unwrap()
            .expect("the month is in the contract");
        for op in [
            Op::Approve(index.clone()),
            Op::Log { task: index.clone(), centi },
            Op::Submit(index.clone()),
            Op::Accept(index),
        ] {
            self.apply(&op).await?;
        }
        let (_, after) = self.app.get(&format!("/api/v1/reports/{period}"), &self.client).await;
        let st = &after["statement"];
        check!(
            self,
            st["total"].as_str() == Some(preview.after.total.to_string().as_str())
                && st["total_with_vat"].as_str() == Some(preview.after.total_with_vat.to_string().as_str()),
            "the preview said {} ({} with VAT), the bill is {st}",
            preview.after.total,
            preview.after.total_with_vat
        );
        Ok(())
    }

    /// Every report from the contract's first month through next month, against the model.
    async fn check_reports(&mut self) -> Result<(), TestCaseError> {
        let through = self.now().next();
        let expected = self.model.statement(self.case, self.first, through);
        let mut seen: BTreeMap<i64, Period> = BTreeMap::new();
        let mut previous_end: Option<i64> = None;
        for (&period, row) in &expected {
            let (status, text) =
                self.app.call_text(Method::GET, &format!("/api/v1/reports/{period}"), Some(&self.client), None).await;
            check!(self, status == StatusCode::OK, "report {period}: {status} {text}");
            if let Some(frozen) = self.model.frozen.get(&period) {
                check!(self, *frozen == text, "the frozen report of {period} changed");
            }
            let report: Value = serde_json::from_str(&text).unwrap();
            let mut billed_sum = 0;
            for task in report["tasks"].as_array().unwrap() {
                let id = task["id"].as_i64().unwrap();
                check!(
                    self,
                    seen.insert(id, period).is_none(),
                    "task #{id} bills in two reports: {period} and {:?}",
                    seen[&id]
                );
                let Some(model) = self.model.tasks.iter().find(|t| t.id == id) else {
                    return Err(TestCaseError::fail(format!(
                        "report {period} lists #{id}, which the model never made"
                    )));
                };
                let Some((settled_in, billed_in, hours)) = model.bill else {
                    return Err(TestCaseError::fail(format!(
                        "#{id} bills in {period}; the model bills it nowhere ({model:?})\n{}",
                        self.log.join("\n")
                    )));
                };
                check!(self, billed_in == period, "#{id} bills in {period}; the model says {billed_in}");
                if settled_in != billed_in {
                    count("checked: a task settled in a closed month, billed in a later one");
                }
                if model.state == State::Cancelled && !model.written_off {
                    count("checked: approved work cancelled and billed");
                }
                if model.warranty_of.is_some() {
                    count("checked: warranty work billed 0 h");
                }
                if model.written_off {
                    count("checked: written-off work listed at 0 h");
                }
                let settlement = match (model.state, model.written_off) {
                    (_, true) => "written_off",
                    (State::Cancelled, false) => "cancelled_approved",
                    _ => "accepted",
                };
                check!(
                    self,
                    task["settlement"] == settlement,
                    "#{id}'s settlement is {}; expected {settlement}",
                    task["settlement"]
                );
                let reason = model.written_off.then_some(WRITE_OFF_COMMENT);
                check!(
                    self,
                    task["write_off_comment"].as_str() == reason,
                    "#{id}'s write_off_comment: {}",
                    task["write_off_comment"]
                );
                check!(
                    self,
                    centi(&task["billed"]) == hours,
                    "#{id} bills {}; the model says {}",
                    task["billed"],
                    hours_text(hours)
                );
                let late = (settled_in != billed_in).then(|| settled_in.to_string());
                check!(
                    self,
                    task["late_from"].as_str() == late.as_deref(),
                    "#{id}'s late_from is {}; expected {late:?}",
                    task["late_from"]
                );
                check!(self, task["warranty_of"].as_i64() == model.warranty_of, "#{id}'s warranty_of");
                billed_sum += centi(&task["billed"]);
            }
            let st = &report["statement"];
            // An open month lists its newest consultations; the rest page from where it stops.
            let mut consultations = report["consultations"].as_array().unwrap().clone();
            let mut before = report["consultations_next_before"].as_i64();
            while let Some(id) = before {
                let path = format!("/api/v1/consultations?month={period}&before={id}");
                let (_, page) = self.app.get(&path, &self.client).await;
                consultations.extend(page["consultations"].as_array().unwrap().iter().cloned());
                before = page["next_before"].as_i64();
            }
            let billable: i64 = consultations
                .iter()
                .filter(|c| c["billable"] == true && st["phase"] == "subscription")
                .map(|c| centi(&c["duration"]))
                .sum();
            check!(
                self,
                billed_sum + billable == centi(&st["hours"]),
                "{period}: tasks bill {billed_sum} + consultations {billable}, the statement says {}",
                st["hours"]
            );
            let got = Row {
                hours: centi(&st["hours"]),
                fee: centi(&st["fee"]),
                included_used: centi(&st["included_used"]),
                reserve_start: centi(&st["reserve_start"]),
                reserve_used: centi(&st["reserve_used"]),
                reserve_end: centi(&st["reserve_end"]),
                forfeited: centi(&st["reserve_forfeited"]),
                extra_hours: centi(&st["extra_hours"]),
                total: centi(&st["total"]),
            };
            check!(self, got == *row, "{period}: the statement is {got:?}; the model's is {row:?}");
            count("checked: a month's statement");
            if st["phase"] == "subscription" {
                let included = self.case.terms.included;
                check!(
                    self,
                    got.reserve_start + included
                        == got.included_used + got.reserve_used + got.reserve_end + got.forfeited,
                    "{period} does not conserve hours: {got:?}"
                );
                if let Some(end) = previous_end {
                    check!(
                        self,
                        got.reserve_start == end,
                        "{period} starts with {} h of reserve; the month before ended with {}",
                        got.reserve_start,
                        end
                    );
                }
            }
            previous_end = Some(got.reserve_end);
        }
        // Nothing settled is missing from the reports.
        for t in &self.model.tasks {
            if let Some((_, billed_in, _)) = t.bill {
                check!(
                    self,
                    seen.get(&t.id) == Some(&billed_in),
                    "#{} should bill in {billed_in} but is in {:?}",
                    t.id,
                    seen.get(&t.id)
                );
            }
        }
        // Every month that bills work is in the list of months, and its row in the year's
        // statements: closed early, the running month must not hide next month's bill.
        let (_, list) = self.app.get("/api/v1/reports", &self.client).await;
        let listed: Vec<&str> =
            list["months"].as_array().unwrap().iter().filter_map(|m| m["period"].as_str()).collect();
        let (_, year) = self.app.get("/api/v1/statements", &self.client).await;
        let rows: Vec<&str> = year["months"].as_array().unwrap().iter().filter_map(|m| m["period"].as_str()).collect();
        for billed_in in self.model.tasks.iter().filter_map(|t| t.bill.map(|(_, billed_in, _)| billed_in.to_string())) {
            check!(self, listed.contains(&billed_in.as_str()), "{billed_in} bills work but /reports lists {listed:?}");
            let within_a_year =
                listed.iter().position(|p| *p == billed_in).is_some_and(|newest_first| newest_first < 12);
            check!(
                self,
                !within_a_year || rows.contains(&billed_in.as_str()),
                "{billed_in} bills work but /statements has {rows:?}"
            );
        }
        // Beyond next month there is no report, and none is computed.
        let beyond = through.next();
        let (status, _) = self.app.get(&format!("/api/v1/reports/{beyond}"), &self.client).await;
        check!(self, status == StatusCode::NOT_FOUND, "report {beyond}: {status}");
        Ok(())
    }
}

async fn run_case(
    app: &TestApp,
    clock: &Clock,
    staff: &Staff,
    serial: usize,
    case: &Case,
) -> Result<(), TestCaseError> {
    let start = NaiveDate::from_ymd_opt(2027, 1, case.start_day).unwrap();
    let t = case.terms;
    let tariff = Tariff {
        monthly_fee: hourbank_domain::Money::from_kopecks(t.fee),
        included_hours: hourbank_domain::Hours::from_centi(t.included),
        overage_rate: hourbank_domain::Money::from_kopecks(t.rate),
        reserve_cap: hourbank_domain::Hours::from_centi(t.cap),
        trial_months: t.trial_months,
        trial_rate: hourbank_domain::Money::from_kopecks(t.trial_rate),
    };
    let org = NewOrg {
        name: format!("ООО Модель {serial}"),
        inn: format!("{:010}", 1_000_000 + serial),
        tariff_name: "Модель".into(),
        tariff: tariff.clone(),
        contract: Contract::new(tariff, start, None).unwrap(),
        vat: Vat::None,
        analyst_id: None,
        warranty_days: t.warranty_days,
    };
    let org = insert_new_org(&app.state, &org, None).await.unwrap();
    let (_, client) = app.user(&format!("client{serial}@ledger.test"), "client", Some(org)).await;
    // A specialist of the case's own: one person's day holds at most 24 h, and every case logs
    // on the same calendar.
    let (_, specialist) = app.user(&format!("specialist{serial}@ledger.test"), "specialist", None).await;
    let mut run = Run {
        app,
        clock,
        staff,
        case,
        client,
        specialist,
        logged_on: BTreeMap::new(),
        org,
        first: Period::of(start),
        model: Model::default(),
        log: vec![format!("{case:?}")],
        pinned: None,
    };
    for (m, (close_before, ops)) in case.months.iter().enumerate() {
        let first_day = if m == 0 { start } else { run.first.plus(m as u32).first_day() };
        run.set_day(first_day);
        run.log.push(format!("month {} from {first_day}:", run.now()));
        while *close_before && run.model.last_closed.map_or(run.first, Period::next) < run.now() {
            run.apply(&Op::CloseDue).await?;
            run.check_reports().await?;
        }
        for op in ops {
            run.apply(op).await?;
            run.check_reports().await?;
        }
    }
    // The month after: every month before it closes on time.
    run.set_day(run.first.plus(case.months.len() as u32).first_day());
    run.log.push(format!("closing through {}:", run.now()));
    while run.model.last_closed.map_or(run.first, Period::next) < run.now() {
        run.apply(&Op::CloseDue).await?;
        run.check_reports().await?;
    }
    Ok(())
}

fn ledger_holds(backend: Backend) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let clock = Clock::fixed(Utc.with_ymd_and_hms(2027, 1, 1, 6, 0, 0).unwrap());
    let Some(app) = runtime.block_on(TestApp::spawn_with_clock(backend, clock.clone())) else { return };
    let staff = runtime.block_on(async { Staff { analyst: app.user("analyst@ledger.test", "analyst", None).await.1 } });
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(200);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let serial = std::sync::atomic::AtomicUsize::new(0);
    let result = runner.run(&any_case(), |case| {
        let n = serial.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        runtime.block_on(run_case(&app, &clock, &staff, n, &case))
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    println!("ledger on {backend:?}: {cases} cases");
    STATS.with(|stats| {
        for (kind, n) in stats.borrow().iter() {
            println!("  {kind}: {n}");
        }
    });
}

#[test]
fn the_ledger_keeps_its_invariants_on_sqlite() {
    ledger_holds(Backend::Sqlite);
}

#[test]
fn the_ledger_keeps_its_invariants_on_postgres() {
    ledger_holds(Backend::Postgres);
}
