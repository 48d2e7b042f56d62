//! Who is calling, and what they may see: passwords (argon2), sessions (random tokens stored only
//! as SHA-256), the caller of a request, and the one place that scopes data by organisation.
//! Reading them from a request is `http::caller`'s.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use hourbank_domain::workflow::Role;
use sha2::{Digest, Sha256};

use crate::db::{instant, Arg, DbRow};
use crate::Error;

/// How long a failed sign-in counts against further tries (the sliding window of `http::session`).
pub const FAILURE_WINDOW_SECONDS: i64 = 15 * 60;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "hb_session";

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 hashes any password").to_string()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A fresh session token (256 random bits, hex) and the hash that is stored.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the OS gives random bytes");
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: i64,
    pub role: Role,
    /// The caller's organisation (clients only).
    pub org_id: Option<i64>,
    /// That organisation's data version, read with the session (see `OrgRecord::data_version`):
    /// lets a client's repeated reads be answered from caches without another query. None for
    /// staff, and for a keyed write, which does not read it.
    pub org_version: Option<i64>,
    pub name: String,
    pub email: String,
}

/// Which organisations' data a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgScope {
    /// A client: its own organisation only.
    One(i64),
    /// Staff (analyst, specialist, admin): every organisation.
    All,
}

impl OrgScope {
    /// The one place a caller's role becomes a data scope. Sales see tariffs and demo
    /// scenarios, never client data.
    pub fn of(caller: &Caller) -> Result<OrgScope, Error> {
        match caller.role {
            Role::Client => Ok(OrgScope::One(caller.org_id.expect("a client has an organisation"))),
            Role::Analyst | Role::Specialist | Role::Admin => Ok(OrgScope::All),
            Role::Sales => Err(Error::Forbidden("sales see tariffs and demo data, not client data".into())),
        }
    }

    /// Whether this scope covers `org_id`.
    pub fn covers(self, org_id: i64) -> bool {
        match self {
            OrgScope::One(own) => own == org_id,
            OrgScope::All => true,
        }
    }

    /// An SQL condition on `column` and the value to bind for it, if any; `param` is the
    /// placeholder number to use. Queries append it so no handler filters by hand.
    pub fn condition(self, column: &str, param: usize) -> (String, Option<i64>) {
        match self {
            OrgScope::One(org) => (format!("{column} = ${param}"), Some(org)),
            OrgScope::All => ("1 = 1".to_string(), None),
        }
    }
}

impl Caller {
    pub fn scope(&self) -> Result<OrgScope, Error> {
        OrgScope::of(self)
    }

    pub fn require(&self, roles: &[Role]) -> Result<(), Error> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(Error::Forbidden(format!("not allowed for role {}", self.role.as_str())))
        }
    }
}

/// The session cookie's name: `__Host-` prefixed behind HTTPS (the browser then holds it to this
/// host, path `/`, Secure), plain on a loopback address without TLS.
pub fn session_cookie_name(behind_https: bool) -> &'static str {
    if behind_https {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

pub const SECURE_SESSION_COOKIE: &str = "__Host-hb_session";

impl Caller {
    /// The caller whose session `token` is, if it is live; with `key`, also the row of that
    /// `Idempotency-Key` of the caller's (its columns `status`, `body`, `request_hash` and
    /// `created_at`, null when the key is not stored), read in the same query. A session unused
    /// for `idle` has ended.
    pub async fn resolve(
        db: &crate::db::Db,
        idle: chrono::Duration,
        token: &str,
        key: Option<&str>,
    ) -> Result<Option<(Caller, DbRow)>, Error> {
        let hash = token_hash(token);
        let now_at = chrono::Utc::now();
        let idle_since = instant(now_at - idle);
        // A session ends at its absolute expiry, after its idle lifetime, or with its user disabled.
        // A keyed request is a write: it reads the key instead of the organisation's data version,
        // which only reports read (and which costs a scan of the log's newest entries, those that
        // concurrent writes are adding).
        let (org_version, key_columns, key_join) = match key {
            Some(_) => (
                "CAST(NULL AS BIGINT)",
                ", k.status, k.body, k.request_hash, k.created_at",
                " LEFT JOIN idempotency_keys k ON k.user_id = u.id AND k.key = $4",
            ),
            None => (ORG_VERSION, "", ""),
        };
        let sql = format!(
            "SELECT u.id, u.role, u.org_id, u.name, u.email, s.last_seen, \
                    {org_version} AS org_version{key_columns} \
             FROM sessions s JOIN users u ON u.id = s.user_id{key_join} \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen > $3 AND u.disabled = 0"
        );
        let now_text = instant(now_at);
        let mut args = vec![Arg::Text(&hash), Arg::Text(&now_text), Arg::Text(&idle_since)];
        args.extend(key.map(Arg::Text));
        let Some(row) = db.lookup(&sql, &args).await?.into_iter().next() else { return Ok(None) };
        // Marked as used at most once a minute: a write per request would cost every read.
        let last_seen = row.text("last_seen")?;
        let touch_before = instant(now_at - chrono::Duration::seconds(60));
        if last_seen < touch_before {
            let touch = "UPDATE sessions SET last_seen = $1 WHERE token_hash = $2";
            db.write_once(touch, touch, &[Arg::Text(&instant(now_at)), Arg::Text(&hash)]).await?;
        }
        let role = row.text("role")?;
        let caller = Caller {
            user_id: row.int("id")?,
            role: Role::parse("role", &role).map_err(|e| Error::Internal(e.to_string()))?,
            org_id: row.opt_int("org_id")?,
            org_version: row.opt_int("org_version")?,
            name: row.text("name")?,
            email: row.text("email")?,
        };
        Ok(Some((caller, row)))
    }
}

/// The signed-in user's organisation's data version (its newest audit entry), a column of the
/// session's query over `users u`; none for staff, who have no organisation. Without that guard,
/// `MAX(a.id) … WHERE a.org_id = u.org_id` let PostgreSQL walk the whole log backwards by id for
/// staff, filtering every row, every request: 2.8 ms at 13 000 entries, growing with the log (the
/// work-log anomaly of issue #10). Ordered as the `(org_id, id)` index is, which PostgreSQL then
/// tends to read from its end.
pub const ORG_VERSION: &str = "CASE WHEN u.org_id IS NOT NULL THEN \
     (SELECT a.id FROM audit_log a WHERE a.org_id = u.org_id ORDER BY a.org_id DESC, a.id DESC LIMIT 1) END";
