//! Hold and resume by re-INVITE, both ways, against a real sipp UAC that checks the
//! SDP of every re-INVITE and answer.

mod common;

use common::{next_call_event, next_incoming, start_ua, Sipp, SDP_ANSWER};
use sip_ua::{CallEvent, EndedBy, SipUaError};

fn sdp(version: u32, direction: &str) -> String {
    SDP_ANSWER
        .replace("o=- 2 1 ", &format!("o=- 2 {version} "))
        .replace("a=sendrecv", &format!("a={direction}"))
}

/// We hold (sendonly, sipp answers recvonly) and resume (sendrecv); sipp then holds
/// us: its offer arrives as `Reoffer` and our recvonly answer goes back (sipp checks
/// it). Its refreshes (a re-INVITE repeating that offer, an UPDATE without a body, a
/// re-INVITE without an offer) are answered by themselves with the current session
/// and never reported; its REFER is declined (603, checked by sipp); its BYE ends
/// the call.
#[tokio::test]
async fn hold_and_resume_by_reinvite_both_ways_and_refreshes_keep_the_call() {
    let (ua, mut events) = start_ua().await;
    let mut sipp = Sipp::call("uac_hold_resume.xml", ua.local_addr(), "agent1001").await;
    let mut call = next_incoming(&mut events, &sipp).await.call;
    // Nothing to re-INVITE before the call is up.
    assert!(matches!(
        call.reinvite(&sdp(2, "sendonly")).await,
        Err(SipUaError::State(_))
    ));
    call.answer(SDP_ANSWER).expect("200");
    assert!(matches!(
        next_call_event(&mut call, &sipp).await,
        CallEvent::Answered { .. }
    ));

    let held = call.reinvite(&sdp(2, "sendonly")).await.expect("hold");
    assert!(held.contains("a=recvonly"), "hold answer: {held:?}");
    let resumed = call.reinvite(&sdp(3, "sendrecv")).await.expect("resume");
    assert!(resumed.contains("a=sendrecv"), "resume answer: {resumed:?}");

    let offer = match next_call_event(&mut call, &sipp).await {
        CallEvent::Reoffer { sdp } => sdp,
        other => panic!("expected sipp's hold offer, got {other:?}"),
    };
    assert!(offer.contains("a=sendonly"), "offer: {offer:?}");
    call.answer_reoffer(&sdp(4, "recvonly"))
        .await
        .expect("answer the hold");
    // A second answer has nothing to answer.
    assert!(matches!(
        call.answer_reoffer(&sdp(4, "recvonly")).await,
        Err(SipUaError::State(_))
    ));
    // The refresh is not an event: the next one is the end.
    assert_eq!(
        next_call_event(&mut call, &sipp).await,
        CallEvent::Ended {
            by: EndedBy::Remote
        }
    );
    sipp.assert_passed().await;
}

/// A new offer we cannot take is refused with 488 and the call goes on; hanging up
/// while the next one is still unanswered refuses it first, then sends the BYE
/// (sipp checks both 488s and waits for the BYE).
#[tokio::test]
async fn offers_can_be_refused_and_bye_refuses_a_pending_one() {
    let (ua, mut events) = start_ua().await;
    let mut sipp = Sipp::call("uac_reoffer_refused.xml", ua.local_addr(), "agent1001").await;
    let mut call = next_incoming(&mut events, &sipp).await.call;
    call.answer(SDP_ANSWER).expect("200");
    assert!(matches!(
        next_call_event(&mut call, &sipp).await,
        CallEvent::Answered { .. }
    ));
    let first = next_call_event(&mut call, &sipp).await;
    assert!(matches!(first, CallEvent::Reoffer { .. }), "{first:?}");
    call.refuse_reoffer().await.expect("488");
    let second = next_call_event(&mut call, &sipp).await;
    assert!(matches!(second, CallEvent::Reoffer { .. }), "{second:?}");
    call.bye()
        .await
        .expect("BYE after refusing the pending offer");
    assert_eq!(
        next_call_event(&mut call, &sipp).await,
        CallEvent::Ended { by: EndedBy::Local }
    );
    sipp.assert_passed().await;
}
