//! E4: forced Do Not Disturb from the dial action, the prior status remembered
//! durably, presence locked during the call and restored when it ends, also across
//! a restart.

mod common;

use agent_core::*;
use common::*;

#[test]
fn e04_dialling_forces_do_not_disturb_before_the_answer() {
    for p in Presence::ALL {
        let mut h = Harness::ready(p);
        let (_, out) = h.dial("911");
        assert_eq!(h.core.presence(), Presence::DoNotDisturb, "from {p:?}");
        assert!(h.core.presence_locked());
        if p != Presence::DoNotDisturb {
            assert_eq!(presence_changes(&out), vec![Presence::DoNotDisturb]);
        }
        // Persisted before the presence is published, with the prior status.
        let persisted = pos(
            &out,
            |o| matches!(o, Output::Persist(s) if s.prior_presence == Some(p)),
        );
        if p != Presence::DoNotDisturb {
            assert!(persisted < pos(&out, |o| matches!(o, Output::PresenceChanged(_))));
        }
    }
}

#[test]
fn e04_presence_restored_after_hang_up() {
    for p in Presence::ALL {
        let mut h = Harness::ready(p);
        let (call, _) = h.dial("911");
        h.event(call, CallEvent::Answered);
        h.advance(Millis::from_mins(12));
        let out = h.step(Input::HangUp { call_id: call });
        assert_eq!(h.core.presence(), p);
        assert!(!h.core.presence_locked());
        if p != Presence::DoNotDisturb {
            assert_eq!(presence_changes(&out), vec![p]);
        }
    }
}

#[test]
fn e04_presence_restored_when_the_far_end_hangs_up_or_the_call_fails() {
    for event in [CallEvent::Ended { by_remote: true }, CallEvent::Failed] {
        let mut h = Harness::ready(Presence::Away);
        let (call, _) = h.dial("911");
        let out = h.event(call, event);
        assert_eq!(presence_changes(&out), vec![Presence::Away], "{event:?}");
    }
}

#[test]
fn e04_presence_changes_are_refused_during_the_emergency() {
    let mut h = Harness::ready(Presence::Busy);
    let (call, _) = h.dial("911");
    for p in Presence::ALL {
        assert_eq!(
            h.try_step(Input::SetPresence(p)),
            Err(CoreError::PresenceLocked)
        );
    }
    h.event(call, CallEvent::Answered);
    assert_eq!(
        h.try_step(Input::SetPresence(Presence::Available)),
        Err(CoreError::PresenceLocked)
    );
    assert_eq!(h.core.presence(), Presence::DoNotDisturb);
    h.step(Input::HangUp { call_id: call });
    // Unlocked again, even inside the callback window.
    assert_eq!(h.core.presence(), Presence::Busy);
    h.step(Input::SetPresence(Presence::Away));
    assert_eq!(h.core.presence(), Presence::Away);
}

#[test]
fn e04_a_second_emergency_call_keeps_the_first_prior_status() {
    let mut h = Harness::ready(Presence::Away);
    let (first, _) = h.dial("911");
    let (second, _) = h.dial("911");
    h.step(Input::HangUp { call_id: first });
    assert_eq!(
        h.core.presence(),
        Presence::DoNotDisturb,
        "still in the second call"
    );
    h.step(Input::HangUp { call_id: second });
    assert_eq!(h.core.presence(), Presence::Away);
}

#[test]
fn e04_presence_restored_after_a_restart_in_the_middle_of_the_call() {
    for answered in [false, true] {
        let mut h = Harness::ready(Presence::Available);
        let (call, _) = h.dial("911");
        if answered {
            h.event(call, CallEvent::Answered);
        }
        let out = h.restart(Millis::from_secs(20));
        assert_eq!(h.core.presence(), Presence::Available);
        assert!(!h.core.presence_locked());
        assert_eq!(presence_changes(&out), vec![Presence::Available]);
        // And the restored presence is what the file now says.
        assert_eq!(DurableState::decode(&h.saved).unwrap().prior_presence, None);
        assert_eq!(
            DurableState::decode(&h.saved).unwrap().presence,
            Presence::Available
        );
    }
}

#[test]
fn e04_restart_at_each_step_restores_presence_and_keeps_the_window() {
    type Step = fn(&mut Harness, CallId);
    let steps: [(&str, Step); 6] = [
        ("far end rings", |h, c| drop(h.event(c, CallEvent::Ringing))),
        ("lease granted", |h, c| {
            drop(h.step(Input::LeaseGranted {
                call_id: c,
                number: pool_number(),
            }))
        }),
        ("answered", |h, c| drop(h.event(c, CallEvent::Answered))),
        ("ten minutes talk", |h, _| {
            drop(h.advance(Millis::from_mins(10)))
        }),
        ("hang-up", |h, c| drop(h.step(Input::HangUp { call_id: c }))),
        ("half the window", |h, _| {
            drop(h.advance(Millis::from_mins(30)))
        }),
    ];
    for crash_after in 0..=steps.len() {
        let mut h = Harness::ready(Presence::Away);
        let (call, _) = h.dial("911");
        for (_, step) in &steps[..crash_after] {
            step(&mut h, call);
        }
        let label = if crash_after == 0 {
            "dial"
        } else {
            steps[crash_after - 1].0
        };
        h.restart(Millis::from_secs(5));
        assert_eq!(h.core.presence(), Presence::Away, "restart after {label}");
        assert!(!h.core.presence_locked(), "restart after {label}");
        let (callback, until) = h.core.callback();
        assert!(
            until.is_some_and(|u| u > h.now),
            "window runs after {label}"
        );
        if crash_after >= 2 {
            assert_eq!(
                callback.map(|c| c.number.clone()),
                Some(pool_number()),
                "after {label}"
            );
        }
    }
}

#[test]
fn e04_the_saved_file_holds_the_prior_status() {
    let mut h = Harness::ready(Presence::Offline);
    h.dial("933");
    let saved = DurableState::decode(&h.saved).unwrap();
    assert_eq!(saved.presence, Presence::DoNotDisturb);
    assert_eq!(saved.prior_presence, Some(Presence::Offline));
    assert_eq!(saved.emergency_calls.len(), 1);
}
