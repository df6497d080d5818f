//! The emergency INVITE (E10) on the wire, checked by a real sipp UAS whose scenario
//! fails on any mismatch: Priority, P-Asserted-Identity, From, Geolocation,
//! Geolocation-Routing and the multipart body with the PIDF-LO it references.

mod common;

use common::{next_call_event, start_ua, wait_for, Sipp, SDP_OFFER};
use sip_ua::{CallEvent, CivicAddress, CivicField, EndedBy, InviteExtras, LocationByValue};

const CALLBACK: &str = "+13125550100";

fn location() -> LocationByValue {
    LocationByValue {
        address: CivicAddress::new("US")
            .with(CivicField::A1, "IL")
            .with(CivicField::A3, "Chicago")
            .with(CivicField::Rd, "Main")
            .with(CivicField::Sts, "St")
            .with(CivicField::Hno, "123")
            .with(CivicField::Nam, "Smith & Sons"),
        method: "Manual".to_owned(),
        timestamp: "2026-11-22T06:00:00Z".to_owned(),
    }
}

/// Answer, BYE, end: what the scenario expects of a call whatever its checks said.
async fn complete_call(call: &mut sip_ua::Call, sipp: &Sipp) {
    wait_for(call, sipp, |e| matches!(e, CallEvent::Answered { .. })).await;
    call.bye().await.expect("BYE");
    assert_eq!(
        next_call_event(call, sipp).await,
        CallEvent::Ended { by: EndedBy::Local }
    );
}

#[tokio::test]
async fn emergency_invite_passes_the_psap_side_checks() {
    let mut sipp = Sipp::serve("uas_emergency_check.xml").await;
    let (ua, _events) = start_ua().await;
    let extras = InviteExtras::emergency(Some(CALLBACK.to_owned()), Some(location()));
    let mut call = ua
        .invite(&sipp.uri("911"), SDP_OFFER, extras)
        .await
        .expect("INVITE sent");
    complete_call(&mut call, &sipp).await;
    sipp.assert_passed().await;
}

/// The same scenario fails on an ordinary INVITE: its checks are real.
#[tokio::test]
async fn the_psap_side_checks_reject_a_plain_invite() {
    let mut sipp = Sipp::serve("uas_emergency_check.xml").await;
    let (ua, _events) = start_ua().await;
    let mut call = ua
        .invite(&sipp.uri("911"), SDP_OFFER, InviteExtras::default())
        .await
        .expect("INVITE sent");
    // sipp logs a failed check and plays the scenario to its end; the call then counts
    // as failed and so does sipp's exit status.
    complete_call(&mut call, &sipp).await;
    let status = sipp.exit_status().await;
    assert_eq!(
        status.code(),
        Some(1),
        "sipp should fail the call:\n{}",
        sipp.diagnostics()
    );
    ua.shutdown();
}

/// Without a location the emergency INVITE still goes (E2), SDP only, and the
/// PSAP-side checks fail exactly on the missing Geolocation: the call is never held.
#[tokio::test]
async fn emergency_invite_without_location_still_goes_out() {
    let mut sipp = Sipp::serve("uas_emergency_check.xml").await;
    let (ua, _events) = start_ua().await;
    let extras = InviteExtras::emergency(Some(CALLBACK.to_owned()), None);
    let mut call = ua
        .invite(&sipp.uri("911"), SDP_OFFER, extras)
        .await
        .expect("INVITE sent without a location");
    complete_call(&mut call, &sipp).await;
    let status = sipp.exit_status().await;
    assert_eq!(status.code(), Some(1), "{}", sipp.diagnostics());
    let errors = sipp.diagnostics();
    assert!(
        errors.contains("header Geolocation-Routing: not found"),
        "sipp should name the missing Geolocation header:\n{errors}"
    );
    // The identity checks come first in the scenario and passed.
    for header in ["Priority:", "P-Asserted-Identity:", "From:"] {
        assert!(
            !errors.contains(&format!("header {header} not found")),
            "{header} should have passed:\n{errors}"
        );
    }
    ua.shutdown();
}

/// Everything logged while an emergency call is placed and answered, with rsipstack
/// held at `RSIPSTACK_LOG_FILTER` and our crate at `trace`, is free of the callback
/// number and the address.
#[tokio::test]
async fn logs_carry_no_number_or_address() {
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Capture {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(format!(
            "trace,{}",
            sip_ua::RSIPSTACK_LOG_FILTER
        )))
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    // The test runtime is single-threaded: every task of the UA logs through this.
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut sipp = Sipp::serve("uas_emergency_check.xml").await;
    let (ua, _events) = start_ua().await;
    let extras = InviteExtras::emergency(Some(CALLBACK.to_owned()), Some(location()));
    let mut call = ua
        .invite(&sipp.uri("911"), SDP_OFFER, extras)
        .await
        .expect("INVITE sent");
    complete_call(&mut call, &sipp).await;
    sipp.assert_passed().await;

    let logs =
        String::from_utf8_lossy(&capture.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned();
    assert!(
        logs.contains("INVITE sent"),
        "our own log lines are captured:\n{logs}"
    );
    for secret in ["3125550100", "Chicago", "Smith"] {
        assert!(!logs.contains(secret), "{secret} in the logs:\n{logs}");
    }
}
