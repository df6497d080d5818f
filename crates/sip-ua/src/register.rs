//! REGISTER with digest authentication, refresh before expiry, keep-alive and
//! recovery after the registrar is lost.
//!
//! One task per registration: it registers (rsipstack's `Registration::register`
//! answers 401/407 challenges, MD5 or SHA-256, whichever the challenge names), then
//! waits for 75% of the granted lifetime, probing the registrar with OPTIONS every
//! `Account::keepalive` on the way (`keepalive.rs`). A failed attempt is retried
//! after a backoff that doubles from `Account::retry_min` to `Account::retry_max`;
//! a lost keep-alive re-registers at once, so the binding is restored as soon as the
//! registrar answers again. Every outcome is a [`RegistrationEvent`]. Stopping the
//! task sends `Expires: 0`.

use std::sync::Arc;
use std::time::Duration;

use rsipstack::dialog::authenticate::Credential;
use rsipstack::dialog::registration::Registration;
use rsipstack::platform::CancellationToken;
use rsipstack::sip::{StatusCode, StatusCodeKind, Uri};
use rsipstack::transaction::endpoint::EndpointInner;
use tokio::sync::mpsc;
use tracing::{info, warn};

use crate::config::Account;
use crate::error::SipUaError;
use crate::keepalive;
use crate::ua::UaEvent;

/// What became of one REGISTER attempt or keep-alive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistrationEvent {
    /// 2xx: registered for `expires` seconds; a refresh follows before then.
    Registered { expires: u32 },
    /// A final non-2xx (after the challenge was answered, when there was one);
    /// retried with backoff.
    Rejected { code: u16 },
    /// No response or the request could not be sent; retried with backoff.
    Unreachable { error: String },
    /// The registrar stopped answering the keep-alive while we were registered: the
    /// binding and the calls it routes to us may be lost. Re-registration starts at
    /// once and goes on with backoff until the registrar answers (`Registered`).
    Lost { error: String },
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
    transaction_timeout: Duration,
) -> Result<RegistrationTask, SipUaError> {
    let server = Uri::try_from(account.registrar.as_str())
        .map_err(|_| SipUaError::InvalidUri(crate::redact::redact(&account.registrar)))?;
    let credential = Credential {
        username: account.credentials.username.clone(),
        password: account.credentials.password.clone(),
        realm: None,
        auth_username: None,
    };
    let mut registration = Registration::new(endpoint.clone(), Some(credential));
    registration.outbound_proxy = outbound_proxy;
    // A child of the UA's token: shutting the UA down stops the refresh loop too,
    // rather than leaving it retrying against a closed transport.
    let stop = ua_cancel.child_token();
    let token = stop.clone();
    let ua_gone = ua_cancel.clone();
    let done = tokio::spawn(async move {
        let report = |event: RegistrationEvent| {
            match &event {
                RegistrationEvent::Registered { expires } => info!(expires, "registered"),
                other => warn!(?other, "registration trouble"),
            }
            let _ = events.send(UaEvent::Registration(event));
        };
        let mut task = Refresher {
            endpoint,
            registration: &mut registration,
            server: server.clone(),
            account: &account,
            outbound_proxy,
            token: &token,
            probes: 0,
        };
        task.run(&report).await;
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
        report(last);
    });
    Ok(RegistrationTask { stop, done })
}

struct Refresher<'a> {
    endpoint: Arc<EndpointInner>,
    registration: &'a mut Registration,
    server: Uri,
    account: &'a Account,
    outbound_proxy: Option<std::net::SocketAddr>,
    token: &'a CancellationToken,
    probes: u32,
}

/// How the wait between two REGISTERs ended.
enum Wake {
    Stop,
    Refresh,
    Lost(String),
}

