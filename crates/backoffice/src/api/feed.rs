//! S1, S2 through the API: agents report their own calls and presence; supervisors
//! watch the live view on a WebSocket.
//!
//! `GET /api/v1/supervisor/feed` (supervisor or administrator) upgrades to a WebSocket.
//! The token comes, in this order, from `Authorization: Bearer <token>`, from the
//! subprotocol `bearer.<token>` offered beside [`PROTOCOL`] (browsers cannot set headers
//! on a WebSocket: `new WebSocket(url, ["softphone-feed.v1", "bearer." + token])`), or
//! from the query `?token=<token>` (last resort: URLs end up in proxy logs). A refusal is
//! a plain 401 or 403 before any upgrade. Filters: `?agent=<user id or username>` and
//! `?state=Ringing,Talking,OnHold`; they narrow calls (and presence by agent), never the
//! emergency alerts, which every supervisor always sees.
//!
//! Messages are JSON text frames with a `type`: first `snapshot` (calls, presence,
//! alerts, the server time), then `call` (a row started or changed), `call_removed` (it
//! ended or left the filter), `presence`, and `alerts` (the whole list after any change).
//! A feed that falls behind gets a fresh `snapshot`. When its session is signed out (on
//! this instance) or expires, the feed is closed with code 4401.

use std::collections::HashSet;
use std::time::Duration;

use axum::extract::rejection::QueryRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::broadcast::error::RecvError;
use utoipa::{IntoParams, ToSchema};

use super::alerts::AlertOut;
use super::{bearer_header, ApiError, Auth, Body};
use crate::alerts::EmergencyAlert;
use crate::auth::{Principal, Role};
use crate::clock::Timestamp;
use crate::error::Error;
use crate::live::{AgentPresence, CallReport, CallState, LiveEvent, OngoingCall, PresenceStatus};
use crate::service::Backoffice;

/// The feed's WebSocket subprotocol; the server always selects it.
pub const PROTOCOL: &str = "softphone-feed.v1";

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct CallReportIn {
    pub call_id: String,
    pub state: String,
    pub direction: String,
    #[serde(default)]
    pub queue: Option<String>,
    pub recording: bool,
    #[serde(default)]
    pub emergency: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct PresenceIn {
    pub status: String,
}

/// S1: the caller reports one of its calls (Ended removes it).
#[utoipa::path(post, path = "/api/v1/me/calls", tag = "live", request_body = CallReportIn,
    responses((status = 204, description = "Recorded")))]
pub(super) async fn report_call(
    State(bo): State<Backoffice>,
    auth: Auth,
    Body(b): Body<CallReportIn>,
) -> Result<StatusCode, ApiError> {
    auth.0.require(Role::Agent)?;
    let report = CallReport {
        state: b
            .state
            .parse()
            .map_err(|_| Error::invalid("state", "S1", "Ringing, Talking, OnHold or Ended"))?,
        direction: b
            .direction
            .parse()
            .map_err(|_| Error::invalid("direction", "S1", "Inbound or Outbound"))?,
        call_id: b.call_id,
        queue: b.queue,
        recording: b.recording,
        emergency: b.emergency,
    };
    bo.report_call(&auth.0, &report).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// S1: the caller publishes its presence.
#[utoipa::path(put, path = "/api/v1/me/presence", tag = "live", request_body = PresenceIn,
    responses((status = 204, description = "Recorded")))]
