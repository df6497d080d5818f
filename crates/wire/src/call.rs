//! Calls as the UI shows them: the ongoing ones, the registration, and history.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::UiError;

/// Where a call stands, from the agent's point of view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum CallState {
    /// The INVITE is out; no answer from the far end yet.
    Dialling,
    /// The far end rings (outbound), or this softphone rings (inbound).
    Ringing,
    /// Both ends talk.
    Connected,
    /// We put the call on hold.
    OnHold,
    /// The call is over; it stays on screen a moment with its outcome.
    Ended,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum CallDirection {
    Outbound,
    Inbound,
}

/// A call control the UI may show (E8): exactly the ones the policy core allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum CallControl {
    AudioDevices,
    EndCall,
    Mute,
    Hold,
    Resume,
    Transfer,
    Consult,
    Conference,
    Park,
    Dialpad,
    Notes,
    WrapUp,
    Record,
}

/// What the emergency center receives, shown read-only during an emergency call (E8).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct EmergencyPanelView {
    /// The callback number presented, if any could be had (E5).
    pub callback_number: Option<String>,
    /// Where that number came from: `pool`, `agent` or `site` (a fallback is shown).
    pub callback_source: Option<String>,
    /// The dispatchable location the INVITE carried, as one line.
    pub location: Option<String>,
    /// `911` or `933` (the test number).
    pub dialled: String,
    /// Where the proxy said it sent the call, in words (E12); `None` until it said.
    pub route: Option<String>,
}

/// The call's audio quality, for the quality indicator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct CallQuality {
    /// E-model estimate, 1.0 (bad) to 4.5 (excellent).
    pub mos: f64,
    pub jitter_ms: f64,
    pub loss_percent: f64,
    pub round_trip_ms: Option<f64>,
    /// The codec in use, e.g. `opus` or `PCMU`.
    pub codec: String,
}

/// One call on screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct CallView {
    /// The engine's id for the call; the argument of every call command.
    pub id: u32,
    pub direction: CallDirection,
    /// The other party as the agent should read it (a number or a SIP user).
    pub remote: String,
    pub state: CallState,
    pub emergency: bool,
    /// An inbound call to a leased callback number from the emergency center (E6).
    pub emergency_callback: bool,
    pub muted: bool,
    /// The call is being recorded now.
    pub recording: bool,
    /// Milliseconds since 1970 when the call was placed or arrived.
    pub started_at: u64,
    /// Milliseconds since 1970 when it was answered: the call timer's origin.
    pub answered_at: Option<u64>,
    pub controls: Vec<CallControl>,
    pub panel: Option<EmergencyPanelView>,
    /// Why the call ended without an answer, in words (busy, not found...).
    pub outcome: Option<UiError>,
    /// Audio quality while media flows.
    pub quality: Option<CallQuality>,
    /// A problem with this call that does not end it (an audio device, a failed
    /// transfer), in words; the call goes on.
    pub problem: Option<UiError>,
}

/// The SIP registration, shown as a badge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum RegistrationState {
    /// No SIP account is configured.
    NotConfigured,
    /// An account without a registrar: calls go out; calls come in only if routed here.
    OutboundOnly,
    Registering,
    Registered,
    /// The registrar refused or cannot be reached; retried.
    Failed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct RegistrationView {
    pub state: RegistrationState,
    /// The account as `user@domain`, when configured.
    pub account: Option<String>,
    /// Why it failed, in words.
    pub detail: Option<String>,
}

/// A finished call kept in history (never an emergency call, E7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub direction: CallDirection,
    pub remote: String,
    pub started_at: u64,
    pub answered_at: Option<u64>,
    pub ended_at: u64,
    pub recorded: bool,
}

/// The callback window after an emergency call (E5, E13): the countdown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct CallbackWindowView {
    pub number: Option<String>,
    /// Milliseconds since 1970 when the window closes.
    pub until: u64,
}

/// A recording file in the data folder (only ordinary calls are ever recorded, E7).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct RecordingView {
    /// `<date>-<time>-<remote>.wav`.
    pub file_name: String,
    pub path: String,
    pub size_bytes: u64,
}

/// One sound device as the settings screen lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct AudioDeviceView {
    pub id: String,
    pub name: String,
    pub is_default: bool,
}

/// The device settings: what there is, what is chosen (`None`: the system default).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct AudioDevicesView {
    pub inputs: Vec<AudioDeviceView>,
    pub outputs: Vec<AudioDeviceView>,
    pub input: Option<String>,
    pub output: Option<String>,
    /// Where inbound calls ring: one of `outputs`.
    pub ringer: Option<String>,
    /// Why the list is short or empty (no sound card, the sound system refused).
    pub problem: Option<String>,
    /// The latest hot-plug news, e.g. "USB Headset removed — using Default".
    pub notice: Option<String>,
}

/// The microphone's level for the settings panel's meter, which asks for it about
/// ten times a second while it is open.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct AudioLevelView {
    /// RMS of the last measured stretch, dBFS (-96 is silence).
    pub rms_dbfs: f64,
    pub peak_dbfs: f64,
    /// False while no microphone is measured yet (opening, or none usable).
    pub live: bool,
    /// Counts hot-plug changes: when it moves, the panel asks for the list again.
    pub devices_version: u32,
    pub notice: Option<String>,
}
