//! The calculator's scenario as a plain type: text as typed in, validated by the domain's own rules.
//! Components only bind inputs to it and render what it returns.

use chrono::{Datelike, NaiveDate};
use hourbank_domain::format::hours_number;
use hourbank_domain::scenario::MAX_SCENARIO_MONTHS;
use hourbank_domain::units::parse_decimal;
use hourbank_domain::{
    parse_date, simulate, Contract, FieldError, Hours, Period, Problem, Statement, Tariff, Vat, VatRate,
};

/// Months a new scenario shows.
pub const MONTHS: usize = 12;

/// The tariff choices: the built-in «Старт», or terms typed in.
pub const TARIFF_START: &str = "start";
pub const TARIFF_CUSTOM: &str = "custom";

/// What the user typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalculatorForm {
    /// `start` or `custom`.
    pub tariff: String,
    /// The custom tariff's fields, in the order of [`Tariff::FIELDS`].
    pub custom: [String; 6],
    pub start: String,
    /// Empty: the contract has no end date.
    pub end: String,
    /// `none`, `included` or `on_top` (the domain's wire names).
    pub vat_mode: String,
    pub vat_rate: String,
    /// How many months the scenario lists, as typed; the hours below follow it when it is valid.
    pub count: String,
    /// Hours per calendar month from the start month; empty means 0 h.
    pub hours: Vec<String>,
    /// The months a smaller count cut off, the first of them last: they come back as the count
    /// grows again (typing «12» over «6» passes through «1»). Never shown, shared or saved.
    pub cut: Vec<String>,
}

/// A computed scenario: the statement and the terms it was computed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calculation {
    pub statement: Statement,
    pub tariff: Tariff,
    pub vat: Vat,
    /// The contract starts after the 1st: its first month is partial, billed like a trial month
    /// and not one of the trial months.
    pub partial_start: bool,
    /// Months entered past the contract's end date: not billed, so not counted (the statement
    /// stops with the contract, and says how many it left out).
    pub past_end: usize,
}

/// The statement, or the errors that keep it from being computed (never a partial figure).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Statement(Box<Calculation>),
    Invalid(Vec<FieldError>),
}

impl Outcome {
    /// The problem with `field`, when it is invalid.
    pub fn error(&self, field: &str) -> Option<&hourbank_domain::Problem> {
        match self {
            Outcome::Invalid(errors) => errors.iter().find(|e| e.field == field).map(|e| &e.problem),
            Outcome::Statement(_) => None,
        }
    }

    /// The Russian message for `field`, when it is invalid.
    pub fn error_ru(&self, field: &str) -> Option<String> {
        match self {
            Outcome::Invalid(errors) => errors.iter().find(|e| e.field == field).map(|e| e.problem.ru()),
            Outcome::Statement(_) => None,
        }
    }
}

