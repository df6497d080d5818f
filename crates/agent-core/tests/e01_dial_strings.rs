//! E1: 911, 9911 (with the outside-line prefix) and 933 are detected by our dial plan,
//! typed or pasted, and 911 never becomes +1911.

mod common;

use agent_core::*;
use common::*;
use proptest::prelude::*;

#[test]
fn e01_every_written_form_of_911_dials_the_emergency_call() {
    for s in [
        "911",
        "9-1-1",
        "9.1.1",
        " 9 1 1 ",
        "\t911\n",
        "9\u{a0}1\u{a0}1",
        "(911)",
        "9\u{2013}1\u{2013}1",
        "\u{feff}911",
    ] {
        let mut h = Harness::new();
        let (_, out) = h.dial(s);
        assert_eq!(
            invite_of(&out).0,
            &Target::Emergency(EmergencyKind::Real),
            "{s:?}"
        );
    }
}

#[test]
fn e01_9911_is_911_with_the_default_outside_line_prefix() {
    let mut h = Harness::new();
    let (_, out) = h.dial("9 911");
    assert_eq!(invite_of(&out).0, &Target::Emergency(EmergencyKind::Real));
}

#[test]
fn e01_the_prefix_is_configurable() {
    let plan = DialPlan::with_prefix(Some("8")).unwrap();
    assert_eq!(
        plan.classify("8911"),
        Ok(Dialled::Emergency(EmergencyKind::Real))
    );
    assert_eq!(
        plan.classify("8933"),
        Ok(Dialled::Emergency(EmergencyKind::Test))
    );
    assert_eq!(
        plan.classify("911"),
        Ok(Dialled::Emergency(EmergencyKind::Real))
    );
    assert_ne!(
        plan.classify("9911"),
        Ok(Dialled::Emergency(EmergencyKind::Real))
    );
    let none = DialPlan::with_prefix(None).unwrap();
    assert_ne!(
        none.classify("9911"),
        Ok(Dialled::Emergency(EmergencyKind::Real))
    );
    assert_eq!(
        none.classify("911"),
        Ok(Dialled::Emergency(EmergencyKind::Real))
    );
}

#[test]
fn e01_933_and_9933_are_the_test_call() {
    for s in ["933", "9-3-3", "9933", "9 933"] {
        let mut h = Harness::new();
        let (_, out) = h.dial(s);
        assert_eq!(
            invite_of(&out).0,
            &Target::Emergency(EmergencyKind::Test),
            "{s:?}"
        );
    }
}

#[test]
fn e01_near_misses_are_not_emergency_calls() {
    let plan = DialPlan::default();
    for s in [
        "9111",
        "91",
        "1911",
        "+1911",
        "+911",
        "0911",
        "99911",
        "9119",
        "112",
        "999",
        "19933",
        "+1933",
        "9 9 9 1 1",
    ] {
        assert!(
            !matches!(plan.classify(s), Ok(Dialled::Emergency(_))),
            "{s:?} was taken for an emergency call"
        );
    }
}

#[test]
fn e01_911_is_never_turned_into_plus_1911() {
    let mut h = Harness::new();
    let (_, out) = h.dial("911");
    let (target, info) = invite_of(&out);
    assert_eq!(target, &Target::Emergency(EmergencyKind::Real));
    assert!(!format!("{out:?}").contains("+1911"));
    assert_eq!(info.unwrap().kind.dialled(), "911");
}

#[test]
fn e01_no_queue_profile_or_account_is_needed() {
    // A core with nothing configured at all still dials 911.
    let mut core = Core::resume(CoreConfig::default(), DurableState::default(), T0);
    let out = core
        .handle(
            T0,
            Input::Dial {
                call_id: CallId(1),
                dial_string: "911".into(),
            },
        )
        .unwrap();
    assert!(matches!(
        out[0],
        Output::SendInvite {
            target: Target::Emergency(EmergencyKind::Real),
            ..
        }
    ));
}

// --- property tests over the dial plan -------------------------------------------

/// Separators people type or paste between digits.
fn separator() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "", "", " ", "-", ".", "\t", "\n", "\u{a0}", "\u{2013}", "  ", " - ", "\u{200b}", "/", "(",
        ")",
    ])
    .prop_map(str::to_owned)
}

/// `digits` written with random separators around and between them.
fn written(digits: String) -> impl Strategy<Value = String> {
    let n = digits.len();
    prop::collection::vec(separator(), n + 1).prop_map(move |seps| {
        let mut s = seps[0].clone();
        for (d, sep) in digits.chars().zip(&seps[1..]) {
            s.push(d);
            s.push_str(sep);
        }
        s
    })
}

fn emergency_form() -> impl Strategy<Value = (String, EmergencyKind)> {
    prop::sample::select(vec![
        ("911", EmergencyKind::Real),
        ("9911", EmergencyKind::Real),
        ("933", EmergencyKind::Test),
        ("9933", EmergencyKind::Test),
    ])
    .prop_flat_map(|(d, k)| written(d.to_owned()).prop_map(move |s| (s, k)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn e01_prop_no_dial_string_panics(s in any::<String>()) {
        let _ = DialPlan::default().classify(&s);
    }

    #[test]
    fn e01_prop_no_phone_like_string_panics(s in "[+]?[0-9 ().#*a-z-]{0,30}") {
        let _ = DialPlan::default().classify(&s);
        let _ = DialPlan::with_prefix(None).unwrap().classify(&s);
    }

    #[test]
    fn e01_prop_every_written_form_is_detected((s, kind) in emergency_form()) {
        prop_assert_eq!(DialPlan::default().classify(&s), Ok(Dialled::Emergency(kind)));
    }

    #[test]
    fn e01_prop_every_prefix_works(prefix in "[0-9]{1,3}", real in any::<bool>(), seps in separator()) {
        let plan = DialPlan::with_prefix(Some(&prefix)).unwrap();
        let (code, kind) = if real { ("911", EmergencyKind::Real) } else { ("933", EmergencyKind::Test) };
        let s = format!("{prefix}{seps}{code}");
        prop_assert_eq!(plan.classify(&s), Ok(Dialled::Emergency(kind)));
    }

    #[test]
    fn e01_prop_nothing_else_is_detected(digits in "[0-9]{1,12}", plus in any::<bool>(), seps in separator()) {
        let s = format!("{}{}{seps}", if plus { "+" } else { "" }, digits);
        let is_form = !plus && ["911", "9911", "933", "9933"].contains(&digits.as_str());
        let detected = matches!(DialPlan::default().classify(&s), Ok(Dialled::Emergency(_)));
        prop_assert_eq!(detected, is_form, "{:?}", s);
    }

    #[test]
    fn e01_prop_no_number_becomes_1911_or_1933(s in "[+]?[0-9 -]{0,16}") {
        if let Ok(Dialled::Number(n)) = DialPlan::default().classify(&s) {
            prop_assert!(!n.as_str().starts_with("+1911") && !n.as_str().starts_with("+1933"));
            prop_assert!(E164::parse(n.as_str()).is_ok());
        }
    }
}
