//! [`UserAgent`]: the SIP endpoint of the softphone, its event stream and its calls.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use rsipstack::dialog::dialog_layer::DialogLayer;
use rsipstack::dialog::invitation::InviteOption;
use rsipstack::platform::CancellationToken;
use rsipstack::sip::{Header, Uri};
use rsipstack::transaction::endpoint::{EndpointInner, EndpointOption};
use rsipstack::transaction::CallIdFormat;
use rsipstack::transport::TransportLayer;
use rsipstack::EndpointBuilder;
use tokio::sync::mpsc;
use tracing::{info, warn};

use crate::call::{self, Call};
use crate::config::{Account, UaConfig};
use crate::digest_compat::DigestAlgorithmNames;
use crate::emergency::{check_user_part, InviteContent, InviteExtras, Tokens};
use crate::error::SipUaError;
use crate::incoming::IncomingCall;
use crate::redact::{redact, Redacted};
use crate::register::{self, RegistrationEvent, RegistrationTask};
use crate::serve::{serve_incoming, Inbound};
use crate::transport;

/// Events of the user agent as a whole (calls report on their own [`Call`] handle).
#[derive(Debug)]
pub enum UaEvent {
    Registration(RegistrationEvent),
    /// A peer is calling us. Nobody listening (the [`UaEvents`] dropped) means the
    /// caller gets 480 Temporarily Unavailable.
    Incoming(Box<IncomingCall>),
}

impl UaEvent {
    /// The registration event, if this is one.
    pub fn registration(&self) -> Option<&RegistrationEvent> {
        match self {
            UaEvent::Registration(e) => Some(e),
            UaEvent::Incoming(_) => None,
        }
    }

    /// The incoming call, if this is one.
    pub fn into_incoming(self) -> Option<IncomingCall> {
        match self {
            UaEvent::Incoming(call) => Some(*call),
            UaEvent::Registration(_) => None,
        }
    }
}

/// The receiving end of a [`UserAgent`]'s events.
#[derive(Debug)]
pub struct UaEvents(mpsc::UnboundedReceiver<UaEvent>);

impl UaEvents {
    /// The next event; `None` once the user agent is gone.
    pub async fn next(&mut self) -> Option<UaEvent> {
        self.0.recv().await
    }
}

/// The softphone's SIP user agent. Cheap to clone; the endpoint stops when the last
/// clone is dropped or [`UserAgent::shutdown`] is called.
#[derive(Clone, Debug)]
pub struct UserAgent {
    inner: Arc<Inner>,
}

struct Inner {
    config: UaConfig,
    endpoint: Arc<EndpointInner>,
    dialogs: Arc<DialogLayer>,
    local_addr: SocketAddr,
    cancel: CancellationToken,
    events: mpsc::UnboundedSender<UaEvent>,
    /// Our Contact: `sip:user@local_addr`, with the transport when not UDP.
    contact: Uri,
    registration: Mutex<Option<RegistrationTask>>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserAgent")
            .field("local_addr", &self.local_addr)
            .field("identity", &self.config.identity)
            .finish_non_exhaustive()
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

impl UserAgent {
    /// Opens the transport and starts the endpoint. Must run inside a tokio runtime.
    pub async fn start(config: UaConfig) -> Result<(UserAgent, UaEvents), SipUaError> {
        check_user_part_or_name(&config.identity.user)?;
        let cancel = CancellationToken::new();
        let transport_layer = TransportLayer::new(cancel.clone());
        let local_addr = transport::open(&config, &transport_layer, &cancel).await?;
        let option = EndpointOption {
            t1: config.timer_t1,
            t1x64: config.timer_t1 * 64,
            // A bare UUID: the default appends rsipstack's own vendor domain.
            callid_format: CallIdFormat::Uuid,
            ..EndpointOption::default()
        };
        let endpoint = EndpointBuilder::new()
            .with_option(option)
            .with_user_agent(&config.user_agent)
            .with_transport_layer(transport_layer)
            .with_cancel_token(cancel.clone())
            .with_inspector(Box::new(DigestAlgorithmNames))
            .build();
        let incoming = endpoint.incoming_transactions()?;
        let endpoint = endpoint.inner.clone();
        let serving = endpoint.clone();
        tokio::spawn(async move {
            if let Err(e) = serving.serve().await {
                warn!(error = %e, "SIP endpoint stopped");
            }
        });
        let dialogs = Arc::new(DialogLayer::new(endpoint.clone()));
        let (events, rx) = mpsc::unbounded_channel();
        let contact = contact_uri(&config, local_addr)?;
        tokio::spawn(serve_incoming(
            incoming,
            Arc::new(Inbound {
                dialogs: dialogs.clone(),
                events: events.clone(),
                contact: contact.clone(),
            }),
        ));
        info!(%local_addr, "SIP user agent started");
        let inner = Inner {
            config,
            endpoint,
            dialogs,
            local_addr,
            cancel,
            events,
            contact,
            registration: Mutex::new(None),
        };
        Ok((
            UserAgent {
                inner: Arc::new(inner),
            },
            UaEvents(rx),
        ))
    }

    /// The address the UA listens on (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.inner.local_addr
    }

    /// Registers and keeps the registration fresh until [`UserAgent::unregister`];
    /// results arrive as [`UaEvent::Registration`]. Replaces an earlier registration.
    pub fn register(&self, mut account: Account) -> Result<(), SipUaError> {
        account.registrar = transport::mark(&account.registrar, self.inner.config.transport);
        let task = register::spawn(
            self.inner.endpoint.clone(),
            account,
            self.inner.config.outbound_proxy,
            self.inner.events.clone(),
            &self.inner.cancel,
            self.inner.config.timer_t1 * 64,
        )?;
        let old = self.registrations().replace(task);
        if let Some(old) = old {
            old.stop.cancel();
        }
        Ok(())
    }

