//! Outgoing calls against a real sipp UAS on loopback: answer and BYE either way,
//! CANCEL while ringing, a busy callee, and garbage datagrams that must not hurt.

mod common;

use common::{next_call_event, start_ua, wait_for, Sipp, SDP_OFFER};
use sip_ua::{CallEvent, EndedBy, FailReason, InviteExtras, SipUaError};

/// sipp answers with 100, 180 and 200 + SDP; we see each, then our BYE reaches sipp
/// (its scenario waits for it) and the call ends locally.
#[tokio::test]
async fn invite_is_answered_with_sdp_then_our_bye_ends_it() {
    let mut sipp = Sipp::serve("uas_answer_then_bye.xml").await;
    let (ua, _events) = start_ua().await;
    let mut call = ua
        .invite(&sipp.uri("1234"), SDP_OFFER, InviteExtras::default())
        .await
        .expect("INVITE sent");

    let mut seen = Vec::new();
    let sdp = loop {
        match next_call_event(&mut call, &sipp).await {
            CallEvent::Answered { sdp } => break sdp,
            other @ (CallEvent::Trying | CallEvent::Ringing { .. }) => seen.push(other),
            other => panic!("unexpected {other:?}:\n{}", sipp.diagnostics()),
        }
    };
    assert!(
        seen.contains(&CallEvent::Ringing { sdp: None }),
        "no Ringing in {seen:?}"
    );
    assert!(sdp.starts_with("v=0"), "answer SDP: {sdp:?}");
    assert!(sdp.contains("m=audio"), "answer SDP: {sdp:?}");

    call.bye().await.expect("BYE");
    assert_eq!(
        next_call_event(&mut call, &sipp).await,
        CallEvent::Ended { by: EndedBy::Local }
    );
    sipp.assert_passed().await;
}

/// sipp answers and then sends its own BYE: the UA answers it (sipp waits for the 200)
/// and reports the call ended by the far end.
#[tokio::test]
async fn far_end_bye_ends_the_call() {
    let mut sipp = Sipp::serve("uas_answer_remote_bye.xml").await;
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
        CallEvent::Ended {
            by: EndedBy::Remote
        }
    );
    sipp.assert_passed().await;
}

/// 486 Busy Here from sipp is `Failed { Busy }`; sipp's scenario also needs our ACK.
#[tokio::test]
async fn busy_here_is_failed_busy() {
    let mut sipp = Sipp::serve("uas_busy.xml").await;
    let (ua, _events) = start_ua().await;
    let mut call = ua
        .invite(&sipp.uri("1234"), SDP_OFFER, InviteExtras::default())
        .await
        .expect("INVITE sent");
    let last = wait_for(&mut call, &sipp, |e| matches!(e, CallEvent::Failed { .. })).await;
    assert_eq!(
        last,
        CallEvent::Failed {
            reason: FailReason::Busy
        }
    );
    // No dialog: a BYE is refused rather than sent.
    assert!(matches!(call.bye().await, Err(SipUaError::State("BYE"))));
    sipp.assert_passed().await;
}

/// CANCEL while sipp rings: sipp answers the CANCEL and 487s the INVITE (its scenario
/// waits for both and our ACK); the call ends locally, not as a failure.
#[tokio::test]
async fn cancel_while_ringing_ends_the_call() {
    let mut sipp = Sipp::serve("uas_ringing_cancel.xml").await;
    let (ua, _events) = start_ua().await;
    let mut call = ua
        .invite(&sipp.uri("1234"), SDP_OFFER, InviteExtras::default())
        .await
        .expect("INVITE sent");
    wait_for(&mut call, &sipp, |e| matches!(e, CallEvent::Ringing { .. })).await;
    call.cancel().await.expect("CANCEL");
    let last = wait_for(&mut call, &sipp, |e| matches!(e, CallEvent::Ended { .. })).await;
    assert_eq!(last, CallEvent::Ended { by: EndedBy::Local });
    sipp.assert_passed().await;
}

