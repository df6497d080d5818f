//! The thin async loop: rsipstack's endpoint on UDP, every new server transaction
//! dispatched here. REGISTER goes to the registrar, a new INVITE to the routing core
//! and then to [`crate::bridge`]; in-dialog requests go to their dialog.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use backoffice::{Backoffice, Clock, SipUser};
use rsipstack::dialog::dialog_layer::DialogLayer;
use rsipstack::platform::CancellationToken;
use rsipstack::sip::prelude::HeadersExt;
use rsipstack::sip::transport::Transport;
use rsipstack::sip::{Header, Method, Request, StatusCode, Uri, Version};
use rsipstack::transaction::endpoint::EndpointOption;
use rsipstack::transaction::transaction::Transaction;
use rsipstack::transaction::{CallIdFormat, TransactionReceiver};
use rsipstack::transport::udp::UdpConnection;
use rsipstack::transport::websocket::WebSocketListenerConnection;
use rsipstack::transport::TransportLayer;
use rsipstack::EndpointBuilder;
use tracing::{debug, info, warn};

use crate::bridge;
use crate::digest::{Credentials, DigestAuthority, DigestError};
use crate::registrar::{Binding, Flow, RegisterOutcome, Registrar};
use crate::screen::{has_to_tag, header, malformed, parse_contact};

/// What an edge instance serves.
#[derive(Debug, Clone)]
pub struct EdgeConfig {
    /// Where to listen (UDP).
    pub bind: SocketAddr,
    /// Where browsers and WebRTC agents connect: SIP over WebSocket (RFC 7118).
    /// `None`: no WebSocket listener.
    pub ws_bind: Option<SocketAddr>,
    /// Secure WebSocket (what browsers on https pages need): TLS ended here.
    pub wss: Option<crate::wss::WssConfig>,
    /// The tenant served (one tenant per edge in this slice).
    pub account: String,
    /// The digest realm; users' SIP passwords are set for it.
    pub realm: String,
    /// Keys the digest nonces.
    pub nonce_secret: String,
    /// The carrier trunk: where terminated calls (and emergency calls) are sent.
    pub carrier: SocketAddr,
    /// Addresses whose INVITEs are the carrier's (origination), taken without digest.
    pub carrier_sources: Vec<SocketAddr>,
    /// E5's last fallback: the site's fixed emergency callback number.
    pub site_callback: Option<String>,
    /// E5: how long the 911 path waits for the callback lease.
    pub lease_budget: Duration,
}

/// Why the edge could not start.
#[derive(Debug, thiserror::Error)]
pub enum EdgeError {
    #[error("cannot bind {addr}: {reason}")]
    Bind { addr: SocketAddr, reason: String },
    #[error("SIP stack: {0}")]
    Stack(String),
}

pub(crate) struct Shared {
    pub(crate) bo: Backoffice,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) config: EdgeConfig,
    pub(crate) digest: DigestAuthority,
    pub(crate) registrar: Mutex<Registrar>,
    pub(crate) dialogs: Arc<DialogLayer>,
    /// Our Contact and the host of URIs we write: `sip:edge@local_addr`.
    pub(crate) contact: Uri,
    pub(crate) local_addr: SocketAddr,
    /// The WebSocket listener's address, when there is one.
    pub(crate) ws_addr: Option<SocketAddr>,
    pub(crate) wss_addr: Option<SocketAddr>,
}

