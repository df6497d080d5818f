//! Administrators' procedures (seed 002: inventory, assignment, product type, deletion
//! queue; seed 000: emergency routing numbers) and the callback pool (V3).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;

use super::connectors_dto::{ConnectorOut, EmergencyIo, SettingsIo};
use super::dto::{ErrorEnvelope, NumberOut, PoolOut};
use super::{Admin, ApiError, Body};
use crate::auth::Role;
use crate::error::Error;
use crate::numbers::{Actor, ProductType};
use crate::service::Backoffice;

type Res<T> = Result<Json<T>, ApiError>;

fn admin(auth: &Admin) -> Result<Actor, ApiError> {
    auth.0.require(Role::Administrator)?;
    Ok(Actor::new(format!("user:{}", auth.0.username)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct Numbers {
    pub numbers: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct Assign {
    pub user_id: Option<String>,
    pub voice_connector_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ChangeType {
    pub numbers: Vec<String>,
    pub product_type: String,
}

fn list(v: Vec<crate::numbers::NumberSummary>) -> Json<Vec<NumberOut>> {
    Json(v.into_iter().map(Into::into).collect())
}

/// N4: the numbers of orders still Processing.
#[utoipa::path(get, path = "/api/v1/orders/pending", tag = "orders",
    responses((status = 200, description = "Pending numbers", body = Vec<String>)))]
pub(super) async fn pending(State(bo): State<Backoffice>, auth: Admin) -> Res<Vec<String>> {
    admin(&auth)?;
    Ok(Json(bo.pending_numbers(&auth.0.account_id).await?))
}

/// N7: assigns a number to a user or to a voice connector.
#[utoipa::path(post, path = "/api/v1/numbers/{e164}/assign", tag = "numbers",
    params(("e164" = String, Path, description = "The number in E.164")), request_body = Assign,
    responses((status = 200, description = "The number, Assigned", body = NumberOut),
              (status = 404, description = "No such number, user or connector", body = ErrorEnvelope),
              (status = 409, description = "Wrong status or product type (N7), or an active lease (N11)", body = ErrorEnvelope)))]
pub(super) async fn assign(
    State(bo): State<Backoffice>,
    auth: Admin,
    Path(e164): Path<String>,
    Body(b): Body<Assign>,
) -> Res<NumberOut> {
    let actor = admin(&auth)?;
    let acct = &auth.0.account_id;
    let done = match (b.user_id, b.voice_connector_id) {
        (Some(user), None) => bo.assign_to_user(acct, &actor, &e164, &user).await?,
        (None, Some(vc)) => {
            bo.assign_to_voice_connector(acct, &actor, &e164, &vc)
                .await?
        }
        _ => {
            return Err(Error::invalid(
                "body",
                "N7",
                "give exactly one of user_id and voice_connector_id",
            )
            .into())
        }
    };
    Ok(Json(done.into()))
}

/// N7: returns a number to Unassigned.
#[utoipa::path(post, path = "/api/v1/numbers/{e164}/unassign", tag = "numbers",
    params(("e164" = String, Path, description = "The number in E.164")),
    responses((status = 200, description = "The number, Unassigned", body = NumberOut),
              (status = 404, description = "No such number", body = ErrorEnvelope),
              (status = 409, description = "Not assigned, or an active lease (N11)", body = ErrorEnvelope)))]
pub(super) async fn unassign(
    State(bo): State<Backoffice>,
    auth: Admin,
    Path(e164): Path<String>,
) -> Res<NumberOut> {
    let actor = admin(&auth)?;
    Ok(Json(
        bo.unassign(&auth.0.account_id, &actor, &e164).await?.into(),
    ))
}

/// N9: changes the product type of Unassigned numbers, all or none.
#[utoipa::path(post, path = "/api/v1/numbers/product-type", tag = "numbers", request_body = ChangeType,
    responses((status = 200, description = "The numbers changed", body = Vec<NumberOut>),
              (status = 404, description = "A number is not in this account", body = ErrorEnvelope),
              (status = 409, description = "A number is not Unassigned (N9), toll-free (N1), or leased (N11)", body = ErrorEnvelope)))]
