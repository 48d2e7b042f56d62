//! `./dev bench` (or `cargo bench -p hourbank-server --bench api`): drives the real server on
//! loopback with 16 concurrent connections and prints requests per second and latency
//! percentiles for a bare health check, a month report, a new task and a new work log — on
//! SQLite, and on PostgreSQL when `HOURBANK_BENCH_PG_URL` names a cluster (`./dev bench` starts
//! one). Then it builds a month report over 10 000 tasks and 100 000 work logs.
//! The load generator shares the machine's cores with the server, so figures are conservative.
//!
//! `cargo test` runs it too (`test = true`), as a quick check that every call it times still
//! succeeds under today's rules: a fraction of a second per call and a small database, figures
//! printed but meaningless in a debug build. (Run only by hand, it once broke unnoticed when work
//! logs began to be refused before their contract's start.)

use std::time::{Duration, Instant};

use hourbank_domain::{Contract, Tariff, Vat};
use hourbank_server::clock::{business_period, business_today};
use hourbank_server::services::orgs::insert_new_org;
use hourbank_server::services::users::{check_new_user, insert_user};
use hourbank_server::store::NewOrg;
use hourbank_server::{AppState, Db};
use serde_json::{json, Value};

const CONNECTIONS: usize = 16;
/// `cargo bench` passes `--bench`; `cargo test` runs the quick check. (The built binary run by
/// hand needs `--bench` for the real run.)
fn quick() -> bool {
    static QUICK: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *QUICK.get_or_init(|| !std::env::args().any(|a| a == "--bench"))
}

/// How long each call is timed.
fn run_for() -> Duration {
    if quick() {
        Duration::from_millis(300)
    } else {
        Duration::from_secs(5)
    }
}
const PASSWORD: &str = "benchmark password";

struct Target {
    base: String,
    state: AppState,
    client_token: String,
    specialist_token: String,
    org: i64,
    work_task: i64,
    contract_start: chrono::NaiveDate,
}

