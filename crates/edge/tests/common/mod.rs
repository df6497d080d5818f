//! Test support: a back office on a fresh SQLite file, seeded with a tenant, an agent
//! with a SIP password and a number, a voice connector with emergency calling
//! configuration and a callback pool; an edge in front of it; real sipp peers on
//! loopback, bounded in time and killed when dropped.

#![allow(dead_code)] // each test binary uses a different subset

mod pg;

pub use pg::TestDb;

use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::Duration;

use backoffice::auth::Role;
use backoffice::connectors::{
    EmergencyConfig, Origination, Protocol, Route, Termination, VoiceConnectorSettings,
};
use backoffice::numbers::{Actor, ProductType, SearchQuery};
use backoffice::{Backoffice, BuiltinSupplier, ManualClock, Store, Timestamp};
use edge::{Edge, EdgeConfig};
use tokio::process::{Child, Command};

pub const WAIT: Duration = Duration::from_secs(15);
pub const ACCOUNT: &str = "acme";
pub const AGENT: &str = "agent1";
pub const SIP_PASSWORD: &str = "Sip-Secret-1234";
pub const REALM: &str = "acme.example";
pub const ROUTING_NUMBER: &str = "+12065550100";
pub const TEST_ROUTING_NUMBER: &str = "+12065550101";
/// 2026-11-02T09:00:00Z.
pub const T0: Timestamp = Timestamp::from_millis(1_793_610_000_000);

/// The seeded back office.
pub struct World {
    pub bo: Backoffice,
    pub clock: ManualClock,
    pub agent_id: String,
    pub agent_number: String,
    /// The only number of the callback pool, so the lease is known in advance.
    pub pool_number: String,
    /// The database URL, for a second connection or instance.
    pub url: String,
    _db: TestDb,
}

pub fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("an ephemeral UDP port")
        .port()
}

impl World {
    /// The seeded world; the connector's origination route points at
    /// `127.0.0.1:origination_port`.
    pub async fn seed(origination_port: u16) -> World {
        World::seed_with(origination_port, true).await
    }

    /// Like [`World::seed`]; without `emergency_config` the connector has no emergency
    /// calling configuration (E12's fallback).
    pub async fn seed_with(origination_port: u16, emergency_config: bool) -> World {
        World::seed_on(TestDb::sqlite(), &[origination_port], emergency_config).await
    }

    /// Like [`World::seed_with`], on the given database, with one origination route
    /// per port, in order of priority.
    pub async fn seed_on(db: TestDb, origination_ports: &[u16], emergency_config: bool) -> World {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| "edge=info,rsipstack=warn".into()),
            )
            .with_test_writer()
            .try_init();
        let url = db.url();
        let clock = ManualClock::new(T0);
        let store = Store::connect(&url).await.expect("store");
        let bo = Backoffice::new(
            store,
            Arc::new(clock.clone()),
            Arc::new(BuiltinSupplier::new()),
        );
        bo.create_account(ACCOUNT, "Acme").await.expect("account");
        let user = bo
            .create_user(ACCOUNT, AGENT, "sign-in-password-1", Role::Agent)
            .await
            .expect("agent");
        bo.set_sip_password(ACCOUNT, &user.id, REALM, SIP_PASSWORD)
            .await
            .expect("SIP password");
        let mut q = SearchQuery::country("US");
        q.area_code = Some("206".into());
        q.limit = 2;
        let found = bo.search_numbers(&q).await.expect("search");
        let (agent_number, pool_number) = (found[0].e164.clone(), found[1].e164.clone());
        let admin = Actor::new("admin:test");
        bo.place_order(
            ACCOUNT,
            &admin,
            ProductType::BusinessCalling,
            std::slice::from_ref(&agent_number),
        )
        .await
        .expect("order");
        bo.place_order(
            ACCOUNT,
            &admin,
            ProductType::VoiceConnector,
            std::slice::from_ref(&pool_number),
        )
        .await
        .expect("order");
        bo.complete_pending_orders().await.expect("completion");
        bo.assign_to_user(ACCOUNT, &admin, &agent_number, &user.id)
            .await
            .expect("assign");
        let vc = bo
            .create_voice_connector(ACCOUNT, &connector(origination_ports))
            .await
            .expect("connector");
        if emergency_config {
            bo.set_emergency_config(
                ACCOUNT,
                &vc.id,
                &EmergencyConfig::us(ROUTING_NUMBER, Some(TEST_ROUTING_NUMBER)),
            )
            .await
            .expect("emergency config");
        }
        bo.assign_to_voice_connector(ACCOUNT, &admin, &pool_number, &vc.id)
            .await
            .expect("assign to connector");
        bo.add_to_callback_pool(ACCOUNT, &admin, std::slice::from_ref(&pool_number))
            .await
            .expect("pool");
        World {
            bo,
            clock,
            agent_id: user.id,
            agent_number,
            pool_number,
            url,
            _db: db,
        }
    }

    /// An edge on a free loopback port, sending terminated calls to `carrier`.
    pub async fn edge(&self, carrier: SocketAddr, carrier_sources: Vec<SocketAddr>) -> Edge {
        self.edge_on(self.bo.clone(), carrier, carrier_sources)
            .await
    }

    /// Another back-office instance on the same database (its own connections), as
    /// a second edge process would have.
    pub async fn instance(&self) -> Backoffice {
        let store = Store::connect(&self.url).await.expect("second instance");
        Backoffice::new(
            store,
            Arc::new(self.clock.clone()),
            Arc::new(BuiltinSupplier::new()),
        )
    }

    /// An edge over the back-office instance `bo`.
    pub async fn edge_on(
        &self,
        bo: Backoffice,
        carrier: SocketAddr,
        carrier_sources: Vec<SocketAddr>,
    ) -> Edge {
        self.edge_configured(bo, carrier, carrier_sources, None)
            .await
    }

    /// An edge that also serves WSS with `wss`.
    pub async fn edge_configured(
        &self,
        bo: Backoffice,
        carrier: SocketAddr,
        carrier_sources: Vec<SocketAddr>,
        wss: Option<edge::WssConfig>,
    ) -> Edge {
        let config = EdgeConfig {
            bind: "127.0.0.1:0".parse().expect("address"),
            ws_bind: Some("127.0.0.1:0".parse().expect("address")),
            wss,
            account: ACCOUNT.into(),
            realm: REALM.into(),
            nonce_secret: "test nonce secret".into(),
            carrier,
            carrier_sources,
            site_callback: None,
            lease_budget: Duration::from_millis(200),
        };
        Edge::start(config, bo, Arc::new(self.clock.clone()))
            .await
            .expect("edge starts")
    }
}

