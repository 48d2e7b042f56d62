//! The statement's charts as inline SVG: the cost of each month stacked by fee and hours paid one
//! by one, and the reserve at each month's end against its cap. Geometry is integer (viewBox
//! units) computed from exact kopecks and hundredths of an hour; each chart comes with a text
//! alternative (a table) for screen readers.

use hourbank_domain::format::rubles;
use hourbank_domain::montecarlo::div_round_half_away;
use hourbank_domain::{Hours, MonthStatement, Period};

use crate::i18n::Lang;
use crate::simulation::whole_rubles;

/// The drawing area: `viewBox="0 0 W H"`, plot from `LEFT` to `W - RIGHT`, `TOP` to `BOTTOM`.
pub const W: i64 = 640;
pub const H: i64 = 250;
pub const LEFT: i64 = 72;
pub const RIGHT: i64 = 16;
pub const TOP: i64 = 14;
pub const BOTTOM: i64 = 200;
/// Most month labels under the axis; more months label every n-th.
pub const MAX_LABELS: usize = 12;

/// Height in viewBox units of `value` on a scale whose top (`BOTTOM - TOP`) is `max`.
pub fn scaled(value: i64, max: i64) -> i64 {
    if max <= 0 {
        0
    } else {
        div_round_half_away((BOTTOM - TOP) * value, max)
    }
}

/// Month `i` of `n`: its slot's left edge and width (slots tile the plot with no gap).
pub fn slot(i: usize, n: usize) -> (i64, i64) {
    let plot = W - LEFT - RIGHT;
    let x = LEFT + plot * i as i64 / n as i64;
    let next = LEFT + plot * (i as i64 + 1) / n as i64;
    (x, next - x)
}

/// `01.27`: short enough for 36 months under one axis.
pub fn short_period(p: Period) -> String {
    format!("{:02}.{:02}", p.month(), p.year().rem_euclid(100))
}

/// Whether month `i` of `n` gets a label.
fn labelled(i: usize, n: usize) -> bool {
    i.is_multiple_of(n.div_ceil(MAX_LABELS))
}

/// The bars of one month: `(x, width, fee_top, fee_height, extra_top, extra_height)`.
pub fn cost_bar(i: usize, n: usize, fee: i64, extra: i64, max: i64) -> (i64, i64, i64, i64, i64, i64) {
    let (x, w) = slot(i, n);
    // Rounding each part of the stack separately could overshoot the total: round the total, and
    // the fee, and give the extra what remains.
    let total_h = scaled(fee + extra, max);
    let fee_h = scaled(fee, max);
    let pad = (w / 6).max(1);
    (x + pad, (w - 2 * pad).max(1), BOTTOM - fee_h, fee_h, BOTTOM - total_h, total_h - fee_h)
}

/// A round step for about `want` gridlines from 0 to `max`: 1, 2 or 5 × a power of ten, and at
/// least `min_step` (all in the chart's own units: rubles, hundredths of an hour).
pub fn nice_step(max: i64, want: i64, min_step: i64) -> i64 {
    let raw = (max.max(1) + want - 1) / want;
    let mut power = 1i64;
    while power * 10 <= raw {
        power *= 10;
    }
    let step = [1, 2, 5, 10].into_iter().map(|m| m * power).find(|s| *s >= raw).unwrap_or(10 * power);
    step.max(min_step)
}

/// The values of the gridlines, `0, step, 2·step, …` up to `max` (`max` itself when it is 0).
pub fn ticks(max: i64, step: i64) -> Vec<i64> {
    (0..).map(|k| k * step).take_while(|v| *v <= max.max(0)).collect()
}

/// A gridline and its label at every multiple of `step` up to `max` (chart units), drawn under
/// the data; `label` writes a value.
fn grid(svg: &mut String, max: i64, step: i64, label: &dyn Fn(i64) -> String) {
    for value in ticks(max, step) {
        let y = BOTTOM - scaled(value, max);
        if value > 0 {
            *svg += &format!("<path class=\"grid\" d=\"M{LEFT} {y}H{}\"/>", W - RIGHT);
        }
        *svg += &format!("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", LEFT - 6, y + 4, label(value));
    }
}

/// The axes and the axis title.
fn axes(svg: &mut String, axis_title: &str) {
    *svg += &format!(
        "<path class=\"axis\" d=\"M{LEFT} {TOP}V{BOTTOM}H{}\"/>\
         <text x=\"14\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {})\">{axis_title}</text>",
        W - RIGHT,
        (TOP + BOTTOM) / 2,
        (TOP + BOTTOM) / 2,
    );
}

