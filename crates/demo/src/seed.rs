//! The demo tenant, seeded once per data folder as an administrator would (seeds 000
//! and 002): an agent with a SIP password and a number of its own, a voice connector
//! originating to the built-in provider with emergency routing numbers, and a
//! one-number callback pool. What the app needs later (the agent's password and
//! numbers) is kept in `demo-site.txt` beside the database; both are made again
//! together when either is missing, so a half-seeded folder never stays that way.

use std::net::SocketAddr;
use std::path::Path;

use backoffice::auth::Role;
use backoffice::connectors::{
    EmergencyConfig, Origination, Protocol, Route, Termination, VoiceConnectorSettings,
};
use backoffice::numbers::{Actor, Assignee, ProductType, SearchQuery};
use backoffice::Backoffice;
use rand::Rng;

use crate::{DemoError, ACCOUNT, REALM, ROUTING_NUMBER, TEST_ROUTING_NUMBER};

const SITE_FILE: &str = "demo-site.txt";
/// The demo agent's user name (a SIP user part: no `@`).
pub const AGENT: &str = "agent1001";
/// The demo supervisor's user name prefix; a random suffix makes each folder's own.
const SUPERVISOR: &str = "supervisor";

/// What the app's engine needs to work against the demo site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub user: String,
    pub password: String,
    pub realm: String,
    /// The agent's own number (E5's first fallback).
    pub agent_number: String,
    /// The callback pool's number: what a 911's lease presents.
    pub pool_number: String,
    /// The edge: registrar and outbound proxy.
    pub edge: SocketAddr,
    /// The demo supervisor, for the app's Supervisor panel (A1: its own role).
    pub supervisor: String,
    pub supervisor_password: String,
}

/// A random secret for passwords and nonces (loopback only, but never a constant).
pub(crate) fn secret() -> String {
    random_hex::<16>()
}

