//! The trial demo for sales: the offer's terms, one slide each, with the current scenario's
//! figures. Plain text built here; the presenter view only shows one slide at a time.

use hourbank_domain::format::{hours, period_ru, rubles};
use hourbank_domain::{Hours, Money, Phase, Vat};

use crate::calculator::Calculation;
use crate::csv::vat_label;

/// One slide: a heading in the offer's words and lines with the scenario's numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slide {
    pub title: String,
    pub lines: Vec<String>,
}

/// Where a key takes the presenter from slide `at` of `count`; `None` for other keys.
pub fn key_target(key: &str, at: usize, count: usize) -> Option<usize> {
    let last = count.saturating_sub(1);
    match key {
        "ArrowRight" | "ArrowDown" | "PageDown" | " " | "Enter" => Some((at + 1).min(last)),
        "ArrowLeft" | "ArrowUp" | "PageUp" | "Backspace" => Some(at.saturating_sub(1)),
        "Home" => Some(0),
        "End" => Some(last),
        _ => None,
    }
}

/// `2 месяца`, `1 месяц`, `5 месяцев`.
pub fn months_word(n: u32) -> String {
    let word = match (n % 10, n % 100) {
        (_, 11..=14) => "месяцев",
        (1, _) => "месяц",
        (2..=4, _) => "месяца",
        _ => "месяцев",
    };
    format!("{n} {word}")
}

