//! The crate's error type. rsipstack's own errors are turned into text here so that
//! its types never appear in our interface.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum SipUaError {
    /// The transport could not be opened on the configured address.
    #[error("cannot open the SIP transport on {addr}: {reason}")]
    Bind { addr: String, reason: String },
    /// A SIP URI we were given does not parse (the user part is redacted).
    #[error("invalid SIP URI {0}")]
    InvalidUri(String),
    /// A callback number that cannot go into a URI (redacted).
    #[error("invalid number {0}")]
    InvalidNumber(String),
    /// The INVITE body could not be built.
    #[error("cannot build the message body: {0}")]
    Body(String),
    /// The request is not possible in the call's present state (e.g. BYE before answer).
    #[error("{0} is not possible in this call state")]
    State(&'static str),
    /// The peer answered a request of ours with a final non-2xx status.
    #[error("{request} refused with {code}")]
    Refused { request: &'static str, code: u16 },
    /// A status code that cannot be used here (rejecting a call needs 300-699).
    #[error("status code {0} cannot be used here")]
    InvalidStatus(u16),
    /// Not a DTMF key (`0-9 * # A-D`).
    #[error("{0:?} is not a DTMF digit")]
    InvalidDtmf(char),
    /// A configured feature that is not built yet (TLS).
    #[error("{0} is not supported yet")]
    Unsupported(&'static str),
    /// The SIP stack reported an error.
    #[error("SIP stack: {0}")]
    Stack(String),
    /// The user agent was shut down.
    #[error("the user agent has shut down")]
    Closed,
}

impl From<rsipstack::Error> for SipUaError {
    fn from(e: rsipstack::Error) -> Self {
        SipUaError::Stack(e.to_string())
    }
}
