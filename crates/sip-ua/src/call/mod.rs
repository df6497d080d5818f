//! One call in either direction: [`Call`] is the handle, [`CallEvent`] what it reports.
//!
//! One task per call (`drive.rs`) turns rsipstack's dialog states into [`CallEvent`]s,
//! in order, each exactly once. For an outgoing call, provisional states come from the
//! dialog's state channel and the outcome (answer or failure) from the INVITE
//! transaction itself, so a final response is never reported twice. Once a dialog is
//! established both directions share the same loop: requests from the peer inside the
//! dialog (re-INVITE, UPDATE, INFO, NOTIFY, REFER) are answered there (`in_dialog.rs`).

mod control;
mod drive;
mod dtmf;
mod in_dialog;

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use rsipstack::dialog::dialog::DialogState;
use rsipstack::sip::{Header, StatusCode, StatusCodeKind, Uri};
use tokio::sync::mpsc;
use tracing::info;

use crate::error::SipUaError;
use crate::redact::{redact, Redacted};

use control::sdp_headers;
pub(crate) use control::{lock, Control, PendingOffer};
pub(crate) use drive::{spawn_incoming, spawn_outgoing};
pub use dtmf::DtmfDigit;

/// Why a call did not connect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FailReason {
    /// 486 Busy Here, 600 Busy Everywhere.
    Busy,
    /// 404 Not Found, 604 Does Not Exist Anywhere.
    NotFound,
    /// 480 Temporarily Unavailable, 503 Service Unavailable.
    Unavailable,
    /// No final response in time (RFC 3261 Timer B), or 408; for an incoming call,
    /// no ACK to our 200 OK.
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

/// Who placed the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// We sent the INVITE ([`crate::UserAgent::invite`]).
    Outgoing,
    /// The peer sent it ([`crate::UaEvent::Incoming`]).
    Incoming,
}

/// How a blind transfer we asked for ([`Call::refer`]) goes, from the peer's NOTIFYs
/// (RFC 3515 `message/sipfrag` bodies).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransferState {
    /// A provisional status of the new call (100 Trying, 180 Ringing, ...).
    Progress(u16),
    /// The transfer target answered. Our leg is then ended with a BYE (RFC 5589),
    /// so `Ended { by: Local }` follows.
    Succeeded,
    /// The new call failed with this final status; our call goes on.
    Failed(u16),
}

/// What happens to a call, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallEvent {
    /// Outgoing only. 100 Trying: the next hop has the INVITE.
    Trying,
    /// Outgoing only. 180 or 183, with the early SDP when the peer sent one.
    Ringing { sdp: Option<String> },
    /// Outgoing only, before the `Ringing` or `Answered` of the response that said it:
    /// the callback number our proxy presented to the emergency center for this call
    /// (E5), which may differ from the one the INVITE carried.
    CallbackPresented { number: String },
    /// Outgoing only: where our proxy sent the emergency call (E12), as it said it:
    /// `routing-number=<E.164>` or `as-dialled`.
    RoutePresented { route: String },
    /// The call is established. `sdp` is the peer's session description: the answer
    /// to our offer for an outgoing call, the caller's offer for an incoming one (or
    /// the answer in its ACK when its INVITE had no offer); empty when there is none.
    Answered { sdp: String },
    /// A final non-2xx response or no response at all. Last event.
    Failed { reason: FailReason },
    /// The call ended: by BYE after an answer, by CANCEL before one (ours for an
    /// outgoing call, the caller's for an incoming one), or by our rejection of an
    /// incoming call. Last event.
    Ended { by: EndedBy },
    /// The peer sent a new SDP offer (re-INVITE or UPDATE), e.g. to hold or resume.
    /// Reply with [`Call::answer_reoffer`] (or [`Call::refuse_reoffer`]) within
    /// 64*T1, or rsipstack answers 501. A refresh that repeats the session's
    /// current description is answered by itself and never reported.
    Reoffer { sdp: String },
    /// A DTMF digit the peer sent by SIP INFO (`application/dtmf-relay` or
    /// `application/dtmf`); the INFO has been answered 200.
    Dtmf(char),
    /// Progress of the transfer asked for with [`Call::refer`].
    Transfer(TransferState),
}

