//! The supervisor's view in the app (S1, S2, E11).
//!
//! The back office's feed (`GET /api/v1/supervisor/feed`, see
//! `crates/backoffice/src/api/feed.rs`) sends a `snapshot`, then `call`,
//! `call_removed`, `presence` and `alerts` messages. [`SupervisorView`] folds them
//! into what the app shows, and [`SupervisorView::alarm`] says whether the alert
//! sound must play: while any alert is unacknowledged (E11), ended or not.
//! [`Desk`] is the app's panel over it: [`sign_in`], the [`Feed`] followed with
//! reconnects, [`acknowledge`], and a hook that starts and stops the alert sound.
//!
//! All of it is kept out of the webview on purpose: the app follows the
//! feed in Rust (one backend interface for the UI, no CSP opening for the back
//! office) and the sound goes through the engine's sound system, not the webview.

mod desk;
mod follow;
mod session;

pub use desk::{AlarmHook, Desk};
pub use follow::{acknowledge, Feed, FollowError};
pub use session::{sign_in, Session, SignInError};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One ongoing (non-emergency) call (S1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub call_id: String,
    pub agent_id: String,
    pub agent_name: String,
    pub direction: String,
    pub state: String,
    pub queue: Option<String>,
    pub recording: bool,
}

/// An agent's presence (S1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    pub agent_id: String,
    pub agent_name: String,
    pub status: String,
}

/// An emergency alert (S2, E11), as the back office sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub id: String,
    pub agent_id: String,
    pub agent_name: String,
    pub started_at_ms: i64,
    pub ended_at_ms: Option<i64>,
    pub callback_number: String,
    pub location: String,
    pub test: bool,
    pub acknowledged_by: Option<String>,
}

/// A feed message the view could not understand.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("the feed sent a malformed `{kind}` message: {reason}")]
    Malformed { kind: String, reason: String },
}

/// What the Supervisor tab shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupervisorView {
    pub conversations: Vec<Conversation>,
    pub presence: Vec<Presence>,
    pub alerts: Vec<Alert>,
}

impl SupervisorView {
    /// Applies one feed message; unknown types are ignored (a newer back office may
    /// send more), a known type with a bad shape is an error.
    pub fn apply(&mut self, msg: &Value) -> Result<(), FeedError> {
        let kind = msg["type"].as_str().unwrap_or_default().to_owned();
        let field = |name: &str| msg.get(name).cloned().unwrap_or(Value::Null);
        let bad = |e: serde_json::Error| FeedError::Malformed {
            kind: kind.clone(),
            reason: e.to_string(),
        };
        match kind.as_str() {
            "snapshot" => {
                self.conversations = serde_json::from_value(field("calls")).map_err(bad)?;
                self.presence = serde_json::from_value(field("presence")).map_err(bad)?;
                self.alerts = serde_json::from_value(field("alerts")).map_err(bad)?;
            }
            "call" => {
                let c: Conversation = serde_json::from_value(field("call")).map_err(bad)?;
                match self
                    .conversations
                    .iter_mut()
                    .find(|x| x.call_id == c.call_id)
                {
                    Some(row) => *row = c,
                    None => self.conversations.push(c),
                }
            }
            "call_removed" => {
                let id = msg["call_id"].as_str().unwrap_or_default();
                self.conversations.retain(|c| c.call_id != id);
            }
            "presence" => {
                let p: Presence = serde_json::from_value(field("presence")).map_err(bad)?;
                match self.presence.iter_mut().find(|x| x.agent_id == p.agent_id) {
                    Some(row) => *row = p,
                    None => self.presence.push(p),
                }
            }
            "alerts" => self.alerts = serde_json::from_value(field("alerts")).map_err(bad)?,
            _ => {}
        }
        Ok(())
    }

    /// E11: the alert sounds while any alert waits for acknowledgement, even after
    /// its call ended (the supervisors must still learn of it).
    pub fn alarm(&self) -> bool {
        self.alerts.iter().any(|a| a.acknowledged_by.is_none())
    }
}

fn wire_alert(a: &Alert) -> wire::EmergencyAlertView {
    wire::EmergencyAlertView {
        id: a.id.clone(),
        agent_name: a.agent_name.clone(),
        started_at_ms: a.started_at_ms,
        ended_at_ms: a.ended_at_ms,
        callback_number: a.callback_number.clone(),
        location: a.location.clone(),
        test: a.test,
        acknowledged_by: a.acknowledged_by.clone(),
    }
}

fn wire_conversation(c: &Conversation) -> wire::ConversationView {
    wire::ConversationView {
        call_id: c.call_id.clone(),
        agent_name: c.agent_name.clone(),
        direction: c.direction.clone(),
        state: c.state.clone(),
        queue: c.queue.clone(),
        recording: c.recording,
    }
}

fn wire_presence(p: &Presence) -> wire::AgentPresenceView {
    wire::AgentPresenceView {
        agent_id: p.agent_id.clone(),
        agent_name: p.agent_name.clone(),
        status: p.status.clone(),
    }
}

#[cfg(test)]
mod tests;
