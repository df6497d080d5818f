//! N6 through the API: port-in requests, their letters, and the embedded carrier that
//! an administrator advances (firm order commitment, completion, exception).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::dto::ErrorEnvelope;
use super::{Admin, ApiError, Body};
use crate::auth::Role;
use crate::clock::Timestamp;
use crate::error::Error;
use crate::numbers::{Actor, CarrierEvent, Loa, PortNumber, PortRequest, ProductType};
use crate::service::Backoffice;

type Res<T> = Result<Json<T>, ApiError>;

fn admin(auth: &Admin) -> Result<Actor, ApiError> {
    auth.0.require(Role::Administrator)?;
    Ok(Actor::new(format!("user:{}", auth.0.username)))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct NumberIo {
    pub e164: String,
    pub carrier: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct LoaIo {
    pub carrier: String,
    #[serde(default)]
    pub authorized_name: String,
    #[serde(default)]
    pub billing_telephone_number: String,
    #[serde(default)]
    pub service_address: String,
    #[serde(default)]
    pub account_number: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct NewPortIn {
    pub product_type: String,
    pub numbers: Vec<NumberIo>,
    pub loas: Vec<LoaIo>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "event", rename_all = "snake_case", deny_unknown_fields)]
pub(super) enum EventIn {
    FirmOrderCommitment { at_ms: i64 },
    Completed,
    Exception { reason: String },
}

#[derive(Debug, Serialize, ToSchema)]
pub(super) struct PortOut {
    pub id: String,
    pub product_type: &'static str,
    pub state: &'static str,
    pub foc_at_ms: Option<i64>,
    pub note: String,
    pub numbers: Vec<NumberIo>,
    pub loas: Vec<LoaIo>,
}

impl From<LoaIo> for Loa {
    fn from(l: LoaIo) -> Self {
        Self {
            carrier: l.carrier,
            authorized_name: l.authorized_name,
            billing_telephone_number: l.billing_telephone_number,
            service_address: l.service_address,
            account_number: l.account_number,
        }
    }
}

impl From<PortRequest> for PortOut {
    fn from(p: PortRequest) -> Self {
        Self {
            id: p.id,
            product_type: p.product_type.as_str(),
            state: p.state.as_str(),
            foc_at_ms: p.foc_at.map(Timestamp::as_millis),
            note: p.note,
            numbers: p
                .numbers
                .into_iter()
                .map(|n| NumberIo {
                    e164: n.e164,
                    carrier: n.carrier,
                })
                .collect(),
            loas: p
                .loas
                .into_iter()
                .map(|l| LoaIo {
                    carrier: l.carrier,
                    authorized_name: l.authorized_name,
                    billing_telephone_number: l.billing_telephone_number,
                    service_address: l.service_address,
                    account_number: l.account_number,
                })
                .collect(),
        }
    }
}

/// N6: submits a port-in request with one letter of authorization per losing carrier.
#[utoipa::path(post, path = "/api/v1/port-ins", tag = "porting", request_body = NewPortIn,
    responses((status = 201, description = "Submitted, or PendingDocuments when a letter is incomplete", body = PortOut),
              (status = 409, description = "A number is already held or being ported, or the limit (N5)", body = ErrorEnvelope)))]
pub(super) async fn submit(
    State(bo): State<Backoffice>,
    auth: Admin,
    Body(b): Body<NewPortIn>,
) -> Result<(StatusCode, Json<PortOut>), ApiError> {
    let actor = admin(&auth)?;
    let product_type: ProductType = b
        .product_type
        .parse()
        .map_err(|_| Error::invalid("product_type", "N6", "BusinessCalling or VoiceConnector"))?;
    let numbers: Vec<PortNumber> = b
        .numbers
        .into_iter()
        .map(|n| PortNumber {
            e164: n.e164,
            carrier: n.carrier,
        })
        .collect();
    let loas: Vec<Loa> = b.loas.into_iter().map(Into::into).collect();
    let req = bo
        .submit_port_in(&auth.0.account_id, &actor, product_type, &numbers, &loas)
        .await?;
    Ok((StatusCode::CREATED, Json(req.into())))
}

/// N6: the account's port-in requests.
#[utoipa::path(get, path = "/api/v1/port-ins", tag = "porting",
    responses((status = 200, description = "Port-in requests", body = Vec<PortOut>)))]
