//! The sans-IO routing core: facts of a request and the state looked up for it in,
//! a [`Decision`] out. No clock, no socket, no database: the time and every lookup's
//! answer (including "the lease lookup ran out of its budget") are inputs, so each
//! rule of EMERGENCY.md (E5, E6, E12) and BACKOFFICE.md (V1, V2) is a plain unit test.

use backoffice::Timestamp;

/// What the agent dialled, from the Request-URI's user part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialled {
    /// 911.
    Emergency,
    /// 933, the test number (address readback).
    EmergencyTest,
    /// A public number, normalised to E.164.
    Public(String),
    /// Nothing we can route.
    Invalid,
}

/// Classifies a Request-URI user part. North American forms (10 digits, or 1 and 10
/// digits) become E.164 `+1...`; other countries must be dialled as `+` E.164.
pub fn classify(user: &str) -> Dialled {
    match user {
        "911" => return Dialled::Emergency,
        "933" => return Dialled::EmergencyTest,
        _ => {}
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = user.strip_prefix('+') {
        if digits(rest) && (8..=15).contains(&rest.len()) && !rest.starts_with('0') {
            return Dialled::Public(user.to_owned());
        }
    } else if digits(user) && user.len() == 10 && !user.starts_with(['0', '1']) {
        return Dialled::Public(format!("+1{user}"));
    } else if digits(user) && user.len() == 11 && user.starts_with('1') {
        return Dialled::Public(format!("+{user}"));
    }
    Dialled::Invalid
}

/// The emergency calling configuration of the connector (V2, E12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmergencyRouting {
    pub routing_number: String,
    pub test_routing_number: Option<String>,
}

/// One origination route of the connector (V1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteTarget {
    pub host: String,
    pub port: u16,
    pub priority: u8,
    pub weight: u8,
}

/// The tenant's voice connector as routing needs it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnectorView {
    pub termination_enabled: bool,
    pub default_caller: Option<String>,
    pub origination_routes: Vec<RouteTarget>,
    pub emergency: Option<EmergencyRouting>,
}

/// The answer of the lease lookup on the 911 path (E5). The I/O loop bounds the
/// lookup by a budget and reports `TimedOut` when it runs out; the core never waits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseAnswer {
    Leased(String),
    /// No pool, or every pool number leased.
    NoneFree,
    TimedOut,
    Failed,
}

/// What the edge knows about an agent's outbound call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundState {
    /// None: the tenant has no voice connector.
    pub connector: Option<ConnectorView>,
    /// The number assigned to the agent (N7), if any.
    pub agent_number: Option<String>,
    /// The site's fixed emergency callback number (edge configuration), if any.
    pub site_callback: Option<String>,
    /// Only asked for emergency calls; `None` otherwise.
    pub lease: Option<LeaseAnswer>,
}

/// Where the callback number of an emergency call came from (E5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackSource {
    Lease,
    AgentNumber,
    SiteNumber,
    /// Nothing at all: the call still goes (E12 never blocks a 911), anonymous.
    None,
}

/// Things to tell people, carried out by the I/O loop beside the routing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// E12: the connector has no emergency configuration; the call went as dialled.
    AdministratorWarning(&'static str),
    /// E11: supervisors are told at the moment the INVITE leaves.
    SupervisorAlert { test: bool, callback: String },
    /// E5: the callback number is a fallback, shown and logged.
    CallbackFallback(CallbackSource),
}

/// Headers copied unchanged from the agent's INVITE onto an emergency leg (E10, E12).
pub const EMERGENCY_HEADERS: &[&str] = &["Priority", "Geolocation", "Geolocation-Routing"];

/// A call sent to the carrier trunk through the connector's termination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrunkRoute {
    /// The new Request-URI user (E.164, the routing number, or 911/933 as dialled).
    pub request_user: String,
    /// The caller shown (From user).
    pub from_user: String,
    /// P-Asserted-Identity user, set on emergency calls.
    pub asserted_user: Option<String>,
    /// Header names copied unchanged from the incoming INVITE; the body always is.
    pub carry_headers: &'static [&'static str],
    pub emergency: bool,
}

/// How an inbound call rings the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RingPriority {
    Normal,
    /// E6: through DND, queues and a call in progress; the leg says `Priority: emergency`.
    EmergencyCallback,
}

/// The routing decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Trunk {
        route: TrunkRoute,
        notices: Vec<Notice>,
    },
    /// To the registered contacts of a user.
    Agent {
        user_id: String,
        priority: RingPriority,
    },
    /// To the connector's origination routes, best first.
    Origination(Vec<RouteTarget>),
    Reply {
        code: u16,
        reason: &'static str,
    },
}

