//! E5: the temporary callback number: asked for beside the call within a budget, with
//! the fallback order pool, agent's own number, site number; 60 minutes counted from
//! the end of the call; the same number inside the window; durable across restarts.

mod common;

use agent_core::*;
use common::*;

fn callback_outputs(out: &[Output]) -> Vec<Option<Callback>> {
    out.iter()
        .filter_map(|o| match o {
            Output::CallbackNumber { callback, .. } => Some(callback.clone()),
            _ => None,
        })
        .collect()
}

fn pool() -> Callback {
    Callback {
        number: pool_number(),
        source: CallbackSource::Pool,
    }
}

#[test]
fn e05_the_lease_is_asked_for_beside_the_call_with_a_budget() {
    let mut h = Harness::new();
    let (call, out) = h.dial("911");
    let req = out.iter().find_map(|o| match o {
        Output::RequestLease(r) => Some(r.clone()),
        _ => None,
    });
    assert_eq!(
        req,
        Some(LeaseRequest {
            call_id: call,
            keep: None,
            deadline: T0.plus(h.config.lease_budget)
        })
    );
    assert!(
        pos(&out, |o| matches!(o, Output::RequestLease(_))) > 0,
        "never before the INVITE"
    );
    assert_eq!(h.core.poll_timeout(), Some(T0.plus(h.config.lease_budget)));
}

#[test]
fn e05_a_granted_lease_is_the_callback_number() {
    let mut h = Harness::new();
    let (call, _) = h.dial("911");
    let out = h.step(Input::LeaseGranted {
        call_id: call,
        number: pool_number(),
    });
    assert_eq!(callback_outputs(&out), vec![Some(pool())]);
    assert_eq!(h.core.callback().0, Some(&pool()));
    // Nothing more happens when the budget passes.
    let later = h.advance(Millis::from_secs(10));
    assert!(callback_outputs(&later).is_empty());
}

#[test]
fn e05_lease_answer_never_comes_falls_back_to_the_agents_number_at_the_budget() {
    let mut h = Harness::new();
    h.dial("911");
    let early = h.advance(h.config.lease_budget.since(Millis(1)));
    assert!(
        callback_outputs(&early).is_empty(),
        "no fallback before the budget is spent"
    );
    let out = h.advance(Millis(1));
    let own = Callback {
        number: agent_number(),
        source: CallbackSource::AgentNumber,
    };
    assert_eq!(callback_outputs(&out), vec![Some(own.clone())]);
    assert!(own.source.is_fallback());
    assert_eq!(h.core.callback().0, Some(&own));
}

#[test]
fn e05_back_office_unreachable_falls_back_at_once() {
    let mut h = Harness::new();
    let (call, _) = h.dial("911");
    let out = h.step(Input::LeaseFailed {
        call_id: call,
        reason: LeaseFailure::Unreachable,
    });
    assert_eq!(
        callback_outputs(&out),
        vec![Some(Callback {
            number: agent_number(),
            source: CallbackSource::AgentNumber
        })]
    );
    assert_eq!(h.core.poll_timeout(), None, "no more waiting for the lease");
}

#[test]
fn e05_the_site_number_when_the_agent_has_none_and_nothing_when_neither() {
    let mut h = Harness::with(CoreConfig {
        agent_number: None,
        ..config()
    });
    let (call, out) = h.dial("911");
    let fallback = Callback {
        number: site_number(),
        source: CallbackSource::SiteNumber,
    };
    assert_eq!(
        invite_of(&out).1.unwrap().fallback_callback,
        Some(fallback.clone())
    );
    let out = h.step(Input::LeaseFailed {
        call_id: call,
        reason: LeaseFailure::PoolExhausted,
    });
    assert_eq!(callback_outputs(&out), vec![Some(fallback)]);

    let mut h = Harness::with(CoreConfig::default());
    let (call, _) = h.dial("911");
    let out = h.step(Input::LeaseFailed {
        call_id: call,
        reason: LeaseFailure::PoolExhausted,
    });
    assert_eq!(
        callback_outputs(&out),
        vec![None],
        "shown as having no number"
    );
}

