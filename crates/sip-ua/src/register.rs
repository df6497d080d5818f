//! REGISTER with digest authentication and refresh before expiry.
//!
//! One task per registration runs rsipstack's `Registration::keep_alive`: it registers,
//! answers 401/407 challenges (MD5 or SHA-256, whichever the challenge names), and
//! refreshes at 75% of the lifetime the registrar granted, backing off after failures.
//! Every attempt becomes a [`RegistrationEvent`]. Stopping it sends `Expires: 0`.

use std::sync::Arc;

use rsipstack::dialog::authenticate::Credential;
use rsipstack::dialog::registration::{RefreshOutcome, Registration};
use rsipstack::platform::CancellationToken;
use rsipstack::transaction::endpoint::EndpointInner;
use tokio::sync::mpsc;
use tracing::{info, warn};

use crate::config::Account;
use crate::error::SipUaError;
use crate::ua::UaEvent;

/// What became of one REGISTER attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistrationEvent {
    /// 2xx: registered for `expires` seconds; a refresh follows before then.
    Registered { expires: u32 },
    /// A final non-2xx (after the challenge was answered, when there was one).
    Rejected { code: u16 },
    /// No response or the request could not be sent; retried with backoff.
    Unreachable { error: String },
    /// The binding was removed (`Expires: 0`) on request.
    Unregistered,
}

/// Stops the registration task when asked or dropped.
#[derive(Debug)]
pub(crate) struct RegistrationTask {
    pub(crate) stop: CancellationToken,
    pub(crate) done: tokio::task::JoinHandle<()>,
}

pub(crate) fn spawn(
    endpoint: Arc<EndpointInner>,
    account: Account,
    outbound_proxy: Option<std::net::SocketAddr>,
    events: mpsc::UnboundedSender<UaEvent>,
    ua_cancel: &CancellationToken,
    transaction_timeout: std::time::Duration,
) -> Result<RegistrationTask, SipUaError> {
    let server = rsipstack::sip::Uri::try_from(account.registrar.as_str())
        .map_err(|_| SipUaError::InvalidUri(crate::redact::redact(&account.registrar)))?;
    let credential = Credential {
        username: account.credentials.username.clone(),
        password: account.credentials.password.clone(),
        realm: None,
        auth_username: None,
    };
    let mut registration = Registration::new(endpoint, Some(credential));
    registration.outbound_proxy = outbound_proxy;
    // A child of the UA's token: shutting the UA down stops the refresh loop too,
    // rather than leaving it retrying against a closed transport.
    let stop = ua_cancel.child_token();
    let token = stop.clone();
    let ua_gone = ua_cancel.clone();
    let done = tokio::spawn(async move {
        let ev = events.clone();
        registration
            .keep_alive(server.clone(), account.expires, token, |outcome| {
                let event = match outcome {
                    RefreshOutcome::Registered(resp) => RegistrationEvent::Registered {
                        expires: granted(resp, account.expires),
                    },
                    RefreshOutcome::Rejected(resp) => RegistrationEvent::Rejected {
                        code: resp.status_code.code(),
                    },
                    RefreshOutcome::Failed(e) => RegistrationEvent::Unreachable {
                        error: e.to_string(),
                    },
                };
                match &event {
                    RegistrationEvent::Registered { expires } => info!(expires, "registered"),
                    other => warn!(?other, "registration attempt failed"),
                }
                let _ = ev.send(UaEvent::Registration(event));
            })
            .await;
        let last = if ua_gone.is_cancelled() {
            // The transport is closed: nothing can be sent, and the registrar lets the
            // binding expire. A clean exit calls `UserAgent::unregister` first.
            RegistrationEvent::Unreachable {
                error: SipUaError::Closed.to_string(),
            }
        } else {
            // Stopped on request: remove the binding, best effort and bounded (the
            // registrar may be gone).
            let removal = registration.register(server, Some(0));
            match tokio::time::timeout(transaction_timeout, removal).await {
                Ok(Ok(resp)) if resp.status_code.code() / 100 == 2 => {
                    RegistrationEvent::Unregistered
                }
                Ok(Ok(resp)) => RegistrationEvent::Rejected {
                    code: resp.status_code.code(),
                },
                Ok(Err(e)) => RegistrationEvent::Unreachable {
                    error: e.to_string(),
                },
                Err(_) => RegistrationEvent::Unreachable {
                    error: "no answer to the removal".to_owned(),
                },
            }
        };
        let _ = events.send(UaEvent::Registration(last));
    });
    Ok(RegistrationTask { stop, done })
}

/// The lifetime granted in a 2xx as reported to the engine: the `Expires` header, else
/// what was asked for. Only for display: rsipstack schedules the refresh itself from
/// the same response (a per-Contact `expires` parameter wins there).
fn granted(resp: &rsipstack::sip::Response, asked: u32) -> u32 {
    resp.headers
        .iter()
        .find(|h| h.name().eq_ignore_ascii_case("Expires"))
        .and_then(|h| h.value().trim().parse().ok())
        .unwrap_or(asked)
}
