//! Errors as the UI receives them: a code to branch on and a sentence to show.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Stable codes the UI branches on. Never parse `message`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum ErrorCode {
    /// Presence cannot change during an emergency conversation (E4).
    PresenceLocked,
    /// The data folder cannot be created, read or written.
    StorageUnavailable,
    /// A file in the data folder is not what the app wrote; it was set aside.
    StorageCorrupt,
    /// A request named a value the app does not accept.
    InvalidInput,
    /// No SIP account is configured, so no call can be placed.
    NotConfigured,
    /// The far end is busy.
    Busy,
    /// The number does not exist.
    NotFound,
    /// The far end cannot take the call now.
    Unavailable,
    /// No answer from the network in time.
    Timeout,
    /// The call was refused for another reason (the status code is in the message).
    Rejected,
    /// The network could not carry the request.
    Network,
    /// The call is not (or no longer) there.
    UnknownCall,
    /// An audio device or the media of a call could not be used; the call goes on.
    AudioUnavailable,
    /// The policy core refused the action (E3, E8, E9); the message says why.
    NotAllowed,
    /// The back office cannot be reached (the Supervisor panel's sign-in or feed).
    BackofficeUnreachable,
    /// The back office refused the user name or password.
    BadCredentials,
    /// The signed-in user's role does not give this view (A1).
    WrongRole,
    /// A fault of the app itself.
    Internal,
}

/// An error for the UI: `code` for logic, `message` for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UiError {
    pub code: ErrorCode,
    pub message: String,
    /// The input field the error is about, for a form to show it beside that field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
}

impl UiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        UiError {
            code,
            message: message.into(),
            field: None,
        }
    }

    /// An invalid value of the form field `field`.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        UiError {
            code: ErrorCode::InvalidInput,
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }
}
