//! Proof under pressure, against the real `hourbank` binary run as a child process:
//!
//! - **Crash safety**: 16 writers create tasks with `Idempotency-Key`s while the server is killed
//!   (`SIGKILL`, as `kill -9`) at a random moment; after each restart every acknowledged write is
//!   there, its key answers exactly the first answer, nothing is stored twice, and the writes that
//!   were cut off are either there once or not at all (their retry settles which).
//! - **Soak**: mixed load (task lists, a task, month reports, new tasks and consultations with
//!   keys, sign-ins) at many connections; no errors, and the p99 and the server's memory compared
//!   between the halves.
//!
//! `cargo test -p hourbank-server --test proof` runs short versions (2 crash rounds per engine, a
//! 15-second soak at 16 connections), which check correctness only. `./dev proof` runs the full
//! ones (`--ignored`: 10 rounds on SQLite and on PostgreSQL with fsync and synchronous_commit on,
//! 10 minutes at 64 connections) and prints the figures; timing is reported, never asserted in
//! the normal tests.

mod support;

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hourbank_server::clock::business_period;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{database_url, Backend};

const DEMO_PASSWORD: &str = "demo-hourbank";

struct Server {
    child: Child,
    base: String,
    listen: String,
    url: String,
    dist: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Server {
    /// Starts `hourbank serve` on `url` (with the demo data into an empty database).
    async fn start(url: &str) -> Server {
        let listen = format!("127.0.0.1:{}", free_port());
        let dist = tempfile::tempdir().unwrap();
        let mut server = Server {
            child: Server::spawn(&listen, url, dist.path()),
            base: format!("http://{listen}"),
            listen,
            url: url.to_string(),
            dist,
        };
        server.wait_ready().await;
        server
    }

    fn spawn(listen: &str, url: &str, dist: &std::path::Path) -> Child {
        Command::new(env!("CARGO_BIN_EXE_hourbank"))
            .args(["serve", "--listen", listen, "--demo", "--database-url", url, "--dist"])
            .arg(dist)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the hourbank binary starts")
    }

    async fn wait_ready(&mut self) {
        let http = reqwest::Client::new();
        for _ in 0..600 {
            if let Ok(r) = http.get(format!("{}/api/v1/health", self.base)).send().await
                && r.status().is_success()
            {
                return;
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("the server exited: {status}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not answer within 30 s");
    }

    /// `kill -9`: no shutdown, no flushing, nothing finishes.
    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    async fn restart(&mut self) {
        self.child = Server::spawn(&self.listen, &self.url, self.dist.path());
        self.wait_ready().await;
    }

    /// The server's resident memory in KiB: (its own, anonymous; the files it maps). Mapped files
    /// (the binary; a database read through `mmap_size`) are the kernel's page cache, shared and
    /// dropped under memory pressure, not memory the server holds. Both are printed; the flatness
    /// is judged on the server's own.
    fn rss_kib(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next()?.parse().ok())
                .unwrap_or(0)
        };
        (field("RssAnon:"), field("RssFile:") + field("RssShmem:"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A valid 10-digit ИНН of an organisation from its first nine digits (the check digit of the
/// tax service's algorithm).
fn legal_inn(first_nine: u64) -> String {
    let digits: Vec<u32> = format!("{first_nine:09}").chars().map(|c| c.to_digit(10).unwrap()).collect();
    let weights = [2, 4, 10, 3, 5, 9, 4, 6, 8];
    let check = digits.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() % 11 % 10;
    format!("{first_nine:09}{check}")
}

async fn sign_in(http: &reqwest::Client, base: &str, email: &str) -> String {
    let r: Value = http
        .post(format!("{base}/api/v1/session"))
        .json(&json!({"email": email, "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    r["token"].as_str().unwrap_or_else(|| panic!("sign-in of {email}: {r}")).to_string()
}

fn random_below(n: u64) -> u64 {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    u64::from_le_bytes(bytes) % n
}

/// A keyed new task, as the portal sends it: the status, whether it was a replay, and the body.
async fn post_task(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    key: &str,
) -> Result<(StatusCode, bool, Value), reqwest::Error> {
    let response = http
        .post(format!("{base}/api/v1/tasks"))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .json(&json!({"title": key, "description": "written under kill -9"}))
        .send()
        .await?;
    let status = response.status();
    let replayed = response.headers().contains_key("idempotent-replayed");
    Ok((status, replayed, response.json().await?))
}

/// How many tasks the client's organisation has with each title, read page by page.
async fn titles(http: &reqwest::Client, base: &str, token: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    let mut before: Option<i64> = None;
    loop {
        let page = match before {
            Some(b) => format!("{base}/api/v1/tasks?limit=200&before={b}"),
            None => format!("{base}/api/v1/tasks?limit=200"),
        };
        let body: Value = http.get(page).bearer_auth(token).send().await.unwrap().json().await.unwrap();
        for task in body["tasks"].as_array().unwrap() {
            *counts.entry(task["title"].as_str().unwrap().to_string()).or_default() += 1;
        }
        match body["next_before"].as_i64() {
            Some(b) => before = Some(b),
            None => return counts,
        }
    }
}

const WRITERS: usize = 16;

async fn crash_rounds(engine: Backend, rounds: usize) {
    let dir = tempfile::tempdir().unwrap();
    let Some(url) = database_url(engine, dir.path()).await else { return };
    let mut server = Server::start(&url).await;
    let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    let token = sign_in(&http, &server.base, "buh@romashka.demo").await;
    let (mut acknowledged_total, mut cut_total) = (0, 0);
    let mut sent: Vec<String> = Vec::new();
    let mut acknowledged_titles: Vec<String> = Vec::new();
    for round in 0..rounds {
        let acknowledged: Arc<Mutex<Vec<(String, Value)>>> = Arc::default();
        let cut: Arc<Mutex<Vec<String>>> = Arc::default();
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (http, base, token) = (http.clone(), server.base.clone(), token.clone());
                let (acknowledged, cut) = (acknowledged.clone(), cut.clone());
                tokio::spawn(async move {
                    for n in 0.. {
                        let key = format!("round-{round}-writer-{w}-{n}");
                        match post_task(&http, &base, &token, &key).await {
                            Ok((StatusCode::CREATED, false, body)) => acknowledged.lock().unwrap().push((key, body)),
                            Ok((status, _, body)) => panic!("{key}: {status} {body}"),
                            // The server died under this request: it may or may not have stored it.
                            Err(_) => {
                                cut.lock().unwrap().push(key);
                                return;
                            }
                        }
                    }
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(300 + random_below(1200))).await;
        server.kill();
        for writer in writers {
            writer.await.unwrap();
        }
        server.restart().await;

        let acknowledged = std::mem::take(&mut *acknowledged.lock().unwrap());
        let cut = std::mem::take(&mut *cut.lock().unwrap());
        // Every acknowledged write answers its key again with exactly the first answer.
        for (key, first) in &acknowledged {
            let (status, replayed, again) = post_task(&http, &server.base, &token, key).await.unwrap();
            assert_eq!((status, replayed), (StatusCode::CREATED, true), "{engine} round {round}: {key}: {again}");
            assert_eq!(&again, first, "{engine} round {round}: {key} answered differently after the restart");
        }
        // A write cut off is settled by its retry: run now, replayed, or stored with its answer
        // lost — after "still in progress" (409) for a few seconds if the server died between the
        // write and its answer; retried as the portal's outbox retries.
        for key in &cut {
            let (mut status, mut body) = (StatusCode::CONFLICT, Value::Null);
            for _ in 0..40 {
                (status, _, body) = post_task(&http, &server.base, &token, key).await.unwrap();
                if status != StatusCode::CONFLICT {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            let settled = status == StatusCode::CREATED || (status == StatusCode::OK && body["answer_lost"] == true);
            assert!(settled, "{engine} round {round}: the retry of {key}: {status} {body}");
        }
        acknowledged_total += acknowledged.len();
        cut_total += cut.len();
        acknowledged_titles.extend(acknowledged.iter().map(|(key, _)| key.clone()));
        sent.extend(acknowledged.into_iter().map(|(key, _)| key).chain(cut));
    }
    let stored = titles(&http, &server.base, &token).await;
    for title in &sent {
        assert_eq!(stored.get(title), Some(&1), "{engine}: {title} is stored {:?} times", stored.get(title));
    }
    for title in &acknowledged_titles {
        assert!(stored.contains_key(title), "{engine}: the acknowledged {title} is lost");
    }
    println!(
        "crash safety on {engine}: {rounds} kill -9 rounds under {WRITERS} keyed writers: {acknowledged_total} \
         acknowledged writes all present and answering their keys as first; {cut_total} cut off, each stored \
         once after its retry; nothing stored twice"
    );
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Kind {
    TaskList,
    Task,
    Report,
    NewTask,
    NewConsultation,
    SignIn,
}

struct Sample {
    at: Duration,
    kind: Kind,
    took: Duration,
}

struct SoakPlan {
    duration: Duration,
    warm_up: Duration,
    connections: usize,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// Runs the soak; returns whether latency and memory stayed flat (errors fail it outright).
async fn soak(engine: Backend, plan: SoakPlan) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let Some(url) = database_url(engine, dir.path()).await else { return true };
    let server = Server::start(&url).await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(plan.connections)
        .build()
        .unwrap();
    let base = server.base.clone();
    // As many client organisations as connections, as many clients of a real deployment would
    // be: each connection works for one (its tasks, its reports), so an organisation's month
    // grows as a busy client's would, not by every write of the whole run. (With every write in
    // one organisation its month report — which lists every consultation of the month — grew to
    // 17 000 consultations in 10 minutes and became the soak's cost.)
    let admin = sign_in(&http, &base, "admin@hourbank.demo").await;
    let specialist = sign_in(&http, &base, "ivan@hourbank.demo").await;
    let start = hourbank_server::clock::business_period().first_day().to_string();
    let mut tenants = Vec::new();
    for i in 0..plan.connections {
        let inn = legal_inn(7_700_000_00 + i as u64);
        let org: Value = http
            .post(format!("{base}/api/v1/orgs"))
            .bearer_auth(&admin)
            .json(&json!({"name": format!("ООО «Нагрузка {i}»"), "inn": inn, "contract_start": start}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let org_id = org["id"].as_i64().unwrap_or_else(|| panic!("a new organisation: {org}"));
        let email = format!("soak{i}@load.test");
        let user = http
            .post(format!("{base}/api/v1/users"))
            .bearer_auth(&admin)
            .json(&json!({"email": email, "name": format!("Клиент {i}"), "role": "client", "org_id": org_id,
                          "password": DEMO_PASSWORD}))
            .send()
            .await
            .unwrap();
        assert!(user.status().is_success(), "a new client: {}", user.text().await.unwrap_or_default());
        let client = sign_in(&http, &base, &email).await;
        let task: Value = http
            .post(format!("{base}/api/v1/tasks"))
            .bearer_auth(&client)
            .json(&json!({"title": "Первая задача", "description": "soak"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let task = task["task"]["id"].as_i64().unwrap_or_else(|| panic!("a first task: {task}"));
        tenants.push((client, org_id, task));
    }
    let period = business_period().to_string();
    let today = hourbank_server::clock::business_today().to_string();

    let started = Instant::now();
    let samples: Arc<Mutex<Vec<Sample>>> = Arc::default();
    let errors: Arc<Mutex<Vec<String>>> = Arc::default();
    let workers: Vec<_> = (0..plan.connections)
        .map(|c| {
            let (client, org, task) = tenants[c].clone();
            let (http, base, specialist) = (http.clone(), base.clone(), specialist.clone());
            let (samples, errors, period, today) = (samples.clone(), errors.clone(), period.clone(), today.clone());
            tokio::spawn(async move {
                let mut n: u64 = 0;
                while started.elapsed() < plan.duration {
                    n += 1;
                    let slot = (n + c as u64) % 20;
                    let key = format!("soak-{c}-{n}");
                    let (kind, request) = match slot {
                        0..=7 => {
                            (Kind::TaskList, http.get(format!("{base}/api/v1/tasks?limit=50")).bearer_auth(&client))
                        }
                        8..=10 => (Kind::Task, http.get(format!("{base}/api/v1/tasks/{task}")).bearer_auth(&client)),
                        11..=13 => {
                            (Kind::Report, http.get(format!("{base}/api/v1/reports/{period}")).bearer_auth(&client))
                        }
                        14..=16 => (
                            Kind::NewTask,
                            http.post(format!("{base}/api/v1/tasks"))
                                .bearer_auth(&client)
                                .header("idempotency-key", &key)
                                .json(&json!({"title": key, "description": "soak"})),
                        ),
                        17..=18 => (
                            Kind::NewConsultation,
                            http.post(format!("{base}/api/v1/consultations"))
                                .bearer_auth(&specialist)
                                .header("idempotency-key", &key)
                                .json(&json!({"org_id": org, "channel": "phone", "date": today, "duration": "0.25",
                                              "topic": "soak", "billable": false})),
                        ),
                        // A sign-in (argon2) now and then: one in 200 requests.
                        _ if n.is_multiple_of(10) => (
                            Kind::SignIn,
                            http.post(format!("{base}/api/v1/session"))
                                .json(&json!({"email": "ivan@hourbank.demo", "password": DEMO_PASSWORD})),
                        ),
                        _ => (Kind::TaskList, http.get(format!("{base}/api/v1/tasks?limit=50")).bearer_auth(&client)),
                    };
                    let sent = Instant::now();
                    let outcome = request.send().await;
                    let took = sent.elapsed();
                    match outcome {
                        Ok(r) if r.status().is_success() => {
                            let _ = r.bytes().await;
                            samples.lock().unwrap().push(Sample { at: sent - started, kind, took });
                        }
                        Ok(r) => {
                            let status = r.status();
                            let text = r.text().await.unwrap_or_default();
                            errors.lock().unwrap().push(format!("{kind:?}: {status} {text}"))
                        }
                        Err(e) => errors.lock().unwrap().push(format!("{kind:?}: {e}")),
                    }
                }
            })
        })
        .collect();
    // The server's memory, once a second.
    let mut rss = Vec::new();
    while started.elapsed() < plan.duration {
        tokio::time::sleep(Duration::from_secs(1)).await;
        rss.push((started.elapsed(), server.rss_kib()));
    }
    for worker in workers {
        worker.await.unwrap();
    }
    let errors = std::mem::take(&mut *errors.lock().unwrap());
    assert!(
        errors.is_empty(),
        "{engine} soak: {} errors, the first: {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );

    let samples = std::mem::take(&mut *samples.lock().unwrap());
    let middle = plan.warm_up + (plan.duration - plan.warm_up) / 2;
    println!(
        "soak on {engine}: {} s at {} connections, {} requests, 0 errors (warm-up {} s left out of the halves)",
        plan.duration.as_secs(),
        plan.connections,
        samples.len(),
        plan.warm_up.as_secs()
    );
    let half = |kind: Option<Kind>, first: bool| {
        let mut took: Vec<Duration> = samples
            .iter()
            .filter(|s| s.at >= plan.warm_up && (s.at < middle) == first && kind.is_none_or(|k| s.kind == k))
            .map(|s| s.took)
            .collect();
        took.sort();
        took
    };
    let mut kinds: Vec<Kind> = samples.iter().map(|s| s.kind).collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds.into_iter().map(Some).chain([None]) {
        let (a, b) = (half(kind, true), half(kind, false));
        println!(
            "  {:<16} first half p50 {:>7.2} ms p99 {:>7.2} ms ({:>6} req) | second half p50 {:>7.2} ms p99 {:>7.2} ms ({:>6} req)",
            kind.map_or("all".to_string(), |k| format!("{k:?}")),
            percentile(&a, 0.5).as_secs_f64() * 1e3,
            percentile(&a, 0.99).as_secs_f64() * 1e3,
            a.len(),
            percentile(&b, 0.5).as_secs_f64() * 1e3,
            percentile(&b, 0.99).as_secs_f64() * 1e3,
            b.len()
        );
    }
    let (first, second) = (half(None, true), half(None, false));
    let (p99_first, p99_second) = (percentile(&first, 0.99), percentile(&second, 0.99));
    let latency_flat = p99_second.as_secs_f64() <= p99_first.as_secs_f64() * 1.2;
    let own = |(at, (anon, _)): &(Duration, (u64, u64))| (*at, *anon);
    // Peaks of ten seconds each, compared alike (the allocator gives memory back in steps, so one
    // sample can sit far below its neighbours).
    let after_warm_up = rss
        .iter()
        .map(own)
        .filter(|(at, _)| *at >= plan.warm_up && *at < plan.warm_up + Duration::from_secs(10))
        .map(|(_, kib)| kib)
        .max()
        .unwrap_or(0);
    let peak_at_end = rss.iter().rev().take(10).map(own).map(|(_, kib)| kib).max().unwrap_or(0);
    let memory_flat = (peak_at_end as f64) <= after_warm_up as f64 * 1.1;
    // Whether memory levels off or keeps growing shows only over time: each minute's peak.
    let by_minute = |pick: fn(&(u64, u64)) -> u64| {
        rss.chunk_by(|(a, _), (b, _)| a.as_secs() / 60 == b.as_secs() / 60)
            .map(|minute| (minute.iter().map(|(_, kib)| pick(kib)).max().unwrap_or(0) / 1024).to_string())
            .collect::<Vec<_>>()
            .join(" → ")
    };
    println!("  server's own memory (RssAnon), each minute's peak (MiB): {}", by_minute(|(anon, _)| *anon));
    println!("  mapped files (RssFile), each minute's peak (MiB): {}", by_minute(|(_, file)| *file));
    println!(
        "  p99 {:.2} → {:.2} ms ({:+.0} %, flat: {latency_flat}); server's own memory after warm-up {} MiB, peak of the last 10 s {} MiB ({:+.0} %, flat: {memory_flat})",
        p99_first.as_secs_f64() * 1e3,
        p99_second.as_secs_f64() * 1e3,
        (p99_second.as_secs_f64() / p99_first.as_secs_f64() - 1.0) * 100.0,
        after_warm_up / 1024,
        peak_at_end / 1024,
        (peak_at_end as f64 / after_warm_up.max(1) as f64 - 1.0) * 100.0
    );
    latency_flat && memory_flat
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_under_keyed_writers_loses_and_doubles_nothing() {
    crash_rounds(Backend::Sqlite, 2).await;
    crash_rounds(Backend::Postgres, 2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_soak_has_no_errors() {
    let plan = SoakPlan { duration: Duration::from_secs(15), warm_up: Duration::from_secs(3), connections: 16 };
    soak(Backend::Sqlite, plan).await;
}

/// `./dev proof`: 10 rounds on each engine (PostgreSQL as `./dev proof` starts it: durable).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow: ./dev proof"]
async fn proof_crash_rounds() {
    crash_rounds(Backend::Sqlite, 10).await;
    crash_rounds(Backend::Postgres, 10).await;
}

/// `./dev proof`: 10 minutes at 64 connections; fails unless latency and memory stay flat.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow: ./dev proof"]
async fn proof_soak() {
    let minutes: u64 = std::env::var("HOURBANK_SOAK_MINUTES").ok().and_then(|m| m.parse().ok()).unwrap_or(10);
    let plan =
        SoakPlan { duration: Duration::from_secs(minutes * 60), warm_up: Duration::from_secs(60), connections: 64 };
    assert!(soak(Backend::Sqlite, plan).await, "latency or memory did not stay flat (figures above)");
}
