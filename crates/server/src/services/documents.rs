//! Numbering a closed month's act and invoice (`shared/domain.md`, "Documents"): per kind and
//! year, without gaps, each keeping the parties it was issued with. Both take their numbers in
//! the transaction that closes the month, so numbers follow the order months close in, not the
//! order anybody first opens them. Closed while the seller's or the buyer's requisites were
//! incomplete, a document holds its number without parties until it is first asked for with them
//! complete. (A month closed before numbering moved to closing is numbered when first asked for.)

use hourbank_domain::documents::{DocumentKind, Party};
use hourbank_domain::Period;

use crate::app::App;
use crate::db::col;
use crate::store::{self, OrgRecord};
use crate::Error;

/// The kinds a closed month issues.
const KINDS: [DocumentKind; 2] = [DocumentKind::Act, DocumentKind::Invoice];

/// A month's document as stored: its number, and its parties once fixed.
pub struct Numbered {
    pub number: u32,
    pub parties: Option<(Party, Party)>,
}

/// The number and (once fixed) the parties of a month's document, when numbered.
pub async fn issued(
    conn: &mut sqlx::AnyConnection,
    org_id: i64,
    period: Period,
    kind: DocumentKind,
) -> Result<Option<Numbered>, Error> {
    let row = sqlx::query(
        "SELECT number, seller_json, buyer_json FROM documents WHERE org_id = $1 AND period = $2 AND kind = $3",
    )
    .bind(org_id)
    .bind(period.to_string())
    .bind(kind.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        let party = |name: &str| -> Result<Option<Party>, Error> {
            let text: Option<String> = col(&r, name)?;
            text.map(|t| serde_json::from_str(&t).map_err(|e| Error::Internal(format!("stored {name}: {e}"))))
                .transpose()
        };
        let parties = party("seller_json")?.zip(party("buyer_json")?);
        Ok(Numbered { number: col::<i64>(&r, "number")? as u32, parties })
    })
    .transpose()
}

/// Why a closed month with nothing to pay has no act or invoice: a document for 0,00 ₽ records
/// no service sold and asks for no payment, yet would take a number of the year's sequence. (A
/// month closed before this rule keeps the documents it was numbered with.)
pub fn nothing_to_pay(period: Period) -> Error {
    Error::conflict(
        format!("nothing is to be paid for {period}: no act or invoice is issued for it"),
        format!(
            "за {} к оплате 0,00 ₽: акт и счёт за него не выставляются",
            hourbank_domain::format::period_ru(period).to_lowercase()
        ),
    )
}

/// Why an open month with nothing to pay so far has no preliminary act or invoice: a draft of no
/// lines for 0,00 ₽ shows nothing a bookkeeper could check.
pub fn nothing_to_pay_yet(period: Period) -> Error {
    Error::conflict(
        format!("nothing is to be paid for {period} so far: no preliminary act or invoice"),
        format!(
            "за {} пока к оплате 0,00 ₽: предварительных акта и счёта нет",
            hourbank_domain::format::period_ru(period).to_lowercase()
        ),
    )
}

/// The seller's requisites, or why documents cannot be issued yet.
pub async fn current_seller(app: &App) -> Result<Party, Error> {
    store::seller(app.db()).await?.ok_or_else(|| {
        Error::conflict(
            "the seller's requisites are not set yet: an admin sets them first",
            "реквизиты исполнителя ещё не заполнены: их сначала вносит администратор",
        )
    })
}

/// The buyer as a numbered document carries it, or why it cannot yet: a numbered document keeps
/// its parties, so without the buyer's КПП or address it would stay without them.
fn complete_buyer(org: &OrgRecord) -> Result<Party, Error> {
    let buyer = org.buyer();
    let missing = buyer.missing_for_documents();
    if !missing.is_empty() {
        return Err(Error::conflict(
            format!(
                "the buyer's requisites lack {}: an admin sets them (PUT /orgs/{}/requisites) before the month's documents are issued",
                missing.join(" and "),
                org.id
            ),
            format!(
                "в реквизитах заказчика нет {}: администратор вносит их до того, как документы месяца получат номер",
                missing.iter().map(|m| if *m == "kpp" { "КПП" } else { "адреса" }).collect::<Vec<_>>().join(" и ")
            ),
        ));
    }
    Ok(buyer)
}

