//! Tariffs and VAT: the terms a statement is computed from.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Problem};
use crate::units::{parse_decimal, Hours, Money};

/// Most months a trial may last (three years is far beyond any offer).
pub const MAX_TRIAL_MONTHS: u32 = 36;
/// Most hours included per month or held in reserve.
pub const MAX_TARIFF_HOURS: Decimal = dec!(744);

/// The terms of a tariff. «Старт» is built in; other tariffs are data of the same shape.
/// Read from JSON through [`TariffTerms`], so every term is checked as it would be on input.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TariffTerms")]
pub struct Tariff {
    /// Subscription fee for a subscription month.
    pub monthly_fee: Money,
    /// Hours the fee buys each subscription month.
    pub included_hours: Hours,
    /// Price of each hour beyond included + reserve.
    pub overage_rate: Money,
    /// The most hours the reserve may hold.
    pub reserve_cap: Hours,
    /// Full calendar months billed per closed hour, with no fee.
    pub trial_months: u32,
    /// Price of an hour in the trial.
    pub trial_rate: Money,
}

impl Tariff {
    /// The tariff «Старт» as the company's offer states it.
    pub fn start() -> Tariff {
        Tariff {
            monthly_fee: Money::from_kopecks(20_000_00),
            included_hours: Hours::whole(10),
            overage_rate: Money::from_kopecks(2_000_00),
            reserve_cap: Hours::whole(10),
            trial_months: 2,
            trial_rate: Money::from_kopecks(2_000_00),
        }
    }

    /// Hours a client may close in a subscription month without paying extra, with a full reserve.
    pub fn max_hours_without_extra(&self) -> Hours {
        self.included_hours + self.reserve_cap
    }

    /// Sets one field from text, validating it; `field` is the field's own name.
    pub fn set_field(&mut self, field: &str, text: &str) -> Result<(), FieldError> {
        match field {
            "monthly_fee" => self.monthly_fee = Money::parse(field, text)?,
            "overage_rate" => self.overage_rate = Money::parse(field, text)?,
            "trial_rate" => self.trial_rate = Money::parse(field, text)?,
            "included_hours" => self.included_hours = tariff_hours(field, text)?,
            "reserve_cap" => self.reserve_cap = tariff_hours(field, text)?,
            "trial_months" => self.trial_months = parse_trial_months(field, text)?,
            _ => return Err(FieldError::new(field, Problem::UnknownField)),
        }
        Ok(())
    }

    /// The field names, in the order of the offer.
    pub const FIELDS: [&'static str; 6] =
        ["monthly_fee", "included_hours", "overage_rate", "reserve_cap", "trial_months", "trial_rate"];
}

/// A tariff's terms as JSON carries them (amounts and hours as decimal strings), before they
/// are checked.
#[derive(Deserialize)]
pub struct TariffTerms {
    monthly_fee: String,
    included_hours: String,
    overage_rate: String,
    reserve_cap: String,
    trial_months: u32,
    trial_rate: String,
}

impl TryFrom<TariffTerms> for Tariff {
    type Error = FieldError;

    fn try_from(terms: TariffTerms) -> Result<Tariff, FieldError> {
        let mut tariff = Tariff::start();
        tariff.set_field("monthly_fee", &terms.monthly_fee)?;
        tariff.set_field("included_hours", &terms.included_hours)?;
        tariff.set_field("overage_rate", &terms.overage_rate)?;
        tariff.set_field("reserve_cap", &terms.reserve_cap)?;
        tariff.set_field("trial_months", &terms.trial_months.to_string())?;
        tariff.set_field("trial_rate", &terms.trial_rate)?;
        Ok(tariff)
    }
}

fn tariff_hours(field: &str, text: &str) -> Result<Hours, FieldError> {
    Hours::bounded(field, parse_decimal(field, text)?, MAX_TARIFF_HOURS)
}

fn parse_trial_months(field: &str, text: &str) -> Result<u32, FieldError> {
    let value = parse_decimal(field, text)?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(FieldError::new(field, Problem::Negative));
    }
    if value.normalize().scale() != 0 {
        return Err(FieldError::new(field, Problem::NotWhole));
    }
    if value > Decimal::from(MAX_TRIAL_MONTHS) {
        return Err(FieldError::new(field, Problem::TooLarge { max: MAX_TRIAL_MONTHS.to_string() }));
    }
    Ok(u32::try_from(value.normalize().mantissa()).expect("bounded above"))
}

/// A VAT rate in percent: 0..=100, at most two places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VatRate(Decimal);

impl VatRate {
    /// The general Russian rate from 2026-01-01.
    pub const GENERAL: VatRate = VatRate(Decimal::from_parts(22, 0, 0, false, 0));

    pub fn parse(field: &str, text: &str) -> Result<VatRate, FieldError> {
        let value = parse_decimal(field, text)?;
        VatRate::new(field, value)
    }

    pub fn new(field: &str, value: Decimal) -> Result<VatRate, FieldError> {
        let hours_like = Hours::bounded(field, value, Decimal::ONE_HUNDRED)?;
        Ok(VatRate(hours_like.value()))
    }

    pub fn percent(self) -> Decimal {
        self.0
    }

