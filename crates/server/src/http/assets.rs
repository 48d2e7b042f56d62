//! The built browser apps (`dist`) as a browser should get them: the `.br` or `.gz` copy the
//! build wrote next to each file when the browser accepts it (`Content-Encoding`, `Vary:
//! Accept-Encoding`), `Last-Modified` for revalidation, and a cache lifetime by name — Trunk's
//! hashed files (`app-<hex hash>.wasm`) never change, so they are kept a year; everything else
//! (the entry pages, `sw.js`, the icon) is revalidated on every use.

use std::path::{Path, PathBuf};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use super::AppState;
use crate::auth::Caller;
use hourbank_domain::Role;

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Whether a file name carries Trunk's content hash: `name-<hex digits>` before the extension
/// (`hourbank-web-1bdcb00b693d22b7_bg.wasm`, `main-1c890d453d3fd41e.css`). Trunk writes the
/// 64-bit hash without leading zeros, so one build in sixteen has 15 digits
/// (`simulate-a785e03a5ea1981_bg.wasm`): 12 to 16 count, shorter ones are ordinary words.
pub fn is_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(name, hash)| {
        !name.is_empty() && (12..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// The `Cache-Control` of a static file.
pub fn cache_control(path: &str) -> &'static str {
    if is_hashed(path) {
        IMMUTABLE
    } else {
        "no-cache"
    }
}

/// `dist` served with its precompressed copies. Pages (`/`, `/portal/…`) are all answered by
/// [`entry_page`], folders included, since which file answers may depend on the request.
pub fn serve_dir(state: &AppState) -> ServeDir<axum::routing::MethodRouter> {
    let fallback = axum::routing::get(entry_page).with_state(state.clone());
    ServeDir::new(state.dist())
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .fallback(fallback)
}

/// Adds the cache lifetime and `Vary` to every answer from `dist`.
pub async fn headers(request: Request, next: Next) -> Response {
    let control = cache_control(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(control));
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// Entries whose app routes paths below its own (`/portal/tasks/7`); the others are one page
/// each, at `/<entry>/`.
const ROUTED_ENTRIES: [&str; 1] = ["portal"];

/// Which entry page answers `path`: the calculator at `/`, an entry folder's page at `/<entry>/`
/// (and anywhere below it for [`ROUTED_ENTRIES`]); `None` for any other address.
pub fn entry_for(path: &str) -> Option<&str> {
    let path = path.trim_start_matches('/');
    if path.is_empty() || path == "index.html" {
        return Some("");
    }
    let (first, rest) = path.split_once('/').unwrap_or((path, ""));
    // Only a plain folder name may select an entry: never `..` or anything with a dot.
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    (rest.is_empty() || rest == "index.html" || ROUTED_ENTRIES.contains(&first)).then_some(first)
}

/// The answer to an address that is no page: 404 with a page that says so, in both languages,
/// and the way back.
const NOT_FOUND_PAGE: &str = "<!doctype html><html lang=\"ru\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Страница не найдена — hourbank</title>\
<style>body{font-family:system-ui,sans-serif;color:#1b1f24;margin:0}header{background:#1f4e79;color:#fff;\
padding:.75rem 1rem;font-weight:700}main{max-width:40rem;margin:0 auto;padding:1rem}a{color:#1f4e79}</style></head>\
<body><header>hourbank</header><main><h1>Страница не найдена</h1><p>По этому адресу ничего нет. \
<span lang=\"en\">Page not found.</span></p><ul><li><a href=\"/\">Калькулятор тарифа «Старт»</a></li>\
<li><a href=\"/portal/\">Портал клиента: войти</a></li></ul></main></body></html>";

fn not_found_page() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-cache")],
        NOT_FOUND_PAGE,
    )
        .into_response()
}

/// The HTML page for an address of the browser app. The app is several Trunk entry points, each
/// a folder of `dist` with its own `index.html` (`/portal/…` is `dist/portal/index.html`, `/` the
/// calculator's); separate entries keep each page's first load small. Any other address is 404.
async fn entry_page(State(state): State<AppState>, request: Request) -> Response {
    let path = request.uri().path().to_string();
    let Some(entry) = entry_for(&path) else {
        return not_found_page();
    };
    let page = page_for(&state, entry, super::caller::token_in(request.headers())).await;
    if !page.is_file() {
        return not_found_page();
    }
    // Answered as the page itself, whatever the route's path: compressed, with Last-Modified.
    let (mut parts, body) = request.into_parts();
    parts.uri = axum::http::Uri::from_static("/index.html");
    match ServeFile::new(&page).precompressed_br().precompressed_gzip().oneshot(Request::from_parts(parts, body)).await
    {
        Ok(response) => {
            let mut response = response.map(axum::body::Body::new);
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            if depends_on_session(entry) {
                // Which page it is depends on the session cookie: a browser signing in or out,
                // or another user signing in, must not be answered from (or 304 against) another.
                headers.append(header::VARY, HeaderValue::from_static("cookie"));
            }
            response
        }
        Err(never) => match never {},
    }
}

/// The portal's page with the sign-in form as its static frame (`./dev` builds it): what a browser
/// without a session gets, so that its first paint is the form the app then shows in place.
pub const SIGN_IN_PAGE: &str = "sign-in.html";

