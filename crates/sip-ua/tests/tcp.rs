//! The same signalling over TCP against sipp in TCP mode (`-t t1`): REGISTER with a
//! digest challenge, keep-alive and recovery, calls both ways; TLS refused clearly.

mod common;

use std::time::Duration;

use common::{
    next_call_event, next_incoming, next_registration, wait_for, Over, Sipp, SDP_ANSWER, SDP_OFFER,
};
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

/// sipp calls the UA over TCP; we ring, answer and hang up, all on that connection.
#[tokio::test]
async fn incoming_call_over_tcp_is_answered_and_ended() {
    let (ua, mut events) = start_tcp_ua().await;
    let mut sipp = Sipp::call_over(
        "uac_answered_callee_bye.xml",
        Over::Tcp,
        ua.local_addr(),
        "agent1001",
    )
    .await;
    let mut call = next_incoming(&mut events, &sipp).await.call;
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

/// Over TCP the registrar's death closes the connection: the keep-alive fails,
/// `Lost` is reported, and a new registrar on the same port gets the binding back.
#[tokio::test]
async fn lost_registrar_over_tcp_is_reported_and_the_registration_restored() {
    let port = common::free_port(Over::Tcp);
    let mut first = Sipp::serve_many_on("registrar_ping.xml", Over::Tcp, port).await;
    let mut config = common::config();
    config.transport = Transport::Tcp;
    config.timer_t1 = Duration::from_millis(20);
    let (ua, mut events) = UserAgent::start(config).await.expect("start the UA");
    let mut account = Account::new(&format!("sip:127.0.0.1:{port}"), common::credentials(), 60);
    account.keepalive = Some(Duration::from_millis(200));
    account.retry_min = Duration::from_millis(200);
    account.retry_max = Duration::from_millis(800);
    ua.register(account).expect("start registration");
    assert_eq!(
        next_registration(&mut events, &first).await,
        RegistrationEvent::Registered { expires: 60 },
        "{}",
        first.diagnostics()
    );
    let quiet = tokio::time::timeout(Duration::from_secs(2), events.next()).await;
    assert!(
        quiet.is_err(),
        "keep-alive with a live registrar: {quiet:?}"
    );

    first.kill().await;
    let lost = next_registration(&mut events, &first).await;
    assert!(
        matches!(lost, RegistrationEvent::Lost { .. }),
        "expected Lost, got {lost:?}"
    );
    let mut second = Sipp::serve_many_on("registrar_ping.xml", Over::Tcp, port).await;
    loop {
        match next_registration(&mut events, &second).await {
            RegistrationEvent::Registered { expires: 60 } => break,
            RegistrationEvent::Unreachable { .. } => continue,
            other => panic!("unexpected {other:?}:\n{}", second.diagnostics()),
        }
    }
    ua.shutdown();
    second.kill().await;
}
