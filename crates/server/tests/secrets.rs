//! No password or token is stored anywhere but as its hash: a journey through every write that
//! carries one — users created with passwords, sign-ins, all with `Idempotency-Key` as the portal
//! sends them — then every table of the database is read for the secrets it used, for their
//! SHA-256, and for the SHA-256 of the bodies that carried them.

mod support;

use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sqlx::{Column, Row};
use support::TestApp;

async fn keyed(app: &TestApp, path: &str, token: &str, key: &str, body: &Value) -> (StatusCode, Value) {
    let (status, _, answer) = app.post_keyed(path, token, key, body).await;
    (status, answer)
}

/// Every value of every table, as text.
async fn every_stored_text(app: &TestApp) -> Vec<(String, String)> {
    let pool = app.state.db().pool();
    let sqlite = matches!(app.state.db().backend(), hourbank_server::db::Backend::Sqlite);
    let tables_sql = if sqlite {
        "SELECT name FROM sqlite_master WHERE type = 'table'"
    } else {
        "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables WHERE table_schema = 'public'"
    };
    let tables: Vec<String> =
        sqlx::query(tables_sql).fetch_all(pool).await.unwrap().iter().map(|r| r.get::<String, _>("name")).collect();
    assert!(tables.iter().any(|t| t == "idempotency_keys") && tables.iter().any(|t| t == "sessions"), "{tables:?}");
    let mut values = Vec::new();
    for table in tables {
        let columns_sql = if sqlite {
            format!("SELECT name FROM pragma_table_info('{table}')")
        } else {
            format!(
                "SELECT CAST(column_name AS TEXT) AS name FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name = '{table}'"
            )
        };
        let columns: Vec<String> = sqlx::query(&columns_sql)
            .fetch_all(pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<String, _>("name"))
            .collect();
        // Blobs (SQLite's migration checksums) as hex, everything else as its text.
        let select: Vec<String> = columns
            .iter()
            .map(|c| {
                if sqlite {
                    format!("CASE WHEN typeof(\"{c}\") = 'blob' THEN hex(\"{c}\") ELSE CAST(\"{c}\" AS TEXT) END AS \"{c}\"")
                } else {
                    format!("CAST(\"{c}\" AS TEXT) AS \"{c}\"")
                }
            })
            .collect();
        for row in sqlx::query(&format!("SELECT {} FROM \"{table}\"", select.join(", "))).fetch_all(pool).await.unwrap()
        {
            for (i, column) in row.columns().iter().enumerate() {
                if let Ok(Some(text)) = row.try_get::<Option<String>, _>(i) {
                    values.push((format!("{table}.{}", column.name()), text));
                }
            }
        }
    }
    values
}

async fn no_secret_is_stored_in_the_clear(app: TestApp) {
    let (_, admin) = app.user("admin@hb.test", "admin", None).await;
    let org = app.org("ООО «Ромашка»", "7707083893", "2027-01-01").await;
    let password = "Пароль клиента, длинный и секретный";
    let create = json!({"email": "client@romashka.test", "name": "Клиент", "role": "client", "org_id": org,
                        "password": password});
    let (s, b) = keyed(&app, "/api/v1/users", &admin, "create-client-1", &create).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    // A keyed sign-in (the portal's writes all carry a key) answers with a bearer token.
    let sign_in = json!({"email": "client@romashka.test", "password": password});
    let (s, b) = keyed(&app, "/api/v1/session", &admin, "sign-in-1", &sign_in).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let token = b["token"].as_str().unwrap().to_string();
    // The client works with its token, every write keyed.
    let (s, b) =
        keyed(&app, "/api/v1/tasks", &token, "task-1", &json!({"title": "Отчёт", "description": "Нужен"})).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let sha = |text: &[u8]| hex::encode(Sha256::digest(text));
    let secrets = [
        password.to_string(),
        token.clone(),
        admin.clone(),
        support::PASSWORD.to_string(),
        sha(password.as_bytes()),
        sha(create.to_string().as_bytes()),
        // A fingerprint of the request that carried the password (method, path as the API routes see
        // it, body) could be
        // brute-forced for the password at SHA-256 speed.
        sha(format!("POST /users\n{create}").as_bytes()),
        sha(sign_in.to_string().as_bytes()),
    ];
    for (place, value) in every_stored_text(&app).await {
        for secret in &secrets {
            assert!(!value.contains(secret.as_str()), "{place} holds a secret: {value}");
        }
    }
    // The sessions and passwords are there, hashed (argon2, and the token's hash).
    let hashes = every_stored_text(&app).await;
    assert!(hashes.iter().any(|(place, v)| place == "users.password_hash" && v.starts_with("$argon2")));
    assert!(hashes.iter().any(|(place, _)| place == "sessions.token_hash"));
}

db_tests!(no_secret_is_stored_in_the_clear);