/// Handle to one call. Dropping it does not end the call; use [`Call::cancel`],
/// [`Call::reject`] or [`Call::bye`].
#[derive(Debug)]
pub struct Call {
    call_id: String,
    direction: Direction,
    events: mpsc::UnboundedReceiver<CallEvent>,
    control: Arc<Control>,
}

/// The status of a final response, or `Refused` for a non-2xx one.
fn expect_2xx(
    resp: Option<rsipstack::sip::Response>,
    what: &'static str,
) -> Result<rsipstack::sip::Response, SipUaError> {
    match resp {
        None => Err(SipUaError::State(what)),
        Some(r) if r.status_code.kind() == StatusCodeKind::Successful => Ok(r),
        Some(r) => Err(SipUaError::Refused {
            request: what,
            code: r.status_code.code(),
        }),
    }
}

impl Call {
    /// The SIP Call-ID.
    pub fn call_id(&self) -> &str {
        &self.call_id
    }

    /// Who placed the call.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// The next event; `None` after the last one.
    pub async fn next_event(&mut self) -> Option<CallEvent> {
        self.events.recv().await
    }

    /// Outgoing calls: withdraws the INVITE before it is answered (CANCEL). The call
    /// then ends with `Ended { by: Local }`; if a 2xx crosses the CANCEL, rsipstack
    /// sends the BYE.
    pub async fn cancel(&self) -> Result<(), SipUaError> {
        if self.direction != Direction::Outgoing {
            return Err(SipUaError::State("CANCEL"));
        }
        self.control.cancelled.store(true, Ordering::SeqCst);
        self.control.dialog.cancel().await?;
        Ok(())
    }

    /// Incoming calls: sends 180 Ringing. Once is enough; the caller's CANCEL may
    /// still end the call (`Ended { by: Remote }`).
    pub fn ring(&self) -> Result<(), SipUaError> {
        self.unanswered_incoming("180 Ringing")?;
        self.control.dialog.ringing(None, None)?;
        Ok(())
    }

    /// Incoming calls: answers 200 OK with our SDP. `Answered` follows when the
    /// caller's ACK arrives; `Failed { Timeout }` if it never does.
    pub fn answer(&self, sdp_answer: &str) -> Result<(), SipUaError> {
        self.unanswered_incoming("200 OK")?;
        *lock(&self.control.local_sdp) = sdp_answer.to_owned();
        self.control
            .dialog
            .accept(sdp_headers(), Some(sdp_answer.as_bytes().to_vec()))?;
        info!(call_id = %self.call_id, "incoming call answered");
        Ok(())
    }

    /// Incoming calls: declines before answering with a final status from 300 to
    /// 699 (486 Busy Here, 480 Temporarily Unavailable, 603 Decline ...). The call
    /// ends with `Ended { by: Local }`.
    pub fn reject(&self, code: u16) -> Result<(), SipUaError> {
        if !(300..=699).contains(&code) {
            return Err(SipUaError::InvalidStatus(code));
        }
        self.unanswered_incoming("reject")?;
        self.control
            .dialog
            .reject(Some(StatusCode::from(code)), None)?;
        info!(call_id = %self.call_id, code, "incoming call rejected");
        Ok(())
    }

    fn unanswered_incoming(&self, what: &'static str) -> Result<(), SipUaError> {
        let unanswered = matches!(
            self.control.dialog.state(),
            DialogState::Calling(_) | DialogState::Trying(_) | DialogState::Early(..)
        );
        if self.direction == Direction::Incoming && unanswered {
            Ok(())
        } else {
            Err(SipUaError::State(what))
        }
    }

