//! Monte Carlo of the scenario's cost, as plain types: the form as typed (profile, paths, months,
//! seed), its defaults from the months entered, validation with the domain's messages, and the
//! result as figures, an SVG histogram and its text alternative. The view only binds and renders.

use chrono::NaiveDate;
use hourbank_domain::format::{hours_number, rubles, rubles_number, NBSP};
use hourbank_domain::montecarlo::{div_round_half_away, MAX_MONTHS, MAX_PATHS};
use hourbank_domain::units::parse_decimal;
use hourbank_domain::{
    Contract, FieldError, Hours, Money, MonteCarloInput, MonteCarloResult, Problem, Profile, Seasonality, Tariff, Vat,
};
use rust_decimal::Decimal;

use crate::calculator::FillForm;
use crate::i18n::Lang;

/// Paths per call to the engine; calls repeat until a frame-sized slice of time is used.
pub const CHUNK: u32 = 500;
/// Bars of the histogram.
pub const BINS: usize = 20;

pub const PROFILE_NORMAL: &str = "normal";
pub const PROFILE_RESAMPLE: &str = "resample";

/// The simulation's fields as typed. `mean` and `spread` are `None` until typed: then they show
/// (and use) the defaults computed from the months entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimForm {
    /// `normal` (mean and spread) or `resample` (months drawn from those entered).
    pub profile: String,
    pub mean: Option<String>,
    pub spread: Option<String>,
    /// Scale the normal profile by the fill panel's peak months.
    pub seasonal: bool,
    pub paths: String,
    pub months: String,
    pub seed: String,
    /// The language of the messages this form writes itself.
    pub lang: Lang,
}

impl Default for SimForm {
    fn default() -> Self {
        SimForm {
            profile: PROFILE_NORMAL.into(),
            mean: None,
            spread: None,
            seasonal: false,
            paths: "10000".into(),
            months: "12".into(),
            lang: Lang::Ru,
            seed: "1".into(),
        }
    }
}

/// The mean and the (sample, n − 1) standard deviation of the months, each rounded half away
/// from zero to 0.01 h, computed in integer hundredths (exact; no floating point).
pub fn mean_and_spread(months: &[Hours]) -> (Hours, Hours) {
    // At most 600 months of at most 74 400 hundredths: n Σx² < 2^63, so i64 is exact.
    let n = months.len() as i64;
    if n == 0 {
        return (Hours::ZERO, Hours::ZERO);
    }
    let centi: Vec<i64> = months.iter().map(|h| h.centi()).collect();
    let sum: i64 = centi.iter().sum();
    let sum_sq: i64 = centi.iter().map(|c| c * c).sum();
    let mean = div_round_half_away(sum, n);
    if n == 1 {
        return (Hours::from_centi(mean), Hours::ZERO);
    }
    // variance = (n Σx² − (Σx)²) / (n (n − 1)); round(√v) = (⌊√⌊4v⌋⌋ + 1) / 2.
    let numerator = n * sum_sq - sum * sum;
    let four_v = (4 * numerator / (n * (n - 1))) as u64;
    let spread = four_v.isqrt().div_ceil(2);
    (Hours::from_centi(mean), Hours::from_centi(spread as i64))
}

/// A whole number from `min` to `max`, with the domain's messages (by code: the page names them in
/// its language).
pub fn parse_whole(field: &str, text: &str, min: u64, max: u64) -> Result<u64, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldError::new(field, Problem::Missing));
    }
    let value = parse_decimal(field, text)?.normalize();
    if value.is_sign_negative() && !value.is_zero() {
        return Err(FieldError::new(field, Problem::Negative));
    }
    if value.scale() != 0 {
        return Err(FieldError::new(field, Problem::NotWhole));
    }
    if value > Decimal::from(max) {
        return Err(FieldError::new(field, Problem::TooLarge { max: max.to_string() }));
    }
    let value = u64::try_from(value.mantissa()).expect("bounded");
    if value < min {
        return Err(FieldError::new(field, Problem::AtLeast(u32::try_from(min).unwrap_or(u32::MAX))));
    }
    Ok(value)
}

