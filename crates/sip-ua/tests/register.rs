//! REGISTER against a real sipp registrar on loopback: digest challenges (MD5 verified
//! by sipp, SHA-256 recomputed here), refresh before expiry, removal of the binding.

mod common;

use std::time::Duration;

use common::{next_registration, start_ua, Over, Sipp};
use sip_ua::{Account, RegistrationEvent, UserAgent};

fn account(sipp: &Sipp, expires: u32) -> Account {
    Account::new(
        &format!("sip:{}", sipp.addr),
        common::credentials(),
        expires,
    )
}

/// sipp challenges each REGISTER with 401 (MD5, qop=auth) and checks the answer with
/// `verifyauth`; it grants 4 s, so the UA must refresh by itself before they run out;
/// then the UA removes the binding and sipp checks `Expires: 0`. sipp exits 0 only if
/// all three digests verified.
#[tokio::test]
async fn register_answers_401_md5_refreshes_before_expiry_and_unregisters() {
    let mut sipp = Sipp::serve("register_md5_refresh.xml").await;
    let (ua, mut events) = start_ua().await;
    ua.register(account(&sipp, 4)).expect("start registration");

    let registered = RegistrationEvent::Registered { expires: 4 };
    let first = next_registration(&mut events, &sipp).await;
    assert_eq!(first, registered, "{}", sipp.diagnostics());
    let first_at = tokio::time::Instant::now();
    let second = next_registration(&mut events, &sipp).await;
    assert_eq!(second, registered, "{}", sipp.diagnostics());
    let lifetime_left = std::time::Duration::from_secs(4).checked_sub(first_at.elapsed());
    // Refreshed (challenge and all) with part of the granted lifetime still left,
    // and not absurdly early either (rsipstack refreshes at 75%).
    assert!(
        lifetime_left.is_some_and(|left| left < std::time::Duration::from_millis(2500)),
        "refresh at {:?} after a 4 s registration",
        first_at.elapsed()
    );

    tokio::time::timeout(common::WAIT, ua.unregister())
        .await
        .expect("unregister within the wait");
    let event = next_registration(&mut events, &sipp).await;
    assert_eq!(event, RegistrationEvent::Unregistered);
    sipp.assert_passed().await;
}

/// sipp challenges with algorithm=SHA-256 and logs the Authorization header; the digest
/// is recomputed here (RFC 7616 with qop=auth) from the logged fields and our password.
#[tokio::test]
async fn register_answers_401_sha256() {
    let mut sipp = Sipp::serve("register_sha256.xml").await;
    let (ua, mut events) = start_ua().await;
    ua.register(account(&sipp, 60)).expect("start registration");

    let event = next_registration(&mut events, &sipp).await;
    assert_eq!(
        event,
        RegistrationEvent::Registered { expires: 60 },
        "{}",
        sipp.diagnostics()
    );
    sipp.assert_passed().await;
    common::assert_sha256_digest(&sipp.action_log(), "REGISTER");

    // Shutting the UA down ends the refresh loop too: its last act, the Expires: 0
    // REGISTER, fails at once on the closed transport instead of retrying forever.
    ua.shutdown();
    assert!(
        matches!(
            next_registration(&mut events, &sipp).await,
            RegistrationEvent::Unreachable { .. }
        ),
        "the registration should end with the UA"
    );
}

/// With a wrong password sipp's `verifyauth` fails and it answers 403: the UA reports
/// `Rejected { 403 }` and sipp counts the call as failed. This is what makes the MD5
/// test above mean something.
#[tokio::test]
async fn wrong_password_is_rejected() {
    let mut sipp = Sipp::serve("register_md5_refresh.xml").await;
    let (ua, mut events) = start_ua().await;
    let mut account = account(&sipp, 4);
    account.credentials.password = "not-the-password".to_owned();
    ua.register(account).expect("start registration");
    assert_eq!(
        next_registration(&mut events, &sipp).await,
        RegistrationEvent::Rejected { code: 403 },
        "{}",
        sipp.diagnostics()
    );
    let status = sipp.exit_status().await;
    assert_eq!(status.code(), Some(1), "{}", sipp.diagnostics());
    ua.shutdown();
}

/// The keep-alive (OPTIONS every 200 ms) is answered, so nothing is reported; when
/// the registrar dies (sipp killed) the next probe goes unanswered and `Lost` is
/// reported; REGISTER is retried with backoff (`Unreachable` meanwhile); a new
/// registrar on the same port gets the binding back (`Registered`).
#[tokio::test]
async fn lost_registrar_is_reported_and_the_registration_restored_when_it_returns() {
    let port = common::free_port(Over::Udp);
    let mut first = Sipp::serve_many_on("registrar_ping.xml", Over::Udp, port).await;
    let mut config = common::config();
    // 64*T1 = 1.28 s: how long an unanswered probe or REGISTER takes to fail.
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
    // Long enough for an unanswered probe to fail (200 ms + 1.28 s): answered ones
    // report nothing.
    let quiet = tokio::time::timeout(Duration::from_secs(2), events.next()).await;
    assert!(
        quiet.is_err(),
        "keep-alive with a live registrar: {quiet:?}"
    );

    first.kill().await;
    let killed = tokio::time::Instant::now();
    let lost = next_registration(&mut events, &first).await;
    assert!(
        matches!(lost, RegistrationEvent::Lost { .. }),
        "expected Lost, got {lost:?}"
    );
    let noticed = killed.elapsed();
    // One probe interval plus one unanswered probe (1.48 s), with room for a busy
    // machine; far below the 60 s the registrar granted.
    assert!(
        noticed < Duration::from_millis(200 + 1280 + 1500),
        "loss noticed after {noticed:?}"
    );
    let retry = next_registration(&mut events, &first).await;
    assert!(
        matches!(retry, RegistrationEvent::Unreachable { .. }),
        "expected a failed retry, got {retry:?}"
    );

    let mut second = Sipp::serve_many_on("registrar_ping.xml", Over::Udp, port).await;
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
