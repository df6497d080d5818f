//! The temporary callback number (E5).

use crate::number::E164;
use crate::time::Millis;
use crate::CallId;

/// Where the callback number the emergency center sees comes from, in the order the
/// core tries them (E5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallbackSource {
    /// Leased from the tenant's emergency callback pool.
    Pool,
    /// Fallback: the agent's own number.
    AgentNumber,
    /// Last fallback: the site's fixed emergency callback number.
    SiteNumber,
}

impl CallbackSource {
    pub const fn as_str(self) -> &'static str {
        match self {
            CallbackSource::Pool => "pool",
            CallbackSource::AgentNumber => "agent",
            CallbackSource::SiteNumber => "site",
        }
    }

    pub fn parse(s: &str) -> Option<CallbackSource> {
        [
            CallbackSource::Pool,
            CallbackSource::AgentNumber,
            CallbackSource::SiteNumber,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }

    /// A fallback is shown and logged as such (E5).
    pub const fn is_fallback(self) -> bool {
        !matches!(self, CallbackSource::Pool)
    }
}

/// A callback number and where it came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Callback {
    pub number: E164,
    pub source: CallbackSource,
}

/// Ask the back office for a callback lease, beside the call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaseRequest {
    /// The emergency call the lease is for.
    pub call_id: CallId,
    /// `Some`: keep this number (a second emergency conversation inside the window);
    /// the back office must not expire it while the conversation lasts.
    pub keep: Option<E164>,
    /// After this the core falls back and stops waiting; an answer that comes later is
    /// still taken (the lease exists, and callbacks to it must reach this agent).
    pub deadline: Millis,
}

/// Why the back office gave no lease.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaseFailure {
    /// The back office could not be reached.
    Unreachable,
    /// The pool has no free number.
    PoolExhausted,
    /// Any other refusal.
    Refused,
}
