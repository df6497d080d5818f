//! SIP signalling of the softphone, on rsipstack, behind our own interface.
//!
//! Main types:
//! - [`UserAgent`]: the endpoint. [`UserAgent::start`] opens the transport and returns
//!   the agent with its [`UaEvents`]; [`UserAgent::register`] keeps a registration
//!   fresh (digest auth, MD5 or SHA-256, 401 or 407); [`UserAgent::invite`] places a call.
//! - [`Call`]: one outgoing call, its [`CallEvent`]s (`Trying`, `Ringing`, `Answered`,
//!   `Failed` with a [`FailReason`], `Ended`), [`Call::cancel`] and [`Call::bye`].
//! - [`InviteExtras`]: what an INVITE carries beyond the SDP offer. For an emergency
//!   call (E10), `Priority: emergency`, the callback number in From and
//!   `P-Asserted-Identity`, and a PIDF-LO ([`PidfLo`], [`CivicAddress`]) in a
//!   `multipart/mixed` body referenced by `Geolocation: <cid:...>` with
//!   `Geolocation-Routing: yes`.
//! - [`UaConfig`], [`Account`], [`Credentials`], [`Identity`]: configuration;
//!   [`Transport`] is UDP or TCP (TLS fits in the same place).
//! - [`SipUaError`]: every error; rsipstack's types never appear in this interface.
//!
//! Logging: our own logs redact numbers ([`Redacted`]). rsipstack logs whole messages
//! at `info` and `debug`, numbers included, so the application's filter must hold it
//! at [`RSIPSTACK_LOG_FILTER`].
//!
//! Malformed SIP from a peer is dropped by rsipstack's transport (logged at `debug`)
//! and never reaches a call.

mod call;
mod config;
mod digest_compat;
pub mod emergency;
mod error;
mod incoming;
mod keepalive;
mod redact;
mod register;
mod serve;
mod transport;
mod ua;

pub use crate::call::{Call, CallEvent, Direction, DtmfDigit, EndedBy, FailReason, TransferState};
pub use crate::config::{Account, Credentials, Identity, Transport, UaConfig};
pub use crate::emergency::{
    CivicAddress, CivicField, InviteExtras, LocationByValue, PidfLo, Priority,
};
pub use crate::error::SipUaError;
pub use crate::incoming::IncomingCall;
pub use crate::redact::Redacted;
pub use crate::register::RegistrationEvent;
pub use crate::ua::{UaEvent, UaEvents, UserAgent};

/// A `tracing` filter directive that keeps rsipstack's message dumps (which contain
/// phone numbers) out of logs.
pub const RSIPSTACK_LOG_FILTER: &str = "rsipstack=warn";
