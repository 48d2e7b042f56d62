//! Security headers on every answer: a Content-Security-Policy without inline scripts (Trunk's
//! one inline loader per page is allowed by its hash, computed from `dist`'s pages as they are; wasm needs
//! `'wasm-unsafe-eval'`), no framing, no MIME sniffing, a strict referrer policy, HSTS behind
//! HTTPS, and `no-store` on the API's answers (they are a signed-in user's data). Browsers report
//! violations to `/api/csp-report`; the server logs them, and the end-to-end tests fail on any.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};

use super::AppState;

/// The policy of `dist`, kept with the state of the pages it was computed from. Pages are read
/// from disk as they are asked for, so a `dist` rebuilt under a running server (a deploy that
/// swaps the files before the restart, `./dev build` beside `./dev run`) serves new loaders at
/// once: a policy computed only at start would block them, and the app would not start.
#[derive(Debug)]
pub struct Policy {
    dist: PathBuf,
    computed: RwLock<(Vec<PageStamp>, Arc<str>)>,
}

/// A page of `dist` as it was: its path, size and modification time.
type PageStamp = (PathBuf, u64, Option<std::time::SystemTime>);

impl Policy {
    pub fn new(dist: &Path) -> Policy {
        let pages = page_stamps(dist);
        let policy = content_security_policy(dist).into();
        Policy { dist: dist.to_path_buf(), computed: RwLock::new((pages, policy)) }
    }

    /// As last computed.
    pub fn last(&self) -> Arc<str> {
        self.computed.read().unwrap_or_else(|e| e.into_inner()).1.clone()
    }

    /// Computed again if a page of `dist` changed since (a look at the pages' sizes and times).
    pub fn current(&self) -> Arc<str> {
        let pages = page_stamps(&self.dist);
        {
            let computed = self.computed.read().unwrap_or_else(|e| e.into_inner());
            if computed.0 == pages {
                return computed.1.clone();
            }
        }
        let policy: Arc<str> = content_security_policy(&self.dist).into();
        *self.computed.write().unwrap_or_else(|e| e.into_inner()) = (pages, policy.clone());
        policy
    }
}

fn page_stamps(dist: &Path) -> Vec<PageStamp> {
    let mut pages: Vec<PageStamp> = html_files(dist)
        .into_iter()
        .map(|path| {
            let meta = std::fs::metadata(&path).ok();
            let size = meta.as_ref().map_or(0, |m| m.len());
            let modified = meta.and_then(|m| m.modified().ok());
            (path, size, modified)
        })
        .collect();
    pages.sort();
    pages
}

fn html_files(dist: &Path) -> Vec<PathBuf> {
    super::assets::files_in(dist).into_iter().filter(|p| p.extension().is_some_and(|e| e == "html")).collect()
}

/// The policy for pages served from `dist`: each inline `<script>` of its HTML files allowed by
/// its SHA-256, nothing else inline.
pub fn content_security_policy(dist: &Path) -> String {
    let mut hashes = Vec::new();
    for path in html_files(dist) {
        if let Ok(html) = std::fs::read_to_string(&path) {
            hashes.extend(inline_script_hashes(&html));
        }
    }
    hashes.sort();
    hashes.dedup();
    let scripts: String = hashes.iter().map(|h| format!(" '{h}'")).collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{scripts}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; font-src 'self'; connect-src 'self' blob:; worker-src 'self'; manifest-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; report-uri /api/csp-report"
    )
}

/// `sha256-…` of each inline script's text, as browsers hash it.
fn inline_script_hashes(html: &str) -> Vec<String> {
    use base64_lite::encode;
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let after = &rest[open..];
        let Some(tag_end) = after.find('>') else { break };
        let tag = &after[..tag_end];
        let body_start = &after[tag_end + 1..];
        let Some(close) = body_start.find("</script>") else { break };
        let body = &body_start[..close];
        if !tag.contains("src=") && !body.is_empty() {
            out.push(format!("sha256-{}", encode(&Sha256::digest(body.as_bytes()))));
        }
        rest = &body_start[close..];
    }
    out
}

/// Standard base64 for the hashes (the one place it is needed).
mod base64_lite {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}

/// The policy of an SVG file: no script, no loads, no framing.
pub const SVG_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