pub(super) async fn product_type(
    State(bo): State<Backoffice>,
    auth: Admin,
    Body(b): Body<ChangeType>,
) -> Res<Vec<NumberOut>> {
    let actor = admin(&auth)?;
    let to: ProductType = b
        .product_type
        .parse()
        .map_err(|_| Error::invalid("product_type", "N9", "BusinessCalling or VoiceConnector"))?;
    Ok(list(
        bo.change_product_type(&auth.0.account_id, &actor, &b.numbers, to)
            .await?,
    ))
}

/// N10: the numbers waiting in the deletion queue.
#[utoipa::path(get, path = "/api/v1/deletion-queue", tag = "deletion-queue",
    responses((status = 200, description = "Queued numbers with their purge time", body = Vec<NumberOut>)))]
pub(super) async fn deletion_queue(
    State(bo): State<Backoffice>,
    auth: Admin,
) -> Res<Vec<NumberOut>> {
    admin(&auth)?;
    Ok(list(bo.deletion_queue(&auth.0.account_id).await?))
}

/// N10: moves Unassigned numbers to the deletion queue for 7 days, all or none.
#[utoipa::path(post, path = "/api/v1/deletion-queue", tag = "deletion-queue", request_body = Numbers,
    responses((status = 200, description = "The numbers queued", body = Vec<NumberOut>),
              (status = 404, description = "A number is not in this account", body = ErrorEnvelope),
              (status = 409, description = "A number is not Unassigned (N10) or leased (N11)", body = ErrorEnvelope)))]
pub(super) async fn delete(
    State(bo): State<Backoffice>,
    auth: Admin,
    Body(b): Body<Numbers>,
) -> Res<Vec<NumberOut>> {
    let actor = admin(&auth)?;
    Ok(list(
        bo.delete_numbers(&auth.0.account_id, &actor, &b.numbers)
            .await?,
    ))
}

/// N10: brings queued numbers back to the inventory, all or none.
#[utoipa::path(post, path = "/api/v1/deletion-queue/restore", tag = "deletion-queue", request_body = Numbers,
    responses((status = 200, description = "The numbers restored", body = Vec<NumberOut>),
              (status = 404, description = "A number is not in this account", body = ErrorEnvelope),
              (status = 409, description = "A number is not in the deletion queue (N10)", body = ErrorEnvelope)))]
pub(super) async fn restore(
    State(bo): State<Backoffice>,
    auth: Admin,
    Body(b): Body<Numbers>,
) -> Res<Vec<NumberOut>> {
    let actor = admin(&auth)?;
    Ok(list(
        bo.restore_numbers(&auth.0.account_id, &actor, &b.numbers)
            .await?,
    ))
}

/// V3: adds Voice Connector numbers to the callback pool.
#[utoipa::path(post, path = "/api/v1/callback-pool", tag = "callback-pool", request_body = Numbers,
    responses((status = 200, description = "The pool", body = PoolOut),
              (status = 409, description = "A number cannot serve callbacks (V3)", body = ErrorEnvelope)))]
pub(super) async fn pool_add(
    State(bo): State<Backoffice>,
    auth: Admin,
    Body(b): Body<Numbers>,
) -> Res<PoolOut> {
    let actor = admin(&auth)?;
    Ok(Json(
        bo.add_to_callback_pool(&auth.0.account_id, &actor, &b.numbers)
            .await?
            .into(),
    ))
}

/// V3: removes numbers from the callback pool.
#[utoipa::path(post, path = "/api/v1/callback-pool/remove", tag = "callback-pool", request_body = Numbers,
    responses((status = 200, description = "The pool", body = PoolOut),
              (status = 409, description = "A number holds an active lease (N11)", body = ErrorEnvelope)))]
pub(super) async fn pool_remove(
    State(bo): State<Backoffice>,
    auth: Admin,
    Body(b): Body<Numbers>,
) -> Res<PoolOut> {
    let actor = admin(&auth)?;
    Ok(Json(
        bo.remove_from_callback_pool(&auth.0.account_id, &actor, &b.numbers)
            .await?
            .into(),
    ))
}

