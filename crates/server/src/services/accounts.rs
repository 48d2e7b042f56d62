//! Accounts: a new password (ending the user's other sessions), disabling and re-enabling a user
//! (every session ends at once). The API and `hourbank admin` call the same functions.

use hourbank_api::accounts::check_new_password;
use serde_json::json;

use crate::app::App;
use crate::auth::hash_password;
use crate::store;
use crate::Error;

/// Sets a user's password and ends their sessions (all, or all but `keep`, the token hash of the
/// session that made the change). Audited without the password.
pub async fn set_password(
    app: &App,
    user_id: i64,
    password: &str,
    keep: Option<&str>,
    by: Option<i64>,
) -> Result<(), Error> {
    check_new_password("password", password).map_err(|e| Error::Invalid(vec![e]))?;
    let password = password.to_string();
    let hash = app.hash_work(move || hash_password(&password)).await?;
    let mut tx = app.db().begin_write().await?;
    let updated = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(&hash)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id)
        .bind(keep.unwrap_or(""))
        .execute(&mut *tx)
        .await?;
    store::audit(
        &mut tx,
        store::Audit {
            user_id: by,
            action: "set_password",
            entity: "user",
            entity_id: Some(user_id),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Disables (every session ends at once; sign-in refused) or re-enables a user.
pub async fn set_disabled(app: &App, user_id: i64, disabled: bool, by: Option<i64>) -> Result<(), Error> {
    let mut tx = app.db().begin_write().await?;
    let updated = sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
        .bind(i64::from(disabled))
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(Error::NotFound);
    }
    if disabled {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
    }
    let after = json!({ "disabled": disabled });
    store::audit(
        &mut tx,
        store::Audit {
            user_id: by,
            action: if disabled { "disable" } else { "enable" },
            entity: "user",
            entity_id: Some(user_id),
            after: Some(&after),
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
