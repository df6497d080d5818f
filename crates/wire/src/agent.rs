//! The agent's own state as the UI shows it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{
    CallView, CallbackWindowView, HistoryEntry, LocationView, ReadinessView, RecordingView,
    RegistrationView, UiError,
};

/// The agent's presence status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum Presence {
    Available,
    Busy,
    Away,
    DoNotDisturb,
    Offline,
}

/// Everything the main window needs to draw the agent's state, sent whole on every change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct AgentView {
    pub presence: Presence,
    /// True while the policy core forbids presence changes (an emergency call).
    pub presence_locked: bool,
    /// Where the app keeps its data, shown in settings.
    pub data_dir: String,
    /// A problem with the data folder that the agent should see; the app still runs.
    pub storage_problem: Option<UiError>,
    /// Ongoing calls, oldest first; an ended call stays a few seconds with its outcome.
    pub calls: Vec<CallView>,
    pub registration: RegistrationView,
    /// Kept calls, newest first (emergency calls are never here, E7).
    pub history: Vec<HistoryEntry>,
    /// Recording files, newest first.
    pub recordings: Vec<RecordingView>,
    /// The emergency callback window, while it runs.
    pub callback_window: Option<CallbackWindowView>,
    /// A problem with the configuration file; the app runs with what it could read.
    pub config_problem: Option<UiError>,
    /// The emergency-readiness indicator (E9).
    pub readiness: ReadinessView,
    /// The dispatchable address and its confirmation (E9).
    pub location: LocationView,
}
