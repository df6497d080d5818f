//! Administrators' procedures (seed 002: inventory, assignment, product type, deletion
//! queue; seed 000: emergency routing numbers) and the callback pool (V3).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

use super::connectors_dto::{ConnectorOut, EmergencyIo, SettingsIo};
use super::dto::{NumberOut, PoolOut};
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Numbers {
    pub numbers: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Assign {
    pub user_id: Option<String>,
    pub voice_connector_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ChangeType {
    pub numbers: Vec<String>,
    pub product_type: String,
}

fn list(v: Vec<crate::numbers::NumberSummary>) -> Json<Vec<NumberOut>> {
    Json(v.into_iter().map(Into::into).collect())
}

pub(super) async fn pending(State(bo): State<Backoffice>, auth: Admin) -> Res<Vec<String>> {
    admin(&auth)?;
    Ok(Json(bo.pending_numbers(&auth.0.account_id).await?))
}

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

pub(super) async fn deletion_queue(
    State(bo): State<Backoffice>,
    auth: Admin,
) -> Res<Vec<NumberOut>> {
    admin(&auth)?;
    Ok(list(bo.deletion_queue(&auth.0.account_id).await?))
}

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