/// V1: creates a voice connector. Termination credentials are returned masked.
#[utoipa::path(post, path = "/api/v1/voice-connectors", tag = "voice-connectors", request_body = SettingsIo,
    responses((status = 201, description = "Created", body = ConnectorOut),
              (status = 409, description = "The name is taken", body = ErrorEnvelope)))]
pub(super) async fn create_connector(
    State(bo): State<Backoffice>,
    auth: Admin,
    Body(b): Body<SettingsIo>,
) -> Result<(StatusCode, Json<ConnectorOut>), ApiError> {
    admin(&auth)?;
    let vc = bo
        .create_voice_connector(&auth.0.account_id, &b.into_domain()?)
        .await?;
    Ok((StatusCode::CREATED, Json(vc.into())))
}

/// V1, V2: one voice connector with its numbers and emergency settings.
#[utoipa::path(get, path = "/api/v1/voice-connectors/{id}", tag = "voice-connectors",
    params(("id" = String, Path, description = "Voice connector id")),
    responses((status = 200, description = "The connector", body = ConnectorOut),
              (status = 404, description = "No such connector", body = ErrorEnvelope)))]
pub(super) async fn connector(
    State(bo): State<Backoffice>,
    auth: Admin,
    Path(id): Path<String>,
) -> Res<ConnectorOut> {
    admin(&auth)?;
    Ok(Json(
        bo.voice_connector(&auth.0.account_id, &id).await?.into(),
    ))
}

/// V1: replaces a voice connector's settings.
#[utoipa::path(put, path = "/api/v1/voice-connectors/{id}", tag = "voice-connectors",
    params(("id" = String, Path, description = "Voice connector id")), request_body = SettingsIo,
    responses((status = 200, description = "The connector", body = ConnectorOut),
              (status = 404, description = "No such connector", body = ErrorEnvelope),
              (status = 409, description = "Refused while emergency calling needs termination and origination (V2)", body = ErrorEnvelope)))]
pub(super) async fn update_connector(
    State(bo): State<Backoffice>,
    auth: Admin,
    Path(id): Path<String>,
    Body(b): Body<SettingsIo>,
) -> Res<ConnectorOut> {
    admin(&auth)?;
    Ok(Json(
        bo.update_voice_connector(&auth.0.account_id, &id, &b.into_domain()?)
            .await?
            .into(),
    ))
}

/// V2: sets the emergency calling configuration.
#[utoipa::path(put, path = "/api/v1/voice-connectors/{id}/emergency", tag = "voice-connectors",
    params(("id" = String, Path, description = "Voice connector id")), request_body = EmergencyIo,
    responses((status = 200, description = "The connector", body = ConnectorOut),
              (status = 404, description = "No such connector", body = ErrorEnvelope),
              (status = 409, description = "Termination or origination is disabled (V2)", body = ErrorEnvelope)))]
pub(super) async fn set_emergency(
    State(bo): State<Backoffice>,
    auth: Admin,
    Path(id): Path<String>,
    Body(b): Body<EmergencyIo>,
) -> Res<ConnectorOut> {
    admin(&auth)?;
    Ok(Json(
        bo.set_emergency_config(&auth.0.account_id, &id, &b.into())
            .await?
            .into(),
    ))
}

/// V2: removes the emergency calling configuration.
#[utoipa::path(delete, path = "/api/v1/voice-connectors/{id}/emergency", tag = "voice-connectors",
    params(("id" = String, Path, description = "Voice connector id")),
    responses((status = 200, description = "The connector", body = ConnectorOut),
              (status = 404, description = "No such connector", body = ErrorEnvelope)))]
pub(super) async fn remove_emergency(
    State(bo): State<Backoffice>,
    auth: Admin,
    Path(id): Path<String>,
) -> Res<ConnectorOut> {
    admin(&auth)?;
    Ok(Json(
        bo.remove_emergency_config(&auth.0.account_id, &id)
            .await?
            .into(),
    ))
}
