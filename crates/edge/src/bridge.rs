//! One call through the edge: the routing decision carried out as a B2BUA. The
//! caller's INVITE is answered as UAS (leg A), the routed INVITE placed as UAC (leg B)
//! with the body passed through unchanged; 18x and the final answer are relayed to A,
//! a CANCEL or BYE of either side ends the other.

use std::sync::Arc;

use backoffice::auth::Principal;
use backoffice::live::Direction;
use backoffice::redact::Redacted;
use backoffice::SipUser;
use rsipstack::sip::prelude::HeadersExt;
use rsipstack::sip::{Header, StatusCode, Uri};
use rsipstack::transaction::transaction::Transaction;
use rsipstack::transport::SipAddr;
use tracing::{info, warn};

use crate::call_effects::{CallReporter, EmergencyEnd};
use crate::lookup;
use crate::relay::{self, LegB};
use crate::routing::{self, Decision, Dialled, Notice, RingPriority, TrunkRoute};
use crate::screen::{header, source};
use crate::server::{authenticate, Shared};

/// A new INVITE: authenticate (or recognise the carrier), route, bridge.
pub(crate) async fn invite(shared: Arc<Shared>, mut tx: Transaction) {
    // Never over a WebSocket: behind the WSS terminator every browser comes from
    // loopback, and a carrier source on loopback must not vouch for them.
    let from_carrier = crate::server::websocket_flow(&tx).is_none()
        && source(&tx.original).is_some_and(|s| shared.config.carrier_sources.contains(&s));
    let dialled = tx.original.uri.user().unwrap_or_default().to_owned();
    let leg = if from_carrier {
        inbound(&shared, &tx, &dialled).await
    } else {
        let user = match authenticate(&shared, &tx.original, "Proxy-Authorization").await {
            Ok(u) => u,
            Err((status, headers)) => {
                let _ = tx.reply_with(status, headers, None).await;
                return;
            }
        };
        outbound(&shared, &tx, &dialled, user).await
    };
    let leg = match leg {
        Ok(leg) => leg,
        Err((code, reason)) => {
            info!(code, reason, dialled = %Redacted(&dialled), "INVITE answered by the edge");
            let _ = tx.reply(StatusCode::from(code)).await;
            return;
        }
    };
    if let Some(why) = crate::media_fit::mismatch(&tx.original.body, &leg, shared.config.carrier) {
        info!(why, "INVITE refused: the two sides' media cannot meet");
        let warning = Header::Other("Warning".into(), format!("399 edge \"{why}\""));
        let _ = tx
            .reply_with(StatusCode::from(488), vec![warning], None)
            .await;
        return;
    }
    relay::bridge(shared, tx, leg).await;
}

