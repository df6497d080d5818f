//! Inbound calls from a real caller (sipp as UAC): the core decides to ring or to turn
//! the call away by presence, the agent answers and hangs up, history keeps it.

mod common;

use std::time::Duration;

use common::{config_bound, engine_with, free_sip_addr, wait_view, Sipp};
use wire::{CallDirection, CallState, Presence};

/// The engine's UA needs a moment to bind before sipp sends to it.
async fn engine_listening_on(bind: std::net::SocketAddr) -> (engine::Engine, tempfile::TempDir) {
    let unused_proxy = free_sip_addr();
    let started = engine_with(&config_bound(unused_proxy, bind, ""));
    for _ in 0..100 {
        if std::net::UdpSocket::bind(bind).is_err() {
            return started;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the engine's SIP socket never opened on {bind}");
}

#[tokio::test]
async fn an_inbound_call_rings_is_answered_by_the_agent_ended_by_the_agent_and_kept() {
    let bind = free_sip_addr();
    let (engine, _dir) = engine_listening_on(bind).await;
    let mut sipp = Sipp::call("inbound_answered_agent_hangs_up.xml", bind).await;

    let view = wait_view(&engine, "an inbound call rings", |v| {
        v.calls.iter().any(|c| c.state == CallState::Ringing)
    })
    .await;
    let call = &view.calls[0];
    assert_eq!(call.direction, CallDirection::Inbound);
    assert_eq!(call.remote, "+13125550199");
    assert!(!call.emergency_callback);

    engine.answer(call.id).expect("answer");
    wait_view(&engine, "the call is connected", |v| {
        v.calls.iter().any(|c| c.state == CallState::Connected)
    })
    .await;
    engine.hang_up(call.id).expect("hang up");
    let view = wait_view(&engine, "it is in history", |v| !v.history.is_empty()).await;
    sipp.assert_passed().await;
    assert_eq!(view.history[0].direction, CallDirection::Inbound);
    assert_eq!(view.history[0].remote, "+13125550199");
}

#[tokio::test]
async fn an_inbound_call_in_do_not_disturb_is_turned_away_with_480_and_never_rings() {
    let bind = free_sip_addr();
    let (engine, _dir) = engine_listening_on(bind).await;
    engine.set_presence(Presence::DoNotDisturb).expect("DND");
    let mut views = engine.subscribe();
    let mut sipp = Sipp::call("inbound_turned_away_480.xml", bind).await;
    sipp.assert_passed().await;
    while let Ok(view) = views.try_recv() {
        assert!(
            view.calls.iter().all(|c| c.state != CallState::Ringing),
            "a call rang through Do Not Disturb: {view:#?}"
        );
    }
    assert_eq!(engine.view().presence, Presence::DoNotDisturb);
}
