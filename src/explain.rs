//! Each statement row in plain words (Russian or English): where the month's hours went and
//! what was paid for.

use hourbank_domain::format::rubles;
use hourbank_domain::{MonthStatement, Phase};

use crate::i18n::Lang;

/// The phase as the statement shows it.
pub fn phase_ru(phase: Phase) -> &'static str {
    phase_in(phase, Lang::Ru)
}

/// The phase in the interface's language.
pub fn phase_in(phase: Phase, lang: Lang) -> &'static str {
    match phase {
        Phase::Trial => lang.pick("пробный", "trial"),
        Phase::Subscription => lang.pick("абонемент", "subscription"),
    }
}

/// `10 ч по тарифу, 5 ч из резерва, 3 ч сверх тарифа × 2 000,00 ₽; 2 ч ушли в резерв`.
pub fn explain(m: &MonthStatement) -> String {
    explain_in(m, false, Lang::Ru)
}

/// What happened to the hours a month did not use, said of a month that ended (or a simulated
/// one), or of the open month, whose figures are a forecast until it ends.
pub struct Outcome {
    to_reserve: (&'static str, &'static str),
    over_cap: (&'static str, &'static str),
    contract_closed: (&'static str, &'static str),
    reserve_forfeited: (&'static str, &'static str),
}

/// A month that ended, or one the calculator simulates.
pub const DONE: Outcome = Outcome {
    to_reserve: ("ушли в резерв", "went to the reserve"),
    over_cap: ("сгорело сверх лимита резерва:", "forfeited over the reserve cap:"),
    contract_closed: ("договор закрыт", "contract closed"),
    reserve_forfeited: ("резерв сгорел:", "reserve forfeited:"),
};

/// The open month: what will happen at its end if nothing more is accepted (only the portal
/// uses it, so the calculator's bundles do not carry it).
pub const FORECAST: Outcome = Outcome {
    to_reserve: ("уйдут в резерв", "will go to the reserve"),
    over_cap: ("сгорит сверх лимита резерва:", "will be forfeited over the reserve cap:"),
    contract_closed: ("договор закончится", "the contract ends"),
    reserve_forfeited: ("резерв сгорит:", "the reserve will be forfeited:"),
};

/// The explanation in the interface's language. `partial_start`: this is the first month of a
/// contract that starts after the 1st, billed like a trial month but not one of the trial months
/// (`shared/domain.md`, Periods) — the one row a prospect cannot explain from the tariff alone.
pub fn explain_in(m: &MonthStatement, partial_start: bool, lang: Lang) -> String {
    explain_as(m, partial_start, lang, &DONE)
}

