//! Sign-in limits that slow guessing without locking an account's owner out: a sliding window
//! per account and address, per address, and per account from addresses that have failed on it;
//! atomic, so a parallel burst gets no more guesses than the limit; `X-Forwarded-For` believed
//! only from a trusted proxy. The server here trusts its own loopback as a proxy, so each test
//! request can come "from" an address of its choosing.

mod support;

use reqwest::StatusCode;
use serde_json::json;
use support::TestApp;

async fn try_from(app: &TestApp, address: &str, email: &str, password: &str) -> StatusCode {
    app.client
        .post(format!("{}/api/v1/session", app.base))
        .header("x-forwarded-for", address)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

async fn guessing_is_slowed_and_the_owner_is_never_locked_out(app: TestApp) {
    app.state.set_trusted_proxies(vec!["127.0.0.1".parse().unwrap()]);
    app.user("owner@hb.test", "client", Some(app.org("ООО «Ромашка»", "7707083893", "2027-01-01").await)).await;
    // An attacker guesses from one address: five wrong passwords, then it is stopped there, even
    // with the right one.
    for _ in 0..5 {
        assert_eq!(try_from(&app, "203.0.113.7", "owner@hb.test", "guess").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(try_from(&app, "203.0.113.7", "owner@hb.test", support::PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
    // More attackers, more addresses: the account fills its own limit from places that failed…
    for n in 1..=3 {
        for _ in 0..5 {
            try_from(&app, &format!("198.51.100.{n}"), "owner@hb.test", "guess").await;
        }
    }
    assert_eq!(try_from(&app, "198.51.100.9", "owner@hb.test", "guess").await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        try_from(&app, "198.51.100.9", "owner@hb.test", "guess").await,
        StatusCode::TOO_MANY_REQUESTS,
        "a place that failed is stopped by the account's limit"
    );
    // …but the owner, from an address that has not failed, signs in.
    assert_eq!(try_from(&app, "192.0.2.10", "owner@hb.test", support::PASSWORD).await, StatusCode::CREATED);
    // One address trying many accounts is stopped at 20 failures.
    for n in 0..20 {
        try_from(&app, "203.0.113.99", &format!("nobody{n}@hb.test"), "guess").await;
    }
    assert_eq!(try_from(&app, "203.0.113.99", "owner@hb.test", support::PASSWORD).await, StatusCode::TOO_MANY_REQUESTS);
}

async fn a_parallel_burst_gets_no_more_guesses_than_the_limit(app: TestApp) {
    app.state.set_trusted_proxies(vec!["127.0.0.1".parse().unwrap()]);
    app.user("owner@hb.test", "client", Some(app.org("ООО «Ромашка»", "7707083893", "2027-01-01").await)).await;
    let burst = (0..40).map(|_| try_from(&app, "203.0.113.7", "owner@hb.test", "guess"));
    let answers = futures::future::join_all(burst).await;
    let guesses = answers.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let stopped = answers.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((guesses, stopped), (5, 35), "{answers:?}");
}

/// Many right sign-ins at once from one address (an office behind one NAT, a client's retries):
/// tries still being checked make the others wait, never fail — all succeed. Then a burst of
/// wrong ones still gets exactly the limit.
async fn parallel_right_sign_ins_all_succeed(app: TestApp) {
    app.state.set_trusted_proxies(vec!["127.0.0.1".parse().unwrap()]);
    let org = app.org("ООО «Ромашка»", "7707083893", "2027-01-01").await;
    app.user("owner@hb.test", "client", Some(org)).await;
    let burst = (0..24).map(|_| try_from(&app, "203.0.113.9", "owner@hb.test", support::PASSWORD));
    let answers = futures::future::join_all(burst).await;
    assert!(answers.iter().all(|s| *s == StatusCode::CREATED), "{answers:?}");
    let burst = (0..20).map(|_| try_from(&app, "203.0.113.9", "owner@hb.test", "guess"));
    let answers = futures::future::join_all(burst).await;
    let guesses = answers.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    assert_eq!(guesses, 5, "{answers:?}");
}

async fn forwarded_addresses_count_only_from_a_trusted_proxy(app: TestApp) {
    // Not trusted: the header is the client's own claim, and the connection's address counts.
    app.user("owner@hb.test", "client", Some(app.org("ООО «Ромашка»", "7707083893", "2027-01-01").await)).await;
    for n in 0..5 {
        assert_eq!(try_from(&app, &format!("203.0.113.{n}"), "owner@hb.test", "guess").await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        try_from(&app, "203.0.113.200", "owner@hb.test", "guess").await,
        StatusCode::TOO_MANY_REQUESTS,
        "a forged header escaped the limit"
    );
}

db_tests!(
    parallel_right_sign_ins_all_succeed,
    guessing_is_slowed_and_the_owner_is_never_locked_out,
    a_parallel_burst_gets_no_more_guesses_than_the_limit,
    forwarded_addresses_count_only_from_a_trusted_proxy,
);
