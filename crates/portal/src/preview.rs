//! What approving an estimate does to this month's bill, before the client approves it.
//! Computed by the domain's own `month_statement`, from the month's accepted hours, the
//! estimates already approved and the reserve the month started with — the same rules the
//! server bills by. An approved estimate is the most a task can bill, so the preview is the
//! bill if everything approved is accepted this month: an upper bound, and said so.

use hourbank_domain::format::{hours, rubles};
use hourbank_domain::statement::month_statement;
use hourbank_domain::{Contract, FieldError, Hours, Money, MonthStatement, Period, Phase, TaskState, Vat, VatRate};

use crate::i18n::Lang;
use crate::model::{Org, Task};

/// The month before and after approving, with the sentence that explains the difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostPreview {
    pub period: Period,
    /// Accepted this month plus approved and not yet accepted (this task excluded).
    pub committed: Hours,
    /// Of those, approved and not yet accepted: counted in, so the sentence says so.
    pub others: Hours,
    pub estimate: Hours,
    pub before: MonthStatement,
    pub after: MonthStatement,
}

/// The organisation's contract and VAT, as the domain computes with them.
pub fn contract_of(org: &Org) -> Result<(Contract, Vat), FieldError> {
    let (tariff, start, end) = (org.tariff.clone(), org.contract_start, org.contract_end);
    let rate = org.vat.rate.as_deref().map(|r| VatRate::parse("vat.rate", r)).transpose()?;
    let vat = Vat::from_mode("vat", &org.vat.mode, rate)?;
    Ok((Contract::new(tariff, start, end)?, vat))
}

/// The open month as the server reported it (hours accepted so far, the reserve carried in), with
/// what the domain needs to compute it again with other hours: both previews start here.
struct OpenMonth {
    period: Period,
    accepted: Hours,
    reserve_start: Hours,
    contract: Contract,
    vat: Vat,
    scheduled: hourbank_domain::ScheduledMonth,
}

impl OpenMonth {
    /// `None` when the month is outside the contract.
    fn of(org: &Org, month: &MonthStatement) -> Result<Option<OpenMonth>, FieldError> {
        let (contract, vat) = contract_of(org)?;
        let period = month.period;
        let index = period.months_since(contract.first_period());
        let Some(scheduled) = u32::try_from(index).ok().and_then(|i| contract.month(i)) else { return Ok(None) };
        let (accepted, reserve_start) = (month.hours, month.reserve_start);
        Ok(Some(OpenMonth { period, accepted, reserve_start, contract, vat, scheduled }))
    }

    /// The month's statement had `hours` been accepted in it.
    fn with_hours(&self, hours: Hours) -> MonthStatement {
        month_statement(&self.contract.tariff, self.vat, self.scheduled, self.reserve_start, hours)
    }
}

/// Hours approved but not yet accepted: they will bill at most their estimate.
pub fn approved_not_accepted(tasks: &[Task], except: i64) -> Hours {
    tasks
        .iter()
        // A warranty claim bills nothing, whatever its estimate.
        .filter(|t| {
            t.id != except && t.warranty_of.is_none() && matches!(t.state, TaskState::InWork | TaskState::Testing)
        })
        .filter_map(|task| task.approved_estimate)
        .fold(Hours::ZERO, |sum, h| sum + h)
}

impl CostPreview {
    /// `month` is this month's statement as the server reported it (hours accepted so far and
    /// the reserve carried in); `None` when the month is outside the contract.
    pub fn new(
        org: &Org,
        month: &MonthStatement,
        open_tasks: &[Task],
        task_id: i64,
        estimate: Hours,
    ) -> Result<Option<CostPreview>, FieldError> {
        let Some(open) = OpenMonth::of(org, month)? else { return Ok(None) };
        let others = approved_not_accepted(open_tasks, task_id);
        let committed = open.accepted + others;
        let (before, after) = (open.with_hours(committed), open.with_hours(committed + estimate));
        Ok(Some(CostPreview { period: open.period, committed, others, estimate, before, after }))
    }