/// The portal's page for staff (`./dev` builds it with the `staff` feature): clients never
/// download the staff's pages.
pub const STAFF_PAGE: &str = "staff/index.html";

/// Whether the entry's page depends on the session: the portal's has a sign-in version and a
/// staff version.
fn depends_on_session(entry: &str) -> bool {
    entry == "portal"
}

/// The file that answers for `entry` a request with this session `token`. The portal's depends on
/// the session: the sign-in page for a browser that sent no session cookie, the staff build's
/// page for a live session of staff, else (and whenever the build made no such page) its
/// `index.html`, the client build.
async fn page_for(state: &AppState, entry: &str, token: Option<String>) -> PathBuf {
    let folder = state.dist().join(entry);
    let index = folder.join("index.html");
    if !depends_on_session(entry) {
        return index;
    }
    let (sign_in, staff) = (folder.join(SIGN_IN_PAGE), folder.join(STAFF_PAGE));
    match token {
        None if sign_in.is_file() => sign_in,
        Some(token) if staff.is_file() => match Caller::resolve(state.db(), state.session_idle(), &token, None).await {
            Ok(Some((caller, _))) if caller.role != Role::Client => staff,
            _ => index,
        },
        _ => index,
    }
}

/// Removes precompressed copies older than their file (left by a build that did not write
/// them, e.g. a plain `trunk build`): served, they would be an old page for a new one.
pub fn remove_stale_copies(dist: &Path) -> usize {
    let mut removed = 0;
    for path in files_in(dist) {
        let Some(original) = path.extension().filter(|e| *e == "br" || *e == "gz").map(|_| path.with_extension(""))
        else {
            continue;
        };
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        // Some tools keep a file's time to the second only: a copy is stale when older by more.
        let stale = match (modified(&original), modified(&path)) {
            (Some(source), Some(copy)) => copy + std::time::Duration::from_secs(2) < source,
            (None, _) => true,
            _ => false,
        };
        if stale && std::fs::remove_file(&path).is_ok() {
            tracing::warn!(file = %path.display(), "removed a precompressed copy older than its file");
            removed += 1;
        }
    }
    removed
}

/// Every file under `dist`, in its subfolders too.
pub fn files_in(dist: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![dist.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_apps_addresses_are_pages() {
        assert_eq!(entry_for("/"), Some(""));
        assert_eq!(entry_for("/index.html"), Some(""));
        assert_eq!(entry_for("/compare/"), Some("compare"));
        assert_eq!(entry_for("/compare"), Some("compare"));
        assert_eq!(entry_for("/portal/tasks/7"), Some("portal"));
        assert_eq!(entry_for("/compare/nothing"), None);
        assert_eq!(entry_for("/no-such-page"), Some("no-such-page"), "a folder name: 404 unless dist has it");
        assert_eq!(entry_for("/a.b/"), None);
        assert_eq!(entry_for("/../etc/passwd"), None);
        assert_eq!(entry_for("/compare//"), None);
    }

    #[test]
    fn hashed_names_are_told_from_plain_ones() {
        for hashed in [
            "/hourbank-web-1bdcb00b693d22b7_bg.wasm",
            "/portal/hourbank-portal-0123456789abcdef.js",
            "/main-1c890d453d3fd41e.css",
            // A hash with a leading zero, as Trunk writes it.
            "/simulate/simulate-a785e03a5ea1981_bg.wasm",
        ] {
            assert!(is_hashed(hashed), "{hashed}");
            assert_eq!(cache_control(hashed), IMMUTABLE);
        }
        for plain in [
            "/",
            "/index.html",
            "/portal/sw.js",
            "/favicon.svg",
            "/portal/tasks/12",
            "/-1c890d453d3fd41e.css",
            "/main-1c890d453d3fd41g.css",
            "/main-1c890d453d3fd41e0.css",
            "/main-cafe.css",
        ] {
            assert!(!is_hashed(plain), "{plain}");
            assert_eq!(cache_control(plain), "no-cache");
        }
    }

    #[test]
    fn stale_copies_are_removed_and_fresh_ones_kept() {
        let dist = tempfile::tempdir().unwrap();
        let page = dist.path().join("index.html");
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        let write = |name: &str, text: &str, at: Option<std::time::SystemTime>| {
            let path = dist.path().join(name);
            std::fs::write(&path, text).unwrap();
            if let Some(at) = at {
                std::fs::File::options().write(true).open(&path).unwrap().set_modified(at).unwrap();
            }
        };
        write("index.html.br", "old", Some(old));
        write("gone.js.gz", "orphan", None);
        write("index.html", "new page", None);
        // Written with the page but stamped to the second only: not stale.
        let second = std::time::UNIX_EPOCH
            + std::time::Duration::from_secs(
                std::fs::metadata(&page)
                    .unwrap()
                    .modified()
                    .unwrap()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_secs(),
            );
        write("index.html.gz", "fresh", Some(second));
        assert_eq!(remove_stale_copies(dist.path()), 2);
        assert!(!dist.path().join("index.html.br").exists() && !dist.path().join("gone.js.gz").exists());
        assert!(dist.path().join("index.html.gz").exists());
    }
}
