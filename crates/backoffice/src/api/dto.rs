//! The API's JSON shapes. Times are milliseconds since the Unix epoch (`*_ms`).

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Principal, Session};
use crate::leases::{FallbackReason, Lease, LeaseOutcome, PoolStatus};
use crate::numbers::{Assignee, AvailableNumber, NumberDetails, NumberSummary, Order};

#[derive(Debug, Serialize, ToSchema)]
pub(super) struct ErrorEnvelope {
    /// Why the request was refused.
    pub error: ErrorBody,
}

/// The body of every refusal: a stable code, the field and rule when known, and a
/// sentence for people.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
pub struct ErrorBody {
    /// invalid, conflict, limit_reached, lease_active, not_found, unauthenticated,
    /// forbidden, supplier or internal.
    #[schema(value_type = String, example = "invalid")]
    pub code: &'static str,
    /// The input field at fault (A2), e.g. `numbers`, `e164`, `product_type`.
    #[schema(value_type = Option<String>, example = "numbers")]
    pub field: Option<&'static str>,
    /// The rule of BACKOFFICE.md or EMERGENCY.md the request breaks, e.g. `N5`.
    #[schema(value_type = Option<String>, example = "A2")]
    pub rule: Option<&'static str>,
    /// A sentence for people.
    pub message: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct SignIn {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(super) struct SessionOut {
    pub token: String,
    pub expires_at_ms: i64,
    pub me: Me,
}

impl From<Session> for SessionOut {
    fn from(s: Session) -> Self {
        Self {
            token: s.token,
            expires_at_ms: s.expires_at.as_millis(),
            me: s.principal.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Me {
    pub user_id: String,
    pub username: String,
    pub account_id: String,
    pub role: &'static str,
}

impl From<Principal> for Me {
    fn from(p: Principal) -> Self {
        Self {
            user_id: p.user_id,
            username: p.username,
            account_id: p.account_id,
            role: p.role.as_str(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct Search {
    /// ISO 3166 country code, e.g. US.
    pub country: String,
    /// US area code, e.g. 206.
    pub area_code: Option<String>,
    pub city: Option<String>,
    /// US state, e.g. WA.
    pub state: Option<String>,
    /// Toll-free prefix, e.g. 800.
    pub toll_free_prefix: Option<String>,
    /// At most this many results (default 10).
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(super) struct Available {
    pub e164: String,
    pub country: String,
    pub area_code: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub toll_free: bool,
}

impl From<AvailableNumber> for Available {
    fn from(n: AvailableNumber) -> Self {
        Self {
            e164: n.e164,
            country: n.country,
            area_code: n.area_code,
            city: n.city,
            state: n.state,
            toll_free: n.toll_free,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct NewOrder {
    /// BusinessCalling or VoiceConnector (N1).
    #[schema(example = "BusinessCalling")]
    pub product_type: String,
    /// E.164 numbers from a search (N3).
    #[schema(example = json!(["+12065550100"]))]
    pub numbers: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(super) struct OrderOut {
    pub id: String,
    pub product_type: &'static str,
    pub status: String,
    pub created_by: String,
    pub created_at_ms: i64,
    pub completed_at_ms: Option<i64>,
    pub numbers: Vec<OrderNumberOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(super) struct OrderNumberOut {
    pub e164: String,
    pub status: String,
    pub reason: String,
}

impl From<Order> for OrderOut {
    fn from(o: Order) -> Self {
        Self {
            id: o.id,
            product_type: o.product_type.as_str(),
            status: format!("{:?}", o.status),
            created_by: o.created_by,
            created_at_ms: o.created_at.as_millis(),
            completed_at_ms: o.completed_at.map(|t| t.as_millis()),
            numbers: o
                .numbers
                .into_iter()
                .map(|n| OrderNumberOut {
                    e164: n.e164,
                    status: format!("{:?}", n.status),
                    reason: n.reason,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(super) struct NumberOut {
    pub e164: String,
    pub country: String,
    pub toll_free: bool,
    pub product_type: &'static str,
    pub status: &'static str,
    pub assigned_user: Option<String>,
    pub assigned_voice_connector: Option<String>,
    pub purge_at_ms: Option<i64>,
}

impl From<NumberSummary> for NumberOut {
    fn from(n: NumberSummary) -> Self {
        let (user, vc) = match n.assignee {
            Some(Assignee::User(u)) => (Some(u), None),
            Some(Assignee::VoiceConnector(v)) => (None, Some(v)),
            None => (None, None),
        };
        Self {
            e164: n.e164,
            country: n.country,
            toll_free: n.toll_free,
            product_type: n.product_type.as_str(),
            status: n.status.as_str(),
            assigned_user: user,
            assigned_voice_connector: vc,
            purge_at_ms: n.purge_at.map(|t| t.as_millis()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(super) struct DetailsOut {
    #[serde(flatten)]
    pub number: NumberOut,
    pub calling_enabled: bool,
    pub sms_enabled: bool,
    pub in_callback_pool: bool,
    pub active_lease: Option<LeaseOut>,
    pub history: Vec<EventOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(super) struct EventOut {
    pub at_ms: i64,
    pub actor: String,
    pub from: Option<&'static str>,
    pub to: &'static str,
    pub detail: String,
}

impl From<NumberDetails> for DetailsOut {
    fn from(d: NumberDetails) -> Self {
        Self {
            number: d.summary.into(),
            calling_enabled: d.calling_enabled,
            sms_enabled: d.sms_enabled,
            in_callback_pool: d.emergency.in_callback_pool,
            active_lease: d.emergency.active_lease.map(Into::into),
            history: d
                .history
                .into_iter()
                .map(|e| EventOut {
                    at_ms: e.at.as_millis(),
                    actor: e.actor,
                    from: e.from.map(|s| s.as_str()),
                    to: e.to.as_str(),
                    detail: e.detail,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(super) struct LeaseOut {
    pub e164: String,
    pub agent_id: String,
    pub taken_at_ms: i64,
    pub call_ended_at_ms: Option<i64>,
    pub expires_at_ms: i64,
}

impl From<Lease> for LeaseOut {
    fn from(l: Lease) -> Self {
        Self {
            e164: l.e164,
            agent_id: l.agent_id,
            taken_at_ms: l.taken_at.as_millis(),
            call_ended_at_ms: l.call_ended_at.map(|t| t.as_millis()),
            expires_at_ms: l.expires_at.as_millis(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub(super) enum LeaseOutcomeOut {
    Leased {
        lease: LeaseOut,
    },
    Fallback {
        reason: &'static str,
        agent_number: Option<String>,
    },
}

impl From<LeaseOutcome> for LeaseOutcomeOut {
    fn from(o: LeaseOutcome) -> Self {
        match o {
            LeaseOutcome::Leased(l) => Self::Leased { lease: l.into() },
            LeaseOutcome::Fallback {
                reason,
                agent_number,
            } => Self::Fallback {
                reason: match reason {
                    FallbackReason::NoPool => "no_pool",
                    FallbackReason::PoolExhausted => "pool_exhausted",
                },
                agent_number,
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(super) struct PoolOut {
    pub size: i64,
    pub leased: i64,
    pub free: i64,
    pub running_low: bool,
}

impl From<PoolStatus> for PoolOut {
    fn from(p: PoolStatus) -> Self {
        Self {
            size: p.size,
            leased: p.leased,
            free: p.free,
            running_low: p.running_low,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub(super) struct VoiceConnectorOut {
    pub id: String,
    pub name: String,
    pub termination_enabled: bool,
    pub origination_enabled: bool,
    pub emergency_routing_number: Option<String>,
    pub test_routing_number: Option<String>,
    pub numbers: Vec<String>,
}
