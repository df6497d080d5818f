//! The routing core, rule by rule (E5, E6, E12 of EMERGENCY.md; V1, V2 of
//! BACKOFFICE.md). Pure: no clock, no network.

use backoffice::Timestamp;
use edge::routing::{
    classify, route_inbound, route_outbound, CallbackSource, ConnectorView, Decision, Dialled,
    EmergencyRouting, InboundState, LeaseAnswer, LeaseView, Notice, OutboundState, Owner,
    RingPriority, RouteTarget, TrunkRoute, EMERGENCY_HEADERS,
};

const AGENT_NUMBER: &str = "+12065550111";
const LEASED: &str = "+12065550177";
const ROUTING: &str = "+12065550100";
const TEST_ROUTING: &str = "+12065550101";

fn connector(emergency: bool) -> ConnectorView {
    ConnectorView {
        termination_enabled: true,
        default_caller: Some("+12065550199".into()),
        origination_routes: vec![route("pbx-b", 20, 5), route("pbx-a", 10, 5)],
        emergency: emergency.then(|| EmergencyRouting {
            routing_number: ROUTING.into(),
            test_routing_number: Some(TEST_ROUTING.into()),
        }),
    }
}

fn route(host: &str, priority: u8, weight: u8) -> RouteTarget {
    RouteTarget {
        host: host.into(),
        port: 5060,
        priority,
        weight,
    }
}

fn state(connector: Option<ConnectorView>, lease: Option<LeaseAnswer>) -> OutboundState {
    OutboundState {
        connector,
        agent_number: Some(AGENT_NUMBER.into()),
        site_callback: Some("+12065550150".into()),
        lease,
    }
}

fn trunk(d: Decision) -> (TrunkRoute, Vec<Notice>) {
    match d {
        Decision::Trunk { route, notices } => (route, notices),
        other => panic!("expected the trunk: {other:?}"),
    }
}

#[test]
fn e01_dialled_forms_are_classified() {
    assert_eq!(classify("911"), Dialled::Emergency);
    assert_eq!(classify("933"), Dialled::EmergencyTest);
    assert_eq!(
        classify("2065550123"),
        Dialled::Public("+12065550123".into())
    );
    assert_eq!(
        classify("12065550123"),
        Dialled::Public("+12065550123".into())
    );
    assert_eq!(
        classify("+442071234567"),
        Dialled::Public("+442071234567".into())
    );
    for bad in ["", "91", "+0123456789", "abc", "206555012", "+1206;x"] {
        assert_eq!(classify(bad), Dialled::Invalid, "{bad}");
    }
}

#[test]
fn v01_public_number_leaves_through_termination_with_the_agents_number() {
    let (r, notices) = trunk(route_outbound(
        "2065550123",
        &state(Some(connector(true)), None),
    ));
    assert_eq!(r.request_user, "+12065550123");
    assert_eq!(r.from_user, AGENT_NUMBER);
    assert_eq!(r.asserted_user, None);
    assert!(!r.emergency);
    assert!(notices.is_empty());
}

#[test]
fn v01_public_number_is_refused_without_termination() {
    let mut c = connector(true);
    c.termination_enabled = false;
    let d = route_outbound("+12065550123", &state(Some(c), None));
    assert!(matches!(d, Decision::Reply { code: 403, .. }), "{d:?}");
    let d = route_outbound("+12065550123", &state(None, None));
    assert!(matches!(d, Decision::Reply { code: 403, .. }), "{d:?}");
    let d = route_outbound("12", &state(Some(connector(true)), None));
    assert!(matches!(d, Decision::Reply { code: 484, .. }), "{d:?}");
}

#[test]
fn e12_911_goes_to_the_routing_number_with_the_leased_callback() {
    let s = state(
        Some(connector(true)),
        Some(LeaseAnswer::Leased(LEASED.into())),
    );
    let (r, notices) = trunk(route_outbound("911", &s));
    assert_eq!(r.request_user, ROUTING);
    assert_eq!(r.from_user, LEASED);
    assert_eq!(r.asserted_user.as_deref(), Some(LEASED));
    assert!(r.emergency);
    assert_eq!(r.carry_headers, EMERGENCY_HEADERS);
    for h in ["Priority", "Geolocation", "Geolocation-Routing"] {
        assert!(r.carry_headers.contains(&h), "{h} is kept (E10)");
    }
    assert_eq!(
        notices,
        vec![Notice::SupervisorAlert {
            test: false,
            callback: LEASED.into()
        }]
    );
}

