//! The statement as CSV for spreadsheets, like the server's report CSV: what Excel in a Russian
//! locale opens as a table — `;`-separated, UTF-8 with a byte-order mark, numbers with a decimal
//! comma (`12,5`, `20000,00`), the interface's language for words — written by the one CSV
//! writer the server uses too (`hourbank_domain::csv`). Months stay `ГГГГ-ММ`, which the
//! comparison's history reads back.

use hourbank_domain::csv::{kept_as_text, line, number};
use hourbank_domain::Vat;

use crate::calculator::Calculation;
use crate::explain::{explain_in, phase_in};
use crate::i18n::Lang;

/// Column headings, Russian and English.
const HEADS: [(&str, &str); 13] = [
    ("Период", "Period"),
    ("Этап", "Phase"),
    ("Часы", "Hours"),
    ("Абонентская плата", "Fee"),
    ("Из тарифа, ч", "Included, h"),
    ("Резерв на начало, ч", "Reserve at start, h"),
    ("Из резерва, ч", "From reserve, h"),
    ("Резерв на конец, ч", "Reserve at end, h"),
    ("Сгорело, ч", "Forfeited, h"),
    ("По часовой ставке, ч", "At the hourly rate, h"),
    ("Ставка", "Rate"),
    ("По часовой ставке, сумма", "At the hourly rate, amount"),
    ("Итого", "Total"),
];

/// The statement's rows (VAT columns only when VAT is on), then its totals.
pub fn statement_csv(c: &Calculation, lang: Lang) -> String {
    let t = |ru, en| lang.pick(ru, en).to_string();
    let with_vat = c.vat != Vat::None;
    let mut header: Vec<String> = HEADS.iter().map(|&(ru, en)| t(ru, en)).collect();
    if with_vat {
        header.push(vat_label_in(c.vat, lang));
        header.push(t("Итого с НДС", "Total with VAT"));
    }
    header.push(t("Пояснение", "Explanation"));
    let mut out = String::from("\u{feff}");
    out += &line(&header);
    for (n, m) in c.statement.months.iter().enumerate() {
        let mut row = vec![
            kept_as_text(&m.period.to_string()),
            phase_in(m.phase, lang).to_string(),
            number(m.hours),
            number(m.fee),
            number(m.included_used),
            number(m.reserve_start),
            number(m.reserve_used),
            number(m.reserve_end),
            number(m.reserve_forfeited),
            number(m.extra_hours),
            number(m.extra_rate),
            number(m.extra_charge),
            number(m.total),
        ];
        if with_vat {
            row.push(number(m.vat));
            row.push(number(m.total_with_vat));
        }
        row.push(explain_in(m, n == 0 && c.partial_start, lang));
        out += &line(&row);
    }
    let s = &c.statement.summary;
    out += "\r\n";
    out += &line(&[t("Итого", "Total"), number(s.total)]);
    if with_vat {
        out += &line(&[vat_label_in(c.vat, lang), number(s.vat)]);
        out += &line(&[t("Итого с НДС", "Total with VAT"), number(s.total_with_vat)]);
    }
    out += &line(&[t("Часов", "Hours"), number(s.hours)]);
    let rate = s.effective_rate.map(number).unwrap_or_default();
    out += &line(&[t("Средняя цена часа", "Average price of an hour"), rate]);
    out
}

/// `НДС 22%` on top, `в т.ч. НДС 22%` when included.
pub fn vat_label(vat: Vat) -> String {
    vat_label_in(vat, crate::i18n::Lang::Ru)
}

/// The VAT label in the interface's language (`VAT 22%`, `incl. VAT 22%`).
pub fn vat_label_in(vat: Vat, lang: crate::i18n::Lang) -> String {
    match vat {
        Vat::None => lang.pick("НДС", "VAT").into(),
        Vat::OnTop(r) => format!("{} {}%", lang.pick("НДС", "VAT"), rate(r, lang)),
        Vat::Included(r) => format!("{} {}%", lang.pick("в т.ч. НДС", "incl. VAT"), rate(r, lang)),
    }
}

