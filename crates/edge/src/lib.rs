//! The back office's SIP edge (issue 6): a registrar for the tenant's users, and a
//! B2BUA that applies the voice connector's rules to every call between the agents
//! and the carrier trunk.
//!
//! # Shape
//! * [`routing`]: the **sans-IO core**. Given what the dialled number is, the state
//!   looked up for the call (the connector's configuration, the agent's own number, the
//!   answer of the lease lookup *or the fact that it ran out of its budget*, the lease
//!   on a dialled callback number, the time), it returns a [`routing::Decision`]: to
//!   the carrier trunk with rewritten Request-URI / From / P-Asserted-Identity and the
//!   headers to keep, to a registered agent at a priority, to the connector's
//!   origination routes, or a reply code. No clock, socket or database: every rule
//!   (V1, E5, E6, E12) is a unit test in `tests/routing_rules.rs`.
//! * [`digest`] (MD5 digest, stateless nonces keyed by a secret, time as input) and
//!   [`registrar`] (contact bindings with expiry in injected time): sans-IO too.
//! * [`lookup`]: fills the core's inputs from the back office. On the 911 path the
//!   lease is taken with `take_lease` (idempotent per agent, so the engine's own lease
//!   request finds the same number) under a budget (`EdgeConfig::lease_budget`, 200 ms
//!   in production); running out becomes `LeaseAnswer::TimedOut` and the core falls
//!   back (E5).
//! * [`screen`]: the message path on untrusted bytes, without I/O (parse, RFC 4475
//!   checks, header readers); the fuzz target in `fuzz/` drives it.
//! * [`Edge`] (`server`, `bridge`, `relay`): the thin async loop on rsipstack 0.7.14
//!   (pinned, as in `sip-ua`), UDP. REGISTER is challenged (401) and checked against
//!   the users' SIP HA1 in the back office; an agent's INVITE is challenged (407) the
//!   same way, which is how the edge knows the agent; an INVITE from one of
//!   `EdgeConfig::carrier_sources` is the carrier's (origination). A routed call is a
//!   B2BUA: leg A answered as UAS, leg B placed as UAC with the caller's body passed
//!   through unchanged; 18x and the final answer are relayed to A, and a CANCEL or
//!   BYE of either side ends the other. E11's supervisor alert is raised on its own
//!   task beside the INVITE, never before it and never holding it. When an emergency
//!   call ends (or never connects), the edge starts the callback window (`end_call`,
//!   E5) and marks the supervisors' alert as ended (E13).
//! * SIP over WebSocket (RFC 7118, issue 8): `EdgeConfig::ws_bind` opens a WS
//!   listener beside UDP. A REGISTER over it keeps its connection as the binding's
//!   [`registrar::Flow`], and requests to that contact go back over it. An agent
//!   dialling a number of the tenant assigned to another agent is put through
//!   on-net (`bridge::on_net`). The edge relays signalling only, so `media_fit`
//!   refuses with 488 and a Warning a WebRTC offer to the plain carrier and a plain
//!   offer to a WebSocket peer (never a 911: the carrier decides). `EdgeConfig::wss`
//!   serves WSS: `wss` ends TLS and carries each connection to the WebSocket
//!   listener on loopback.
//!
//! # Not yet (see issue 6)
//! Inbound calls' states to the supervisors' feed (outbound ordinary calls are
//! reported, S1, under leg A's Call-ID), weights among routes of equal priority
//! (origination routes are tried in priority order, failing over on 5xx, 408 or no
//! answer before anything reached the caller),
//! re-INVITE/INFO relay, TCP/TLS, reading P-Called-Party-ID in `sip-ua` (a leg to an
//! agent carries the contact in its Request-URI and To, the dialled number in
//! P-Called-Party-ID, RFC 3455), bindings shared between edge instances, the admin warning beyond a log line (E12). The `edge` binary (`src/main.rs`) runs an edge over a
//! back-office database; the back office's own binary cannot start it (`edge`
//! depends on `backoffice`), so `backoffice serve --sip` would need the binaries to
//! move.

pub mod digest;
pub mod lookup;
pub mod registrar;
pub mod routing;
pub mod screen;

mod bridge;
mod call_effects;
mod media_fit;
mod relay;
mod server;
mod wss;

pub use server::{Edge, EdgeConfig, EdgeError};
pub use wss::WssConfig;