/// Garbage on the UA's port (not SIP, truncated SIP, binary, a response to nothing)
/// is dropped; the UA then still completes a normal INVITE transaction with sipp.
#[tokio::test]
async fn malformed_datagrams_are_dropped_and_the_ua_keeps_working() {
    let mut sipp = Sipp::serve("uas_busy.xml").await;
    let (ua, _events) = start_ua().await;
    let garbage = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    let datagrams: [&[u8]; 6] = [
        b"hello, this is not SIP\r\n\r\n",
        b"INVITE sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP\r\nCSeq: banana\r\n\r\n",
        b"SIP/2.0 200 OK\r\nCall-ID: nothing\r\nCSeq: 1 INVITE\r\n\r\n",
        &[0xff, 0x00, 0xfe, 0x80, 0x0d, 0x0a, 0x0d, 0x0a],
        b"REGISTER sip:x SIP/2.0\r\nContent-Length: 99999\r\n\r\nshort",
        b"",
    ];
    for d in datagrams {
        garbage.send_to(d, ua.local_addr()).expect("send garbage");
    }
    let mut call = ua
        .invite(&sipp.uri("1234"), SDP_OFFER, InviteExtras::default())
        .await
        .expect("INVITE sent after the garbage");
    let last = wait_for(&mut call, &sipp, |e| matches!(e, CallEvent::Failed { .. })).await;
    assert_eq!(
        last,
        CallEvent::Failed {
            reason: FailReason::Busy
        }
    );
    sipp.assert_passed().await;
}

/// sipp answers the first INVITE with 407 (SHA-256) and logs the Proxy-Authorization
/// of the second, whose digest is recomputed here; then the call is answered and ended.
#[tokio::test]
async fn invite_answers_a_407_sha256_challenge() {
    let mut sipp = Sipp::serve("uas_invite_407.xml").await;
    let (ua, _events) = start_ua().await;
    let mut call = ua
        .invite(&sipp.uri("1234"), SDP_OFFER, InviteExtras::default())
        .await
        .expect("INVITE sent");
    wait_for(&mut call, &sipp, |e| {
        matches!(e, CallEvent::Answered { .. })
    })
    .await;
    call.bye().await.expect("BYE");
    assert_eq!(
        next_call_event(&mut call, &sipp).await,
        CallEvent::Ended { by: EndedBy::Local }
    );
    sipp.assert_passed().await;
    common::assert_sha256_digest(&sipp.action_log(), "INVITE");
}

/// sipp takes the INVITE and never answers: with T1 = 50 ms, Timer B (64*T1 = 3.2 s)
/// fires inside the wait and the call fails with `Timeout`.
#[tokio::test]
async fn unanswered_invite_fails_with_timeout() {
    let mut sipp = Sipp::serve("uas_silent.xml").await;
    let mut config = common::config();
    config.timer_t1 = std::time::Duration::from_millis(50);
    let (ua, _events) = sip_ua::UserAgent::start(config).await.expect("start");
    let mut call = ua
        .invite(&sipp.uri("1234"), SDP_OFFER, InviteExtras::default())
        .await
        .expect("INVITE sent");
    let last = wait_for(&mut call, &sipp, |e| matches!(e, CallEvent::Failed { .. })).await;
    assert_eq!(
        last,
        CallEvent::Failed {
            reason: FailReason::Timeout
        }
    );
    sipp.assert_passed().await;
}

/// E2's budget: the INVITE is on the wire within 50 ms of `invite()` being called.
/// A plain UDP socket stands in for the peer here: only the arrival time matters.
#[tokio::test]
async fn invite_leaves_within_the_e2_budget() {
    let peer = tokio::net::UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let target = format!("sip:911@{}", peer.local_addr().expect("addr"));
    let (ua, _events) = start_ua().await;
    let extras = InviteExtras::emergency(Some("+13125550100".to_owned()), None);
    let started = std::time::Instant::now();
    let _call = ua.invite(&target, SDP_OFFER, extras).await.expect("INVITE");
    let mut buf = vec![0u8; 65536];
    let (len, _) = tokio::time::timeout(common::WAIT, peer.recv_from(&mut buf))
        .await
        .expect("an INVITE within the wait")
        .expect("recv");
    let elapsed = started.elapsed();
    assert!(
        buf[..len].starts_with(b"INVITE sip:911@"),
        "got something else"
    );
    assert!(
        elapsed < std::time::Duration::from_millis(50),
        "INVITE took {elapsed:?}"
    );
    ua.shutdown();
}

/// 404 Not Found from sipp is `Failed { NotFound }`.
#[tokio::test]
async fn not_found_is_failed_not_found() {
    let mut sipp = Sipp::serve("uas_not_found.xml").await;
    let (ua, _events) = start_ua().await;
    let mut call = ua
        .invite(&sipp.uri("1234"), SDP_OFFER, InviteExtras::default())
        .await
        .expect("INVITE sent");
    let last = wait_for(&mut call, &sipp, |e| matches!(e, CallEvent::Failed { .. })).await;
    assert_eq!(
        last,
        CallEvent::Failed {
            reason: FailReason::NotFound
        }
    );
    sipp.assert_passed().await;
}