/// Routes an authenticated agent's INVITE dialled as `request_user`.
pub fn route_outbound(request_user: &str, state: &OutboundState) -> Decision {
    match classify(request_user) {
        Dialled::Emergency => emergency(false, state),
        Dialled::EmergencyTest => emergency(true, state),
        Dialled::Public(e164) => public(e164, state),
        Dialled::Invalid => Decision::Reply {
            code: 484,
            reason: "Address Incomplete",
        },
    }
}

/// V1: a public number leaves through the termination with the agent's number.
fn public(e164: String, state: &OutboundState) -> Decision {
    let Some(connector) = state.connector.as_ref().filter(|c| c.termination_enabled) else {
        return Decision::Reply {
            code: 403,
            reason: "Termination Disabled",
        };
    };
    let Some(caller) = state
        .agent_number
        .clone()
        .or_else(|| connector.default_caller.clone())
    else {
        return Decision::Reply {
            code: 403,
            reason: "No Caller Number",
        };
    };
    Decision::Trunk {
        route: TrunkRoute {
            request_user: e164,
            from_user: caller,
            asserted_user: None,
            carry_headers: &[],
            emergency: false,
        },
        notices: Vec::new(),
    }
}

/// E12 and E5: DNIS routing number, callback number in From and PAI, never refused.
fn emergency(test: bool, state: &OutboundState) -> Decision {
    let mut notices = Vec::new();
    let (callback, source) = match &state.lease {
        Some(LeaseAnswer::Leased(n)) => (n.clone(), CallbackSource::Lease),
        _ => match (&state.agent_number, &state.site_callback) {
            (Some(n), _) => (n.clone(), CallbackSource::AgentNumber),
            (None, Some(n)) => (n.clone(), CallbackSource::SiteNumber),
            (None, None) => ("anonymous".to_owned(), CallbackSource::None),
        },
    };
    if source != CallbackSource::Lease {
        notices.push(Notice::CallbackFallback(source));
    }
    let config = state.connector.as_ref().and_then(|c| c.emergency.as_ref());
    let dialled = if test { "933" } else { "911" };
    let request_user = match (config, test) {
        (Some(c), false) => c.routing_number.clone(),
        (Some(c), true) => match &c.test_routing_number {
            Some(n) => n.clone(),
            None => {
                notices.push(Notice::AdministratorWarning(
                    "933 test call sent as dialled: the voice connector has no test routing number",
                ));
                dialled.to_owned()
            }
        },
        (None, _) => {
            notices.push(Notice::AdministratorWarning(
                "emergency call sent to the carrier as dialled: the voice connector has no emergency calling configuration (E12)",
            ));
            dialled.to_owned()
        }
    };
    notices.push(Notice::SupervisorAlert {
        test,
        callback: callback.clone(),
    });
    Decision::Trunk {
        route: TrunkRoute {
            request_user,
            from_user: callback.clone(),
            asserted_user: Some(callback),
            carry_headers: EMERGENCY_HEADERS,
            emergency: true,
        },
        notices,
    }
}

/// A lease on the dialled number, as looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseView {
    pub agent_id: String,
    pub expires_at: Timestamp,
}

/// Who the dialled number is assigned to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    User(String),
    VoiceConnector(Vec<RouteTarget>),
}

/// What the edge knows about a call from the carrier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundState {
    pub now: Timestamp,
    pub lease: Option<LeaseView>,
    pub owner: Option<Owner>,
}

/// Routes a call from the carrier to one of the tenant's numbers.
pub fn route_inbound(state: &InboundState) -> Decision {
    // E6: inside the window the leasing agent gets it first, whatever else the number
    // is assigned to; the window is compared here, not trusted from the lookup.
    if let Some(lease) = state.lease.as_ref().filter(|l| state.now < l.expires_at) {
        return Decision::Agent {
            user_id: lease.agent_id.clone(),
            priority: RingPriority::EmergencyCallback,
        };
    }
    match &state.owner {
        Some(Owner::User(user_id)) => Decision::Agent {
            user_id: user_id.clone(),
            priority: RingPriority::Normal,
        },
        Some(Owner::VoiceConnector(routes)) if !routes.is_empty() => {
            let mut routes = routes.clone();
            // Lowest priority value first; among equals the heavier weight first.
            routes.sort_by(|a, b| a.priority.cmp(&b.priority).then(b.weight.cmp(&a.weight)));
            Decision::Origination(routes)
        }
        _ => Decision::Reply {
            code: 404,
            reason: "Not Found",
        },
    }
}
