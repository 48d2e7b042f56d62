//! The trial demo for sales: the offer's terms, one slide each, with the current scenario's
//! figures. Plain text built here; the presenter view only shows one slide at a time.

use hourbank_domain::format::rubles;
use hourbank_domain::{Hours, Money, Phase, Vat};

use crate::calculator::Calculation;
use crate::csv::vat_label_in;
use crate::i18n::Lang;
use crate::table::period_in;

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

/// `2 месяца` / `2 months`.
fn months_in(n: u32, lang: Lang) -> String {
    match lang {
        Lang::Ru => months_word(n),
        Lang::En if n == 1 => "1 month".into(),
        Lang::En => format!("{n} months"),
    }
}

/// The slides for a computed scenario, in the interface's language.
pub fn slides(c: &Calculation, lang: Lang) -> Vec<Slide> {
    let l = |ru, en| lang.pick(ru, en);
    let hours = |h| lang.hours(h);
    let t = &c.tariff;
    let months = &c.statement.months;
    let s = &c.statement.summary;
    let mut out = Vec::new();

    let trial: Vec<_> = months.iter().filter(|m| m.phase == Phase::Trial).collect();
    let mut lines: Vec<String> = trial
        .iter()
        .enumerate()
        .map(|(i, m)| {
            // A start after the 1st makes one more month a trial one: the offer's months are whole.
            let part = if i == 0 && c.partial_start {
                l(" (неполный месяц — как пробный, сверх пробных)", " (a part month, billed as a trial one on top)")
            } else {
                ""
            };
            format!(
                "{}{part}: {} × {} = {}",
                period_in(m.period, lang),
                hours(m.hours),
                rubles(m.extra_rate),
                rubles(m.extra_charge)
            )
        })
        .collect();
    // What the amounts leave out or hold: with VAT on top every slide's sum is before it, and
    // the client pays more; included, it is in them.
    let tax = match c.vat {
        Vat::OnTop(_) => l(" без НДС", " before VAT"),
        Vat::Included(_) => l(" с НДС", " with VAT"),
        Vat::None => "",
    };
    let money = |m: Money| format!("{}{tax}", rubles(m));
    if trial.is_empty() {
        lines.push(l("В этом сценарии пробных месяцев нет.", "This scenario has no trial months.").into());
    } else {
        let paid: Money = trial.iter().map(|m| m.extra_charge).sum();
        lines.push(format!(
            "{} {}",
            l("Абонентской платы в эти месяцы нет; за закрытые задачи —", "No fee in these months; closed tasks cost"),
            money(paid)
        ));
    }
    out.push(Slide {
        title: match (lang, t.trial_months) {
            (_, 0) => l("Пробного периода нет", "No trial period").to_string(),
            (Lang::Ru, 1) => "Первый месяц — без абонентской платы! Оплата только за закрытые задачи".to_string(),
            (Lang::Ru, n) => {
                format!("Первые {} — без абонентской платы! Оплата только за закрытые задачи", months_word(n))
            }
            (Lang::En, n) => format!("The first {} without a fee! Only closed tasks are paid", months_in(n, lang)),
        },
        lines,
    });

    let first_sub = months.iter().find(|m| m.phase == Phase::Subscription);
    let subscription = months.iter().filter(|m| m.phase == Phase::Subscription).count();
    out.push(Slide {
        title: format!(
            "{} — {} {}, {} {}",
            l("Абонентская плата", "Subscription fee"),
            money(t.monthly_fee),
            l("в месяц", "a month"),
            l("включено", "including"),
            hours(t.included_hours)
        ),
        lines: match first_sub {
            Some(m) => vec![
                format!(
                    "{} — {}; {} {} × {}",
                    l("Первый месяц абонемента", "The first subscription month"),
                    period_in(m.period, lang),
                    l("в сценарии", "in this scenario"),
                    months_in(subscription as u32, lang),
                    money(t.monthly_fee)
                ),
                format!("{} {}", l("Абонентская плата за период:", "Fees for the period:"), money(s.fees)),
            ],
            None => vec![l("В этом сценарии все месяцы — пробные.", "Every month of this scenario is a trial month.").into()],
        },
    });

    let peak = months.iter().map(|m| m.reserve_end).max().unwrap_or(Hours::ZERO);
    let used: Hours = months.iter().map(|m| m.reserve_used).sum();
    let mut lines = vec![
        format!(
            "{} {} ({} {})",
            l("Больше всего в резерве:", "Most in the reserve:"),
            hours(peak),
            l("лимит", "cap"),
            hours(t.reserve_cap)
        ),
        format!("{} {}", l("Из резерва оплачено часов:", "Hours paid from the reserve:"), hours(used)),
    ];
    if !s.reserve_forfeited.is_zero() {
        lines.push(format!(
            "{} {}",
            l("Сверх лимита резерва сгорело:", "Forfeited over the reserve cap:"),
            hours(s.reserve_forfeited)
        ));
    }
    out.push(Slide {
        title: format!(
            "{} {}",
            l("Не выработанные часы копятся в резерве — до", "Unused hours are kept in a reserve of up to"),
            hours(t.reserve_cap)
        ),
        lines,
    });

    let ceiling = t.max_hours_without_extra();
    let covered = months
        .iter()
        .filter(|m| m.phase == Phase::Subscription && m.hours > t.included_hours && m.extra_hours.is_zero())
        .count();
    let busiest = months.iter().filter(|m| m.phase == Phase::Subscription).map(|m| m.hours).max();
    out.push(Slide {
        title: match lang {
            Lang::Ru => format!(
                "До {} в месяц без доплаты ({} резерв + {} по тарифу)",
                hours(ceiling),
                hours(t.reserve_cap),
                hours(t.included_hours)
            ),
            Lang::En => format!(
                "Up to {} a month with nothing extra to pay ({} reserve + {} included)",
                hours(ceiling),
                hours(t.reserve_cap),
                hours(t.included_hours)
            ),
        },
        lines: vec![
            match lang {
                Lang::Ru => {
                    format!("Месяцев сверх {} без доплаты, за счёт резерва: {covered}", hours(t.included_hours))
                }
                Lang::En => {
                    format!("Months over {} paid by the reserve, nothing extra: {covered}", hours(t.included_hours))
                }
            },
            format!(
                "{} {}",
                l("Самый загруженный месяц абонемента:", "The busiest subscription month:"),
                busiest.map_or_else(|| "—".into(), hours)
            ),
        ],
    });

    let overage: Hours = months.iter().filter(|m| m.phase == Phase::Subscription).map(|m| m.extra_hours).sum();
    let overage_paid: Money = months.iter().filter(|m| m.phase == Phase::Subscription).map(|m| m.extra_charge).sum();
    out.push(Slide {
        title: format!("{} — {}", l("Час сверх тарифа", "An hour over the tariff"), money(t.overage_rate)),
        lines: vec![format!(
            "{} {} — {}",
            l("Часов сверх тарифа за период:", "Hours over the tariff in the period:"),
            hours(overage),
            money(overage_paid)
        )],
    });

    let mut lines = vec![
        format!("{} {}: {}", l("Итого за", "Total for"), months_in(months.len() as u32, lang), money(s.total)),
        format!("{} {}", l("Закрыто часов:", "Hours closed:"), hours(s.hours)),
        format!(
            "{} {}",
            l("Средняя цена часа:", "Average price of an hour:"),
            s.effective_rate.map_or_else(|| "—".into(), rubles)
        ),
    ];
    if c.vat != Vat::None {
        lines.insert(
            1,
            format!(
                "{}: {}; {} {}",
                vat_label_in(c.vat, lang),
                rubles(s.vat),
                l("итого с НДС:", "total with VAT:"),
                rubles(s.total_with_vat)
            ),
        );
    }
    out.push(Slide { title: l("Ваш сценарий целиком", "Your whole scenario").into(), lines });
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
        let s = slides(&calc("start=2027-01-01&h=3,12.5,20,7.25,0,0,30&tariff=start"), Lang::Ru);
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
        let vat = slides(&calc("start=2027-01-01&h=0,0,15&vat=on_top:22&tariff=start"), Lang::Ru);
        let en = slides(&calc("start=2027-01-01&h=0,0,15&vat=on_top:22&tariff=start"), Lang::En);
        assert_eq!(en[0].title, "The first 2 months without a fee! Only closed tasks are paid");
        assert_eq!(
            en[1].lines[0],
            "The first subscription month — March 2027; in this scenario 1 month × 20\u{a0}000,00\u{a0}₽ before VAT"
        );
        // With VAT on top every sum on the slides is before it, and says so; the last slide adds it.
        assert_eq!(vat[1].lines[1], "Абонентская плата за период: 20\u{a0}000,00\u{a0}₽ без НДС");
        assert_eq!(vat[5].lines[0], "Итого за 3 месяца: 30\u{a0}000,00\u{a0}₽ без НДС");
        assert_eq!(en[5].lines[1], "VAT 22%: 6\u{a0}600,00\u{a0}₽; total with VAT: 36\u{a0}600,00\u{a0}₽");
        assert_eq!(vat[5].lines[1], "НДС 22%: 6\u{a0}600,00\u{a0}₽; итого с НДС: 36\u{a0}600,00\u{a0}₽");
        assert_eq!(vat[3].lines[0], "Месяцев сверх 10\u{a0}ч без доплаты, за счёт резерва: 0");
    }

    /// A start after the 1st adds a part month billed as a trial one, and says so; one trial month
    /// or none reads as Russian, not «Первые 1 месяц».
    #[test]
    fn the_trial_slide_explains_a_part_month_and_counts_in_words() {
        let s = slides(&calc("start=2027-01-15&h=3,12.5,20&tariff=start"), Lang::Ru);
        assert_eq!(s[0].title, "Первые 2 месяца — без абонентской платы! Оплата только за закрытые задачи");
        assert!(
            s[0].lines[0].starts_with("январь 2027 (неполный месяц — как пробный, сверх пробных): 3"),
            "{:?}",
            s[0].lines
        );
        assert!(s[0].lines[1].starts_with("февраль 2027: 12,5"), "{:?}", s[0].lines);
        let base = "start=2027-01-01&h=3,12.5&tariff=custom&fee=20000&incl=10&over=2000&cap=10&trate=2000";
        let one = slides(&calc(&format!("{base}&trial=1")), Lang::Ru);
        assert_eq!(one[0].title, "Первый месяц — без абонентской платы! Оплата только за закрытые задачи");
        let none = slides(&calc(&format!("{base}&trial=0")), Lang::Ru);
        assert_eq!(none[0].title, "Пробного периода нет");
        assert_eq!(none[0].lines, ["В этом сценарии пробных месяцев нет."]);
    }
}
