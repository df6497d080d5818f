//! What is recorded and what is kept in history (E7, and the tenant's setting).
//!
//! Emergency calls are excluded by construction: a [`CallRecord`] can only be made by
//! `Keep::decide`, which returns [`Keep::No`] for any emergency kind, and the history
//! store's insert takes a `CallRecord`. So there is no code path that stores an
//! emergency call, rather than a check someone could forget.

use crate::time::Millis;
use crate::CallId;

/// The tenant's recording setting for ordinary calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum RecordingPolicy {
    /// Never recorded; no Record control.
    Never,
    /// The agent may start a recording with the Record control.
    #[default]
    OnDemand,
    /// Every ordinary call is recorded from the moment it connects.
    Always,
}

/// What kind of call, as far as confidentiality is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallClass {
    Ordinary,
    /// 911, 933 and answered emergency callbacks (E7).
    Emergency,
}

/// Why the core will not record a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordingRefusal {
    /// E7: emergency calls are never recorded, whatever the tenant's setting.
    EmergencyCall,
    /// The tenant's policy is `Never`.
    TenantPolicy,
}

/// Whether and how a call may be recorded.
pub(crate) fn recording_allowed(
    class: CallClass,
    policy: RecordingPolicy,
) -> Result<(), RecordingRefusal> {
    match (class, policy) {
        (CallClass::Emergency, _) => Err(RecordingRefusal::EmergencyCall),
        (CallClass::Ordinary, RecordingPolicy::Never) => Err(RecordingRefusal::TenantPolicy),
        (CallClass::Ordinary, _) => Ok(()),
    }
}

/// Which way a call went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    Outbound,
    Inbound,
}

/// A call the history store may keep. Fields are private and there is no public
/// constructor: only the core makes one (`Keep::decide`), and never for an emergency
/// call. Code outside the core cannot forge one:
///
/// ```compile_fail
/// use agent_core::{CallId, CallRecord, Direction, Millis};
/// let forged = CallRecord {
///     call_id: CallId(1),
///     direction: Direction::Outbound,
///     remote: "911".into(),
///     started_at: Millis(0),
///     answered_at: None,
///     ended_at: Millis(0),
///     recorded: false,
/// };
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct CallRecord {
    call_id: CallId,
    direction: Direction,
    remote: String,
    started_at: Millis,
    answered_at: Option<Millis>,
    ended_at: Millis,
    recorded: bool,
}

impl CallRecord {
    pub fn call_id(&self) -> CallId {
        self.call_id
    }
    pub fn direction(&self) -> Direction {
        self.direction
    }
    /// The far end as dialled (E.164) or as presented by the caller.
    pub fn remote(&self) -> &str {
        &self.remote
    }
    pub fn started_at(&self) -> Millis {
        self.started_at
    }
    pub fn answered_at(&self) -> Option<Millis> {
        self.answered_at
    }
    pub fn ended_at(&self) -> Millis {
        self.ended_at
    }
    pub fn recorded(&self) -> bool {
        self.recorded
    }
}

impl std::fmt::Debug for CallRecord {
    // The remote number stays out of Debug output: records end up in logs too.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallRecord")
            .field("call_id", &self.call_id)
            .field("direction", &self.direction)
            .field("started_at", &self.started_at)
            .field("answered_at", &self.answered_at)
            .field("ended_at", &self.ended_at)
            .field("recorded", &self.recorded)
            .finish_non_exhaustive()
    }
}

/// Whether a finished call goes to history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Keep {
    Yes(CallRecord),
    No,
}

/// What the core knows about a finished call; the input of [`Keep::decide`].
#[derive(Clone, Debug)]
pub(crate) struct FinishedCall<'a> {
    pub call_id: CallId,
    pub class: CallClass,
    pub direction: Direction,
    pub remote: &'a str,
    pub started_at: Millis,
    pub answered_at: Option<Millis>,
    pub ended_at: Millis,
    pub recorded: bool,
}

impl Keep {
    pub(crate) fn decide(call: FinishedCall<'_>) -> Keep {
        match call.class {
            CallClass::Emergency => Keep::No,
            CallClass::Ordinary => Keep::Yes(CallRecord {
                call_id: call.call_id,
                direction: call.direction,
                remote: call.remote.to_owned(),
                started_at: call.started_at,
                answered_at: call.answered_at,
                ended_at: call.ended_at,
                recorded: call.recorded,
            }),
        }
    }

    /// The record, if the call is kept.
    pub fn record(&self) -> Option<&CallRecord> {
        match self {
            Keep::Yes(r) => Some(r),
            Keep::No => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finished(class: CallClass) -> FinishedCall<'static> {
        FinishedCall {
            call_id: CallId(1),
            class,
            direction: Direction::Outbound,
            remote: "+13125550100",
            started_at: Millis(1),
            answered_at: None,
            ended_at: Millis(2),
            recorded: false,
        }
    }

    #[test]
    fn emergency_calls_are_never_kept_nor_recorded() {
        assert_eq!(Keep::decide(finished(CallClass::Emergency)), Keep::No);
        for policy in [
            RecordingPolicy::Never,
            RecordingPolicy::OnDemand,
            RecordingPolicy::Always,
        ] {
            assert_eq!(
                recording_allowed(CallClass::Emergency, policy),
                Err(RecordingRefusal::EmergencyCall)
            );
        }
    }

    #[test]
    fn ordinary_calls_follow_the_tenant_policy_and_are_kept() {
        let kept = Keep::decide(finished(CallClass::Ordinary));
        assert_eq!(kept.record().map(|r| r.remote()), Some("+13125550100"));
        assert!(!format!("{kept:?}").contains("5550100"));
        assert_eq!(
            recording_allowed(CallClass::Ordinary, RecordingPolicy::Never),
            Err(RecordingRefusal::TenantPolicy)
        );
        assert_eq!(
            recording_allowed(CallClass::Ordinary, RecordingPolicy::Always),
            Ok(())
        );
    }
}
