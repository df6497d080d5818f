//! E7: emergency calls (911, 933, callbacks) are never recorded and never kept in
//! history; their numbers and addresses stay out of `Debug` output.

mod common;

use agent_core::*;
use common::*;

fn recording_always() -> Harness {
    let mut h = Harness::with(CoreConfig {
        recording: RecordingPolicy::Always,
        ..config()
    });
    h.step(Input::LocationVerdict(LocationCheck {
        dispatchable: Some(location()),
        country: CountryCheck::UsOrPuertoRico,
    }));
    h
}

#[test]
fn e07_emergency_calls_are_never_recorded_even_when_the_tenant_records_all() {
    for s in ["911", "933"] {
        let mut h = recording_always();
        let (call, out) = h.dial(s);
        assert!(has(&out, |o| matches!(
            o,
            Output::RecordingRefused {
                reason: RecordingRefusal::EmergencyCall,
                ..
            }
        )));
        let mut all = out;
        all.extend(h.event(call, CallEvent::Answered));
        all.extend(h.advance(Millis::from_mins(5)));
        all.extend(h.step(Input::HangUp { call_id: call }));
        assert!(
            !has(&all, |o| matches!(o, Output::StartRecording { .. })),
            "{s}"
        );
    }
}

#[test]
fn e07_ordinary_calls_are_recorded_when_the_tenant_records_all() {
    let mut h = recording_always();
    let (call, _) = h.dial("312 555 0111");
    let out = h.event(call, CallEvent::Answered);
    assert!(has(
        &out,
        |o| matches!(o, Output::StartRecording { call_id } if *call_id == call)
    ));
}

#[test]
fn e07_emergency_calls_are_not_kept() {
    for s in ["911", "933"] {
        let mut h = Harness::new();
        let (call, _) = h.dial(s);
        h.event(call, CallEvent::Answered);
        let out = h.step(Input::HangUp { call_id: call });
        assert!(
            has(&out, |o| matches!(
                o,
                Output::CallFinished { keep: Keep::No, .. }
            )),
            "{s}"
        );
        assert!(!has(&out, |o| matches!(
            o,
            Output::CallFinished {
                keep: Keep::Yes(_),
                ..
            }
        )));
    }
}

#[test]
fn e07_emergency_callbacks_answered_or_missed_are_not_kept() {
    for answer in [true, false] {
        let mut h = Harness::new();
        let (call, _) = h.dial("911");
        h.step(Input::LeaseGranted {
            call_id: call,
            number: pool_number(),
        });
        h.step(Input::HangUp { call_id: call });
        let (cb, _) = h.inbound(Some(pool_number()), true);
        if answer {
            h.step(Input::Answer { call_id: cb });
        }
        let out = h.event(cb, CallEvent::Ended { by_remote: true });
        assert!(
            has(&out, |o| matches!(
                o,
                Output::CallFinished { keep: Keep::No, .. }
            )),
            "answered: {answer}"
        );
    }
}

#[test]
fn e07_ordinary_calls_are_kept() {
    let mut h = Harness::new();
    let (call, _) = h.dial("312 555 0111");
    h.event(call, CallEvent::Answered);
    let out = h.step(Input::HangUp { call_id: call });
    let record = out.iter().find_map(|o| match o {
        Output::CallFinished {
            keep: Keep::Yes(r), ..
        } => Some(r.clone()),
        _ => None,
    });
    let record = record.expect("kept");
    assert_eq!(record.remote(), "+13125550111");
    assert_eq!(record.direction(), Direction::Outbound);
}

#[test]
fn e07_the_record_control_is_refused_on_an_emergency_call() {
    let mut h = Harness::new();
    let (call, _) = h.dial("911");
    h.event(call, CallEvent::Answered);
    assert_eq!(
        h.try_step(Input::CallControl {
            call_id: call,
            control: Control::Record
        }),
        Err(CoreError::ControlNotAllowed {
            call_id: call,
            control: Control::Record
        })
    );
}

#[test]
fn e07_debug_output_never_shows_the_numbers_or_the_address() {
    let mut h = Harness::ready(Presence::Available);
    let (call, mut all) = h.dial("911");
    all.extend(h.step(Input::LeaseGranted {
        call_id: call,
        number: pool_number(),
    }));
    all.extend(h.step(Input::HangUp { call_id: call }));
    let text = format!("{all:?} {:?}", h.core);
    for secret in [
        pool_number().as_str(),
        agent_number().as_str(),
        "5550199",
        "Main St",
    ] {
        assert!(!text.contains(secret), "{secret} leaked into Debug output");
    }
    assert!(text.contains("Persist"), "the outputs were formatted");
}