async fn start(url: &str, dir: &std::path::Path) -> Target {
    let db = Db::connect(url).await.expect("database");
    let state = AppState::new(dir, db);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let serving = state.clone();
    tokio::spawn(async move { hourbank_server::serve(listener, serving).await.unwrap() });
    // Five years back: the work-log load fills one day after another from the contract's start (a
    // person's day holds at most 24 h, and no log may be dated before its contract's start).
    let start = business_period().first_day() - chrono::Months::new(60);
    let org = NewOrg {
        name: "ООО «Нагрузка»".into(),
        inn: "7707083893".into(),
        tariff_name: "Старт".into(),
        tariff: Tariff::start(),
        contract: Contract::new(Tariff::start(), start, None).unwrap(),
        vat: Vat::None,
        analyst_id: None,
        warranty_days: hourbank_domain::DEFAULT_WARRANTY_DAYS,
    };
    let org = insert_new_org(&state, &org, None).await.unwrap();
    let http = reqwest::Client::new();
    let mut tokens = Vec::new();
    for (email, role, org_id) in [
        ("client@bench.test", "client", Some(org)),
        ("spec@bench.test", "specialist", None),
        ("analyst@bench.test", "analyst", None),
    ] {
        insert_user(&state, &check_new_user(email, email, role, org_id, None).unwrap(), PASSWORD, None).await.unwrap();
        let r: Value = http
            .post(format!("{base}/api/v1/session"))
            .json(&json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        tokens.push(r["token"].as_str().unwrap().to_string());
    }
    let (client, specialist, analyst) = (tokens[0].clone(), tokens[1].clone(), tokens[2].clone());
    // A month with some accepted work, so the report has rows to show.
    let post = |token: &str, path: String, body: Value| {
        http.post(format!("{base}{path}")).bearer_auth(token.to_string()).json(&body).send()
    };
    let mut work_task = 0;
    for i in 0..20 {
        let t: Value =
            post(&client, "/api/v1/tasks".into(), json!({"title": format!("Задача {i}"), "description": "нагрузка"}))
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
        let id = t["task"]["id"].as_i64().unwrap();
        post(
            &analyst,
            format!("/api/v1/tasks/{id}/transitions"),
            json!({"action": "estimate", "specification": "ТЗ", "estimate": "3", "deadline": "2030-01-01"}),
        )
        .await
        .unwrap();
        post(&client, format!("/api/v1/tasks/{id}/transitions"), json!({"action": "approve"})).await.unwrap();
        for _ in 0..3 {
            post(
                &specialist,
                format!("/api/v1/tasks/{id}/worklogs"),
                // A day of its own per task: one person's day holds at most 24 h.
                json!({"date": (business_today() - chrono::Days::new(i)).to_string(), "hours": "1.25", "description": "работа"}),
            )
            .await
            .unwrap();
        }
        work_task = id;
        if i < 19 {
            post(&specialist, format!("/api/v1/tasks/{id}/transitions"), json!({"action": "submit_for_testing"}))
                .await
                .unwrap();
            post(&client, format!("/api/v1/tasks/{id}/transitions"), json!({"action": "accept"})).await.unwrap();
        }
    }
    Target { base, state, client_token: client, specialist_token: specialist, org, work_task, contract_start: start }
}

#[derive(Clone, Copy)]
enum Call {
    Health,
    Report,
    NewTask,
    /// A new task with an `Idempotency-Key`, as the portal sends every write.
    NewTaskKeyed,
    NewWorklog,
}

/// A number no other load worker has, so that their idempotency keys differ.
fn worker_number() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

async fn load(target: &Target, call: Call) -> (f64, Duration, Duration) {
    let deadline = Instant::now() + run_for();
    let http = reqwest::Client::builder().pool_max_idle_per_host(CONNECTIONS).build().unwrap();
    let mut workers = Vec::new();
    for _ in 0..CONNECTIONS {
        let http = http.clone();
        let base = target.base.clone();
        let (client, specialist, task, contract_start) =
            (target.client_token.clone(), target.specialist_token.clone(), target.work_task, target.contract_start);
        let period = business_period();
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let worker = worker_number();
            let mut sent = 0u64;
            // At least one request each, however late the worker starts.
            while sent == 0 || Instant::now() < deadline {
                sent += 1;
                let request = match call {
                    Call::Health => http.get(format!("{base}/api/v1/health")),
                    Call::Report => http.get(format!("{base}/api/v1/reports/{period}")).bearer_auth(&client),
                    Call::NewTask => http
                        .post(format!("{base}/api/v1/tasks"))
                        .bearer_auth(&client)
                        .json(&json!({"title": "Новая", "description": "нагрузка"})),
                    Call::NewTaskKeyed => http
                        .post(format!("{base}/api/v1/tasks"))
                        .bearer_auth(&client)
                        .header("idempotency-key", format!("bench-{worker}-{sent}"))
                        .json(&json!({"title": "Новая", "description": "нагрузка"})),
                    // A day holds at most 24 h of one person's work: each worker logs 80 quarter
                    // hours a day, on every 16th day from the contract's start on. 140 000 logs
                    // fit before the days the set-up logged on (its last 20, 3.75 h each).
                    Call::NewWorklog => {
                        let day = contract_start
                            + chrono::Days::new(sent / 80 * CONNECTIONS as u64 + worker % CONNECTIONS as u64);
                        http.post(format!("{base}/api/v1/tasks/{task}/worklogs"))
                            .bearer_auth(&specialist)
                            .json(&json!({"date": day.to_string(), "hours": "0.25", "description": "работа"}))
                    }
                };
                let t = Instant::now();
                let response = request.send().await.expect("request");
                let status = response.status();
                let body = response.bytes().await.expect("body");
                assert!(status.is_success(), "{status}: {}", String::from_utf8_lossy(&body));
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.unwrap());
    }
    all.sort();
    let pct = |p: usize| all[(all.len() * p / 100).min(all.len() - 1)];
    (all.len() as f64 / run_for().as_secs_f64(), pct(50), pct(99))
}

/// Inserts accepted tasks (each billing its approved 0.06 h from 10 logs of 0.01 h) for
/// `(org, period, count)` groups, in bulk, and then their report entries.
async fn insert_accepted(target: &Target, groups: &[(i64, String, usize)]) -> usize {
    let now = hourbank_server::db::now();
    let mut tx = target.state.db().pool().begin().await.unwrap();
    let mut inserted = 0;
    for (org, period, count) in groups {
        for chunk_start in (0..*count).step_by(100) {
            let n = (*count - chunk_start).min(100);
            let values: Vec<String> = (0..n)
                .map(|i| {
                    format!(
                        "({org}, 'Задача {}', 'объём', 'accepted', 6, 6, 1, '{now}', '{now}', '{now}', '{period}')",
                        chunk_start + i
                    )
                })
                .collect();
            let ids: Vec<i64> = sqlx::query_scalar(&format!(
                "INSERT INTO tasks (org_id, title, description, state, estimate, approved_estimate, created_by, created_at, \
                 updated_at, accepted_at, accepted_period) VALUES {} RETURNING id",
                values.join(",")
            ))
            .fetch_all(&mut *tx)
            .await
            .unwrap();
            let now = &now;
            let logs: Vec<String> = ids
                .iter()
                .flat_map(|id| (0..10).map(move |_| format!("({id}, {org}, 1, '{period}-01', 1, 'работа', '{now}')")))
                .collect();
            sqlx::query(&format!(
                "INSERT INTO worklogs (task_id, org_id, user_id, work_date, hours, description, created_at) VALUES {}",
                logs.join(",")
            ))
            .execute(&mut *tx)
            .await
            .unwrap();
            inserted += ids.len();
        }
    }
    tx.commit().await.unwrap();
    // Their report entries, by the code that writes one when a task is accepted, in bulk.
    let t = Instant::now();
    let written = hourbank_server::db::report_entries::write_all_missing(target.state.db()).await.unwrap();
    assert_eq!(written, inserted as u64);
    println!(
        "  ({inserted} accepted tasks inserted; their report entries written in {:.0} ms)",
        t.elapsed().as_secs_f64() * 1e3
    );
    inserted
}

/// Median time to build this month's report of the benchmark's organisation, and to build it
/// and write it as the JSON text served; and its task count.
async fn time_report(target: &Target) -> (Duration, Duration, usize) {
    let org =
        hourbank_server::store::org(target.state.db(), hourbank_server::auth::OrgScope::All, target.org).await.unwrap();
    let (mut built, mut served) = (Vec::new(), Vec::new());
    let mut tasks = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let report = hourbank_server::services::reports::build_report(
            &target.state,
            &org,
            business_period(),
            hourbank_server::services::reports::Listing::Newest,
        )
        .await
        .unwrap();
        built.push(t.elapsed());
        let text = report.to_json();
        served.push(t.elapsed());
        assert!(!text.is_empty());
        tasks = report.tasks.count;
    }
    built.sort();
    served.sort();
    (built[2], served[2], tasks)
}

