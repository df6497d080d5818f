//! The app's Supervisor panel (issue 7 item 4; S1, S2, E11): what the back office's
//! live feed says, as the panel shows it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The Supervisor panel: signed out (only `backofficeUrl` and maybe `problem`), or
/// following the back office's feed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct SupervisorDeskView {
    /// Grows by one with every view the desk publishes. A command's reply and the
    /// `supervisor-view` event travel separately and can arrive in either order; the
    /// UI keeps the view with the highest revision, never an older one.
    pub revision: u32,
    /// The back office the sign-in form offers (from the configuration), or the one
    /// signed in to.
    pub backoffice_url: Option<String>,
    /// The user name signed in; `None` when signed out.
    pub signed_in_as: Option<String>,
    /// `Supervisor` or `Administrator` (A1).
    pub role: Option<String>,
    /// The feed is open; false while it reconnects.
    pub connected: bool,
    /// Why the feed is down, in a sentence for the panel.
    pub problem: Option<String>,
    /// E11: the alert sound plays (an alert waits for acknowledgement).
    pub alarm: bool,
    pub alerts: Vec<EmergencyAlertView>,
    pub conversations: Vec<ConversationView>,
    pub presence: Vec<AgentPresenceView>,
}

/// An emergency alert (S2, E11).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct EmergencyAlertView {
    pub id: String,
    pub agent_name: String,
    /// Unix milliseconds.
    pub started_at_ms: i64,
    /// Set once the emergency call ended; the alert stays until acknowledged.
    pub ended_at_ms: Option<i64>,
    pub callback_number: String,
    pub location: String,
    /// A 933 test call.
    pub test: bool,
    pub acknowledged_by: Option<String>,
}

/// One ongoing conversation (S1); emergency calls are alerts, not rows here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct ConversationView {
    pub call_id: String,
    pub agent_name: String,
    pub direction: String,
    pub state: String,
    pub queue: Option<String>,
    pub recording: bool,
}

/// An agent's presence (S1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct AgentPresenceView {
    pub agent_id: String,
    pub agent_name: String,
    pub status: String,
}