/// The 1st of the month after `today`: when a new contract usually starts.
pub fn default_start(today: NaiveDate) -> NaiveDate {
    let (y, m) = if today.month() == 12 { (today.year() + 1, 1) } else { (today.year(), today.month() + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).expect("valid first of month")
}

/// A tariff's fields as a person would type them (`20000.00`, `10`, `2`).
pub fn tariff_texts(t: &Tariff) -> [String; 6] {
    [
        t.monthly_fee.to_string(),
        t.included_hours.to_string(),
        t.overage_rate.to_string(),
        t.reserve_cap.to_string(),
        t.trial_months.to_string(),
        t.trial_rate.to_string(),
    ]
}

/// Parses a count of months: a whole number from 1 to the domain's scenario limit.
pub fn parse_count(field: &str, text: &str) -> Result<usize, FieldError> {
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
    if value > rust_decimal::Decimal::from(MAX_SCENARIO_MONTHS) {
        return Err(FieldError::new(field, Problem::TooLarge { max: MAX_SCENARIO_MONTHS.to_string() }));
    }
    if value.is_zero() {
        return Err(FieldError::new(field, Problem::AtLeast(1)));
    }
    Ok(usize::try_from(value.mantissa()).expect("bounded"))
}

impl CalculatorForm {
    /// «Старт» from `start`, no end, no VAT, 12 empty months.
    pub fn new(start: NaiveDate) -> Self {
        CalculatorForm {
            tariff: TARIFF_START.into(),
            custom: tariff_texts(&Tariff::start()),
            start: format!("{:04}-{:02}-{:02}", start.year(), start.month(), start.day()),
            end: String::new(),
            vat_mode: "none".into(),
            vat_rate: VatRate::GENERAL.percent().to_string(),
            count: MONTHS.to_string(),
            hours: vec![String::new(); MONTHS],
            cut: Vec::new(),
        }
    }

    /// What the calculator opens with: [`CalculatorForm::new`] with the fill panel's base hours
    /// (10 h) in every month, so the first figures are a realistic year rather than 0 h.
    pub fn first_view(start: NaiveDate) -> Self {
        let mut form = Self::new(start);
        form.hours = vec![FillForm::default().base; MONTHS];
        form
    }

    /// The demo's first view: fewer hours than included most months, more at the quarters' ends
    /// (1C's reporting season), so its slides show the reserve filling, paying for a peak and
    /// overage beyond it — flat months at the included hours would show none of that.
    pub fn demo_view(start: NaiveDate) -> Self {
        let mut form = Self::first_view(start);
        let fill = FillForm { base: "6".into(), peak: "20".into(), ..FillForm::default() };
        form.hours = fill.peaks(Ok(start), MONTHS).expect("the demo's pattern reads");
        form
    }

    /// Field name of month `i`'s hours, as errors name it.
    pub fn hours_field(i: usize) -> String {
        format!("months[{i}]")
    }

    /// Field name of a custom tariff's field (`tariff.monthly_fee`).
    pub fn tariff_field(name: &str) -> String {
        format!("tariff.{name}")
    }

    /// The start date, if valid.
    pub fn start_date(&self) -> Result<NaiveDate, FieldError> {
        parse_date("start", self.start.trim())
    }

    /// Sets the count of months as typed; when it is valid the months are cut, or extended with
    /// the ones cut before and then empty months: typed hours are never lost to the count.
    pub fn set_count(&mut self, text: &str) {
        self.count = text.to_string();
        if let Ok(n) = parse_count("count", text) {
            // `cut` is a stack: its top is the first month cut off.
            while self.hours.len() > n {
                self.cut.extend(self.hours.pop());
            }
            while self.hours.len() < n {
                self.hours.push(self.cut.pop().unwrap_or_default());
            }
        }
    }

    /// The tariff, with every field's error.
    fn tariff(&self, errors: &mut Vec<FieldError>) -> Option<Tariff> {
        match self.tariff.as_str() {
            TARIFF_START => Some(Tariff::start()),
            TARIFF_CUSTOM => {
                let mut tariff = Tariff::start();
                let before = errors.len();
                for (field, text) in Tariff::FIELDS.iter().zip(&self.custom) {
                    if let Err(e) = tariff.set_field(field, text.trim()) {
                        errors.push(e.under("tariff"));
                    }
                }
                (errors.len() == before).then_some(tariff)
            }
            other => {
                errors.push(FieldError::new(
                    "tariff",
                    Problem::UnknownValue { given: other.to_string(), expected: "start, custom".into() },
                ));
                None
            }
        }
    }

    /// The VAT option; the rate is only read when VAT is on.
    fn vat(&self, errors: &mut Vec<FieldError>) -> Option<Vat> {
        // The rate is read only for a mode that has one; an unknown mode is the one error.
        let rate = if !matches!(self.vat_mode.as_str(), "included" | "on_top") {
            None
        } else {
            match VatRate::parse("vat.rate", self.vat_rate.trim()) {
                Ok(rate) => Some(rate),
                Err(e) => {
                    errors.push(e);
                    None
                }
            }
        };
        match Vat::from_mode("vat", &self.vat_mode, rate) {
            Ok(vat) => Some(vat),
            Err(e) => {
                errors.push(e);
                None
            }
        }
    }

    /// Validates every field (an empty hours field means 0 h) and simulates the scenario.
    pub fn evaluate(&self) -> Outcome {
        let mut errors = Vec::new();
        let tariff = self.tariff(&mut errors);
        let start = self.start_date().map_err(|e| errors.push(e)).ok();
        let end = match self.end.trim() {
            "" => Some(None),
            text => parse_date("end", text).map(Some).map_err(|e| errors.push(e)).ok(),
        };
        let vat = self.vat(&mut errors);
        if let Err(e) = parse_count("count", &self.count) {
            errors.push(e);
        }
        let hours: Vec<Hours> = self
            .hours
            .iter()
            .enumerate()
            .filter_map(|(i, text)| {
                let text = text.trim();
                if text.is_empty() {
                    return Some(Hours::ZERO);
                }
                Hours::parse_month(&Self::hours_field(i), text).map_err(|e| errors.push(e)).ok()
            })
            .collect();
        let (Some(tariff), Some(start), Some(end), Some(vat)) = (tariff, start, end, vat) else {
            return Outcome::Invalid(errors);
        };
        let contract = match Contract::new(tariff.clone(), start, end) {
            Ok(contract) => contract,
            Err(e) => {
                errors.push(e);
                return Outcome::Invalid(errors);
            }
        };
        if !errors.is_empty() {
            return Outcome::Invalid(errors);
        }
        // Months past the contract's end bill nothing: the statement stops with the contract (an
        // end date typed before the months are shortened should not blank every figure).
        let length = contract.length_in_months().map_or(hours.len(), |n| (n as usize).min(hours.len()));
        let past_end = hours.len() - length;
        let partial_start = start.day() != 1;
        match simulate(&contract, &hours[..length], vat) {
            Ok(statement) => {
                Outcome::Statement(Box::new(Calculation { statement, tariff, vat, partial_start, past_end }))
            }
            Err(e) => Outcome::Invalid(vec![e]),
        }
    }
}

/// The scenario in one line: `Сценарий: «Старт», с 2027-01, 7 месяцев, 72,75 ч, НДС 22%.`
pub fn summary_line(c: &Calculation, lang: crate::i18n::Lang) -> String {
    let st = &c.statement;
    let tariff = if c.tariff == Tariff::start() {
        "«Старт»"
    } else {
        lang.pick("свой тариф", "your own tariff")
    };
    let from = st.months.first().map(|m| m.period.to_string()).unwrap_or_default();
    let vat = match c.vat {
        Vat::None => lang.pick("без НДС", "no VAT").to_string(),
        vat => crate::csv::vat_label_in(vat, lang),
    };
    let n = st.months.len();
    let months = match lang {
        crate::i18n::Lang::Ru => crate::demo::months_word(n as u32),
        crate::i18n::Lang::En => format!("{n} months"),
    };
    let past_end = match c.past_end {
        0 => String::new(),
        n => format!(
            " {} {n}",
            lang.pick("до конца договора; после него не считаются ещё", "to the contract's end; not counted after it:")
        ),
    };
    format!(
        "{} {tariff}, {} {from}, {months}{past_end}, {}, {vat}.",
        lang.pick("Сценарий:", "Scenario:"),
        lang.pick("с", "from"),
        lang.hours(st.summary.hours)
    )
}

/// Calendar months of the quarterly reports: March, June, September, December.
pub const QUARTER_ENDS: [u32; 4] = [3, 6, 9, 12];
/// The annual report season: January to March (the annual accounts are due by 31 March).
pub const ANNUAL_REPORT_SEASON: [u32; 3] = [1, 2, 3];

/// The fill panel as typed: two patterns, «the same every month» (the base) and «a base with
/// peaks» in the chosen calendar months.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FillForm {
    pub base: String,
    pub peak: String,
    /// Peak calendar months, `peak_months[0]` is January.
    pub peak_months: [bool; 12],
}

