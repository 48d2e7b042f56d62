//! Accounts: changing one's own password, seeing and ending one's sessions, an admin disabling,
//! re-enabling and resetting a user; sessions that end when unused; `__Host-` cookies over HTTPS.

mod support;

use reqwest::{Method, StatusCode};
use serde_json::json;
use support::TestApp;

async fn sign_in(app: &TestApp, email: &str, password: &str) -> (StatusCode, Option<String>) {
    let (s, b) =
        app.call(Method::POST, "/api/v1/session", None, Some(json!({"email": email, "password": password}))).await;
    (s, b["token"].as_str().map(str::to_string))
}

async fn accounts_are_kept_by_their_users_and_admins(app: TestApp) {
    let org = app.org("ООО «Ромашка»", "7707083893", "2027-01-01").await;
    let (_, admin) = app.user("admin@hb.test", "admin", None).await;
    let (client_id, first) = app.user("client@hb.test", "client", Some(org)).await;
    let (_, second) = sign_in(&app, "client@hb.test", support::PASSWORD).await;
    let second = second.unwrap();

    // Both sessions are listed, the current one marked; the token itself never is.
    let (s, list) = app.get("/api/v1/me/sessions", &first).await;
    assert_eq!(s, StatusCode::OK);
    let sessions = list["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
    assert!(!list.to_string().contains(&first) && !list.to_string().contains(&second));

    // A wrong old password changes nothing; a short new one is named.
    let change = |old: &str, new: &str| json!({"old_password": old, "new_password": new});
    let (s, b) =
        app.call(Method::PUT, "/api/v1/me/password", Some(&first), Some(change("wrong", "a new long password"))).await;
    assert_eq!((s, b["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("old_password")), "{b}");
    let (s, b) =
        app.call(Method::PUT, "/api/v1/me/password", Some(&first), Some(change(support::PASSWORD, "short"))).await;
    assert_eq!((s, b["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("new_password")), "{b}");
    assert_eq!(app.get("/api/v1/me", &second).await.0, StatusCode::OK);
    // The right one: the other session ends, this one goes on; the old password no longer works.
    let (s, _) = app
        .call(Method::PUT, "/api/v1/me/password", Some(&first), Some(change(support::PASSWORD, "a new long password")))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/v1/me", &first).await.0, StatusCode::OK);
    assert_eq!(app.get("/api/v1/me", &second).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(sign_in(&app, "client@hb.test", support::PASSWORD).await.0, StatusCode::UNAUTHORIZED);
    let (s, third) = sign_in(&app, "client@hb.test", "a new long password").await;
    assert_eq!(s, StatusCode::CREATED);
    let third = third.unwrap();

    // A user ends one of their own sessions by its id.
    let (_, list) = app.get("/api/v1/me/sessions", &first).await;
    let other = list["sessions"].as_array().unwrap().iter().find(|s| s["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        app.call(Method::DELETE, &format!("/api/v1/me/sessions/{other}"), Some(&first), None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.get("/api/v1/me", &third).await.0, StatusCode::UNAUTHORIZED);

    // An admin disables the user: the session ends at once, and sign-in is refused.
    let path = format!("/api/v1/users/{client_id}/disabled");
    assert_eq!(
        app.call(Method::PUT, &path, Some(&first), Some(json!({"disabled": true}))).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, b) = app.call(Method::PUT, &path, Some(&admin), Some(json!({"disabled": true}))).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(app.get("/api/v1/me", &first).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(sign_in(&app, "client@hb.test", "a new long password").await.0, StatusCode::UNAUTHORIZED);
    // …re-enables them, and sets a new password.
    assert_eq!(app.call(Method::PUT, &path, Some(&admin), Some(json!({"disabled": false}))).await.0, StatusCode::OK);
    let reset = format!("/api/v1/users/{client_id}/password");
    assert_eq!(
        app.call(Method::PUT, &reset, Some(&admin), Some(json!({"password": "set by the admin"}))).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(sign_in(&app, "client@hb.test", "a new long password").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(sign_in(&app, "client@hb.test", "set by the admin").await.0, StatusCode::CREATED);
    // An admin cannot lock themselves out, nor set their own password without the old one.
    let (_, me) = app.get("/api/v1/me", &admin).await;
    let own_password = format!("/api/v1/users/{}/password", me["id"]);
    assert_eq!(
        app.call(Method::PUT, &own_password, Some(&admin), Some(json!({"password": "taken over for good"}))).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(sign_in(&app, "admin@hb.test", support::PASSWORD).await.0, StatusCode::CREATED);
    let own = format!("/api/v1/users/{}/disabled", me["id"]);
    assert_eq!(
        app.call(Method::PUT, &own, Some(&admin), Some(json!({"disabled": true}))).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Every change is audited, and no password is in the audit.
    let (_, audit) = app.get("/api/v1/audit", &admin).await;
    let text = audit.to_string();
    assert!(text.contains("set_password") && text.contains("disable") && text.contains("enable"), "{text}");
    assert!(!text.contains("set by the admin") && !text.contains("a new long password"));
}

/// A session is no way round sign-in's limits: wrong old passwords count as wrong sign-ins of
/// the account from that place, and past the limit even the right one waits (429), as a sign-in
/// would; a right one before that clears the place's count.
async fn guessing_the_old_password_is_limited_as_sign_in_is(app: TestApp) {
    let org = app.org("ООО «Ромашка»", "7707083893", "2027-01-01").await;
    let (_, token) = app.user("client@hb.test", "client", Some(org)).await;
    let change = |old: &str| json!({"old_password": old, "new_password": "a new long password"});
    let guess = |old: String| {
        let (app, token, body) = (&app, token.clone(), change(&old));
        async move { app.call(Method::PUT, "/api/v1/me/password", Some(&token), Some(body)).await.0 }
    };
    for n in 0..4 {
        assert_eq!(guess(format!("guess {n}")).await, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // The right one clears the count: four more guesses are answered.
    assert_eq!(guess(support::PASSWORD.to_string()).await, StatusCode::NO_CONTENT);
    let token_now = token.clone();
    let guess = |old: String| {
        let (app, token, body) =
            (&app, token_now.clone(), json!({"old_password": old, "new_password": "another long password"}));
        async move { app.call(Method::PUT, "/api/v1/me/password", Some(&token), Some(body)).await.0 }
    };
    // Five failures per account and place (`MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS`).
    for n in 0..5 {
        assert_eq!(guess(format!("guess {n}")).await, StatusCode::UNPROCESSABLE_ENTITY, "guess {n}");
    }
    assert_eq!(guess("guess again".into()).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(guess("a new long password".into()).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(sign_in(&app, "client@hb.test", "a new long password").await.0, StatusCode::TOO_MANY_REQUESTS);
}

async fn sessions_end_when_unused_and_cookies_are_host_only_over_https(app: TestApp) {
    let (_, token) = app.user("spec@hb.test", "specialist", None).await;
    app.state.set_session_lifetimes(chrono::Duration::hours(12), chrono::Duration::minutes(30));
    assert_eq!(app.get("/api/v1/me", &token).await.0, StatusCode::OK);
    // Unused for 31 minutes: over.
    sqlx::query("UPDATE sessions SET last_seen = '2000-01-01T00:00:00.000Z'")
        .execute(app.state.db().pool())
        .await
        .unwrap();
    assert_eq!(app.get("/api/v1/me", &token).await.0, StatusCode::UNAUTHORIZED);
    // Behind HTTPS the cookie is `__Host-` and Secure.
    app.state.set_behind_https(true);
    let response = app
        .client
        .post(format!("{}/api/v1/session", app.base))
        .json(&json!({"email": "spec@hb.test", "password": support::PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.starts_with("__Host-hb_session=") && cookie.contains("; Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let value = cookie.split(';').next().unwrap();
    let me = app.client.get(format!("{}/api/v1/me", app.base)).header("cookie", value).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);
}

/// The server removes what only grows: expired sessions, idempotency keys older than a week,
/// sign-in failures past their window — and keeps what is current.
async fn expired_sessions_old_keys_and_failures_are_pruned(app: TestApp) {
    let (_, token) = app.user("spec@hb.test", "specialist", None).await;
    let pool = app.state.db().pool();
    for sql in [
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen, address) \
         SELECT 'old', id, '2000-01-01T00:00:00.000Z', '2000-01-02T00:00:00.000Z', '2000-01-01T00:00:00.000Z', '' FROM users",
        "INSERT INTO idempotency_keys (user_id, key, method, path, status, body, created_at, request_hash) \
         VALUES (1, 'old', 'POST', '/tasks', 201, '{}', '2000-01-01T00:00:00.000Z', '')",
        "INSERT INTO login_failures (subject, at) VALUES ('pair:x|y', '2000-01-01T00:00:00.000Z')",
    ] {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
    let removed = hourbank_server::store::prune(app.state.db(), chrono::Utc::now()).await.unwrap();
    assert_eq!(removed, 3);
    assert_eq!(app.get("/api/v1/me", &token).await.0, StatusCode::OK, "a current session stays");
    assert_eq!(hourbank_server::store::prune(app.state.db(), chrono::Utc::now()).await.unwrap(), 0);
}

/// The audit log pages with a cursor and filters in SQL, and names who and which organisation.
async fn the_audit_log_filters_pages_and_names(app: TestApp) {
    let (_, admin) = app.user("admin@hb.test", "admin", None).await;
    let romashka = app.org("ООО «Ромашка»", "7707083893", "2027-01-01").await;
    let vector = app.org("АО «Вектор»", "7736207543", "2027-01-01").await;
    let (client_id, client) = app.user("client@romashka.test", "client", Some(romashka)).await;
    let (_, other) = app.user("client@vector.test", "client", Some(vector)).await;
    for n in 0..3 {
        app.post("/api/v1/tasks", &client, json!({"title": format!("Ромашка {n}"), "description": "x"})).await;
    }
    app.post("/api/v1/tasks", &other, json!({"title": "Вектор", "description": "x"})).await;
    let (s, page) = app.get(&format!("/api/v1/audit?org={romashka}&action=create&limit=2"), &admin).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let entries = page["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert!(
        entries.iter().all(|e| e["org_name"] == "ООО «Ромашка»" && e["user_name"] == "client@romashka.test"),
        "{page}"
    );
    let next = page["next_before"].as_i64().expect("a full page names the next");
    let (_, rest) = app.get(&format!("/api/v1/audit?org={romashka}&action=create&limit=2&before={next}"), &admin).await;
    let titles: Vec<&str> =
        rest["entries"].as_array().unwrap().iter().filter_map(|e| e["after"]["title"].as_str()).collect();
    assert_eq!(titles, ["Ромашка 0"], "{rest}");
    // Three tasks and a sign-in.
    let (_, by_user) = app.get(&format!("/api/v1/audit?user={client_id}"), &admin).await;
    assert_eq!(by_user["entries"].as_array().unwrap().len(), 4, "{by_user}");
    let (_, nothing) = app.get("/api/v1/audit?from=2999-01-01", &admin).await;
    assert_eq!(nothing["entries"], json!([]));
    for limit in ["0", "-1", "1001"] {
        let (s, b) = app.get(&format!("/api/v1/audit?limit={limit}"), &admin).await;
        assert_eq!((s, b["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("limit")), "{b}");
    }
    // The cursor is an id, as every list's: 0 or less is refused, not an empty page.
    for before in ["0", "-3"] {
        let (s, b) = app.get(&format!("/api/v1/audit?before={before}"), &admin).await;
        assert_eq!((s, b["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("before")), "{b}");
    }
    let (s, b) = app.get("/api/v1/audit?limit=1000", &admin).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (s, b) = app.get("/api/v1/audit?from=вчера", &admin).await;
    assert_eq!((s, b["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("from")));
    // `action` is at most 40 characters, not bytes: 40 Cyrillic letters are 80 bytes.
    let (s, b) = app.get(&format!("/api/v1/audit?action={}", "я".repeat(40)), &admin).await;
    assert_eq!((s, &b["entries"]), (StatusCode::OK, &json!([])), "{b}");
    let (s, b) = app.get(&format!("/api/v1/audit?action={}", "я".repeat(41)), &admin).await;
    assert_eq!((s, b["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("action")));
}

/// `GET /session` says who is signed in — nobody is an answer (200), not an error — as `/me` does.
async fn the_session_says_who_is_signed_in(app: TestApp) {
    let (status, nobody) = app.call(Method::GET, "/api/v1/session", None, None).await;
    assert_eq!((status, nobody), (StatusCode::OK, json!({"user": null})));
    let (status, _) = app.call(Method::GET, "/api/v1/session", Some("not-a-token"), None).await;
    assert_eq!(status, StatusCode::OK);
    let org = app.org("ООО «Ромашка»", "7707083893", "2027-01-01").await;
    let (_, client) = app.user("c@romashka.test", "client", Some(org)).await;
    let (status, session) = app.get("/api/v1/session", &client).await;
    let (_, me) = app.get("/api/v1/me", &client).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(session["user"], me);
    assert_eq!(session["user"]["org"]["id"], org);
}

/// Every request resolves its session with the organisation's data version, its newest audit
/// entry: read from the end of the `(org_id, id)` index, never by walking the log. (PostgreSQL
/// walked the whole log backwards by id for staff, who have no organisation: 2.8 ms a request at
/// 13 000 entries, the work-log anomaly of issue #10.)
async fn the_data_version_is_read_from_the_end_of_the_audit_index(app: TestApp) {
    let org = app.org("ООО «Ромашка»", "7707083893", "2027-01-01").await;
    let pool = app.state.db().pool();
    // A long log of one organisation, as a year of use leaves it.
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) \
         INSERT INTO audit_log (at, org_id, action, entity) SELECT '2027-01-01T00:00:00.000Z', $1, 'create', 'task' FROM n",
    )
    .bind(org)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("ANALYZE").execute(pool).await.unwrap();
    app.user("admin@hb.test", "admin", None).await;
    let query = format!("SELECT {} FROM users u WHERE u.role = 'admin'", hourbank_server::auth::ORG_VERSION);
    if app.state.db().backend() == hourbank_server::db::Backend::Postgres {
        // Staff have no organisation: the log is not read at all.
        let rows = sqlx::query(&format!("EXPLAIN ANALYZE {query}")).fetch_all(pool).await.unwrap();
        let plan: Vec<String> = rows.iter().map(|r| sqlx::Row::try_get::<String, _>(r, 0).unwrap()).collect();
        assert!(
            plan.iter().filter(|line| line.contains("audit_log")).all(|line| line.contains("never executed")),
            "{}",
            plan.join("\n")
        );
    } else {
        let rows = sqlx::query(&format!("EXPLAIN QUERY PLAN {query}")).fetch_all(pool).await.unwrap();
        let plan: Vec<String> = rows.iter().map(|r| sqlx::Row::try_get::<String, _>(r, 3).unwrap()).collect();
        assert!(plan.iter().any(|line| line.contains("audit_log_org_idx")), "{plan:?}");
    }
}

/// The portal's page follows the session: the sign-in page without one, the staff build's page
/// for a live session of staff, the client build's for a client — and for a cookie that is no
/// live session (that page then asks to sign in). Clients never download the staff's pages.
async fn staff_get_the_staff_build_of_the_portal_and_clients_never_do(app: TestApp) {
    use hourbank_server::http::assets::{SIGN_IN_PAGE, STAFF_PAGE};
    let portal = app.state.dist().join("portal");
    std::fs::create_dir_all(portal.join("staff")).unwrap();
    std::fs::write(portal.join("index.html"), "<!doctype html><title>hourbank</title>CLIENT").unwrap();
    std::fs::write(portal.join(SIGN_IN_PAGE), "<!doctype html><title>hourbank</title>SIGN-IN").unwrap();
    std::fs::write(portal.join(STAFF_PAGE), "<!doctype html><title>hourbank</title>STAFF").unwrap();
    let org = app.org("ООО «Ромашка»", "7707083893", "2027-01-01").await;
    let (_, client) = app.user("client@hb.test", "client", Some(org)).await;
    let (_, analyst) = app.user("analyst@hb.test", "analyst", None).await;
    let (_, sales) = app.user("sales@hb.test", "sales", None).await;
    let page = |cookie: Option<String>, path: &'static str| {
        let mut request = app.client.get(format!("{}{path}", app.base));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        async move {
            let r = request.send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            let vary = r.headers().get_all("vary").iter().any(|v| v.to_str().unwrap().contains("cookie"));
            assert!(vary, "{path}: the page depends on the cookie");
            r.text().await.unwrap()
        }
    };
    let cookie = |token: &str| Some(format!("hb_session={token}"));
    for path in ["/portal/", "/portal/tasks/3", "/portal/admin/users"] {
        assert!(page(None, path).await.contains("SIGN-IN"), "{path}");
        assert!(page(cookie(&client), path).await.contains("CLIENT"), "{path}");
        assert!(page(cookie(&analyst), path).await.contains("STAFF"), "{path}");
        assert!(page(cookie(&sales), path).await.contains("STAFF"), "{path}");
        assert!(page(cookie("no-such-session"), path).await.contains("CLIENT"), "{path}");
    }
    // A build without the staff page: the one page for everybody signed in.
    std::fs::remove_file(portal.join(STAFF_PAGE)).unwrap();
    assert!(page(cookie(&analyst), "/portal/").await.contains("CLIENT"));
}

db_tests!(
    guessing_the_old_password_is_limited_as_sign_in_is,
    staff_get_the_staff_build_of_the_portal_and_clients_never_do,
    the_data_version_is_read_from_the_end_of_the_audit_index,
    the_session_says_who_is_signed_in,
    the_audit_log_filters_pages_and_names,
    accounts_are_kept_by_their_users_and_admins,
    sessions_end_when_unused_and_cookies_are_host_only_over_https,
    expired_sessions_old_keys_and_failures_are_pruned,
);