    /// The rate in hundredths of a percent (22% → 2200), for integer arithmetic.
    pub fn centi_percent(self) -> i64 {
        Hours::bounded("rate", self.0, Decimal::ONE_HUNDRED).expect("valid").centi()
    }
}

/// The seller's VAT option.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Vat {
    /// «без НДС» — the default.
    #[default]
    None,
    /// Prices already include VAT at this rate.
    Included(VatRate),
    /// VAT is added on top of prices at this rate.
    OnTop(VatRate),
}

impl Vat {
    /// The VAT of a statement row and the row's total with VAT.
    ///
    /// On top: `vat = round(total × rate / 100)`; included: `vat = round(total × rate / (100 + rate))`.
    /// The included quotient is never exactly a midpoint unless it terminates within Decimal's 28
    /// digits (its denominator is at most 20000 hundredths), so one rounding is exact here.
    pub fn apply(self, total: Money) -> (Money, Money) {
        match self {
            Vat::None => (Money::ZERO, total),
            Vat::OnTop(rate) => {
                let vat = Money::rounded(total.amount() * rate.percent() / Decimal::ONE_HUNDRED);
                (vat, total + vat)
            }
            Vat::Included(rate) => {
                let vat = Money::rounded(total.amount() * rate.percent() / (Decimal::ONE_HUNDRED + rate.percent()));
                (vat, total)
            }
        }
    }

    /// The mode's wire name: `none`, `included`, `on_top`.
    pub fn mode(self) -> &'static str {
        match self {
            Vat::None => "none",
            Vat::Included(_) => "included",
            Vat::OnTop(_) => "on_top",
        }
    }

    pub fn rate(self) -> Option<VatRate> {
        match self {
            Vat::None => None,
            Vat::Included(r) | Vat::OnTop(r) => Some(r),
        }
    }

    /// Builds a VAT option from its wire mode and rate; `field` prefixes the error.
    pub fn from_mode(field: &str, mode: &str, rate: Option<VatRate>) -> Result<Vat, FieldError> {
        let rate_or_general = rate.unwrap_or(VatRate::GENERAL);
        match mode {
            "none" => Ok(Vat::None),
            "included" => Ok(Vat::Included(rate_or_general)),
            "on_top" => Ok(Vat::OnTop(rate_or_general)),
            other => Err(FieldError::new(
                format!("{field}.mode"),
                Problem::UnknownValue { given: other.to_string(), expected: "none, included, on_top".into() },
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(s: &str) -> Money {
        Money::parse("m", s).unwrap()
    }

    #[test]
    fn a_tariff_reads_back_its_json_and_a_bad_term_names_itself() {
        let json = serde_json::to_string(&Tariff::start()).unwrap();
        assert_eq!(serde_json::from_str::<Tariff>(&json).unwrap(), Tariff::start());
        let over = json.replace("\"reserve_cap\":\"10\"", "\"reserve_cap\":\"745\"");
        let e = serde_json::from_str::<Tariff>(&over).unwrap_err().to_string();
        assert!(e.starts_with("reserve_cap: "), "{e}");
    }

    #[test]
    fn start_matches_the_offer() {
        let t = Tariff::start();
        assert_eq!(t.monthly_fee.to_string(), "20000.00");
        assert_eq!(t.included_hours, Hours::whole(10));
        assert_eq!(t.overage_rate.to_string(), "2000.00");
        assert_eq!(t.reserve_cap, Hours::whole(10));
        assert_eq!(t.trial_months, 2);
        assert_eq!(t.trial_rate.to_string(), "2000.00");
        // «максимальное количество часов в месяц без доплаты: 20 (10 резерв + 10 по тарифу)»
        assert_eq!(t.max_hours_without_extra(), Hours::whole(20));
    }

    #[test]
    fn vat_on_top_and_included() {
        let rate = VatRate::GENERAL;
        assert_eq!(Vat::OnTop(rate).apply(money("20000")), (money("4400"), money("24400")));
        // 24400 × 22 / 122 = 4400 exactly
        assert_eq!(Vat::Included(rate).apply(money("24400")), (money("4400"), money("24400")));
        // 20000 × 22 / 122 = 3606.557… → 3606.56
        assert_eq!(Vat::Included(rate).apply(money("20000")).0, money("3606.56"));
        // 0.25 × 22% = 0.055 → 0.06 (half away from zero)
        assert_eq!(Vat::OnTop(rate).apply(money("0.25")).0, money("0.06"));
        assert_eq!(Vat::None.apply(money("5")), (Money::ZERO, money("5")));
    }

    #[test]
    fn tariff_fields_validate() {
        let mut t = Tariff::start();
        t.set_field("monthly_fee", "45000").unwrap();
        assert_eq!(t.monthly_fee, money("45000"));
        assert_eq!(t.set_field("trial_months", "1.5").unwrap_err().to_string(), "trial_months: must be a whole number");
        assert_eq!(t.set_field("reserve_cap", "-1").unwrap_err().to_string(), "reserve_cap: must not be negative");
        assert!(t.set_field("bogus", "1").is_err());
        assert_eq!(VatRate::parse("vat.rate", "101").unwrap_err().to_string(), "vat.rate: must be at most 100");
        assert_eq!(VatRate::parse("vat.rate", "22").unwrap().centi_percent(), 2200);
    }
}