/// The year whose sequence numbers a document: the year of the day it is dated. An act is dated
/// its period's last day; an invoice the day its month closed, so a December closed in January
/// takes January's year's next invoice number (in the period's year it would repeat a number
/// that year's invoices already carry, under the same date).
fn numbering_year(kind: DocumentKind, period: Period, closed_at: &str) -> Result<i32, Error> {
    use chrono::Datelike;
    match kind {
        DocumentKind::Act => Ok(period.year()),
        DocumentKind::Invoice => crate::clock::business_date_of_text(closed_at)
            .map(|day| day.year())
            .ok_or_else(|| Error::Internal(format!("closed_at {closed_at:?} is not an instant"))),
    }
}

/// Takes the next number of `kind` in its year ([`numbering_year`], by the month's `closed_at`)
/// and stores the document with its parties (or none yet), in `tx`, which holds the
/// organisation's ledger lock (so one month's document is numbered once).
async fn number_in(
    tx: &mut sqlx::AnyConnection,
    org_id: i64,
    period: Period,
    kind: DocumentKind,
    parties: Option<(&Party, &Party)>,
    closed_at: &str,
    now: &str,
) -> Result<u32, Error> {
    let year = i64::from(numbering_year(kind, period, closed_at)?);
    let row = sqlx::query(
        "INSERT INTO document_numbers (kind, year, last_number) VALUES ($1, $2, 1) \
         ON CONFLICT (kind, year) DO UPDATE SET last_number = document_numbers.last_number + 1 RETURNING last_number",
    )
    .bind(kind.as_str())
    .bind(year)
    .fetch_one(&mut *tx)
    .await?;
    let number: i64 = col(&row, "last_number")?;
    sqlx::query(
        "INSERT INTO documents (org_id, period, kind, year, number, seller_json, buyer_json, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(org_id)
    .bind(period.to_string())
    .bind(kind.as_str())
    .bind(year)
    .bind(number)
    .bind(parties.map(|(seller, _)| serde_json::to_string(seller).expect("a party serializes")))
    .bind(parties.map(|(_, buyer)| serde_json::to_string(buyer).expect("a party serializes")))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(number as u32)
}

/// Numbers the month's act and invoice in the transaction that closes it, with their parties
/// when the seller's and the buyer's requisites are complete, and without them otherwise.
pub async fn issue_at_close(
    tx: &mut sqlx::AnyConnection,
    org: &OrgRecord,
    period: Period,
    seller: Option<&Party>,
    now: &str,
) -> Result<(), Error> {
    let buyer = complete_buyer(org).ok();
    let parties = seller.zip(buyer.as_ref());
    for kind in KINDS {
        if issued(tx, org.id, period, kind).await?.is_none() {
            number_in(tx, org.id, period, kind, parties, now, now).await?;
        }
    }
    Ok(())
}

/// The number and parties of a closed month's document: as fixed; the parties fixed now when
/// the month closed without them (or the whole document numbered now, for a month closed before
/// numbering moved to closing).
pub async fn issue(
    app: &App,
    org: &OrgRecord,
    period: Period,
    kind: DocumentKind,
) -> Result<(u32, Party, Party), Error> {
    if let Some(Numbered { number, parties: Some((seller, buyer)) }) =
        issued(&mut *app.db().pool().acquire().await?, org.id, period, kind).await?
    {
        return Ok((number, seller, buyer));
    }
    let seller = current_seller(app).await?;
    let buyer = complete_buyer(org)?;
    let mut tx = app.db().begin_write().await?;
    super::tasks::lock_org_ledger(app.db().backend(), &mut tx, org.id, "FOR UPDATE").await?;
    let number = match issued(&mut tx, org.id, period, kind).await? {
        // Fixed meanwhile by another request: those parties stand.
        Some(Numbered { number, parties: Some((seller, buyer)) }) => return Ok((number, seller, buyer)),
        Some(Numbered { number, parties: None }) => {
            sqlx::query(
                "UPDATE documents SET seller_json = $1, buyer_json = $2 \
                 WHERE org_id = $3 AND period = $4 AND kind = $5 AND seller_json IS NULL",
            )
            .bind(serde_json::to_string(&seller).expect("a party serializes"))
            .bind(serde_json::to_string(&buyer).expect("a party serializes"))
            .bind(org.id)
            .bind(period.to_string())
            .bind(kind.as_str())
            .execute(&mut *tx)
            .await?;
            number
        }
        None => {
            let closed_at: String =
                sqlx::query_scalar("SELECT closed_at FROM closed_months WHERE org_id = $1 AND period = $2")
                    .bind(org.id)
                    .bind(period.to_string())
                    .fetch_one(&mut *tx)
                    .await?;
            let now = app.clock().now_text();
            number_in(&mut tx, org.id, period, kind, Some((&seller, &buyer)), &closed_at, &now).await?
        }
    };
    tx.commit().await?;
    Ok((number, seller, buyer))
}