    /// Overage hours this task adds.
    pub fn extra_hours(&self) -> Hours {
        self.after.extra_hours.saturating_sub(self.before.extra_hours)
    }

    /// What this task adds to the month's bill (before VAT).
    pub fn extra_cost(&self) -> Money {
        Money::from_kopecks(self.after.total.kopecks() - self.before.total.kopecks())
    }

    /// What it adds with VAT, as the invoice will show it.
    pub fn extra_cost_with_vat(&self) -> Money {
        Money::from_kopecks(self.after.total_with_vat.kopecks() - self.before.total_with_vat.kopecks())
    }

    /// The sentence the client reads next to the Approve button.
    pub fn sentence(&self, lang: Lang) -> String {
        let with_vat = if self.after.vat.is_zero() || self.extra_cost().is_zero() {
            String::new()
        } else {
            format!(" ({} {})", lang.pick("с НДС", "with VAT"), rubles(self.extra_cost_with_vat()))
        };
        match self.after.phase {
            Phase::Trial => match lang {
                Lang::Ru => format!(
                    "Пробный месяц: каждый час оплачивается отдельно — {} × {} = {}{with_vat}.",
                    hours(self.estimate),
                    rubles(self.after.extra_rate),
                    rubles(self.extra_cost())
                ),
                Lang::En => format!(
                    "Trial month: every hour is paid for — {} × {} = {}{with_vat}.",
                    lang.hours(self.estimate),
                    rubles(self.after.extra_rate),
                    rubles(self.extra_cost())
                ),
            },
            // The hours free now (the line above it) do not count the approved tasks; this does.
            // The month's overage with them all, and this task's share of it: the others may be
            // over the tariff already.
            Phase::Subscription if !self.extra_hours().is_zero() => {
                // One sentence, its words picked by language (one `format!` weighs less).
                let others = if self.others.is_zero() {
                    String::new()
                } else {
                    let with = lang.pick(" и уже согласованными", " and those already approved");
                    format!("{with} ({})", lang.hours(self.others))
                };
                let [start, over, adds, and, bill] = match lang {
                    Lang::Ru => {
                        ["С этой задачей", " сверх тарифа будет ", ": она добавит ", " и ", ". Счёт за месяц: "]
                    }
                    Lang::En => {
                        ["With this task", ", you go ", " over the tariff: it adds ", " and ", ". The month's bill: "]
                    }
                };
                format!(
                    "{start}{others}{over}{}{adds}{}{and}{}{with_vat}{bill}{}.",
                    lang.hours(self.after.extra_hours),
                    lang.hours(self.extra_hours()),
                    rubles(self.extra_cost()),
                    rubles(self.after.total_with_vat)
                )
            }
            Phase::Subscription => {
                let from_reserve = self.after.reserve_used.saturating_sub(self.before.reserve_used);
                match (lang, from_reserve.is_zero()) {
                    (Lang::Ru, true) => format!(
                        "Укладывается в часы тарифа: счёт за месяц не изменится ({}).",
                        rubles(self.after.total_with_vat)
                    ),
                    (Lang::Ru, false) => format!(
                        "Укладывается в тариф: {} из резерва; счёт за месяц не изменится ({}).",
                        hours(from_reserve),
                        rubles(self.after.total_with_vat)
                    ),
                    (Lang::En, true) => format!(
                        "Fits into the included hours: the month's bill stays {}.",
                        rubles(self.after.total_with_vat)
                    ),
                    (Lang::En, false) => format!(
                        "Fits into the tariff: {} from the reserve; the month's bill stays {}.",
                        lang.hours(from_reserve),
                        rubles(self.after.total_with_vat)
                    ),
                }
            }
        }
    }
}

/// What accepting a task bills, shown before the client confirms: its hours (what was logged, at
/// most the approved estimate), the month they bill in, and the month's bill before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptPreview {
    pub period: Period,
    pub logged: Hours,
    pub billed: Hours,
    pub estimate: Option<Hours>,
    pub before: MonthStatement,
    pub after: MonthStatement,
}