#[test]
fn e05_a_late_lease_is_still_taken() {
    let mut h = Harness::new();
    let (call, _) = h.dial("911");
    h.advance(Millis::from_secs(30));
    let out = h.step(Input::LeaseGranted {
        call_id: call,
        number: pool_number(),
    });
    assert_eq!(callback_outputs(&out), vec![Some(pool())]);
}

#[test]
fn e05_the_window_counts_from_the_end_of_the_call_not_the_dial() {
    let mut h = Harness::new();
    let (call, _) = h.dial("911");
    h.step(Input::LeaseGranted {
        call_id: call,
        number: pool_number(),
    });
    h.event(call, CallEvent::Answered);
    // A call longer than the window does not eat it.
    assert!(window_started(&h.advance(Millis::from_mins(150))).is_none());
    let out = h.event(call, CallEvent::Ended { by_remote: true });
    let ended_at = h.now;
    assert_eq!(
        window_started(&out),
        Some((Some(pool()), ended_at.plus(Millis::from_mins(60))))
    );
}

#[test]
fn e05_the_window_ends_after_60_minutes_and_the_lease_goes_back() {
    let mut h = Harness::new();
    let (call, _) = h.dial("911");
    h.step(Input::LeaseGranted {
        call_id: call,
        number: pool_number(),
    });
    h.step(Input::HangUp { call_id: call });
    let before = h.advance(Millis::from_mins(60).since(Millis(1)));
    assert!(!has(&before, |o| matches!(
        o,
        Output::CallbackWindowEnded { .. }
    )));
    let out = h.advance(Millis(1));
    assert!(has(
        &out,
        |o| matches!(o, Output::CallbackWindowEnded { callback: Some(c) } if *c == pool())
    ));
    assert!(has(
        &out,
        |o| matches!(o, Output::ReleaseLease { number } if *number == pool_number())
    ));
    assert_eq!(h.core.callback(), (None, None));
    assert_eq!(h.core.poll_timeout(), None);
}

#[test]
fn e05_a_second_911_inside_the_window_keeps_the_same_number() {
    let mut h = Harness::new();
    let (first, _) = h.dial("911");
    h.step(Input::LeaseGranted {
        call_id: first,
        number: pool_number(),
    });
    h.step(Input::HangUp { call_id: first });
    h.advance(Millis::from_mins(59));
    let (second, out) = h.dial("911");
    assert_eq!(invite_of(&out).1.unwrap().callback, Some(pool()));
    assert!(has(
        &out,
        |o| matches!(o, Output::RequestLease(r) if r.keep == Some(pool_number()) && r.call_id == second)
    ));
    // The old window's end passes during the second call: the number is kept.
    let during = h.advance(Millis::from_mins(5));
    assert!(!has(&during, |o| matches!(
        o,
        Output::CallbackWindowEnded { .. } | Output::ReleaseLease { .. }
    )));
    let out = h.step(Input::HangUp { call_id: second });
    assert_eq!(
        window_started(&out),
        Some((Some(pool()), h.now.plus(Millis::from_mins(60))))
    );
}

#[test]
fn e05_a_failed_renewal_keeps_the_number_the_center_already_has() {
    let mut h = Harness::new();
    let (first, _) = h.dial("911");
    h.step(Input::LeaseGranted {
        call_id: first,
        number: pool_number(),
    });
    h.step(Input::HangUp { call_id: first });
    let (second, _) = h.dial("911");
    let out = h.step(Input::LeaseFailed {
        call_id: second,
        reason: LeaseFailure::Unreachable,
    });
    assert!(callback_outputs(&out).is_empty());
    assert_eq!(h.core.callback().0, Some(&pool()));
}

