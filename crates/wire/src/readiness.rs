//! The emergency-readiness indicator (E9): always in view, so a problem is seen before
//! a crisis rather than during one.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the country check found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum CountryStatus {
    /// The United States or Puerto Rico: the check passes.
    UsOrPuertoRico,
    /// Verified by the geolocation service to be elsewhere.
    Outside,
    /// Not known yet, or nobody could tell.
    Unknown,
}

/// The emergency-readiness indicator's content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct ReadinessView {
    /// Everything in order.
    pub ready: bool,
    /// The agent confirmed a dispatchable address.
    pub location_confirmed: bool,
    pub country_status: CountryStatus,
    /// ISO 3166-1 alpha-2, when known.
    pub country: Option<String>,
    /// Where the country came from, in words ("from the geolocation service", ...).
    pub country_source: String,
    /// The tenant's `refuse` policy applies: 911 would be refused right now.
    pub calls_refused: bool,
    /// One sentence per failing part, saying what to do; empty when ready.
    pub problems: Vec<String>,
    /// The last 933 test call on this machine, if any.
    pub last_test: Option<TestCallView>,
}

/// How the last 933 test call went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct TestCallView {
    /// When it ended, milliseconds since the Unix epoch.
    pub at: u64,
    /// The test center answered.
    pub reached: bool,
}

impl Default for ReadinessView {
    /// Before the first check: nothing known, nothing refused.
    fn default() -> Self {
        ReadinessView {
            ready: false,
            location_confirmed: false,
            country_status: CountryStatus::Unknown,
            country: None,
            country_source: "not checked yet".into(),
            calls_refused: false,
            problems: vec!["The network's country is being checked.".into()],
            last_test: None,
        }
    }
}

/// A dispatchable address (E9, E10): where responders go, down to the floor and room.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct DispatchableAddress {
    /// House number.
    pub number: String,
    pub street: String,
    pub city: String,
    /// Two-letter state or territory code.
    pub state: String,
    /// Five digits, or ZIP+4.
    pub zip: String,
    pub floor: Option<String>,
    pub room: Option<String>,
    /// `US` or `PR`.
    pub country: String,
}

/// The agent's dispatchable address and whether it is confirmed for this sign-in
/// and network (RAY BAUM's Act: asked at sign-in and when the network changes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct LocationView {
    /// The address to confirm or confirmed: the last one the agent confirmed, else the
    /// one the administrator configured.
    pub address: Option<DispatchableAddress>,
    pub confirmed: bool,
    /// The app should ask now (at sign-in, or the network changed).
    pub needs_confirmation: bool,
    /// Why it asks, in words.
    pub reason: Option<String>,
}
