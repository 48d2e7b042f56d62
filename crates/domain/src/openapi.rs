//! The schemas of the values the API writes, for the OpenAPI document the server generates
//! (`openapi` feature; the browser builds leave it off). Amounts, hours and months are written as
//! strings (exact decimals, `YYYY-MM`); their schema says so, with the pattern of what is written.

use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, KnownFormat, Object, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

use crate::period::Period;
use crate::scenario::MAX_SCENARIO_MONTHS;
use crate::tariff::{Tariff, MAX_TRIAL_MONTHS};
use crate::units::{Hours, Money};

/// A non-negative exact decimal with at most two places, as a string.
pub const DECIMAL_PATTERN: &str = "^[0-9]+(\\.[0-9]{1,2})?$";
/// A month, `YYYY-MM`.
pub const MONTH_PATTERN: &str = "^[1-9][0-9]{3}-(0[1-9]|1[0-2])$";

fn text(pattern: &str, description: &str) -> RefOr<Schema> {
    ObjectBuilder::new().schema_type(Type::String).pattern(Some(pattern)).description(Some(description)).into()
}

impl PartialSchema for Money {
    fn schema() -> RefOr<Schema> {
        text(DECIMAL_PATTERN, "Roubles, an exact decimal with two places at most (`20000.00`)")
    }
}

impl ToSchema for Money {}

impl PartialSchema for Hours {
    fn schema() -> RefOr<Schema> {
        text(DECIMAL_PATTERN, "Hours, an exact decimal with two places at most (`4.5`)")
    }
}

impl ToSchema for Hours {}

impl PartialSchema for Period {
    fn schema() -> RefOr<Schema> {
        text(MONTH_PATTERN, "A calendar month, `YYYY-MM`")
    }
}

impl ToSchema for Period {}

fn decimal(description: &str) -> Object {
    ObjectBuilder::new().schema_type(Type::String).pattern(Some(DECIMAL_PATTERN)).description(Some(description)).build()
}

/// A day, `YYYY-MM-DD`.
pub fn date() -> Object {
    ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))).build()
}

/// A tariff's terms as a request gives them (`scenario::tariff_from_value`): each of
/// [`Tariff::FIELDS`] optional (an omitted term takes «Старт»'s), amounts and hours as strings.
pub fn terms() -> Object {
    let mut terms = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some("a tariff's terms; an omitted term takes «Старт»'s"));
    for field in Tariff::FIELDS {
        let schema = match field {
            "monthly_fee" => decimal("roubles a subscription month"),
            "included_hours" => decimal("hours the fee buys each subscription month"),
            "overage_rate" => decimal("roubles an hour beyond included and reserve"),
            "reserve_cap" => decimal("the most hours the reserve holds"),
            "trial_rate" => decimal("roubles an hour in the trial"),
            "trial_months" => ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::Integer, Type::String]))
                .minimum(Some(0))
                .maximum(Some(MAX_TRIAL_MONTHS))
                .description(Some("whole months of trial"))
                .build(),
            other => unreachable!("a term {other} without a schema"),
        };
        terms = terms.property(field, schema);
    }
    terms.additional_properties(Some(AdditionalProperties::FreeForm(false))).build()
}

/// VAT as a request gives it (`scenario::vat_from_value`): a mode and, for the two with VAT, a
/// rate in percent (22 when not given).
pub fn vat() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property(
            "mode",
            ObjectBuilder::new().schema_type(Type::String).enum_values(Some(["none", "included", "on_top"])),
        )
        .required("mode")
        .property(
            "rate",
            ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::String, Type::Number, Type::Null]))
                .description(Some("percent, default 22")),
        )
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .build()
}

/// `POST /simulate`: a scenario (`scenario::parse_scenario`): its dates, the hours closed each
/// month, and the terms and VAT («Старт», no VAT when not given).
pub fn scenario() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("start", date())
        .required("start")
        .property("end", date())
        .property(
            "months",
            ArrayBuilder::new()
                .items(ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Number])))
                .max_items(Some(MAX_SCENARIO_MONTHS))
                .description(Some("hours closed in each month from the start")),
        )
        .required("months")
        .property("tariff", terms())
        .property("vat", vat())
        .additional_properties(Some(AdditionalProperties::FreeForm(false)))
        .build()
}

/// The body of `POST /simulate` in the document: [`scenario`]'s schema, named `Scenario`.
pub struct ScenarioBody;

impl PartialSchema for ScenarioBody {
    fn schema() -> RefOr<Schema> {
        scenario().into()
    }
}

impl ToSchema for ScenarioBody {
    fn name() -> std::borrow::Cow<'static, str> {
        "Scenario".into()
    }
}