#[test]
fn e12_933_goes_to_the_test_routing_number_and_alerts_as_a_test() {
    let s = state(
        Some(connector(true)),
        Some(LeaseAnswer::Leased(LEASED.into())),
    );
    let (r, notices) = trunk(route_outbound("933", &s));
    assert_eq!(r.request_user, TEST_ROUTING);
    assert_eq!(r.from_user, LEASED);
    assert!(notices.contains(&Notice::SupervisorAlert {
        test: true,
        callback: LEASED.into()
    }));
}

#[test]
fn e12_without_configuration_911_goes_to_the_carrier_as_dialled_and_warns() {
    let s = state(
        Some(connector(false)),
        Some(LeaseAnswer::Leased(LEASED.into())),
    );
    let (r, notices) = trunk(route_outbound("911", &s));
    assert_eq!(r.request_user, "911");
    assert_eq!(r.from_user, LEASED);
    assert!(notices
        .iter()
        .any(|n| matches!(n, Notice::AdministratorWarning(_))));
    // Not even a connector: the call still leaves, never refused.
    let (r, _) = trunk(route_outbound(
        "911",
        &state(None, Some(LeaseAnswer::NoneFree)),
    ));
    assert_eq!(r.request_user, "911");
}

#[test]
fn e05_lease_timeout_falls_back_to_the_agents_number() {
    for answer in [
        LeaseAnswer::TimedOut,
        LeaseAnswer::Failed,
        LeaseAnswer::NoneFree,
    ] {
        let s = state(Some(connector(true)), Some(answer.clone()));
        let (r, notices) = trunk(route_outbound("911", &s));
        assert_eq!(r.request_user, ROUTING, "{answer:?}");
        assert_eq!(r.from_user, AGENT_NUMBER, "{answer:?}");
        assert_eq!(r.asserted_user.as_deref(), Some(AGENT_NUMBER));
        assert!(notices.contains(&Notice::CallbackFallback(CallbackSource::AgentNumber)));
    }
}

#[test]
fn e05_without_an_own_number_the_site_number_is_the_callback() {
    let mut s = state(Some(connector(true)), Some(LeaseAnswer::TimedOut));
    s.agent_number = None;
    let (r, notices) = trunk(route_outbound("911", &s));
    assert_eq!(r.from_user, "+12065550150");
    assert!(notices.contains(&Notice::CallbackFallback(CallbackSource::SiteNumber)));
    s.site_callback = None;
    let (r, notices) = trunk(route_outbound("911", &s));
    assert_eq!(r.request_user, ROUTING, "never refused, even anonymous");
    assert!(notices.contains(&Notice::CallbackFallback(CallbackSource::None)));
}

const T: Timestamp = Timestamp::from_millis(1_793_610_000_000);

fn inbound(lease_expires: Option<i64>, owner: Option<Owner>) -> InboundState {
    InboundState {
        now: T,
        lease: lease_expires.map(|ms| LeaseView {
            agent_id: "usr-leasing".into(),
            expires_at: Timestamp::from_millis(T.as_millis() + ms),
        }),
        owner,
    }
}

#[test]
fn e06_callback_inside_the_window_reaches_the_leasing_agent_first() {
    let d = route_inbound(&inbound(
        Some(60_000),
        Some(Owner::VoiceConnector(vec![route("pbx", 1, 1)])),
    ));
    assert_eq!(
        d,
        Decision::Agent {
            user_id: "usr-leasing".into(),
            priority: RingPriority::EmergencyCallback
        }
    );
}

#[test]
fn e06_after_the_window_the_number_routes_normally() {
    // The lease's end has passed (the lookup gave a stale row): normal routing.
    let d = route_inbound(&inbound(
        Some(0),
        Some(Owner::VoiceConnector(vec![
            route("pbx-b", 20, 5),
            route("pbx-a", 10, 1),
            route("pbx-c", 10, 9),
        ])),
    ));
    let Decision::Origination(routes) = d else {
        panic!("{d:?}")
    };
    let hosts: Vec<_> = routes.iter().map(|r| r.host.as_str()).collect();
    assert_eq!(hosts, ["pbx-c", "pbx-a", "pbx-b"]);
    let d = route_inbound(&inbound(None, Some(Owner::User("usr-owner".into()))));
    assert_eq!(
        d,
        Decision::Agent {
            user_id: "usr-owner".into(),
            priority: RingPriority::Normal
        }
    );
    let d = route_inbound(&inbound(None, None));
    assert!(matches!(d, Decision::Reply { code: 404, .. }), "{d:?}");
}