    /// Stops refreshing and removes the binding; `Unregistered` (or the failure)
    /// follows as an event. Waits for that last REGISTER to finish (at most 64*T1).
    /// Call it before [`UserAgent::shutdown`]: after that nothing can be sent.
    pub async fn unregister(&self) {
        let task = self.registrations().take();
        if let Some(task) = task {
            task.stop.cancel();
            let _ = task.done.await;
        }
    }

    fn registrations(&self) -> std::sync::MutexGuard<'_, Option<RegistrationTask>> {
        // A poisoned lock only means a panic elsewhere; the Option inside is still sound.
        self.inner
            .registration
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Sends an INVITE to `target` (a SIP URI such as `sip:911@sbc.example`) with the
    /// SDP offer and the extras (E10 for emergency calls). Returns as soon as the
    /// INVITE is handed to the transport: nothing here waits on the network (E2).
    pub async fn invite(
        &self,
        target: &str,
        sdp_offer: &str,
        extras: InviteExtras,
    ) -> Result<Call, SipUaError> {
        self.start_invite(target, sdp_offer, extras)
    }

    /// [`UserAgent::invite`] without the `async`: the INVITE's transaction is started
    /// on the caller's thread, so a caller that must not wait for a scheduler (the
    /// engine's 911 dial step, E2) can start it in place. Must run inside a tokio
    /// runtime context (`Handle::enter`), because the transaction runs as a task.
    pub fn start_invite(
        &self,
        target: &str,
        sdp_offer: &str,
        extras: InviteExtras,
    ) -> Result<Call, SipUaError> {
        let cfg = &self.inner.config;
        let target = transport::mark(target, cfg.transport);
        let callee =
            Uri::try_from(target.as_str()).map_err(|_| SipUaError::InvalidUri(redact(&target)))?;
        // With a callback number the From user is that number, so a PSAP that does not
        // read P-Asserted-Identity still sees where to call back.
        let from_user = match &extras.callback {
            Some(number) => {
                check_user_part(number)?;
                number.as_str()
            }
            None => cfg.identity.user.as_str(),
        };
        let caller = Uri::try_from(format!("sip:{from_user}@{}", cfg.identity.domain).as_str())
            .map_err(|_| SipUaError::InvalidUri(redact(from_user)))?;
        let content = InviteContent::build(sdp_offer, &extras, &cfg.identity.domain, &tokens())?;
        let headers = content
            .headers
            .iter()
            .map(|(name, value)| Header::Other(name.clone(), value.clone()))
            .collect();
        let option = InviteOption {
            caller_display_name: cfg.identity.display_name.clone(),
            caller,
            callee,
            destination: cfg.outbound_proxy.map(|proxy| {
                let mut to = rsipstack::transport::SipAddr::from(proxy);
                to.r#type = Some(cfg.transport.stack());
                to
            }),
            content_type: Some(content.content_type),
            offer: Some(content.body),
            contact: self.inner.contact.clone(),
            credential: cfg.credentials.as_ref().map(|c| {
                rsipstack::dialog::authenticate::Credential {
                    username: c.username.clone(),
                    password: c.password.clone(),
                    realm: None,
                    auth_username: None,
                }
            }),
            headers: Some(headers),
            ..Default::default()
        };
        let (states_tx, states_rx) = self.inner.dialogs.new_dialog_state_channel();
        let (dialog, outcome) = self.inner.dialogs.do_invite_async(option, states_tx)?;
        let call_id = dialog.id().call_id.clone();
        info!(%call_id, target = %Redacted(&target), ?extras, "INVITE sent");
        Ok(call::spawn_outgoing(
            call_id,
            dialog,
            outcome,
            states_rx,
            self.inner.dialogs.clone(),
            sdp_offer.to_owned(),
        ))
    }

    /// Stops the endpoint: every transaction and transport ends.
    pub fn shutdown(&self) {
        self.inner.cancel.cancel();
    }
}

/// `sip:user@local_addr`, with the transport when it is not UDP.
fn contact_uri(config: &UaConfig, local_addr: SocketAddr) -> Result<Uri, SipUaError> {
    let mut contact = format!("sip:{}@{local_addr}", config.identity.user);
    if let Some(param) = config.transport.uri_param() {
        contact.push_str(";transport=");
        contact.push_str(param);
    }
    Uri::try_from(contact.as_str()).map_err(|_| SipUaError::InvalidUri(redact(&contact)))
}

/// The identity's user part goes into From and Contact unescaped: a number or a
/// plain user name (RFC 3261 unreserved characters), nothing that could add URI
/// parameters or headers.
fn check_user_part_or_name(user: &str) -> Result<(), SipUaError> {
    let ok = !user.is_empty()
        && user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-_.!~*'()".contains(c));
    if ok {
        Ok(())
    } else {
        Err(SipUaError::InvalidUri(redact(user)))
    }
}

/// Random tokens for a multipart body. Not secret, only unique: hashing the time and a
/// counter with std's randomly keyed hasher is enough and needs no extra crate.
fn tokens() -> Tokens {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    let token = format!("{:016x}", h.finish());
    Tokens {
        boundary: format!("sp-{token}"),
        content_id: format!("loc-{token}@softphone"),
    }
}
