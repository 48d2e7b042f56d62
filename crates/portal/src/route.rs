//! The portal's addresses. Every page has its own URL under `/portal/`, so a link can be shared,
//! the Back button works and a reload lands on the same page.

use hourbank_domain::Period;

/// Where the portal lives on the server.
pub const BASE: &str = "/portal";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `/portal/` — the client's month at a glance; staff start at their queue.
    Overview,
    /// `/portal/login?next=…`
    Login {
        next: Option<String>,
    },
    /// `/portal/tasks?state=…&month=…&q=…`
    Tasks {
        filter: TaskFilter,
    },
    /// `/portal/tasks/new`
    NewTask,
    /// `/portal/tasks/{id}`
    Task {
        id: i64,
    },
    /// `/portal/reports`
    Reports,
    /// `/portal/reports/{YYYY-MM}`, with `?org=` for staff.
    Report {
        period: Period,
        org: Option<i64>,
    },
    /// `/portal/reports/{YYYY-MM}/act` — the act of completed work, laid out for print.
    Act {
        period: Period,
        org: Option<i64>,
    },
    /// `/portal/reports/{YYYY-MM}/invoice` — the invoice (счёт на оплату), laid out for print.
    Invoice {
        period: Period,
        org: Option<i64>,
    },
    /// `/portal/consultations`
    Consultations,
    /// `/portal/instructions?q=…`
    Instructions {
        q: String,
    },
    /// `/portal/outbox` — writes made offline, waiting or refused.
    Outbox,
    /// `/portal/account` — one's own password and sessions.
    Account,
    /// `/portal/admin/orgs`, `/users`, `/tariffs`, `/audit`
    Admin(AdminPage),
    NotFound,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminPage {
    Orgs,
    Users,
    Tariffs,
    Audit,
    /// The seller's requisites on the act and the invoice.
    Seller,
}

impl AdminPage {
    pub const ALL: [AdminPage; 5] =
        [AdminPage::Orgs, AdminPage::Users, AdminPage::Tariffs, AdminPage::Audit, AdminPage::Seller];

    pub fn slug(self) -> &'static str {
        match self {
            AdminPage::Orgs => "orgs",
            AdminPage::Users => "users",
            AdminPage::Tariffs => "tariffs",
            AdminPage::Audit => "audit",
            AdminPage::Seller => "seller",
        }
    }
}

/// The task list's filters, as the API takes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskFilter {
    pub state: String,
    pub month: String,
    pub q: String,
    pub org: String,
    /// The page after this task (the API's `next_before`); empty: the first page.
    pub before: String,
}

impl TaskFilter {
    /// The query string (`state=new&q=…`), empty values left out; used for the page and the API.
    pub fn query(&self) -> String {
        let pairs = [
            ("state", &self.state),
            ("month", &self.month),
            ("q", &self.q),
            ("org", &self.org),
            ("before", &self.before),
        ];
        pairs
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", encode_component(v.trim())))
            .collect::<Vec<_>>()
            .join("&")
    }
}

