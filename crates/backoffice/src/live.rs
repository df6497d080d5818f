//! The supervisors' live view (S1, S2): ongoing calls and agents' presence.
//!
//! Agents' apps (or, later, the SIP edge) report each call's state and their own
//! presence; the service keeps what is ongoing and announces every change on a tokio
//! broadcast channel, which the supervisors' WebSocket feed forwards: nothing polls.
//!
//! **Storage: in memory, per instance.** Ongoing calls and presence are transient
//! (a call lasts minutes, presence is re-published by the app), so they live in this
//! instance's memory and are lost on restart. With several instances behind one load
//! balancer, a supervisor's feed shows only what was reported to its own instance: the
//! multi-instance feed is not shared yet. Emergency alerts are the exception: they are
//! in the database (see [`crate::alerts`]): every instance's snapshot shows them, and
//! every instance running its workers announces a change another instance made
//! within 200 ms (`Backoffice::announce_changed_alerts`), so the alert of a 911 the
//! SIP edge routed reaches a feed open on the service's own process.
//!
//! Emergency calls (S2, E7) never become conversation rows: a report marked
//! `emergency` removes any row of that call and stores nothing; the call is seen only
//! as its emergency alert. An ended call is forgotten at once: this is not history.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::broadcast;

use crate::alerts::EmergencyAlert;
use crate::auth::Principal;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::numbers::string_enum;
use crate::service::Backoffice;

string_enum!(
    /// S1: where a call stands.
    CallState { Ringing, Talking, OnHold, Ended }
);

string_enum!(
    /// S1: who placed the call.
    Direction { Inbound, Outbound }
);

string_enum!(
    /// S1: an agent's presence as the agent published it.
    PresenceStatus { Available, Busy, Away, DoNotDisturb, Offline }
);

/// What an agent's app reports about one of its calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallReport {
    /// The app's own id of the call, unique in the account.
    pub call_id: String,
    pub state: CallState,
    pub direction: Direction,
    pub queue: Option<String>,
    pub recording: bool,
    /// 911, 933 or an emergency callback (E7): never shown as a conversation.
    pub emergency: bool,
}

/// One ongoing (non-emergency) call as supervisors see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OngoingCall {
    pub call_id: String,
    pub agent_id: String,
    pub agent_name: String,
    pub direction: Direction,
    /// Never `Ended`: ended calls are removed.
    pub state: CallState,
    pub queue: Option<String>,
    pub recording: bool,
    /// When the back office first heard of the call (its clock).
    pub started_at: Timestamp,
}

/// An agent's presence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentPresence {
    pub agent_id: String,
    pub agent_name: String,
    pub status: PresenceStatus,
    pub since: Timestamp,
}

/// A change of the live view, announced to every feed of the account.
#[derive(Debug, Clone)]
pub enum LiveEvent {
    /// A call started or changed.
    Call(OngoingCall),
    /// A call ended (or turned out to be an emergency call): drop its row.
    CallRemoved {
        call_id: String,
        agent_id: String,
    },
    Presence(AgentPresence),
    /// The account's emergency alerts, whole, after any change of one of them.
    Alerts(Vec<EmergencyAlert>),
    /// A session was signed out: feeds opened with it close. Sent with an empty
    /// account id, since every feed checks it.
    SessionEnded {
        token_sha256: String,
    },
}

/// What a feed shows first.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub at: Timestamp,
    pub calls: Vec<OngoingCall>,
    pub presence: Vec<AgentPresence>,
    pub alerts: Vec<EmergencyAlert>,
}

#[derive(Debug, Default)]
struct AccountLive {
    calls: HashMap<String, OngoingCall>,
    presence: HashMap<String, AgentPresence>,
}

/// The in-memory live state of one service instance and its broadcast channel.
#[derive(Debug)]
pub(crate) struct Live {
    accounts: Mutex<HashMap<String, AccountLive>>,
    events: broadcast::Sender<(String, LiveEvent)>,
}

/// How many changes a slow feed may fall behind before it is sent a fresh snapshot.
const CHANNEL_CAPACITY: usize = 1024;

impl Live {
    pub(crate) fn new() -> Self {
        Self {
            accounts: Mutex::new(HashMap::new()),
            events: broadcast::channel(CHANNEL_CAPACITY).0,
        }
    }

    fn with<T>(&self, account: &str, f: impl FnOnce(&mut AccountLive) -> T) -> T {
        let mut all = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        let t = f(all.entry(account.to_owned()).or_default());
        if all
            .get(account)
            .is_some_and(|a| a.calls.is_empty() && a.presence.is_empty())
        {
            all.remove(account);
        }
        t
    }

