//! E10, the core's part: the emergency INVITE carries `Priority: emergency` and, when
//! known, the dispatchable location (so `Geolocation-Routing: yes`). The engine writes
//! the SIP and the PIDF-LO.

mod common;

use agent_core::*;
use common::*;

#[test]
fn e10_the_invite_carries_emergency_priority_and_the_location() {
    let mut h = Harness::ready(Presence::Available);
    let (_, out) = h.dial("911");
    let info = invite_of(&out).1.expect("emergency info");
    assert_eq!(info.priority, Priority::Emergency);
    assert_eq!(info.location, Some(location()));
    assert!(info.geolocation_routing());
}

#[test]
fn e10_without_a_location_there_is_no_geolocation_routing_but_still_priority() {
    let mut h = Harness::new();
    let (_, out) = h.dial("933");
    let info = invite_of(&out).1.expect("emergency info");
    assert_eq!(info.priority, Priority::Emergency);
    assert_eq!(info.kind, EmergencyKind::Test);
    assert!(!info.geolocation_routing());
}

#[test]
fn e10_ordinary_calls_carry_no_emergency_information() {
    let mut h = Harness::ready(Presence::Available);
    let (_, out) = h.dial("+1 312 555 0111");
    assert_eq!(
        invite_of(&out),
        (&Target::Number(num("+13125550111")), None)
    );
}
