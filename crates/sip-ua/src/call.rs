//! An outgoing call: [`Call`] is the handle, [`CallEvent`] what it reports.
//!
//! One task per call turns rsipstack's dialog states and the INVITE's final response
//! into [`CallEvent`]s, in order, each exactly once: provisional states come from the
//! dialog's state channel, the outcome (answer or failure) from the INVITE transaction
//! itself, so a final response is never reported twice.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rsipstack::dialog::dialog::{DialogState, DialogStateReceiver, TerminatedReason};
use rsipstack::dialog::dialog_layer::DialogLayer;
use rsipstack::dialog::invitation::InviteAsyncResult;
use rsipstack::dialog::invite_dialog::InviteDialog;
use rsipstack::sip::Response;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tracing::{debug, info, warn};

use crate::error::SipUaError;

/// Why a call did not connect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FailReason {
    /// 486 Busy Here, 600 Busy Everywhere.
    Busy,
    /// 404 Not Found, 604 Does Not Exist Anywhere.
    NotFound,
    /// 480 Temporarily Unavailable, 503 Service Unavailable.
    Unavailable,
    /// No final response in time (RFC 3261 Timer B), or 408.
    Timeout,
    /// Any other final response.
    Rejected(u16),
    /// The request could not be sent (transport or stack error).
    Network(String),
}

impl FailReason {
    /// The reason for a final non-2xx status code.
    pub fn from_status(code: u16) -> FailReason {
        match code {
            486 | 600 => FailReason::Busy,
            404 | 604 => FailReason::NotFound,
            480 | 503 => FailReason::Unavailable,
            408 => FailReason::Timeout,
            other => FailReason::Rejected(other),
        }
    }
}

/// Which side ended a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndedBy {
    Local,
    Remote,
}

/// What happens to an outgoing call, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallEvent {
    /// 100 Trying: the next hop has the INVITE.
    Trying,
    /// 180 or 183, with the early SDP when the peer sent one.
    Ringing { sdp: Option<String> },
    /// 2xx, with the SDP answer (empty when the peer sent none).
    Answered { sdp: String },
    /// A final non-2xx response or no response at all. Last event.
    Failed { reason: FailReason },
    /// The call ended: by BYE after an answer, or by our CANCEL before one. Last event.
    Ended { by: EndedBy },
}

/// Handle to one outgoing call. Dropping it does not end the call; use
/// [`Call::cancel`] or [`Call::bye`].
#[derive(Debug)]
pub struct Call {
    call_id: String,
    events: mpsc::UnboundedReceiver<CallEvent>,
    control: Arc<Control>,
}

struct Control {
    dialog: InviteDialog,
    cancelled: AtomicBool,
}

impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control").finish_non_exhaustive()
    }
}

impl Call {
    /// The SIP Call-ID.
    pub fn call_id(&self) -> &str {
        &self.call_id
    }

    /// The next event; `None` after the last one.
    pub async fn next_event(&mut self) -> Option<CallEvent> {
        self.events.recv().await
    }

    /// Withdraws the INVITE before it is answered (CANCEL). The call then ends with
    /// `Ended { by: Local }`; if a 2xx crosses the CANCEL, rsipstack sends the BYE.
    pub async fn cancel(&self) -> Result<(), SipUaError> {
        self.control.cancelled.store(true, Ordering::SeqCst);
        self.control.dialog.cancel().await?;
        Ok(())
    }

    /// Ends an answered call (BYE).
    pub async fn bye(&self) -> Result<(), SipUaError> {
        if !matches!(self.control.dialog.state(), DialogState::Confirmed(..)) {
            return Err(SipUaError::State("BYE"));
        }
        self.control.dialog.bye().await?;
        Ok(())
    }
}

/// Starts the task that reports the call's events and returns its handle.
pub(crate) fn spawn(
    call_id: String,
    dialog: InviteDialog,
    outcome: JoinHandle<InviteAsyncResult>,
    states: DialogStateReceiver,
    dialog_layer: Arc<DialogLayer>,
) -> Call {
    let (tx, events) = mpsc::unbounded_channel();
    let control = Arc::new(Control {
        dialog,
        cancelled: AtomicBool::new(false),
    });
    tokio::spawn(drive(
        call_id.clone(),
        control.clone(),
        outcome,
        states,
        dialog_layer,
        tx,
    ));
    Call {
        call_id,
        events,
        control,
    }
}

