//! One error type for the back office. Every refusal names the field and the rule it
//! enforces (A2), so the API can map it to a typed code and the console can point at the
//! field; storage failures are kept apart so they are never mistaken for bad input.

use crate::clock::Timestamp;

/// The result of every back-office operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why an operation was refused or failed. A refused operation changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input breaks a rule on its own (bad format, forbidden combination).
    #[error("invalid {field}: {message} (rule {rule})")]
    Invalid {
        field: &'static str,
        rule: &'static str,
        message: String,
    },

    /// The input is well formed but the current state forbids it.
    #[error("conflict on {field}: {message} (rule {rule})")]
    Conflict {
        field: &'static str,
        rule: &'static str,
        message: String,
    },

    /// The account's inventory limit would be passed; nothing was ordered.
    #[error(
        "the account may hold at most {limit} numbers; it holds {held} (inventory, deletion \
         queue and pending orders) and {requested} more were asked (rule {rule})"
    )]
    LimitReached {
        limit: i64,
        held: i64,
        requested: i64,
        rule: &'static str,
    },

    /// A number holds an active emergency callback lease (N11).
    /// `number` is the full E.164 for the API; the message shows it redacted, since
    /// errors end up in logs.
    #[error(
        "number {} holds an active emergency callback lease until {until}; it cannot be \
         {action} before then (rule {rule})", crate::redact::Redacted(.number)
    )]
    LeaseActive {
        number: String,
        action: &'static str,
        until: Timestamp,
        rule: &'static str,
    },

    /// The thing asked for does not exist in this account.
    #[error("{what} not found: {id}")]
    NotFound { what: &'static str, id: String },

    /// No valid sign-in came with the request (A1).
    #[error("sign in first: the credentials or the token are missing, wrong or expired (rule A1)")]
    Unauthenticated,

    /// The signed-in user's role does not reach this (A1).
    #[error("this needs the {needed} role (rule A1)")]
    Forbidden { needed: &'static str },

    /// The thing belongs to another user of the account: only its owner may change it
    /// (A1). `field` names what identified it.
    #[error("this {field} belongs to another user; only its owner may report it (rule A1)")]
    NotYours { field: &'static str },

    /// A failure inside the service that is no one's input (details are logged, not
    /// sent).
    #[error("internal: {0}")]
    Internal(String),

    /// The number supplier failed (not a refusal of the input).
    #[error("number supplier: {0}")]
    Supplier(String),

    /// The database failed.
    #[error("storage: {0}")]
    Storage(#[from] sqlx::Error),

    /// The schema could not be brought up to date.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl Error {
    pub(crate) fn invalid(
        field: &'static str,
        rule: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self::Invalid {
            field,
            rule,
            message: message.into(),
        }
    }

    pub(crate) fn conflict(
        field: &'static str,
        rule: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self::Conflict {
            field,
            rule,
            message: message.into(),
        }
    }

    pub(crate) fn not_found(what: &'static str, id: impl Into<String>) -> Self {
        Self::NotFound {
            what,
            id: id.into(),
        }
    }

    /// The rule id this error enforces, if it is a refusal.
    pub fn rule(&self) -> Option<&'static str> {
        match self {
            Self::Invalid { rule, .. }
            | Self::Conflict { rule, .. }
            | Self::LimitReached { rule, .. }
            | Self::LeaseActive { rule, .. } => Some(rule),
            Self::Unauthenticated | Self::Forbidden { .. } | Self::NotYours { .. } => Some("A1"),
            _ => None,
        }
    }

    /// True when the database refused a write for a unique key: another request won a
    /// race for the same row.
    pub(crate) fn is_unique_violation(&self) -> bool {
        matches!(self, Self::Storage(sqlx::Error::Database(e)) if e.is_unique_violation())
    }

    /// A PostgreSQL deadlock (40P01) or serialization failure (40001): the transaction
    /// was rolled back whole and may simply be run again.
    pub(crate) fn is_transient(&self) -> bool {
        matches!(self, Self::Storage(sqlx::Error::Database(e))
            if matches!(e.code().as_deref(), Some("40P01") | Some("40001")))
    }
}
