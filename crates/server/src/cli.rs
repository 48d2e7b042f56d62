//! The `hourbank` command.

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hourbank_domain::parse_scenario;

#[derive(Parser, Debug)]
#[command(name = "hourbank", version, about = "hourbank: tariff calculator and client portal for 1C support")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the API and the built SPA.
    Serve(ServeArgs),
    /// Apply the embedded database migrations and exit.
    Migrate(DatabaseArgs),
    /// Operator commands: organisations and users.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Load the demo dataset (organisations on «Старт», a year of tasks) and print the logins.
    Demo(DatabaseArgs),
    /// Read a scenario as JSON (FILE, or standard input) and print its statement as JSON.
    ///
    /// Bad input exits with status 2 and one line on standard error naming the field.
    Simulate {
        /// Scenario file; standard input when absent or `-`.
        file: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Create a client organisation on «Старт» (or on the terms given as JSON).
    CreateOrg {
        #[arg(long)]
        name: String,
        /// ИНН: 10 digits for a company, 12 for a sole trader.
        #[arg(long)]
        inn: String,
        /// Contract start, YYYY-MM-DD.
        #[arg(long)]
        contract_start: String,
        /// Contract end, YYYY-MM-DD.
        #[arg(long)]
        contract_end: Option<String>,
        /// Tariff terms as JSON, e.g. '{"monthly_fee": "45000"}'; omitted fields take «Старт»'s.
        #[arg(long)]
        tariff: Option<String>,
        /// VAT as JSON, e.g. '{"mode": "on_top", "rate": "22"}'.
        #[arg(long)]
        vat: Option<String>,
        /// The dedicated analyst's user id.
        #[arg(long)]
        analyst_id: Option<i64>,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Create a user; the password is read from standard input (one line).
    CreateUser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// client, analyst, specialist, admin or sales.
        #[arg(long)]
        role: String,
        /// The organisation of a client.
        #[arg(long)]
        org_id: Option<i64>,
        #[arg(long)]
        phone: Option<String>,
        /// Read the password from standard input (required: never on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Set a user's password (read from standard input); their sessions end.
    SetPassword {
        #[arg(long)]
        email: String,
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Disable a user: every session ends at once and sign-in is refused.
    DisableUser {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Enable a disabled user again.
    EnableUser {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

async fn set_user_disabled(email: &str, database: &DatabaseArgs, disabled: bool) -> Result<(), String> {
    let state = state_for(database).await?;
    let id = user_id_by_email(&state, email).await?;
    crate::services::accounts::set_disabled(&state, id, disabled, None).await.map_err(describe)?;
    println!("user {id} {}", if disabled { "disabled; their sessions ended" } else { "enabled" });
    Ok(())
}

/// A user's id by e-mail, for the account commands.
async fn user_id_by_email(state: &crate::App, email: &str) -> Result<i64, String> {
    let row = sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(email.trim().to_lowercase())
        .fetch_optional(state.db().pool())
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("email: no user {email}"))?;
    crate::db::col(&row, "id").map_err(|e| e.to_string())
}

#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "HOURBANK_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Folder of the built SPA (Trunk's `dist`).
    #[arg(long, env = "HOURBANK_DIST", default_value = "dist")]
    pub dist: PathBuf,
    /// Load the demo dataset when the database has no users yet.
    #[arg(long, env = "HOURBANK_DEMO")]
    pub demo: bool,
    /// Allow `--demo` on an address other than loopback (its accounts share one known password).
    #[arg(long, env = "HOURBANK_DEMO_PUBLIC")]
    pub demo_public: bool,
    /// Browsers reach the server over HTTPS through a proxy: send HSTS.
    #[arg(long, env = "HOURBANK_BEHIND_HTTPS")]
    pub behind_https: bool,
    /// How long a session lives at most after sign-in, in hours.
    #[arg(long, env = "HOURBANK_SESSION_HOURS", default_value_t = 12)]
    pub session_hours: u32,
    /// How long a session lives unused, in minutes.
    #[arg(long, env = "HOURBANK_SESSION_IDLE_MINUTES", default_value_t = 120)]
    pub session_idle_minutes: u32,
    /// Addresses of proxies whose `X-Forwarded-For` names the client (comma-separated); from
    /// anyone else the header is ignored.
    #[arg(long = "trusted-proxy", env = "HOURBANK_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The site's address as browsers reach it (`https://hourbank.example`): the links the server
    /// writes (the contact page's calculation) use it instead of the request's `Host`, which a
    /// client or a careless proxy can set to anything.
    #[arg(long, env = "HOURBANK_PUBLIC_URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(clap::Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// `sqlite://PATH` (created when missing) or `postgres://…`.
    #[arg(long = "database-url", env = "HOURBANK_DATABASE_URL", default_value = crate::db::DEFAULT_URL)]
    pub url: String,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => serve(args),
        Command::Simulate { file } => simulate(file),
        Command::Migrate(db) => run_async(async move {
            crate::Db::connect(&db.url).await.map_err(|e| e.to_string())?;
            println!("migrations applied");
            Ok(())
        }),
        Command::Demo(db) => run_async(async move {
            let state = state_for(&db).await?;
            load_demo(&state).await
        }),
        Command::Admin(command) => run_async(admin(command)),
    }
}

/// Runs an operator command; errors print one line and exit 1 (2 for bad input).
fn run_async(task: impl std::future::Future<Output = Result<(), String>>) -> ExitCode {
    init_tracing();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    match runtime.block_on(task) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(if e.starts_with("invalid input") { BAD_INPUT } else { 1 })
        }
    }
}