/// A month report with 10 000 tasks and 100 000 work logs in the database: first spread as they
/// would be (50 organisations × 12 months), then all in this one month of one organisation (the
/// quick check: 3 organisations × 2 months, then 200 tasks).
async fn big_report(target: &Target) {
    let pool = target.state.db().pool();
    let mut orgs = vec![target.org];
    let (org_count, months, crowded_tasks) = if quick() { (3, 2, 200) } else { (50, 12, 10_000) };
    for k in 1..org_count {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO orgs (name, inn, tariff_name, monthly_fee, included_hours, overage_rate, reserve_cap, trial_months, \
             trial_rate, contract_start, vat_mode, created_at) \
             VALUES ($1, $2, 'Старт', 2000000, 1000, 200000, 1000, 2, 200000, $3, 'none', $4) RETURNING id",
        )
        .bind(format!("Организация {k}"))
        .bind(format!("bench-{k:04}"))
        .bind(business_period().first_day().checked_sub_months(chrono::Months::new(12)).unwrap().to_string())
        .bind(hourbank_server::db::now())
        .fetch_one(pool)
        .await
        .unwrap();
        orgs.push(id);
    }
    let mut groups = Vec::new();
    for org in &orgs {
        for m in 0..months {
            let period = hourbank_domain::Period::of(
                business_period().first_day().checked_sub_months(chrono::Months::new(m)).unwrap(),
            );
            // 200 tasks per organisation over its year: 17 a month for eight months, then 16.
            groups.push((*org, period.to_string(), 16 + usize::from(m < 8)));
        }
    }
    let spread = insert_accepted(target, &groups).await;
    let (built, served, tasks) = time_report(target).await;
    println!(
        "  month report with {spread} tasks and {} work logs in the database ({org_count} organisations × {months} months): \
         built in {:.1} ms, as JSON text in {:.1} ms, for a month of {tasks} tasks (medians of 5)",
        spread * 10,
        built.as_secs_f64() * 1e3,
        served.as_secs_f64() * 1e3
    );
    let crowded = insert_accepted(target, &[(target.org, business_period().to_string(), crowded_tasks)]).await;
    let (built, served, tasks) = time_report(target).await;
    println!(
        "  month report of one organisation with {tasks} tasks and over {} work logs in that month: \
         built in {:.1} ms, as JSON text in {:.1} ms (medians of 5)",
        crowded * 10,
        built.as_secs_f64() * 1e3,
        served.as_secs_f64() * 1e3
    );
}

