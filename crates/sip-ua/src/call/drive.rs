//! The task behind each [`Call`]: dialog states in, [`CallEvent`]s out.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use rsipstack::dialog::dialog::{DialogState, DialogStateReceiver, TerminatedReason};
use rsipstack::dialog::dialog_layer::DialogLayer;
use rsipstack::dialog::invitation::InviteAsyncResult;
use rsipstack::dialog::invite_dialog::InviteDialog;
use rsipstack::dialog::DialogId;
use rsipstack::sip::{Response, StatusCode};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tracing::{debug, info, warn};

use super::{in_dialog, lock, Call, CallEvent, Control, Direction, EndedBy, FailReason};

/// What the call's task works with.
pub(super) struct Ctx {
    pub(super) call_id: String,
    pub(super) direction: Direction,
    pub(super) control: Arc<Control>,
    pub(super) events: mpsc::UnboundedSender<CallEvent>,
    layer: Arc<DialogLayer>,
}

impl Ctx {
    pub(super) fn emit(&self, event: CallEvent) {
        // The handle may be gone: the call still runs to its end, unobserved.
        let _ = self.events.send(event);
    }
}

fn new_call(
    call_id: String,
    direction: Direction,
    control: Control,
    layer: Arc<DialogLayer>,
) -> (Call, Ctx) {
    let (tx, events) = mpsc::unbounded_channel();
    let control = Arc::new(control);
    let ctx = Ctx {
        call_id: call_id.clone(),
        direction,
        control: control.clone(),
        events: tx,
        layer,
    };
    let call = Call {
        call_id,
        direction,
        events,
        control,
    };
    (call, ctx)
}

/// Starts the task of an outgoing call whose INVITE (carrying `sdp_offer`) is sent.
pub(crate) fn spawn_outgoing(
    call_id: String,
    dialog: InviteDialog,
    outcome: JoinHandle<InviteAsyncResult>,
    states: DialogStateReceiver,
    layer: Arc<DialogLayer>,
    sdp_offer: String,
) -> Call {
    let control = Control::new(dialog, sdp_offer, String::new());
    let (call, ctx) = new_call(call_id, Direction::Outgoing, control, layer);
    tokio::spawn(drive_outgoing(ctx, outcome, states));
    call
}

/// Starts the task of an incoming call; `remote_sdp` is the INVITE's offer (empty
/// when it had none).
pub(crate) fn spawn_incoming(
    call_id: String,
    dialog: InviteDialog,
    states: DialogStateReceiver,
    layer: Arc<DialogLayer>,
    remote_sdp: String,
) -> Call {
    let control = Control::new(dialog, String::new(), remote_sdp);
    let (call, ctx) = new_call(call_id, Direction::Incoming, control, layer);
    tokio::spawn(async move {
        let mut states = states;
        run_dialog(&ctx, &mut states, false).await;
    });
    call
}

async fn drive_outgoing(
    ctx: Ctx,
    mut outcome: JoinHandle<InviteAsyncResult>,
    mut states: DialogStateReceiver,
) {
    // Until the INVITE transaction ends: provisional states only.
    let result = loop {
        tokio::select! {
            biased;
            Some(state) = states.recv() => provisional(&state, &ctx),
            r = &mut outcome => break r,
        }
    };
    // States queued before the final response still come first.
    while let Ok(state) = states.try_recv() {
        provisional(&state, &ctx);
    }
    let call_id = &ctx.call_id;
    let cancelled = ctx.control.cancelled.load(Ordering::SeqCst);
    let answered = match result {
        Ok(Ok((_, Some(resp)))) if resp.status_code.code() / 100 == 2 => {
            if cancelled {
                // rsipstack BYEs a 2xx that crossed our CANCEL; the call is over.
                ctx.emit(CallEvent::Ended { by: EndedBy::Local });
                false
            } else {
                let sdp = body_of(&resp);
                *lock(&ctx.control.remote_sdp) = sdp.clone();
                callback_presented(&resp, &ctx);
                ctx.emit(CallEvent::Answered { sdp });
                true
            }
        }
        Ok(Ok(_)) if cancelled => {
            ctx.emit(CallEvent::Ended { by: EndedBy::Local });
            false
        }
        Ok(Ok((_, Some(resp)))) => {
            let code = resp.status_code.code();
            info!(%call_id, code, "call failed");
            let reason = FailReason::from_status(code);
            ctx.emit(CallEvent::Failed { reason });
            false
        }
        Ok(Ok((_, None))) => {
            ctx.emit(CallEvent::Failed {
                reason: FailReason::Timeout,
            });
            false
        }
        Ok(Err(e)) => {
            warn!(%call_id, error = %e, "INVITE could not be sent");
            ctx.emit(CallEvent::Failed {
                reason: FailReason::Network(e.to_string()),
            });
            false
        }
        Err(join) => {
            warn!(%call_id, error = %join, "INVITE task ended abnormally");
            ctx.emit(CallEvent::Failed {
                reason: FailReason::Network(join.to_string()),
            });
            false
        }
    };
    if answered {
        run_dialog(&ctx, &mut states, true).await;
    }
}

