//! The two legs of a bridged call, kept in step: leg A (the caller, we are its UAS)
//! and leg B (we are its UAC). The SDP (or multipart body) passes through unchanged
//! both ways; the edge carries no media. Leg B tries its targets in order: a target
//! that fails (5xx, 408, no answer) before anything was relayed to the caller gives
//! way to the next (origination failover, V1).

use std::collections::VecDeque;
use std::sync::Arc;

use rsipstack::dialog::dialog::{DialogState, DialogStateReceiver};
use rsipstack::dialog::invitation::{InviteAsyncResult, InviteOption};
use rsipstack::dialog::invite_dialog::InviteDialog;
use rsipstack::sip::{Header, Request, Response, StatusCode, Uri};
use rsipstack::transaction::transaction::Transaction;
use rsipstack::transport::SipAddr;
use tokio::task::JoinHandle;
use tracing::{debug, info, warn};

use crate::call_effects::{CallReporter, EmergencyEnd};
use crate::screen::header;
use crate::server::Shared;
use backoffice::live::CallState;

/// The INVITE as leg B will carry it.
#[derive(Debug)]
pub(crate) struct LegB {
    pub(crate) request_uri: String,
    pub(crate) from_user: String,
    pub(crate) destination: SipAddr,
    pub(crate) headers: Vec<Header>,
    /// Further targets (Request-URI, destination), tried in order when one fails.
    pub(crate) alternatives: Vec<(String, SipAddr)>,
    /// Set on an agent's emergency call: what its end starts.
    pub(crate) emergency_end: Option<EmergencyEnd>,
    /// Set on an agent's ordinary outbound call: its states go to the supervisors.
    pub(crate) report: Option<CallReporter>,
    /// Headers added to what leg A is answered (18x and 2xx): on an emergency call,
    /// the callback number the center was given, so the agent's app shows it.
    pub(crate) to_caller: Vec<Header>,
    /// The callee is a browser-like WebRTC endpoint: it takes no plain RTP.
    pub(crate) callee_webrtc_only: bool,
}

/// What every attempt of leg B shares.
struct Attempts {
    shared: Arc<Shared>,
    request: Request,
    from_user: String,
    headers: Vec<Header>,
    targets: VecDeque<(String, SipAddr)>,
    to_caller: Vec<Header>,
}

type Placed = (
    InviteDialog,
    JoinHandle<InviteAsyncResult>,
    DialogStateReceiver,
);

impl Attempts {
    /// A response's headers for leg A, with the leg's own additions.
    fn for_caller(&self, headers: Option<Vec<Header>>) -> Option<Vec<Header>> {
        if self.to_caller.is_empty() {
            return headers;
        }
        let mut all = headers.unwrap_or_default();
        all.extend(self.to_caller.iter().cloned());
        Some(all)
    }

    fn place(&self, request_uri: &str, destination: SipAddr) -> Result<Placed, String> {
        let shared = &self.shared;
        let callee = Uri::try_from(request_uri).map_err(|e| e.to_string())?;
        let caller =
            Uri::try_from(format!("sip:{}@{}", self.from_user, shared.local_addr.ip()).as_str())
                .map_err(|e| e.to_string())?;
        let body = self.request.body.clone();
        let option = InviteOption {
            caller,
            callee,
            destination: Some(destination),
            content_type: header(&self.request, "Content-Type").map(str::to_owned),
            offer: (!body.is_empty()).then_some(body),
            contact: shared.contact.clone(),
            headers: Some(self.headers.clone()),
            ..Default::default()
        };
        let (states_tx, states) = shared.dialogs.new_dialog_state_channel();
        let (dialog, outcome) = shared
            .dialogs
            .do_invite_async(option, states_tx)
            .map_err(|e| e.to_string())?;
        Ok((dialog, outcome, states))
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
    let LegB {
        request_uri,
        from_user,
        destination,
        headers,
        alternatives,
        emergency_end,
        report,
        to_caller,
        callee_webrtc_only: _,
    } = leg;
    let mut targets = VecDeque::from(alternatives);
    targets.push_front((request_uri, destination));
    let attempts = Attempts {
        shared,
        request: tx.original.clone(),
        from_user,
        headers,
        targets,
        to_caller,
    };
    let call_id = a.id().call_id.clone();
    let a_relay = a.clone();
    tokio::spawn(async move {
        relay(attempts, a_relay, a_states, &call_id, report.as_ref()).await;
        if let Some(report) = &report {
            report.state(&call_id, CallState::Ended).await;
        }
        if let Some(end) = emergency_end {
            end.run().await;
        }
    });
    let mut a = a;
    if let Err(e) = a.handle(&mut tx).await {
        debug!(error = %e, "leg A's INVITE transaction ended with an error");
    }
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
    mut attempts: Attempts,
    a: InviteDialog,
    mut a_states: DialogStateReceiver,
    call_id: &str,
    report: Option<&CallReporter>,
) {
    let mut a_gone = false;
    let mut ringing = false;
    let (b, mut b_states, answer) = loop {
        let Some((uri, destination)) = attempts.targets.pop_front() else {
            let _ = a.reject(Some(StatusCode::ServiceUnavailable), None);
            return;
        };
        let (b, mut outcome, mut b_states) = match attempts.place(&uri, destination) {
            Ok(p) => p,
            Err(e) => {
                warn!(error = %e, "leg B could not be placed");
                continue;
            }
        };
        let result = loop {
            tokio::select! {
                Some(state) = b_states.recv() => {
                    if let DialogState::Early(_, resp) = state {
                        let (headers, body) = content(&resp);
                        let _ = a.ringing(attempts.for_caller(headers), body);
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
        // Another target is worth trying only while the caller has seen nothing yet.
        let may_retry = !ringing && !a_gone && !attempts.targets.is_empty();
        match result {
            Ok(Ok((_, Some(resp)))) if resp.status_code.code() / 100 == 2 => {
                break (b, b_states, resp)
            }
            Ok(Ok((_, Some(resp)))) => {
                let code = resp.status_code.code();
                if may_retry && (code >= 500 || code == 408) {
                    info!(code, "leg B target failed; trying the next");
                    continue;
                }
                info!(code, "leg B refused; relayed");
                let _ = a.reject(Some(resp.status_code.clone()), None);
                return;
            }
            other => {
                debug!(?other, "leg B gave no final answer");
                if may_retry {
                    continue;
                }
                let _ = a.reject(Some(StatusCode::RequestTimeout), None);
                return;
            }
        }
    };
    if a_gone {
        // The answer crossed the caller's CANCEL: rsipstack ends leg B itself.
        return;
    }
    let (headers, body) = content(&answer);
    if let Err(e) = a.accept(attempts.for_caller(headers), body) {
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
