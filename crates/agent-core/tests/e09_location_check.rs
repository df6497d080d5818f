//! E9, the core's part: the readiness indicator follows the verdict; a failing or
//! unknown check never blocks a call (`warn`); `refuse` applies only to a location
//! verified outside the US and Puerto Rico, and says why and what to do.

mod common;

use agent_core::*;
use common::*;

fn outside() -> LocationCheck {
    LocationCheck {
        dispatchable: Some(location()),
        country: CountryCheck::Outside {
            country: "CA".into(),
        },
    }
}

fn refusing() -> Harness {
    Harness::with(CoreConfig {
        location_policy: LocationPolicy::Refuse,
        ..config()
    })
}

#[test]
fn e09_unknown_location_warns_and_the_call_goes_out() {
    let mut h = Harness::new();
    let (_, out) = h.dial("911");
    invite_of(&out);
    assert!(has(
        &out,
        |o| matches!(o, Output::Readiness(r) if !r.ready() && !r.location_confirmed)
    ));
}

#[test]
fn e09_outside_with_the_default_warn_policy_still_calls() {
    let mut h = Harness::new();
    h.step(Input::LocationVerdict(outside()));
    let (_, out) = h.dial("911");
    invite_of(&out);
}

#[test]
fn e09_refuse_policy_refuses_a_verified_outside_location_and_says_why() {
    let mut h = refusing();
    let out = h.step(Input::LocationVerdict(outside()));
    assert!(has(
        &out,
        |o| matches!(o, Output::Readiness(r) if r.calls_refused)
    ));
    let err = h
        .try_step(Input::Dial {
            call_id: CallId(50),
            dial_string: "911".into(),
        })
        .unwrap_err();
    assert_eq!(
        err,
        CoreError::EmergencyRefused {
            country: "CA".into()
        }
    );
    let text = err.to_string();
    assert!(
        text.contains("CA") && text.contains("local emergency number"),
        "{text}"
    );
    assert_eq!(h.core.presence(), Presence::Available, "nothing happened");
}

#[test]
fn e09_refuse_policy_never_refuses_an_unknown_or_passing_check() {
    for country in [CountryCheck::Unknown, CountryCheck::UsOrPuertoRico] {
        let mut h = refusing();
        h.step(Input::LocationVerdict(LocationCheck {
            dispatchable: None,
            country,
        }));
        let (_, out) = h.dial("911");
        invite_of(&out);
    }
}

#[test]
fn e09_the_readiness_indicator_follows_the_verdict() {
    let mut h = Harness::new();
    assert!(!h.core.readiness().ready());
    let out = h.step(Input::LocationVerdict(LocationCheck {
        dispatchable: Some(location()),
        country: CountryCheck::UsOrPuertoRico,
    }));
    assert!(has(
        &out,
        |o| matches!(o, Output::Readiness(r) if r.ready())
    ));
    // The same verdict again changes nothing.
    let same = LocationCheck {
        dispatchable: Some(location()),
        country: CountryCheck::UsOrPuertoRico,
    };
    assert!(h.step(Input::LocationVerdict(same)).is_empty());
    let (_, out) = h.dial("911");
    assert!(
        !has(&out, |o| matches!(o, Output::Readiness(_))),
        "no warning when ready"
    );
}
