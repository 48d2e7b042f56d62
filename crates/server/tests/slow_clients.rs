//! Clients that stop half way do not hold their connections for good: one that never finishes
//! its headers (slowloris) loses the connection after `HEADER_READ_TIMEOUT`, one whose body stalls
//! is answered 408 after `BODY_STALL_TIMEOUT`, and everyone else is served meanwhile.

mod support;

use std::time::{Duration, Instant};

use hourbank_server::http::{BODY_STALL_TIMEOUT, HEADER_READ_TIMEOUT};
use support::{Backend, TestApp};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What the server sends on `stream` until it closes it, or `None` if it is still open after `wait`.
async fn until_closed(stream: &mut TcpStream, wait: Duration) -> Option<String> {
    let mut answer = Vec::new();
    let deadline = Instant::now() + wait;
    loop {
        let mut chunk = [0u8; 4096];
        let left = deadline.checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, stream.read(&mut chunk)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(String::from_utf8_lossy(&answer).into_owned()),
            Ok(Ok(n)) => answer.extend_from_slice(&chunk[..n]),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_stop_half_way_lose_their_connections() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let address = app.base.trim_start_matches("http://").to_string();
    let started = Instant::now();

    let headers = async {
        let mut slow = TcpStream::connect(&address).await.unwrap();
        slow.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-a: b").await.unwrap();
        let closed = until_closed(&mut slow, HEADER_READ_TIMEOUT + Duration::from_secs(10)).await;
        assert!(closed.is_some(), "a connection with unfinished headers is still open after {:?}", started.elapsed());
        assert!(started.elapsed() >= HEADER_READ_TIMEOUT - Duration::from_millis(500), "closed too soon");
    };
    let body = async {
        let mut stalled = TcpStream::connect(&address).await.unwrap();
        stalled
            .write_all(
                b"POST /api/v1/simulate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                  Content-Length: 100\r\n\r\n{\"start\":",
            )
            .await
            .unwrap();
        let answer = until_closed(&mut stalled, BODY_STALL_TIMEOUT + Duration::from_secs(10)).await;
        let answer = answer.expect("a connection with a stalled body is still open");
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(answer.contains("stopped arriving"), "{answer}");
    };
    let others = async {
        // Meanwhile everyone else is answered.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let health = app.client.get(format!("{}/api/v1/health", app.base)).send().await.unwrap();
        assert_eq!(health.status().as_u16(), 200);
    };
    tokio::join!(headers, body, others);
}

/// A body declared larger than the limit is refused as soon as its headers arrive, not after a
/// megabyte has been read (or, sent slowly, after the stall timeout).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_declared_too_large_is_refused_before_it_is_sent() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let address = app.base.trim_start_matches("http://").to_string();
    let mut stream = TcpStream::connect(&address).await.unwrap();
    let declared = hourbank_server::http::BODY_LIMIT + 1;
    stream
        .write_all(
            format!(
                "POST /api/v1/simulate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                 Content-Length: {declared}\r\n\r\n{{\"start\":"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    // Well before the stall timeout, which is what answered before (408).
    let mut first = [0u8; 4096];
    let read = tokio::time::timeout(BODY_STALL_TIMEOUT / 4, stream.read(&mut first))
        .await
        .expect("no answer while the declared body has not arrived")
        .unwrap();
    let answer = String::from_utf8_lossy(&first[..read]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}
