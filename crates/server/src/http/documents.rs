//! The month's act and invoice (`shared/domain.md`, "Documents"), the seller's requisites they
//! carry, and the buyer's. A closed month's documents are numbered per seller and year without
//! gaps and keep the parties as they were when issued; an open month's are marked
//! «предварительный» and carry no number.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use hourbank_domain::documents::{Document, DocumentKind, MonthDocument};
use hourbank_domain::statement::MonthStatement;
use hourbank_domain::workflow::Role;
use hourbank_domain::{Hours, Money, Period, Phase, Problem};
use serde_json::{json, Value};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{Path, Query};
use super::reports::OrgQuery;
use super::{ApiError, AppState, JsonBody};
use crate::auth::Caller;
use crate::services::documents;
use crate::services::reports::{build_report, frozen, report_exists, report_org, Listing};
use crate::store::{self, OrgRecord};
use hourbank_api::documents::{CompanyContacts, DocumentView, SellerChange, SellerSettings};
use hourbank_domain::contacts::Contacts;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(show_seller, set_seller))
        .routes(routes!(contacts))
        .routes(routes!(set_org_requisites))
        .routes(routes!(document))
}

#[utoipa::path(
    get,
    path = "/settings/seller",
    tag = "documents",
    summary = "The seller's requisites on the acts and invoices (null until an admin sets them), and the company's `contacts` (phone, email)",
    responses((status = 200, description = "The seller", body = hourbank_api::SellerSettings))
)]
async fn show_seller(State(state): State<AppState>, _caller: Caller) -> Result<Json<SellerSettings>, ApiError> {
    let (seller, (_, contacts)) = tokio::try_join!(store::seller(state.db()), store::company(state.db()))?;
    Ok(Json(SellerSettings { seller, contacts }))
}

/// The company's name, phone and e-mail, for anyone (the calculator's next step): each null
/// until the admin sets it.
#[utoipa::path(
    get,
    path = "/contacts",
    tag = "documents",
    summary = "The company's name, phone and e-mail, as the calculator's «Оставить заявку» shows them (each null until an admin sets it); public: no session needed",
    responses((status = 200, description = "Contacts", body = hourbank_api::CompanyContacts)),
    security(())
)]
async fn contacts(State(state): State<AppState>) -> Result<Json<CompanyContacts>, ApiError> {
    let (name, contacts) = store::company(state.db()).await?;
    Ok(Json(CompanyContacts { name, phone: contacts.phone, email: contacts.email }))
}