async fn drive(
    call_id: String,
    control: Arc<Control>,
    mut outcome: JoinHandle<InviteAsyncResult>,
    mut states: DialogStateReceiver,
    dialog_layer: Arc<DialogLayer>,
    events: mpsc::UnboundedSender<CallEvent>,
) {
    // Until the INVITE transaction ends: provisional states only.
    let result = loop {
        tokio::select! {
            biased;
            Some(state) = states.recv() => provisional(&state, &events),
            r = &mut outcome => break r,
        }
    };
    // States queued before the final response still come first.
    while let Ok(state) = states.try_recv() {
        provisional(&state, &events);
    }
    let cancelled = control.cancelled.load(Ordering::SeqCst);
    let answered = match result {
        Ok(Ok((_, Some(resp)))) if resp.status_code.code() / 100 == 2 => {
            if cancelled {
                // rsipstack BYEs a 2xx that crossed our CANCEL; the call is over.
                let _ = events.send(CallEvent::Ended { by: EndedBy::Local });
                false
            } else {
                let _ = events.send(CallEvent::Answered { sdp: sdp_of(&resp) });
                true
            }
        }
        Ok(Ok((_, Some(_)))) | Ok(Ok((_, None))) if cancelled => {
            let _ = events.send(CallEvent::Ended { by: EndedBy::Local });
            false
        }
        Ok(Ok((_, Some(resp)))) => {
            let code = resp.status_code.code();
            info!(%call_id, code, "call failed");
            let reason = FailReason::from_status(code);
            let _ = events.send(CallEvent::Failed { reason });
            false
        }
        Ok(Ok((_, None))) => {
            let _ = events.send(CallEvent::Failed {
                reason: FailReason::Timeout,
            });
            false
        }
        Ok(Err(e)) => {
            warn!(%call_id, error = %e, "INVITE could not be sent");
            let _ = events.send(CallEvent::Failed {
                reason: FailReason::Network(e.to_string()),
            });
            false
        }
        Err(join) => {
            warn!(%call_id, error = %join, "INVITE task ended abnormally");
            let _ = events.send(CallEvent::Failed {
                reason: FailReason::Network(join.to_string()),
            });
            false
        }
    };
    if !answered {
        return;
    }
    // Answered: wait for the dialog to end, from either side.
    while let Some(state) = states.recv().await {
        if let DialogState::Terminated(id, reason) = state {
            let by = match reason {
                TerminatedReason::UacBye | TerminatedReason::UacCancel => EndedBy::Local,
                _ => EndedBy::Remote,
            };
            debug!(%call_id, ?reason, "dialog terminated");
            // rsipstack leaves the confirmed dialog registered; removing it is ours.
            dialog_layer.remove_dialog(&id);
            let _ = events.send(CallEvent::Ended { by });
            return;
        }
    }
}

fn provisional(state: &DialogState, events: &mpsc::UnboundedSender<CallEvent>) {
    match state {
        DialogState::Trying(_) => {
            let _ = events.send(CallEvent::Trying);
        }
        DialogState::Early(_, resp) => {
            let sdp = sdp_of(resp);
            let sdp = (!sdp.is_empty()).then_some(sdp);
            let _ = events.send(CallEvent::Ringing { sdp });
        }
        _ => {}
    }
}

fn sdp_of(resp: &Response) -> String {
    String::from_utf8_lossy(&resp.body).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_map_to_reasons() {
        assert_eq!(FailReason::from_status(486), FailReason::Busy);
        assert_eq!(FailReason::from_status(600), FailReason::Busy);
        assert_eq!(FailReason::from_status(404), FailReason::NotFound);
        assert_eq!(FailReason::from_status(604), FailReason::NotFound);
        assert_eq!(FailReason::from_status(480), FailReason::Unavailable);
        assert_eq!(FailReason::from_status(503), FailReason::Unavailable);
        assert_eq!(FailReason::from_status(408), FailReason::Timeout);
        assert_eq!(FailReason::from_status(403), FailReason::Rejected(403));
    }
}
