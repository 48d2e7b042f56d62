//! What the wire carries: every built file goes out as the `.br` or `.gz` copy the build wrote,
//! as the client accepts, with `Vary: Accept-Encoding`; Trunk's hashed files are cached for a
//! year (`immutable`), pages are revalidated; and a second visit in Chromium downloads no wasm.
//!
//! `wire_bytes_of_each_entry` (ignored; `./dev bench` runs it) prints what Chromium transferred
//! on a cold load of each page — the figure the README's budget is about.

use hourbank_e2e::portal::start_server_with_demo;
use hourbank_e2e::{start_server, Browser};

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

/// A raw GET (reqwest here decompresses nothing and asks for nothing by itself).
async fn get(url: &str, accept_encoding: Option<&str>) -> Answer {
    let mut request = reqwest::Client::new().get(url);
    if let Some(encodings) = accept_encoding {
        request = request.header("accept-encoding", encodings);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    Answer { status, headers, body: response.bytes().await.unwrap().to_vec() }
}

fn header<'a>(answer: &'a Answer, name: &str) -> &'a str {
    answer.headers.get(name).map_or("", |v| v.to_str().unwrap())
}

/// The hashed files an entry page loads (`/name-<hash>.ext`).
fn hashed_files(html: &str) -> Vec<String> {
    let mut files = Vec::new();
    // The built page is minified: attributes may be unquoted.
    for word in html.split(|c: char| c.is_whitespace() || "\"'=<>(),;".contains(c)) {
        let is_asset = [".wasm", ".js", ".css"].iter().any(|ext| word.ends_with(ext));
        if word.starts_with('/') && is_asset && !files.iter().any(|f: &String| f == word) {
            files.push(word.to_string());
        }
    }
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_go_out_compressed_as_accepted_and_cached_by_name() {
    let base = start_server().await;
    let page = get(&format!("{base}/"), None).await;
    assert_eq!((page.status, header(&page, "content-encoding")), (200, ""));
    let html = String::from_utf8(page.body.clone()).unwrap();
    let files = hashed_files(&html);
    let wasm = files.iter().find(|f| f.ends_with(".wasm")).expect("the page preloads its wasm").clone();
    assert!(files.iter().any(|f| f.ends_with(".js")) && files.iter().any(|f| f.ends_with(".css")), "{files:?}");

    // The wasm: brotli to a browser, gzip to a gzip-only client, the file itself otherwise.
    let url = format!("{base}{wasm}");
    let (br, gz, plain) =
        (get(&url, Some("gzip, deflate, br, zstd")).await, get(&url, Some("gzip")).await, get(&url, None).await);
    assert_eq!(header(&br, "content-encoding"), "br");
    assert_eq!(header(&gz, "content-encoding"), "gzip");
    assert_eq!(header(&plain, "content-encoding"), "");
    for answer in [&br, &gz, &plain] {
        assert_eq!(answer.status, 200);
        assert_eq!(header(answer, "content-type"), "application/wasm");
        assert_eq!(header(answer, "cache-control"), "public, max-age=31536000, immutable");
        assert!(header(answer, "vary").to_lowercase().contains("accept-encoding"), "{:?}", answer.headers);
        assert!(!header(answer, "last-modified").is_empty());
    }
    assert!(
        br.body.len() < gz.body.len() && gz.body.len() < plain.body.len() / 2,
        "br {} gz {} plain {}",
        br.body.len(),
        gz.body.len(),
        plain.body.len()
    );
    assert_eq!(&plain.body[..4], b"\0asm");

    // Every other hashed file too; the page itself is revalidated each time, compressed as well.
    for file in &files {
        let answer = get(&format!("{base}{file}"), Some("br, gzip")).await;
        assert_eq!((answer.status, header(&answer, "content-encoding")), (200, "br"), "{file}");
        assert_eq!(header(&answer, "cache-control"), "public, max-age=31536000, immutable", "{file}");
    }
    for path in ["/", "/compare/", "/portal/", "/portal/tasks/5", "/portal/sw.js"] {
        let answer = get(&format!("{base}{path}"), Some("br, gzip")).await;
        assert_eq!((answer.status, header(&answer, "content-encoding")), (200, "br"), "{path}");
        assert_eq!(header(&answer, "cache-control"), "no-cache", "{path}");
        assert!(!header(&answer, "last-modified").is_empty(), "{path}");
    }
    let deep = get(&format!("{base}/portal/tasks/5"), Some("gzip")).await;
    assert_eq!(
        (header(&deep, "content-encoding"), header(&deep, "content-type")),
        ("gzip", "text/html; charset=utf-8")
    );
    // Revalidation answers 304 without a body.
    let again = reqwest::Client::new()
        .get(format!("{base}/"))
        .header("if-modified-since", header(&page, "last-modified"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);

    // JSON above a kilobyte is compressed on the fly; small answers are not.
    let document = get(&format!("{base}/api/openapi.json"), Some("br, gzip")).await;
    assert_eq!(header(&document, "content-encoding"), "br");
    let health = get(&format!("{base}/api/v1/health"), Some("br, gzip")).await;
    assert_eq!(header(&health, "content-encoding"), "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_visit_downloads_no_wasm() {
    let base = start_server().await;
    let browser = Browser::start().await;
    let transferred = "return performance.getEntriesByType('resource')
        .filter((e) => e.name.endsWith('.wasm')).map((e) => [e.name, e.transferSize, e.encodedBodySize]);";
    browser.open_until(&format!("{base}/"), "hours-0").await;
    let first = browser.js(transferred, vec![]).await;
    let first = first.as_array().unwrap();
    assert_eq!(first.len(), 1, "{first:?}");
    // Brotli on the wire: far fewer bytes than the file.
    let (sent, body) = (first[0][1].as_f64().unwrap(), first[0][2].as_f64().unwrap());
    assert!(sent > 0.0 && body > 0.0, "{first:?}");
    browser.open_until(&format!("{base}/?h=5"), "hours-0").await;
    let second = browser.js(transferred, vec![]).await;
    assert_eq!(second[0][1].as_f64(), Some(0.0), "the wasm came over the network again: {second:?}");
    browser.close().await;
}

/// `./dev bench`: bytes Chromium transferred on a cold load of each entry (all requests: the
/// page, wasm, js, css, icons; API calls included), next to what those files hold uncompressed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run by ./dev bench"]
async fn wire_bytes_of_each_entry() {
    let base = start_server_with_demo().await;
    let sum =
        "const entries = [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')];
        return [entries.reduce((n, e) => n + e.transferSize, 0), entries.reduce((n, e) => n + e.decodedBodySize, 0),
                entries.length, entries.map((e) => `${e.name.replace(location.origin, '')} ${e.transferSize}`).join(', ')];";
    for (path, ready) in [
        ("/", "hours-0"),
        ("/compare/", "compare-verdict"),
        ("/simulate/", "sim-run"),
        ("/demo/", "slide-title"),
        ("/portal/", "login-email"),
    ] {
        let browser = Browser::start().await;
        browser.open_until(&format!("{base}{path}"), ready).await;
        let figures = browser.js(sum, vec![]).await;
        println!(
            "on the wire, cold load of {path:<11} {:>8} B transferred ({:>8} B uncompressed, {} requests)",
            figures[0].as_f64().unwrap_or(0.0) as u64,
            figures[1].as_f64().unwrap_or(0.0) as u64,
            figures[2]
        );
        println!("  {}", figures[3].as_str().unwrap_or_default());
        browser.close().await;
    }
}