/// The seller's requisites (admin): every field checked at once, check digits included.
#[utoipa::path(
    put,
    path = "/settings/seller",
    tag = "documents",
    summary = "Set the seller's requisites (admin); ИНН, КПП, БИК and both accounts are checked by their check digits, every bad field named",
    request_body = hourbank_api::documents::SellerForm,
    responses((status = 200, description = "Saved", body = hourbank_api::SellerSettings))
)]
async fn set_seller(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody,
) -> Result<Json<SellerSettings>, ApiError> {
    caller.require(&[Role::Admin])?;
    let SellerChange { seller, contacts } = hourbank_api::request::read(&body)?;
    let (before, (_, contacts_before)) = tokio::try_join!(store::seller(state.db()), store::company(state.db()))?;
    let mut tx = state.db().begin_write().await?;
    store::save_seller(&mut tx, &seller, &contacts, &state.clock().now_text()).await?;
    // The audit entry holds the record's fields flat, contacts included.
    let record = |party: &hourbank_domain::documents::Party, contacts: &Contacts| {
        let mut value = serde_json::to_value(party).expect("a party serializes");
        value["phone"] = json!(contacts.phone);
        value["email"] = json!(contacts.email);
        value
    };
    let after = record(&seller, &contacts);
    let before = before.map(|b| record(&b, &contacts_before));
    store::audit(
        &mut tx,
        store::Audit {
            user_id: Some(caller.user_id),
            org_id: None,
            action: "update",
            entity: "seller",
            entity_id: Some(1),
            before: before.as_ref(),
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(SellerSettings { seller: Some(seller), contacts }))
}

/// The buyer's КПП and address (admin): `{"kpp": "770701001" | null, "address": "…"}`.
#[utoipa::path(
    put,
    path = "/orgs/{id}/requisites",
    tag = "documents",
    summary = "The buyer's КПП and address on its acts and invoices (admin)",
    request_body = hourbank_api::orgs::BuyerRequisites,
    params(super::params::IdPath),
    responses((status = 200, description = "The organisation", body = hourbank_api::Org))
)]
async fn set_org_requisites(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody,
) -> Result<Json<hourbank_api::Org>, ApiError> {
    caller.require(&[Role::Admin])?;
    let org = store::org(state.db(), caller.scope()?, id).await?;
    let hourbank_api::orgs::BuyerRequisites { kpp, address } = hourbank_api::request::read(&body)?;
    // What its documents will need, said now rather than as a refusal when they are issued: a
    // company (a ten-digit ИНН) has a КПП.
    let mut buyer = org.buyer();
    (buyer.kpp, buyer.address) = (kpp.clone(), address.clone());
    if buyer.missing_for_documents().contains(&"kpp") {
        return Err(ApiError::invalid("kpp", Problem::Missing));
    }
    let mut tx = state.db().begin_write().await?;
    sqlx::query("UPDATE orgs SET kpp = $1, address = $2 WHERE id = $3")
        .bind(kpp.as_deref())
        .bind(&address)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    store::audit(
        &mut tx,
        store::Audit {
            user_id: Some(caller.user_id),
            org_id: Some(id),
            action: "update",
            entity: "org",
            entity_id: Some(id),
            before: Some(&json!({ "kpp": org.kpp, "address": org.address })),
            after: Some(&json!({ "kpp": kpp, "address": address })),
        },
    )
    .await?;
    tx.commit().await?;
    let org = store::org(state.db(), caller.scope()?, id).await?;
    Ok(Json(crate::services::orgs::org_view(&state, &org).await?))
}

/// The month's act or invoice: JSON (`act`, `invoice`) for the portal's printable page, or PDF
/// (`act.pdf`, `invoice.pdf`) generated from the frozen report.
#[utoipa::path(
    get,
    path = "/reports/{period}/documents/{kind}",
    tag = "documents",
    summary = "The month's act (`act`) or invoice (`invoice`) as JSON, or as PDF (`act.pdf`, `invoice.pdf`). A closed month's is numbered per kind and year and keeps the parties it was issued with; an open month's is preliminary, without a number. 409 until the seller's requisites are set (and, for a closed month, the buyer's КПП and address), and for a closed month with nothing to pay (0,00: no act or invoice is issued, no number taken)",
    params(("period" = String, Path, pattern = "^[1-9][0-9]{3}-(0[1-9]|1[0-2])$", description = "YYYY-MM"), ("kind" = String, Path, pattern = "^(act|invoice)(\\.pdf)?$", description = "act | invoice | act.pdf | invoice.pdf"), super::reports::OrgQuery),
    responses((status = 200, description = "The document", content((hourbank_api::DocumentView = "application/json"), (String = "application/pdf"))))
)]
async fn document(
    State(state): State<AppState>,
    caller: Caller,
    Path((period, kind)): Path<(String, String)>,
    Query(query): Query<OrgQuery>,
) -> Result<Response, ApiError> {
    let (kind, as_pdf) = match kind.strip_suffix(".pdf") {
        Some(k) => (k, true),
        None => (kind.as_str(), false),
    };
    let kind = DocumentKind::parse(kind).ok_or(ApiError::NOT_FOUND)?;
    let period = Period::parse("period", &period)?;
    let org = report_org(&state, &caller, query.org).await?;
    if !report_exists(&org.contract()?, period, state.clock().period()) {
        return Err(ApiError::NOT_FOUND);
    }
    let document = month_document(&state, &org, period, kind).await?;
    if !as_pdf {
        let (title, text_lines) = (document.title(), document.text_lines());
        return Ok(Json(DocumentView { title, document, text_lines }).into_response());
    }
    let pdf = tokio::task::spawn_blocking(move || crate::pdf::render(&document).map(|bytes| (document, bytes)))
        .await
        .map_err(|e| ApiError::internal(format!("rendering the PDF: {e}")))?
        .map_err(ApiError::internal)?;
    let (document, bytes) = pdf;
    let number = document.number.map_or("предварительный".to_string(), |n| n.to_string());
    let filename = format!("{}-{}-{}-{number}.pdf", kind.as_str(), org.inn, period);
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename*=UTF-8''{}", percent(&filename))),
        ],
        bytes,
    )
        .into_response())
}

fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The document of a month: a closed month's from its frozen report, with the number and the
/// parties it was issued with; an open month's from the report so far, preliminary.
pub async fn month_document(
    state: &AppState,
    org: &OrgRecord,
    period: Period,
    kind: DocumentKind,
) -> Result<Document, ApiError> {
    let (report, closed) = match frozen(state, org.id, period).await? {
        Some(text) => (text.into_bytes(), true),
        // (A document reads the statement and the tasks, never the consultations.)
        None => (build_report(state, org, period, Listing::Newest).await?.to_json(), false),
    };
    let report: Value =
        serde_json::from_slice(&report).map_err(|e| ApiError::internal(format!("stored report: {e}")))?;
    let statement = statement_from_json(&report["statement"])?;
    let tariff_name = report["tariff"]["name"].as_str().unwrap_or_default().to_string();
    let (number, seller, buyer) = if closed {
        if statement.total_with_vat.is_zero()
            && documents::issued(&mut *state.db().pool().acquire().await?, org.id, period, kind).await?.is_none()
        {
            return Err(documents::nothing_to_pay(period).into());
        }
        let (number, seller, buyer) = documents::issue(state, org, period, kind).await?;
        (Some(number), seller, buyer)
    } else if statement.total_with_vat.is_zero() {
        return Err(documents::nothing_to_pay_yet(period).into());
    } else {
        (None, documents::current_seller(state).await?, org.buyer())
    };
    Ok(MonthDocument {
        kind,
        number,
        preliminary: !closed,
        seller: &seller,
        buyer: &buyer,
        tariff_name: &tariff_name,
        statement: &statement,
        vat: org.vat,
        issued_on: report["closed_at"].as_str().and_then(crate::clock::business_date_of_text),
    }
    .build())
}

/// A report's statement, read back from its JSON (a frozen report is the authority for its month).
fn statement_from_json(st: &Value) -> Result<MonthStatement, ApiError> {
    let stored_invalid =
        |field: &str| ApiError::internal(format!("stored report: statement.{field} is missing or invalid"));
    let decimal = |field: &str| {
        st[field]
            .as_str()
            .and_then(|t| hourbank_domain::units::parse_decimal(field, t).ok())
            .ok_or_else(|| stored_invalid(field))
    };
    let money = |field: &str| decimal(field).map(Money::rounded);
    let hours = |field: &str| {
        decimal(field)
            .and_then(|d| Hours::bounded(field, d, rust_decimal::Decimal::MAX).map_err(|_| stored_invalid(field)))
    };
    let period =
        st["period"].as_str().and_then(|p| Period::parse("period", p).ok()).ok_or_else(|| stored_invalid("period"))?;
    let phase = match st["phase"].as_str() {
        Some("trial") => Phase::Trial,
        Some("subscription") => Phase::Subscription,
        _ => return Err(stored_invalid("phase")),
    };
    Ok(MonthStatement {
        period,
        phase,
        hours: hours("hours")?,
        fee: money("fee")?,
        included_used: hours("included_used")?,
        reserve_start: hours("reserve_start")?,
        reserve_used: hours("reserve_used")?,
        reserve_end: hours("reserve_end")?,
        reserve_forfeited: hours("reserve_forfeited")?,
        extra_hours: hours("extra_hours")?,
        extra_rate: money("extra_rate")?,
        extra_charge: money("extra_charge")?,
        total: money("total")?,
        vat: money("vat")?,
        total_with_vat: money("total_with_vat")?,
        contract_ends: st["contract_ends"].as_bool().unwrap_or(false),
    })
}
