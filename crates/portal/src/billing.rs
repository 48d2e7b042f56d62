//! What the portal says about where work bills (`shared/domain.md`, "Billing invariants"): a
//! task accepted in a closed month («принята 31.03, в счёте за апрель: март уже закрыт»),
//! approved work cancelled or written off, warranty work, and the hours a client may still close this month
//! without paying extra. Plain functions, tested natively; the pages only show their text.

use hourbank_domain::{Hours, MonthStatement, Period, Tariff};

use crate::format::{day_text, instant_text};
use crate::i18n::Lang;
use crate::model::{Consultation, ReportTask, Task};

/// This month in Moscow, the company's calendar (the browser's clock).
#[cfg(target_arch = "wasm32")]
pub fn today_period() -> Period {
    let today = crate::pages::task::today();
    hourbank_domain::parse_date("today", &today)
        .map(Period::of)
        .unwrap_or_else(|_| Period::new(2000, 1).expect("a valid period"))
}

/// «апрель 2027» / «April 2027» — in a sentence, after «за» (the nominative reads right there:
/// «в счёте за апрель 2027»).
pub fn month_name(period: Period, lang: Lang) -> String {
    hourbank_web::table::period_in(period, lang)
}

/// The day of an instant, in Moscow, as the interface writes dates.
fn day_of(instant: &str) -> String {
    instant_text(instant).split(' ').next().unwrap_or_default().trim_end_matches(',').to_string()
}

/// «принята 31.03.2027, в счёте за апрель 2027: март 2027 уже закрыт».
fn late_sentence(
    settled: &str,
    verb_ru: &str,
    verb_en: &str,
    billed_in: Period,
    late_from: Period,
    lang: Lang,
) -> String {
    match lang {
        Lang::Ru => format!(
            "{verb_ru} {}, в счёте за {}: {} уже закрыт",
            day_of(settled),
            month_name(billed_in, lang),
            month_name(late_from, lang)
        ),
        Lang::En => format!(
            "{verb_en} {}, billed in {}: {} was already closed",
            day_of(settled),
            month_name(billed_in, lang),
            month_name(late_from, lang)
        ),
    }
}

/// The day a consultation is listed with: «31.03.2027», or, when a later month's report lists
/// it because its own month was closed before it was logged, «31.03.2027 (месяц уже был
/// закрыт)».
pub fn consultation_day(consultation: &Consultation, lang: Lang) -> String {
    let mut day = day_text(consultation.date);
    if let Some(month) = consultation.billed_in {
        let month = month_name(month, lang);
        day += &match lang {
            Lang::Ru => format!(" (месяц уже был закрыт: в отчёте за {month})"),
            Lang::En => format!(" (its month was already closed: in the report for {month})"),
        };
    }
    day
}

/// How a task in a month's report came to bill there.
pub fn report_note(task: &ReportTask, lang: Lang) -> String {
    use hourbank_domain::Settlement::{CancelledApproved, WrittenOff};
    let written_off = task.settlement == Some(WrittenOff);
    let cancelled = task.settlement == Some(CancelledApproved);
    let (verb_ru, verb_en, at) = if written_off {
        ("работа списана", "work written off", task.cancelled_at.as_deref())
    } else if cancelled {
        ("отменена после согласования", "cancelled after approval", task.cancelled_at.as_deref())
    } else {
        ("принята", "accepted", task.accepted_at.as_deref())
    };
    let at = at.unwrap_or_default();
    let mut note = match &task.late_from {
        Some(late) => match lang {
            Lang::Ru => format!("{verb_ru} {}: {} уже был закрыт", day_of(at), month_name(*late, lang)),
            Lang::En => format!("{verb_en} {}: {} was already closed", day_of(at), month_name(*late, lang)),
        },
        None => format!("{} {}", lang.pick(verb_ru, verb_en), instant_text(at)),
    };
    if cancelled {
        note.push_str(lang.pick(
            "; к оплате затраченные часы, не более согласованной оценки",
            "; the hours logged bill, up to the approved estimate",
        ));
    }
    if let Some(of) = task.warranty_of {
        note.push_str(&match lang {
            Lang::Ru => format!("; гарантийные работы по задаче №{of}: 0 ч к оплате"),
            Lang::En => format!("; warranty work on task #{of}: 0 h billed"),
        });
    }
    // The staff's own words last, so that nothing after them reads as part of them.
    if written_off {
        let reason = task.write_off_comment.as_deref().unwrap_or_default();
        note.push_str(&match lang {
            Lang::Ru => format!("; 0 ч к оплате; причина: {reason}"),
            Lang::En => format!("; 0 h billed; reason: {reason}"),
        });
    }
    note
}