impl Default for FillForm {
    fn default() -> Self {
        let mut fill = FillForm { base: "10".into(), peak: "20".into(), peak_months: [false; 12] };
        fill.choose_peaks(&QUARTER_ENDS);
        fill
    }
}

impl FillForm {
    /// Marks exactly these calendar months (1 = January) as peaks.
    pub fn choose_peaks(&mut self, months: &[u32]) {
        self.peak_months = [false; 12];
        for &m in months {
            self.peak_months[m as usize - 1] = true;
        }
    }

    /// The base hours in each of `count` months.
    pub fn same(&self, count: usize) -> Result<Vec<String>, Vec<FieldError>> {
        let h = Hours::parse_month("fill.base", self.base.trim()).map_err(|e| vec![e])?;
        Ok(vec![hours_number(h); count])
    }

    /// The base hours, and the peak hours in the peak calendar months, for `count` months from
    /// `start`'s month; or the fields to fix.
    pub fn peaks(&self, start: Result<NaiveDate, FieldError>, count: usize) -> Result<Vec<String>, Vec<FieldError>> {
        let base = Hours::parse_month("fill.base", self.base.trim());
        let peak = Hours::parse_month("fill.peak", self.peak.trim());
        let (base, peak, start) = match (base, peak, start) {
            (Ok(b), Ok(p), Ok(s)) => (b, p, s),
            (b, p, s) => return Err([b.err(), p.err(), s.err()].into_iter().flatten().collect()),
        };
        let first = Period::of(start);
        Ok((0..count)
            .map(|i| {
                let month = first.plus(i as u32).month();
                hours_number(if self.peak_months[month as usize - 1] { peak } else { base })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn form() -> CalculatorForm {
        CalculatorForm::new(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap())
    }

    fn computed(f: &CalculatorForm) -> Calculation {
        match f.evaluate() {
            Outcome::Statement(c) => *c,
            Outcome::Invalid(e) => panic!("valid form refused: {e:?}"),
        }
    }

    fn fields(f: &CalculatorForm) -> Vec<String> {
        match f.evaluate() {
            Outcome::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            Outcome::Statement(_) => panic!("bad input computed"),
        }
    }

    #[test]
    fn the_default_start_is_the_first_of_next_month() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(default_start(d(2026, 11, 24)), d(2026, 12, 1));
        assert_eq!(default_start(d(2026, 12, 31)), d(2027, 1, 1));
    }

    #[test]
    fn empty_fields_mean_no_hours() {
        let st = computed(&form()).statement;
        assert_eq!(st.months.len(), MONTHS);
        assert!(st.summary.hours.is_zero());
        // Two trial months free of fee, then 10 subscription months.
        assert_eq!(st.summary.total.to_string(), "200000.00");
        assert_eq!(st.summary.total_with_vat.to_string(), "200000.00");
    }

    #[test]
    fn every_bad_field_is_reported_with_the_domains_message() {
        let mut f = form();
        f.hours[0] = "3".into();
        f.hours[3] = "-1".into();
        f.hours[7] = "1,234".into();
        f.start = "2027-02-30".into();
        let Outcome::Invalid(errors) = f.evaluate() else { panic!("bad input computed") };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["start", "months[3]", "months[7]"]);
        assert_eq!(errors[1].to_string(), "months[3]: must not be negative");
        assert_eq!(errors[1].problem.ru(), "не может быть отрицательным");
    }

    #[test]
    fn russian_decimal_commas_are_accepted() {
        let mut f = form();
        f.hours[1] = " 12,5 ".into();
        assert_eq!(computed(&f).statement.months[1].total.to_string(), "25000.00");
    }

    #[test]
    fn a_custom_tariff_is_validated_field_by_field_through_the_domain() {
        let mut f = form();
        f.tariff = TARIFF_CUSTOM.into();
        f.custom[0] = "45000".into();
        f.custom[4] = "1".into();
        let c = computed(&f);
        assert_eq!(c.tariff.monthly_fee.to_string(), "45000.00");
        // One trial month with no hours, then 11 × 45 000.
        assert_eq!(c.statement.summary.total.to_string(), "495000.00");

        f.custom[0] = "-1".into();
        f.custom[3] = "abc".into();
        f.custom[4] = "1.5".into();
        f.custom[5] = "1.001".into();
        assert_eq!(
            fields(&f),
            ["tariff.monthly_fee", "tariff.reserve_cap", "tariff.trial_months", "tariff.trial_rate"]
        );
        assert_eq!(f.evaluate().error_ru("tariff.trial_months").unwrap(), "должно быть целым числом");
        // «Старт» ignores the custom fields, however wrong they are.
        f.tariff = TARIFF_START.into();
        computed(&f);
        f.tariff = "gold".into();
        assert_eq!(fields(&f), ["tariff"]);
    }

    /// The offer writes «20.000 руб.»: typed so, the fee is refused instead of read as 20 ₽; typed
    /// as the page shows amounts («20 000»), it is 20 000.
    #[test]
    fn a_fee_typed_as_the_offer_writes_it_is_not_read_a_thousand_times_smaller() {
        let mut f = form();
        f.tariff = TARIFF_CUSTOM.into();
        f.custom[0] = "20.000".into();
        f.custom[2] = "2.000".into();
        assert_eq!(fields(&f), ["tariff.monthly_fee", "tariff.overage_rate"]);
        assert_eq!(
            f.evaluate().error_ru("tariff.monthly_fee").unwrap(),
            "неоднозначно: «20.000» — тысячи пишите без точки и запятой"
        );
        f.custom[0] = "20 000".into();
        f.custom[2] = "2\u{a0}000,00".into();
        let c = computed(&f);
        assert_eq!(c.tariff.monthly_fee.to_string(), "20000.00");
        assert_eq!(c.tariff.overage_rate.to_string(), "2000.00");
    }

    #[test]
    fn vat_on_top_and_included() {
        let mut f = form();
        f.vat_mode = "on_top".into();
        let c = computed(&f);
        assert_eq!(c.vat, Vat::OnTop(VatRate::GENERAL));
        assert_eq!(c.statement.summary.vat.to_string(), "44000.00");
        assert_eq!(c.statement.summary.total_with_vat.to_string(), "244000.00");
        f.vat_mode = "included".into();
        f.vat_rate = "20".into();
        let s = computed(&f).statement.summary;
        // 20 000 × 20 / 120 = 3 333.33 per month, ten months.
        assert_eq!(s.vat.to_string(), "33333.30");
        assert_eq!(s.total_with_vat.to_string(), "200000.00");
        f.vat_rate = "101".into();
        assert_eq!(f.evaluate().error_ru("vat.rate").unwrap(), "не больше 100");
        // Without VAT the rate is not read.
        f.vat_mode = "none".into();
        computed(&f);
        f.vat_mode = "half".into();
        assert_eq!(fields(&f), ["vat.mode"]);
    }

    #[test]
    fn the_demos_first_view_shows_the_reserve_at_work_and_overage() {
        for start in ["2027-01-01", "2027-04-01", "2027-08-01", "2027-11-01"] {
            let st =
                computed(&CalculatorForm::demo_view(NaiveDate::parse_from_str(start, "%Y-%m-%d").unwrap())).statement;
            assert!(st.months.iter().any(|m| !m.reserve_used.is_zero()), "{start}: no month draws on the reserve");
            assert!(st.months.iter().any(|m| !m.reserve_end.is_zero()), "{start}: the reserve never fills");
            assert!(
                st.months.iter().any(|m| m.phase == hourbank_domain::Phase::Subscription && !m.extra_hours.is_zero()),
                "{start}: no overage"
            );
        }
    }

    #[test]
    fn an_end_date_closes_the_contract_and_limits_the_months() {
        let mut f = form();
        f.end = "2027-06-15".into();
        // The months past the end are left out, and the line says so.
        let cut = computed(&f);
        assert_eq!((cut.statement.months.len(), cut.past_end), (6, f.hours.len() - 6));
        assert!(cut.statement.months[5].contract_ends);
        let line = summary_line(&cut, crate::i18n::Lang::Ru);
        assert!(
            line.contains(&format!("6 месяцев до конца договора; после него не считаются ещё {},", f.hours.len() - 6)),
            "{line}"
        );
        f.set_count("6");
        assert_eq!(computed(&f).past_end, 0);
        assert!(!summary_line(&computed(&f), crate::i18n::Lang::Ru).contains("после него"));
        f.hours[3] = "2".into();
        let st = computed(&f).statement;
        assert_eq!(st.months.len(), 6);
        assert!(st.months[5].contract_ends);
        // April leaves 8 h, May 10 → the reserve is full (10) and is forfeited in June with June's 10.
        assert_eq!(st.months[5].reserve_forfeited, Hours::whole(20));
        f.end = "2026-12-31".into();
        assert_eq!(fields(&f), ["end"]);
        f.end = "31.12.2027".into();
        assert_eq!(fields(&f), ["end"]);
    }

    #[test]
    fn the_count_resizes_the_months_only_when_valid() {
        let mut f = form();
        f.hours[1] = "5".into();
        f.set_count("3");
        assert_eq!(f.hours, ["", "5", ""]);
        f.set_count("0");
        assert_eq!(f.hours.len(), 3);
        assert_eq!(fields(&f), ["count"]);
        f.set_count("601");
        assert_eq!(f.evaluate().error_ru("count").unwrap(), "не больше 600");
        f.set_count("2.5");
        assert_eq!(f.evaluate().error_ru("count").unwrap(), "должно быть целым числом");
        f.set_count("");
        assert_eq!(f.evaluate().error_ru("count").unwrap(), "обязательное поле");
        f.set_count("24");
        assert_eq!(f.hours.len(), 24);
        assert_eq!(f.hours[1], "5");
        assert_eq!(computed(&f).statement.months.len(), 24);
    }

    #[test]
    fn typing_a_count_never_loses_typed_hours() {
        let mut f = form();
        for (i, h) in f.hours.iter_mut().enumerate() {
            *h = (i + 1).to_string();
        }
        // «12» over «12»: cleared, then «1», then «12»; and «6», then back to «18».
        for typed in ["", "1", "12"] {
            f.set_count(typed);
        }
        assert_eq!(f.hours, (1..=12).map(|i| i.to_string()).collect::<Vec<_>>());
        f.set_count("6");
        assert_eq!(f.hours.len(), 6);
        f.set_count("8");
        assert_eq!(f.hours[7], "8");
        f.set_count("18");
        let mut expected: Vec<String> = (1..=12).map(|i| i.to_string()).collect();
        expected.resize(18, String::new());
        assert_eq!(f.hours, expected);
        assert_eq!(computed(&f).statement.months.len(), 18);
    }

    #[test]
    fn the_scenario_in_one_line() {
        let mut f = form();
        f.set_count("7");
        f.hours[1] = "12,5".into();
        f.vat_mode = "on_top".into();
        assert_eq!(
            summary_line(&computed(&f), Lang::Ru),
            "Сценарий: «Старт», с 2027-01, 7 месяцев, 12,5\u{a0}ч, НДС 22%."
        );
        assert_eq!(
            summary_line(&computed(&f), Lang::En),
            "Scenario: «Старт», from 2027-01, 7 months, 12,5\u{a0}h, VAT 22%."
        );
        f.tariff = TARIFF_CUSTOM.into();
        f.custom[0] = "1".into();
        f.vat_mode = "none".into();
        assert_eq!(
            summary_line(&computed(&f), Lang::Ru),
            "Сценарий: свой тариф, с 2027-01, 7 месяцев, 12,5\u{a0}ч, без НДС."
        );
    }

    #[test]
    fn fill_the_same_hours_every_month() {
        let fill = FillForm { base: "12,5".into(), ..FillForm::default() };
        assert_eq!(fill.same(3).unwrap(), ["12,5", "12,5", "12,5"]);
        let fill = FillForm { base: "-2".into(), ..FillForm::default() };
        let errors = fill.same(3).unwrap_err();
        assert_eq!(errors[0].field, "fill.base");
        assert_eq!(errors[0].problem.ru(), "не может быть отрицательным");
    }

    #[test]
    fn fill_a_base_with_peaks_in_chosen_calendar_months() {
        let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let mut fill = FillForm { base: "5".into(), peak: "15,25".into(), ..FillForm::default() };
        // November 2026 … April 2028: the quarter ends are December, March, June, September.
        let h = fill.peaks(Ok(start), 8).unwrap();
        assert_eq!(h, ["5", "15,25", "5", "5", "15,25", "5", "5", "15,25"]);
        fill.choose_peaks(&ANNUAL_REPORT_SEASON);
        let h = fill.peaks(Ok(start), 6).unwrap();
        assert_eq!(h, ["5", "5", "15,25", "15,25", "15,25", "5"]);
        fill.base = "x".into();
        fill.peak = "745".into();
        let errors = fill.peaks(parse_date("start", "bad"), 6).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["fill.base", "fill.peak", "start"]);
        assert_eq!(errors[1].problem.ru(), "не больше 744");
    }

    #[test]
    fn the_form_feeds_the_statement_from_the_fill() {
        let mut f = form();
        f.hours = FillForm { base: "20".into(), ..FillForm::default() }.same(MONTHS).unwrap();
        let st = computed(&f).statement;
        // Trial: 20 h × 2 000 a month; then 10 h included and, the reserve never filling, 10 h over.
        assert_eq!(st.months[0].total.to_string(), "40000.00");
        assert_eq!(st.months[2].extra_hours, Hours::whole(10));
        assert_eq!(st.summary.total.to_string(), (80_000 + 10 * 40_000).to_string() + ".00");
    }
}
