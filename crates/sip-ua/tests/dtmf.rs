//! DTMF by SIP INFO both ways against a real sipp UAS that checks our INFO's type and
//! body.

mod common;

use std::time::Duration;

use common::{next_call_event, start_ua, wait_for, Sipp, SDP_OFFER};
use sip_ua::{CallEvent, InviteExtras, SipUaError};

/// sipp's `Signal=7` INFO becomes `Dtmf('7')` (and its unreadable INFO gets 415, which
/// sipp checks); ours goes out as `application/dtmf-relay` `Signal=5 Duration=160`;
/// a key that is not DTMF is refused before anything is sent.
#[tokio::test]
async fn dtmf_by_info_is_received_and_sent() {
    let mut sipp = Sipp::serve("uas_info_dtmf.xml").await;
    let (ua, _events) = start_ua().await;
    let mut call = ua
        .invite(&sipp.uri("1234"), SDP_OFFER, InviteExtras::default())
        .await
        .expect("INVITE sent");
    wait_for(&mut call, &sipp, |e| {
        matches!(e, CallEvent::Answered { .. })
    })
    .await;
    assert_eq!(
        next_call_event(&mut call, &sipp).await,
        CallEvent::Dtmf('7')
    );

    assert!(matches!(
        call.send_info_dtmf('x', Duration::from_millis(160)).await,
        Err(SipUaError::InvalidDtmf('X'))
    ));
    call.send_info_dtmf('5', Duration::from_millis(160))
        .await
        .expect("INFO answered 200");

    call.bye().await.expect("BYE");
    assert!(matches!(
        next_call_event(&mut call, &sipp).await,
        CallEvent::Ended { .. }
    ));
    sipp.assert_passed().await;
}