fn month_labels(svg: &mut String, months: &[MonthStatement]) {
    let n = months.len();
    for (i, m) in months.iter().enumerate().filter(|&(i, _)| labelled(i, n)) {
        let (x, w) = slot(i, n);
        *svg += &format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            x + w / 2,
            BOTTOM + 16,
            short_period(m.period)
        );
    }
}

/// Cost per month, stacked: the fee below, hours paid one by one (trial hours and overage) above.
pub fn cost_svg(months: &[MonthStatement], lang: Lang) -> String {
    let t = |ru, en| lang.pick(ru, en);
    let n = months.len().max(1);
    let max = months.iter().map(|m| m.total.kopecks()).max().unwrap_or(0);
    let title = t(
        "Стоимость по месяцам: абонентская плата и часы сверх тарифа (в пробные месяцы — все часы), без НДС",
        "Cost per month: the fee and hours over the tariff (in trial months, every hour), without VAT",
    );
    let title = crate::html::text(title);
    let mut svg = format!(
        "<svg id=\"cost-chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{title}\" class=\"chart\"><title>{title}</title>"
    );
    // Gridlines every round number of rubles (about five of them), in kopecks.
    let step = nice_step(max / 100, 5, 1) * 100;
    grid(&mut svg, max, step, &|k| whole_rubles(hourbank_domain::Money::from_kopecks(k)));
    for (i, m) in months.iter().enumerate() {
        let (x, w, fee_y, fee_h, extra_y, extra_h) = cost_bar(i, n, m.fee.kopecks(), m.extra_charge.kopecks(), max);
        let name = short_period(m.period);
        if fee_h > 0 {
            svg += &format!(
                "<rect class=\"fee\" x=\"{x}\" y=\"{fee_y}\" width=\"{w}\" height=\"{fee_h}\"><title>{name}: {} {}</title></rect>",
                t("абонплата", "fee"),
                rubles(m.fee)
            );
        }
        if extra_h > 0 {
            svg += &format!(
                "<rect class=\"extra\" x=\"{x}\" y=\"{extra_y}\" width=\"{w}\" height=\"{extra_h}\"><title>{name}: {} {}</title></rect>",
                t("часы по ставке", "hours at the rate"),
                rubles(m.extra_charge)
            );
        }
    }
    axes(&mut svg, t("₽ в месяц", "₽ a month"));
    month_labels(&mut svg, months);
    // The legend sits under the month labels.
    let y = H - 12;
    svg += &format!(
        "<rect class=\"fee key\" x=\"{LEFT}\" y=\"{}\" width=\"12\" height=\"12\"/><text x=\"{}\" y=\"{y}\">{}</text>\
         <rect class=\"extra key\" x=\"{}\" y=\"{}\" width=\"12\" height=\"12\"/><text x=\"{}\" y=\"{y}\">{}</text></svg>",
        y - 10,
        LEFT + 16,
        t("абонентская плата", "subscription fee"),
        LEFT + 170,
        y - 10,
        LEFT + 186,
        t("часы по ставке (сверх тарифа, пробные)", "hours at the rate (over the tariff, trial)")
    );
    svg
}

/// The reserve at each month's end as a line, against the cap as a dashed line.
pub fn reserve_svg(months: &[MonthStatement], cap: Hours, lang: Lang) -> String {
    let t = |ru, en| lang.pick(ru, en);
    let hours = |h| lang.hours(h);
    let n = months.len().max(1);
    let max = months.iter().map(|m| m.reserve_end.centi()).chain([cap.centi()]).max().unwrap_or(0);
    let title = format!(
        "{} {}",
        t("Резерв часов на конец месяца; лимит резерва —", "Hours in reserve at each month's end; the reserve cap is"),
        hours(cap)
    );
    let title = crate::html::text(&title);
    let mut svg = format!(
        "<svg id=\"reserve-chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{title}\" class=\"chart\"><title>{title}</title>"
    );
    // Gridlines every round number of hours (about five, whole hours at least).
    grid(&mut svg, max, nice_step(max, 5, 100), &|c| hours(Hours::from_centi(c)));
    let cap_y = BOTTOM - scaled(cap.centi(), max);
    svg += &format!(
        "<path class=\"cap\" d=\"M{LEFT} {cap_y}H{}\"/><text class=\"cap-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{} {}</text>",
        W - RIGHT,
        W - RIGHT,
        cap_y - 4,
        t("лимит", "cap"),
        hours(cap)
    );
    let points: Vec<(i64, i64)> = months
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let (x, w) = slot(i, n);
            (x + w / 2, BOTTOM - scaled(m.reserve_end.centi(), max))
        })
        .collect();
    let path: Vec<String> = points.iter().map(|(x, y)| format!("{x},{y}")).collect();
    svg += &format!("<polyline class=\"reserve\" points=\"{}\"/>", path.join(" "));
    for ((x, y), m) in points.iter().zip(months) {
        svg += &format!(
            "<circle class=\"reserve\" cx=\"{x}\" cy=\"{y}\" r=\"3\"><title>{}: {}</title></circle>",
            short_period(m.period),
            hours(m.reserve_end)
        );
    }
    axes(&mut svg, t("часов в резерве", "hours in reserve"));
    month_labels(&mut svg, months);
    svg + "</svg>"
}

