//! The two legs of a bridged call, kept in step: leg A (the caller, we are its UAS)
//! and leg B (we are its UAC). The SDP (or multipart body) passes through unchanged
//! both ways; the edge carries no media.

use std::sync::Arc;

use rsipstack::dialog::dialog::{DialogState, DialogStateReceiver};
use rsipstack::dialog::invitation::{InviteAsyncResult, InviteOption};
use rsipstack::dialog::invite_dialog::InviteDialog;
use rsipstack::sip::{Header, Response, StatusCode, Uri};
use rsipstack::transaction::transaction::Transaction;
use rsipstack::transport::SipAddr;
use tokio::task::JoinHandle;
use tracing::{debug, info, warn};

use crate::server::{header, Shared};
use backoffice::auth::Principal;
use backoffice::live::{CallReport, CallState, Direction};
use backoffice::Backoffice;

/// The INVITE as leg B will carry it.
#[derive(Debug)]
pub(crate) struct LegB {
    pub(crate) request_uri: String,
    pub(crate) from_user: String,
    pub(crate) destination: SipAddr,
    pub(crate) headers: Vec<Header>,
    /// Set on an agent's emergency call: what its end starts.
    pub(crate) emergency_end: Option<EmergencyEnd>,
    /// Set on an agent's ordinary outbound call: its states go to the supervisors.
    pub(crate) report: Option<CallReporter>,
}

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
    async fn state(&self, call_id: &str, state: CallState) {
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
    async fn run(self) {
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

/// Places leg B for the caller's INVITE in `tx` and relays between the two legs until
/// the call ends.
pub(crate) async fn bridge(shared: Arc<Shared>, mut tx: Transaction, leg: LegB) {
    let (a_states_tx, a_states) = shared.dialogs.new_dialog_state_channel();
    let a = match shared.dialogs.get_or_create_server_invite(
        &tx,
        a_states_tx,
        None,
        Some(shared.contact.clone()),
    ) {
        Ok(d) => d,
        Err(e) => {
            warn!(error = %e, "INVITE refused: no dialog");
            let _ = tx.reply(StatusCode::BadRequest).await;
            return;
        }
    };
    let emergency_end = leg.emergency_end;
    let report = leg.report;
    let leg = LegB {
        emergency_end: None,
        report: None,
        ..leg
    };
    let call_id = a.id().call_id.clone();
    let placed = place_leg_b(&shared, &tx, leg);
    let (b, outcome, b_states) = match placed {
        Ok(p) => p,
        Err(e) => {
            if let Some(end) = emergency_end {
                tokio::spawn(end.run());
            }
            warn!(error = %e, "leg B could not be placed");
            let _ = a.reject(Some(StatusCode::ServiceUnavailable), None);
            let mut a = a;
            let _ = a.handle(&mut tx).await;
            return;
        }
    };
    let end = emergency_end;
    let a_relay = a.clone();
    tokio::spawn(async move {
        relay(
            a_relay,
            a_states,
            b,
            outcome,
            b_states,
            &call_id,
            report.as_ref(),
        )
        .await;
        if let Some(report) = &report {
            report.state(&call_id, CallState::Ended).await;
        }
        if let Some(end) = end {
            end.run().await;
        }
    });
    let mut a = a;
    if let Err(e) = a.handle(&mut tx).await {
        debug!(error = %e, "leg A's INVITE transaction ended with an error");
    }
}

fn place_leg_b(
    shared: &Shared,
    tx: &Transaction,
    leg: LegB,
) -> Result<
    (
        InviteDialog,
        JoinHandle<InviteAsyncResult>,
        DialogStateReceiver,
    ),
    String,
> {
    let callee = Uri::try_from(leg.request_uri.as_str()).map_err(|e| e.to_string())?;
    let caller =
        Uri::try_from(format!("sip:{}@{}", leg.from_user, shared.local_addr.ip()).as_str())
            .map_err(|e| e.to_string())?;
    let body = tx.original.body.clone();
    let option = InviteOption {
        caller,
        callee,
        destination: Some(leg.destination),
        content_type: header(&tx.original, "Content-Type").map(str::to_owned),
        offer: (!body.is_empty()).then_some(body),
        contact: shared.contact.clone(),
        headers: Some(leg.headers),
        ..Default::default()
    };
    let (states_tx, states) = shared.dialogs.new_dialog_state_channel();
    let (dialog, outcome) = shared
        .dialogs
        .do_invite_async(option, states_tx)
        .map_err(|e| e.to_string())?;
    Ok((dialog, outcome, states))
}

/// The answer's body and its Content-Type, to pass on to the other leg.
fn content(resp: &Response) -> (Option<Vec<Header>>, Option<Vec<u8>>) {
    if resp.body.is_empty() {
        return (None, None);
    }
    let ct = resp
        .headers
        .iter()
        .find(|h| h.name().eq_ignore_ascii_case("Content-Type"))
        .map(|h| vec![Header::Other("Content-Type".into(), h.value().to_owned())]);
    (ct, Some(resp.body.clone()))
}

async fn relay(
    a: InviteDialog,
    mut a_states: DialogStateReceiver,
    b: InviteDialog,
    mut outcome: JoinHandle<InviteAsyncResult>,
    mut b_states: DialogStateReceiver,
    call_id: &str,
    report: Option<&CallReporter>,
) {
    let mut a_gone = false;
    let mut ringing = false;
    let result = loop {
        tokio::select! {
            Some(state) = b_states.recv() => {
                if let DialogState::Early(_, resp) = state {
                    let (headers, body) = content(&resp);
                    let _ = a.ringing(headers, body);
                    if let Some(r) = report.filter(|_| !ringing) {
                        r.state(call_id, CallState::Ringing).await;
                    }
                    ringing = true;
                }
            }
            Some(state) = a_states.recv(), if !a_gone => {
                if let DialogState::Terminated(_, reason) = state {
                    debug!(?reason, "leg A ended before the answer: cancelling leg B");
                    a_gone = true;
                    let _ = b.cancel().await;
                }
            }
            r = &mut outcome => break r,
        }
    };
    let answer = match result {
        Ok(Ok((_, Some(resp)))) => resp,
        other => {
            debug!(?other, "leg B gave no final answer");
            let _ = a.reject(Some(StatusCode::RequestTimeout), None);
            return;
        }
    };
    if answer.status_code.code() / 100 != 2 {
        info!(code = answer.status_code.code(), "leg B refused; relayed");
        let _ = a.reject(Some(answer.status_code.clone()), None);
        return;
    }
    if a_gone {
        // The answer crossed the caller's CANCEL: rsipstack ends leg B itself.
        return;
    }
    let (headers, body) = content(&answer);
    if let Err(e) = a.accept(headers, body) {
        warn!(error = %e, "leg A could not be answered; ending leg B");
        let _ = b.bye().await;
        return;
    }
    info!("call bridged");
    if let Some(r) = report {
        r.state(call_id, CallState::Talking).await;
    }
    loop {
        tokio::select! {
            Some(state) = a_states.recv() => {
                if let DialogState::Terminated(_, reason) = state {
                    info!(?reason, "leg A ended; BYE to leg B");
                    let _ = b.bye().await;
                    return;
                }
            }
            Some(state) = b_states.recv() => {
                if let DialogState::Terminated(_, reason) = state {
                    info!(?reason, "leg B ended; BYE to leg A");
                    let _ = a.bye().await;
                    return;
                }
            }
            else => return,
        }
    }
}
