//! The statement as the calculator shows it: the summary figures and the month-by-month table,
//! rendered to one HTML string (one string costs far less wasm than a typed view per cell). Every
//! text in it is ours: labels, formatted figures and the explanations built from them.

use hourbank_domain::format::{hours, period_ru, rubles};
use hourbank_domain::{MonthStatement, Phase, Vat};

use crate::calculator::Calculation;
use crate::csv::vat_label;
use crate::explain::{explain, phase_ru};

/// Column headings before the VAT columns.
const HEADS: [&str; 13] = [
    "Период",
    "Этап",
    "Часы",
    "Абонплата",
    "Из тарифа",
    "Резерв на начало",
    "Из резерва",
    "Резерв на конец",
    "Сгорело",
    "Сверх тарифа, ч",
    "Ставка",
    "Сверх тарифа, ₽",
    "Итого",
];

/// A statement row's cells after the period: `(class, text)`, VAT cells only when VAT is on.
fn row_cells(m: &MonthStatement, with_vat: bool) -> Vec<(&'static str, String)> {
    let mut cells = vec![
        ("phase", phase_ru(m.phase).to_string()),
        ("num", hours(m.hours)),
        ("num", rubles(m.fee)),
        ("num", hours(m.included_used)),
        ("num", hours(m.reserve_start)),
        ("num", hours(m.reserve_used)),
        ("num", hours(m.reserve_end)),
        ("num", hours(m.reserve_forfeited)),
        ("num", hours(m.extra_hours)),
        ("num", rubles(m.extra_rate)),
        ("num", rubles(m.extra_charge)),
        ("num total", rubles(m.total)),
    ];
    if with_vat {
        cells.push(("num", rubles(m.vat)));
        cells.push(("num total", rubles(m.total_with_vat)));
    }
    cells.push(("explain", explain(m)));
    cells
}

/// The summary (`#summary-total`, `#summary-vat`, `#summary-total-with-vat`, `#summary-hours`,
/// `#summary-rate`), the trial legend and the table (`tr[data-period]`).
pub fn statement_html(c: &Calculation) -> String {
    let with_vat = c.vat != Vat::None;
    let s = &c.statement.summary;
    let total_label = if matches!(c.vat, Vat::Included(_)) {
        "Итого за период, с НДС"
    } else {
        "Итого за период"
    };
    let mut summary = vec![("summary-total", total_label.to_string(), rubles(s.total))];
    if with_vat {
        summary.push(("summary-vat", vat_label(c.vat), rubles(s.vat)));
        summary.push(("summary-total-with-vat", "Итого с НДС".into(), rubles(s.total_with_vat)));
    }
    summary.push(("summary-hours", "Закрыто часов".into(), hours(s.hours)));
    summary.push(("summary-rate", "Средняя цена часа".into(), s.effective_rate.map_or_else(|| "—".into(), rubles)));
    let mut html = String::from("<dl class=\"summary\">");
    for (id, label, value) in summary {
        html += &format!("<div><dt>{label}</dt><dd id=\"{id}\">{value}</dd></div>");
    }
    html += "</dl><p class=\"legend\"><span class=\"swatch trial\" aria-hidden=\"true\"></span> пробный месяц: без \
             абонентской платы, оплата за каждый закрытый час</p><div class=\"table-wrap\" tabindex=\"0\" \
             role=\"region\" aria-label=\"Таблица расчёта по месяцам\"><table><thead><tr>";
    let mut heads: Vec<String> = HEADS.map(String::from).to_vec();
    if with_vat {
        heads.push(vat_label(c.vat));
        heads.push("Итого с НДС".into());
    }
    for h in heads {
        html += &format!("<th scope=\"col\">{h}</th>");
    }
    // Marked so the print view can leave the long explanations out (the CSV keeps them).
    html += "<th scope=\"col\" class=\"explain\">Пояснение</th>";
    html += "</tr></thead><tbody>";
    for m in &c.statement.months {
        let phase = if m.phase == Phase::Trial { "trial" } else { "subscription" };
        let ends = if m.contract_ends { " ends" } else { "" };
        html += &format!(
            "<tr class=\"{phase}{ends}\" data-period=\"{}\"><th scope=\"row\">{}</th>",
            m.period,
            period_ru(m.period)
        );
        for (class, text) in row_cells(m, with_vat) {
            html += &format!("<td class=\"{class}\">{text}</td>");
        }
        html += "</tr>";
    }
    html + "</tbody></table></div>"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calculator::{CalculatorForm, Outcome};
    use crate::link::decode;
    use chrono::NaiveDate;

    fn calc(query: &str) -> Calculation {
        match decode(query, CalculatorForm::new(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())).evaluate() {
            Outcome::Statement(c) => *c,
            Outcome::Invalid(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn the_summary_and_every_row() {
        let html = statement_html(&calc("start=2027-01-01&end=2027-04-30&h=3,12.5,20,0&tariff=start"));
        assert!(html.starts_with("<dl class=\"summary\"><div><dt>Итого за период</dt><dd id=\"summary-total\">91\u{a0}000,00\u{a0}₽</dd>"), "{html}");
        assert!(html.contains("<dd id=\"summary-hours\">35,5\u{a0}ч</dd>"));
        assert!(!html.contains("summary-vat") && !html.contains("НДС"));
        assert!(html.contains("<tr class=\"trial\" data-period=\"2027-01\"><th scope=\"row\">январь 2027</th><td class=\"phase\">пробный</td>"), "{html}");
        assert!(html.contains("<tr class=\"subscription ends\" data-period=\"2027-04\">"), "{html}");
        assert!(html.contains("<td class=\"num total\">40\u{a0}000,00\u{a0}₽</td>"));
        assert_eq!(html.matches("<tr class=").count(), 4);
        assert_eq!(html.matches("<th scope=\"col\">").count(), 13);
        assert!(html.contains("<th scope=\"col\" class=\"explain\">Пояснение</th>"));
    }

    #[test]
    fn vat_adds_its_figures_and_columns() {
        let html = statement_html(&calc("start=2027-01-01&h=0,0,4&vat=on_top:22&tariff=start"));
        assert!(html.contains("<dt>НДС 22%</dt><dd id=\"summary-vat\">4\u{a0}400,00\u{a0}₽</dd>"), "{html}");
        assert!(html.contains("<dd id=\"summary-total-with-vat\">24\u{a0}400,00\u{a0}₽</dd>"));
        assert!(html.contains("<dd id=\"summary-rate\">5\u{a0}000,00\u{a0}₽</dd>"));
        assert_eq!(html.matches("<th scope=\"col\">").count(), 15);
        let included = statement_html(&calc("start=2027-01-01&h=0&vat=included:20&tariff=start"));
        assert!(included.contains("<dt>Итого за период, с НДС</dt>"));
        assert!(included.contains("<dd id=\"summary-rate\">—</dd>"));
    }
}
