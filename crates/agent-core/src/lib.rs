//! The softphone's policy core, sans-IO.
//!
//! Every rule of `EMERGENCY.md` that concerns the agent's side is decided here and
//! nowhere else. The core never reads a clock, opens a socket or spawns a task: the
//! caller (the engine) feeds it [`Input`]s together with the current time as a
//! [`Millis`] value, and carries out the [`Output`]s it returns. Because time is only a
//! value, tests drive hours of virtual time in microseconds.
//!
//! Main types:
//! - [`Core`]: the state machine; [`Core::handle`] is its only entry point for events.
//! - [`Presence`]: the agent's status as the rest of the tenant sees it.
//! - [`DurableState`]: what must survive a restart; the engine persists it whenever an
//!   [`Output::Persist`] asks, and hands it back to [`Core::resume`] on the next start.

mod core;
mod presence;
mod time;

pub use crate::core::{Core, DurableState, Input, Output, PresenceError};
pub use crate::presence::Presence;
pub use crate::time::Millis;
