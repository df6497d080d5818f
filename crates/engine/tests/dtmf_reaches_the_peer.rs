//! Keypad digits typed during a call reach a real peer, by the way the call's SDP
//! allows: RFC 4733 events in the media when the answer has telephone-event (baresip,
//! which reports each digit it decodes), SIP INFO otherwise (a sipp UAS that checks
//! every INFO's type and body and fails on anything else).

mod common;

use std::time::Duration;

use common::baresip::Baresip;
use common::{config_for, engine_with, wait_view, Sipp};
use wire::CallState;

const DIGITS: &str = "159#*0";

async fn connected(engine: &engine::Engine, id: u32) {
    wait_view(engine, "the call is connected", |v| {
        v.calls
            .iter()
            .any(|c| c.id == id && c.state == CallState::Connected)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digits_reach_baresip_as_rfc4733_events_in_order_even_when_typed_at_once() {
    let baresip = Baresip::start("+12065550142").await;
    let (engine, _dir) = engine_with(&config_for(baresip.addr, ""));
    let id = engine.dial("+12065550142").expect("dial");
    connected(&engine, id).await;
    // Typed the moment the call connects, before our stream may run: the digits wait
    // for it and still go in the media, in order.
    for digit in DIGITS.chars() {
        engine.send_dtmf(id, digit).expect("digit accepted");
    }
    let deadline = tokio::time::Instant::now() + common::WAIT;
    while baresip.dtmf_received().len() < DIGITS.len() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "baresip reported digits {:?}, we sent {DIGITS:?}\n{}\n{}",
            baresip.dtmf_received(),
            baresip.events(),
            baresip.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(baresip.dtmf_received(), DIGITS, "{}", baresip.events());
    // baresip logs every digit that comes by SIP INFO; these came in the media.
    assert!(
        !baresip.log().contains("received DTMF"),
        "digits went by INFO:\n{}",
        baresip.log()
    );

    engine.hang_up(id).expect("hang up");
    wait_view(&engine, "the call ended", |v| {
        v.calls.iter().all(|c| c.state == CallState::Ended)
    })
    .await;
    baresip.stop().await;
}

#[tokio::test]
async fn without_telephone_event_in_the_answer_digits_go_as_sip_info_dtmf_relay() {
    let mut sipp = Sipp::serve("answer_without_telephone_event_expects_info_dtmf.xml").await;
    let (engine, _dir) = engine_with(&config_for(sipp.addr, ""));
    let id = engine.dial("+12065550142").expect("dial");
    connected(&engine, id).await;

    engine.send_dtmf(id, '1').expect("digit accepted");
    engine.send_dtmf(id, '#').expect("digit accepted");
    // The BYE queues behind both INFOs, so sipp sees them first.
    engine.hang_up(id).expect("hang up");
    wait_view(&engine, "the call ended", |v| {
        v.calls.iter().all(|c| c.state == CallState::Ended)
    })
    .await;
    sipp.assert_passed().await;
}
