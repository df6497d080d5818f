//! The same signalling over TCP against sipp in TCP mode (`-t t1`): REGISTER with a
//! digest challenge, and a call answered and ended with BYE; TLS refused clearly.

mod common;

use common::{next_call_event, next_registration, wait_for, Over, Sipp, SDP_OFFER};
use sip_ua::{Account, CallEvent, EndedBy, InviteExtras, RegistrationEvent, Transport, UserAgent};

async fn start_tcp_ua() -> (UserAgent, sip_ua::UaEvents) {
    let mut config = common::config();
    config.transport = Transport::Tcp;
    UserAgent::start(config).await.expect("start the UA on TCP")
}

#[tokio::test]
async fn register_over_tcp_answers_the_challenge() {
    let mut sipp = Sipp::serve_over("register_sha256.xml", Over::Tcp).await;
    let (ua, mut events) = start_tcp_ua().await;
    ua.register(Account::new(
        &format!("sip:{}", sipp.addr),
        common::credentials(),
        60,
    ))
    .expect("start registration");
    assert_eq!(
        next_registration(&mut events, &sipp).await,
        RegistrationEvent::Registered { expires: 60 },
        "{}",
        sipp.diagnostics()
    );
    sipp.assert_passed().await;
    ua.shutdown();
    let log = sipp.action_log();
    common::assert_sha256_digest(&log, "REGISTER");
    assert!(
        log.contains("SIP/2.0/TCP"),
        "REGISTER not sent over TCP:\n{log}"
    );
}

#[tokio::test]
async fn call_over_tcp_is_answered_and_ended() {
    let mut sipp = Sipp::serve_over("uas_answer_then_bye.xml", Over::Tcp).await;
    let (ua, _events) = start_tcp_ua().await;
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
}

/// TLS is not built yet: starting a UA on it fails at once with a clear error rather
/// than falling back to a plain transport.
#[tokio::test]
async fn tls_transport_is_refused_until_it_is_built() {
    let mut config = common::config();
    config.transport = Transport::Tls;
    let err = UserAgent::start(config).await.expect_err("TLS refused");
    assert!(matches!(err, sip_ua::SipUaError::Unsupported(_)), "{err}");
    assert!(err.to_string().contains("TLS"), "{err}");
}
