//! The back-office binary. `backoffice serve` runs the API and the periodic workers;
//! `backoffice init` creates an account and its first administrator; every other
//! command is the administrator CLI, which talks to a running service over its HTTP API
//! (see `src/cli`; `backoffice --help` lists the commands).
//!
//! The service's configuration comes from the environment, so the same binary runs
//! embedded (SQLite file) and as several instances sharing PostgreSQL:
//!
//! * `BACKOFFICE_DATABASE_URL`: `postgres://...` or `sqlite://<path>?mode=rwc`
//!   (default `sqlite://backoffice.db?mode=rwc` in the working directory);
//! * `BACKOFFICE_LISTEN`: address for the API (default `127.0.0.1:8080`);
//! * `BACKOFFICE_ADMIN_PASSWORD`: the first administrator's password, for `init`.
//!
//! The CLI's: `--url` or `BACKOFFICE_URL`, `BACKOFFICE_TOKEN` or the session file that
//! `backoffice login` writes (`BACKOFFICE_SESSION`, default
//! `~/.config/backoffice/session.json`).
//!
//! `serve --console-dir <folder>` serves the web console from that folder (default: the
//! repository's `ui/dist`) under `/console/`.

mod cli;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use backoffice::auth::Role;
use backoffice::{Backoffice, BuiltinSupplier, Store, SystemClock};
use clap::Parser;
use cli::args::{Cli, Command};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let local = match &cli.command {
        Command::Serve { console_dir } => Some(
            serve(
                console_dir
                    .clone()
                    .unwrap_or_else(backoffice::api::console::default_console_dir),
            )
            .await,
        ),
        Command::Init {
            account_id,
            account_name,
            admin_username,
        } => Some(init(account_id, account_name, admin_username).await),
        _ => None,
    };
    match local {
        Some(Ok(())) => ExitCode::SUCCESS,
        Some(Err(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
        None => cli::run(cli).await,
    }
}

async fn open() -> anyhow::Result<Backoffice> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let url = std::env::var("BACKOFFICE_DATABASE_URL")
        .unwrap_or_else(|_| "sqlite://backoffice.db?mode=rwc".into());
    let store = Store::connect(&url).await.context("opening the database")?;
    Ok(Backoffice::new(
        store,
        Arc::new(SystemClock),
        Arc::new(BuiltinSupplier::new()),
    ))
}

async fn init(id: &str, name: &str, admin: &str) -> anyhow::Result<()> {
    let password = std::env::var("BACKOFFICE_ADMIN_PASSWORD")
        .context("BACKOFFICE_ADMIN_PASSWORD is not set")?;
    let bo = open().await?;
    bo.create_account(id, name)
        .await
        .context("creating the account")?;
    bo.create_user(id, admin, &password, Role::Administrator)
        .await
        .context("creating the administrator")?;
    println!("account {id} with administrator {admin} created");
    Ok(())
}

async fn serve(console_dir: std::path::PathBuf) -> anyhow::Result<()> {
    let bo = open().await?;
    let listen = std::env::var("BACKOFFICE_LISTEN").unwrap_or_else(|_| "127.0.0.1:8080".into());
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .with_context(|| format!("binding {listen}"))?;
    let workers = bo.spawn_workers(Duration::from_secs(1));
    tracing::info!(address = %listener.local_addr()?, backend = ?bo.store().backend(), "back office listening");
    let console = backoffice::api::console::console_router(console_dir);
    axum::serve(listener, backoffice::api::router(bo.clone()).merge(console))
        .with_graceful_shutdown(shutdown())
        .await
        .context("serving the API")?;
    workers.stop().await;
    bo.store().close().await;
    Ok(())
}

async fn shutdown() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
    tracing::info!("shutting down");
}
