//! The app's Supervisor panel behind one handle ([`Desk`]): sign in, follow the feed
//! (reconnecting on its own), acknowledge alerts, sign out.
//!
//! The alert sound is not played here: the desk tells its owner through the
//! [`AlarmHook`] each time the alarm starts or stops (E11), and the app plays it on
//! the agent's ringer through the engine, the device chosen for being heard.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::broadcast;
use tokio::task::JoinHandle;
use wire::{ErrorCode, SupervisorDeskView, UiError};

use crate::{acknowledge, sign_in, Feed, Session, SignInError, SupervisorView};

/// Called with `true` when the alert sound must start and `false` when it must stop;
/// only on a change. Called with the desk's lock held, so calls arrive in order: it
/// must not call back into the desk.
pub type AlarmHook = Arc<dyn Fn(bool) + Send + Sync>;

/// The longest wait between two attempts to reopen the feed.
const MAX_RETRY: Duration = Duration::from_secs(5);

/// The Supervisor panel's session and live view. Cheap to clone.
#[derive(Clone)]
pub struct Desk {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk").finish_non_exhaustive()
    }
}

struct Shared {
    state: Mutex<State>,
    views: broadcast::Sender<SupervisorDeskView>,
    on_alarm: AlarmHook,
}

#[derive(Default)]
struct State {
    default_url: Option<String>,
    session: Option<Session>,
    view: SupervisorView,
    connected: bool,
    problem: Option<String>,
    alarm: bool,
    revision: u32,
    follow: Option<JoinHandle<()>>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        if let Some(task) = self.state.get_mut().ok().and_then(|s| s.follow.take()) {
            task.abort();
        }
    }
}

impl Desk {
    /// A signed-out desk offering `default_url` (the configured back office).
    pub fn new(default_url: Option<String>, on_alarm: AlarmHook) -> Desk {
        let (views, _) = broadcast::channel(16);
        let state = State {
            default_url,
            ..State::default()
        };
        Desk {
            shared: Arc::new(Shared {
                state: Mutex::new(state),
                views,
                on_alarm,
            }),
        }
    }

    /// Every view published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<SupervisorDeskView> {
        self.shared.views.subscribe()
    }

    pub fn view(&self) -> SupervisorDeskView {
        to_wire(&self.shared.lock())
    }

    /// Signs in (A1: supervisors and administrators only) and starts following the
    /// feed. A refusal leaves the desk as it was.
    pub async fn sign_in(
        &self,
        url: &str,
        username: &str,
        password: &str,
    ) -> Result<SupervisorDeskView, UiError> {
        let url = url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(UiError::invalid_field(
                "url",
                "The back office address must start with http:// or https://.",
            ));
        }
        if username.trim().is_empty() || password.is_empty() {
            let field = if username.trim().is_empty() {
                "username"
            } else {
                "password"
            };
            return Err(UiError::invalid_field(
                field,
                "Enter your user name and password.",
            ));
        }
        let session = sign_in(url, username.trim(), password)
            .await
            .map_err(ui_error)?;
        tracing::info!(role = %session.role, "supervisor signed in");
        let weak = Arc::downgrade(&self.shared);
        let task = tokio::spawn(follow(weak, session.clone()));
        let mut s = self.shared.lock();
        if let Some(old) = s.follow.replace(task) {
            old.abort();
        }
        s.default_url = Some(session.base_url.clone());
        s.session = Some(session);
        s.view = SupervisorView::default();
        s.connected = false;
        s.problem = None;
        Ok(self.shared.publish(s))
    }

    /// E11: records the acknowledgement; the feed then brings the alert back marked.
    pub async fn acknowledge(&self, alert_id: &str) -> Result<(), UiError> {
        let session = self.shared.lock().session.clone().ok_or_else(|| {
            UiError::new(ErrorCode::NotAllowed, "Sign in to the back office first.")
        })?;
        acknowledge(&session, alert_id)
            .await
            .map_err(|e| UiError::new(ErrorCode::BackofficeUnreachable, e.to_string()))
    }

    /// Stops following the feed and forgets the session; the alarm stops.
    pub fn sign_out(&self) -> SupervisorDeskView {
        let mut s = self.shared.lock();
        if let Some(task) = s.follow.take() {
            task.abort();
        }
        s.session = None;
        s.view = SupervisorView::default();
        s.connected = false;
        s.problem = None;
        self.shared.publish(s)
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind: still usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sounds or silences the alarm on a change, then sends the view out.
    fn publish(&self, mut s: MutexGuard<'_, State>) -> SupervisorDeskView {
        s.revision = s.revision.wrapping_add(1);
        let alarm = s.session.is_some() && s.view.alarm();
        if alarm != s.alarm {
            s.alarm = alarm;
            (self.on_alarm)(alarm);
        }
        let view = to_wire(&s);
        drop(s);
        // Nobody listening (the panel closed) is fine: the next `view` reads it.
        let _ = self.views.send(view.clone());
        view
    }
}

/// Follows the feed of `session` while the desk lives and this session is its own,
/// reopening it after a failure (the back office restarted, the network blinked).
async fn follow(desk: std::sync::Weak<Shared>, session: Session) {
    let mut retry = Duration::from_millis(250);
    loop {
        let outcome = match Feed::open(&session).await {
            Ok(mut feed) => loop {
                let next = feed.next_view().await.cloned();
                let Some(shared) = desk.upgrade() else { return };
                let mut s = shared.lock();
                if s.session.as_ref() != Some(&session) {
                    return;
                }
                match next {
                    Ok(view) => {
                        retry = Duration::from_millis(250);
                        s.view = view;
                        s.connected = true;
                        s.problem = None;
                        shared.publish(s);
                    }
                    Err(e) => break e.to_string(),
                }
            },
            Err(e) => e.to_string(),
        };
        tracing::warn!(error = %outcome, "the supervisors' feed is down; reopening");
        {
            let Some(shared) = desk.upgrade() else { return };
            let mut s = shared.lock();
            if s.session.as_ref() != Some(&session) {
                return;
            }
            s.connected = false;
            s.problem = Some(format!(
                "Live updates stopped ({outcome}). Reconnecting; alerts stay as last seen."
            ));
            shared.publish(s);
        }
        tokio::time::sleep(retry).await;
        retry = (retry * 2).min(MAX_RETRY);
    }
}

fn ui_error(e: SignInError) -> UiError {
    let code = match e {
        SignInError::Unreachable { .. } => ErrorCode::BackofficeUnreachable,
        SignInError::Refused { .. } => ErrorCode::BadCredentials,
        SignInError::WrongRole { .. } => ErrorCode::WrongRole,
    };
    UiError::new(code, e.to_string())
}

fn to_wire(s: &State) -> SupervisorDeskView {
    let v = &s.view;
    SupervisorDeskView {
        revision: s.revision,
        backoffice_url: s.default_url.clone(),
        signed_in_as: s.session.as_ref().map(|x| x.username.clone()),
        role: s.session.as_ref().map(|x| x.role.clone()),
        connected: s.connected,
        problem: s.problem.clone(),
        alarm: s.alarm,
        alerts: v.alerts.iter().map(crate::wire_alert).collect(),
        conversations: v
            .conversations
            .iter()
            .map(crate::wire_conversation)
            .collect(),
        presence: v.presence.iter().map(crate::wire_presence).collect(),
    }
}
