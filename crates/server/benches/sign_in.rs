//! `cargo bench -p hourbank-server --bench sign_in` (part of `./dev bench`): 200 bad sign-ins at
//! once, each from its own address (through a trusted proxy, so none is stopped by the limits and
//! every one runs argon2), while another client asks `GET /health` in a loop. Prints the health
//! check's latency percentiles during the burst: argon2 runs on blocking threads under a
//! semaphore, so the threads that answer everything else stay free.

use std::time::{Duration, Instant};

use hourbank_server::services::users::{check_new_user, insert_user};
use hourbank_server::{AppState, Db};
use serde_json::json;

const BURST: usize = 200;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}/bench.db", dir.path().display())).await.unwrap();
        let state = AppState::new(dir.path(), db);
        state.set_trusted_proxies(vec!["127.0.0.1".parse().unwrap()]);
        insert_user(&state, &check_new_user("owner@bench.test", "Owner", "admin", None, None).unwrap(), "a good long password", None)
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let serving = state.clone();
        tokio::spawn(async move { hourbank_server::serve(listener, serving).await.unwrap() });
        let http = reqwest::Client::new();
        // Quiet baseline.
        let mut quiet = Vec::new();
        for _ in 0..200 {
            let t = Instant::now();
            http.get(format!("{base}/api/v1/health")).send().await.unwrap();
            quiet.push(t.elapsed());
        }
        quiet.sort();
        let started = Instant::now();
        let burst: Vec<_> = (0..BURST)
            .map(|n| {
                let (http, base) = (http.clone(), base.clone());
                tokio::spawn(async move {
                    http.post(format!("{base}/api/v1/session"))
                        .header("x-forwarded-for", format!("10.{}.{}.{}", n / 65536, (n / 256) % 256, n % 256))
                        .json(&json!({"email": "owner@bench.test", "password": "wrong guess"}))
                        .send()
                        .await
                        .unwrap()
                        .status()
                })
            })
            .collect();
        let mut during = Vec::new();
        while burst.iter().any(|b| !b.is_finished()) {
            let t = Instant::now();
            http.get(format!("{base}/api/v1/health")).send().await.unwrap();
            during.push(t.elapsed());
        }
        let burst_time = started.elapsed();
        let mut unauthorized = 0;
        for b in burst {
            if b.await.unwrap() == reqwest::StatusCode::UNAUTHORIZED {
                unauthorized += 1;
            }
        }
        during.sort();
        println!(
            "sign-in burst: {BURST} bad sign-ins at once ({unauthorized} answered 401 after argon2) took {:.1} s",
            burst_time.as_secs_f64()
        );
        println!(
            "GET /health quiet: p50 {:.2} ms, p99 {:.2} ms; during the burst ({} requests): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            percentile(&quiet, 0.5).as_secs_f64() * 1e3,
            percentile(&quiet, 0.99).as_secs_f64() * 1e3,
            during.len(),
            percentile(&during, 0.5).as_secs_f64() * 1e3,
            percentile(&during, 0.99).as_secs_f64() * 1e3,
            during.last().unwrap().as_secs_f64() * 1e3
        );
    });
}