/// Per-calendar-month multipliers from the fill panel: the peak months weigh `peak`, the others
/// `base`, scaled so they average 1 over the year (the mean stays the yearly mean).
pub fn seasonality(fill: &FillForm, lang: Lang) -> Result<Seasonality, Vec<FieldError>> {
    let base = Hours::parse_month("fill.base", fill.base.trim());
    let peak = Hours::parse_month("fill.peak", fill.peak.trim());
    let (base, peak) = match (base, peak) {
        (Ok(b), Ok(p)) => (b.centi(), p.centi()),
        (b, p) => return Err([b.err(), p.err()].into_iter().flatten().collect()),
    };
    let weights: [i64; 12] = std::array::from_fn(|m| if fill.peak_months[m] { peak } else { base });
    let total: i64 = weights.iter().sum();
    if total == 0 {
        return Err(vec![FieldError::new(
            "sim.seasonal",
            Problem::Other(
                lang.pick("все месяцы по 0 ч: сезонность не задана", "every month at 0 h: no seasonality to use")
                    .into(),
            ),
        )]);
    }
    let multipliers: Vec<Decimal> =
        weights.iter().map(|&w| Decimal::new(div_round_half_away(12 * 100 * w, total), 2)).collect();
    Seasonality::new("sim.seasonal", &multipliers).map_err(|e| {
        let why = format!(
            "{} {}",
            lang.pick("множитель пикового месяца", "a peak month's multiplier"),
            lang.problem(&e.problem)
        );
        vec![FieldError::new("sim.seasonal", Problem::Other(why))]
    })
}

/// The fill pattern as the simulation page's link carries it: `BASE:PEAK:3.6.9.12` (the peak
/// calendar months, 1 = January), so the seasonality follows the calculator's peaks.
pub fn encode_fill(fill: &FillForm) -> String {
    let months: Vec<String> = (1..=12).filter(|&m| fill.peak_months[m - 1]).map(|m| m.to_string()).collect();
    format!(
        "{}:{}:{}",
        crate::link::escape(&crate::link::number(&fill.base)),
        crate::link::escape(&crate::link::number(&fill.peak)),
        months.join(".")
    )
}

/// The fill pattern of a link's `fill=`, over the default; unknown months are ignored and bad
/// hours stay as typed, so the seasonality reports them.
pub fn decode_fill(query: &str) -> FillForm {
    let mut fill = FillForm::default();
    if let Some((_, raw)) = crate::link::pairs(query).find(|(k, _)| k == "fill") {
        let mut parts = raw.splitn(3, ':');
        fill.base = crate::link::unescape(parts.next().unwrap_or(""));
        fill.peak = crate::link::unescape(parts.next().unwrap_or(""));
        let months: Vec<u32> = parts
            .next()
            .unwrap_or("")
            .split('.')
            .filter_map(|m| m.parse().ok())
            .filter(|m| (1..=12).contains(m))
            .collect();
        fill.choose_peaks(&months);
    }
    fill
}

/// The simulation's fields as the simulation page's link carries them (`mc=`):
/// `profile:mean:spread:seasonal:paths:months:seed`, each escaped, numbers in their shortest
/// form; mean and spread empty while they follow the months entered, seasonal `1` or empty.
pub fn encode_sim(sim: &SimForm) -> String {
    let number = |text: &str| crate::link::escape(&crate::link::number(text));
    [
        crate::link::escape(sim.profile.trim()),
        sim.mean.as_deref().map(number).unwrap_or_default(),
        sim.spread.as_deref().map(number).unwrap_or_default(),
        if sim.seasonal { "1".into() } else { String::new() },
        number(&sim.paths),
        number(&sim.months),
        number(&sim.seed),
    ]
    .join(":")
}

/// The simulation's fields of a link's `mc=`, over the defaults; a bad value stays as typed, so
/// the form reports it.
pub fn decode_sim(query: &str, lang: Lang) -> SimForm {
    let mut sim = SimForm { lang, ..SimForm::default() };
    let Some((_, raw)) = crate::link::pairs(query).find(|(k, _)| k == "mc") else { return sim };
    let parts: Vec<String> = raw.split(':').map(crate::link::unescape).collect();
    let part = |i: usize| parts.get(i).filter(|p| !p.is_empty()).cloned();
    if let Some(profile) = part(0) {
        sim.profile = profile;
    }
    sim.mean = part(1);
    sim.spread = part(2);
    sim.seasonal = part(3).is_some_and(|s| s == "1");
    for (i, field) in [(4, &mut sim.paths), (5, &mut sim.months), (6, &mut sim.seed)] {
        if let Some(text) = part(i) {
            *field = text;
        }
    }
    sim
}

