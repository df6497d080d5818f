//! A whole site for the emergency stories: the back office (`backoffice serve` with
//! its console) seeded as an administrator would seed it (an agent with a SIP password
//! and a number of its own, a voice connector with emergency routing numbers and a
//! callback pool, seeds 000 and 002), and the SIP edge (the `edge` binary) on the same
//! database, terminating to a carrier the test plays with sipp.

use std::net::{SocketAddr, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use backoffice::auth::Role;
use backoffice::connectors::{
    EmergencyConfig, Origination, Protocol, Route, Termination, VoiceConnectorSettings,
};
use backoffice::numbers::{Actor, ProductType, SearchQuery};
use backoffice::{Backoffice, BuiltinSupplier, Store, SystemClock};

use crate::backoffice::{workspace_binary, BackOffice, ACCOUNT, PASSWORD};

/// The agent the app signs in as, on the edge (a SIP user name: no `@`).
pub const SIP_AGENT: &str = "agent1001";
pub const SIP_PASSWORD: &str = "Sip-Secret-1234";
/// A second agent, who uses a WebRTC phone in a browser (JsSIP over WebSocket).
pub const SIP_BROWSER: &str = "browser1002";
pub const REALM: &str = "acme.example";
/// E12: where the carrier takes 911 and 933 (seed 000).
pub const ROUTING_NUMBER: &str = "+12065550100";
pub const TEST_ROUTING_NUMBER: &str = "+12065550101";

/// The back office and the edge of one test; both stop on drop.
#[derive(Debug)]
pub struct Site {
    pub bo: BackOffice,
    edge: Child,
    pub edge_addr: SocketAddr,
    /// The agent's own number (assigned to the SIP agent).
    pub agent_number: String,
    /// The browser agent's own number.
    pub browser_number: String,
    /// Where the edge serves SIP over WebSocket.
    pub ws_addr: SocketAddr,
    /// Where the edge serves SIP over secure WebSocket, with a self-signed
    /// certificate for 127.0.0.1 made for the test.
    pub wss_addr: SocketAddr,
    _tls: tempfile::TempDir,
    /// The callback pool's only number: what a 911's lease must be.
    pub pool_number: String,
    /// The callback window of the edge and of the app alike.
    pub window: Duration,
}

impl Site {
    /// A seeded back office and an edge sending terminated calls to `carrier`; INVITEs
    /// from `carrier_sources` are the carrier's (origination, emergency callbacks);
    /// calls to the connector's numbers go to `origination` (the site's PBX). The
    /// callback window is `window` (E5's 60 minutes do not fit in a test).
    pub async fn start(
        name: &str,
        carrier: SocketAddr,
        carrier_sources: &[SocketAddr],
        origination: SocketAddr,
        window: Duration,
    ) -> anyhow::Result<Site> {
        let bo = BackOffice::start(name).await?;
        let seeded = seed(&bo.database_url, origination).await?;
        let (agent_number, pool_number, browser_number) = seeded;
        let ws_addr = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let wss_addr = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let tls = tempfile::tempdir()?;
        let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()])?;
        let (cert, key) = (tls.path().join("cert.pem"), tls.path().join("key.pem"));
        std::fs::write(&cert, certified.cert.pem())?;
        std::fs::write(&key, certified.signing_key.serialize_pem())?;
        let edge_addr = SocketAddr::from((
            [127, 0, 0, 1],
            UdpSocket::bind("127.0.0.1:0")?.local_addr()?.port(),
        ));
        let log_path = crate::artifacts_dir().join(format!("{name}.edge.log"));
        let log = std::fs::File::create(&log_path)?;
        let mut cmd = Command::new(workspace_binary("edge")?);
        cmd.args(["--database", &bo.database_url])
            .args(["--bind", &edge_addr.to_string()])
            .args(["--ws-bind", &ws_addr.to_string()])
            .args(["--wss-bind", &wss_addr.to_string()])
            .arg("--wss-cert")
            .arg(&cert)
            .arg("--wss-key")
            .arg(&key)
            .args(["--account", ACCOUNT, "--realm", REALM])
            .args(["--carrier", &carrier.to_string()])
            .args(["--callback-window-secs", &window.as_secs().to_string()]);
        for s in carrier_sources {
            cmd.args(["--carrier-source", &s.to_string()]);
        }
        let edge = cmd
            .env("RUST_LOG", "edge=info,rsipstack=warn")
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log))
            .spawn()
            .context("edge")?;
        let mut site = Site {
            bo,
            edge,
            edge_addr,
            agent_number,
            browser_number,
            ws_addr,
            wss_addr,
            _tls: tls,
            pool_number,
            window,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = std::fs::read_to_string(&log_path).unwrap_or_default();
            if text.contains("edge listening") {
                return Ok(site);
            }
            if let Some(status) = site.edge.try_wait()? {
                bail!("edge exited ({status}): {text}");
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "edge not listening within 20 s: {text}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The agent's softphone.toml: registered on the edge, which is also its proxy.
    pub fn agent_config(&self) -> String {
        let edge = self.edge_addr;
        format!(
            r#"[sip]
user = "{SIP_AGENT}"
domain = "{REALM}"
password = "{SIP_PASSWORD}"
registrar = "sip:{edge}"
outbound_proxy = "{edge}"
bind = "127.0.0.1:0"

[agent]
number = "{agent}"

[emergency]
lease_budget_ms = 200
callback_window_secs = {window}

[emergency.location]
country = "US"
state = "WA"
city = "Seattle"
street = "Pine St"
number = "400"
zip = "98101"
floor = "3"
"#,
            agent = self.agent_number,
            window = self.window.as_secs()
        )
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        // Its own pid only; the back office stops itself on drop.
        let _ = self.edge.kill();
        let _ = self.edge.wait();
    }
}

/// Seeds 002 and 000 through the service's library on its database: the SIP agent
/// and its number, a connector originating to `origination` with emergency routing
/// numbers, and a one-number callback pool; and the browser agent with a number.
/// Returns (agent's number, pool number, browser agent's number).
async fn seed(url: &str, origination: SocketAddr) -> anyhow::Result<(String, String, String)> {
    let store = Store::connect(url).await?;
    let bo = Backoffice::new(
        store.clone(),
        Arc::new(SystemClock),
        Arc::new(BuiltinSupplier::new()),
    );
    let user = bo
        .create_user(ACCOUNT, SIP_AGENT, PASSWORD, Role::Agent)
        .await?;
    bo.set_sip_password(ACCOUNT, &user.id, REALM, SIP_PASSWORD)
        .await?;
    let mut q = SearchQuery::country("US");
    q.area_code = Some("425".into());
    q.limit = 3;
    let found = bo.search_numbers(&q).await?;
    anyhow::ensure!(found.len() == 3, "the catalogue has three 425 numbers");
    let (agent_number, pool_number) = (found[0].e164.clone(), found[1].e164.clone());
    let browser_number = found[2].e164.clone();
    let admin = Actor::new("admin:e2e");
    bo.place_order(
        ACCOUNT,
        &admin,
        ProductType::BusinessCalling,
        &[agent_number.clone(), browser_number.clone()],
    )
    .await?;
    bo.place_order(
        ACCOUNT,
        &admin,
        ProductType::VoiceConnector,
        std::slice::from_ref(&pool_number),
    )
    .await?;
    bo.complete_pending_orders().await?;
    bo.assign_to_user(ACCOUNT, &admin, &agent_number, &user.id)
        .await?;
    let browser = bo
        .create_user(ACCOUNT, SIP_BROWSER, PASSWORD, Role::Agent)
        .await?;
    bo.set_sip_password(ACCOUNT, &browser.id, REALM, SIP_PASSWORD)
        .await?;
    bo.assign_to_user(ACCOUNT, &admin, &browser_number, &browser.id)
        .await?;
    let connector = VoiceConnectorSettings {
        name: "Carrier trunk".into(),
        termination: Termination {
            enabled: true,
            allowed_networks: vec!["127.0.0.0/8".into()],
            calling_countries: vec!["US".into()],
            default_caller: None,
            credentials: Vec::new(),
        },
        origination: Origination {
            enabled: true,
            routes: vec![Route {
                host: origination.ip().to_string(),
                port: origination.port(),
                protocol: Protocol::UDP,
                priority: 1,
                weight: 1,
            }],
        },
    };
    let vc = bo.create_voice_connector(ACCOUNT, &connector).await?;
    bo.set_emergency_config(
        ACCOUNT,
        &vc.id,
        &EmergencyConfig::us(ROUTING_NUMBER, Some(TEST_ROUTING_NUMBER)),
    )
    .await?;
    bo.assign_to_voice_connector(ACCOUNT, &admin, &pool_number, &vc.id)
        .await?;
    bo.add_to_callback_pool(ACCOUNT, &admin, std::slice::from_ref(&pool_number))
        .await?;
    store.close().await;
    Ok((agent_number, pool_number, browser_number))
}