/// Adds the headers to every answer (the policy only where it governs something: see below).
pub async fn headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let api = path.starts_with("/api/v1/");
    // The policy governs documents, workers and (as asked of every answer) the API; on a wasm,
    // style, image or plain script file it does nothing but add ~700 bytes to every download.
    let worker = path.ends_with("/sw.js");
    let in_api = path.starts_with("/api/");
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    let document = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_none_or(|t| t.starts_with("text/html"));
    let policy = if document && !in_api {
        Some(state.current_content_security_policy())
    } else {
        (worker || in_api).then(|| state.content_security_policy())
    };
    if let Some(csp) = policy.and_then(|p| HeaderValue::from_str(&p).ok()) {
        h.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    // An SVG opened by its address is a document that could run script: it gets a policy that
    // allows nothing but its own styles (a few dozen bytes on a small file).
    let svg = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("image/svg+xml"));
    if svg && !in_api {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(SVG_POLICY));
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if state.behind_https() {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    }
    if api {
        // A signed-in user's data: never kept by a browser's or a proxy's cache.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Violations reported to this process (any server in it), newest last: what the end-to-end
/// tests check. Bounded, so a flood of reports cannot grow memory.
static REPORTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// `POST /api/csp-report`: a browser's report of a blocked script or style, logged and kept.
/// Anyone may post one, so the log gets it escaped (`?`: a line break or a terminal's escape code
/// in it cannot forge a log line) and at most [`LOGGED_PER_MINUTE`] of them a minute.
pub async fn report(body: Bytes) -> axum::http::StatusCode {
    let text = String::from_utf8_lossy(&body[..body.len().min(8 * 1024)]).into_owned();
    let admitted = LOG_WINDOW.lock().unwrap_or_else(|e| e.into_inner()).admit(std::time::Instant::now());
    match admitted {
        Admitted::Log { skipped: 0 } => tracing::warn!(report = ?text, "content security policy violation"),
        Admitted::Log { skipped } => {
            tracing::warn!(report = ?text, skipped, "content security policy violation (reports not logged before it)")
        }
        Admitted::Skip => {}
    }
    let mut reports = REPORTS.lock().expect("reports lock");
    if reports.len() < 1000 {
        reports.push(text);
    }
    axum::http::StatusCode::NO_CONTENT
}

/// Reports logged a minute at most.
const LOGGED_PER_MINUTE: u32 = 30;

static LOG_WINDOW: Mutex<LogWindow> = Mutex::new(LogWindow { started: None, logged: 0, skipped: 0 });

/// A fixed one-minute window of logged reports, counting those it skips.
#[derive(Debug)]
struct LogWindow {
    started: Option<std::time::Instant>,
    logged: u32,
    skipped: u32,
}

#[derive(Debug, PartialEq)]
enum Admitted {
    /// Log it, saying how many were skipped since the last one logged.
    Log {
        skipped: u32,
    },
    Skip,
}

impl LogWindow {
    fn admit(&mut self, now: std::time::Instant) -> Admitted {
        let minute = std::time::Duration::from_secs(60);
        if self.started.is_none_or(|started| now.duration_since(started) >= minute) {
            self.started = Some(now);
            self.logged = 0;
        }
        if self.logged >= LOGGED_PER_MINUTE {
            self.skipped += 1;
            return Admitted::Skip;
        }
        self.logged += 1;
        Admitted::Log { skipped: std::mem::take(&mut self.skipped) }
    }
}

/// The violations reported so far (for tests).
pub fn violations() -> Vec<String> {
    REPORTS.lock().expect("reports lock").clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_allowed_by_their_hash_only() {
        let html = "<html><script type=module>console.log(1)</script><script src=/a.js></script></html>";
        let hashes = inline_script_hashes(html);
        // echo -n 'console.log(1)' | openssl dgst -sha256 -binary | base64
        assert_eq!(hashes, ["sha256-CihokcEcBW4atb/CW/XWsvWwbTjqwQlE9nj9ii5ww5M="]);
        assert_eq!(base64_lite::encode(b"ab"), "YWI=");
        assert_eq!(base64_lite::encode(b"abc"), "YWJj");
        assert_eq!(base64_lite::encode(b"a"), "YQ==");
    }

    #[test]
    fn a_flood_of_reports_is_logged_thirty_a_minute_and_counted() {
        let mut window = LogWindow { started: None, logged: 0, skipped: 0 };
        let start = std::time::Instant::now();
        for _ in 0..LOGGED_PER_MINUTE {
            assert_eq!(window.admit(start), Admitted::Log { skipped: 0 });
        }
        for second in 1..=5 {
            assert_eq!(window.admit(start + std::time::Duration::from_secs(second)), Admitted::Skip);
        }
        let next_minute = start + std::time::Duration::from_secs(61);
        assert_eq!(window.admit(next_minute), Admitted::Log { skipped: 5 });
        assert_eq!(window.admit(next_minute), Admitted::Log { skipped: 0 });
    }
}