/// What the simulation is run on: the scenario's tariff, start, VAT and months entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basis {
    pub tariff: Tariff,
    pub start: NaiveDate,
    /// The contract's last day, if it has one: no path runs past it, and its reserve is forfeited.
    pub end: Option<NaiveDate>,
    pub vat: Vat,
    pub months: Vec<Hours>,
}

impl SimForm {
    /// The mean as shown: typed, or the default from the months.
    pub fn mean_text(&self, months: &[Hours]) -> String {
        self.mean.clone().unwrap_or_else(|| hours_number(mean_and_spread(months).0))
    }

    pub fn spread_text(&self, months: &[Hours]) -> String {
        self.spread.clone().unwrap_or_else(|| hours_number(mean_and_spread(months).1))
    }

    /// Validates every field and builds the engine's input; or every field to fix.
    pub fn input(&self, basis: &Basis, fill: &FillForm) -> Result<MonteCarloInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let paths = parse_whole("sim.paths", &self.paths, 1, u64::from(MAX_PATHS)).map_err(|e| errors.push(e)).ok();
        let months = parse_whole("sim.months", &self.months, 1, u64::from(MAX_MONTHS)).map_err(|e| errors.push(e)).ok();
        let seed = parse_whole("sim.seed", &self.seed, 0, u64::MAX).map_err(|e| errors.push(e)).ok();
        let profile = match self.profile.as_str() {
            PROFILE_RESAMPLE => Some(Profile::Resample(basis.months.clone())),
            PROFILE_NORMAL => {
                let mean = Hours::parse_month("sim.mean", self.mean_text(&basis.months).trim());
                let spread = Hours::parse_month("sim.spread", self.spread_text(&basis.months).trim());
                let seasonality = if self.seasonal { seasonality(fill, self.lang) } else { Ok(Seasonality::FLAT) };
                match (mean, spread, seasonality) {
                    (Ok(mean), Ok(spread), Ok(seasonality)) => Some(Profile::Normal { mean, spread, seasonality }),
                    (m, s, season) => {
                        errors.extend([m.err(), s.err()].into_iter().flatten());
                        errors.extend(season.err().into_iter().flatten());
                        None
                    }
                }
            }
            other => {
                errors.push(FieldError::new(
                    "sim.profile",
                    Problem::UnknownValue { given: other.into(), expected: "normal, resample".into() },
                ));
                None
            }
        };
        let contract = Contract::new(basis.tariff.clone(), basis.start, basis.end).map_err(|e| errors.push(e)).ok();
        match (paths, months, seed, profile, contract) {
            (Some(paths), Some(months), Some(seed), Some(profile), Some(contract)) if errors.is_empty() => {
                Ok(MonteCarloInput {
                    contract,
                    vat: basis.vat,
                    months: months as u32,
                    paths: paths as u32,
                    seed,
                    profile,
                })
            }
            _ => Err(errors),
        }
    }
}

/// `65,77 %` from a share of 0..1 with four places.
pub fn percent(share: Decimal) -> String {
    let mut share = share;
    share.rescale(4);
    let basis_points = share.mantissa();
    format!("{},{:02}{NBSP}%", basis_points / 100, basis_points % 100)
}

/// `10 000` — a count grouped by thousands with non-breaking spaces.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(NBSP);
        }
        out.push(c);
    }
    out
}