/// Where a settled task bills, for its own page (written-off work: the report that lists it at
/// 0 h); none while it is open or bills nothing.
pub fn task_note(task: &Task, lang: Lang) -> Option<String> {
    if task.written_off
        && let (Some(at), Some(period)) = (&task.cancelled_at, task.cancelled_period)
    {
        let month = month_name(period, lang);
        return Some(match lang {
            Lang::Ru => format!("Работа списана {}, в отчёте за {month}: 0 ч к оплате", day_of(at)),
            Lang::En => format!("Work written off {}, in the report for {month}: 0 h billed", day_of(at)),
        });
    }
    let (settled, billed_in, verb_ru, verb_en) =
        match (&task.accepted_at, &task.accepted_period, &task.cancelled_at, &task.cancelled_period) {
            // Capitalised here: `char::to_uppercase` would bring Unicode's 12 kB case table into the wasm.
            (Some(at), Some(period), _, _) => (at, period, "Принята", "Accepted"),
            (_, _, Some(at), Some(period)) => (at, period, "Отменена после согласования", "Cancelled after approval"),
            _ => return None,
        };
    let billed_in = *billed_in;
    let mut note = match &task.late_from {
        Some(late) => late_sentence(settled, verb_ru, verb_en, billed_in, *late, lang),
        None => match lang {
            Lang::Ru => format!("{verb_ru} {}, в счёте за {}", day_of(settled), month_name(billed_in, lang)),
            Lang::En => format!("{verb_en} {}, billed in {}", day_of(settled), month_name(billed_in, lang)),
        },
    };
    if task.warranty_of.is_some() {
        note.push_str(lang.pick(" (гарантийные работы: 0 ч к оплате)", " (warranty work: 0 h billed)"));
    }
    Some(note)
}

/// «до 09.04.2027» on an accepted task, under the heading «Гарантия».
pub fn warranty_note(task: &Task, lang: Lang) -> Option<String> {
    let until = task.warranty_until?;
    Some(format!("{} {}", lang.pick("до", "until"), day_text(until)))
}

/// Whether `date` (`YYYY-MM-DD`) falls in a trial month of the organisation's contract, where a
/// consultation is never billable («Оплата только за закрытые задачи»).
pub fn in_trial(org: &crate::model::Org, date: &str) -> bool {
    let Ok((contract, _)) = crate::preview::contract_of(org) else { return false };
    let Ok(day) = hourbank_domain::parse_date("date", date) else { return false };
    contract.month_of(Period::of(day)).is_some_and(|m| m.phase == hourbank_domain::Phase::Trial)
}

/// The month's figures a client needs before asking for more work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeHours {
    /// Included hours left plus reserve left: closed this month, they cost nothing extra.
    pub free: Hours,
    /// The reserve that can be used now.
    pub reserve_now: Hours,
    /// The reserve at the month's end if nothing more is accepted: a projection.
    pub reserve_projected: Hours,
}

impl FreeHours {
    /// None in a trial month, where every hour is paid one by one.
    pub fn of(tariff: &Tariff, month: &MonthStatement) -> Option<FreeHours> {
        let free = hourbank_domain::hours_free(tariff, month)?;
        Some(FreeHours {
            free,
            reserve_now: month.reserve_start.saturating_sub(month.reserve_used),
            reserve_projected: month.reserve_end,
        })
    }

    /// «Можно ещё без доплаты: 14 ч».
    pub fn sentence(&self, lang: Lang) -> String {
        format!("{}: {}", lang.pick("Можно ещё без доплаты", "Still free this month"), lang.hours(self.free))
    }
}

