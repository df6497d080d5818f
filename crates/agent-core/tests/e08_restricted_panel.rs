//! E8: during an emergency conversation the panel shows only audio device settings
//! and End call, plus the read-only panel of what the emergency center receives.

mod common;

use agent_core::*;
use common::*;

fn panels(out: &[Output]) -> Vec<(Controls, Option<EmergencyPanel>)> {
    out.iter()
        .filter_map(|o| match o {
            Output::ShowControls {
                controls, panel, ..
            } => Some((*controls, panel.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn e08_the_emergency_panel_has_only_audio_devices_and_end_call() {
    let mut h = Harness::ready(Presence::Available);
    let (call, out) = h.dial("911");
    let shown = panels(&out);
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].0, Controls::EMERGENCY);
    let panel = shown[0].1.clone().expect("read-only panel");
    assert_eq!(panel.location, Some(location()));
    assert_eq!(panel.callback, None, "not known yet");
    let out = h.event(call, CallEvent::Answered);
    assert!(panels(&out).iter().all(|(c, _)| *c == Controls::EMERGENCY));
    assert_eq!(h.core.controls(call), Some(Controls::EMERGENCY));
}

#[test]
fn e08_the_panel_shows_the_callback_number_once_known() {
    let mut h = Harness::ready(Presence::Available);
    let (call, _) = h.dial("911");
    let out = h.step(Input::LeaseGranted {
        call_id: call,
        number: pool_number(),
    });
    let shown = panels(&out);
    let panel = shown
        .last()
        .and_then(|p| p.1.clone())
        .expect("panel update");
    assert_eq!(panel.callback.map(|c| c.number), Some(pool_number()));
}

#[test]
fn e08_ordinary_calls_get_the_full_set_and_record_on_demand() {
    let mut h = Harness::new();
    let (call, _) = h.dial("312 555 0111");
    let out = h.event(call, CallEvent::Answered);
    let (controls, panel) = panels(&out)[0].clone();
    assert_eq!(panel, None);
    for c in [
        Control::Hold,
        Control::Transfer,
        Control::Consult,
        Control::Conference,
        Control::Notes,
        Control::WrapUp,
        Control::Record,
    ] {
        assert!(controls.contains(c), "{c:?}");
    }
    let out = h.step(Input::CallControl {
        call_id: call,
        control: Control::Record,
    });
    assert!(has(&out, |o| matches!(o, Output::StartRecording { .. })));
    assert!(
        !h.core.controls(call).unwrap().contains(Control::Record),
        "already recording"
    );
}

#[test]
fn e08_no_record_control_when_the_tenant_never_or_always_records() {
    for recording in [RecordingPolicy::Never, RecordingPolicy::Always] {
        let mut h = Harness::with(CoreConfig {
            recording,
            ..config()
        });
        let (call, _) = h.dial("312 555 0111");
        h.event(call, CallEvent::Answered);
        assert!(
            !h.core.controls(call).unwrap().contains(Control::Record),
            "{recording:?}"
        );
    }
}

#[test]
fn e08_an_answered_callback_gets_the_restricted_panel() {
    let mut h = Harness::new();
    let (call, _) = h.dial("911");
    h.step(Input::LeaseGranted {
        call_id: call,
        number: pool_number(),
    });
    h.step(Input::HangUp { call_id: call });
    let (cb, _) = h.inbound(Some(pool_number()), true);
    let out = h.step(Input::Answer { call_id: cb });
    let shown = panels(&out);
    assert_eq!(shown.last().map(|p| p.0), Some(Controls::EMERGENCY));
    assert_eq!(
        shown
            .last()
            .and_then(|p| p.1.clone())
            .and_then(|p| p.callback)
            .map(|c| c.number),
        Some(pool_number())
    );
}

#[test]
fn e08_the_panel_shows_the_location_sent_not_a_later_verdict() {
    let mut h = Harness::ready(Presence::Available);
    let (call, _) = h.dial("911");
    let moved = Location {
        id: "loc-2".into(),
        display: "elsewhere".into(),
    };
    h.step(Input::LocationVerdict(LocationCheck {
        dispatchable: Some(moved),
        country: CountryCheck::UsOrPuertoRico,
    }));
    let out = h.step(Input::LeaseGranted {
        call_id: call,
        number: pool_number(),
    });
    let panel = panels(&out)
        .last()
        .and_then(|p| p.1.clone())
        .expect("panel update");
    assert_eq!(panel.location, Some(location()));
}