/// Milliseconds with one decimal (`123.4`), for the page's timing attribute (no float formatting).
pub fn millis_text(ms: f64) -> String {
    let tenths = (ms.max(0.0) * 10.0) as u64;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// `372 612` — whole rubles (kopecks dropped), grouped.
pub fn whole_rubles(m: Money) -> String {
    let text = rubles_number(m);
    text.split_once(',').map_or(text.clone(), |(int, _)| int.to_string())
}

/// The result as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimReport {
    /// The result in one sentence: the range of 8 scenarios in 10, and the usual cost.
    pub summary: String,
    /// `(id, label, value)`.
    pub figures: Vec<(&'static str, String, String)>,
    /// The histogram as an inline SVG document.
    pub svg: String,
    /// Its text alternative: `(from, to, paths)` per bar.
    pub rows: Vec<(String, String, String)>,
    pub lang: Lang,
}

impl SimReport {
    pub fn new(r: &MonteCarloResult, vat: Vat, lang: Lang) -> SimReport {
        let l = |ru, en| lang.pick(ru, en);
        let d = &r.total_with_vat;
        let suffix = if vat == Vat::None { "" } else { l(", с НДС", ", with VAT") };
        let cost = |what: &str| format!("{what} {} {} {}{suffix}", l("за", "for"), r.months, l("мес.", "months"));
        let rate_label = if matches!(vat, Vat::OnTop(_)) {
            l("Средняя цена часа, без НДС", "Average price of an hour, without VAT")
        } else {
            l("Средняя цена часа", "Average price of an hour")
        };
        let figures = vec![
            // The tenth, fiftieth and ninetieth percentiles, said in words a buyer reads.
            (
                "mc-p10",
                cost(l("Тихий год: дешевле — 1 сценарий из 10", "A quiet year: 1 scenario in 10 costs less")),
                rubles(d.p10),
            ),
            (
                "mc-p50",
                cost(l("Обычный год: дешевле — половина сценариев", "A usual year: half the scenarios cost less")),
                rubles(d.p50),
            ),
            (
                "mc-p90",
                cost(l("Загруженный год: дороже — 1 сценарий из 10", "A busy year: 1 scenario in 10 costs more")),
                rubles(d.p90),
            ),
            ("mc-mean", cost(l("Среднее", "Mean")), rubles(d.mean)),
            (
                "mc-overage",
                l("Вероятность доплаты сверх тарифа в месяц", "Chance of paying over the tariff in a month").into(),
                percent(r.overage_month_chance),
            ),
            (
                "mc-forfeited",
                l("Сгорит часов резерва (в среднем)", "Reserve hours forfeited (mean)").into(),
                lang.hours(r.expected_forfeited_hours),
            ),
            ("mc-rate", rate_label.into(), r.effective_rate.map_or_else(|| "—".into(), rubles)),
        ];
        let bins = r.histogram(BINS);
        let rows = bins.iter().map(|&(from, to, n)| (rubles(from), rubles(to), n.to_string())).collect();
        let title = format!(
            "{} {} {}{suffix}: {} {}",
            l("Распределение стоимости за", "Distribution of the cost over"),
            r.months,
            l("мес.", "months"),
            grouped(r.paths.into()),
            l("сценариев", "scenarios")
        );
        let summary = format!(
            "{} {} {} {} {} {}{suffix}; {} {}.",
            l("В 8 сценариях из 10 за", "In 8 scenarios out of 10,"),
            r.months,
            l("мес. вы заплатите от", "months cost from"),
            rubles(d.p10),
            l("до", "to"),
            rubles(d.p90),
            l("обычно —", "usually"),
            rubles(d.p50)
        );
        SimReport { summary, figures, svg: histogram_svg(&bins, &title, lang), rows, lang }
    }

    /// The whole result as HTML (figures, histogram, and the histogram as a visually hidden
    /// table): one string keeps the wasm small. Every text in it is ours (labels and numbers).
    pub fn html(&self) -> String {
        let mut html = format!("<p id=\"mc-summary\">{}</p><dl class=\"summary\">", crate::html::text(&self.summary));
        for (id, label, value) in &self.figures {
            html += &format!(
                "<div><dt>{}</dt><dd id=\"{id}\">{}</dd></div>",
                crate::html::text(label),
                crate::html::text(value)
            );
        }
        html += "</dl><div class=\"histogram-wrap\">";
        html += &self.svg;
        // A hidden table must sit in a hidden box: a table's own overflow is not clipped.
        let l = |ru, en| self.lang.pick(ru, en);
        html += &format!(
            "</div><div class=\"visually-hidden\"><table><caption>{}</caption><thead><tr><th scope=\"col\">{}</th>\
             <th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            l(
                "Распределение стоимости: число сценариев в каждом интервале",
                "Distribution of the cost: scenarios in each interval"
            ),
            l("От", "From"),
            l("До", "To"),
            l("Сценариев", "Scenarios")
        );
        for (from, to, n) in &self.rows {
            html += &format!("<tr><td>{from}</td><td>{to}</td><td>{n}</td></tr>");
        }
        html + "</tbody></table></div>"
    }
}

/// The SVG's drawing area: `viewBox="0 0 W H"`, plot from `LEFT` to `W - RIGHT`, `TOP` to `BOTTOM`.
pub const W: i64 = 640;
pub const H: i64 = 270;
pub const LEFT: i64 = 64;
pub const RIGHT: i64 = 16;
pub const TOP: i64 = 12;
pub const BOTTOM: i64 = 210;