/// [`explain_in`] with the words of a month that ended or of a forecast.
pub fn explain_as(m: &MonthStatement, partial_start: bool, lang: Lang, outcome: &Outcome) -> String {
    let said = |(ru, en): (&'static str, &'static str)| lang.pick(ru, en);
    let hours = |h| lang.hours(h);
    let t = |ru, en| lang.pick(ru, en);
    let mut used = Vec::new();
    let mut after = Vec::new();
    match m.phase {
        Phase::Trial => {
            let month = if partial_start {
                t(
                    "неполный первый месяц — как пробный, в пробные месяцы не входит:",
                    "partial first month — billed like a trial month, not one of them:",
                )
            } else {
                t("пробный месяц:", "trial month:")
            };
            if m.hours.is_zero() {
                used.push(format!("{month} {}", t("закрытых задач нет", "no closed tasks")));
            } else {
                used.push(format!("{month} {} × {}", hours(m.extra_hours), rubles(m.extra_rate)));
            }
        }
        Phase::Subscription => {
            if !m.included_used.is_zero() {
                used.push(format!("{} {}", hours(m.included_used), t("по тарифу", "included")));
            }
            if !m.reserve_used.is_zero() {
                used.push(format!("{} {}", hours(m.reserve_used), t("из резерва", "from the reserve")));
            }
            if !m.extra_hours.is_zero() {
                used.push(format!(
                    "{} {} × {}",
                    hours(m.extra_hours),
                    t("сверх тарифа", "over the tariff"),
                    rubles(m.extra_rate)
                ));
            }
            if used.is_empty() {
                used.push(t("закрытых задач нет", "no closed tasks").to_string());
            }
            let kept = m.reserve_start.saturating_sub(m.reserve_used);
            if m.contract_ends {
                after.push(said(outcome.contract_closed).to_string());
                if !m.reserve_forfeited.is_zero() {
                    after.push(format!("{} {}", said(outcome.reserve_forfeited), hours(m.reserve_forfeited)));
                }
            } else {
                let added = m.reserve_end.saturating_sub(kept);
                if !added.is_zero() {
                    after.push(format!("{} {}", hours(added), said(outcome.to_reserve)));
                }
                if !m.reserve_forfeited.is_zero() {
                    after.push(format!("{} {}", said(outcome.over_cap), hours(m.reserve_forfeited)));
                }
            }
        }
    }
    if m.phase == Phase::Trial && m.contract_ends {
        after.push(said(outcome.contract_closed).to_string());
    }
    let mut text = used.join(", ");
    for part in after {
        text.push_str("; ");
        text.push_str(&part);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use hourbank_domain::{simulate, Contract, Hours, Tariff, Vat};

    /// The statement of «Старт» from 1 January 2027 with these hours (in hundredths).
    fn months(centi: &[i64], end: Option<&str>) -> Vec<MonthStatement> {
        let start = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let end = end.map(|e| NaiveDate::parse_from_str(e, "%Y-%m-%d").unwrap());
        let contract = Contract::new(Tariff::start(), start, end).unwrap();
        let hours: Vec<Hours> = centi.iter().map(|&c| Hours::from_centi(c)).collect();
        simulate(&contract, &hours, Vat::None).unwrap().months
    }

    #[test]
    fn trial_months_are_paid_by_the_hour() {
        let m = months(&[300, 0], None);
        assert_eq!(explain(&m[0]), "пробный месяц: 3\u{a0}ч × 2\u{a0}000,00\u{a0}₽");
        assert_eq!(explain(&m[1]), "пробный месяц: закрытых задач нет");
        assert_eq!(phase_ru(m[0].phase), "пробный");
        assert_eq!(explain_in(&m[0], false, Lang::En), "trial month: 3\u{a0}h × 2\u{a0}000,00\u{a0}₽");
        assert_eq!(phase_in(m[0].phase, Lang::En), "trial");
    }

    #[test]
    fn subscription_months_say_where_the_hours_went() {
        // March 4 h → 6 h to the reserve; April 18 h → 10 + 6 reserve + 2 over;
        // May 0 h → 10 h to the reserve; June 25 h → 10 + 10 + 5 over.
        let m = months(&[0, 0, 400, 1800, 0, 2500], None);
        assert_eq!(explain(&m[2]), "4\u{a0}ч по тарифу; 6\u{a0}ч ушли в резерв");
        assert_eq!(
            explain(&m[3]),
            "10\u{a0}ч по тарифу, 6\u{a0}ч из резерва, 2\u{a0}ч сверх тарифа × 2\u{a0}000,00\u{a0}₽"
        );
        assert_eq!(explain(&m[4]), "закрытых задач нет; 10\u{a0}ч ушли в резерв");
        assert_eq!(explain_in(&m[4], false, Lang::En), "no closed tasks; 10\u{a0}h went to the reserve");
        assert_eq!(
            explain_in(&m[3], false, Lang::En),
            "10\u{a0}h included, 6\u{a0}h from the reserve, 2\u{a0}h over the tariff × 2\u{a0}000,00\u{a0}₽"
        );
        assert_eq!(
            explain(&m[5]),
            "10\u{a0}ч по тарифу, 10\u{a0}ч из резерва, 5\u{a0}ч сверх тарифа × 2\u{a0}000,00\u{a0}₽"
        );
    }

    #[test]
    fn a_full_reserve_forfeits_what_does_not_fit() {
        // March 0 → reserve 10; April 2,75 h → 7,25 unused, reserve stays 10, 7,25 forfeited.
        let m = months(&[0, 0, 0, 275], None);
        assert_eq!(explain(&m[3]), "2,75\u{a0}ч по тарифу; сгорело сверх лимита резерва: 7,25\u{a0}ч");
        // Partly: March 3 h → reserve 7; April 5 h → 3 fit, 2 forfeited.
        let m = months(&[0, 0, 300, 500], None);
        assert_eq!(
            explain(&m[3]),
            "5\u{a0}ч по тарифу; 3\u{a0}ч ушли в резерв; сгорело сверх лимита резерва: 2\u{a0}ч"
        );
    }

    #[test]
    fn the_end_month_forfeits_the_reserve() {
        let m = months(&[0, 0, 725, 1000], Some("2027-04-30"));
        assert_eq!(explain(&m[3]), "10\u{a0}ч по тарифу; договор закрыт; резерв сгорел: 2,75\u{a0}ч");
        let m = months(&[100], Some("2027-01-31"));
        assert_eq!(explain(&m[0]), "пробный месяц: 1\u{a0}ч × 2\u{a0}000,00\u{a0}₽; договор закрыт");
    }

    /// The open month's figures are a forecast until it ends, and its words say so.
    #[test]
    fn an_open_month_says_what_will_happen() {
        let m = months(&[0, 0, 300, 500], None);
        assert_eq!(
            explain_as(&m[3], false, Lang::Ru, &FORECAST),
            "5\u{a0}ч по тарифу; 3\u{a0}ч уйдут в резерв; сгорит сверх лимита резерва: 2\u{a0}ч"
        );
        assert_eq!(
            explain_as(&m[3], false, Lang::En, &FORECAST),
            "5\u{a0}h included; 3\u{a0}h will go to the reserve; will be forfeited over the reserve cap: 2\u{a0}h"
        );
        let m = months(&[0, 0, 725, 1000], Some("2027-04-30"));
        assert_eq!(
            explain_as(&m[3], false, Lang::Ru, &FORECAST),
            "10\u{a0}ч по тарифу; договор закончится; резерв сгорит: 2,75\u{a0}ч"
        );
    }
}
