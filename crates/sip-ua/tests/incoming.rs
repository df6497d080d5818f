//! Incoming calls from a real sipp UAC on loopback: sipp's scenarios check our 180,
//! our 200 (SDP answer, Contact) and our final responses, and fail on any mismatch.

mod common;

use common::{next_call_event, next_incoming, start_ua, Sipp, SDP_ANSWER};
use sip_ua::{CallEvent, Direction, EndedBy, SipUaError};

/// The INVITE's parties, dialled number, Priority and offer reach the engine; we ring
/// and answer; the call is established on the ACK with the caller's offer as remote
/// SDP; the caller's BYE ends it.
#[tokio::test]
async fn incoming_call_is_reported_rung_answered_and_ended_by_the_caller() {
    let (ua, mut events) = start_ua().await;
    let mut sipp = Sipp::call("uac_answered_caller_bye.xml", ua.local_addr(), "agent1001").await;
    let incoming = next_incoming(&mut events, &sipp).await;
    assert_eq!(incoming.caller, "+13125550199");
    assert_eq!(incoming.caller_display_name.as_deref(), Some("Jane Roe"));
    assert_eq!(incoming.dialled, "+13125550100");
    assert_eq!(incoming.request_user, "agent1001");
    assert_eq!(incoming.priority.as_deref(), Some("emergency"));
    let offer = incoming.sdp_offer.clone().expect("an SDP offer");
    assert!(offer.contains("o=sipp 1 1"), "offer: {offer:?}");
    // Numbers never show in clear in the Debug form that logs use.
    let debug = format!("{incoming:?}");
    assert!(!debug.contains("3125550199"), "{debug}");
    assert!(!debug.contains("3125550100"), "{debug}");

    let mut call = incoming.call;
    assert_eq!(call.direction(), Direction::Incoming);
    call.ring().expect("180");
    call.answer(SDP_ANSWER).expect("200");
    assert_eq!(
        next_call_event(&mut call, &sipp).await,
        CallEvent::Answered { sdp: offer }
    );
    assert_eq!(
        next_call_event(&mut call, &sipp).await,
        CallEvent::Ended {
            by: EndedBy::Remote
        }
    );
    sipp.assert_passed().await;
}

/// After answering, our BYE ends the incoming call: sipp waits for it in the dialog.
#[tokio::test]
async fn answered_incoming_call_is_ended_by_our_bye() {
    let (ua, mut events) = start_ua().await;
    let mut sipp = Sipp::call("uac_answered_callee_bye.xml", ua.local_addr(), "agent1001").await;
    let mut call = next_incoming(&mut events, &sipp).await.call;
    // No BYE before the call is established.
    assert!(matches!(call.bye().await, Err(SipUaError::State("BYE"))));
    call.ring().expect("180");
    call.answer(SDP_ANSWER).expect("200");
    assert!(matches!(
        next_call_event(&mut call, &sipp).await,
        CallEvent::Answered { .. }
    ));
    call.bye().await.expect("BYE");
    assert_eq!(
        next_call_event(&mut call, &sipp).await,
        CallEvent::Ended { by: EndedBy::Local }
    );
    sipp.assert_passed().await;
}

/// The caller CANCELs while we ring: sipp gets 200 for the CANCEL and 487 for the
/// INVITE; the call ends by the remote side and can no longer be answered.
#[tokio::test]
async fn caller_cancel_while_ringing_ends_the_incoming_call() {
    let (ua, mut events) = start_ua().await;
    let mut sipp = Sipp::call("uac_cancel_while_ringing.xml", ua.local_addr(), "agent1001").await;
    let mut call = next_incoming(&mut events, &sipp).await.call;
    call.ring().expect("180");
    assert_eq!(
        next_call_event(&mut call, &sipp).await,
        CallEvent::Ended {
            by: EndedBy::Remote
        }
    );
    assert!(matches!(call.answer(SDP_ANSWER), Err(SipUaError::State(_))));
    sipp.assert_passed().await;
}

/// We reject with 486 Busy Here (sipp checks the code and ACKs); a status that is
/// not a rejection is refused with a typed error first, and nothing is sent for it.
#[tokio::test]
async fn incoming_call_is_rejected_busy_here() {
    let (ua, mut events) = start_ua().await;
    let mut sipp = Sipp::call("uac_rejected_busy.xml", ua.local_addr(), "agent1001").await;
    let mut call = next_incoming(&mut events, &sipp).await.call;
    assert!(matches!(
        call.reject(200),
        Err(SipUaError::InvalidStatus(200))
    ));
    assert!(matches!(call.cancel().await, Err(SipUaError::State(_))));
    call.reject(486).expect("486");
    assert_eq!(
        next_call_event(&mut call, &sipp).await,
        CallEvent::Ended { by: EndedBy::Local }
    );
    sipp.assert_passed().await;
}

/// With nobody taking the UA's events, a caller hears 480 at once instead of
/// ringing forever.
#[tokio::test]
async fn incoming_call_without_a_listener_is_answered_480() {
    let (ua, events) = start_ua().await;
    drop(events);
    let mut sipp = Sipp::call("uac_unavailable.xml", ua.local_addr(), "agent1001").await;
    sipp.assert_passed().await;
}
