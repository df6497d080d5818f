//! The back office: the tenant's telephony service.
//!
//! It owns phone numbers (search, orders, porting, assignment, the deletion queue),
//! voice connectors and their emergency routing numbers, the emergency callback leases,
//! the supervisors' live feed, users and roles, and the HTTP API with its web console.
//! It shares only the `wire` types with the desktop app.
//!
//! What exists today (the foundations of issue 4):
//!
//! * [`Backoffice`]: the service handle. Its operations are grouped by feature:
//!   numbers ([`numbers`]: search, orders, porting, inventory, deletion queue), voice
//!   connectors ([`connectors`]), callback leases with the callback pool ([`leases`]).
//!   The binary (`src/main.rs`) serves it: `backoffice serve`, `backoffice init`.
//! * [`Store`]: SQLite (a file, WAL, foreign keys on) or PostgreSQL, chosen by URL,
//!   migrated on connect; one repository layer for both (see [`storage`]).
//! * [`auth`]: users with roles (agent, supervisor, administrator), Argon2id passwords,
//!   bearer tokens stored hashed; [`auth::Principal::require`] is the role check.
//! * [`api::router`]: the HTTP API (axum) under `/api/v1`, bearer tokens, role checks
//!   on every route, JSON errors with code, field and rule. Its OpenAPI 3.1 document
//!   ([`api::ApiDoc`], [`api::openapi_document`]) is derived from the handlers with
//!   utoipa and served at `GET /api/v1/openapi.json` to any signed-in user.
//! * [`client::ApiClient`]: an HTTP client of that API; the binary's administrator CLI
//!   (`backoffice login`, `numbers search|order|list|show|assign|unassign|product-type|
//!   delete|restore|deletion-queue`, `orders`, `porting`, `connectors`, `pool`,
//!   `leases`, `users`, `alerts`, `openapi`; tables or `--json`) is built on it and
//!   never opens the database.
//! * [`Clock`]: injected time; [`SystemClock`] in production, [`ManualClock`] in tests.
//! * [`NumberSupplier`]: the carrier side of numbers; [`BuiltinSupplier`] serves an
//!   embedded catalogue of realistic numbers.
//! * [`Error`]: every refusal names the field and the rule id of BACKOFFICE.md (A2).
//! * [`alerts`]: emergency alerts for supervisors (E11, S2), kept only until the call
//!   has ended and a supervisor acknowledged it.
//! * [`Workers`]: the service's own periodic work (order completion, purge, lease
//!   expiry), started with [`Backoffice::spawn_workers`].
//!
//! * [`live`]: the supervisors' live view (S1, S2). Agents report their own calls
//!   (`POST /api/v1/me/calls`: call id, Ringing/Talking/OnHold/Ended, direction, queue,
//!   recording, emergency) and presence (`PUT /api/v1/me/presence`); supervisors watch
//!   `GET /api/v1/supervisor/feed`, a WebSocket that sends a snapshot (ongoing calls
//!   with their duration from the [`Clock`], presence, emergency alerts) and then every
//!   change as it happens, pushed from a tokio broadcast channel (no polling), filtered
//!   by `?agent=` and `?state=`. The token goes in the `Authorization` header, or, for
//!   browsers, in the subprotocol `bearer.<token>` beside `softphone-feed.v1`, or in
//!   `?token=` (the protocol is described in `src/api/feed.rs`). Emergency calls never
//!   appear as conversation rows, only as their alert, and nothing of them stays after
//!   they end.
//!   **Ongoing calls and presence are kept in memory, per instance**: with several
//!   instances, a feed shows only what was reported to its own instance (the
//!   multi-instance feed is not shared yet; emergency alerts, in the database, are
//!   read by every instance, but pushed only by the one that changed them).
//!
//!   A feed closes (code 4401) when its session expires or is signed out on the same
//!   instance.
//!
//! The SIP edge (`crates/edge`) reads users' SIP digest credentials (a SIP password
//! per user, kept only as its MD5 HA1 for one realm), a user's own number and who a
//! number belongs to through [`Backoffice::sip_user`], [`Backoffice::user_number`] and
//! [`Backoffice::number_owner`]; [`Backoffice::set_sip_password`] sets one (not yet in
//! the API or the CLI).
//!
//! Voice connectors carry termination SIP credentials: write-only passwords, stored as
//! their RFC 8760 SHA-256 HA1 and shown masked (`********`).
//!
//! Callback leases on PostgreSQL are taken in one statement (`FOR UPDATE SKIP LOCKED`),
//! with the sweeping transaction as the fallback path (see [`leases`]).
//!
//! Not yet: the web console, closing feeds on other instances at sign-out, ongoing
//! calls shared between instances. See the issue.
//!
//! Rule ids (N1..N11, V1..V3, S1, S2, A1, A2, E5, E6, E11) in the docs point at
//! BACKOFFICE.md and EMERGENCY.md; tests are named after them.

pub mod alerts;
pub mod api;
pub mod auth;
pub mod client;
pub mod clock;
pub mod connectors;
pub mod e164;
pub mod error;
pub mod leases;
pub mod live;
pub mod numbers;
pub mod redact;
mod service;
mod sip_directory;
pub mod storage;
mod workers;

pub use clock::{Clock, ManualClock, SystemClock, Timestamp};
pub use error::{Error, Result};
pub use numbers::{BuiltinSupplier, NumberSupplier};
pub use service::{Account, Backoffice};
pub use sip_directory::{md5_ha1, NumberOwner, SipUser};
pub use storage::{Backend, Store};
pub use workers::Workers;
