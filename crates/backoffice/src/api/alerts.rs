//! E11, S2 through the API: agents report their emergency calls; supervisors see and
//! acknowledge the alerts.

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::dto::ErrorEnvelope;
use super::{ApiError, Auth, Body};
use crate::alerts::EmergencyAlert;
use crate::auth::{Principal, Role};
use crate::clock::Timestamp;
use crate::service::Backoffice;

/// A signed-in supervisor or administrator, checked before anything else is read.
#[derive(Debug, Clone)]
pub struct Supervisor(pub Principal);

impl FromRequestParts<Backoffice> for Supervisor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        bo: &Backoffice,
    ) -> Result<Self, Self::Rejection> {
        let Auth(p) = Auth::from_request_parts(parts, bo).await?;
        p.require(Role::Supervisor)?;
        Ok(Supervisor(p))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct Raise {
    pub callback_number: String,
    pub location: String,
    #[serde(default)]
    pub test: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub(super) struct AlertOut {
    pub id: String,
    pub agent_id: String,
    pub agent_name: String,
    pub started_at_ms: i64,
    pub ended_at_ms: Option<i64>,
    pub callback_number: String,
    pub location: String,
    pub test: bool,
    pub acknowledged_by: Option<String>,
}

impl From<EmergencyAlert> for AlertOut {
    fn from(a: EmergencyAlert) -> Self {
        Self {
            id: a.id,
            agent_id: a.agent_id,
            agent_name: a.agent_name,
            started_at_ms: a.started_at.as_millis(),
            ended_at_ms: a.ended_at.map(Timestamp::as_millis),
            callback_number: a.callback_number,
            location: a.location,
            test: a.test,
            acknowledged_by: a.acknowledged_by,
        }
    }
}

/// E11: the caller placed an emergency call; supervisors see an alert.
#[utoipa::path(post, path = "/api/v1/me/emergency", tag = "alerts", request_body = Raise,
    responses((status = 201, description = "The alert", body = AlertOut)))]
pub(super) async fn raise(
    State(bo): State<Backoffice>,
    auth: Auth,
    Body(b): Body<Raise>,
) -> Result<(StatusCode, Json<AlertOut>), ApiError> {
    let alert = bo
        .raise_emergency_alert(&auth.0, &b.callback_number, &b.location, b.test)
        .await?;
    Ok((StatusCode::CREATED, Json(alert.into())))
}

/// E11: the caller's emergency call ended.
#[utoipa::path(post, path = "/api/v1/me/emergency/end", tag = "alerts",
    responses((status = 204, description = "Ended")))]
pub(super) async fn end(State(bo): State<Backoffice>, auth: Auth) -> Result<StatusCode, ApiError> {
    bo.end_emergency(&auth.0.account_id, &auth.0.user_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// S2: the tenant's emergency alerts.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts",
    responses((status = 200, description = "Alerts", body = Vec<AlertOut>)))]
pub(super) async fn list(
    State(bo): State<Backoffice>,
    sup: Supervisor,
) -> Result<Json<Vec<AlertOut>>, ApiError> {
    Ok(Json(
        bo.emergency_alerts(&sup.0.account_id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// S2: a supervisor acknowledges an alert.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/acknowledge", tag = "alerts",
    params(("id" = String, Path, description = "Alert id")),
    responses((status = 204, description = "Acknowledged"),
              (status = 404, description = "No such alert", body = ErrorEnvelope)))]
pub(super) async fn acknowledge(
    State(bo): State<Backoffice>,
    sup: Supervisor,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    bo.acknowledge_alert(&sup.0, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
