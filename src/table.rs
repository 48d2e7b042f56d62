//! The statement as the calculator shows it: the summary figures and the month-by-month table,
//! rendered to one HTML string (one string costs far less wasm than a typed view per cell). Every
//! text in it is ours: labels, formatted figures and the explanations built from them.

use hourbank_domain::format::{period_ru, rubles};
use hourbank_domain::{Money, MonthStatement, Phase, Vat};

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
    ("По часовой ставке, ч", "At the hourly rate, h"),
    ("Ставка", "Rate"),
    ("По часовой ставке, ₽", "At the hourly rate, ₽"),
    ("Итого", "Total"),
];

/// The columns (after the period) shown before «all columns» is chosen: the hours, what is paid
/// and the explanation. The rest are `detail` cells, one click away.
fn main_columns(vat: Vat) -> [usize; 3] {
    // Indices into the row's cells: 1 hours, 11 total, 13 total with VAT, last the explanation.
    match vat {
        Vat::None => [1, 11, 12],
        Vat::Included(_) => [1, 11, 14],
        Vat::OnTop(_) => [1, 13, 14],
    }
}

/// A statement row's cells after the period: `(class, text)`, VAT cells only when VAT is on.
fn row_cells(m: &MonthStatement, partial_start: bool, with_vat: bool, lang: Lang) -> Vec<(&'static str, String)> {
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
    cells.push(("explain", explain_in(m, partial_start, lang)));
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

/// What a prospect reads first, above the form (`#glance`): the total for the months shown
/// (`#summary-total`; with VAT, `#summary-vat` and `#summary-total-with-vat`), a month on average
/// (`#glance-month`, what is paid, rounded to kopecks half away from zero), the hours
/// (`#summary-hours`), the average price of an hour (`#summary-rate`) and how many hours a month
/// cost nothing extra (`#glance-free`, from the tariff's own terms).
pub fn summary_html(c: &Calculation, lang: Lang) -> String {
    let t = |ru, en| lang.pick(ru, en);
    let s = &c.statement.summary;
    let months = c.statement.months.len();
    let months_text = match lang {
        Lang::Ru => crate::demo::months_word(months as u32),
        Lang::En if months == 1 => "1 month".to_string(),
        Lang::En => format!("{months} months"),
    };
    let mut html = String::from("<dl class=\"summary glance\" id=\"glance\">");
    let mut item = |id: &str, label: &str, value: &str, note: &str| {
        html += &format!("<div><dt>{}</dt><dd id=\"{id}\">{}</dd>", html::text(label), html::text(value));
        if !note.is_empty() {
            html += &format!("<dd class=\"note\">{}</dd>", html::text(note));
        }
        html += "</div>";
    };
    let included = if matches!(c.vat, Vat::Included(_)) { t(", с НДС", ", incl. VAT") } else { "" };
    item("summary-total", &format!("{} {months_text}{included}", t("Итого за", "Total for")), &rubles(s.total), "");
    if c.vat != Vat::None {
        item("summary-vat", &vat_label_in(c.vat, lang), &rubles(s.vat), "");
        item("summary-total-with-vat", t("Итого с НДС", "Total with VAT"), &rubles(s.total_with_vat), "");
    }
    // What is paid (VAT on top is paid too) on average, to kopecks half away from zero.
    let payable = if let Vat::OnTop(_) = c.vat { s.total_with_vat } else { s.total };
    let per_month =
        Money::from_kopecks(hourbank_domain::montecarlo::div_round_half_away(payable.kopecks(), months.max(1) as i64));
    // VAT on top is in it while «Итого» is without: it says so.
    let with_vat = if c.vat == Vat::None { "" } else { t(", с НДС", ", incl. VAT") };
    item(
        "glance-month",
        &format!("{}{with_vat}", t("В среднем за месяц", "A month on average")),
        &rubles(per_month),
        "",
    );
    item("summary-hours", t("Закрыто часов", "Hours closed"), &lang.hours(s.hours), "");
    let rate = s.effective_rate.map_or_else(|| "—".into(), rubles);
    // The total over the hours: without VAT only when VAT comes on top of the prices.
    let rate_label = if matches!(c.vat, Vat::OnTop(_)) {
        t("Средняя цена часа, без НДС", "Average price of an hour, without VAT")
    } else {
        t("Средняя цена часа", "Average price of an hour")
    };
    item("summary-rate", rate_label, &rate, "");
    let tariff = &c.tariff;
    let free =
        format!("{} {}{}", t("до", "up to"), lang.hours(tariff.max_hours_without_extra()), t(" в месяц", " a month"));
    let parts = format!(
        "{} {} + {} {}",
        lang.hours(tariff.included_hours),
        t("по тарифу", "included"),
        lang.hours(tariff.reserve_cap),
        t("из резерва", "from the reserve")
    );
    item("glance-free", t("Без доплаты", "No extra charge"), &free, &parts);
    html + "</dl>"
}

/// The trial legend and the table (`tr[data-period]`).
pub fn statement_html(c: &Calculation, lang: Lang) -> String {
    let t = |ru, en| lang.pick(ru, en);
    let with_vat = c.vat != Vat::None;
    let mut html = String::new();
    html += &format!(
        "<p class=\"legend\"><span class=\"swatch trial\" aria-hidden=\"true\"></span> {}</p><div \
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
    heads.push(t("Пояснение", "Explanation").into());
    let shown = main_columns(c.vat);
    let class_of = |i: usize, class: &str| {
        let detail = if shown.contains(&i) { "" } else { " detail" };
        format!("{class}{detail}")
    };
    html += &format!("<th scope=\"col\">{}</th>", html::text(&heads[0]));
    for (i, h) in heads.iter().enumerate().skip(1) {
        // The explanation is marked so the print view can leave it out (the CSV keeps it).
        let class = class_of(i - 1, if i + 1 == heads.len() { "explain" } else { "" });
        let class = match class.trim() {
            "" => String::new(),
            class => format!(" class=\"{class}\""),
        };
        html += &format!("<th scope=\"col\"{class}>{}</th>", html::text(h));
    }
    html += "</tr></thead><tbody>";
    for (n, m) in c.statement.months.iter().enumerate() {
        let phase = if m.phase == Phase::Trial { "trial" } else { "subscription" };
        let ends = if m.contract_ends { " ends" } else { "" };
        html += &format!(
            "<tr class=\"{phase}{ends}\" data-period=\"{}\"><th scope=\"row\">{}</th>",
            m.period,
            period_in(m.period, lang)
        );
        for (i, (class, text)) in row_cells(m, n == 0 && c.partial_start, with_vat, lang).into_iter().enumerate() {
            // Each cell names its column: a phone shows every month as a card of labelled lines.
            html += &format!(
                "<td class=\"{}\" data-label=\"{}\">{}</td>",
                class_of(i, class),
                html::text(&heads[i + 1]),
                html::text(&text)
            );
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
        let c = calc("start=2027-01-01&end=2027-04-30&h=3,12.5,20,0&tariff=start");
        let summary = summary_html(&c, Lang::Ru);
        assert!(summary.starts_with("<dl class=\"summary glance\" id=\"glance\"><div><dt>Итого за 4 месяца</dt><dd id=\"summary-total\">91\u{a0}000,00\u{a0}₽</dd>"), "{summary}");
        assert!(summary.contains("<dd id=\"summary-hours\">35,5\u{a0}ч</dd>"));
        assert!(!summary.contains("summary-vat") && !summary.contains("НДС"));
        let html = statement_html(&c, Lang::Ru);
        assert!(!html.contains("summary"), "the summary is above the form, not in the statement");
        assert!(html.contains("<tr class=\"trial\" data-period=\"2027-01\"><th scope=\"row\">январь 2027</th><td class=\"phase detail\" data-label=\"Этап\">пробный</td><td class=\"num\" data-label=\"Часы\">3\u{a0}ч</td>"), "{html}");
        assert!(html.contains("<tr class=\"subscription ends\" data-period=\"2027-04\">"), "{html}");
        assert!(html.contains("<td class=\"num total\" data-label=\"Итого\">40\u{a0}000,00\u{a0}₽</td>"));
        assert_eq!(html.matches("<tr class=").count(), 4);
        assert_eq!(html.matches("<th scope=\"col\"").count(), 14);
        // Shown at first: the period, the hours, the total and the explanation; the rest on demand.
        assert_eq!(html.matches("<th scope=\"col\">").count(), 3, "{html}");
        assert_eq!(html.matches("<th scope=\"col\" class=\"detail\">").count(), 10, "{html}");
        assert!(html.contains("<th scope=\"col\" class=\"explain\">Пояснение</th>"));
    }

    #[test]
    fn vat_adds_its_figures_and_columns() {
        let c = calc("start=2027-01-01&h=0,0,4&vat=on_top:22&tariff=start");
        let summary = summary_html(&c, Lang::Ru);
        assert!(summary.contains("<dt>НДС 22%</dt><dd id=\"summary-vat\">4\u{a0}400,00\u{a0}₽</dd>"), "{summary}");
        assert!(summary.contains("<dd id=\"summary-total-with-vat\">24\u{a0}400,00\u{a0}₽</dd>"));
        assert!(
            summary.contains("<dt>Средняя цена часа, без НДС</dt><dd id=\"summary-rate\">5\u{a0}000,00\u{a0}₽</dd>")
        );
        let html = statement_html(&c, Lang::Ru);
        assert_eq!(html.matches("<th scope=\"col\"").count(), 16);
        // With VAT on top, what is paid is the total with VAT; the total without it is a detail.
        assert!(html.contains("<td class=\"num total detail\" data-label=\"Итого\">"), "{html}");
        assert!(html.contains("<td class=\"num total\" data-label=\"Итого с НДС\">"), "{html}");
        let included = summary_html(&calc("start=2027-01-01&h=0&vat=included:20&tariff=start"), Lang::Ru);
        assert!(included.contains("<dt>Итого за 1 месяц, с НДС</dt>"), "{included}");
        assert!(included.contains("<dd id=\"summary-rate\">—</dd>"));
        // With VAT in the prices, the total the hours are divided into carries VAT: so does the rate.
        let included = summary_html(&calc("start=2027-01-01&h=0,0,10&vat=included:22&tariff=start"), Lang::Ru);
        assert!(
            included.contains("<dt>Средняя цена часа</dt><dd id=\"summary-rate\">2\u{a0}000,00\u{a0}₽</dd>"),
            "{included}"
        );
        assert!(!included.contains("без НДС"), "{included}");
        assert!(included.contains("<dt>В среднем за месяц, с НДС</dt>"), "{included}");
        assert!(
            summary.contains("<dt>В среднем за месяц, с НДС</dt><dd id=\"glance-month\">8\u{a0}133,33\u{a0}₽</dd>"),
            "{summary}"
        );
    }

    #[test]
    fn the_same_statement_in_english() {
        let c = calc("start=2027-01-01&h=0,0,4&vat=on_top:22&tariff=start");
        let summary = summary_html(&c, Lang::En);
        assert!(summary.contains("<div><dt>Total for 3 months</dt>"), "{summary}");
        assert!(summary.contains("<dt>VAT 22%</dt><dd id=\"summary-vat\">4\u{a0}400,00\u{a0}₽</dd>"));
        let html = statement_html(&c, Lang::En);
        assert!(
            html.contains(
                "<th scope=\"row\">March 2027</th><td class=\"phase detail\" data-label=\"Phase\">subscription</td><td class=\"num\" data-label=\"Hours\">4\u{a0}h</td>"
            ),
            "{html}"
        );
        assert!(html.contains(">4\u{a0}h included; 6\u{a0}h went to the reserve</td>"));
        assert!(html.contains("<td class=\"explain\" data-label=\"Explanation\">"), "{html}");
        assert!(!html.contains("Итого") && !html.contains("\u{a0}ч"), "{html}");
    }

    #[test]
    fn a_partial_first_month_says_why_it_is_billed_like_a_trial() {
        // From the 15th: January is partial, then February and March are the two trial months.
        let c = calc("start=2027-01-15&h=3,0,5,0&tariff=start");
        let html = statement_html(&c, Lang::Ru);
        let rows: Vec<&str> = html.split("<tr class=").skip(1).collect();
        assert_eq!(rows.len(), 4, "{html}");
        assert!(
            rows[0].contains(">неполный первый месяц — как пробный, в пробные месяцы не входит: 3\u{a0}ч × 2\u{a0}000,00\u{a0}₽</td>"),
            "{}",
            rows[0]
        );
        assert!(rows[1].contains(">пробный месяц: закрытых задач нет</td>"), "{}", rows[1]);
        assert!(rows[2].contains(">пробный месяц: 5\u{a0}ч × 2\u{a0}000,00\u{a0}₽</td>"), "{}", rows[2]);
        assert!(rows[3].starts_with("\"subscription\""), "{}", rows[3]);
        let english = statement_html(&c, Lang::En);
        assert!(english.contains(">partial first month — billed like a trial month, not one of them: 3\u{a0}h × 2\u{a0}000,00\u{a0}₽</td>"), "{english}");
        // From the 1st there is no partial month.
        let whole = statement_html(&calc("start=2027-01-01&h=3&tariff=start"), Lang::Ru);
        assert!(!whole.contains("неполный") && whole.contains(">пробный месяц: 3\u{a0}ч"), "{whole}");
    }

    #[test]
    fn the_glance_states_what_is_paid() {
        // 12 months of 10 h from January: two trial months at 2 000 ₽ an hour, then the fee.
        let html = summary_html(&calc("start=2027-01-01&h=10,10,10,10,10,10,10,10,10,10,10,10&tariff=start"), Lang::Ru);
        assert!(
            html.contains("<dt>Итого за 12 месяцев</dt><dd id=\"summary-total\">240\u{a0}000,00\u{a0}₽</dd>"),
            "{html}"
        );
        assert!(html.contains("<dd id=\"glance-month\">20\u{a0}000,00\u{a0}₽</dd>"), "{html}");
        assert!(html.contains("<dd id=\"summary-rate\">2\u{a0}000,00\u{a0}₽</dd>"), "{html}");
        assert!(html.contains("<dd id=\"glance-free\">до 20\u{a0}ч в месяц</dd><dd class=\"note\">10\u{a0}ч по тарифу + 10\u{a0}ч из резерва</dd>"), "{html}");
        // VAT on top is paid: the month on average includes it.
        let vat = summary_html(&calc("start=2027-01-01&h=0,0,4&vat=on_top:22&tariff=start"), Lang::Ru);
        // 24 400 / 3 = 8 133,333… → 8 133,33 (half away from zero).
        assert!(vat.contains("<dd id=\"glance-month\">8\u{a0}133,33\u{a0}₽</dd>"), "{vat}");
        let none = summary_html(&calc("start=2027-01-01&h=0&tariff=start"), Lang::En);
        assert!(
            none.contains("<dd id=\"summary-rate\">—</dd>") && none.contains("<dt>Total for 1 month</dt>"),
            "{none}"
        );
    }
}