/// A month's statement as the report lists it: label, value. In an `open` month the reserve at
/// its end and what burns are what the hours accepted so far would leave: a projection, said so.
pub fn statement_lines(m: &MonthStatement, open: bool, lang: Lang) -> Vec<(&'static str, String)> {
    let t = |ru: &'static str, en: &'static str| lang.pick(ru, en);
    let mut lines = vec![(t("Часов принято", "Hours accepted"), lang.hours(m.hours))];
    if m.phase == hourbank_domain::Phase::Subscription {
        lines.extend([
            (t("Из них по тарифу", "Of them included"), lang.hours(m.included_used)),
            (t("Резерв на начало", "Reserve at start"), lang.hours(m.reserve_start)),
            (t("Из резерва", "From the reserve"), lang.hours(m.reserve_used)),
            (
                if open {
                    t("Резерв на конец (прогноз)", "Reserve at end (projected)")
                } else {
                    t("Резерв на конец", "Reserve at end")
                },
                lang.hours(m.reserve_end),
            ),
            (t("Абонентская плата", "Monthly fee"), hourbank_domain::format::rubles(m.fee)),
        ]);
        if !m.reserve_forfeited.is_zero() {
            let label = if open {
                t("Сгорит (прогноз)", "To be forfeited (projected)")
            } else {
                t("Сгорело", "Forfeited")
            };
            lines.push((label, lang.hours(m.reserve_forfeited)));
        }
    }
    // A trial month has no tariff to go over: its hours are paid one by one (the offer's «оплата
    // только за закрытые задачи»).
    let (hours, charge) = if m.phase == hourbank_domain::Phase::Trial {
        (t("Часов по часовой ставке", "Hours paid by the hour"), t("За часы", "For the hours"))
    } else {
        (t("Часов сверх тарифа", "Extra hours"), t("За часы сверх тарифа", "Extra hours charge"))
    };
    lines.extend([
        (hours, format!("{} × {}", lang.hours(m.extra_hours), hourbank_domain::format::rubles(m.extra_rate))),
        (charge, hourbank_domain::format::rubles(m.extra_charge)),
        (t("Итого", "Total"), hourbank_domain::format::rubles(m.total)),
    ]);
    if !m.vat.is_zero() {
        // Included in the prices, the total with VAT is the total; on top, it is added.
        if m.total_with_vat == m.total {
            lines.push((t("В том числе НДС", "Of which VAT"), hourbank_domain::format::rubles(m.vat)));
        } else {
            lines.push((t("НДС", "VAT"), hourbank_domain::format::rubles(m.vat)));
            lines.push((t("Всего к оплате", "Total to pay"), hourbank_domain::format::rubles(m.total_with_vat)));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use hourbank_domain::{parse_date, statement_through, ClosedMonth, Contract, Vat};
    use std::collections::BTreeMap;

    /// «Старт» from 1 January 2027 with these hours, under `vat`.
    fn statement(hours: &[i64], vat: Vat) -> Vec<MonthStatement> {
        let contract = Contract::new(Tariff::start(), parse_date("start", "2027-01-01").unwrap(), None).unwrap();
        let hours: Vec<Hours> = hours.iter().map(|&h| Hours::from_centi(h * 100)).collect();
        hourbank_domain::simulate(&contract, &hours, vat).unwrap().months
    }

    fn labels(m: &MonthStatement, lang: Lang) -> Vec<&'static str> {
        statement_lines(m, false, lang).into_iter().map(|(label, _)| label).collect()
    }

    #[test]
    fn a_trial_months_hours_are_paid_by_the_hour_not_over_the_tariff() {
        let months = statement(&[3, 0, 25], Vat::None);
        let trial = statement_lines(&months[0], false, Lang::Ru);
        assert_eq!(trial[1], ("Часов по часовой ставке", "3\u{a0}ч × 2\u{a0}000,00\u{a0}₽".to_string()));
        assert_eq!(trial[2], ("За часы", "6\u{a0}000,00\u{a0}₽".to_string()));
        assert!(!labels(&months[0], Lang::Ru).iter().any(|l| l.contains("сверх")));
        assert!(labels(&months[2], Lang::Ru).contains(&"Часов сверх тарифа"));
        assert!(labels(&months[0], Lang::En).contains(&"Hours paid by the hour"));
    }

    /// An open month's reserve at its end and what burns are projections, and say so.
    #[test]
    fn an_open_months_forfeit_is_a_projection() {
        // 0 h in the first subscription month: 10 h to the reserve; the next, 0 h again: 10 burn.
        let months = statement(&[0, 0, 0, 0], Vat::None);
        let open = statement_lines(&months[3], true, Lang::Ru);
        assert!(open.contains(&("Сгорит (прогноз)", "10\u{a0}ч".to_string())), "{open:?}");
        assert!(open.iter().any(|(l, _)| *l == "Резерв на конец (прогноз)"), "{open:?}");
        let closed = statement_lines(&months[3], false, Lang::Ru);
        assert!(closed.contains(&("Сгорело", "10\u{a0}ч".to_string())), "{closed:?}");
    }

    #[test]
    fn vat_reads_as_the_documents_say_it_in_each_mode() {
        let rate = hourbank_domain::VatRate::GENERAL;
        let on_top = statement(&[0, 0, 10], Vat::OnTop(rate));
        let lines = statement_lines(&on_top[2], false, Lang::Ru);
        let tail: Vec<_> = lines.iter().rev().take(3).rev().cloned().collect();
        assert_eq!(
            tail,
            [
                ("Итого", "20\u{a0}000,00\u{a0}₽".to_string()),
                ("НДС", "4\u{a0}400,00\u{a0}₽".to_string()),
                ("Всего к оплате", "24\u{a0}400,00\u{a0}₽".to_string())
            ]
        );
        let included = statement(&[0, 0, 10], Vat::Included(rate));
        let lines = statement_lines(&included[2], false, Lang::Ru);
        assert_eq!(lines.last().unwrap().0, "В том числе НДС");
        assert_eq!(lines[lines.len() - 2], ("Итого", "20\u{a0}000,00\u{a0}₽".to_string()));
        assert!(statement_lines(&statement(&[0, 0, 10], Vat::None)[2], false, Lang::Ru)
            .iter()
            .all(|(l, _)| !l.contains("НДС")));
    }

    fn report_task(json: serde_json::Value) -> ReportTask {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_late_acceptance_says_which_month_was_closed() {
        let task = report_task(serde_json::json!({
            "id": 7, "title": "Отчёт", "accepted_at": "2027-03-31T10:00:00.000Z", "logged": "2", "approved_estimate": "2",
            "billed": "2", "worklogs": [], "settlement": "accepted", "late_from": "2027-03"
        }));
        assert_eq!(report_note(&task, Lang::Ru), "принята 31.03.2027: март 2027 уже был закрыт");
        assert_eq!(report_note(&task, Lang::En), "accepted 31.03.2027: March 2027 was already closed");
    }

    #[test]
    fn a_frozen_entry_from_before_reads_as_accepted() {
        let task = report_task(serde_json::json!({
            "id": 7, "title": "Отчёт", "accepted_at": "2027-03-10T10:00:00.000Z", "logged": "2", "approved_estimate": "2",
            "billed": "2", "worklogs": []
        }));
        assert!(report_note(&task, Lang::Ru).starts_with("принята 10.03.2027"), "{}", report_note(&task, Lang::Ru));
    }

    #[test]
    fn cancelled_approved_work_and_warranty_work_say_what_they_bill() {
        let task = report_task(serde_json::json!({
            "id": 8, "title": "Обмен", "accepted_at": null, "logged": "3", "approved_estimate": "2", "billed": "2",
            "worklogs": [], "settlement": "cancelled_approved", "cancelled_at": "2027-04-02T10:00:00.000Z"
        }));
        let note = report_note(&task, Lang::Ru);
        assert!(note.starts_with("отменена после согласования 02.04.2027"), "{note}");
        assert!(note.ends_with("к оплате затраченные часы, не более согласованной оценки"), "{note}");
        let warranty = report_task(serde_json::json!({
            "id": 9, "title": "Гарантия", "accepted_at": "2027-04-03T10:00:00.000Z", "logged": "1.5", "approved_estimate": "2",
            "billed": "0", "worklogs": [], "settlement": "accepted", "warranty_of": 7
        }));
        assert!(report_note(&warranty, Lang::Ru).ends_with("гарантийные работы по задаче №7: 0 ч к оплате"));
        let written_off = report_task(serde_json::json!({
            "id": 10, "title": "Обмен", "accepted_at": null, "logged": "3", "approved_estimate": "2", "billed": "0",
            "worklogs": [], "settlement": "written_off", "cancelled_at": "2027-04-02T10:00:00.000Z",
            "write_off_comment": "Клиент отказался"
        }));
        let note = report_note(&written_off, Lang::Ru);
        assert!(note.starts_with("работа списана 02.04.2027"), "{note}");
        assert!(note.ends_with("; 0 ч к оплате; причина: Клиент отказался"), "{note}");
    }

    fn task(json: serde_json::Value) -> Task {
        let mut base = serde_json::json!({
            "id": 7, "org_id": 1, "title": "Отчёт", "description": "", "state": "accepted", "specification": null,
            "estimate": "2", "approved_estimate": "2", "deadline": null, "logged": "2", "created_at": "2027-03-01T10:00:00.000Z",
            "created_by": 3, "updated_at": "2027-03-01T10:00:00.000Z", "accepted_at": null, "accepted_period": null
        });
        for (k, v) in json.as_object().unwrap() {
            base[k] = v.clone();
        }
        serde_json::from_value(base).unwrap()
    }

    #[test]
    fn the_task_page_names_the_month_that_bills_it() {
        let late = task(
            serde_json::json!({"accepted_at": "2027-03-31T10:00:00.000Z", "accepted_period": "2027-04", "late_from": "2027-03"}),
        );
        assert_eq!(
            task_note(&late, Lang::Ru).unwrap(),
            "Принята 31.03.2027, в счёте за апрель 2027: март 2027 уже закрыт"
        );
        assert_eq!(
            task_note(&late, Lang::En).unwrap(),
            "Accepted 31.03.2027, billed in April 2027: March 2027 was already closed"
        );
        let on_time =
            task(serde_json::json!({"accepted_at": "2027-03-10T10:00:00.000Z", "accepted_period": "2027-03"}));
        assert_eq!(task_note(&on_time, Lang::Ru).unwrap(), "Принята 10.03.2027, в счёте за март 2027");
        let open = task(serde_json::json!({"state": "in_work"}));
        assert_eq!(task_note(&open, Lang::Ru), None);
        let written_off = task(serde_json::json!({"state": "cancelled", "cancelled_at": "2027-04-02T10:00:00.000Z",
            "cancelled_period": "2027-04", "written_off": true}));
        assert_eq!(
            task_note(&written_off, Lang::Ru).unwrap(),
            "Работа списана 02.04.2027, в отчёте за апрель 2027: 0 ч к оплате"
        );
        let warranty = task(serde_json::json!({"warranty_until": "2027-04-09"}));
        assert_eq!(warranty_note(&warranty, Lang::Ru).unwrap(), "до 09.04.2027");
    }

    #[test]
    fn a_consultation_logged_after_its_month_closed_says_so() {
        let mut consultation: Consultation = serde_json::from_value(serde_json::json!({
            "id": 5, "specialist_name": "Анна", "channel": "phone", "date": "2027-03-31", "duration": "0.5",
            "topic": "Вопрос", "billable": true
        }))
        .unwrap();
        assert_eq!(consultation_day(&consultation, Lang::Ru), "31.03.2027");
        consultation.billed_in = Some(Period::new(2027, 4).unwrap());
        assert_eq!(
            consultation_day(&consultation, Lang::Ru),
            "31.03.2027 (месяц уже был закрыт: в отчёте за апрель 2027)"
        );
        assert_eq!(
            consultation_day(&consultation, Lang::En),
            "31.03.2027 (its month was already closed: in the report for April 2027)"
        );
    }

    #[test]
    fn consultations_in_the_trial_are_never_billable() {
        let org: crate::model::Org = serde_json::from_value(serde_json::json!({
            "id": 1, "name": "ООО", "inn": "7707083893", "tariff_name": "Старт",
            "tariff": {"monthly_fee": "20000.00", "included_hours": "10", "overage_rate": "2000.00", "reserve_cap": "10",
                       "trial_months": 2, "trial_rate": "2000.00"},
            "contract_start": "2027-01-01", "contract_end": null, "vat": {"mode": "none", "rate": null}, "analyst": null
        }))
        .unwrap();
        assert!(in_trial(&org, "2027-02-28"));
        assert!(!in_trial(&org, "2027-03-01"));
        assert!(!in_trial(&org, ""));
    }

    #[test]
    fn free_hours_count_the_reserve_left_not_the_projection() {
        // A 4 h reserve carried in, nothing accepted yet: 10 + 4 = 14 h free, while the reserve
        // projected at the month's end is 10 (the cap).
        let contract = Contract::new(Tariff::start(), parse_date("d", "2027-01-01").unwrap(), None).unwrap();
        let closed = ClosedMonth { period: Period::parse("p", "2027-03").unwrap(), reserve_end: Hours::whole(4) };
        let april = Period::parse("p", "2027-04").unwrap();
        let row =
            statement_through(&contract, Vat::None, Some(closed), &BTreeMap::new(), april).unwrap().pop().unwrap();
        let free = FreeHours::of(&Tariff::start(), &row).unwrap();
        assert_eq!(
            free,
            FreeHours { free: Hours::whole(14), reserve_now: Hours::whole(4), reserve_projected: Hours::whole(10) }
        );
        assert_eq!(free.sentence(Lang::Ru), "Можно ещё без доплаты: 14\u{a0}ч");
    }
}
