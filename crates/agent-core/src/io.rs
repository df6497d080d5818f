//! The core's vocabulary: what the engine tells it, what it answers, its settings.

use std::fmt;

use crate::controls::{Control, Controls};
use crate::dial_plan::{DialError, DialPlan, EmergencyKind};
use crate::emergency::{
    Callback, EmergencyInfo, LeaseFailure, LeaseRequest, Location, LocationCheck, LocationPolicy,
    Notification, Priority, Readiness,
};
use crate::number::E164;
use crate::presence::Presence;
use crate::recording::{Keep, RecordingPolicy, RecordingRefusal};
use crate::time::Millis;
use crate::DurableState;

/// The engine's name for a call (it maps it to the SIP dialog). Given by the engine
/// with `Dial` and `Inbound`, never reused while the call exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(pub u64);

impl fmt::Display for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "call-{}", self.0)
    }
}

/// What SIP reported about a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallEvent {
    /// The far end is ringing (180/183).
    Ringing,
    /// The far end answered (200 to our INVITE). Outbound calls only: inbound calls
    /// are answered with `Input::Answer`, and this event is ignored for them.
    Answered,
    /// The call ended (BYE either way, or CANCEL of an inbound call).
    Ended { by_remote: bool },
    /// The INVITE failed (error response, timeout, transport failure).
    Failed,
}

/// Something that happened, told to the core with the time it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// The agent picked a presence status in the UI.
    SetPresence(Presence),
    /// The agent dialled (typed, pasted or clicked) a string.
    Dial {
        call_id: CallId,
        dial_string: String,
    },
    /// The agent pressed End call.
    HangUp { call_id: CallId },
    /// The agent answered a ringing inbound call.
    Answer { call_id: CallId },
    /// The agent pressed a call control (hold, transfer, record...).
    CallControl { call_id: CallId, control: Control },
    /// SIP news about a call.
    CallEvent { call_id: CallId, event: CallEvent },
    /// An inbound call reached this softphone. `emergency_callback` is the back
    /// office's verdict that `to` is a callback number leased to this agent, inside its
    /// window (E6).
    Inbound {
        call_id: CallId,
        from: String,
        to: Option<E164>,
        emergency_callback: bool,
    },
    /// The back office leased a callback number (E5); late answers included.
    LeaseGranted { call_id: CallId, number: E164 },
    /// The back office answered with no lease, or could not be reached.
    LeaseFailed {
        call_id: CallId,
        reason: LeaseFailure,
    },
    /// The supervisors' notification for this call could not be delivered (E11).
    NotificationFailed { call_id: CallId },
    /// The location check has a new verdict (E9).
    LocationVerdict(LocationCheck),
    /// Nothing happened but time passed: feed it at `poll_timeout()` (or any time).
    Tick,
}

/// The alert an inbound call rings with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alert {
    Normal,
    /// The distinct emergency-callback alert (E6).
    EmergencyCallback,
}

/// Why an inbound call is not offered to the agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RejectReason {
    /// The agent is not Available.
    Presence(Presence),
    /// The agent is on another call.
    Busy,
    /// The agent is in an emergency conversation.
    EmergencyInProgress,
}

/// Something the core decided; the engine carries it out, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Send the INVITE. For 911/933 this is the first output of the dial step (E2).
    SendInvite {
        call_id: CallId,
        target: Target,
        emergency: Option<EmergencyInfo>,
    },
    /// Notify the tenant's supervisors (E11).
    Notify(Notification),
    /// The supervisors' notification failed; show and log it. The call is not touched.
    NotificationUndelivered { call_id: CallId },
    /// Put a call on hold (E3: another call when 911 is dialled).
    HoldCall { call_id: CallId },
    /// Take a call off hold.
    ResumeCall { call_id: CallId },
    /// End a call (BYE, or CANCEL while it rings).
    EndCall { call_id: CallId },
    /// Stop the call's media now (E13).
    StopMedia { call_id: CallId },
    /// Ring the agent for an inbound call.
    Ring {
        call_id: CallId,
        alert: Alert,
        priority: Priority,
        call_waiting: bool,
    },
    /// Answer an inbound call (200 OK).
    AnswerCall { call_id: CallId },
    /// Turn an inbound call away (486 Busy Here).
    RejectInbound {
        call_id: CallId,
        reason: RejectReason,
    },
    /// The agent's presence is now this; publish it (UI, back office).
    PresenceChanged(Presence),
    /// Write this state durably (see `DurableState::encode`).
    Persist(DurableState),
    /// Ask the back office for a callback lease (E5), beside the call.
    RequestLease(LeaseRequest),
    /// Give a lease back to the pool.
    ReleaseLease { number: E164 },
    /// The callback number the emergency center sees; a fallback source is shown and
    /// logged as one (E5). `None`: no number could be had at all.
    CallbackNumber {
        call_id: CallId,
        callback: Option<Callback>,
    },
    /// The callback window runs until `until` (E5, E13): show the countdown and have
    /// the back office keep the lease until then.
    CallbackWindowStarted {
        callback: Option<Callback>,
        until: Millis,
    },
    /// The callback window is over; the number routes as any pool number again.
    CallbackWindowEnded { callback: Option<Callback> },
    /// Start recording this call (the only way a recording starts).
    StartRecording { call_id: CallId },
    /// This call will not be recorded, and why (E7).
    RecordingRefused {
        call_id: CallId,
        reason: RecordingRefusal,
    },
    /// The controls the UI shows for this call (E8), and for emergency conversations
    /// the read-only panel of what the emergency center receives.
    ShowControls {
        call_id: CallId,
        controls: Controls,
        panel: Option<EmergencyPanel>,
    },
    /// Carry out a control the agent pressed and the core allowed.
    PerformControl { call_id: CallId, control: Control },
    /// The emergency-readiness indicator changed (E9).
    Readiness(Readiness),
    /// The call is over; keep it in history only when `keep` says so (E7).
    CallFinished { call_id: CallId, keep: Keep },
}