pub(super) async fn list(State(bo): State<Backoffice>, auth: Admin) -> Res<Vec<PortOut>> {
    admin(&auth)?;
    Ok(Json(
        bo.port_requests(&auth.0.account_id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// N6: one port-in request.
#[utoipa::path(get, path = "/api/v1/port-ins/{id}", tag = "porting",
    params(("id" = String, Path, description = "Port-in id")),
    responses((status = 200, description = "The request", body = PortOut),
              (status = 404, description = "No such request", body = ErrorEnvelope)))]
pub(super) async fn get_one(
    State(bo): State<Backoffice>,
    auth: Admin,
    Path(id): Path<String>,
) -> Res<PortOut> {
    admin(&auth)?;
    Ok(Json(bo.port_request(&auth.0.account_id, &id).await?.into()))
}

/// N6: replaces the letter of authorization of one carrier.
#[utoipa::path(put, path = "/api/v1/port-ins/{id}/loas", tag = "porting",
    params(("id" = String, Path, description = "Port-in id")), request_body = LoaIo,
    responses((status = 200, description = "The request", body = PortOut),
              (status = 404, description = "No such request or carrier", body = ErrorEnvelope),
              (status = 409, description = "The request is past its documents", body = ErrorEnvelope)))]
pub(super) async fn update_loa(
    State(bo): State<Backoffice>,
    auth: Admin,
    Path(id): Path<String>,
    Body(b): Body<LoaIo>,
) -> Res<PortOut> {
    admin(&auth)?;
    Ok(Json(
        bo.update_loa(&auth.0.account_id, &id, &b.into())
            .await?
            .into(),
    ))
}

/// N6: records what the losing carrier answered (the embedded carrier is advanced here).
#[utoipa::path(post, path = "/api/v1/port-ins/{id}/carrier-events", tag = "porting",
    params(("id" = String, Path, description = "Port-in id")), request_body = EventIn,
    responses((status = 200, description = "The request", body = PortOut),
              (status = 404, description = "No such request", body = ErrorEnvelope),
              (status = 409, description = "The event does not fit the request's state (N6)", body = ErrorEnvelope)))]
pub(super) async fn carrier_event(
    State(bo): State<Backoffice>,
    auth: Admin,
    Path(id): Path<String>,
    Body(b): Body<EventIn>,
) -> Res<PortOut> {
    let actor = admin(&auth)?;
    let event = match b {
        EventIn::FirmOrderCommitment { at_ms } => CarrierEvent::FirmOrderCommitment {
            at: Timestamp::from_millis(at_ms),
        },
        EventIn::Completed => CarrierEvent::Completed,
        EventIn::Exception { reason } => CarrierEvent::Exception { reason },
    };
    Ok(Json(
        bo.record_carrier_event(&auth.0.account_id, &actor, &id, &event)
            .await?
            .into(),
    ))
}

/// N6: resubmits a request after an exception or with completed documents.
#[utoipa::path(post, path = "/api/v1/port-ins/{id}/resubmit", tag = "porting",
    params(("id" = String, Path, description = "Port-in id")),
    responses((status = 200, description = "The request", body = PortOut),
              (status = 404, description = "No such request", body = ErrorEnvelope),
              (status = 409, description = "Not in a state that can be resubmitted (N6)", body = ErrorEnvelope)))]
pub(super) async fn resubmit(
    State(bo): State<Backoffice>,
    auth: Admin,
    Path(id): Path<String>,
) -> Res<PortOut> {
    admin(&auth)?;
    Ok(Json(
        bo.resubmit_port_in(&auth.0.account_id, &id).await?.into(),
    ))
}

/// N6: cancels a request that has not completed.
#[utoipa::path(post, path = "/api/v1/port-ins/{id}/cancel", tag = "porting",
    params(("id" = String, Path, description = "Port-in id")),
    responses((status = 200, description = "The request, Cancelled", body = PortOut),
              (status = 404, description = "No such request", body = ErrorEnvelope),
              (status = 409, description = "Completed or cancelled already (N6)", body = ErrorEnvelope)))]
pub(super) async fn cancel(
    State(bo): State<Backoffice>,
    auth: Admin,
    Path(id): Path<String>,
) -> Res<PortOut> {
    let actor = admin(&auth)?;
    Ok(Json(
        bo.cancel_port_in(&auth.0.account_id, &actor, &id)
            .await?
            .into(),
    ))
}
