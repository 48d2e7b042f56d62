//! The statement as CSV for spreadsheets, like the server's report CSV: `;`-separated (what Excel
//! expects in a Russian locale), UTF-8 with a byte-order mark, amounts as exact decimals; cells
//! written by the one CSV writer the server uses too (`hourbank_domain::csv`).

use hourbank_domain::Vat;

use crate::calculator::Calculation;
use crate::explain::{explain, phase_ru};

use hourbank_domain::csv::line;

/// The statement's rows (VAT columns only when VAT is on) and its summary.
pub fn statement_csv(c: &Calculation) -> String {
    let with_vat = c.vat != Vat::None;
    let mut header: Vec<String> = [
        "Период",
        "Этап",
        "Часы",
        "Абонентская плата",
        "Из тарифа, ч",
        "Резерв на начало, ч",
        "Из резерва, ч",
        "Резерв на конец, ч",
        "Сгорело, ч",
        "Сверх тарифа, ч",
        "Ставка",
        "Сверх тарифа, сумма",
        "Итого",
    ]
    .map(String::from)
    .to_vec();
    if with_vat {
        header.push(vat_label(c.vat));
        header.push("Итого с НДС".into());
    }
    header.push("Пояснение".into());
    let mut out = String::from("\u{feff}");
    out += &line(&header);
    for m in &c.statement.months {
        let mut row = vec![
            m.period.to_string(),
            phase_ru(m.phase).to_string(),
            m.hours.to_string(),
            m.fee.to_string(),
            m.included_used.to_string(),
            m.reserve_start.to_string(),
            m.reserve_used.to_string(),
            m.reserve_end.to_string(),
            m.reserve_forfeited.to_string(),
            m.extra_hours.to_string(),
            m.extra_rate.to_string(),
            m.extra_charge.to_string(),
            m.total.to_string(),
        ];
        if with_vat {
            row.push(m.vat.to_string());
            row.push(m.total_with_vat.to_string());
        }
        row.push(explain(m));
        out += &line(&row);
    }
    let s = &c.statement.summary;
    out += "\r\n";
    out += &line(&["Итого".into(), s.total.to_string()]);
    if with_vat {
        out += &line(&[vat_label(c.vat), s.vat.to_string()]);
        out += &line(&["Итого с НДС".into(), s.total_with_vat.to_string()]);
    }
    out += &line(&["Часов".into(), s.hours.to_string()]);
    let rate = s.effective_rate.map(|r| r.to_string()).unwrap_or_default();
    out += &line(&["Средняя цена часа".into(), rate]);
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
        Vat::OnTop(r) => format!("{} {}%", lang.pick("НДС", "VAT"), r.percent().normalize()),
        Vat::Included(r) => format!("{} {}%", lang.pick("в т.ч. НДС", "incl. VAT"), r.percent().normalize()),
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
        let csv = statement_csv(&calc(&["3", "12,5", "20"], "none"));
        assert!(csv.starts_with("\u{feff}Период;Этап;Часы;"));
        let lines: Vec<_> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert!(lines[0].ends_with(";Итого;Пояснение"), "{}", lines[0]);
        assert_eq!(
            lines[1],
            "2027-01;пробный;3;0.00;0;0;0;0;0;3;2000.00;6000.00;6000.00;пробный месяц: 3\u{a0}ч × 2\u{a0}000,00\u{a0}₽"
        );
        assert_eq!(
            lines[3],
            "2027-03;абонемент;20;20000.00;10;0;0;0;0;10;2000.00;20000.00;40000.00;\
             10\u{a0}ч по тарифу, 10\u{a0}ч сверх тарифа × 2\u{a0}000,00\u{a0}₽"
        );
        assert_eq!(lines[4], "");
        assert_eq!(lines[5], "Итого;71000.00");
        assert_eq!(lines[6], "Часов;35.5");
        // 71 000 / 35,5 = 2 000
        assert_eq!(lines[7], "Средняя цена часа;2000.00");
        assert!(!csv.contains("НДС"));
    }

    #[test]
    fn vat_columns_when_vat_is_on_and_explanations_quoted() {
        let csv = statement_csv(&calc(&["0", "0", "4"], "on_top"));
        let lines: Vec<_> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert!(lines[0].ends_with(";Итого;НДС 22%;Итого с НДС;Пояснение"), "{}", lines[0]);
        // The explanation holds a `;`, so it is quoted.
        assert_eq!(
            lines[3],
            "2027-03;абонемент;4;20000.00;4;0;0;6;0;0;2000.00;0.00;20000.00;4400.00;24400.00;\
             \"4\u{a0}ч по тарифу; 6\u{a0}ч ушли в резерв\""
        );
        assert!(csv.contains("\r\nНДС 22%;4400.00\r\nИтого с НДС;24400.00\r\n"));
        assert!(csv.ends_with("Средняя цена часа;5000.00\r\n"));
        let included = statement_csv(&calc(&["1"], "included"));
        assert!(included.contains("в т.ч. НДС 22%;"));
    }
}
