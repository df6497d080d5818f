//! E6: an inbound call to the leased callback number inside its window rings the
//! agent at the highest priority, whatever the presence and capacity, with a distinct
//! alert; answering it is an emergency conversation.

mod common;

use agent_core::*;
use common::*;

/// An agent with presence `p` whose 911 call ended, window running.
fn in_window(p: Presence) -> Harness {
    let mut h = Harness::ready(p);
    let (call, _) = h.dial("911");
    h.step(Input::LeaseGranted {
        call_id: call,
        number: pool_number(),
    });
    h.step(Input::HangUp { call_id: call });
    h.advance(Millis::from_mins(10));
    h
}

fn rings_as_callback(out: &[Output], waiting: bool) -> bool {
    has(out, |o| {
        matches!(o, Output::Ring { alert: Alert::EmergencyCallback, priority: Priority::Emergency, call_waiting, .. }
            if *call_waiting == waiting)
    })
}

#[test]
fn e06_a_callback_rings_at_top_priority_whatever_the_presence() {
    for p in Presence::ALL {
        let mut h = in_window(p);
        let (_, out) = h.inbound(Some(pool_number()), true);
        assert!(rings_as_callback(&out, false), "{p:?}: {out:?}");
    }
}

#[test]
fn e06_the_core_recognises_its_callback_number_without_the_back_office_flag() {
    let mut h = in_window(Presence::DoNotDisturb);
    let (_, out) = h.inbound(Some(pool_number()), false);
    assert!(rings_as_callback(&out, false));
}

#[test]
fn e06_a_callback_while_on_another_call_is_call_waiting() {
    let mut h = in_window(Presence::Available);
    let (other, _) = h.dial("312 555 0111");
    h.event(other, CallEvent::Answered);
    let (cb, out) = h.inbound(Some(pool_number()), true);
    assert!(rings_as_callback(&out, true));
    // Answering holds the other call first, then answers.
    let out = h.step(Input::Answer { call_id: cb });
    let held = pos(
        &out,
        |o| matches!(o, Output::HoldCall { call_id } if *call_id == other),
    );
    let answered = pos(
        &out,
        |o| matches!(o, Output::AnswerCall { call_id } if *call_id == cb),
    );
    assert!(held < answered);
}

#[test]
fn e06_answering_a_callback_is_an_emergency_conversation() {
    let mut h = in_window(Presence::Available);
    let (cb, _) = h.inbound(Some(pool_number()), true);
    let out = h.step(Input::Answer { call_id: cb });
    assert_eq!(h.core.presence(), Presence::DoNotDisturb);
    assert!(h.core.presence_locked());
    assert!(has(&out, |o| matches!(
        o,
        Output::RecordingRefused {
            reason: RecordingRefusal::EmergencyCall,
            ..
        }
    )));
    assert!(has(
        &out,
        |o| matches!(o, Output::RequestLease(r) if r.keep == Some(pool_number()))
    ));
    assert_eq!(h.core.controls(cb), Some(Controls::EMERGENCY));
    let out = h.step(Input::HangUp { call_id: cb });
    assert_eq!(h.core.presence(), Presence::Available);
    assert!(has(&out, |o| matches!(
        o,
        Output::CallFinished { keep: Keep::No, .. }
    )));
    // The window runs again from the end of the callback conversation.
    assert_eq!(
        window_started(&out).map(|w| w.1),
        Some(h.now.plus(Millis::from_mins(60)))
    );
}

#[test]
fn e06_a_callback_during_the_emergency_call_rings_but_cannot_hold_it() {
    let mut h = Harness::new();
    let (call, _) = h.dial("911");
    h.step(Input::LeaseGranted {
        call_id: call,
        number: pool_number(),
    });
    h.event(call, CallEvent::Answered);
    let (cb, out) = h.inbound(Some(pool_number()), false);
    assert!(rings_as_callback(&out, true));
    assert_eq!(
        h.try_step(Input::Answer { call_id: cb }),
        Err(CoreError::EmergencyCallInProgress)
    );
    h.step(Input::HangUp { call_id: call });
    h.step(Input::Answer { call_id: cb });
    assert!(h.core.presence_locked());
}

#[test]
fn e06_after_the_window_the_number_routes_as_any_other() {
    let mut h = in_window(Presence::Away);
    h.advance(Millis::from_mins(51));
    let (_, out) = h.inbound(Some(pool_number()), false);
    assert!(has(&out, |o| matches!(
        o,
        Output::RejectInbound {
            reason: RejectReason::Presence(Presence::Away),
            ..
        }
    )));
}

#[test]
fn e06_an_ordinary_call_is_still_subject_to_presence_and_capacity() {
    let mut h = in_window(Presence::DoNotDisturb);
    let (_, out) = h.inbound(Some(num("+13125550150")), false);
    assert!(has(&out, |o| matches!(
        o,
        Output::RejectInbound {
            reason: RejectReason::Presence(Presence::DoNotDisturb),
            ..
        }
    )));
    let mut h = in_window(Presence::Available);
    let (first, out) = h.inbound(Some(num("+13125550150")), false);
    assert!(has(&out, |o| matches!(
        o,
        Output::Ring {
            alert: Alert::Normal,
            ..
        }
    )));
    h.step(Input::Answer { call_id: first });
    let (_, out) = h.inbound(Some(num("+13125550150")), false);
    assert!(has(&out, |o| matches!(
        o,
        Output::RejectInbound {
            reason: RejectReason::Busy,
            ..
        }
    )));
}

#[test]
fn e06_a_callback_survives_a_restart_of_the_app_inside_the_window() {
    let mut h = in_window(Presence::Busy);
    h.restart(Millis::from_mins(1));
    let (_, out) = h.inbound(Some(pool_number()), false);
    assert!(rings_as_callback(&out, false));
}

#[test]
fn e06_the_back_office_flag_alone_is_enough() {
    // The lease answer never reached the core (it fell back to the agent's number),
    // but the back office leased the pool number and routes its callback here.
    let mut h = Harness::ready(Presence::Away);
    let (call, _) = h.dial("911");
    h.advance(Millis::from_secs(10));
    h.step(Input::HangUp { call_id: call });
    let (_, out) = h.inbound(Some(pool_number()), true);
    assert!(rings_as_callback(&out, false), "{out:?}");
}