impl Shared {
    pub(crate) fn registrar(&self) -> std::sync::MutexGuard<'_, Registrar> {
        // A poisoned lock only means a panic elsewhere; the bindings are still sound.
        self.registrar.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A running edge. Stops when dropped or on [`Edge::shutdown`].
#[derive(Debug)]
pub struct Edge {
    shared: Arc<Shared>,
    cancel: CancellationToken,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Edge")
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

impl Drop for Edge {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

impl Edge {
    /// Opens the UDP listener and serves until shut down. Must run inside tokio.
    pub async fn start(
        config: EdgeConfig,
        bo: Backoffice,
        clock: Arc<dyn Clock>,
    ) -> Result<Edge, EdgeError> {
        let cancel = CancellationToken::new();
        let layer = TransportLayer::new(cancel.clone());
        let udp = UdpConnection::create_connection(config.bind, None, Some(cancel.child_token()))
            .await
            .map_err(|e| EdgeError::Bind {
                addr: config.bind,
                reason: e.to_string(),
            })?;
        let local_addr: SocketAddr =
            udp.get_addr()
                .addr
                .to_string()
                .parse()
                .map_err(|_| EdgeError::Bind {
                    addr: config.bind,
                    reason: "unexpected local address".into(),
                })?;
        layer.add_transport(udp.into());
        // WSS needs a WebSocket listener behind it: a loopback-only one when WS itself
        // is not served.
        let ws_bind = config.ws_bind.or_else(|| {
            config
                .wss
                .as_ref()
                .map(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
        });
        let ws_addr = match ws_bind {
            Some(ws_bind) => Some(open_websocket(&layer, ws_bind).await?),
            None => None,
        };
        let wss_addr = match (&config.wss, ws_addr) {
            (Some(wss), Some(ws)) => Some(crate::wss::start(wss, ws, cancel.child_token()).await?),
            _ => None,
        };
        let ws_addr = ws_addr.filter(|_| config.ws_bind.is_some());
        let endpoint = EndpointBuilder::new()
            .with_option(EndpointOption {
                callid_format: CallIdFormat::Uuid,
                ..EndpointOption::default()
            })
            .with_user_agent("softphone-edge")
            .with_transport_layer(layer)
            .with_cancel_token(cancel.clone())
            .build();
        let incoming = endpoint
            .incoming_transactions()
            .map_err(|e| EdgeError::Stack(e.to_string()))?;
        let inner = endpoint.inner.clone();
        let serving = inner.clone();
        tokio::spawn(async move {
            if let Err(e) = serving.serve().await {
                warn!(error = %e, "SIP endpoint stopped");
            }
        });
        let contact = Uri::try_from(format!("sip:edge@{local_addr}").as_str())
            .map_err(|e| EdgeError::Stack(e.to_string()))?;
        let shared = Arc::new(Shared {
            bo,
            clock,
            digest: DigestAuthority::new(config.realm.clone(), config.nonce_secret.clone()),
            config,
            registrar: Mutex::new(Registrar::new()),
            dialogs: Arc::new(DialogLayer::new(inner)),
            contact,
            local_addr,
            ws_addr,
            wss_addr,
        });
        tokio::spawn(serve(incoming, shared.clone()));
        info!(%local_addr, ?ws_addr, "SIP edge started");
        Ok(Edge { shared, cancel })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.shared.local_addr
    }

    /// Where SIP over WebSocket is served (`ws://` this address), when configured.
    pub fn ws_addr(&self) -> Option<SocketAddr> {
        self.shared.ws_addr
    }

    /// Where SIP over secure WebSocket is served (`wss://`), when configured.
    pub fn wss_addr(&self) -> Option<SocketAddr> {
        self.shared.wss_addr
    }

    /// The live registered contacts of a user.
    pub fn contacts(&self, user_id: &str) -> Vec<Binding> {
        self.shared
            .registrar()
            .contacts(user_id, self.shared.clock.now())
    }

    pub fn shutdown(&self) {
        self.cancel.cancel();
    }
}

/// Opens the WebSocket listener. rsipstack binds it inside its serve loop and only
/// logs a failure there, so the port is taken here first (a port given as 0 is chosen
/// now) and a taken port is the caller's error.
async fn open_websocket(
    layer: &TransportLayer,
    ws_bind: SocketAddr,
) -> Result<SocketAddr, EdgeError> {
    let bind_error = |reason: String| EdgeError::Bind {
        addr: ws_bind,
        reason,
    };
    let addr = std::net::TcpListener::bind(ws_bind)
        .and_then(|l| l.local_addr())
        .map_err(|e| bind_error(e.to_string()))?;
    let listener = WebSocketListenerConnection::new(addr, None, false)
        .await
        .map_err(|e| bind_error(e.to_string()))?;
    layer.add_transport(listener.into());
    Ok(addr)
}

/// The WebSocket connection a request came over, if it did (`webrtc_only` is left
/// false: it is the REGISTER's Contact that tells).
pub(crate) fn websocket_flow(tx: &Transaction) -> Option<Flow> {
    let remote = tx.connection.as_ref()?.get_remote_addr()?;
    // WSS arrives here as WS too: `wss` ends TLS in front of the WS listener.
    if !matches!(remote.r#type, Some(Transport::Ws | Transport::Wss)) {
        return None;
    }
    let peer = remote.get_socketaddr().ok()?;
    Some(Flow {
        peer,
        webrtc_only: false,
    })
}

async fn serve(mut incoming: TransactionReceiver, shared: Arc<Shared>) {
    while let Some(mut tx) = incoming.recv().await {
        let shared = shared.clone();
        tokio::spawn(async move {
            let method = tx.original.method;
            debug!(%method, "new server transaction");
            if let Some(status) = malformed(&tx.original) {
                tx.original.version = Version::V2;
                let _ = tx.reply(status).await;
                return;
            }
            if let Some(mut dialog) = shared.dialogs.match_dialog(&tx) {
                debug!(%method, "in-dialog request");
                if let Err(e) = dialog.handle(&mut tx).await {
                    debug!(%method, error = %e, "in-dialog request failed");
                }
                return;
            }
            let has_to_tag = has_to_tag(&tx.original);
            let status = match method {
                Method::Ack => return,
                Method::Register => return register(&shared, tx).await,
                Method::Invite if !has_to_tag => return bridge::invite(shared, tx).await,
                Method::Options => StatusCode::OK,
                _ if has_to_tag => StatusCode::CallTransactionDoesNotExist,
                _ => StatusCode::MethodNotAllowed,
            };
            let _ = tx.reply(status).await;
        });
    }
}

/// Checks the digest in `auth_header` (Authorization or Proxy-Authorization). `Err`
/// carries the status to answer: 401/407 with a fresh challenge, or 403.
pub(crate) async fn authenticate(
    shared: &Shared,
    req: &Request,
    auth_header: &str,
) -> Result<SipUser, (StatusCode, Vec<Header>)> {
    let now = shared.clock.now();
    let proxy = auth_header.starts_with("Proxy");
    let challenge = |stale: bool| {
        let value = shared.digest.challenge(now, stale);
        if proxy {
            (
                StatusCode::ProxyAuthenticationRequired,
                vec![Header::Other("Proxy-Authenticate".into(), value)],
            )
        } else {
            (
                StatusCode::Unauthorized,
                vec![Header::Other("WWW-Authenticate".into(), value)],
            )
        }
    };
    let Some(value) = header(req, auth_header) else {
        return Err(challenge(false));
    };
    let forbidden = (StatusCode::Forbidden, Vec::new());
    let creds = Credentials::parse(value).map_err(|_| forbidden.clone())?;
    let user = match shared.bo.sip_user(&creds.username).await {
        Ok(Some(u)) if u.user.account_id == shared.config.account => u,
        _ => return Err(forbidden),
    };
    if user.realm != shared.digest.realm() {
        return Err(forbidden);
    }
    match shared
        .digest
        .verify(&creds, req.method.to_string().as_str(), &user.ha1_md5, now)
    {
        Ok(()) => Ok(user),
        Err(DigestError::Stale) => Err(challenge(true)),
        Err(e) => {
            info!(error = %e, "digest refused");
            Err(forbidden)
        }
    }
}

async fn register(shared: &Shared, mut tx: Transaction) {
    let user = match authenticate(shared, &tx.original, "Authorization").await {
        Ok(u) => u,
        Err((status, headers)) => {
            let _ = tx.reply_with(status, headers, None).await;
            return;
        }
    };
    let to_user = tx
        .original
        .to_header()
        .ok()
        .and_then(|t| t.uri().ok())
        .and_then(|u| u.user().map(str::to_owned));
    if to_user.as_deref() != Some(user.user.username.as_str()) {
        let _ = tx.reply(StatusCode::Forbidden).await;
        return;
    }
    let Some((contact, param_expires)) = header(&tx.original, "Contact").and_then(parse_contact)
    else {
        let _ = tx.reply(StatusCode::BadRequest).await;
        return;
    };
    let expires = param_expires
        .or_else(|| header(&tx.original, "Expires").and_then(|e| e.trim().parse().ok()))
        .unwrap_or(3600);
    let now = shared.clock.now();
    let flow = websocket_flow(&tx).map(|f| Flow {
        webrtc_only: Flow::contact_is_webrtc_only(&contact),
        ..f
    });
    let outcome = shared
        .registrar()
        .register(&user.user.id, &contact, flow, expires, now);
    let (status, headers) = match outcome {
        RegisterOutcome::Bound { granted_s } => (
            StatusCode::OK,
            vec![Header::Other(
                "Contact".into(),
                format!("<{contact}>;expires={granted_s}"),
            )],
        ),
        RegisterOutcome::Removed => (StatusCode::OK, Vec::new()),
        RegisterOutcome::TooBrief { min_s } => (
            StatusCode::from(423),
            vec![Header::Other("Min-Expires".into(), min_s.to_string())],
        ),
    };
    info!(user = %user.user.id, expires, websocket = flow.is_some(), ?status, "REGISTER");
    let _ = tx.reply_with(status, headers, None).await;
}