impl Refresher<'_> {
    /// Registers, refreshes and recovers until the token is cancelled.
    async fn run(&mut self, report: &impl Fn(RegistrationEvent)) {
        let mut failures: u32 = 0;
        loop {
            let attempt = tokio::select! {
                _ = self.token.cancelled() => return,
                r = self.registration.register(self.server.clone(), Some(self.account.expires)) => r,
            };
            let event = match attempt {
                Ok(resp) if resp.status_code.kind() == StatusCodeKind::Successful => {
                    RegistrationEvent::Registered {
                        expires: granted(&resp, self.account.expires),
                    }
                }
                // rsipstack reports silence (Timer F) as a 408 it made itself.
                Ok(resp) if resp.status_code == StatusCode::RequestTimeout => {
                    RegistrationEvent::Unreachable {
                        error: "no answer from the registrar".to_owned(),
                    }
                }
                Ok(resp) => RegistrationEvent::Rejected {
                    code: resp.status_code.code(),
                },
                Err(e) => RegistrationEvent::Unreachable {
                    error: e.to_string(),
                },
            };
            let registered = match &event {
                RegistrationEvent::Registered { expires } => Some(*expires),
                _ => None,
            };
            report(event);
            let Some(expires) = registered else {
                let wait = backoff(self.account, failures);
                failures = failures.saturating_add(1);
                tokio::select! {
                    _ = self.token.cancelled() => return,
                    _ = tokio::time::sleep(wait) => continue,
                }
            };
            failures = 0;
            match self.hold(refresh_interval(expires)).await {
                Wake::Stop => return,
                Wake::Refresh => {}
                Wake::Lost(error) => report(RegistrationEvent::Lost { error }),
            }
        }
    }

    /// Waits until the refresh is due, probing the registrar on the way.
    async fn hold(&mut self, refresh: Duration) -> Wake {
        let due = tokio::time::Instant::now() + refresh;
        loop {
            let next_probe = self
                .account
                .keepalive
                .map(|every| tokio::time::Instant::now() + every)
                .filter(|at| *at < due);
            let Some(at) = next_probe else {
                return tokio::select! {
                    _ = self.token.cancelled() => Wake::Stop,
                    _ = tokio::time::sleep_until(due) => Wake::Refresh,
                };
            };
            tokio::select! {
                _ = self.token.cancelled() => return Wake::Stop,
                _ = tokio::time::sleep_until(at) => {}
            }
            self.probes = self.probes.wrapping_add(1);
            let user = &self.account.credentials.username;
            let probe = keepalive::probe(
                &self.endpoint,
                &self.server,
                user,
                self.outbound_proxy,
                self.probes,
            );
            let result = tokio::select! {
                _ = self.token.cancelled() => return Wake::Stop,
                r = probe => r,
            };
            if let Err(error) = result {
                return Wake::Lost(error);
            }
        }
    }
}

/// 75% of the granted lifetime, at least one second.
fn refresh_interval(expires: u32) -> Duration {
    Duration::from_millis((u64::from(expires) * 750).max(1000))
}

/// The wait after the `failures`+1-th failure in a row: `retry_min` doubled per
/// failure, capped at `retry_max`.
fn backoff(account: &Account, failures: u32) -> Duration {
    let factor = 1u32 << failures.min(16);
    account
        .retry_min
        .saturating_mul(factor)
        .min(account.retry_max)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Credentials;

    #[test]
    fn backoff_doubles_from_min_to_max() {
        let mut account = Account::new(
            "sip:127.0.0.1",
            Credentials {
                username: "u".into(),
                password: "p".into(),
            },
            60,
        );
        account.retry_min = Duration::from_millis(500);
        account.retry_max = Duration::from_secs(3);
        let waits: Vec<_> = (0..5).map(|n| backoff(&account, n)).collect();
        assert_eq!(
            waits,
            [500, 1000, 2000, 3000, 3000].map(Duration::from_millis)
        );
        assert_eq!(backoff(&account, u32::MAX), Duration::from_secs(3));
    }

    #[test]
    fn refresh_is_at_three_quarters_of_the_lifetime() {
        assert_eq!(refresh_interval(600), Duration::from_secs(450));
        assert_eq!(refresh_interval(1), Duration::from_secs(1));
    }
}