/// A rate as the interface writes numbers: `10,5` in Russian.
fn rate(r: hourbank_domain::VatRate, lang: crate::i18n::Lang) -> String {
    let text = r.percent().normalize().to_string();
    match lang {
        crate::i18n::Lang::Ru => text.replace('.', ","),
        crate::i18n::Lang::En => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calculator::{CalculatorForm, Outcome};
    use chrono::NaiveDate;

    fn calc(hours: &[&str], vat: &str) -> Calculation {
        let mut f = CalculatorForm::new(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        f.set_count(&hours.len().to_string());
        f.hours = hours.iter().map(|h| h.to_string()).collect();
        f.vat_mode = vat.into();
        match f.evaluate() {
            Outcome::Statement(c) => *c,
            Outcome::Invalid(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn rows_and_summary_without_vat() {
        let csv = statement_csv(&calc(&["3", "12,5", "20"], "none"), Lang::Ru);
        assert!(csv.starts_with("\u{feff}Период;Этап;Часы;"));
        let lines: Vec<_> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert!(lines[0].ends_with(";Итого;Пояснение"), "{}", lines[0]);
        assert_eq!(
            lines[1],
            "=\"2027-01\";пробный;3;0,00;0;0;0;0;0;3;2000,00;6000,00;6000,00;\"пробный месяц: 3\u{a0}ч × 2\u{a0}000,00\u{a0}₽\""
        );
        assert_eq!(
            lines[3],
            "=\"2027-03\";абонемент;20;20000,00;10;0;0;0;0;10;2000,00;20000,00;40000,00;\
             \"10\u{a0}ч по тарифу, 10\u{a0}ч сверх тарифа × 2\u{a0}000,00\u{a0}₽\""
        );
        assert_eq!(lines[4], "");
        assert_eq!(lines[5], "Итого;71000,00");
        assert_eq!(lines[6], "Часов;35,5");
        // 71 000 / 35,5 = 2 000
        assert_eq!(lines[7], "Средняя цена часа;2000,00");
        assert!(!csv.contains("НДС"));
    }

    #[test]
    fn a_partial_first_month_is_explained_in_the_csv_too() {
        let mut f = CalculatorForm::new(NaiveDate::from_ymd_opt(2027, 1, 15).unwrap());
        f.set_count("2");
        f.hours = vec!["3".into(), "0".into()];
        let Outcome::Statement(c) = f.evaluate() else { panic!("computes") };
        let csv = statement_csv(&c, Lang::Ru);
        let lines: Vec<_> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert!(
            lines[1].ends_with(
                ";\"неполный первый месяц — как пробный, в пробные месяцы не входит: 3\u{a0}ч × 2\u{a0}000,00\u{a0}₽\""
            ),
            "{}",
            lines[1]
        );
        assert!(lines[2].ends_with(";пробный месяц: закрытых задач нет"), "{}", lines[2]);
    }

    #[test]
    fn vat_columns_when_vat_is_on_and_explanations_quoted() {
        let csv = statement_csv(&calc(&["0", "0", "4"], "on_top"), Lang::Ru);
        let lines: Vec<_> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert!(lines[0].ends_with(";Итого;НДС 22%;Итого с НДС;Пояснение"), "{}", lines[0]);
        // The explanation holds a `;`, so it is quoted.
        assert_eq!(
            lines[3],
            "=\"2027-03\";абонемент;4;20000,00;4;0;0;6;0;0;2000,00;0,00;20000,00;4400,00;24400,00;\
             \"4\u{a0}ч по тарифу; 6\u{a0}ч ушли в резерв\""
        );
        assert!(csv.contains("\r\nНДС 22%;4400,00\r\nИтого с НДС;24400,00\r\n"));
        assert!(csv.ends_with("Средняя цена часа;5000,00\r\n"));
        let included = statement_csv(&calc(&["1"], "included"), Lang::Ru);
        assert!(included.contains("в т.ч. НДС 22%;"));
        let half = hourbank_domain::VatRate::parse("r", "10.5").unwrap();
        assert_eq!(vat_label_in(Vat::OnTop(half), crate::i18n::Lang::Ru), "НДС 10,5%");
        assert_eq!(vat_label_in(Vat::OnTop(half), crate::i18n::Lang::En), "VAT 10.5%");
    }

    #[test]
    fn english_words_when_the_interface_is_english() {
        let csv = statement_csv(&calc(&["3", "12,5"], "on_top"), Lang::En);
        let lines: Vec<_> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert!(lines[0].starts_with("Period;Phase;Hours;Fee;"), "{}", lines[0]);
        assert!(lines[0].ends_with(";Total;VAT 22%;Total with VAT;Explanation"), "{}", lines[0]);
        assert!(lines[1].starts_with("=\"2027-01\";trial;3;0,00;"), "{}", lines[1]);
        assert!(!csv.contains("Итого") && !csv.contains("пробный"), "{csv}");
        // The comparison reads the English file back as a history, too.
        let history = crate::compare::parse_history(&csv, Lang::En).unwrap();
        assert_eq!(history.hours, [hourbank_domain::Hours::whole(3), hourbank_domain::Hours::from_centi(12_50)]);
    }
}
