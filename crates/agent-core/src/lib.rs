//! The softphone's policy core, sans-IO.
//!
//! Every rule of `EMERGENCY.md` that concerns the agent's side is decided here and
//! nowhere else. The core never reads a clock, opens a socket or spawns a task: the
//! caller (the engine) feeds it [`Input`]s together with the current time as a
//! [`Millis`] value, and carries out the [`Output`]s it returns. Because time is only a
//! value, tests drive hours of virtual time in microseconds.
//!
//! # The run loop (the engine's side of the contract)
//! 1. On start: `Core::resume(config, DurableState::decode(file)?, now)` (the default
//!    state on first start or when the file is unreadable), then feed the latest
//!    [`LocationCheck`] and call `handle(now, Input::Tick)` to get what the restart
//!    decided (presence restored, window started).
//! 2. For every event: `handle(now, input)`, then carry out the outputs in order.
//!    `Err` means the input was refused and nothing is to be done; show the error.
//! 3. After every step: arm one timer at [`Core::poll_timeout`] and feed
//!    `Input::Tick` when it fires (earlier is harmless).
//!
//! Carrying out outputs:
//! - [`Output::SendInvite`] for 911/933 is the first output of its step (E2). Send it
//!   before anything else of the step, and never make it wait for a later output.
//! - [`Output::Persist`]: write `state.encode()` atomically (temp file + rename). It
//!   comes after the emergency INVITE on purpose: a disk write never delays the call.
//! - [`Output::CallFinished`]: give `keep` to the history store; only
//!   [`Keep::Yes`] holds a [`CallRecord`], and none exists for emergency calls (E7).
//! - A recording starts only on [`Output::StartRecording`].
//! - Numbers and addresses have a redacted `Debug`; log with `{:?}`, never `{}`.
//!
//! Main types:
//! - [`Core`]: the state machine; [`Core::handle`] is its entry point for events.
//! - [`DialPlan`]: dial strings to emergency kinds or E.164 numbers (E1).
//! - [`Presence`]: the agent's status as the rest of the tenant sees it.
//! - [`DurableState`]: what must survive a restart, with its text form.

mod controls;
mod core;
mod dial_plan;
mod durable;
mod emergency;
mod io;
mod number;
mod presence;
mod recording;
mod time;

pub use crate::controls::{Control, Controls};
pub use crate::core::Core;
pub use crate::dial_plan::{BadPrefix, DialError, DialPlan, Dialled, EmergencyKind};
pub use crate::durable::{ConversationKind, DecodeError, DurableState, OngoingEmergency};
pub use crate::emergency::{
    Callback, CallbackSource, CountryCheck, EmergencyInfo, LeaseFailure, LeaseRequest, Location,
    LocationCheck, LocationPolicy, Notification, NotificationEvent, Priority, Readiness,
};
pub use crate::io::{
    Alert, CallEvent, CallId, CoreConfig, CoreError, EmergencyPanel, Input, OtherCalls, Output,
    RejectReason, Target,
};
pub use crate::number::{NotE164, E164};
pub use crate::presence::Presence;
pub use crate::recording::{
    CallClass, CallRecord, Direction, Keep, RecordingPolicy, RecordingRefusal,
};
pub use crate::time::Millis;