/// Where an INVITE goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The dialled `911` or `933`, as is (never `+1911`).
    Emergency(EmergencyKind),
    Number(E164),
}

/// The read-only panel of an emergency conversation (E8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmergencyPanel {
    pub callback: Option<Callback>,
    /// For a dialled call, the location its INVITE carried.
    pub location: Option<Location>,
}

/// Why the core refused an input. Nothing is output when it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CoreError {
    /// Presence is locked while an emergency conversation lasts (E4).
    PresenceLocked,
    /// The dial string is not a number (never for 911/933 forms).
    Dial(DialError),
    /// The tenant's `refuse` policy and a location verified outside the US (E9).
    EmergencyRefused {
        country: String,
    },
    /// The action would hold or leave an emergency call (E3).
    EmergencyCallInProgress,
    /// The control is not offered for this call (E8, E3).
    ControlNotAllowed {
        call_id: CallId,
        control: Control,
    },
    UnknownCall(CallId),
    DuplicateCallId(CallId),
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoreError::PresenceLocked => {
                f.write_str("presence cannot change during an emergency call; it returns when the call ends")
            }
            CoreError::Dial(e) => e.fmt(f),
            CoreError::EmergencyRefused { country } => write!(
                f,
                "emergency calls are refused: your network is in {country}, outside the United States \
                 and Puerto Rico. Call the local emergency number from a local phone, and ask your \
                 administrator about the emergency location policy"
            ),
            CoreError::EmergencyCallInProgress => {
                f.write_str("not possible during an emergency call; end the emergency call first")
            }
            CoreError::ControlNotAllowed { control, .. } => write!(f, "{control:?} is not available for this call"),
            CoreError::UnknownCall(id) => write!(f, "no such call: {id}"),
            CoreError::DuplicateCallId(id) => write!(f, "call id already in use: {id}"),
        }
    }
}

impl std::error::Error for CoreError {}

impl From<DialError> for CoreError {
    fn from(e: DialError) -> Self {
        CoreError::Dial(e)
    }
}

/// What to do with other calls when 911 is dialled (E3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum OtherCalls {
    #[default]
    Hold,
    End,
}

/// The site's and tenant's settings, given at `Core::resume`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoreConfig {
    pub dial_plan: DialPlan,
    pub other_calls: OtherCalls,
    pub location_policy: LocationPolicy,
    pub recording: RecordingPolicy,
    /// How long the core waits for a callback lease before falling back (E5).
    pub lease_budget: Millis,
    /// The callback window, counted from the end of the emergency call (E5).
    pub callback_window: Millis,
    /// The agent's own number: the first fallback.
    pub agent_number: Option<E164>,
    /// The site's fixed emergency callback number: the last fallback.
    pub site_callback_number: Option<E164>,
}

impl Default for CoreConfig {
    fn default() -> Self {
        CoreConfig {
            dial_plan: DialPlan::default(),
            other_calls: OtherCalls::Hold,
            location_policy: LocationPolicy::Warn,
            recording: RecordingPolicy::OnDemand,
            lease_budget: Millis::from_secs(3),
            callback_window: Millis::from_mins(60),
            agent_number: None,
            site_callback_number: None,
        }
    }
}
