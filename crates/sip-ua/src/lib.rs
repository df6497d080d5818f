//! SIP signalling of the softphone, on rsipstack, behind our own interface.
//!
//! Main types:
//! - [`UserAgent`]: the endpoint. [`UserAgent::start`] opens the transport and returns
//!   the agent with its [`UaEvents`]; [`UserAgent::register`] keeps a registration
//!   fresh (digest auth, MD5 or SHA-256, 401 or 407); [`UserAgent::invite`] places a call.
//! - [`UaEvent`]: `Registration(`[`RegistrationEvent`]`)` (`Registered`, `Rejected`,
//!   `Unreachable`, `Lost`, `Unregistered`) and `Incoming(`[`IncomingCall`]`)`: a
//!   peer's INVITE with the caller (From user, display name, P-Asserted-Identity),
//!   the dialled number (To user, which routes an emergency callback), the
//!   Request-URI user, the SDP offer and the `Priority` header.
//! - [`Call`]: one call in either [`Direction`]. Incoming: [`Call::ring`] (180),
//!   [`Call::answer`] (200 with our SDP), [`Call::reject`] (486, 480, 603 ...).
//!   Outgoing: [`Call::cancel`]. Both, once established: [`Call::bye`],
//!   [`Call::reinvite`] (hold and resume; the engine writes the SDP),
//!   [`Call::answer_reoffer`] / [`Call::refuse_reoffer`] for the peer's new offer,
//!   [`Call::refer`] (blind transfer), [`Call::send_info_dtmf`] ([`DtmfDigit`]s).
//! - [`CallEvent`]: `Trying`, `Ringing`, `Answered` (the peer's SDP), `Failed` with a
//!   [`FailReason`], `Ended` with [`EndedBy`], `Reoffer` (a re-INVITE or UPDATE with a
//!   new offer), `Dtmf` (SIP INFO), `Transfer(`[`TransferState`]`)` (the NOTIFYs of
//!   our REFER; on success our leg is ended with a BYE, RFC 5589).
//! - [`InviteExtras`]: what an INVITE carries beyond the SDP offer. For an emergency
//!   call (E10), `Priority: emergency`, the callback number in From and
//!   `P-Asserted-Identity`, and a PIDF-LO ([`PidfLo`], [`CivicAddress`]) in a
//!   `multipart/mixed` body referenced by `Geolocation: <cid:...>` with
//!   `Geolocation-Routing: yes`.
//! - [`UaConfig`], [`Account`] (with its keep-alive and retry backoff),
//!   [`Credentials`], [`Identity`]: configuration; [`Transport`] is UDP or TCP, and
//!   TLS, which is refused with [`SipUaError::Unsupported`] until it is built.
//! - [`SipUaError`]: every error; rsipstack's types never appear in this interface.
//!
//! Decisions the engine should know:
//! - A session refresh from the peer (a re-INVITE repeating the current SDP, an
//!   UPDATE without a body, a re-INVITE without an offer) is answered by the UA with
//!   the current session and never reported.
//! - A REFER from the peer is declined (603): the agent transfers, the far end does
//!   not move the agent's call elsewhere.
//! - An INFO that is not DTMF gets 415; an empty one 200.
//! - With nobody reading [`UaEvents`], incoming calls get 480.
//! - The registration probes the registrar with OPTIONS every `Account::keepalive`;
//!   a lost registrar is reported (`Lost`) and REGISTER retried with backoff until
//!   it answers again.
//!
//! Logging: our own logs redact numbers ([`Redacted`]); DTMF digits are not logged.
//! rsipstack logs whole messages at `info` and `debug`, numbers included, so the
//! application's filter must hold it at [`RSIPSTACK_LOG_FILTER`].
//!
//! Malformed SIP from a peer is dropped by rsipstack's transport (logged at `debug`)
//! or refused (400, 481, 505) and never reaches a call.

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