fn provisional(state: &DialogState, ctx: &Ctx) {
    match state {
        DialogState::Trying(_) => ctx.emit(CallEvent::Trying),
        DialogState::Early(_, resp) => {
            callback_presented(resp, ctx);
            let sdp = body_of(resp);
            let sdp = (!sdp.is_empty()).then_some(sdp);
            ctx.emit(CallEvent::Ringing { sdp });
        }
        _ => {}
    }
}

/// The dialog's life from here to its end: for an incoming call from the INVITE
/// (`answered` false until the ACK), for an outgoing one from the 2xx.
async fn run_dialog(ctx: &Ctx, states: &mut DialogStateReceiver, mut answered: bool) {
    // Set by a successful transfer: the BYE waits for the dialog to be back in
    // Confirmed, which rsipstack restores right after the NOTIFY's 200.
    let mut bye_when_confirmed = false;
    while let Some(state) = states.recv().await {
        match state {
            DialogState::Confirmed(..) if !answered => {
                answered = true;
                let sdp = {
                    let mut remote = lock(&ctx.control.remote_sdp);
                    if remote.is_empty() {
                        // No offer in the INVITE: ours went in the 200, the answer
                        // comes in the ACK (RFC 3261 §13.2.1).
                        if let Some(ack) = ctx.control.dialog.last_remote_ack() {
                            *remote = String::from_utf8_lossy(&ack.body).into_owned();
                        }
                    }
                    remote.clone()
                };
                info!(call_id = %ctx.call_id, "incoming call established");
                ctx.emit(CallEvent::Answered { sdp });
            }
            DialogState::Confirmed(..) if bye_when_confirmed => {
                bye_when_confirmed = false;
                let control = ctx.control.clone();
                tokio::spawn(async move {
                    if let Err(e) = control.dialog.bye().await {
                        warn!(error = %e, "BYE after the transfer failed");
                    }
                });
            }
            DialogState::Terminated(id, reason) => {
                end(ctx, &id, &reason, answered);
                return;
            }
            DialogState::Updated(_, req, handle) => in_dialog::reoffer(ctx, &req, handle).await,
            DialogState::Info(_, req, handle) => in_dialog::info(ctx, &req, handle).await,
            DialogState::Notify(_, req, handle) => {
                bye_when_confirmed |= in_dialog::notify(ctx, &req, handle).await;
            }
            DialogState::Refer(_, req, handle) => in_dialog::refer(ctx, &req, handle).await,
            DialogState::Options(_, _, handle) => {
                let _ = handle.reply(StatusCode::OK).await;
            }
            DialogState::Message(_, _, handle) | DialogState::Publish(_, _, handle) => {
                let _ = handle.reply(StatusCode::MethodNotAllowed).await;
            }
            _ => {}
        }
    }
}

fn end(ctx: &Ctx, id: &DialogId, reason: &TerminatedReason, answered: bool) {
    debug!(call_id = %ctx.call_id, ?reason, "dialog terminated");
    // rsipstack leaves the dialog registered; removing it is ours.
    ctx.layer.remove_dialog(id);
    let event = match (ctx.direction, reason) {
        (_, TerminatedReason::Timeout) if !answered => CallEvent::Failed {
            reason: FailReason::Timeout,
        },
        (Direction::Outgoing, TerminatedReason::UacBye | TerminatedReason::UacCancel) => {
            CallEvent::Ended { by: EndedBy::Local }
        }
        (Direction::Incoming, TerminatedReason::UasBye | TerminatedReason::UasDecline) => {
            CallEvent::Ended { by: EndedBy::Local }
        }
        _ => CallEvent::Ended {
            by: EndedBy::Remote,
        },
    };
    ctx.emit(event);
}

/// The callback number the edge presented to the emergency center, which it names on
/// its responses to an emergency INVITE (`P-Emergency-Callback`).
fn callback_presented(resp: &Response, ctx: &Ctx) {
    let named = resp
        .headers
        .iter()
        .find(|h| h.name().eq_ignore_ascii_case(CALLBACK_HEADER))
        .and_then(|h| crate::incoming::uri_user(h.value()));
    if let Some(number) = named {
        ctx.emit(CallEvent::CallbackPresented { number });
    }
    let route = resp
        .headers
        .iter()
        .find(|h| h.name().eq_ignore_ascii_case(ROUTE_HEADER))
        .map(|h| h.value().trim())
        .filter(|v| v.len() <= 64 && v.chars().all(|c| c.is_ascii_graphic()));
    if let Some(route) = route {
        ctx.emit(CallEvent::RoutePresented {
            route: route.to_owned(),
        });
    }
}

/// Beside it: where the edge sent the emergency call.
pub(crate) const ROUTE_HEADER: &str = "P-Emergency-Route";

/// Named by the back office's SIP edge on the responses to an emergency INVITE.
pub(crate) const CALLBACK_HEADER: &str = "P-Emergency-Callback";

pub(super) fn body_of(resp: &Response) -> String {
    String::from_utf8_lossy(&resp.body).into_owned()
}
