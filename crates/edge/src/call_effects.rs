//! What a bridged call does besides signalling: its states for the supervisors' live
//! view (S1) and, for an emergency call, what its end starts (E5, E13).

use backoffice::auth::Principal;
use backoffice::live::{CallReport, CallState, Direction};
use backoffice::Backoffice;
use tracing::{debug, info, warn};

/// S1: an agent's ordinary call as the supervisors' live view shows it, reported
/// under leg A's Call-ID (the id the agent's app knows the call by). Emergency calls
/// are never reported as conversations (E7); their alert stands for them (S2).
#[derive(Debug)]
pub(crate) struct CallReporter {
    pub(crate) bo: Backoffice,
    pub(crate) agent: Principal,
    pub(crate) direction: Direction,
}

impl CallReporter {
    pub(crate) async fn state(&self, call_id: &str, state: CallState) {
        let report = CallReport {
            call_id: call_id.to_owned(),
            state,
            direction: self.direction,
            queue: None,
            recording: false,
            emergency: false,
        };
        if let Err(e) = self.bo.report_call(&self.agent, &report).await {
            warn!(error = %e, "call state not reported to the supervisors (S1)");
        }
    }
}

/// E5, E13: when an emergency call ends (either side, or it never connected), the
/// callback window starts (`end_call`: 60 minutes from now) and the supervisors'
/// alert shows the call as ended.
#[derive(Debug)]
pub(crate) struct EmergencyEnd {
    pub(crate) bo: Backoffice,
    pub(crate) account: String,
    pub(crate) agent_id: String,
}

impl EmergencyEnd {
    pub(crate) async fn run(self) {
        // A fallback callback number has no lease to end: nothing to do then.
        match self.bo.end_call(&self.account, &self.agent_id).await {
            Ok(lease) => info!(until = %lease.expires_at, "callback window started (E5)"),
            Err(e) => debug!(error = %e, "no callback lease to end"),
        }
        if let Err(e) = self.bo.end_emergency(&self.account, &self.agent_id).await {
            warn!(error = %e, "supervisors' alert not marked as ended");
        }
    }
}
