//! A year of monthly bills as an SVG bar chart, each bar the fee plus the overage, with the
//! same figures as a table for screen readers. Heights are integer pixels computed from
//! kopecks, so the drawing never involves floating-point money.

use hourbank_domain::{Money, MonthStatement};

/// One month's bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    /// Fee (or nothing in a trial month) and everything billed by the hour, before VAT.
    pub base: Money,
    pub extra: Money,
    pub total_with_vat: Money,
}

impl Bar {
    pub fn of(label: &str, m: &MonthStatement) -> Bar {
        Bar { label: label.to_string(), base: m.fee, extra: m.extra_charge, total_with_vat: m.total_with_vat }
    }
}

pub const HEIGHT: i64 = 160;

/// Pixel heights (base, extra) of each bar, the tallest total reaching `HEIGHT`. Rounded half
/// up on integers; a non-zero part is at least 1 px so it never disappears.
pub fn heights(bars: &[Bar]) -> Vec<(i64, i64)> {
    let max = bars.iter().map(|b| b.base.kopecks() + b.extra.kopecks()).max().unwrap_or(0);
    if max == 0 {
        return bars.iter().map(|_| (0, 0)).collect();
    }
    let scale = |k: i64| if k == 0 { 0 } else { ((k * HEIGHT * 2 + max) / (2 * max)).max(1) };
    bars.iter().map(|b| (scale(b.base.kopecks()), scale(b.extra.kopecks()))).collect()
}

/// The value axis: a gridline at every round number of rubles (about three of them), each as
/// its height in pixels above the baseline (on the bars' scale) and its value.
pub fn gridlines(bars: &[Bar]) -> Vec<(i64, Money)> {
    let max = bars.iter().map(|b| b.base.kopecks() + b.extra.kopecks()).max().unwrap_or(0);
    if max == 0 {
        return Vec::new();
    }
    let step = hourbank_web::charts::nice_step(max / 100, 3, 1) * 100;
    hourbank_web::charts::ticks(max, step)
        .into_iter()
        .map(|k| ((k * HEIGHT * 2 + max) / (2 * max), Money::from_kopecks(k)))
        .collect()
}

/// Whether the bills carry VAT on top of what the bars draw: the caption then says the bars are
/// without it (the table and each bar's title give the total with VAT, as the invoice does).
pub fn drawn_without_vat(bars: &[Bar]) -> bool {
    bars.iter().any(|b| b.total_with_vat.kopecks() != b.base.kopecks() + b.extra.kopecks())
}

/// Room on the left for the value axis's labels.
pub const AXIS: i64 = 60;

