//! REGISTER against a real sipp registrar on loopback: digest challenges (MD5 verified
//! by sipp, SHA-256 recomputed here), refresh before expiry, removal of the binding.

mod common;

use common::{next_ua_event, start_ua, Sipp};
use sip_ua::{Account, RegistrationEvent, UaEvent};

fn account(sipp: &Sipp, expires: u32) -> Account {
    Account {
        registrar: format!("sip:{}", sipp.addr),
        credentials: common::credentials(),
        expires,
    }
}

/// sipp challenges each REGISTER with 401 (MD5, qop=auth) and checks the answer with
/// `verifyauth`; it grants 2 s, so the UA must refresh by itself; then the UA removes
/// the binding and sipp checks `Expires: 0`. sipp exits 0 only if all three verified.
#[tokio::test]
async fn register_answers_401_md5_refreshes_before_expiry_and_unregisters() {
    let mut sipp = Sipp::serve("register_md5_refresh.xml").await;
    let (ua, mut events) = start_ua().await;
    ua.register(account(&sipp, 2)).expect("start registration");

    let started = tokio::time::Instant::now();
    for round in 1..=2 {
        let event = next_ua_event(&mut events, &sipp).await;
        assert_eq!(
            event,
            UaEvent::Registration(RegistrationEvent::Registered { expires: 2 }),
            "round {round}:\n{}",
            sipp.diagnostics()
        );
    }
    // The refresh came before the first 2 s lifetime ran out.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "refresh too late: {:?}",
        started.elapsed()
    );

    tokio::time::timeout(common::WAIT, ua.unregister())
        .await
        .expect("unregister within the wait");
    let event = next_ua_event(&mut events, &sipp).await;
    assert_eq!(
        event,
        UaEvent::Registration(RegistrationEvent::Unregistered)
    );
    sipp.assert_passed().await;
}

/// sipp challenges with algorithm=SHA-256 and logs the Authorization header; the digest
/// is recomputed here (RFC 7616 with qop=auth) from the logged fields and our password.
#[tokio::test]
async fn register_answers_401_sha256() {
    let mut sipp = Sipp::serve("register_sha256.xml").await;
    let (ua, mut events) = start_ua().await;
    ua.register(account(&sipp, 60)).expect("start registration");

    let event = next_ua_event(&mut events, &sipp).await;
    assert_eq!(
        event,
        UaEvent::Registration(RegistrationEvent::Registered { expires: 60 }),
        "{}",
        sipp.diagnostics()
    );
    sipp.assert_passed().await;
    ua.shutdown();

    common::assert_sha256_digest(&sipp.action_log(), "REGISTER");
}
