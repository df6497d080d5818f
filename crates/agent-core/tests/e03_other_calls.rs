//! E3: dialling 911 during another call puts that call on hold (or ends it, by site
//! choice); the emergency call itself can never be held, transferred, parked,
//! conferenced or muted.

mod common;

use agent_core::*;
use common::*;

fn on_a_call(config: CoreConfig) -> (Harness, CallId) {
    let mut h = Harness::with(config);
    let (other, _) = h.dial("312 555 0111");
    h.event(other, CallEvent::Answered);
    (h, other)
}

#[test]
fn e03_dialling_911_holds_the_connected_call() {
    let (mut h, other) = on_a_call(config());
    let (_, out) = h.dial("911");
    assert!(has(
        &out,
        |o| matches!(o, Output::HoldCall { call_id } if *call_id == other)
    ));
    assert!(!has(&out, |o| matches!(o, Output::EndCall { .. })));
    assert_eq!(
        h.core.controls(other).map(|c| c.contains(Control::Resume)),
        Some(true)
    );
}

#[test]
fn e03_the_site_may_end_the_other_call_instead() {
    let (mut h, other) = on_a_call(CoreConfig {
        other_calls: OtherCalls::End,
        ..config()
    });
    let (_, out) = h.dial("911");
    assert!(has(
        &out,
        |o| matches!(o, Output::EndCall { call_id } if *call_id == other)
    ));
    assert!(has(
        &out,
        |o| matches!(o, Output::CallFinished { call_id, keep: Keep::Yes(_) } if *call_id == other)
    ));
    assert_eq!(h.core.controls(other), None);
}

#[test]
fn e03_an_outbound_call_still_ringing_is_cancelled() {
    let mut h = Harness::new();
    let (other, _) = h.dial("312 555 0111");
    h.event(other, CallEvent::Ringing);
    let (_, out) = h.dial("911");
    assert!(has(
        &out,
        |o| matches!(o, Output::EndCall { call_id } if *call_id == other)
    ));
}

#[test]
fn e03_the_emergency_call_cannot_be_held_moved_or_muted() {
    let mut h = Harness::new();
    let (call, _) = h.dial("911");
    h.event(call, CallEvent::Answered);
    for control in [
        Control::Hold,
        Control::Transfer,
        Control::Park,
        Control::Conference,
        Control::Consult,
        Control::Mute,
        Control::Record,
        Control::Notes,
        Control::WrapUp,
    ] {
        assert_eq!(
            h.try_step(Input::CallControl {
                call_id: call,
                control
            }),
            Err(CoreError::ControlNotAllowed {
                call_id: call,
                control
            }),
            "{control:?}"
        );
    }
    // The controls it has still work.
    let out = h.step(Input::CallControl {
        call_id: call,
        control: Control::AudioDevices,
    });
    assert_eq!(
        out,
        vec![Output::PerformControl {
            call_id: call,
            control: Control::AudioDevices
        }]
    );
}

#[test]
fn e03_nothing_may_put_the_emergency_call_on_hold_indirectly() {
    let (mut h, other) = on_a_call(config());
    let (_call, _) = h.dial("911");
    // Resuming the held call, dialling another number, answering a normal call:
    // each would hold the emergency call.
    assert_eq!(
        h.try_step(Input::CallControl {
            call_id: other,
            control: Control::Resume
        }),
        Err(CoreError::EmergencyCallInProgress)
    );
    assert_eq!(
        h.try_step(Input::Dial {
            call_id: CallId(99),
            dial_string: "312 555 0122".into()
        }),
        Err(CoreError::EmergencyCallInProgress)
    );
    let (_, out) = h.inbound(Some(num("+13125550150")), false);
    assert!(has(&out, |o| matches!(
        o,
        Output::RejectInbound {
            reason: RejectReason::EmergencyInProgress,
            ..
        }
    )));
}

#[test]
fn e03_the_held_call_stays_held_after_the_emergency_call() {
    let (mut h, other) = on_a_call(config());
    let (call, _) = h.dial("911");
    let out = h.step(Input::HangUp { call_id: call });
    assert!(!has(&out, |o| matches!(o, Output::ResumeCall { .. })));
    let out = h.step(Input::CallControl {
        call_id: other,
        control: Control::Resume,
    });
    assert!(has(
        &out,
        |o| matches!(o, Output::ResumeCall { call_id } if *call_id == other)
    ));
}
