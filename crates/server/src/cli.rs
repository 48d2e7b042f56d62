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
    /// Read a scenario as JSON (FILE, or standard input) and print its statement as JSON.
    ///
    /// Bad input exits with status 2 and one line on standard error naming the field.
    Simulate {
        /// Scenario file; standard input when absent or `-`.
        file: Option<PathBuf>,
    },
}

#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "HOURBANK_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Folder of the built SPA (Trunk's `dist`).
    #[arg(long, env = "HOURBANK_DIST", default_value = "dist")]
    pub dist: PathBuf,
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
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
}

fn serve(args: ServeArgs) -> ExitCode {
    init_tracing();
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let result = runtime.block_on(async {
        let db = crate::Db::connect(&args.database.url).await.map_err(std::io::Error::other)?;
        let listener = tokio::net::TcpListener::bind(args.listen).await?;
        let address = listener.local_addr()?;
        tracing::info!(%address, "hourbank is serving");
        println!("hourbank: http://{address}/");
        crate::serve(listener, crate::AppState::new(args.dist, db)).await
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
    let written = serde_json::to_writer_pretty(&mut out, &statement)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out));
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("output: {e}");
            ExitCode::FAILURE
        }
    }
}