    /// Ends an established call (BYE), whichever side placed it; an incoming call
    /// may also be ended between our 200 and the caller's ACK. A new offer from the
    /// peer still waiting for our answer is refused (488) first.
    pub async fn bye(&self) -> Result<(), SipUaError> {
        // Nothing pending is fine: the refusal is only owed when there is one.
        let _ = self
            .control
            .answer_offer(StatusCode::NotAcceptableHere, None, "BYE")
            .await;
        let waiting_ack = matches!(self.control.dialog.state(), DialogState::WaitAck(..));
        if !(self.direction == Direction::Incoming && waiting_ack) {
            self.control.established("BYE").await?;
        }
        self.control.dialog.bye().await?;
        Ok(())
    }

    /// Sends a re-INVITE with a new SDP offer (the engine writes `a=sendonly` to
    /// hold, `a=sendrecv` to resume) and returns the peer's SDP answer. A 491
    /// (both sides re-INVITing at once) is retried after RFC 3261's random wait.
    pub async fn reinvite(&self, sdp_offer: &str) -> Result<String, SipUaError> {
        self.control.established("re-INVITE").await?;
        let resp = self
            .control
            .dialog
            .reinvite_with_glare_retry(sdp_headers(), Some(sdp_offer.as_bytes().to_vec()), 3)
            .await?;
        let resp = expect_2xx(resp, "re-INVITE")?;
        let answer = String::from_utf8_lossy(&resp.body).into_owned();
        *lock(&self.control.local_sdp) = sdp_offer.to_owned();
        *lock(&self.control.remote_sdp) = answer.clone();
        Ok(answer)
    }

    /// Answers the peer's new offer (after [`CallEvent::Reoffer`]) with 200 OK and
    /// our SDP answer.
    pub async fn answer_reoffer(&self, sdp_answer: &str) -> Result<(), SipUaError> {
        self.control
            .answer_offer(StatusCode::OK, Some(sdp_answer), "re-offer answer")
            .await?;
        *lock(&self.control.local_sdp) = sdp_answer.to_owned();
        Ok(())
    }

    /// Refuses the peer's new offer with 488 Not Acceptable Here; the session stays
    /// as it was.
    pub async fn refuse_reoffer(&self) -> Result<(), SipUaError> {
        self.control
            .answer_offer(StatusCode::NotAcceptableHere, None, "re-offer refusal")
            .await
    }

    /// Blind transfer (RFC 3515, RFC 5589): sends REFER with `Refer-To: <target>`
    /// (a SIP URI) and returns once the peer accepted it (202). Progress then comes as
    /// [`CallEvent::Transfer`]; on success our leg is ended with a BYE.
    pub async fn refer(&self, target: &str) -> Result<(), SipUaError> {
        let invalid = || SipUaError::InvalidUri(redact(target));
        // rsipstack's parser is lenient; a target must not be able to close the
        // `<...>` of Refer-To or start another header.
        let lower = target.to_ascii_lowercase();
        let scheme_ok = ["sip:", "sips:", "tel:"]
            .iter()
            .any(|s| lower.starts_with(s));
        let chars_ok = !target
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"".contains(c));
        if !scheme_ok || !chars_ok {
            return Err(invalid());
        }
        let uri = Uri::try_from(target).map_err(|_| invalid())?;
        self.control.established("REFER").await?;
        let resp = self.control.dialog.refer(uri, None, None).await?;
        expect_2xx(resp, "REFER")?;
        info!(call_id = %self.call_id, target = %Redacted(target), "transfer accepted");
        Ok(())
    }

    /// Sends one DTMF digit by SIP INFO (`application/dtmf-relay`), the fallback when
    /// the peer takes no RFC 4733 events. Digits: `0-9 * # A-D` (`a-d` too).
    pub async fn send_info_dtmf(&self, digit: char, duration: Duration) -> Result<(), SipUaError> {
        let digit = DtmfDigit::new(digit)?;
        self.control.established("INFO").await?;
        let headers = vec![Header::ContentType("application/dtmf-relay".into())];
        let resp = self
            .control
            .dialog
            .info(Some(headers), Some(dtmf::relay_body(digit, duration)))
            .await?;
        expect_2xx(resp, "INFO")?;
        Ok(())
    }
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
