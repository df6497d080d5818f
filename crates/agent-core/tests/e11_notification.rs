//! E11: supervisors are notified in the same step as the INVITE, right after it,
//! never before and never holding it; tests are marked; a failed notification never
//! touches the call.

mod common;

use agent_core::*;
use common::*;

fn notifications(out: &[Output]) -> Vec<Notification> {
    out.iter()
        .filter_map(|o| match o {
            Output::Notify(n) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn e11_the_notification_follows_the_invite_in_the_same_step() {
    let mut h = Harness::ready(Presence::Available);
    let (call, out) = h.dial("911");
    assert!(matches!(out[0], Output::SendInvite { .. }));
    assert!(matches!(&out[1], Output::Notify(n) if n.call_id == call));
    let n = &notifications(&out)[0];
    assert_eq!(n.kind, EmergencyKind::Real);
    assert_eq!(n.at, h.now);
    assert_eq!(
        n.event,
        NotificationEvent::Started {
            callback: None,
            location: Some(location())
        }
    );
}

#[test]
fn e11_test_calls_notify_too_marked_as_tests() {
    let mut h = Harness::new();
    let (_, out) = h.dial("933");
    assert_eq!(notifications(&out)[0].kind, EmergencyKind::Test);
}

#[test]
fn e11_the_callback_number_is_sent_when_known() {
    let mut h = Harness::new();
    let (call, _) = h.dial("911");
    let out = h.step(Input::LeaseGranted {
        call_id: call,
        number: pool_number(),
    });
    let event = &notifications(&out)[0].event;
    assert_eq!(
        event,
        &NotificationEvent::CallbackNumber(Some(Callback {
            number: pool_number(),
            source: CallbackSource::Pool
        }))
    );
}

#[test]
fn e11_a_failed_notification_never_touches_the_call() {
    let mut h = Harness::ready(Presence::Busy);
    let (call, _) = h.dial("911");
    let state = h.core.durable_state();
    let out = h.step(Input::NotificationFailed { call_id: call });
    assert_eq!(out, vec![Output::NotificationUndelivered { call_id: call }]);
    assert_eq!(h.core.durable_state(), state);
    assert_eq!(h.core.controls(call), Some(Controls::EMERGENCY));
    // The call goes on and ends as any other.
    h.event(call, CallEvent::Answered);
    let out = h.step(Input::HangUp { call_id: call });
    assert_eq!(presence_changes(&out), vec![Presence::Busy]);
}