/// The slides for a computed scenario.
pub fn slides(c: &Calculation) -> Vec<Slide> {
    let t = &c.tariff;
    let months = &c.statement.months;
    let s = &c.statement.summary;
    let mut out = Vec::new();

    let trial: Vec<_> = months.iter().filter(|m| m.phase == Phase::Trial).collect();
    let mut lines: Vec<String> = trial
        .iter()
        .map(|m| {
            format!(
                "{}: {} × {} = {}",
                period_ru(m.period),
                hours(m.hours),
                rubles(m.extra_rate),
                rubles(m.extra_charge)
            )
        })
        .collect();
    if trial.is_empty() {
        lines.push("В этом сценарии пробных месяцев нет.".into());
    } else {
        let paid: Money = trial.iter().map(|m| m.extra_charge).sum();
        lines.push(format!("Абонентской платы в эти месяцы нет; за закрытые задачи — {}", rubles(paid)));
    }
    out.push(Slide {
        title: format!(
            "Первые {} — без абонентской платы! Оплата только за закрытые задачи",
            months_word(t.trial_months)
        ),
        lines,
    });

    let first_sub = months.iter().find(|m| m.phase == Phase::Subscription);
    let subscription = months.iter().filter(|m| m.phase == Phase::Subscription).count();
    out.push(Slide {
        title: format!("Абонентская плата — {} в месяц, включено {}", rubles(t.monthly_fee), hours(t.included_hours)),
        lines: match first_sub {
            Some(m) => vec![
                format!(
                    "Первый месяц абонемента — {}; в сценарии {} × {}",
                    period_ru(m.period),
                    months_word(subscription as u32),
                    rubles(t.monthly_fee)
                ),
                format!("Абонентская плата за период: {}", rubles(s.fees)),
            ],
            None => vec!["В этом сценарии все месяцы — пробные.".into()],
        },
    });

    let peak = months.iter().map(|m| m.reserve_end).max().unwrap_or(Hours::ZERO);
    let used: Hours = months.iter().map(|m| m.reserve_used).sum();
    let mut lines = vec![
        format!("Больше всего в резерве: {} (лимит {})", hours(peak), hours(t.reserve_cap)),
        format!("Из резерва оплачено часов: {}", hours(used)),
    ];
    if !s.reserve_forfeited.is_zero() {
        lines.push(format!("Сверх лимита резерва сгорело: {}", hours(s.reserve_forfeited)));
    }
    out.push(Slide {
        title: format!("Не выработанные часы копятся в резерве — до {}", hours(t.reserve_cap)), lines
    });

    let ceiling = t.max_hours_without_extra();
    let covered = months
        .iter()
        .filter(|m| m.phase == Phase::Subscription && m.hours > t.included_hours && m.extra_hours.is_zero())
        .count();
    let busiest = months.iter().filter(|m| m.phase == Phase::Subscription).map(|m| m.hours).max();
    out.push(Slide {
        title: format!(
            "До {} в месяц без доплаты ({} резерв + {} по тарифу)",
            hours(ceiling),
            hours(t.reserve_cap),
            hours(t.included_hours)
        ),
        lines: vec![
            format!("Месяцев сверх {} без доплаты, за счёт резерва: {covered}", hours(t.included_hours)),
            format!("Самый загруженный месяц абонемента: {}", busiest.map_or_else(|| "—".into(), hours)),
        ],
    });

    let overage: Hours = months.iter().filter(|m| m.phase == Phase::Subscription).map(|m| m.extra_hours).sum();
    let overage_paid: Money = months.iter().filter(|m| m.phase == Phase::Subscription).map(|m| m.extra_charge).sum();
    out.push(Slide {
        title: format!("Час сверх тарифа — {}", rubles(t.overage_rate)),
        lines: vec![format!("Часов сверх тарифа за период: {} — {}", hours(overage), rubles(overage_paid))],
    });

    let mut lines = vec![
        format!("Итого за {}: {}", months_word(months.len() as u32), rubles(s.total)),
        format!("Закрыто часов: {}", hours(s.hours)),
        format!("Средняя цена часа: {}", s.effective_rate.map_or_else(|| "—".into(), rubles)),
    ];
    if c.vat != Vat::None {
        lines.insert(1, format!("{}: {}; итого с НДС: {}", vat_label(c.vat), rubles(s.vat), rubles(s.total_with_vat)));
    }
    out.push(Slide { title: "Ваш сценарий целиком".into(), lines });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calculator::{CalculatorForm, Outcome};
    use crate::link::decode;
    use chrono::NaiveDate;

    fn calc(query: &str) -> Calculation {
        let f = decode(query, CalculatorForm::new(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()));
        match f.evaluate() {
            Outcome::Statement(c) => *c,
            Outcome::Invalid(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn keys_move_between_slides_within_bounds() {
        assert_eq!(key_target("ArrowRight", 0, 6), Some(1));
        assert_eq!(key_target("PageDown", 5, 6), Some(5));
        assert_eq!(key_target("PageUp", 0, 6), Some(0));
        assert_eq!(key_target("ArrowLeft", 3, 6), Some(2));
        assert_eq!(key_target("Home", 4, 6), Some(0));
        assert_eq!(key_target("End", 1, 6), Some(5));
        assert_eq!(key_target("a", 1, 6), None);
        assert_eq!(months_word(1), "1 месяц");
        assert_eq!(months_word(2), "2 месяца");
        assert_eq!(months_word(7), "7 месяцев");
        assert_eq!(months_word(12), "12 месяцев");
        assert_eq!(months_word(22), "22 месяца");
    }

    #[test]
    fn the_slides_carry_the_scenarios_figures() {
        let s = slides(&calc("start=2027-01-01&h=3,12.5,20,7.25,0,0,30&tariff=start"));
        assert_eq!(s.len(), 6);
        assert_eq!(s[0].title, "Первые 2 месяца — без абонентской платы! Оплата только за закрытые задачи");
        assert_eq!(s[0].lines[0], "январь 2027: 3\u{a0}ч × 2\u{a0}000,00\u{a0}₽ = 6\u{a0}000,00\u{a0}₽");
        assert_eq!(s[0].lines[2], "Абонентской платы в эти месяцы нет; за закрытые задачи — 31\u{a0}000,00\u{a0}₽");
        assert_eq!(s[1].lines[0], "Первый месяц абонемента — март 2027; в сценарии 5 месяцев × 20\u{a0}000,00\u{a0}₽");
        assert_eq!(s[1].lines[1], "Абонентская плата за период: 100\u{a0}000,00\u{a0}₽");
        // April leaves 2,75 h; May fills to the cap (2,75 h forfeited), June forfeits 10; July uses all 10.
        assert_eq!(s[2].lines[0], "Больше всего в резерве: 10\u{a0}ч (лимит 10\u{a0}ч)");
        assert_eq!(s[2].lines[1], "Из резерва оплачено часов: 10\u{a0}ч");
        assert_eq!(s[2].lines[2], "Сверх лимита резерва сгорело: 12,75\u{a0}ч");
        assert_eq!(s[3].title, "До 20\u{a0}ч в месяц без доплаты (10\u{a0}ч резерв + 10\u{a0}ч по тарифу)");
        assert_eq!(s[3].lines[1], "Самый загруженный месяц абонемента: 30\u{a0}ч");
        // March 10 h over, July 10 h over.
        assert_eq!(s[4].lines[0], "Часов сверх тарифа за период: 20\u{a0}ч — 40\u{a0}000,00\u{a0}₽");
        assert_eq!(s[5].lines[0], "Итого за 7 месяцев: 171\u{a0}000,00\u{a0}₽");
        let vat = slides(&calc("start=2027-01-01&h=0,0,15&vat=on_top:22&tariff=start"));
        assert_eq!(vat[5].lines[1], "НДС 22%: 6\u{a0}600,00\u{a0}₽; итого с НДС: 36\u{a0}600,00\u{a0}₽");
        assert_eq!(vat[3].lines[0], "Месяцев сверх 10\u{a0}ч без доплаты, за счёт резерва: 0");
    }
}