#[cfg(target_arch = "wasm32")]
pub fn bars(bars: &[Bar], lang: crate::i18n::Lang) -> leptos::prelude::AnyView {
    use hourbank_domain::format::rubles;
    use leptos::prelude::*;
    if bars.is_empty() {
        return view! { <p>{lang.pick("Закрытых месяцев пока нет.", "No months yet.")}</p> }.into_any();
    }
    let step = 44_i64;
    let width = AXIS + step * bars.len() as i64 + 8;
    let top = 8_i64;
    let label_y = top + HEIGHT + 16;
    let drawn = heights(bars)
        .into_iter()
        .zip(bars.iter())
        .enumerate()
        .map(|(i, ((base, extra), bar))| {
            let x = AXIS + 8 + step * i as i64;
            let base_y = top + HEIGHT - base;
            let extra_y = base_y - extra;
            let short: String = bar.label.chars().take(3).collect();
            view! {
                <g>
                    <title>{format!("{}: {}", bar.label, rubles(bar.total_with_vat))}</title>
                    <rect class="bar-fee" x=x y=base_y width="30" height=base></rect>
                    <rect class="bar-extra" x=x y=extra_y width="30" height=extra></rect>
                    <text x=x + 15 y=label_y text-anchor="middle" class="bar-label">{short}</text>
                </g>
            }
        })
        .collect_view();
    let axis = gridlines(bars)
        .into_iter()
        .map(|(h, value)| {
            let y = top + HEIGHT - h;
            view! {
                <path class="grid" d=format!("M{AXIS} {y}H{width}")></path>
                <text x=AXIS - 4 y=y + 4 text-anchor="end" class="bar-label">
                    {hourbank_web::simulation::whole_rubles(value)}
                </text>
            }
        })
        .collect_view();
    let rows = bars
        .iter()
        .map(|b| view! { <tr><td>{b.label.clone()}</td><td>{rubles(b.base)}</td><td>{rubles(b.extra)}</td><td>{rubles(b.total_with_vat)}</td></tr> })
        .collect_view();
    view! {
        <figure class="chart">
            <svg role="img" aria-labelledby="year-chart-caption" viewBox=format!("0 0 {width} {}", label_y + 6)
                width=width height=label_y + 6>
                {axis}
                {drawn}
            </svg>
            <figcaption id="year-chart-caption">
                {lang.pick("Абонентская плата (синее) и оплата по часам — пробные месяцы и сверх тарифа (оранжевое)", "Fee (blue) and hours paid for — trial months and over the tariff (orange)")}
                {drawn_without_vat(bars).then(|| lang.pick(", без НДС; с НДС — в таблице", ", before VAT; with VAT in the table"))}
            </figcaption>
            <details>
                <summary>{lang.pick("Таблица", "Table")}</summary>
                // Four columns scroll in their own box on a phone, not the page.
                <div class="table-wrap">
                <table id="year-table">
                    <thead><tr>
                        <th scope="col">{lang.pick("Месяц", "Month")}</th>
                        <th scope="col">{lang.pick("Абонентская плата", "Fee")}</th>
                        <th scope="col">{lang.pick("За часы", "Hours paid")}</th>
                        <th scope="col">{lang.pick("Итого с НДС", "Total with VAT")}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                </div>
            </details>
        </figure>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(base: i64, extra: i64) -> Bar {
        Bar {
            label: "м".into(),
            base: Money::from_kopecks(base),
            extra: Money::from_kopecks(extra),
            total_with_vat: Money::from_kopecks(base + extra),
        }
    }

    #[test]
    fn bars_drawn_before_vat_say_so() {
        assert!(!drawn_without_vat(&[bar(2_000_000, 0), bar(2_000_000, 1_150_000)]));
        let on_top = Bar { total_with_vat: Money::from_kopecks(3_843_000), ..bar(2_000_000, 1_150_000) };
        assert!(drawn_without_vat(&[bar(2_000_000, 0), on_top]));
    }

    #[test]
    fn the_value_axis_falls_on_round_rubles() {
        let lines = gridlines(&[bar(20_000_00, 4_000_00), bar(20_000_00, 0)]);
        let values: Vec<String> = lines.iter().map(|(_, m)| m.to_string()).collect();
        assert_eq!(values, ["0.00", "10000.00", "20000.00"]);
        // 20 000 ₽ of a 24 000 ₽ tallest bar: 133 of 160 px (half up).
        assert_eq!(lines.iter().map(|l| l.0).collect::<Vec<_>>(), [0, 67, 133]);
        assert!(gridlines(&[bar(0, 0)]).is_empty());
    }

    #[test]
    fn the_tallest_bar_fills_the_chart_and_small_parts_stay_visible() {
        let h = heights(&[bar(20_000_00, 6_000_00), bar(20_000_00, 0), bar(0, 1), bar(0, 0)]);
        assert_eq!(h[0].0 + h[0].1, HEIGHT);
        assert_eq!(h[1], (123, 0));
        assert_eq!(h[2], (0, 1));
        assert_eq!(h[3], (0, 0));
        assert_eq!(heights(&[bar(0, 0)]), vec![(0, 0)]);
    }
}
