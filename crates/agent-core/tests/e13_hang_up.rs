//! E13: when either side ends an emergency call, the media stops, presence is
//! restored, the callback window starts and the supervisors' alert shows the end.

mod common;

use agent_core::*;
use common::*;

fn ended_call(by_agent: bool) -> (Harness, CallId, Vec<Output>) {
    let mut h = Harness::ready(Presence::Away);
    let (call, _) = h.dial("911");
    h.step(Input::LeaseGranted {
        call_id: call,
        number: pool_number(),
    });
    h.event(call, CallEvent::Answered);
    h.advance(Millis::from_mins(7));
    let out = if by_agent {
        h.step(Input::HangUp { call_id: call })
    } else {
        h.event(call, CallEvent::Ended { by_remote: true })
    };
    (h, call, out)
}

#[test]
fn e13_hang_up_by_either_side_does_everything_in_order() {
    for by_agent in [true, false] {
        let (h, call, out) = ended_call(by_agent);
        let stop = pos(
            &out,
            |o| matches!(o, Output::StopMedia { call_id } if *call_id == call),
        );
        let presence = pos(&out, |o| {
            matches!(o, Output::PresenceChanged(Presence::Away))
        });
        let window = pos(&out, |o| matches!(o, Output::CallbackWindowStarted { .. }));
        let notify = pos(
            &out,
            |o| matches!(o, Output::Notify(n) if matches!(n.event, NotificationEvent::Ended { .. })),
        );
        let finished = pos(&out, |o| matches!(o, Output::CallFinished { .. }));
        assert!(
            stop < presence && presence < window && window < notify && notify < finished,
            "{out:#?}"
        );
        if by_agent {
            assert_eq!(out[0], Output::EndCall { call_id: call });
        } else {
            assert!(!has(&out, |o| matches!(o, Output::EndCall { .. })));
        }
        let until = h.now.plus(Millis::from_mins(60));
        assert_eq!(window_started(&out).map(|w| w.1), Some(until));
        assert!(has(
            &out,
            |o| matches!(o, Output::Notify(n) if n.event == NotificationEvent::Ended { window_until: Some(until) })
        ));
    }
}

#[test]
fn e13_a_late_end_event_after_the_agents_hang_up_changes_nothing() {
    let (mut h, call, _) = ended_call(true);
    let out = h.event(call, CallEvent::Ended { by_remote: false });
    assert!(out.is_empty(), "{out:?}");
}

#[test]
fn e13_a_restart_mid_call_ends_it_on_the_next_start() {
    let mut h = Harness::ready(Presence::Away);
    let (call, _) = h.dial("911");
    h.event(call, CallEvent::Answered);
    let out = h.restart(Millis::from_secs(30));
    assert_eq!(presence_changes(&out), vec![Presence::Away]);
    assert_eq!(
        window_started(&out).map(|w| w.1),
        Some(h.now.plus(Millis::from_mins(60)))
    );
    assert!(has(
        &out,
        |o| matches!(o, Output::Notify(n) if n.call_id == call && matches!(n.event, NotificationEvent::Ended { .. }))
    ));
    // The restart's outputs are given once.
    assert!(h.step(Input::Tick).is_empty());
}