/// One bar: `(x, y, width, height)` in the viewBox's units.
pub fn bar_geometry(i: usize, bins: usize, count: usize, max: usize) -> (i64, i64, i64, i64) {
    let plot_w = W - LEFT - RIGHT;
    let x = LEFT + plot_w * i as i64 / bins as i64;
    let next = LEFT + plot_w * (i as i64 + 1) / bins as i64;
    let h = if max == 0 { 0 } else { div_round_half_away((BOTTOM - TOP) * count as i64, max as i64) };
    (x, BOTTOM - h, next - x, h)
}

/// The histogram as inline SVG: bars with a `<title>` each, axes, and Russian axis labels.
pub fn histogram_svg(bins: &[(Money, Money, usize)], title: &str, lang: Lang) -> String {
    let max = bins.iter().map(|b| b.2).max().unwrap_or(0);
    let title = crate::html::text(title);
    let mut svg = format!(
        "<svg viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{title}\" class=\"histogram\">\
         <title>{title}</title>"
    );
    // Gridlines at round counts (1, 2 or 5 × a power of ten), as the statement's charts have, under the bars.
    let max_count = max as i64;
    for value in crate::charts::ticks(max_count, crate::charts::nice_step(max_count, 4, 1)) {
        let y = BOTTOM - if max == 0 { 0 } else { div_round_half_away((BOTTOM - TOP) * value, max_count) };
        if value > 0 {
            svg += &format!("<path class=\"grid\" d=\"M{LEFT} {y}H{}\"/>", W - RIGHT);
        }
        svg += &format!("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{value}</text>", LEFT - 6, y + 4);
    }
    for (i, &(from, to, n)) in bins.iter().enumerate() {
        let (x, y, w, h) = bar_geometry(i, bins.len(), n, max);
        svg += &format!(
            "<rect x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{h}\"><title>{} — {}: {n}</title></rect>",
            (w - 1).max(1),
            rubles(from),
            rubles(to)
        );
    }
    let (lo, hi) = (bins.first().map(|b| b.0), bins.last().map(|b| b.1));
    let axis_y = BOTTOM + 16;
    svg += &format!(
        "<path class=\"axis\" d=\"M{LEFT} {TOP}V{BOTTOM}H{}\"/>\
         <text x=\"{LEFT}\" y=\"{axis_y}\">{}</text>\
         <text x=\"{}\" y=\"{axis_y}\" text-anchor=\"end\">{}</text>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\
         <text x=\"14\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {})\">{}</text></svg>",
        W - RIGHT,
        lo.map(whole_rubles).unwrap_or_default(),
        W - RIGHT,
        hi.map(whole_rubles).unwrap_or_default(),
        (LEFT + W - RIGHT) / 2,
        H - 8,
        lang.pick("Стоимость за период, ₽", "Cost for the period, ₽"),
        (TOP + BOTTOM) / 2,
        (TOP + BOTTOM) / 2,
        lang.pick("Сценариев", "Scenarios"),
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use hourbank_domain::format::hours;
    use hourbank_domain::{MonteCarlo, VatRate};

    fn h(centi: &[i64]) -> Vec<Hours> {
        centi.iter().map(|&c| Hours::from_centi(c)).collect()
    }

    fn basis() -> Basis {
        Basis {
            tariff: Tariff::start(),
            start: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            end: None,
            vat: Vat::OnTop(VatRate::GENERAL),
            months: h(&[300, 1250, 2000, 725, 0, 0, 3000]),
        }
    }

    /// A contract that ends in June is simulated to June, whatever the months asked: its paths
    /// stop there and forfeit the reserve, and the figures say «за 6 мес.».
    #[test]
    fn the_contracts_end_ends_every_path() {
        let ends = Basis { end: NaiveDate::from_ymd_opt(2027, 6, 30), ..basis() };
        let input = SimForm { paths: "500".into(), ..SimForm::default() }.input(&ends, &FillForm::default()).unwrap();
        let r = MonteCarlo::new(input).unwrap().run();
        assert_eq!(r.months, 6);
        let report = SimReport::new(&r, Vat::OnTop(VatRate::GENERAL), Lang::Ru);
        assert!(report.figures[0].1.ends_with("за 6 мес., с НДС"), "{}", report.figures[0].1);
        // In words, no percentile jargon: the range of 8 scenarios in 10 and the usual cost.
        let (low, usual, high) =
            (rubles(r.total_with_vat.p10), rubles(r.total_with_vat.p50), rubles(r.total_with_vat.p90));
        assert_eq!(
            report.summary,
            format!("В 8 сценариях из 10 за 6 мес. вы заплатите от {low} до {high}, с НДС; обычно — {usual}.")
        );
        assert!(report.html().starts_with("<p id=\"mc-summary\">В 8 сценариях из 10"));
        assert!(!report.html().contains("P10") && !report.html().contains("P90"));
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn the_fill_pattern_travels_in_the_link() {
        let fill = FillForm::default();
        assert_eq!(encode_fill(&fill), "10:20:3.6.9.12");
        assert_eq!(decode_fill("start=2027-01-01&fill=10:20:3.6.9.12"), fill);
        let mut odd = FillForm { base: "1,5".into(), peak: "x y".into(), ..FillForm::default() };
        odd.choose_peaks(&[1, 2]);
        assert_eq!(encode_fill(&odd), "1.5:x%20y:1.2");
        let back = decode_fill(&format!("fill={}", encode_fill(&odd)));
        assert_eq!((back.base.as_str(), back.peak.as_str()), ("1.5", "x y"));
        assert_eq!(back.peak_months, odd.peak_months);
        assert_eq!(decode_fill("fill=5:6:0.13.x.4").peak_months.iter().filter(|&&p| p).count(), 1);
        assert_eq!(decode_fill("h=1"), FillForm::default());
    }

    #[test]
    fn the_simulation_travels_in_the_link() {
        let sim = SimForm {
            profile: PROFILE_RESAMPLE.into(),
            mean: Some("10,50".into()),
            spread: None,
            seasonal: true,
            paths: "3000".into(),
            months: "24".into(),
            seed: "7".into(),
            lang: Lang::En,
        };
        let text = encode_sim(&sim);
        assert_eq!(text, "resample:10.5::1:3000:24:7");
        let back = decode_sim(&format!("?start=2027-01-01&mc={text}&fill=x"), Lang::En);
        assert_eq!(back, SimForm { mean: Some("10.5".into()), ..sim });
        // Nothing in the link: the defaults, in the page's language.
        assert_eq!(decode_sim("?start=2027-01-01", Lang::En), SimForm { lang: Lang::En, ..SimForm::default() });
        // A bad value stays as typed, for the form to report; a short link keeps the rest's defaults.
        let bad = decode_sim("mc=normal:abc:-1::10%3A000", Lang::Ru);
        assert_eq!((bad.mean.as_deref(), bad.spread.as_deref()), (Some("abc"), Some("-1")));
        assert_eq!((bad.paths.as_str(), bad.months.as_str(), bad.seed.as_str()), ("10:000", "12", "1"));
        let errors = fields(bad.input(&basis(), &FillForm::default()).unwrap_err());
        assert!(errors.contains(&"sim.mean".to_string()) && errors.contains(&"sim.paths".to_string()), "{errors:?}");
    }

    #[test]
    fn defaults_are_the_exact_mean_and_sample_spread() {
        // Σ = 72,75 h over 7 months → 10,392… → 10,39; sample variance 1 269 553,57 (0,01 h)² → 11,27 h.
        assert_eq!(mean_and_spread(&basis().months), (Hours::from_centi(1039), Hours::from_centi(1127)));
        assert_eq!(mean_and_spread(&h(&[1000, 1000, 1000])), (Hours::whole(10), Hours::ZERO));
        // 2 and 4: mean 3, spread √2 = 1,414… → 1,41; one month has no spread.
        assert_eq!(mean_and_spread(&h(&[200, 400])), (Hours::whole(3), Hours::from_centi(141)));
        assert_eq!(mean_and_spread(&h(&[725])), (Hours::from_centi(725), Hours::ZERO));
        assert_eq!(mean_and_spread(&[]), (Hours::ZERO, Hours::ZERO));
        // Half-way cases round away from zero: mean 0,005 → 0,01; √(0,0000…) exact squares stay.
        assert_eq!(mean_and_spread(&h(&[0, 1])).0, Hours::from_centi(1));
        assert_eq!(mean_and_spread(&h(&[0, 0, 600, 600])).1, Hours::from_centi(346));
        let f = SimForm::default();
        assert_eq!(f.mean_text(&basis().months), "10,39");
        assert_eq!(f.spread_text(&basis().months), "11,27");
    }

    #[test]
    fn the_default_form_is_the_normal_profile_over_the_entered_months() {
        let input = SimForm::default().input(&basis(), &FillForm::default()).unwrap();
        assert_eq!((input.paths, input.months, input.seed), (10_000, 12, 1));
        assert_eq!(
            input.profile,
            Profile::Normal {
                mean: Hours::from_centi(1039),
                spread: Hours::from_centi(1127),
                seasonality: Seasonality::FLAT
            }
        );
        assert_eq!(input.vat, Vat::OnTop(VatRate::GENERAL));
        let f = SimForm { profile: PROFILE_RESAMPLE.into(), mean: Some("bad".into()), ..SimForm::default() };
        assert_eq!(f.input(&basis(), &FillForm::default()).unwrap().profile, Profile::Resample(basis().months));
    }

    #[test]
    fn every_bad_field_is_named_with_the_domains_message() {
        let f = SimForm {
            paths: "0".into(),
            months: "121".into(),
            seed: "1,5".into(),
            mean: Some("-1".into()),
            spread: Some("abc".into()),
            ..SimForm::default()
        };
        let errors = f.input(&basis(), &FillForm::default()).unwrap_err();
        let ru: Vec<String> = errors.iter().map(|e| e.problem.ru()).collect();
        assert_eq!(fields(errors), ["sim.paths", "sim.months", "sim.seed", "sim.mean", "sim.spread"]);
        assert_eq!(
            ru,
            [
                "должно быть не меньше 1",
                "не больше 120",
                "должно быть целым числом",
                "не может быть отрицательным",
                "не число: «abc»"
            ]
        );
        let f = SimForm { paths: "1000001".into(), seed: "".into(), ..SimForm::default() };
        let errors = f.input(&basis(), &FillForm::default()).unwrap_err();
        assert_eq!(errors[0].problem.ru(), "не больше 1000000");
        assert_eq!(errors[1].problem.ru(), "обязательное поле");
        assert_eq!(parse_whole("sim.seed", "18446744073709551615", 0, u64::MAX), Ok(u64::MAX));
        assert_eq!(parse_whole("sim.seed", "0", 0, u64::MAX), Ok(0));
        let en = parse_whole("sim.paths", "0", 1, 10).unwrap_err();
        assert_eq!(Lang::En.problem(&en.problem), "must be at least 1");
        let f = SimForm { profile: "x".into(), ..SimForm::default() };
        assert_eq!(fields(f.input(&basis(), &FillForm::default()).unwrap_err()), ["sim.profile"]);
    }

    #[test]
    fn seasonality_comes_from_the_peak_months_and_averages_one() {
        // Base 10, peak 20 in the four quarter ends: weights sum to 160 → 0,75 and 1,5.
        let s = seasonality(&FillForm::default(), Lang::Ru).unwrap();
        assert_eq!(s.of_month(1), Decimal::new(75, 2));
        assert_eq!(s.of_month(3), Decimal::new(150, 2));
        let f = SimForm { seasonal: true, ..SimForm::default() };
        let Profile::Normal { seasonality: used, .. } = f.input(&basis(), &FillForm::default()).unwrap().profile else {
            panic!("normal")
        };
        assert_eq!(used, s);
        // One peak month with a zero base would weigh 12 > 10; all zero is no seasonality.
        let mut fill = FillForm { base: "0".into(), ..FillForm::default() };
        fill.choose_peaks(&[3]);
        assert_eq!(fields(seasonality(&fill, Lang::Ru).unwrap_err()), ["sim.seasonal"]);
        fill.peak = "0".into();
        assert_eq!(fields(seasonality(&fill, Lang::Ru).unwrap_err()), ["sim.seasonal"]);
        fill.base = "-1".into();
        fill.peak = "x".into();
        assert_eq!(fields(seasonality(&fill, Lang::Ru).unwrap_err()), ["fill.base", "fill.peak"]);
        // Not asked for: the fill panel's errors do not matter.
        assert!(SimForm::default().input(&basis(), &fill).is_ok());
        assert_eq!(fields(f.input(&basis(), &fill).unwrap_err()), ["fill.base", "fill.peak"]);
    }

    #[test]
    fn the_report_formats_the_engines_figures() {
        let input =
            SimForm { paths: "2000".into(), ..SimForm::default() }.input(&basis(), &FillForm::default()).unwrap();
        let mc = MonteCarlo::new(input).unwrap();
        let r = mc.run();
        let report = SimReport::new(&r, Vat::OnTop(VatRate::GENERAL), Lang::Ru);
        let value = |id| report.figures.iter().find(|f| f.0 == id).unwrap().2.clone();
        assert_eq!(value("mc-p50"), rubles(r.total_with_vat.p50));
        assert_eq!(value("mc-mean"), rubles(r.total_with_vat.mean));
        assert_eq!(value("mc-forfeited"), hours(r.expected_forfeited_hours));
        assert_eq!(value("mc-overage"), percent(r.overage_month_chance));
        assert!(report.figures[0].1.ends_with("за 12 мес., с НДС"), "{}", report.figures[0].1);
        assert_eq!(report.rows.len(), BINS);
        let html = report.html();
        assert!(html.contains(&format!("<dd id=\"mc-p50\">{}</dd>", rubles(r.total_with_vat.p50))), "{html}");
        assert!(html.contains(&report.svg) && html.ends_with("</tbody></table></div>"));
        assert_eq!(html.matches("<tr><td>").count(), BINS);
        let counted: usize = report.rows.iter().map(|r| r.2.parse::<usize>().unwrap()).sum();
        assert_eq!(counted, 2000);
        assert_eq!(percent(Decimal::new(6577, 4)), "65,77\u{a0}%");
        assert_eq!(percent(Decimal::ZERO), "0,00\u{a0}%");
        assert_eq!(percent(Decimal::ONE), "100,00\u{a0}%");
        assert_eq!(grouped(10_000), "10\u{a0}000");
        assert_eq!(grouped(999), "999");
        assert_eq!(millis_text(1234.56), "1234.5");
        assert_eq!(whole_rubles(Money::from_kopecks(372_612_40)), "372\u{a0}612");
    }

    #[test]
    fn histogram_bars_fill_the_plot_and_scale_to_the_tallest() {
        // 20 bins over 560 units: 28 each; the tallest reaches the top.
        assert_eq!(bar_geometry(0, 20, 50, 100), (LEFT, BOTTOM - 99, 28, 99));
        assert_eq!(bar_geometry(19, 20, 100, 100), (LEFT + 532, TOP, 28, BOTTOM - TOP));
        assert_eq!(bar_geometry(3, 20, 0, 100), (LEFT + 84, BOTTOM, 28, 0));
        // Uneven division still tiles the plot with no gap.
        let (x2, _, w2, _) = bar_geometry(2, 3, 1, 1);
        assert_eq!(x2 + w2, W - RIGHT);
        assert_eq!(bar_geometry(0, 1, 0, 0), (LEFT, BOTTOM, W - LEFT - RIGHT, 0));
        let m = Money::from_kopecks;
        let svg = histogram_svg(&[(m(100_000_00), m(150_000_00), 3), (m(150_000_00), m(200_000_00), 6)], "T", Lang::Ru);
        assert!(svg.starts_with("<svg viewBox=\"0 0 640 270\" role=\"img\" aria-label=\"T\""), "{svg}");
        assert!(svg.contains("<title>T</title>"));
        assert!(svg.contains("<rect x=\"64\" y=\"111\" width=\"279\" height=\"99\">"), "{svg}");
        assert!(svg.contains("<rect x=\"344\" y=\"12\" width=\"279\" height=\"198\">"), "{svg}");
        assert!(svg.contains("<title>150\u{a0}000,00\u{a0}₽ — 200\u{a0}000,00\u{a0}₽: 6</title>"));
        assert!(svg.contains(">100\u{a0}000</text>") && svg.contains(">200\u{a0}000</text>"));
        assert!(svg.contains(">Стоимость за период, ₽</text>") && svg.contains(">Сценариев</text>"));
        // Counts on round gridlines: 0, 2, 4, 6 for a tallest bar of 6.
        for (count, y) in [(0, 214), (2, 148), (4, 82), (6, 16)] {
            assert!(svg.contains(&format!("y=\"{y}\" text-anchor=\"end\">{count}</text>")), "{count}: {svg}");
        }
        assert_eq!(svg.matches("class=\"grid\"").count(), 3, "{svg}");
        assert!(svg.ends_with("</svg>"));
    }
}