async fn run(name: &str, url: &str) {
    let dir = tempfile::tempdir().unwrap();
    let url = url.replace("{dir}", &dir.path().display().to_string());
    let target = start(&url, dir.path()).await;
    println!("{name}: {CONNECTIONS} connections, {:.1} s each", run_for().as_secs_f64());
    let mut health_rate = 0.0;
    // `cargo bench --bench api -- report` times only the month report built from a big database.
    let only_report = !quick() && std::env::args().skip(1).any(|a| a == "report");
    // `-- key` (any other word) times only the calls whose label contains it.
    // (The quick check times every call, whatever a test run's arguments.)
    let only: Vec<String> =
        std::env::args().skip(1).filter(|a| !quick() && !a.starts_with('-') && a != "report").collect();
    for (label, call) in if only_report {
        vec![]
    } else {
        vec![
            ("GET health", Call::Health),
            ("GET month report", Call::Report),
            ("POST task", Call::NewTask),
            ("POST task + key", Call::NewTaskKeyed),
            ("POST work log", Call::NewWorklog),
        ]
    }
    .into_iter()
    .filter(|(label, _)| only.is_empty() || only.iter().any(|word| label.contains(word.as_str())))
    {
        let (writes, transactions) = target.state.db().write_counts();
        let (rate, p50, p99) = load(&target, call).await;
        let (writes, transactions) = {
            let (w, t) = target.state.db().write_counts();
            (w - writes, t - transactions)
        };
        if matches!(call, Call::Health) {
            health_rate = rate;
        }
        println!(
            "  {label:<18} {rate:>8.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms{}",
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3,
            if matches!(call, Call::Report) {
                format!("   ({:.0}% of health)", rate / health_rate * 100.0)
            } else if transactions > 0 {
                // SQLite's group commit (`Db::write_once`): how many writes shared a transaction.
                format!("   ({:.1} writes a transaction)", writes as f64 / transactions as f64)
            } else {
                String::new()
            }
        );
    }
    if only.is_empty() {
        big_report(&target).await;
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        run("SQLite", "sqlite://{dir}/bench.db").await;
        // The quick check runs on the test suite's cluster.
        let pg_url = if quick() { "HOURBANK_TEST_PG_URL" } else { "HOURBANK_BENCH_PG_URL" };
        match std::env::var(pg_url) {
            Ok(admin_url) => {
                sqlx::any::install_default_drivers();
                let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin_url).await.unwrap();
                let name = format!("hb_bench_{}", std::process::id());
                sqlx::Executor::execute(&mut admin, format!("CREATE DATABASE {name}").as_str()).await.unwrap();
                let (prefix, _) = admin_url.rsplit_once('/').unwrap();
                run("PostgreSQL", &format!("{prefix}/{name}")).await;
            }
            Err(_) if std::env::var_os("HOURBANK_REQUIRE_PG").is_some() => panic!("{pg_url} is not set"),
            Err(_) => println!("PostgreSQL: skipped ({pg_url} not set; `./dev bench` and `./dev test` set it)"),
        }
    });
}
