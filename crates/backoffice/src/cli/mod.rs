//! The administrator CLI: each command is one or two requests to the HTTP API through
//! [`backoffice::client::ApiClient`], never the database. Output is a table (or
//! `key: value` lines) for people, or the API's JSON with `--json`. A refusal prints
//! its message, field and rule on standard error and exits with 1; a usage error exits
//! with 2 (clap); an unreachable service or a missing sign-in exits with 3.

/// `println!` that never panics: a closed pipe (`backoffice numbers list | head`) ends
/// the output quietly.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

pub mod args;
mod commands;
mod session;
mod table;

use std::process::ExitCode;

use backoffice::client::{ApiClient, ClientError};
use serde_json::Value;

use args::Cli;

/// How a command failed.
#[derive(Debug)]
pub enum Failure {
    Api(ClientError),
    Local(anyhow::Error),
}

impl From<ClientError> for Failure {
    fn from(e: ClientError) -> Self {
        Self::Api(e)
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Self::Local(e)
    }
}

/// Runs one remote command and reports how it went.
pub async fn run(cli: Cli) -> ExitCode {
    match commands::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Api(ClientError::Refused(r))) => {
            eprintln!("error: {r}");
            ExitCode::from(1)
        }
        Err(Failure::Api(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(3)
        }
        Err(Failure::Local(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(3)
        }
    }
}

/// The client for this invocation: `--url`/`BACKOFFICE_URL`, else the saved URL; the
/// token from `BACKOFFICE_TOKEN`, else the saved one.
fn client(cli: &Cli, need_token: bool) -> Result<ApiClient, Failure> {
    let saved = session::load()?;
    let url = cli
        .url
        .clone()
        .or(saved.url)
        .unwrap_or_else(|| session::DEFAULT_URL.to_owned());
    let token = std::env::var("BACKOFFICE_TOKEN")
        .ok()
        .filter(|t| !t.is_empty())
        .or(saved.token);
    if need_token && token.is_none() {
        return Err(anyhow::anyhow!(
            "not signed in: run `backoffice login --username <name>` or set BACKOFFICE_TOKEN"
        )
        .into());
    }
    Ok(ApiClient::new(&url, token))
}

/// Prints `v` as JSON, or as `human` renders it.
fn show(json: bool, v: &Value, human: impl FnOnce(&Value) -> String) {
    if json {
        out!(
            "{}",
            serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
        );
    } else {
        out!("{}", human(&humanize(v)));
    }
}

/// Times (`*_ms`) as UTC dates, for people.
fn humanize(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| match (k.strip_suffix("_ms"), v.as_i64()) {
                    (Some(_), Some(ms)) => (k.clone(), Value::String(table::utc(ms))),
                    _ => (k.clone(), humanize(v)),
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(humanize).collect()),
        other => other.clone(),
    }
}
