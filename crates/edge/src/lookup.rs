//! The back-office lookups that fill the routing core's inputs. The lease on the 911
//! path is bounded by a budget (E5); what the budget does not cover is said below.

use std::time::Duration;

use backoffice::connectors::VoiceConnector;
use backoffice::leases::LeaseOutcome;
use backoffice::numbers::Assignee;
use backoffice::{Backoffice, Timestamp};

use crate::routing::{
    classify, ConnectorView, Dialled, EmergencyRouting, InboundState, LeaseAnswer, LeaseView,
    OutboundState, Owner, RouteTarget,
};

/// The connector of `account` that carries its calls: the first with termination
/// enabled, else the first at all. (One connector per tenant in this slice.)
pub async fn tenant_connector(bo: &Backoffice, account: &str) -> Option<VoiceConnector> {
    let all = bo.voice_connectors(account).await.ok()?;
    let enabled = all.iter().position(|c| c.settings.termination.enabled);
    all.into_iter().nth(enabled.unwrap_or(0))
}

fn view(c: &VoiceConnector) -> ConnectorView {
    ConnectorView {
        termination_enabled: c.settings.termination.enabled,
        default_caller: c.settings.termination.default_caller.clone(),
        origination_routes: routes(c),
        emergency: c.emergency.as_ref().map(|e| EmergencyRouting {
            routing_number: e.emergency_routing_number.clone(),
            test_routing_number: e.test_routing_number.clone(),
        }),
    }
}

fn routes(c: &VoiceConnector) -> Vec<RouteTarget> {
    if !c.settings.origination.enabled {
        return Vec::new();
    }
    c.settings
        .origination
        .routes
        .iter()
        .map(|r| RouteTarget {
            host: r.host.clone(),
            port: r.port,
            priority: r.priority,
            weight: r.weight,
        })
        .collect()
}

/// Everything the core needs for an agent's call to `dialled`. For 911/933 the lease
/// is taken (idempotent per agent, so the engine's own request finds the same number)
/// within `lease_budget`; the other lookups are local reads and are not bounded.
pub async fn outbound_state(
    bo: &Backoffice,
    account: &str,
    agent_id: &str,
    dialled: &str,
    site_callback: Option<String>,
    lease_budget: Duration,
) -> OutboundState {
    let emergency = matches!(
        classify(dialled),
        Dialled::Emergency | Dialled::EmergencyTest
    );
    let lease = if emergency {
        Some(
            match tokio::time::timeout(lease_budget, bo.take_lease(account, agent_id)).await {
                Ok(Ok(LeaseOutcome::Leased(l))) => LeaseAnswer::Leased(l.e164),
                Ok(Ok(LeaseOutcome::Fallback { .. })) => LeaseAnswer::NoneFree,
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "callback lease failed; fallback (E5)");
                    LeaseAnswer::Failed
                }
                Err(_) => {
                    tracing::warn!(?lease_budget, "callback lease over budget; fallback (E5)");
                    LeaseAnswer::TimedOut
                }
            },
        )
    } else {
        None
    };
    let connector = tenant_connector(bo, account).await.as_ref().map(view);
    let agent_number = bo.user_number(account, agent_id).await.ok().flatten();
    OutboundState {
        connector,
        agent_number,
        site_callback,
        lease,
    }
}

/// Everything the core needs for a carrier's call to `dialled` (E.164).
pub async fn inbound_state(bo: &Backoffice, dialled: &str, now: Timestamp) -> InboundState {
    let lease = bo
        .lease_for_number(dialled)
        .await
        .ok()
        .flatten()
        .map(|l| LeaseView {
            agent_id: l.agent_id,
            expires_at: l.expires_at,
        });
    let owner = match bo.number_owner(dialled).await.ok().flatten() {
        Some(o) => match o.assignee {
            Assignee::User(u) => Some(Owner::User(u)),
            Assignee::VoiceConnector(id) => bo
                .voice_connector(&o.account_id, &id)
                .await
                .ok()
                .map(|c| Owner::VoiceConnector(routes(&c))),
        },
        None => None,
    };
    InboundState { now, lease, owner }
}