fn connector(origination_ports: &[u16]) -> VoiceConnectorSettings {
    VoiceConnectorSettings {
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
            routes: origination_ports
                .iter()
                .zip(1u8..)
                .map(|(port, priority)| Route {
                    host: "127.0.0.1".into(),
                    port: *port,
                    protocol: Protocol::UDP,
                    priority,
                    weight: 1,
                })
                .collect(),
        },
    }
}

/// What a browser offers, in short: ICE credentials, a DTLS fingerprint, SAVPF.
pub const WEBRTC_OFFER: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n\
a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\n\
a=ice-pwd:abcdabcdabcdabcdabcdabcd\r\na=setup:actpass\r\na=rtcp-mux\r\n\
a=rtpmap:111 opus/48000/2\r\na=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host\r\n";

/// The seeded agent's own user agent (`sip-ua`), registered on the edge at `proxy`
/// over `transport` (the UA's outbound proxy and registrar alike).
pub async fn registered_agent(
    proxy: SocketAddr,
    transport: sip_ua::Transport,
) -> (sip_ua::UserAgent, sip_ua::UaEvents) {
    let credentials = sip_ua::Credentials {
        username: AGENT.to_owned(),
        password: SIP_PASSWORD.to_owned(),
    };
    let mut config = sip_ua::UaConfig::udp(
        "127.0.0.1:0".parse().expect("address"),
        sip_ua::Identity {
            user: AGENT.to_owned(),
            domain: proxy.ip().to_string(),
            display_name: None,
        },
    );
    config.transport = transport;
    config.credentials = Some(credentials.clone());
    config.outbound_proxy = Some(proxy);
    let (ua, mut events) = sip_ua::UserAgent::start(config).await.expect("UA starts");
    ua.register(sip_ua::Account::new(
        &format!("sip:{proxy}"),
        credentials,
        300,
    ))
    .expect("register");
    assert!(
        wait_registered(&mut events).await,
        "registered over {transport:?}"
    );
    (ua, events)
}

/// A carrier-side UA on UDP: its INVITEs are origination when the edge is told its
/// address, and it takes the edge's INVITEs to the trunk.
pub async fn carrier_ua() -> (sip_ua::UserAgent, sip_ua::UaEvents) {
    let config = sip_ua::UaConfig::udp(
        SocketAddr::from(([127, 0, 0, 1], free_udp_port())),
        sip_ua::Identity {
            user: "carrier".to_owned(),
            domain: "127.0.0.1".to_owned(),
            display_name: None,
        },
    );
    sip_ua::UserAgent::start(config).await.expect("carrier UA")
}

