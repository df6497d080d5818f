//! The `edge` binary: the SIP edge in front of a back-office database.
//!
//! `edge --database sqlite://backoffice.db?mode=rwc --bind 0.0.0.0:5060 --account acme
//! --realm acme.example --carrier 192.0.2.10:5060 --carrier-source 192.0.2.10:5060
//! [--callback-window-secs 3600]`
//! serves until Ctrl-C. The digest nonce secret comes from `EDGE_NONCE_SECRET`, else a
//! random one per start (clients then re-authenticate after a restart, which they do
//! anyway on a stale nonce). Logs: `RUST_LOG`, default `edge=info,rsipstack=warn`
//! (rsipstack logs whole messages, numbers included, at `info`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use backoffice::{Backoffice, BuiltinSupplier, Store, SystemClock};
use clap::Parser;
use edge::{Edge, EdgeConfig, WssConfig};

#[derive(Debug, Parser)]
#[command(
    name = "edge",
    about = "The back office's SIP edge (registrar, voice connector routing)"
)]
struct Args {
    /// The back office's database: `postgres://...` or `sqlite://<path>?mode=rwc`.
    #[arg(long, env = "BACKOFFICE_DATABASE_URL")]
    database: String,
    /// UDP address to listen on.
    #[arg(long, default_value = "127.0.0.1:5060")]
    bind: SocketAddr,
    /// Also serve SIP over WebSocket (RFC 7118) here, for browsers and WebRTC agents.
    #[arg(long)]
    ws_bind: Option<SocketAddr>,
    /// Also serve SIP over secure WebSocket here (TLS ended by the edge); needs
    /// --wss-cert and --wss-key.
    #[arg(long, requires_all = ["wss_cert", "wss_key"])]
    wss_bind: Option<SocketAddr>,
    /// The WSS certificate chain (PEM file, leaf first).
    #[arg(long)]
    wss_cert: Option<std::path::PathBuf>,
    /// The WSS private key (PEM file).
    #[arg(long)]
    wss_key: Option<std::path::PathBuf>,
    /// The tenant served.
    #[arg(long)]
    account: String,
    /// Digest realm of the users' SIP passwords.
    #[arg(long)]
    realm: String,
    /// The carrier trunk terminated and emergency calls are sent to.
    #[arg(long)]
    carrier: SocketAddr,
    /// Addresses whose INVITEs are the carrier's (repeat the option for several).
    #[arg(long = "carrier-source")]
    carrier_sources: Vec<SocketAddr>,
    /// E5: the site's fixed emergency callback number, the last fallback.
    #[arg(long)]
    site_callback: Option<String>,
    /// E5: how long a 911 waits for its callback lease, in milliseconds.
    #[arg(long, default_value_t = 200)]
    lease_budget_ms: u64,
    /// E5: how long the callback number stays the agent's after an emergency call, in
    /// seconds (60 minutes unless a site asks for more, or a test for less).
    #[arg(long, default_value_t = 3600)]
    callback_window_secs: u64,
}

fn random_secret() -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    (0..4)
        .map(|i| {
            let mut h = RandomState::new().build_hasher();
            h.write_u32(i);
            format!("{:016x}", h.finish())
        })
        .collect()
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "edge=info,rsipstack=warn".into()),
        )
        .init();
    let args = Args::parse();
    let store = Store::connect(&args.database)
        .await
        .context("opening the back office's database")?;
    let bo = Backoffice::new(
        store,
        Arc::new(SystemClock),
        Arc::new(BuiltinSupplier::new()),
    )
    .with_callback_window(Duration::from_secs(args.callback_window_secs));
    let wss = match (args.wss_bind, &args.wss_cert, &args.wss_key) {
        (Some(bind), Some(cert), Some(key)) => Some(WssConfig {
            bind,
            cert_chain_pem: std::fs::read_to_string(cert)
                .with_context(|| format!("reading {}", cert.display()))?,
            key_pem: std::fs::read_to_string(key)
                .with_context(|| format!("reading {}", key.display()))?,
        }),
        _ => None,
    };
    let config = EdgeConfig {
        bind: args.bind,
        ws_bind: args.ws_bind,
        wss,
        account: args.account,
        realm: args.realm,
        nonce_secret: std::env::var("EDGE_NONCE_SECRET").unwrap_or_else(|_| random_secret()),
        carrier: args.carrier,
        carrier_sources: args.carrier_sources,
        site_callback: args.site_callback,
        lease_budget: Duration::from_millis(args.lease_budget_ms),
    };
    let edge = Edge::start(config, bo, Arc::new(SystemClock))
        .await
        .context("starting the SIP edge")?;
    println!("edge listening on udp {}", edge.local_addr());
    if let Some(ws) = edge.ws_addr() {
        println!("edge listening on ws://{ws}");
    }
    if let Some(wss) = edge.wss_addr() {
        println!("edge listening on wss://{wss}");
    }
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    edge.shutdown();
    Ok(())
}
