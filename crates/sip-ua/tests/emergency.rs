//! The emergency INVITE (E10) on the wire, checked by a real sipp UAS whose scenario
//! fails on any mismatch: Priority, P-Asserted-Identity, From, Geolocation,
//! Geolocation-Routing and the multipart body with the PIDF-LO it references.

mod common;

use common::{complete_call, location, start_ua, Sipp, CALLBACK, SDP_OFFER};
use sip_ua::InviteExtras;

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
