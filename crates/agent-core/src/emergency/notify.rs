//! The supervisors' notification (E11). The engine adds the agent's identity and
//! sends it to the back office's live feed (and webhook). A failed delivery is
//! reported back as `Input::NotificationFailed` and never touches the call.

use super::{Callback, Location};
use crate::dial_plan::EmergencyKind;
use crate::time::Millis;
use crate::CallId;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    pub call_id: CallId,
    /// 933 test calls notify too, marked as tests.
    pub kind: EmergencyKind,
    pub at: Millis,
    pub event: NotificationEvent,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotificationEvent {
    /// Sent in the same step as the INVITE, right after it.
    Started {
        callback: Option<Callback>,
        location: Option<Location>,
    },
    /// The callback number became known (or fell back) after the call started.
    CallbackNumber(Option<Callback>),
    /// The call ended; the alert shows it as ended (E13).
    /// `window_until` is `None` when another emergency conversation still goes on.
    Ended { window_until: Option<Millis> },
}