impl AcceptPreview {
    /// `month` is the open month's statement as the server reported it (hours accepted so far
    /// and the reserve carried in); `None` when that month is outside the contract.
    pub fn new(org: &Org, month: &MonthStatement, task: &Task) -> Result<Option<AcceptPreview>, FieldError> {
        let Some(open) = OpenMonth::of(org, month)? else { return Ok(None) };
        let logged = task.logged;
        let estimate = task.approved_estimate;
        let billed = hourbank_domain::billed_hours(logged, estimate);
        let (before, after) = (open.with_hours(open.accepted), open.with_hours(open.accepted + billed));
        Ok(Some(AcceptPreview { period: open.period, logged, billed, estimate, before, after }))
    }

    /// What accepting adds to the month's bill, VAT included when it is charged.
    pub fn added(&self) -> Money {
        Money::from_kopecks(self.after.total_with_vat.kopecks() - self.before.total_with_vat.kopecks())
    }

    /// The sentence above the confirming «Принять».
    pub fn sentence(&self, lang: Lang) -> String {
        let month = hourbank_web::table::period_in(self.period, lang);
        let worked = match (self.estimate, lang) {
            (Some(e), Lang::Ru) => format!("затрачено {}, согласовано {}", hours(self.logged), hours(e)),
            (Some(e), Lang::En) => format!("{} logged, {} approved", lang.hours(self.logged), lang.hours(e)),
            (None, Lang::Ru) => format!("затрачено {}", hours(self.logged)),
            (None, Lang::En) => format!("{} logged", lang.hours(self.logged)),
        };
        let bill = if self.added().is_zero() {
            match lang {
                Lang::Ru => format!("счёт за месяц не изменится: {}", rubles(self.after.total_with_vat)),
                Lang::En => format!("the month's bill stays {}", rubles(self.after.total_with_vat)),
            }
        } else {
            match lang {
                Lang::Ru => {
                    format!("счёт за месяц станет {} (+{})", rubles(self.after.total_with_vat), rubles(self.added()))
                }
                Lang::En => format!(
                    "the month's bill becomes {} (+{})",
                    rubles(self.after.total_with_vat),
                    rubles(self.added())
                ),
            }
        };
        match lang {
            Lang::Ru => format!(
                "Принять работу? В отчёт за {month} войдут {} ({worked}); {bill}. Принятие окончательно.",
                hours(self.billed)
            ),
            Lang::En => format!(
                "Accept the work? The report for {month} will bill {} ({worked}); {bill}. Acceptance is final.",
                lang.hours(self.billed)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::VatSetting;
    use hourbank_domain::{parse_date, Tariff};

    fn org(start: &str, vat: &str) -> Org {
        Org {
            id: 1,
            name: "ООО «Ромашка»".into(),
            inn: "7707083893".into(),
            tariff_name: "Старт".into(),
            tariff: Tariff::start(),
            contract_start: parse_date("start", start).unwrap(),
            contract_end: None,
            vat: VatSetting { mode: vat.into(), rate: (vat != "none").then(|| "22".into()) },
            analyst_id: None,
            analyst: None,
            kpp: None,
            address: String::new(),
            warranty_days: 30,
        }
    }

    fn month(period: &str, accepted: &str, reserve: &str) -> MonthStatement {
        let hours = |text: &str| Hours::parse_month("hours", text).unwrap();
        MonthStatement {
            period: Period::parse("period", period).unwrap(),
            phase: Phase::Subscription,
            hours: hours(accepted),
            fee: Money::from_kopecks(20_000_00),
            included_used: Hours::ZERO,
            reserve_start: hours(reserve),
            reserve_used: Hours::ZERO,
            reserve_end: Hours::ZERO,
            reserve_forfeited: Hours::ZERO,
            extra_hours: Hours::ZERO,
            extra_rate: Money::from_kopecks(2_000_00),
            extra_charge: Money::ZERO,
            total: Money::from_kopecks(20_000_00),
            vat: Money::ZERO,
            total_with_vat: Money::from_kopecks(20_000_00),
            contract_ends: false,
        }
    }

    fn task(id: i64, state: TaskState, approved: Option<&str>) -> Task {
        Task {
            id,
            org_id: 1,
            title: format!("Задача {id}"),
            description: String::new(),
            state,
            specification: None,
            estimate: approved.map(|h| Hours::parse_month("estimate", h).unwrap()),
            approved_estimate: approved.map(|h| Hours::parse_month("estimate", h).unwrap()),
            deadline: None,
            logged: Hours::ZERO,
            created_by: 7,
            created_at: "2026-11-01T09:00:00Z".into(),
            updated_at: "2026-11-01T09:00:00Z".into(),
            accepted_at: None,
            accepted_period: None,
            cancelled_at: None,
            cancelled_period: None,
            late_from: None,
            warranty_of: None,
            warranty_until: None,
            assignee_id: None,
            assignee_name: None,
            written_off: false,
        }
    }

    fn h(text: &str) -> Hours {
        Hours::parse_month("h", text).unwrap()
    }

    /// 6 h accepted, 4 h approved elsewhere, 2 h of reserve: 10 included + 2 reserve = 12 h free;
    /// a 5 h estimate makes 15 h, so 3 h over at 2 000 ₽ — the issue's own example.
    #[test]
    fn three_hours_over_the_tariff_cost_six_thousand() {
        let tasks = [
            task(1, TaskState::InWork, Some("4")),
            task(2, TaskState::Estimated, Some("8")), // not approved yet: not counted
            task(3, TaskState::Accepted, Some("9")),  // already in the accepted hours
            task(9, TaskState::Estimated, Some("5")), // the task itself
        ];
        let preview = CostPreview::new(&org("2025-11-01", "none"), &month("2026-11", "6", "2"), &tasks, 9, h("5"))
            .unwrap()
            .unwrap();
        assert_eq!(preview.committed, h("10"));
        assert_eq!(preview.extra_hours(), h("3"));
        assert_eq!(preview.extra_cost(), Money::from_kopecks(6_000_00));
        assert_eq!(
            preview.sentence(Lang::Ru),
            "С этой задачей и уже согласованными (4\u{a0}ч) сверх тарифа будет 3\u{a0}ч: она добавит 3\u{a0}ч и \
             6\u{a0}000,00\u{a0}₽. Счёт за месяц: 26\u{a0}000,00\u{a0}₽."
        );
        assert_eq!(
            preview.sentence(Lang::En),
            "With this task and those already approved (4\u{a0}h), you go 3\u{a0}h over the tariff: it adds 3\u{a0}h and \
             6\u{a0}000,00\u{a0}₽. The month's bill: 26\u{a0}000,00\u{a0}₽."
        );
        // Alone, it says nothing of others.
        let alone = CostPreview::new(&org("2025-11-01", "none"), &month("2026-11", "10", "2"), &[], 9, h("5"))
            .unwrap()
            .unwrap();
        assert_eq!(
            alone.sentence(Lang::Ru),
            "С этой задачей сверх тарифа будет 3\u{a0}ч: она добавит 3\u{a0}ч и 6\u{a0}000,00\u{a0}₽. \
             Счёт за месяц: 26\u{a0}000,00\u{a0}₽."
        );
    }

    /// With the month over the tariff already, the sentence gives the month's overage and this
    /// task's share apart (it once read «уведёт вас на 1 ч сверх тарифа» beside a bill 10 h over).
    #[test]
    fn a_task_on_a_month_already_over_says_its_share_and_the_whole() {
        // 11,5 h accepted and 7,5 h approved elsewhere, no reserve: 19 h, 9 over; 1 h more is 10.
        let tasks = [task(1, TaskState::InWork, Some("7.5"))];
        let preview = CostPreview::new(&org("2025-11-01", "none"), &month("2026-11", "11.5", "0"), &tasks, 9, h("1"))
            .unwrap()
            .unwrap();
        assert_eq!(
            preview.sentence(Lang::Ru),
            "С этой задачей и уже согласованными (7,5\u{a0}ч) сверх тарифа будет 10\u{a0}ч: она добавит 1\u{a0}ч и \
             2\u{a0}000,00\u{a0}₽. Счёт за месяц: 40\u{a0}000,00\u{a0}₽."
        );
        // An approved warranty claim bills nothing: it is not counted among the others.
        let mut claim = task(2, TaskState::InWork, Some("5"));
        claim.warranty_of = Some(1);
        let with_claim = CostPreview::new(
            &org("2025-11-01", "none"),
            &month("2026-11", "11.5", "0"),
            &[tasks[0].clone(), claim],
            9,
            h("1"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(with_claim.sentence(Lang::Ru), preview.sentence(Lang::Ru));
    }

    #[test]
    fn within_the_reserve_the_bill_does_not_change() {
        let preview =
            CostPreview::new(&org("2025-11-01", "none"), &month("2026-11", "9", "5"), &[], 9, h("3")).unwrap().unwrap();
        assert!(preview.extra_cost().is_zero());
        assert_eq!(
            preview.sentence(Lang::Ru),
            "Укладывается в тариф: 2\u{a0}ч из резерва; счёт за месяц не изменится (20\u{a0}000,00\u{a0}₽)."
        );
    }

    #[test]
    fn vat_on_top_is_shown_and_trial_months_bill_every_hour() {
        let preview = CostPreview::new(&org("2025-11-01", "on_top"), &month("2026-11", "10", "0"), &[], 9, h("1"))
            .unwrap()
            .unwrap();
        assert_eq!(preview.extra_cost_with_vat(), Money::from_kopecks(2_440_00));
        assert!(preview.sentence(Lang::Ru).contains("(с НДС 2\u{a0}440,00\u{a0}₽)"), "{}", preview.sentence(Lang::Ru));
        // November 2026 is the first month of a contract starting then: a trial month.
        let trial = CostPreview::new(&org("2026-11-01", "none"), &month("2026-11", "1", "0"), &[], 9, h("2.5"))
            .unwrap()
            .unwrap();
        assert_eq!(trial.extra_cost(), Money::from_kopecks(5_000_00));
        assert!(trial.sentence(Lang::En).starts_with("Trial month"));
    }

    #[test]
    fn outside_the_contract_there_is_no_preview() {
        let preview =
            CostPreview::new(&org("2027-01-01", "none"), &month("2026-11", "0", "0"), &[], 9, h("1")).unwrap();
        assert_eq!(preview, None);
    }

    #[test]
    fn accepting_says_what_it_bills_and_in_which_month() {
        let o = org("2026-01-01", "on_top");
        // November: 8 h accepted so far, no reserve; the task logged 5 h against 4,5 approved.
        let mut t = task(9, TaskState::Testing, Some("4.5"));
        t.logged = Hours::whole(5);
        let p = AcceptPreview::new(&o, &month("2026-11", "8", "0"), &t).unwrap().unwrap();
        assert_eq!((p.billed, p.logged), (Hours::from_centi(4_50), Hours::whole(5)));
        // 12,5 h: 2,5 h over at 2 000 = 5 000, plus VAT 22 % = 6 100.
        assert_eq!(p.added(), Money::from_kopecks(6_100_00));
        assert_eq!(
            p.sentence(Lang::Ru),
            "Принять работу? В отчёт за ноябрь 2026 войдут 4,5\u{a0}ч (затрачено 5\u{a0}ч, согласовано 4,5\u{a0}ч); \
             счёт за месяц станет 30\u{a0}500,00\u{a0}₽ (+6\u{a0}100,00\u{a0}₽). Принятие окончательно."
        );
        // Within the included hours the bill does not change, and the sentence says so.
        let p = AcceptPreview::new(&o, &month("2026-11", "2", "0"), &t).unwrap().unwrap();
        assert!(
            p.sentence(Lang::En).contains("the month's bill stays 24\u{a0}400,00\u{a0}₽"),
            "{}",
            p.sentence(Lang::En)
        );
    }
}