impl Route {
    /// Parses a path and query (`/portal/tasks/12`, `state=new`) as the browser has them.
    pub fn parse(path: &str, query: &str) -> Route {
        let Some(rest) = path.strip_prefix(BASE) else { return Route::NotFound };
        if !(rest.is_empty() || rest.starts_with('/')) {
            return Route::NotFound;
        }
        let params = parse_query(query);
        let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let org = param("org").and_then(|o| o.parse::<i64>().ok()).filter(|id| *id > 0);
        let parts: Vec<&str> = rest.split('/').filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            [] => Route::Overview,
            ["login"] => Route::Login { next: param("next").filter(|n| is_portal_path(n)) },
            ["tasks"] => Route::Tasks {
                filter: TaskFilter {
                    state: param("state").unwrap_or_default(),
                    month: param("month").unwrap_or_default(),
                    q: param("q").unwrap_or_default(),
                    org: param("org").unwrap_or_default(),
                    before: param("before").unwrap_or_default(),
                },
            },
            ["tasks", "new"] => Route::NewTask,
            ["tasks", id] => match id.parse::<i64>() {
                Ok(id) if id > 0 => Route::Task { id },
                _ => Route::NotFound,
            },
            ["reports"] => Route::Reports,
            ["reports", period] => match Period::parse("period", period) {
                Ok(period) => Route::Report { period, org },
                Err(_) => Route::NotFound,
            },
            ["reports", period, "act"] => match Period::parse("period", period) {
                Ok(period) => Route::Act { period, org },
                Err(_) => Route::NotFound,
            },
            ["reports", period, "invoice"] => match Period::parse("period", period) {
                Ok(period) => Route::Invoice { period, org },
                Err(_) => Route::NotFound,
            },
            ["consultations"] => Route::Consultations,
            ["instructions"] => Route::Instructions { q: param("q").unwrap_or_default() },
            ["outbox"] => Route::Outbox,
            ["account"] => Route::Account,
            ["admin", page] => {
                AdminPage::ALL.into_iter().find(|p| p.slug() == *page).map(Route::Admin).unwrap_or(Route::NotFound)
            }
            _ => Route::NotFound,
        }
    }

    /// The address of this page; `Route::parse(href)` gives the route back.
    pub fn href(&self) -> String {
        let with_org = |path: String, org: &Option<i64>| match org {
            Some(org) => format!("{path}?org={org}"),
            None => path,
        };
        match self {
            Route::Overview => format!("{BASE}/"),
            Route::Login { next: None } => format!("{BASE}/login"),
            Route::Login { next: Some(next) } => format!("{BASE}/login?next={}", encode_component(next)),
            Route::Tasks { filter } => match filter.query() {
                q if q.is_empty() => format!("{BASE}/tasks"),
                q => format!("{BASE}/tasks?{q}"),
            },
            Route::NewTask => format!("{BASE}/tasks/new"),
            Route::Task { id } => format!("{BASE}/tasks/{id}"),
            Route::Reports => format!("{BASE}/reports"),
            Route::Report { period, org } => with_org(format!("{BASE}/reports/{period}"), org),
            Route::Act { period, org } => with_org(format!("{BASE}/reports/{period}/act"), org),
            Route::Invoice { period, org } => with_org(format!("{BASE}/reports/{period}/invoice"), org),
            Route::Consultations => format!("{BASE}/consultations"),
            Route::Instructions { q } if q.is_empty() => format!("{BASE}/instructions"),
            Route::Instructions { q } => format!("{BASE}/instructions?q={}", encode_component(q)),
            Route::Outbox => format!("{BASE}/outbox"),
            Route::Account => format!("{BASE}/account"),
            Route::Admin(page) => format!("{BASE}/admin/{}", page.slug()),
            Route::NotFound => format!("{BASE}/"),
        }
    }
}

/// Only our own pages may be a place to return to after signing in (no open redirect).
pub fn is_portal_path(path: &str) -> bool {
    (path == BASE || path.starts_with("/portal/")) && !path.starts_with("//") && !path.contains("/login")
}

/// `a=1&b=x%20y` → pairs, percent- and plus-decoded; broken escapes are kept as typed.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode_component(k), decode_component(v))
        })
        .collect()
}

pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub fn decode_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi * 16 + lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_page_has_an_address_that_reads_back() {
        let period = Period::new(2026, 11).unwrap();
        let routes = [
            Route::Overview,
            Route::Login { next: None },
            Route::Login { next: Some("/portal/tasks/5".into()) },
            Route::Tasks { filter: TaskFilter::default() },
            Route::Tasks {
                filter: TaskFilter {
                    state: "testing".into(),
                    month: "2026-11".into(),
                    q: "отчёт".into(),
                    org: "".into(),
                    before: "120".into(),
                },
            },
            Route::NewTask,
            Route::Task { id: 37 },
            Route::Reports,
            Route::Report { period, org: None },
            Route::Report { period, org: Some(2) },
            Route::Act { period, org: Some(2) },
            Route::Invoice { period, org: None },
            Route::Admin(AdminPage::Seller),
            Route::Consultations,
            Route::Instructions { q: "".into() },
            Route::Instructions { q: "печать & склад".into() },
            Route::Outbox,
            Route::Account,
            Route::Admin(AdminPage::Audit),
        ];
        for route in routes {
            let href = route.href();
            let (path, query) = href.split_once('?').unwrap_or((&href, ""));
            assert_eq!(Route::parse(path, query), route, "{href}");
        }
    }

    #[test]
    fn nonsense_is_not_found_and_login_never_leads_away() {
        for path in
            ["/portal/tasks/abc", "/portal/tasks/-1", "/portal/reports/2026-13", "/portalx", "/", "/portal/admin/x"]
        {
            assert_eq!(Route::parse(path, ""), Route::NotFound, "{path}");
        }
        assert_eq!(Route::parse("/portal", ""), Route::Overview);
        for next in ["https://evil.example/", "//evil.example/portal/", "/other", "/portal/login"] {
            let query = format!("next={}", encode_component(next));
            assert_eq!(Route::parse("/portal/login", &query), Route::Login { next: None }, "{next}");
        }
    }

    proptest! {
        #[test]
        fn components_round_trip(text in "\\PC{0,40}") {
            prop_assert_eq!(decode_component(&encode_component(&text)), text);
        }

        #[test]
        fn any_query_parses_without_panicking(query in "\\PC{0,60}") {
            let _ = parse_query(&query);
            let _ = Route::parse("/portal/tasks", &query);
        }
    }
}
