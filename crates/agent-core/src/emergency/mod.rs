//! The emergency side of the core: what an emergency INVITE carries (E10), the
//! callback number and its window (E5), location readiness (E9) and the supervisors'
//! notification (E11). The state machine that uses them is in `crate::core`.

mod callback;
mod location;
mod notify;

pub use callback::{Callback, CallbackSource, LeaseFailure, LeaseRequest};
pub(crate) use location::refused_country;
pub use location::{CountryCheck, Location, LocationCheck, LocationPolicy, Readiness};
pub use notify::{Notification, NotificationEvent};

use crate::dial_plan::EmergencyKind;

/// SIP `Priority` of a call, and the priority of an inbound alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Priority {
    Normal,
    /// `Priority: emergency` on the INVITE (E10); top priority for callbacks (E6).
    Emergency,
}

/// What the engine must put on an emergency INVITE, besides the SDP.
///
/// The core decides the content; the engine and the `location` crate write the SIP:
/// `Priority: emergency`, and when `location` is known a PIDF-LO body referenced by
/// `Geolocation: <cid:...>` with `Geolocation-Routing: yes` (E10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmergencyInfo {
    pub kind: EmergencyKind,
    pub priority: Priority,
    /// The dispatchable location, when the agent confirmed one. Unknown location never
    /// holds the call (E2); the INVITE then goes without a PIDF-LO body.
    pub location: Option<Location>,
    /// The callback number the agent already holds (a second call inside the window
    /// keeps it, E5). `None` on a first call: the lease is asked for beside the call.
    pub callback: Option<Callback>,
    /// What the voice connector uses on the emergency leg if no pool number can be had
    /// in time: the agent's own number, else the site's fixed number (E5). Carried on
    /// the INVITE so nobody has to wait for the lease to send the call on.
    pub fallback_callback: Option<Callback>,
}

impl EmergencyInfo {
    /// `Geolocation-Routing: yes` goes with a location, and only with one.
    pub fn geolocation_routing(&self) -> bool {
        self.location.is_some()
    }
}