async fn state_for(db: &DatabaseArgs) -> Result<crate::App, String> {
    let db = crate::Db::connect(&db.url).await.map_err(|e| format!("database: {e}"))?;
    Ok(crate::App::new(db))
}

/// One line for the terminal: every bad field named, or what went wrong.
fn describe(e: crate::Error) -> String {
    e.to_string()
}

async fn load_demo(state: &crate::App) -> Result<(), String> {
    if !crate::demo::is_empty(state).await.map_err(describe)? {
        return Err("the database already has users or organisations; the demo loads only into an empty one".into());
    }
    let logins = crate::demo::load(state).await.map_err(describe)?;
    println!("demo data loaded; every demo account's password is {:?}:", crate::demo::DEMO_PASSWORD);
    for (email, role) in logins {
        println!("  {email:<28} {role}");
    }
    Ok(())
}

async fn admin(command: AdminCommand) -> Result<(), String> {
    match command {
        AdminCommand::CreateOrg { name, inn, contract_start, contract_end, tariff, vat, analyst_id, database } => {
            let parse = |field: &str, text: Option<String>| -> Result<serde_json::Value, String> {
                text.map(|t| serde_json::from_str(&t).map_err(|e| format!("invalid input: {field}: {e}")))
                    .transpose()
                    .map(|v| v.unwrap_or(serde_json::Value::Null))
            };
            let body = serde_json::json!({
                "name": name, "inn": inn, "contract_start": contract_start, "contract_end": contract_end,
                "tariff": parse("tariff", tariff)?, "vat": parse("vat", vat)?, "analyst_id": analyst_id,
            });
            let org = crate::services::orgs::read_new_org(&body).map_err(describe)?;
            let state = state_for(&database).await?;
            let id = crate::services::orgs::insert_new_org(&state, &org, None).await.map_err(describe)?;
            println!("organisation {id} created");
            Ok(())
        }
        AdminCommand::CreateUser { email, name, role, org_id, phone, password_stdin: _, database } => {
            let mut password = String::new();
            std::io::stdin().read_line(&mut password).map_err(|e| format!("password: {e}"))?;
            let password = password.trim_end_matches(['\n', '\r']);
            let user = crate::services::users::check_new_user(&email, &name, &role, org_id, phone).map_err(describe)?;
            let state = state_for(&database).await?;
            let id = crate::services::users::insert_user(&state, &user, password, None).await.map_err(describe)?;
            println!("user {id} created");
            Ok(())
        }
        AdminCommand::SetPassword { email, password_stdin: _, database } => {
            let mut password = String::new();
            std::io::stdin().read_line(&mut password).map_err(|e| format!("password: {e}"))?;
            let state = state_for(&database).await?;
            let id = user_id_by_email(&state, &email).await?;
            crate::services::accounts::set_password(&state, id, password.trim_end_matches(['\n', '\r']), None, None)
                .await
                .map_err(describe)?;
            println!("password of user {id} set; their sessions ended");
            Ok(())
        }
        AdminCommand::DisableUser { email, database } => set_user_disabled(&email, &database, true).await,
        AdminCommand::EnableUser { email, database } => set_user_disabled(&email, &database, false).await,
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

/// Why `serve` refuses its arguments: the demo's accounts share one published password, so they
/// are for a machine's own loopback unless the operator says otherwise.
pub fn serve_refusal(args: &ServeArgs) -> Option<String> {
    (args.demo && !args.demo_public && !args.listen.ip().is_loopback()).then(|| {
        format!(
            "--demo on {} would publish accounts whose password is known: listen on 127.0.0.1, or add --demo-public",
            args.listen
        )
    })
}

fn serve(args: ServeArgs) -> ExitCode {
    init_tracing();
    if let Some(refusal) = serve_refusal(&args) {
        eprintln!("hourbank serve: {refusal}");
        return ExitCode::from(BAD_INPUT);
    }
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let result = runtime.block_on(async {
        let db = crate::Db::connect(&args.database.url).await.map_err(std::io::Error::other)?;
        let state = crate::AppState::new(args.dist, db);
        state.set_behind_https(args.behind_https);
        state.set_trusted_proxies(args.trusted_proxies.clone());
        state.set_public_url(args.public_url.clone());
        state.set_session_lifetimes(
            chrono::Duration::hours(i64::from(args.session_hours.max(1))),
            chrono::Duration::minutes(i64::from(args.session_idle_minutes.max(1))),
        );
        if args.demo && crate::demo::is_empty(&state).await.map_err(|e| std::io::Error::other(describe(e)))? {
            load_demo(&state).await.map_err(std::io::Error::other)?;
        }
        let listener = tokio::net::TcpListener::bind(args.listen).await?;
        let address = listener.local_addr()?;
        tracing::info!(%address, "hourbank is serving");
        println!("hourbank: http://{address}/");
        crate::serve(listener, state).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hourbank serve: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Exit status for bad input, distinct from 1 (a failure of the program itself).
const BAD_INPUT: u8 = 2;

fn simulate(file: Option<PathBuf>) -> ExitCode {
    let mut input = String::new();
    let read = match &file {
        Some(path) if path.as_os_str() != "-" => {
            std::fs::read_to_string(path).map(|s| input = s).map_err(|e| format!("file: {}: {e}", path.display()))
        }
        _ => std::io::stdin().read_to_string(&mut input).map(drop).map_err(|e| format!("input: {e}")),
    };
    if let Err(message) = read {
        eprintln!("{message}");
        return ExitCode::from(BAD_INPUT);
    }
    let statement = match parse_scenario(&input).and_then(|s| s.simulate()) {
        Ok(statement) => statement,
        Err(e) => {
            // One line, naming the field; nothing on standard output.
            eprintln!("{}", e.to_string().replace('\n', " "));
            return ExitCode::from(BAD_INPUT);
        }
    };
    let mut out = std::io::stdout().lock();
    let written =
        serde_json::to_writer_pretty(&mut out, &statement).map_err(std::io::Error::from).and_then(|()| writeln!(out));
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("output: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `--public-url`: `http://` or `https://`, a host, nothing after it but an optional `/`.
fn parse_public_url(text: &str) -> Result<String, String> {
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"));
    let host = rest.map(|r| r.trim_end_matches('/')).unwrap_or_default();
    let plausible = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
    if plausible {
        Ok(text.trim_end_matches('/').to_string())
    } else {
        Err(format!("{text:?} is not a site address such as https://hourbank.example"))
    }
}

#[cfg(test)]
mod public_url_tests {
    use super::parse_public_url;

    #[test]
    fn a_public_url_is_a_scheme_and_a_host() {
        assert_eq!(parse_public_url("https://hourbank.example/").as_deref(), Ok("https://hourbank.example"));
        assert_eq!(parse_public_url("http://127.0.0.1:8080").as_deref(), Ok("http://127.0.0.1:8080"));
        for bad in ["hourbank.example", "https://", "https://a.example/path", "ftp://a.example", "https://a b"] {
            assert!(parse_public_url(bad).is_err(), "{bad}");
        }
    }
}