    pub(crate) fn session_ended(&self, token_sha256: String) {
        self.send("", LiveEvent::SessionEnded { token_sha256 });
    }

    fn send(&self, account: &str, event: LiveEvent) {
        // No receiver is not an error: nobody is watching.
        let _ = self.events.send((account.to_owned(), event));
    }
}

fn check_text(field: &'static str, value: &str, max: usize) -> Result<()> {
    let ok = (1..=max).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-@:+ ".contains(&b))
        && value.trim() == value;
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            "A2",
            format!("1 to {max} letters, digits, spaces or '._-@:+', no leading or trailing space"),
        ))
    }
}

impl Backoffice {
    /// S1, A1: an agent reports one of its own calls. A call id already reported by
    /// another agent is refused; an ended or emergency call leaves nothing behind.
    pub async fn report_call(&self, agent: &Principal, report: &CallReport) -> Result<()> {
        check_text("call_id", &report.call_id, 128)?;
        if let Some(q) = &report.queue {
            check_text("queue", q, 64)?;
        }
        let now = self.now();
        let account = &agent.account_id;
        let event = self.live.with(account, |a| {
            let existing = a.calls.get(&report.call_id);
            if existing.is_some_and(|c| c.agent_id != agent.user_id) {
                return Err(Error::NotYours { field: "call_id" });
            }
            if report.emergency || report.state == CallState::Ended {
                return Ok(a
                    .calls
                    .remove(&report.call_id)
                    .map(|c| LiveEvent::CallRemoved {
                        call_id: c.call_id,
                        agent_id: c.agent_id,
                    }));
            }
            let call = OngoingCall {
                call_id: report.call_id.clone(),
                agent_id: agent.user_id.clone(),
                agent_name: agent.username.clone(),
                direction: report.direction,
                state: report.state,
                queue: report.queue.clone(),
                recording: report.recording,
                started_at: existing.map_or(now, |c| c.started_at),
            };
            a.calls.insert(call.call_id.clone(), call.clone());
            Ok(Some(LiveEvent::Call(call)))
        })?;
        if let Some(e) = event {
            self.live.send(account, e);
        }
        Ok(())
    }

    /// S1: an agent publishes its own presence.
    pub async fn publish_presence(&self, agent: &Principal, status: PresenceStatus) -> Result<()> {
        let p = AgentPresence {
            agent_id: agent.user_id.clone(),
            agent_name: agent.username.clone(),
            status,
            since: self.now(),
        };
        self.live.with(&agent.account_id, |a| {
            a.presence.insert(p.agent_id.clone(), p.clone())
        });
        self.live.send(&agent.account_id, LiveEvent::Presence(p));
        Ok(())
    }

    /// S1: the account's ongoing calls, oldest first.
    pub fn ongoing_calls(&self, account: &str) -> Vec<OngoingCall> {
        let mut calls: Vec<_> = self
            .live
            .with(account, |a| a.calls.values().cloned().collect());
        calls.sort_by(|x, y| (x.started_at, &x.call_id).cmp(&(y.started_at, &y.call_id)));
        calls
    }

    /// S1: the presence of every agent that published one, by name.
    pub fn agents_presence(&self, account: &str) -> Vec<AgentPresence> {
        let mut all: Vec<_> = self
            .live
            .with(account, |a| a.presence.values().cloned().collect());
        all.sort_by(|x, y| x.agent_name.cmp(&y.agent_name));
        all
    }

    /// Changes of every account from now on, as (account id, event). Subscribe before
    /// taking the [`Backoffice::live_snapshot`], so that no change falls between them.
    pub fn subscribe_live(&self) -> broadcast::Receiver<(String, LiveEvent)> {
        self.live.events.subscribe()
    }

    /// S1, S2: everything a supervisor's feed shows first.
    pub async fn live_snapshot(&self, account: &str) -> Result<Snapshot> {
        Ok(Snapshot {
            at: self.now(),
            calls: self.ongoing_calls(account),
            presence: self.agents_presence(account),
            alerts: self.emergency_alerts(account).await?,
        })
    }

    /// S2: announces the account's alerts after a change. A failure to read them is
    /// logged and never fails the change itself (E11: notification stays beside).
    pub(crate) async fn announce_alerts(&self, account: &str) {
        match self.emergency_alerts(account).await {
            Ok(alerts) => self.live.send(account, LiveEvent::Alerts(alerts)),
            Err(e) => tracing::error!(error = %e, "could not announce emergency alerts"),
        }
    }
}
