//! E2: nothing stops or holds back the emergency INVITE; it is the first output of
//! the dial step, whatever the state.

mod common;

use agent_core::*;
use common::*;

#[test]
fn e02_invite_is_first_in_every_presence() {
    for p in Presence::ALL {
        let mut h = Harness::ready(p);
        let (_, out) = h.dial("911");
        assert_eq!(
            invite_of(&out).0,
            &Target::Emergency(EmergencyKind::Real),
            "{p:?}"
        );
    }
}

#[test]
fn e02_invite_is_first_with_nothing_known() {
    // No location, no country, no fallback numbers, no lease: still out at once.
    let mut h = Harness::with(CoreConfig::default());
    let (_, out) = h.dial("911");
    let (_, info) = invite_of(&out);
    let info = info.unwrap();
    assert_eq!(info.location, None);
    assert_eq!(info.callback, None);
    assert_eq!(info.fallback_callback, None);
}

#[test]
fn e02_invite_is_first_during_another_call() {
    let mut h = Harness::ready(Presence::Available);
    let (other, _) = h.dial("312 555 0111");
    h.event(other, CallEvent::Answered);
    let (_, out) = h.dial("911");
    invite_of(&out);
    assert!(
        pos(
            &out,
            |o| matches!(o, Output::HoldCall { call_id } if *call_id == other)
        ) > 0
    );
}

#[test]
fn e02_invite_is_first_when_deadlines_fall_due_at_the_same_moment() {
    let mut h = Harness::ready(Presence::Available);
    let (first, _) = h.dial("911");
    h.step(Input::HangUp { call_id: first });
    // The window ends exactly when the agent dials again: the owed outputs come after.
    h.now = h.now.plus(Millis::from_mins(60));
    let (_, out) = h.dial("911");
    invite_of(&out);
    assert!(has(&out, |o| matches!(
        o,
        Output::CallbackWindowEnded { .. }
    )));
}

#[test]
fn e02_invite_is_first_right_after_a_restart() {
    let mut h = Harness::ready(Presence::Away);
    h.dial("911");
    // Crash; the new process gets a 911 before it ever ticked.
    let state = DurableState::decode(&h.saved).unwrap();
    h.core = Core::resume(h.config.clone(), state, h.now);
    let (_, out) = h.dial("911");
    invite_of(&out);
    assert!(has(
        &out,
        |o| matches!(o, Output::Notify(n) if matches!(n.event, NotificationEvent::Ended { .. }))
    ));
}

#[test]
fn e02_back_office_unreachable_and_pool_exhausted_never_touch_the_call() {
    for reason in [
        LeaseFailure::Unreachable,
        LeaseFailure::PoolExhausted,
        LeaseFailure::Refused,
    ] {
        let mut h = Harness::ready(Presence::Available);
        let (call, _) = h.dial("911");
        let out = h.step(Input::LeaseFailed {
            call_id: call,
            reason,
        });
        assert!(!has(&out, |o| matches!(
            o,
            Output::EndCall { .. } | Output::HoldCall { .. } | Output::StopMedia { .. }
        )));
        assert_eq!(h.core.controls(call), Some(Controls::EMERGENCY));
    }
}

#[test]
fn e02_a_reused_call_id_does_not_stop_911() {
    let mut h = Harness::ready(Presence::Available);
    let (id, _) = h.dial("312 555 0111");
    let out = h.step(Input::Dial {
        call_id: id,
        dial_string: "911".into(),
    });
    invite_of(&out);
}
