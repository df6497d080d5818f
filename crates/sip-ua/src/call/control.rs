//! [`Control`]: what a [`super::Call`] handle and its task share, and the rules for
//! sending our requests while the peer's are in progress.

use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rsipstack::dialog::dialog::{DialogState, TransactionHandle};
use rsipstack::dialog::invite_dialog::InviteDialog;
use rsipstack::sip::{Header, StatusCode};

use crate::error::SipUaError;

/// What the handle and the call's task share.
pub(crate) struct Control {
    pub(crate) dialog: InviteDialog,
    pub(crate) cancelled: AtomicBool,
    /// The peer's re-INVITE or UPDATE waiting for [`super::Call::answer_reoffer`].
    pub(crate) reoffer: Mutex<Option<PendingOffer>>,
    /// The CSeq of a re-INVITE of the peer's we answered and whose ACK has not been
    /// seen yet: our next request waits for it, so it cannot overtake our answer.
    pub(super) awaiting_ack: Mutex<Option<u32>>,
    /// Our current session description: the offer or answer we last sent. A session
    /// refresh from the peer is answered with it.
    pub(crate) local_sdp: Mutex<String>,
    /// The peer's current session description, to recognise a refresh.
    pub(crate) remote_sdp: Mutex<String>,
}

/// A new offer from the peer that the engine has not answered yet.
pub(crate) struct PendingOffer {
    pub(crate) handle: TransactionHandle,
    /// The re-INVITE's CSeq; `None` for an UPDATE (no ACK follows its answer).
    pub(crate) invite_cseq: Option<u32>,
}

impl std::fmt::Debug for Control {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control").finish_non_exhaustive()
    }
}

/// A poisoned lock only means a panic elsewhere; the value inside is still sound.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Control {
    pub(crate) fn new(dialog: InviteDialog, local_sdp: String, remote_sdp: String) -> Self {
        Control {
            dialog,
            cancelled: AtomicBool::new(false),
            reoffer: Mutex::new(None),
            awaiting_ack: Mutex::new(None),
            local_sdp: Mutex::new(local_sdp),
            remote_sdp: Mutex::new(remote_sdp),
        }
    }

    /// Waits until the dialog can take a request of ours: established and not in
    /// the middle of answering one of the peer's (rsipstack leaves `Confirmed` while
    /// it does, and refuses BYE or re-INVITE then). Bounded, since a peer that never
    /// ACKs must not hang the caller.
    pub(super) async fn established(&self, what: &'static str) -> Result<(), SipUaError> {
        let deadline = tokio::time::Instant::now() + MID_REQUEST_WAIT;
        // rsipstack reports dialog states from several tasks, so `Confirmed` can be
        // seen while a re-INVITE is still being answered; its ACK is the proof.
        let awaited = lock(&self.awaiting_ack).take();
        if let Some(cseq) = awaited {
            while tokio::time::Instant::now() < deadline && self.acked_cseq() < Some(cseq) {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
        loop {
            match self.dialog.state() {
                DialogState::Confirmed(..) => return Ok(()),
                DialogState::Updated(..)
                | DialogState::Info(..)
                | DialogState::Notify(..)
                | DialogState::Refer(..)
                | DialogState::Message(..)
                | DialogState::Options(..)
                | DialogState::Publish(..)
                    if tokio::time::Instant::now() < deadline =>
                {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                _ => return Err(SipUaError::State(what)),
            }
        }
    }
}

impl Control {
    fn acked_cseq(&self) -> Option<u32> {
        use rsipstack::sip::prelude::HeadersExt;
        let ack = self.dialog.last_remote_ack()?;
        ack.cseq_header().ok()?.seq().ok()
    }

    /// Answers the pending offer; a re-INVITE's ACK is then awaited by our next
    /// request.
    pub(super) async fn answer_offer(
        &self,
        status: StatusCode,
        sdp: Option<&str>,
        what: &'static str,
    ) -> Result<(), SipUaError> {
        let pending = lock(&self.reoffer).take().ok_or(SipUaError::State(what))?;
        let (headers, body) = match sdp {
            Some(sdp) => (sdp_headers(), Some(sdp.as_bytes().to_vec())),
            None => (None, None),
        };
        pending
            .handle
            .respond(status, headers, body)
            .await
            .map_err(|_| SipUaError::State(what))?;
        *lock(&self.awaiting_ack) = pending.invite_cseq;
        Ok(())
    }
}

/// How long a request of ours waits for one of the peer's to be answered first.
const MID_REQUEST_WAIT: Duration = Duration::from_secs(2);

pub(super) fn sdp_headers() -> Option<Vec<Header>> {
    Some(vec![Header::ContentType("application/sdp".into())])
}
