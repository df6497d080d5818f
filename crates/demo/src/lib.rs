//! Demo mode (issue 7 item 5): with no configuration the app still places real calls,
//! against a whole site running in its own process on loopback.
//!
//! Main types: [`DemoWorld`] starts the back office on a SQLite file in the app's data
//! folder (seeded once with a demo tenant, see `seed.rs`), the SIP edge in front of it,
//! and the [`Provider`]: a built-in carrier and emergency provider that answers every
//! call the edge sends it with a tone, keeps a [`CenterRecord`] of what each emergency
//! or test call carried (so the app can show what the center received), and calls the
//! callback number back on request. [`DemoAccount`] is what the app's engine needs to
//! register on the edge, and the demo supervisor the app's Supervisor panel signs in as
//! at the back office's HTTP API ([`DemoWorld::backoffice_url`], loopback only). Nothing here can reach a real emergency center: the edge's
//! only carrier is the built-in provider.

mod provider;
mod seed;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use backoffice::{Backoffice, BuiltinSupplier, Store, SystemClock};
use edge::{Edge, EdgeConfig};

pub use provider::{CenterRecord, Provider, CENTER_NUMBER};
pub use seed::DemoAccount;

/// The demo tenant.
pub const ACCOUNT: &str = "demo";
/// The digest realm of the demo agent's SIP password.
pub const REALM: &str = "demo.softphone";
/// E12: where the built-in provider takes 911 and 933.
pub const ROUTING_NUMBER: &str = "+12065550100";
pub const TEST_ROUTING_NUMBER: &str = "+12065550101";

/// What can go wrong starting demo mode.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the demo back office: {0}")]
    Backoffice(#[from] backoffice::Error),
    #[error("the demo SIP edge: {0}")]
    Edge(#[from] edge::EdgeError),
    #[error("the built-in provider: {0}")]
    Provider(String),
    #[error("the demo data in {path}: {source}")]
    Data {
        path: String,
        source: std::io::Error,
    },
}

/// The whole demo site, running until dropped.
#[derive(Debug)]
pub struct DemoWorld {
    pub account: DemoAccount,
    pub provider: Provider,
    bo: Backoffice,
    edge: Edge,
    _workers: backoffice::Workers,
    api: SocketAddr,
    api_task: tokio::task::JoinHandle<()>,
}

impl DemoWorld {
    /// Starts (or restarts) the demo site with its data in `data_dir`. Must run inside
    /// a tokio runtime.
    pub async fn start(data_dir: &Path) -> Result<DemoWorld, DemoError> {
        let db = data_dir.join("demo-backoffice.db");
        let url = format!("sqlite://{}?mode=rwc", db.display());
        let store = Store::connect(&url).await?;
        let bo = Backoffice::new(
            store,
            Arc::new(SystemClock),
            Arc::new(BuiltinSupplier::new()),
        );
        let provider = Provider::start().await?;
        let mut account = seed::seed(&bo, data_dir, provider.addr()).await?;
        let workers = bo.spawn_workers(Duration::from_secs(1));
        let edge = Edge::start(
            EdgeConfig {
                bind: SocketAddr::from(([127, 0, 0, 1], 0)),
                ws_bind: None,
                wss: None,
                account: ACCOUNT.to_owned(),
                realm: REALM.to_owned(),
                nonce_secret: seed::secret(),
                carrier: provider.addr(),
                carrier_sources: vec![provider.addr()],
                site_callback: None,
                lease_budget: Duration::from_millis(200),
            },
            bo.clone(),
            Arc::new(SystemClock),
        )
        .await?;
        account.edge = edge.local_addr();
        provider.set_edge(edge.local_addr());
        // The API and its supervisors' feed, for the app's Supervisor panel.
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| DemoError::Provider(format!("the demo API cannot listen: {e}")))?;
        let api = listener
            .local_addr()
            .map_err(|e| DemoError::Provider(format!("the demo API cannot listen: {e}")))?;
        let router = backoffice::api::router(bo.clone());
        let api_task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::error!(error = %e, "demo mode: the back office API stopped");
            }
        });
        tracing::info!(edge = %edge.local_addr(), "demo mode: the site runs on loopback");
        Ok(DemoWorld {
            account,
            provider,
            bo,
            edge,
            _workers: workers,
            api,
            api_task,
        })
    }

    /// The demo tenant's numbers, as the inventory has them.
    pub async fn numbers(&self) -> Result<Vec<String>, DemoError> {
        let inventory = self.bo.inventory(ACCOUNT).await?;
        Ok(inventory.into_iter().map(|n| n.e164).collect())
    }

    /// The back office's HTTP API (`http://127.0.0.1:<port>`): the Supervisor panel's.
    pub fn backoffice_url(&self) -> String {
        format!("http://{}", self.api)
    }

    /// The SIP edge's address: the demo agent's registrar and outbound proxy.
    pub fn edge_addr(&self) -> SocketAddr {
        self.edge.local_addr()
    }
}

impl Drop for DemoWorld {
    fn drop(&mut self) {
        self.edge.shutdown();
        self.provider.shutdown();
        self.api_task.abort();
    }
}