type Routed = Result<LegB, (u16, &'static str)>;

async fn outbound(shared: &Shared, tx: &Transaction, dialled: &str, user: SipUser) -> Routed {
    if let Some(leg) = on_net(shared, dialled, &user).await {
        return leg;
    }
    let cfg = &shared.config;
    let state = lookup::outbound_state(
        &shared.bo,
        &cfg.account,
        &user.user.id,
        dialled,
        cfg.site_callback.clone(),
        cfg.lease_budget,
    )
    .await;
    let (route, notices) = match routing::route_outbound(dialled, &state) {
        Decision::Trunk { route, notices } => (route, notices),
        Decision::Reply { code, reason } => return Err((code, reason)),
        other => {
            warn!(?other, "outbound routing gave an inbound decision");
            return Err((500, "Server Internal Error"));
        }
    };
    carry_out(shared, &user, &route, notices, &tx.original.body);
    Ok(trunk_leg(shared, tx, &route, &user))
}

/// E11 and E12's warnings. The supervisors' alert is raised on its own task: it never
/// holds the INVITE (the leg is placed at once by the caller).
fn carry_out(
    shared: &Shared,
    user: &SipUser,
    route: &TrunkRoute,
    notices: Vec<Notice>,
    body: &[u8],
) {
    for notice in notices {
        match notice {
            Notice::AdministratorWarning(what) => warn!(administrators = true, "{what}"),
            Notice::CallbackFallback(source) => {
                warn!(
                    ?source,
                    "emergency call: callback number is a fallback (E5)"
                )
            }
            Notice::SupervisorAlert { test, callback } => {
                let bo = shared.bo.clone();
                let agent = principal(user);
                let location = if String::from_utf8_lossy(body).contains("civicAddress") {
                    "civic address by value (PIDF-LO in the INVITE)"
                } else {
                    "no location in the INVITE"
                };
                tokio::spawn(async move {
                    if let Err(e) = bo
                        .raise_emergency_alert(&agent, &callback, location, test)
                        .await
                    {
                        warn!(error = %e, "supervisors' emergency alert failed (E11)");
                    }
                });
            }
        }
    }
    info!(
        to = %Redacted(&route.request_user),
        from = %Redacted(&route.from_user),
        emergency = route.emergency,
        "routed to the carrier"
    );
}

fn trunk_leg(shared: &Shared, tx: &Transaction, route: &TrunkRoute, user: &SipUser) -> LegB {
    let carrier = shared.config.carrier;
    let mut headers = Vec::new();
    if let Some(pai) = &route.asserted_user {
        headers.push(Header::Other(
            "P-Asserted-Identity".into(),
            format!("<sip:{pai}@{};user=phone>", shared.local_addr.ip()),
        ));
    }
    for name in route.carry_headers {
        if let Some(v) = header(&tx.original, name) {
            headers.push(Header::Other((*name).into(), v.to_owned()));
        }
    }
    // E5: the agent's app shows the callback number the center got; the edge may have
    // leased another than the one the app knew when it dialled.
    let mut to_caller = match route.asserted_user.as_deref() {
        Some(callback) if route.emergency && callback.starts_with('+') => vec![Header::Other(
            CALLBACK_HEADER.into(),
            format!("<sip:{callback}@{};user=phone>", shared.local_addr.ip()),
        )],
        _ => Vec::new(),
    };
    if route.emergency {
        // E12: where the call went, for the agent's panel: the connector's routing
        // number, or 911/933 as dialled when the connector has no configuration.
        let value = if route.request_user.starts_with('+') {
            format!("routing-number={}", route.request_user)
        } else {
            "as-dialled".to_owned()
        };
        to_caller.push(Header::Other(ROUTE_HEADER.into(), value));
    }
    LegB {
        request_uri: format!("sip:{}@{carrier};user=phone", route.request_user),
        from_user: route.from_user.clone(),
        destination: carrier.into(),
        headers,
        alternatives: Vec::new(),
        emergency_end: route.emergency.then(|| EmergencyEnd {
            bo: shared.bo.clone(),
            account: user.user.account_id.clone(),
            agent_id: user.user.id.clone(),
        }),
        report: (!route.emergency).then(|| CallReporter {
            bo: shared.bo.clone(),
            agent: principal(user),
            direction: Direction::Outbound,
        }),
        to_caller,
        callee_webrtc_only: false,
    }
}

/// On the responses to an agent's emergency INVITE: the callback number presented
/// to the emergency center (a private header, RFC 3427; `sip-ua` reads it as
/// `CallEvent::CallbackPresented`).
pub(crate) const CALLBACK_HEADER: &str = "P-Emergency-Callback";

/// Beside it: `routing-number=<E.164>` or `as-dialled` (E12).
pub(crate) const ROUTE_HEADER: &str = "P-Emergency-Route";

/// An agent calling one of the tenant's own numbers assigned to an agent is put
/// through to that agent, not sent out to the carrier and back (the carrier may not
/// even hairpin). This is also how a browser or WebRTC agent reaches a softphone.
/// Only the number's assignee counts: a callback lease (E6) rings through Do Not
/// Disturb for the emergency center, never for a colleague.
async fn on_net(shared: &Shared, dialled: &str, user: &SipUser) -> Option<Routed> {
    let Dialled::Public(e164) = routing::classify(dialled) else {
        return None;
    };
    let owner = shared.bo.number_owner(&e164).await.ok().flatten()?;
    let backoffice::numbers::Assignee::User(callee) = owner.assignee else {
        return None;
    };
    if owner.account_id != user.user.account_id {
        return None;
    }
    // Who calls is who authenticated, not what the From header claims.
    let caller = user.user.username.clone();
    info!(callee = %callee, "on-net call to a colleague's number");
    let now = shared.clock.now();
    Some(agent_leg(
        shared,
        &callee,
        RingPriority::Normal,
        &e164,
        caller,
        now,
    ))
}

/// The leg to a registered agent: its newest binding, over its own WebSocket
/// connection when it registered over one.
fn agent_leg(
    shared: &Shared,
    user_id: &str,
    priority: RingPriority,
    dialled: &str,
    caller: String,
    now: backoffice::Timestamp,
) -> Routed {
    let binding = shared.registrar().contacts(user_id, now).into_iter().next();
    let Some(binding) = binding else {
        return Err((480, "Temporarily Unavailable"));
    };
    let uri =
        Uri::try_from(binding.contact.as_str()).map_err(|_| (480, "Temporarily Unavailable"))?;
    // The Request-URI and To are the registered contact (rsipstack couples them); the
    // number the caller dialled, which tells the agent's app that this is the
    // emergency callback, travels in P-Called-Party-ID (RFC 3455).
    let mut headers = vec![Header::Other(
        "P-Called-Party-ID".into(),
        format!("<sip:{dialled}@{};user=phone>", shared.local_addr.ip()),
    )];
    if priority == RingPriority::EmergencyCallback {
        info!(agent = %user_id, "emergency callback to the leasing agent (E6)");
        headers.push(Header::Other("Priority".into(), "emergency".into()));
    }
    let destination = match binding.flow {
        Some(flow) => SipAddr {
            r#type: Some(rsipstack::sip::transport::Transport::Ws),
            addr: flow.peer.into(),
        },
        None => uri.host_with_port.clone().into(),
    };
    Ok(LegB {
        destination,
        request_uri: binding.contact,
        from_user: caller,
        headers,
        alternatives: Vec::new(),
        emergency_end: None,
        report: None,
        to_caller: Vec::new(),
        callee_webrtc_only: binding.flow.is_some_and(|f| f.webrtc_only),
    })
}

fn principal(user: &SipUser) -> Principal {
    Principal {
        user_id: user.user.id.clone(),
        account_id: user.user.account_id.clone(),
        username: user.user.username.clone(),
        role: user.user.role,
    }
}

async fn inbound(shared: &Shared, tx: &Transaction, dialled: &str) -> Routed {
    let now = shared.clock.now();
    let caller = tx
        .original
        .from_header()
        .ok()
        .and_then(|f| f.uri().ok())
        .and_then(|u| u.user().map(str::to_owned))
        .unwrap_or_else(|| "anonymous".to_owned());
    // Carriers send the number in several forms (`+1...`, `1...`, 10 digits).
    let number = match routing::classify(dialled) {
        Dialled::Public(e164) => e164,
        _ => dialled.to_owned(),
    };
    let dialled = number.as_str();
    let state = lookup::inbound_state(&shared.bo, dialled, now).await;
    match routing::route_inbound(&state) {
        Decision::Agent { user_id, priority } => {
            agent_leg(shared, &user_id, priority, dialled, caller, now)
        }
        Decision::Origination(routes) => {
            // In the core's order; the relay fails over to the next (V1).
            let mut targets = routes.iter().filter_map(|r| {
                let uri = Uri::try_from(format!("sip:{dialled}@{}:{}", r.host, r.port).as_str());
                uri.ok()
                    .map(|u| (u.to_string(), SipAddr::from(u.host_with_port.clone())))
            });
            let (request_uri, destination) = targets.next().ok_or((502, "Bad Gateway"))?;
            Ok(LegB {
                destination,
                request_uri,
                from_user: caller,
                headers: Vec::new(),
                alternatives: targets.collect(),
                emergency_end: None,
                report: None,
                to_caller: Vec::new(),
                callee_webrtc_only: false,
            })
        }
        Decision::Reply { code, reason } => Err((code, reason)),
        Decision::Trunk { .. } => Err((500, "Server Internal Error")),
    }
}
