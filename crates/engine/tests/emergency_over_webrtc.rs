//! Issue 8 item 5: the policy core is blind to the media transport. An account whose
//! offers are WebRTC dials 911: the INVITE offers ICE and DTLS-SRTP and still carries
//! every emergency rule, checked by a PSAP-side sipp (E10 location, E5 callback in
//! From and P-Asserted-Identity, Priority) and in the engine's view (E4 forced Do Not
//! Disturb, E7 neither kept nor recorded).

mod common;

use std::time::Instant;

use common::{assert_nothing_kept, config_for, engine_with, wait_view, Sipp};
use wire::{CallState, Presence};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e4_e5_e7_e10_a_911_offering_webrtc_keeps_every_emergency_rule() {
    let mut sipp = Sipp::serve("emergency_911_webrtc.xml").await;
    let config = config_for(sipp.addr, "[recording]\npolicy = \"always\"\n").replacen(
        "[sip]\n",
        "[sip]\nmedia = \"webrtc\"\n",
        1,
    );
    let (engine, dir) = engine_with(&config);
    let dialled = Instant::now();
    let id = engine.dial("911").expect("dial 911");
    // E4: Do Not Disturb from the dial action, before the far end answers.
    let view = engine.view();
    assert_eq!(view.presence, Presence::DoNotDisturb);
    assert!(view.presence_locked);
    let view = wait_view(&engine, "the emergency call is connected", |v| {
        v.calls
            .iter()
            .any(|c| c.id == id && c.state == CallState::Connected)
    })
    .await;
    println!(
        "911 over WebRTC: connected {} ms after the dial (sipp answers at once)",
        dialled.elapsed().as_millis()
    );
    let call = &view.calls[0];
    assert!(call.emergency);
    assert_eq!(
        call.controls,
        vec![wire::CallControl::AudioDevices, wire::CallControl::EndCall]
    );
    // E5: the callback number presented (the agent's own: no back office here).
    let panel = call.panel.as_ref().expect("the emergency panel");
    assert_eq!(panel.callback_number.as_deref(), Some("+12065550100"));

    engine.hang_up(id).expect("hang up");
    let view = wait_view(&engine, "presence is back", |v| {
        v.presence == Presence::Available && !v.presence_locked
    })
    .await;
    // sipp checked E10 (PIDF-LO by value, Geolocation), E5 (From, PAI), Priority and
    // the WebRTC offer; any failed check fails its exit status.
    sipp.assert_passed().await;
    // E7: not kept, not recorded, although the tenant records every call.
    assert_nothing_kept(&view, dir.path());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e2_a_dead_stun_server_does_not_stop_a_911_offering_webrtc() {
    let mut sipp = Sipp::serve("emergency_911_webrtc.xml").await;
    // A socket that takes STUN requests and never answers (a dead server, not a
    // closed port, which would answer with ICMP at once): gathering never completes,
    // and the INVITE goes out with the host candidates when the budget is spent.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").expect("a silent socket");
    let stun = format!("stun:{}", silent.local_addr().expect("address"));
    let config = config_for(sipp.addr, "").replacen(
        "[sip]\n",
        &format!("[sip]\nmedia = \"webrtc\"\nstun = \"{stun}\"\n"),
        1,
    );
    let (engine, _dir) = engine_with(&config);
    let dialled = Instant::now();
    let id = engine.dial("911").expect("dial 911");
    wait_view(&engine, "the emergency call is connected", |v| {
        v.calls
            .iter()
            .any(|c| c.id == id && c.state == CallState::Connected)
    })
    .await;
    println!(
        "911 over WebRTC with a dead STUN server: connected {} ms after the dial",
        dialled.elapsed().as_millis()
    );
    engine.hang_up(id).expect("hang up");
    wait_view(&engine, "presence is back", |v| {
        v.presence == Presence::Available
    })
    .await;
    sipp.assert_passed().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e2_a_911_refused_for_its_webrtc_offer_goes_again_at_once_with_plain_rtp() {
    // The PSAP takes plain RTP only: 488 to the WebRTC offer, then it checks the
    // plain INVITE as for any 911 (E10, E5, Priority) and answers it.
    let mut sipp = Sipp::serve_calls("emergency_911_webrtc_refused.xml", 2).await;
    let config = config_for(sipp.addr, "").replacen("[sip]\n", "[sip]\nmedia = \"webrtc\"\n", 1);
    let (engine, _dir) = engine_with(&config);
    let dialled = Instant::now();
    let id = engine.dial("911").expect("dial 911");
    let view = wait_view(&engine, "the plain 911 is answered", |v| {
        v.calls
            .iter()
            .any(|c| c.id == id && c.state == CallState::Connected)
    })
    .await;
    println!(
        "911 refused for WebRTC, placed again with plain RTP: connected {} ms after the dial",
        dialled.elapsed().as_millis()
    );
    assert_eq!(view.presence, Presence::DoNotDisturb);
    assert!(
        view.calls[0].outcome.is_none(),
        "the 488 is not the call's outcome"
    );
    let view = wait_view(&engine, "the stream runs", |v| {
        v.calls.iter().any(|c| c.quality.is_some())
    })
    .await;
    let codec = &view.calls[0].quality.as_ref().expect("quality").codec;
    assert_eq!(codec, "PCMU", "the plain leg carries the call");
    engine.hang_up(id).expect("hang up");
    wait_view(&engine, "presence is back", |v| {
        v.presence == Presence::Available
    })
    .await;
    sipp.assert_passed().await;
}

#[test]
fn a_stun_or_turn_address_that_is_not_a_uri_is_a_configuration_problem() {
    let dir = tempfile::tempdir().expect("dir");
    let base = config_for("127.0.0.1:5060".parse().expect("addr"), "");
    for (bad, field) in [
        ("stun = \"stun.example.com\"\n", "sip.stun"),
        (
            "[sip.turn]\nurl = \"turn.example.com\"\nusername = \"u\"\npassword = \"p\"\n",
            "sip.turn.url",
        ),
    ] {
        let text = if bad.starts_with("[sip.turn]") {
            base.replacen("\n[agent]", &format!("\n{bad}\n[agent]"), 1)
        } else {
            base.replacen("[sip]\n", &format!("[sip]\n{bad}"), 1)
        };
        std::fs::write(dir.path().join("softphone.toml"), &text).expect("write");
        let err = engine::config::load(&dir.path().join("softphone.toml")).expect_err("refused");
        assert!(err.to_string().contains(field), "{err}");
    }
}
