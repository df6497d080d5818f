//! Two WebRTC legs on loopback: ICE on host candidates, DTLS-SRTP, Opus both ways,
//! DTMF, and what a plain offer or a dead peer does.

mod common;

use std::time::Duration;

use common::webrtc::{self, assert_connected, exchange_tones, start_tone, Exchange};
use common::*;
use media::audio::file::MemorySink;
use media::audio::tone::ToneGenerator;
use media_net::{is_webrtc_offer, LegOptions, WebRtcConfig, WebRtcLeg, WebRtcState};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webrtc_legs_connect_over_ice_and_dtls_and_carry_opus_tones_both_ways() {
    let config = WebRtcConfig::host(LOOPBACK);
    let (mut caller, offer) = WebRtcLeg::offer(&config).await.expect("offer");
    assert!(is_webrtc_offer(&offer), "our offer is WebRTC:\n{offer}");
    assert!(
        offer.contains("a=candidate:"),
        "host candidate in the offer:\n{offer}"
    );
    assert!(offer.contains("opus/48000/2"), "{offer}");
    let (mut callee, answer) = WebRtcLeg::answer(&offer, &config).await.expect("answer");
    assert!(is_webrtc_offer(&answer), "{answer}");
    caller
        .accept_answer(&answer)
        .await
        .expect("answer accepted");

    assert_connected(&mut caller, &mut callee).await;
    let Exchange {
        at_callee,
        at_caller,
        caller: sa,
        callee: sb,
    } = exchange_tones(caller, callee, 48000, 16000).await;
    assert!(
        at_callee > 0.9 && at_caller > 0.9,
        "callee heard 1 kHz {at_callee:.2}, caller heard 600 Hz {at_caller:.2}; {sa:?} {sb:?}"
    );
    assert!(
        sa.packets_received > 50 && sb.packets_received > 50,
        "{sa:?} {sb:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dtmf_crosses_a_webrtc_leg_as_telephone_events() {
    let config = WebRtcConfig::host(LOOPBACK);
    let (mut caller, offer) = WebRtcLeg::offer(&config).await.unwrap();
    let (mut callee, answer) = WebRtcLeg::answer(&offer, &config).await.unwrap();
    // Without waiting, as the engine does: ICE starts while devices would open.
    caller.apply_answer(answer);
    assert_connected(&mut caller, &mut callee).await;
    let (a, _) = start_tone(caller, 440.0, 48000).await;
    let (mut b, _) = start_tone(callee, 440.0, 48000).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    a.send_dtmf('7').await.expect("telephone-event negotiated");
    let digit = tokio::time::timeout(Duration::from_secs(5), b.next_digit()).await;
    a.stop().await;
    b.stop().await;
    assert_eq!(digit.ok().flatten(), Some('7'));
}

#[test]
fn a_plain_rtp_offer_is_not_taken_for_webrtc() {
    let plain = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";
    let sdes = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA\r\n";
    let no_fingerprint = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
    assert!(!is_webrtc_offer(plain));
    assert!(!is_webrtc_offer(sdes));
    assert!(
        !is_webrtc_offer(no_fingerprint),
        "DTLS-SRTP needs a fingerprint"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_garbage_offer_is_refused_with_an_error_not_a_panic() {
    let config = WebRtcConfig::host(LOOPBACK);
    let err = WebRtcLeg::answer("v=0\r\nthis is not sdp\r\n", &config)
        .await
        .expect_err("garbage refused");
    assert!(err.to_string().starts_with("WebRTC:"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leg_whose_peer_never_takes_the_answer_does_not_connect_while_one_that_does_connects() {
    let config = WebRtcConfig::host(LOOPBACK);
    // Two callees answer the same kind of offer; only the second caller learns its
    // answer. The first caller has no remote description, so it never answers the
    // first callee's ICE checks: that callee must not claim a connection, in the
    // same time in which the second pair connects.
    let (_deaf, offer) = WebRtcLeg::offer(&config).await.unwrap();
    let (mut unanswered, _) = WebRtcLeg::answer(&offer, &config).await.unwrap();
    let (caller, offer) = WebRtcLeg::offer(&config).await.unwrap();
    let (mut answered, answer) = WebRtcLeg::answer(&offer, &config).await.unwrap();
    caller.accept_answer(&answer).await.unwrap();
    assert_eq!(
        answered.connected(webrtc::CONNECT_WITHIN).await,
        WebRtcState::Connected
    );
    assert_ne!(unanswered.state(), WebRtcState::Connected);
    assert_ne!(
        unanswered
            .connected(std::time::Duration::from_secs(2))
            .await,
        WebRtcState::Connected
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_webrtc_offer_lists_opus_and_telephone_event_once_each() {
    let (_leg, offer) = WebRtcLeg::offer(&WebRtcConfig::host(LOOPBACK))
        .await
        .unwrap();
    let m_line = offer
        .lines()
        .find(|l| l.starts_with("m=audio "))
        .expect("an audio line");
    assert!(m_line.ends_with("UDP/TLS/RTP/SAVPF 111 110"), "{m_line}");
    assert_eq!(
        offer.matches("a=rtpmap:110 telephone-event/48000").count(),
        1,
        "{offer}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_applied_without_waiting_that_is_garbage_fails_the_start() {
    let config = WebRtcConfig::host(LOOPBACK);
    let (mut caller, _offer) = WebRtcLeg::offer(&config).await.unwrap();
    caller.apply_answer("v=0\r\nnot an answer\r\n".to_owned());
    let (sink, _) = MemorySink::new(48000);
    let started = caller
        .start(
            Box::new(ToneGenerator::new(440.0, 48000, 8000)),
            Box::new(sink),
            LegOptions::default(),
        )
        .await;
    let err = started.expect_err("a refused answer stops the start");
    assert!(err.to_string().contains("the peer's answer"), "{err}");
}