/// `N` random bytes in hex.
fn random_hex<const N: usize>() -> String {
    let bytes: [u8; N] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Seeds the demo tenant unless this folder has it already; the connector's
/// origination route is (re)pointed at this run's provider.
pub(crate) async fn seed(
    bo: &Backoffice,
    dir: &Path,
    provider: SocketAddr,
) -> Result<DemoAccount, DemoError> {
    let site = dir.join(SITE_FILE);
    let kept = std::fs::read_to_string(&site).ok().and_then(|t| parse(&t));
    let seeded = bo.account(ACCOUNT).await.is_ok();
    let mut account = match (kept, seeded) {
        (Some(account), true) => account,
        (_, true) => {
            // The database has the tenant but the password is gone: a new password.
            let mut account = fresh_numbers(bo).await?;
            account.password = secret();
            let user = bo.sip_user(AGENT).await?.ok_or_else(|| {
                DemoError::Provider("the demo agent is missing from its tenant".into())
            })?;
            bo.set_sip_password(ACCOUNT, &user.user.id, REALM, &account.password)
                .await?;
            account
        }
        (_, false) => create(bo).await?,
    };
    if account.supervisor.is_empty() || account.supervisor_password.is_empty() {
        // A folder seeded before the demo had a supervisor, or whose password is gone:
        // a new one (passwords are only kept hashed, so the old cannot be reused).
        account.supervisor = format!("{SUPERVISOR}-{}", random_hex::<3>());
        account.supervisor_password = secret();
        bo.create_user(
            ACCOUNT,
            &account.supervisor,
            &account.supervisor_password,
            Role::Supervisor,
        )
        .await?;
    }
    point_origination_at(bo, provider).await?;
    std::fs::write(&site, format_site(&account)).map_err(|source| DemoError::Data {
        path: site.display().to_string(),
        source,
    })?;
    Ok(account)
}

async fn create(bo: &Backoffice) -> Result<DemoAccount, DemoError> {
    bo.create_account(ACCOUNT, "Demo contact center").await?;
    let password = secret();
    let user = bo
        .create_user(ACCOUNT, AGENT, &secret(), Role::Agent)
        .await?;
    bo.set_sip_password(ACCOUNT, &user.id, REALM, &password)
        .await?;
    let mut q = SearchQuery::country("US");
    q.area_code = Some("206".into());
    q.limit = 2;
    let found = bo.search_numbers(&q).await?;
    let [agent, pool] = [&found[0].e164, &found[1].e164].map(String::clone);
    let admin = Actor::new("admin:demo");
    bo.place_order(
        ACCOUNT,
        &admin,
        ProductType::BusinessCalling,
        std::slice::from_ref(&agent),
    )
    .await?;
    bo.place_order(
        ACCOUNT,
        &admin,
        ProductType::VoiceConnector,
        std::slice::from_ref(&pool),
    )
    .await?;
    bo.complete_pending_orders().await?;
    bo.assign_to_user(ACCOUNT, &admin, &agent, &user.id).await?;
    let vc = bo
        .create_voice_connector(ACCOUNT, &connector("127.0.0.1:9".parse().expect("address")))
        .await?;
    bo.set_emergency_config(
        ACCOUNT,
        &vc.id,
        &EmergencyConfig::us(ROUTING_NUMBER, Some(TEST_ROUTING_NUMBER)),
    )
    .await?;
    bo.assign_to_voice_connector(ACCOUNT, &admin, &pool, &vc.id)
        .await?;
    bo.add_to_callback_pool(ACCOUNT, &admin, std::slice::from_ref(&pool))
        .await?;
    Ok(DemoAccount {
        user: AGENT.to_owned(),
        password,
        realm: REALM.to_owned(),
        agent_number: agent,
        pool_number: pool,
        edge: SocketAddr::from(([127, 0, 0, 1], 0)),
        supervisor: String::new(),
        supervisor_password: String::new(),
    })
}

/// The numbers of an existing tenant: the agent's own (assigned to a user) and the
/// pool's (assigned to the connector).
async fn fresh_numbers(bo: &Backoffice) -> Result<DemoAccount, DemoError> {
    let mut agent_number = String::new();
    let mut pool_number = String::new();
    for n in bo.inventory(ACCOUNT).await? {
        match n.assignee {
            Some(Assignee::User(_)) => agent_number = n.e164,
            Some(Assignee::VoiceConnector(_)) => pool_number = n.e164,
            None => {}
        }
    }
    Ok(DemoAccount {
        user: AGENT.to_owned(),
        password: String::new(),
        realm: REALM.to_owned(),
        agent_number,
        pool_number,
        edge: SocketAddr::from(([127, 0, 0, 1], 0)),
        supervisor: String::new(),
        supervisor_password: String::new(),
    })
}

fn connector(origination: SocketAddr) -> VoiceConnectorSettings {
    VoiceConnectorSettings {
        name: "Built-in demo carrier".into(),
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
    }
}

/// The provider listens on a new port each run; the connector follows it.
async fn point_origination_at(bo: &Backoffice, provider: SocketAddr) -> Result<(), DemoError> {
    for vc in bo.voice_connectors(ACCOUNT).await? {
        bo.update_voice_connector(ACCOUNT, &vc.id, &connector(provider))
            .await?;
    }
    Ok(())
}

fn format_site(a: &DemoAccount) -> String {
    format!(
        "# The demo site's agent and supervisor (demo mode only; loopback).\npassword = {}\nagent_number = {}\npool_number = {}\nsupervisor = {}\nsupervisor_password = {}\n",
        a.password, a.agent_number, a.pool_number, a.supervisor, a.supervisor_password
    )
}

fn parse(text: &str) -> Option<DemoAccount> {
    let value = |key: &str| {
        text.lines()
            .filter_map(|l| l.split_once('='))
            .find(|(k, _)| k.trim() == key)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    Some(DemoAccount {
        user: AGENT.to_owned(),
        password: value("password")?,
        realm: REALM.to_owned(),
        agent_number: value("agent_number")?,
        pool_number: value("pool_number")?,
        edge: SocketAddr::from(([127, 0, 0, 1], 0)),
        supervisor: value("supervisor").unwrap_or_default(),
        supervisor_password: value("supervisor_password").unwrap_or_default(),
    })
}