pub(super) async fn publish_presence(
    State(bo): State<Backoffice>,
    auth: Auth,
    Body(b): Body<PresenceIn>,
) -> Result<StatusCode, ApiError> {
    auth.0.require(Role::Agent)?;
    let status: PresenceStatus = b.status.parse().map_err(|_| {
        Error::invalid(
            "status",
            "S1",
            "Available, Busy, Away, DoNotDisturb or Offline",
        )
    })?;
    bo.publish_presence(&auth.0, status).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct FeedQuery {
    /// The bearer token, when neither the header nor the subprotocol can carry it.
    token: Option<String>,
    /// Only this agent (user id or username).
    agent: Option<String>,
    /// Only these states: a comma-separated list of Ringing, Talking, OnHold.
    state: Option<String>,
}

/// What one feed shows.
#[derive(Debug, Clone)]
struct Filter {
    agent: Option<String>,
    states: Option<Vec<CallState>>,
}

impl Filter {
    fn agent_matches(&self, id: &str, name: &str) -> bool {
        self.agent.as_deref().is_none_or(|a| a == id || a == name)
    }

    fn shows(&self, c: &OngoingCall) -> bool {
        self.agent_matches(&c.agent_id, &c.agent_name)
            && self.states.as_ref().is_none_or(|s| s.contains(&c.state))
    }
}

/// A supervisor's feed request, checked before the upgrade: who (401, 403), then the
/// filters (422).
#[derive(Debug)]
pub(super) struct FeedRequest {
    principal: Principal,
    filter: Filter,
    /// The feed closes when this session is signed out or expires (A1).
    token_sha256: String,
    expires_at: Timestamp,
}

impl FromRequestParts<Backoffice> for FeedRequest {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        bo: &Backoffice,
    ) -> Result<Self, Self::Rejection> {
        let q: Result<Query<FeedQuery>, QueryRejection> = Query::try_from_uri(&parts.uri);
        let q = q
            .map_err(|e| Error::invalid("query", "A2", e.body_text()))?
            .0;
        let from_protocol = parts
            .headers
            .get_all(header::SEC_WEBSOCKET_PROTOCOL)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .find_map(|p| p.trim().strip_prefix("bearer."))
            .map(str::to_owned);
        let token = bearer_header(parts)
            .map(str::to_owned)
            .or(from_protocol)
            .or(q.token)
            .filter(|t| !t.is_empty())
            .ok_or(Error::Unauthenticated)?;
        let (principal, expires_at) = bo.authenticate_session(&token).await?;
        principal.require(Role::Supervisor)?;
        let states = match q.state.as_deref() {
            None => None,
            Some(s) => Some(
                s.split(',')
                    .map(|one| match one.trim().parse() {
                        Ok(CallState::Ended) | Err(_) => Err(Error::invalid(
                            "state",
                            "S1",
                            "a comma-separated list of Ringing, Talking, OnHold",
                        )),
                        Ok(st) => Ok(st),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        let agent = q.agent.filter(|a| !a.is_empty());
        Ok(Self {
            principal,
            filter: Filter { agent, states },
            token_sha256: crate::auth::sha256_hex(&token),
            expires_at,
        })
    }
}

/// S1, S2: the supervisors' live feed, a WebSocket (subprotocol `softphone-feed.v1`).
/// The token may also come as the subprotocol `bearer.<token>` or `?token=`.
#[utoipa::path(get, path = "/api/v1/supervisor/feed", tag = "live", params(FeedQuery),
    responses((status = 101, description = "Switched to the WebSocket: a snapshot, then every change"),
              (status = 400, description = "Not a WebSocket handshake")))]
pub(super) async fn feed(
    State(bo): State<Backoffice>,
    req: FeedRequest,
    ws: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Response {
    let ws = match ws {
        Ok(ws) => ws,
        Err(e) => return e.into_response(),
    };
    ws.protocols([PROTOCOL])
        .on_upgrade(move |socket| run(bo, req, socket))
}

fn millis(t: Timestamp) -> i64 {
    t.as_millis()
}

fn call_json(c: &OngoingCall, now: Timestamp) -> Value {
    json!({
        "call_id": c.call_id,
        "agent_id": c.agent_id,
        "agent_name": c.agent_name,
        "direction": c.direction.as_str(),
        "state": c.state.as_str(),
        "queue": c.queue,
        "recording": c.recording,
        "started_at_ms": millis(c.started_at),
        "duration_ms": (millis(now) - millis(c.started_at)).max(0),
    })
}

fn presence_json(p: &AgentPresence) -> Value {
    json!({
        "agent_id": p.agent_id,
        "agent_name": p.agent_name,
        "status": p.status.as_str(),
        "since_ms": millis(p.since),
    })
}

fn alerts_json(alerts: Vec<EmergencyAlert>) -> Value {
    Value::Array(
        alerts
            .into_iter()
            .map(|a| json!(AlertOut::from(a)))
            .collect(),
    )
}

/// One feed's state: its filter and the rows it has shown.
struct Feed {
    bo: Backoffice,
    account: String,
    filter: Filter,
    shown: HashSet<String>,
}

impl Feed {
    async fn snapshot(&mut self) -> Result<Value, Error> {
        let s = self.bo.live_snapshot(&self.account).await?;
        let calls: Vec<_> = s.calls.iter().filter(|c| self.filter.shows(c)).collect();
        self.shown = calls.iter().map(|c| c.call_id.clone()).collect();
        Ok(json!({
            "type": "snapshot",
            "at_ms": millis(s.at),
            "calls": calls.iter().map(|c| call_json(c, s.at)).collect::<Vec<_>>(),
            "presence": s.presence.iter()
                .filter(|p| self.filter.agent_matches(&p.agent_id, &p.agent_name))
                .map(presence_json).collect::<Vec<_>>(),
            "alerts": alerts_json(s.alerts),
        }))
    }

    /// The message this change means for this feed, if any.
    fn message(&mut self, event: LiveEvent) -> Option<Value> {
        match event {
            LiveEvent::Call(c) if self.filter.shows(&c) => {
                self.shown.insert(c.call_id.clone());
                Some(json!({"type": "call", "call": call_json(&c, self.bo.now())}))
            }
            LiveEvent::Call(OngoingCall { call_id, .. })
            | LiveEvent::CallRemoved { call_id, .. } => self
                .shown
                .remove(&call_id)
                .then(|| json!({"type": "call_removed", "call_id": call_id})),
            LiveEvent::Presence(p) => self
                .filter
                .agent_matches(&p.agent_id, &p.agent_name)
                .then(|| json!({"type": "presence", "presence": presence_json(&p)})),
            LiveEvent::Alerts(a) => Some(json!({"type": "alerts", "alerts": alerts_json(a)})),
            LiveEvent::SessionEnded { .. } => None,
        }
    }
}

async fn send(socket: &mut WebSocket, v: &Value) -> bool {
    socket
        .send(Message::Text(v.to_string().into()))
        .await
        .is_ok()
}

/// Closes the feed: its session ended (close code 4401, the 401 of a WebSocket).
async fn close_signed_out(mut socket: WebSocket, why: &'static str) {
    let frame = CloseFrame {
        code: 4401,
        reason: why.into(),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}

/// Subscribes first, then sends the snapshot, then forwards every change of the
/// account until the supervisor goes away or the session ends. Nothing polls.
async fn run(bo: Backoffice, req: FeedRequest, mut socket: WebSocket) {
    let mut rx = bo.subscribe_live();
    // The session's remaining life by the injected clock, slept in real time.
    let left = req.expires_at.as_millis() - bo.now().as_millis();
    let expiry = tokio::time::sleep(Duration::from_millis(u64::try_from(left).unwrap_or(0)));
    tokio::pin!(expiry);
    let token_sha256 = req.token_sha256;
    let mut feed = Feed {
        bo,
        account: req.principal.account_id,
        filter: req.filter,
        shown: HashSet::new(),
    };
    loop {
        let snapshot = match feed.snapshot().await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "supervisor feed: snapshot failed");
                return;
            }
        };
        if !send(&mut socket, &snapshot).await {
            return;
        }
        loop {
            tokio::select! {
                () = &mut expiry => return close_signed_out(socket, "session expired").await,
                ev = rx.recv() => match ev {
                    Ok((_, LiveEvent::SessionEnded { token_sha256: t })) => {
                        if t == token_sha256 {
                            return close_signed_out(socket, "signed out").await;
                        }
                    }
                    Ok((account, ev)) if account == feed.account => {
                        if let Some(msg) = feed.message(ev) {
                            if !send(&mut socket, &msg).await {
                                return;
                            }
                        }
                    }
                    Ok(_) => {}
                    // Fell behind: start again from a fresh snapshot.
                    Err(RecvError::Lagged(_)) => break,
                    Err(RecvError::Closed) => return,
                },
                msg = socket.recv() => match msg {
                    None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                    Some(Ok(_)) => {}
                },
            }
        }
    }
}