/// Waits for the UA's registration to succeed; any other registration news fails.
pub async fn wait_registered(events: &mut sip_ua::UaEvents) -> bool {
    tokio::time::timeout(WAIT, async {
        loop {
            match events.next().await {
                Some(sip_ua::UaEvent::Registration(sip_ua::RegistrationEvent::Registered {
                    ..
                })) => break true,
                Some(sip_ua::UaEvent::Registration(other)) => panic!("registration: {other:?}"),
                Some(_) => {}
                None => break false,
            }
        }
    })
    .await
    .unwrap_or(false)
}

/// The next incoming call the UA is offered, within the test's wait.
pub async fn next_incoming(events: &mut sip_ua::UaEvents) -> Option<Box<sip_ua::IncomingCall>> {
    tokio::time::timeout(WAIT, async {
        loop {
            match events.next().await {
                Some(sip_ua::UaEvent::Incoming(call)) => break Some(call),
                Some(_) => {}
                None => break None,
            }
        }
    })
    .await
    .ok()
    .flatten()
}

/// `+` escaped for a sipp regexp.
pub fn re(number: &str) -> String {
    number.replace('+', "\\+")
}

/// A running sipp; killed when dropped.
pub struct Sipp {
    child: Child,
    pub addr: SocketAddr,
    dir: tempfile::TempDir,
    name: String,
}

impl Sipp {
    /// Starts sipp on `port` with the scenario `name` from `tests/scenarios/`, its
    /// `{{KEY}}` placeholders replaced by `vars` (sipp does not expand its own
    /// variables inside regexps, and the numbers come from the seeded catalogue).
    pub async fn start(name: &str, port: u16, vars: &[(&str, String)], extra: &[&str]) -> Sipp {
        let dir = tempfile::tempdir().expect("temp dir for sipp");
        let template = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/scenarios")
            .join(name);
        let mut text = std::fs::read_to_string(&template).expect("scenario");
        for (k, v) in vars {
            text = text.replace(&format!("{{{{{k}}}}}"), v);
        }
        let path: PathBuf = dir.path().join(name);
        std::fs::write(&path, text).expect("write scenario");
        let log = |n: &str| {
            Stdio::from(std::fs::File::create(dir.path().join(n)).expect("sipp log file"))
        };
        let child = Command::new("sipp")
            .arg("-sf")
            .arg(&path)
            .args(["-i", "127.0.0.1", "-p", &port.to_string(), "-nostdin"])
            .args([
                "-t",
                "u1",
                "-timeout",
                "20s",
                "-timeout_error",
                "-trace_err",
            ])
            .arg("-error_file")
            .arg(dir.path().join("errors.log"))
            .arg("-trace_msg")
            .arg("-message_file")
            .arg(dir.path().join("messages.log"))
            .args(["-m", "1"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(log("screen.log"))
            .stderr(log("stderr.log"))
            .kill_on_drop(true)
            .spawn()
            .expect("sipp runs (Debian package sip-tester)");
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let mut sipp = Sipp {
            child,
            addr,
            dir,
            name: name.to_owned(),
        };
        // Ready once its port is taken.
        let deadline = tokio::time::Instant::now() + WAIT;
        while UdpSocket::bind(addr).is_ok() {
            if let Ok(Some(status)) = sipp.child.try_wait() {
                panic!("sipp exited early ({status}):\n{}", sipp.diagnostics());
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "sipp never listened"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        sipp
    }

    pub async fn exit_status(&mut self) -> ExitStatus {
        match tokio::time::timeout(WAIT, self.child.wait()).await {
            Ok(status) => status.expect("wait for sipp"),
            Err(_) => {
                let _ = self.child.kill().await;
                panic!("sipp {} did not finish:\n{}", self.name, self.diagnostics());
            }
        }
    }

    pub async fn assert_passed(&mut self) {
        let status = self.exit_status().await;
        assert!(
            status.success(),
            "sipp {} failed ({status}):\n{}",
            self.name,
            self.diagnostics()
        );
    }

    pub fn diagnostics(&self) -> String {
        let mut out = String::new();
        for n in ["errors.log", "stderr.log", "messages.log", "screen.log"] {
            let text = std::fs::read_to_string(self.dir.path().join(n)).unwrap_or_default();
            let tail = &text[text.len().saturating_sub(6000)..];
            if !tail.trim().is_empty() {
                out.push_str(&format!("--- {n} ---\n{tail}\n"));
            }
        }
        out
    }
}