#[test]
fn e05_a_911_after_the_window_asks_for_a_new_lease() {
    let mut h = Harness::new();
    let (first, _) = h.dial("911");
    h.step(Input::LeaseGranted {
        call_id: first,
        number: pool_number(),
    });
    h.step(Input::HangUp { call_id: first });
    h.advance(Millis::from_mins(61));
    let (_, out) = h.dial("911");
    assert_eq!(invite_of(&out).1.unwrap().callback, None);
    assert!(has(
        &out,
        |o| matches!(o, Output::RequestLease(r) if r.keep.is_none())
    ));
}

#[test]
fn e05_a_normal_call_inside_the_window_leaves_it_alone() {
    let mut h = Harness::new();
    let (first, _) = h.dial("911");
    h.step(Input::LeaseGranted {
        call_id: first,
        number: pool_number(),
    });
    h.step(Input::HangUp { call_id: first });
    let until = h.core.callback().1;
    let (normal, out) = h.dial("312 555 0111");
    assert_eq!(invite_of(&out).1, None);
    assert!(!has(&out, |o| matches!(
        o,
        Output::RequestLease(_) | Output::PresenceChanged(_)
    )));
    h.event(normal, CallEvent::Answered);
    h.step(Input::HangUp { call_id: normal });
    assert_eq!(h.core.callback(), (Some(&pool()), until));
}

#[test]
fn e05_a_lease_answer_after_the_window_is_given_back() {
    let mut h = Harness::new();
    let (call, _) = h.dial("911");
    h.step(Input::HangUp { call_id: call });
    h.advance(Millis::from_mins(61));
    let out = h.step(Input::LeaseGranted {
        call_id: call,
        number: pool_number(),
    });
    assert_eq!(
        out,
        vec![Output::ReleaseLease {
            number: pool_number()
        }]
    );
}

#[test]
fn e05_the_window_survives_a_restart() {
    let mut h = Harness::new();
    let (call, _) = h.dial("911");
    h.step(Input::LeaseGranted {
        call_id: call,
        number: pool_number(),
    });
    h.step(Input::HangUp { call_id: call });
    let until = h.core.callback().1;
    h.advance(Millis::from_mins(20));
    let out = h.restart(Millis::from_mins(5));
    assert!(out.is_empty(), "nothing to announce: {out:?}");
    assert_eq!(h.core.callback(), (Some(&pool()), until));
    let out = h.advance(Millis::from_mins(36));
    assert!(has(&out, |o| matches!(
        o,
        Output::CallbackWindowEnded { .. }
    )));
}

#[test]
fn e05_a_restart_after_the_window_ended_ends_it() {
    let mut h = Harness::new();
    let (call, _) = h.dial("911");
    h.step(Input::LeaseGranted {
        call_id: call,
        number: pool_number(),
    });
    h.step(Input::HangUp { call_id: call });
    let out = h.restart(Millis::from_mins(90));
    assert!(has(
        &out,
        |o| matches!(o, Output::ReleaseLease { number } if *number == pool_number())
    ));
    assert_eq!(h.core.callback(), (None, None));
}

#[test]
fn e05_a_restart_mid_call_starts_the_window_at_the_restart() {
    let mut h = Harness::new();
    let (call, _) = h.dial("911");
    h.step(Input::LeaseGranted {
        call_id: call,
        number: pool_number(),
    });
    let out = h.restart(Millis::from_mins(3));
    assert_eq!(
        window_started(&out),
        Some((Some(pool()), h.now.plus(Millis::from_mins(60))))
    );
}

#[test]
fn e05_a_redial_while_the_lease_is_awaited_keeps_the_first_deadline() {
    let mut h = Harness::new();
    let (first, _) = h.dial("911");
    h.event(first, CallEvent::Failed);
    h.advance(Millis::from_secs(1));
    let (second, _) = h.dial("911");
    assert_eq!(h.core.poll_timeout(), Some(T0.plus(h.config.lease_budget)));
    let out = h.advance(h.config.lease_budget);
    // The fallback is announced on the call that is still going on.
    assert!(has(
        &out,
        |o| matches!(o, Output::CallbackNumber { call_id, callback: Some(_) } if *call_id == second)
    ));
    assert!(has(
        &out,
        |o| matches!(o, Output::Notify(n) if n.call_id == second)
    ));
}
