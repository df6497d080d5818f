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
    /// A fault of the app itself.
    Internal,
}

/// An error for the UI: `code` for logic, `message` for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UiError {
    pub code: ErrorCode,
    pub message: String,
}

impl UiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        UiError {
            code,
            message: message.into(),
        }
    }
}
