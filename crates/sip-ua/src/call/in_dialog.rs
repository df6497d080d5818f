//! Requests from the peer inside an established dialog, each answered exactly once.
//!
//! - re-INVITE / UPDATE with a new offer: reported as [`CallEvent::Reoffer`], the
//!   engine answers. Without SDP, or repeating the session's current description (a
//!   session-timer refresh, RFC 4028), we answer by ourselves with our current SDP.
//! - INFO with DTMF: 200 and [`CallEvent::Dtmf`]; an empty INFO (a liveness probe)
//!   gets 200; any other body 415.
//! - NOTIFY of our REFER's subscription: 200 and [`CallEvent::Transfer`].
//! - REFER from the peer: 603 Decline. A contact-center agent's call is transferred
//!   by the agent, never moved away by the far end, so nothing is started on its say.

use rsipstack::dialog::dialog::TransactionHandle;
use rsipstack::sip::prelude::HeadersExt;
use rsipstack::sip::{Method, Request, StatusCode};
use tracing::{debug, info, warn};

use super::drive::Ctx;
use super::{dtmf, lock, sdp_headers, CallEvent, PendingOffer, TransferState};

fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers
        .iter()
        .find(|h| h.name().eq_ignore_ascii_case(name))
        .map(|h| h.value())
}

/// The `o=` line: its session version changes with every new offer (RFC 3264 §8).
fn origin(sdp: &str) -> Option<&str> {
    sdp.lines().map(str::trim).find(|l| l.starts_with("o="))
}

pub(super) async fn reoffer(ctx: &Ctx, req: &Request, handle: TransactionHandle) {
    let offer = String::from_utf8_lossy(&req.body).into_owned();
    let is_invite = req.method == Method::Invite;
    let refresh = offer.trim().is_empty() || {
        let remote = lock(&ctx.control.remote_sdp);
        origin(&remote).is_some() && origin(&remote) == origin(&offer)
    };
    if refresh {
        // A re-INVITE without an offer wants one in our 200 (RFC 3261 §14.2): the
        // current session again. An UPDATE without a body only refreshes.
        let local = lock(&ctx.control.local_sdp).clone();
        debug!(call_id = %ctx.call_id, method = %req.method, "session refresh answered");
        let result = if is_invite && !local.is_empty() {
            handle
                .respond(StatusCode::OK, sdp_headers(), Some(local.into_bytes()))
                .await
        } else {
            handle.reply(StatusCode::OK).await
        };
        if result.is_err() {
            warn!(call_id = %ctx.call_id, "refresh answer came too late");
        }
        return;
    }
    *lock(&ctx.control.remote_sdp) = offer.clone();
    // A second offer before the first was answered replaces it; the first is
    // answered 491 so the peer retries (RFC 3261 §14.2).
    let invite_cseq = is_invite
        .then(|| req.cseq_header().ok()?.seq().ok())
        .flatten();
    let pending = PendingOffer {
        handle,
        invite_cseq,
    };
    let stale = lock(&ctx.control.reoffer).replace(pending);
    if let Some(stale) = stale {
        let _ = stale.handle.reply(StatusCode::RequestPending).await;
    }
    info!(call_id = %ctx.call_id, method = %req.method, "new offer from the peer");
    ctx.emit(CallEvent::Reoffer { sdp: offer });
}

pub(super) async fn info(ctx: &Ctx, req: &Request, handle: TransactionHandle) {
    let content_type = header(req, "Content-Type").unwrap_or_default();
    let status = match dtmf::parse(content_type, &req.body) {
        Some(digit) => {
            // The digit itself is not logged: it may be part of a card number.
            debug!(call_id = %ctx.call_id, "DTMF by INFO");
            ctx.emit(CallEvent::Dtmf(digit.as_char()));
            StatusCode::OK
        }
        None if req.body.is_empty() => StatusCode::OK,
        None => {
            debug!(call_id = %ctx.call_id, %content_type, "INFO body not understood");
            StatusCode::UnsupportedMediaType
        }
    };
    let _ = handle.reply(status).await;
}

/// Answers a NOTIFY; `true` when it reports the transfer's success, so our leg ends.
pub(super) async fn notify(ctx: &Ctx, req: &Request, handle: TransactionHandle) -> bool {
    let is_refer = header(req, "Event")
        .or_else(|| header(req, "o"))
        .is_some_and(|e| {
            e.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case("refer"))
        });
    if !is_refer {
        let _ = handle.reply(StatusCode::from(489)).await;
        return false;
    }
    let status = sipfrag_status(&req.body);
    let _ = handle
        .reply(if status.is_some() {
            StatusCode::OK
        } else {
            StatusCode::BadRequest
        })
        .await;
    let Some(code) = status else {
        warn!(call_id = %ctx.call_id, "NOTIFY without a sipfrag status line");
        return false;
    };
    let state = match code {
        100..=199 => TransferState::Progress(code),
        200..=299 => TransferState::Succeeded,
        _ => TransferState::Failed(code),
    };
    info!(call_id = %ctx.call_id, code, "transfer progress");
    let succeeded = state == TransferState::Succeeded;
    ctx.emit(CallEvent::Transfer(state));
    succeeded
}

/// The status code of a `message/sipfrag` body's first line (`SIP/2.0 200 OK`).
fn sipfrag_status(body: &[u8]) -> Option<u16> {
    let text = std::str::from_utf8(body).ok()?;
    let line = text.lines().find(|l| !l.trim().is_empty())?;
    let mut parts = line.split_whitespace();
    if !parts.next()?.eq_ignore_ascii_case("SIP/2.0") {
        return None;
    }
    parts
        .next()?
        .parse()
        .ok()
        .filter(|c| (100..=699).contains(c))
}

pub(super) async fn refer(ctx: &Ctx, _req: &Request, handle: TransactionHandle) {
    info!(call_id = %ctx.call_id, "REFER from the peer declined");
    let _ = handle.reply(StatusCode::Decline).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sipfrag_status_lines_parse_and_garbage_does_not() {
        assert_eq!(sipfrag_status(b"SIP/2.0 200 OK\r\n"), Some(200));
        assert_eq!(sipfrag_status(b"SIP/2.0 100 Trying"), Some(100));
        assert_eq!(sipfrag_status(b"\r\nSIP/2.0 486 Busy Here\r\n"), Some(486));
        assert_eq!(sipfrag_status(b"HTTP/1.1 200 OK"), None);
        assert_eq!(sipfrag_status(b"SIP/2.0 abc"), None);
        assert_eq!(sipfrag_status(b"SIP/2.0 999 Odd"), None);
        assert_eq!(sipfrag_status(&[0xff]), None);
    }

    #[test]
    fn origin_is_the_o_line() {
        let sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n";
        assert_eq!(origin(sdp), Some("o=- 1 2 IN IP4 127.0.0.1"));
        assert_eq!(origin("v=0\r\n"), None);
    }
}