/// Both charts with their text alternatives, as one HTML string (keeps the wasm small).
pub fn charts_html(months: &[MonthStatement], cap: Hours, lang: Lang) -> String {
    let t = |ru, en| lang.pick(ru, en);
    let hours = |h| lang.hours(h);
    let mut html = String::from("<div class=\"charts\"><figure class=\"chart-wrap\">");
    html += &cost_svg(months, lang);
    // A hidden table must sit in a hidden box: a table's own overflow is not clipped.
    html += &format!(
        "<div class=\"visually-hidden\"><table><caption>{}</caption><thead><tr><th scope=\"col\">{}</th>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        t("Стоимость по месяцам, без НДС", "Cost per month, without VAT"),
        t("Месяц", "Month"),
        t("Абонплата", "Fee"),
        t("Часы по ставке", "Hours at the rate"),
        t("Итого", "Total")
    );
    for m in months {
        html += &format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
            m.period,
            rubles(m.fee),
            rubles(m.extra_charge),
            rubles(m.total)
        );
    }
    html += "</tbody></table></div></figure><figure class=\"chart-wrap\">";
    html += &reserve_svg(months, cap, lang);
    html += &format!(
        "<div class=\"visually-hidden\"><table><caption>{} ({} {})</caption><thead><tr>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        t("Резерв на конец месяца", "Reserve at each month's end"),
        t("лимит", "cap"),
        hours(cap),
        t("Месяц", "Month"),
        t("Резерв", "Reserve")
    );
    for m in months {
        html += &format!("<tr><th scope=\"row\">{}</th><td>{}</td></tr>", m.period, hours(m.reserve_end));
    }
    html + "</tbody></table></div></figure></div>"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calculator::{CalculatorForm, Outcome};
    use chrono::NaiveDate;

    fn months(hours: &[&str]) -> Vec<MonthStatement> {
        let mut f = CalculatorForm::new(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        f.set_count(&hours.len().to_string());
        f.hours = hours.iter().map(|h| h.to_string()).collect();
        match f.evaluate() {
            Outcome::Statement(c) => c.statement.months,
            Outcome::Invalid(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn gridlines_fall_on_round_numbers() {
        assert_eq!(nice_step(50_000, 5, 1), 10_000);
        assert_eq!(nice_step(48_800, 5, 1), 10_000);
        assert_eq!(nice_step(24_400, 5, 1), 5_000);
        assert_eq!(nice_step(0, 5, 1), 1);
        // Hours in hundredths: 10 h → every 2 h; 0,5 h → every whole hour at least.
        assert_eq!(nice_step(1_000, 5, 100), 200);
        assert_eq!(nice_step(50, 5, 100), 100);
        assert_eq!(ticks(50_000, 10_000), [0, 10_000, 20_000, 30_000, 40_000, 50_000]);
        assert_eq!(ticks(48_800, 10_000), [0, 10_000, 20_000, 30_000, 40_000]);
        assert_eq!(ticks(0, 1), [0]);
        let svg = cost_svg(&months(&["3", "12.5", "20"]), Lang::Ru);
        for label in ["0", "10\u{a0}000", "20\u{a0}000", "30\u{a0}000", "40\u{a0}000"] {
            assert!(svg.contains(&format!("text-anchor=\"end\">{label}</text>")), "{label} in {svg}");
        }
    }

    #[test]
    fn slots_tile_the_plot_and_heights_scale_to_the_largest() {
        assert_eq!(slot(0, 4), (LEFT, 138));
        assert_eq!(slot(3, 4), (LEFT + 414, 138));
        let (x, w) = slot(6, 7);
        assert_eq!(x + w, W - RIGHT);
        assert_eq!(scaled(40_000_00, 40_000_00), BOTTOM - TOP);
        assert_eq!(scaled(20_000_00, 40_000_00), 93);
        assert_eq!(scaled(1, 0), 0);
        assert_eq!(short_period(Period::new(2027, 3).unwrap()), "03.27");
        // 36 months get a label every third month: 12 labels.
        assert_eq!((0..36).filter(|&i| labelled(i, 36)).count(), 12);
        assert_eq!((0..12).filter(|&i| labelled(i, 12)).count(), 12);
    }

    #[test]
    fn a_stack_never_overshoots_its_total() {
        // Fee 20 000 + extra 20 000 on a 40 000 scale: the whole plot, half each.
        assert_eq!(cost_bar(0, 4, 20_000_00, 20_000_00, 40_000_00), (LEFT + 23, 92, 107, 93, TOP, 93));
        // Thirds round: 186 × 1/3 = 62, 186 × 2/3 = 124; the extra gets the rest.
        let (_, _, _, fee_h, extra_y, extra_h) = cost_bar(0, 1, 1, 2, 3);
        assert_eq!((fee_h, extra_h, extra_y), (62, 124, TOP));
        let (_, _, _, fee_h, _, extra_h) = cost_bar(0, 1, 1, 1, 3);
        assert_eq!(fee_h + extra_h, 124);
    }

    #[test]
    fn the_cost_chart_draws_each_part_with_its_amount() {
        // Trial 3 h and 12,5 h, then 20 h (10 over) and 0 h.
        let m = months(&["3", "12,5", "20", "0"]);
        let svg = cost_svg(&m, Lang::Ru);
        assert!(svg.starts_with("<svg id=\"cost-chart\" viewBox=\"0 0 640 250\" role=\"img\""), "{svg}");
        // The largest month (March, 40 000) reaches the top: fee and extra half each.
        assert!(svg.contains(&format!(
            "<rect class=\"fee\" x=\"{}\" y=\"107\" width=\"92\" height=\"93\"><title>03.27: абонплата 20\u{a0}000,00\u{a0}₽</title>",
            LEFT + 276 + 23
        )), "{svg}");
        assert!(
            svg.contains(
                "y=\"14\" width=\"92\" height=\"93\"><title>03.27: часы по ставке 20\u{a0}000,00\u{a0}₽</title>"
            ),
            "{svg}"
        );
        // The trial's 6 000 ₽ of hours: 186 × 6 000 / 40 000 = 27,9 → 28, no fee bar.
        assert!(svg.contains("height=\"28\"><title>01.27: часы по ставке 6\u{a0}000,00\u{a0}₽</title>"), "{svg}");
        assert!(!svg.contains("01.27: абонплата"));
        assert!(svg.contains(">40\u{a0}000</text>") && svg.contains(">₽ в месяц</text>"));
        assert!(svg.contains(">04.27</text>") && svg.ends_with("</svg>"));
    }

    #[test]
    fn the_reserve_chart_follows_the_reserve_under_its_cap() {
        // Subscription months: 4 h leaves 6 in reserve; 0 h fills it to the cap of 10; 25 h uses it up.
        let m = months(&["0", "0", "4", "0", "25"]);
        let svg = reserve_svg(&m, Hours::whole(10), Lang::Ru);
        assert!(svg.contains("<path class=\"cap\" d=\"M72 14H624\"/>"), "{svg}");
        assert!(svg.contains(">лимит 10\u{a0}ч</text>"));
        // Slots of 110 (552 / 5): centres 127, 237, 347, 458, 568; 6 h is 112 of 186 units up.
        assert!(svg.contains("points=\"127,200 237,200 347,88 458,14 568,200\""), "{svg}");
        assert!(svg.contains("<title>03.27: 6\u{a0}ч</title>"));
        let html = charts_html(&m, Hours::whole(10), Lang::Ru);
        let en = charts_html(&m, Hours::whole(10), Lang::En);
        assert!(en.contains(">cap 10\u{a0}h</text>"), "{en}");
        assert!(en.contains("<title>05.27: hours at the rate 10\u{a0}000,00\u{a0}₽</title>"), "{en}");
        assert!(en.contains("<caption>Reserve at each month's end (cap 10\u{a0}h)</caption>"), "{en}");
        assert!(html.contains("<tr><th scope=\"row\">2027-04</th><td>10\u{a0}ч</td></tr>"), "{html}");
        assert!(
            html.contains(
                "<tr><th scope=\"row\">2027-05</th><td>20\u{a0}000,00\u{a0}₽</td><td>10\u{a0}000,00\u{a0}₽</td>"
            ),
            "{html}"
        );
    }
}
