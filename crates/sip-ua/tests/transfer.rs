//! Blind transfer by REFER against a real sipp UAS that checks Refer-To, accepts with
//! 202 and reports the new call's progress by NOTIFY (RFC 3515, RFC 5589).

mod common;

use common::{next_call_event, start_ua, wait_for, Sipp, SDP_OFFER};
use sip_ua::{CallEvent, EndedBy, InviteExtras, SipUaError, TransferState};

/// REFER is accepted; the sipfrag progress (100, then 200) arrives as `Transfer`
/// events, and the success ends our leg with a BYE, which sipp waits for.
#[tokio::test]
async fn blind_transfer_reports_progress_and_ends_our_leg_on_success() {
    let mut sipp = Sipp::serve("uas_refer.xml").await;
    let (ua, _events) = start_ua().await;
    let mut call = ua
        .invite(&sipp.uri("1234"), SDP_OFFER, InviteExtras::default())
        .await
        .expect("INVITE sent");
    // Nothing to transfer before the call is up, and a target must be a URI.
    assert!(matches!(
        call.refer("sip:transfer-target@127.0.0.1:5099").await,
        Err(SipUaError::State("REFER"))
    ));
    wait_for(&mut call, &sipp, |e| {
        matches!(e, CallEvent::Answered { .. })
    })
    .await;
    assert!(matches!(
        call.refer("not a uri <>").await,
        Err(SipUaError::InvalidUri(_))
    ));

    call.refer("sip:transfer-target@127.0.0.1:5099")
        .await
        .expect("REFER accepted");
    assert_eq!(
        next_call_event(&mut call, &sipp).await,
        CallEvent::Transfer(TransferState::Progress(100))
    );
    assert_eq!(
        next_call_event(&mut call, &sipp).await,
        CallEvent::Transfer(TransferState::Succeeded)
    );
    assert_eq!(
        next_call_event(&mut call, &sipp).await,
        CallEvent::Ended { by: EndedBy::Local }
    );
    sipp.assert_passed().await;
}

/// The transfer target is busy (sipfrag 486): `Transfer(Failed(486))` is reported
/// and our call goes on; we end it ourselves, and sipp sees no BYE before then (it
/// waits 300 ms after the NOTIFY, then expects ours).
#[tokio::test]
async fn failed_transfer_is_reported_and_the_call_goes_on() {
    let mut sipp = Sipp::serve("uas_refer_busy.xml").await;
    let (ua, _events) = start_ua().await;
    let mut call = ua
        .invite(&sipp.uri("1234"), SDP_OFFER, InviteExtras::default())
        .await
        .expect("INVITE sent");
    wait_for(&mut call, &sipp, |e| {
        matches!(e, CallEvent::Answered { .. })
    })
    .await;
    call.refer("sip:transfer-target@127.0.0.1:5099")
        .await
        .expect("REFER accepted");
    assert_eq!(
        next_call_event(&mut call, &sipp).await,
        CallEvent::Transfer(TransferState::Failed(486))
    );
    // Still up: nothing more happens until we hang up.
    let quiet =
        tokio::time::timeout(std::time::Duration::from_millis(500), call.next_event()).await;
    assert!(quiet.is_err(), "the call should go on: {quiet:?}");
    call.bye().await.expect("BYE");
    assert_eq!(
        next_call_event(&mut call, &sipp).await,
        CallEvent::Ended { by: EndedBy::Local }
    );
    sipp.assert_passed().await;
}
