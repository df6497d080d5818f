//! Configuration of the user agent and of one registration.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

/// The transport the UA sends on. UDP is always listened on as well. TLS (rsipstack's
/// `rustls` feature) comes as a further variant: what depends on the transport is the
/// listener opened in `transport::open` and `Transport::uri_param`, one match each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Udp,
    /// TCP, listening on the UDP port's number too.
    Tcp,
    /// TLS (`sips:`). Not built yet: [`crate::UserAgent::start`] refuses it with
    /// `SipUaError::Unsupported`. It needs rsipstack's `rustls` feature, a
    /// `TlsListenerConnection` in `transport::open` and certificates in the config.
    Tls,
    /// SIP over WebSocket (RFC 7118), as WebRTC platforms take it: the UA connects
    /// to the proxy (`ws://` its address) and everything, requests to us included,
    /// goes over that connection.
    Ws,
    /// SIP over secure WebSocket: `wss://` the proxy, its certificate checked against
    /// the system's trust store.
    Wss,
}

impl Transport {
    /// The `;transport=` parameter for our Contact, `None` for the UDP default.
    pub(crate) fn uri_param(self) -> Option<&'static str> {
        match self {
            Transport::Udp => None,
            Transport::Tcp => Some("tcp"),
            Transport::Tls => Some("tls"),
            Transport::Ws => Some("ws"),
            Transport::Wss => Some("wss"),
        }
    }

    /// rsipstack's name for it, for the destinations we give it.
    pub(crate) fn stack(self) -> rsipstack::sip::transport::Transport {
        use rsipstack::sip::transport::Transport as Stack;
        match self {
            Transport::Udp => Stack::Udp,
            Transport::Tcp => Stack::Tcp,
            Transport::Tls => Stack::Tls,
            Transport::Ws => Stack::Ws,
            Transport::Wss => Stack::Wss,
        }
    }
}

/// Who places calls: the user part and domain of From, and the display name.
#[derive(Clone, PartialEq, Eq)]
pub struct Identity {
    pub user: String,
    pub domain: String,
    pub display_name: Option<String>,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("user", &crate::redact::Redacted(&self.user))
            .field("domain", &self.domain)
            .finish_non_exhaustive()
    }
}

/// Digest credentials. The algorithm (MD5, SHA-256) is the one the challenge names.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<hidden>")
            .finish()
    }
}

/// The user agent's configuration.
#[derive(Clone, Debug)]
pub struct UaConfig {
    /// Where to listen, e.g. `127.0.0.1:0` for any free port.
    pub bind: SocketAddr,
    pub transport: Transport,
    pub identity: Identity,
    /// Answers 401/407 challenges to INVITEs.
    pub credentials: Option<Credentials>,
    /// Sends every out-of-dialog request here whatever the Request-URI says (an SBC).
    pub outbound_proxy: Option<SocketAddr>,
    pub user_agent: String,
    /// RFC 3261 T1, the round-trip estimate (500 ms). An unanswered INVITE fails with
    /// `Timeout` after 64*T1.
    pub timer_t1: Duration,
}

impl UaConfig {
    /// A UDP configuration on `bind` with no credentials and no proxy.
    pub fn udp(bind: SocketAddr, identity: Identity) -> Self {
        UaConfig {
            bind,
            transport: Transport::Udp,
            identity,
            credentials: None,
            outbound_proxy: None,
            user_agent: concat!("softphone-sip-ua/", env!("CARGO_PKG_VERSION")).to_owned(),
            timer_t1: Duration::from_millis(500),
        }
    }
}

/// One registration: the registrar's URI (`sip:host[:port]`), the credentials (their
/// username is the user part of the address of record) and the lifetime asked for.
#[derive(Clone, Debug)]
pub struct Account {
    pub registrar: String,
    pub credentials: Credentials,
    /// Seconds asked for in `Expires`; the registrar may grant less, and the refresh
    /// follows what it granted.
    pub expires: u32,
    /// How often the registrar is probed (OPTIONS) between refreshes, so a lost
    /// registrar or NAT binding is noticed within this plus 64*T1, and the pinhole
    /// stays open. `None`: no probing, loss shows at the next refresh.
    pub keepalive: Option<Duration>,
    /// The wait after a failed REGISTER; doubled per failure in a row.
    pub retry_min: Duration,
    /// The longest wait between two attempts.
    pub retry_max: Duration,
}

impl Account {
    /// An account with a 30 s keep-alive and retries from 1 s up to 60 s.
    pub fn new(registrar: &str, credentials: Credentials, expires: u32) -> Self {
        Account {
            registrar: registrar.to_owned(),
            credentials,
            expires,
            keepalive: Some(Duration::from_secs(30)),
            retry_min: Duration::from_secs(1),
            retry_max: Duration::from_secs(60),
        }
    }
}
