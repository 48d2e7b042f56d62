//! The statement as the calculator shows it: the summary figures and the month-by-month table,
//! rendered to one HTML string (one string costs far less wasm than a typed view per cell). Every
//! text in it is ours: labels, formatted figures and the explanations built from them.

use hourbank_domain::format::{period_ru, rubles};
use hourbank_domain::{MonthStatement, Phase, Vat};

use crate::calculator::Calculation;
use crate::csv::vat_label_in;
use crate::explain::{explain_in, phase_in};
use crate::html;
use crate::i18n::Lang;

/// Column headings before the VAT columns, Russian and English.
const HEADS: [(&str, &str); 13] = [
    ("Период", "Period"),
    ("Этап", "Phase"),
    ("Часы", "Hours"),
    ("Абонплата", "Fee"),
    ("Из тарифа", "Included"),
    ("Резерв на начало", "Reserve at start"),
    ("Из резерва", "From reserve"),
    ("Резерв на конец", "Reserve at end"),
    ("Сгорело", "Forfeited"),
    ("Сверх тарифа, ч", "Extra hours"),
    ("Ставка", "Rate"),
    ("Сверх тарифа, ₽", "Extra, ₽"),
    ("Итого", "Total"),
];

/// A statement row's cells after the period: `(class, text)`, VAT cells only when VAT is on.
fn row_cells(m: &MonthStatement, with_vat: bool, lang: Lang) -> Vec<(&'static str, String)> {
    let hours = |h| lang.hours(h);
    let mut cells = vec![
        ("phase", phase_in(m.phase, lang).to_string()),
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
    cells.push(("explain", explain_in(m, lang)));
    cells
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A calendar month's name (0 = January): `январь`, `January`.
pub fn month_name(m: usize, lang: Lang) -> &'static str {
    lang.pick(hourbank_domain::format::MONTHS_RU[m], MONTHS_EN[m])
}

/// `январь 2027`, `January 2027`.
pub fn period_in(p: hourbank_domain::Period, lang: Lang) -> String {
    match lang {
        Lang::Ru => period_ru(p),
        Lang::En => format!("{} {}", MONTHS_EN[p.month() as usize - 1], p.year()),
    }
}

/// The summary (`#summary-total`, `#summary-vat`, `#summary-total-with-vat`, `#summary-hours`,
/// `#summary-rate`), the trial legend and the table (`tr[data-period]`).
pub fn statement_html(c: &Calculation, lang: Lang) -> String {
    let t = |ru, en| lang.pick(ru, en);
    let with_vat = c.vat != Vat::None;
    let s = &c.statement.summary;
    let total_label = if matches!(c.vat, Vat::Included(_)) {
        t("Итого за период, с НДС", "Total for the period, incl. VAT")
    } else {
        t("Итого за период", "Total for the period")
    };
    let mut summary = vec![("summary-total", total_label.to_string(), rubles(s.total))];
    if with_vat {
        summary.push(("summary-vat", vat_label_in(c.vat, lang), rubles(s.vat)));
        summary.push(("summary-total-with-vat", t("Итого с НДС", "Total with VAT").into(), rubles(s.total_with_vat)));
    }
    summary.push(("summary-hours", t("Закрыто часов", "Hours closed").into(), lang.hours(s.hours)));
    let rate = s.effective_rate.map_or_else(|| "—".into(), rubles);
    summary.push(("summary-rate", t("Средняя цена часа", "Average price of an hour").into(), rate));
    let mut html = String::from("<dl class=\"summary\">");
    for (id, label, value) in summary {
        html += &format!("<div><dt>{}</dt><dd id=\"{id}\">{}</dd></div>", html::text(&label), html::text(&value));
    }
    html += &format!(
        "</dl><p class=\"legend\"><span class=\"swatch trial\" aria-hidden=\"true\"></span> {}</p><div \
         class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"{}\"><table><thead><tr>",
        t(
            "пробный месяц: без абонентской платы, оплата за каждый закрытый час",
            "trial month: no fee, every closed hour is paid"
        ),
        t("Таблица расчёта по месяцам", "Month-by-month table")
    );
    let mut heads: Vec<String> = HEADS.iter().map(|&(ru, en)| t(ru, en).to_string()).collect();
    if with_vat {
        heads.push(vat_label_in(c.vat, lang));
        heads.push(t("Итого с НДС", "Total with VAT").into());
    }
    for h in heads {
        html += &format!("<th scope=\"col\">{}</th>", html::text(&h));
    }
    // Marked so the print view can leave the long explanations out (the CSV keeps them).
    html += &format!("<th scope=\"col\" class=\"explain\">{}</th>", t("Пояснение", "Explanation"));
    html += "</tr></thead><tbody>";
    for m in &c.statement.months {
        let phase = if m.phase == Phase::Trial { "trial" } else { "subscription" };
        let ends = if m.contract_ends { " ends" } else { "" };
        html += &format!(
            "<tr class=\"{phase}{ends}\" data-period=\"{}\"><th scope=\"row\">{}</th>",
            m.period,
            period_in(m.period, lang)
        );
        for (class, text) in row_cells(m, with_vat, lang) {
            html += &format!("<td class=\"{class}\">{}</td>", html::text(&text));
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
        let html = statement_html(&calc("start=2027-01-01&end=2027-04-30&h=3,12.5,20,0&tariff=start"), Lang::Ru);
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
        let html = statement_html(&calc("start=2027-01-01&h=0,0,4&vat=on_top:22&tariff=start"), Lang::Ru);
        assert!(html.contains("<dt>НДС 22%</dt><dd id=\"summary-vat\">4\u{a0}400,00\u{a0}₽</dd>"), "{html}");
        assert!(html.contains("<dd id=\"summary-total-with-vat\">24\u{a0}400,00\u{a0}₽</dd>"));
        assert!(html.contains("<dd id=\"summary-rate\">5\u{a0}000,00\u{a0}₽</dd>"));
        assert_eq!(html.matches("<th scope=\"col\">").count(), 15);
        let included = statement_html(&calc("start=2027-01-01&h=0&vat=included:20&tariff=start"), Lang::Ru);
        assert!(included.contains("<dt>Итого за период, с НДС</dt>"));
        assert!(included.contains("<dd id=\"summary-rate\">—</dd>"));
    }

    #[test]
    fn the_same_statement_in_english() {
        let html = statement_html(&calc("start=2027-01-01&h=0,0,4&vat=on_top:22&tariff=start"), Lang::En);
        assert!(html.starts_with("<dl class=\"summary\"><div><dt>Total for the period</dt>"), "{html}");
        assert!(html.contains("<dt>VAT 22%</dt><dd id=\"summary-vat\">4\u{a0}400,00\u{a0}₽</dd>"));
        assert!(
            html.contains(
                "<th scope=\"row\">March 2027</th><td class=\"phase\">subscription</td><td class=\"num\">4\u{a0}h</td>"
            ),
            "{html}"
        );
        assert!(html.contains(">4\u{a0}h included; 6\u{a0}h went to the reserve</td>"));
        assert!(!html.contains("Итого") && !html.contains("\u{a0}ч"), "{html}");
    }
}
