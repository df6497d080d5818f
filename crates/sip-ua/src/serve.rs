//! Requests from peers that arrive as new server transactions.
//!
//! In-dialog ones go to their dialog (a BYE ends the call there). A new INVITE
//! becomes an [`IncomingCall`]. The rest get a definite answer so the peer is never
//! left retransmitting: 200 to OPTIONS, 481 to anything naming a dialog we do not
//! have, 405 to other methods.

use std::sync::Arc;

use rsipstack::dialog::dialog_layer::DialogLayer;
use rsipstack::sip::prelude::HeadersExt;
use rsipstack::sip::{Method, StatusCode, Uri, Version};
use rsipstack::transaction::transaction::Transaction;
use rsipstack::transaction::TransactionReceiver;
use tokio::sync::mpsc;
use tracing::{debug, info, warn};

use crate::call;
use crate::incoming::InviteSummary;
use crate::redact::Redacted;
use crate::ua::UaEvent;

/// What answering peers' requests needs from the user agent.
pub(crate) struct Inbound {
    pub(crate) dialogs: Arc<DialogLayer>,
    pub(crate) events: mpsc::UnboundedSender<UaEvent>,
    pub(crate) contact: Uri,
}

pub(crate) async fn serve_incoming(mut incoming: TransactionReceiver, inbound: Arc<Inbound>) {
    while let Some(mut tx) = incoming.recv().await {
        let inbound = inbound.clone();
        tokio::spawn(async move {
            let method = tx.original.method;
            if let Some(status) = malformed(&tx) {
                debug!(%method, ?status, "malformed request refused");
                // rsipstack answers in the request's version; ours is SIP/2.0.
                tx.original.version = Version::V2;
                if let Err(e) = tx.reply(status).await {
                    warn!(%method, error = %e, "reply failed");
                }
                return;
            }
            if let Some(mut dialog) = inbound.dialogs.match_dialog(&tx) {
                if let Err(e) = dialog.handle(&mut tx).await {
                    debug!(%method, error = %e, "in-dialog request failed");
                }
                return;
            }
            let has_to_tag = tx
                .original
                .to_header()
                .ok()
                .and_then(|to| to.tag().ok().flatten())
                .is_some();
            let status = match method {
                Method::Ack => return,
                Method::Invite if !has_to_tag => return new_call(&inbound, tx).await,
                Method::Options => StatusCode::OK,
                _ if has_to_tag => StatusCode::CallTransactionDoesNotExist,
                _ => StatusCode::MethodNotAllowed,
            };
            debug!(%method, ?status, "out-of-dialog request answered");
            if let Err(e) = tx.reply(status).await {
                warn!(%method, error = %e, "reply failed");
            }
        });
    }
}

/// What the parser let through but RFC 3261 refuses (RFC 4475 §3.1.2): another
/// protocol version (505), a CSeq naming another method than the request line (400).
fn malformed(tx: &Transaction) -> Option<StatusCode> {
    let req = &tx.original;
    if req.version != Version::V2 {
        return Some(StatusCode::from(505));
    }
    match req.cseq_header().and_then(|c| c.method()) {
        Ok(method) if method == req.method => None,
        _ if req.method == Method::Ack => None,
        _ => Some(StatusCode::BadRequest),
    }
}

/// A new INVITE: the dialog is created, the engine hears of it, and this task then
/// drives the INVITE transaction (our 1xx/2xx, the caller's ACK or CANCEL).
async fn new_call(inbound: &Inbound, mut tx: Transaction) {
    let (states_tx, states_rx) = inbound.dialogs.new_dialog_state_channel();
    let dialog = match inbound.dialogs.get_or_create_server_invite(
        &tx,
        states_tx,
        None,
        Some(inbound.contact.clone()),
    ) {
        Ok(dialog) => dialog,
        Err(e) => {
            warn!(error = %e, "INVITE refused: no dialog");
            let _ = tx.reply(StatusCode::BadRequest).await;
            return;
        }
    };
    let summary = InviteSummary::of(&tx.original);
    let call_id = dialog.id().call_id.clone();
    info!(
        %call_id,
        caller = %Redacted(&summary.caller),
        dialled = %Redacted(&summary.dialled),
        priority = ?summary.priority,
        "incoming call"
    );
    let remote_sdp = summary.sdp_offer.clone().unwrap_or_default();
    let call = call::spawn_incoming(
        call_id,
        dialog.clone(),
        states_rx,
        inbound.dialogs.clone(),
        remote_sdp,
    );
    if inbound
        .events
        .send(UaEvent::Incoming(Box::new(summary.into_incoming(call))))
        .is_err()
    {
        // Nobody takes calls: say so at once rather than ring nowhere.
        let _ = dialog.reject(Some(StatusCode::TemporarilyUnavailable), None);
    }
    let mut dialog = dialog;
    if let Err(e) = dialog.handle(&mut tx).await {
        warn!(error = %e, "incoming INVITE transaction failed");
    }
}
