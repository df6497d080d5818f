//! Demo mode (issue 7 item 5): what the banner and the built-in center show.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The app runs against its built-in site: no real emergency center is reached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct DemoView {
    /// The number the built-in center calls back (the callback pool's).
    pub callback_number: String,
    /// What the built-in emergency center received with the last 911 or 933.
    pub last_received: Option<CenterReceivedView>,
    /// The demo supervisor the Supervisor panel offers to sign in as (loopback only).
    pub supervisor_username: String,
    pub supervisor_password: String,
}

/// One emergency or test call as the built-in center received it (E5, E10, E12).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename_all = "camelCase")]
pub struct CenterReceivedView {
    pub routing_number: String,
    /// A 933 test call.
    pub test: bool,
    /// The callback number presented.
    pub callback: String,
    /// Whether the INVITE carried a PIDF-LO location.
    pub location_sent: bool,
}
