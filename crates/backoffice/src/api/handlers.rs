//! Route handlers: role check first, then the service, for the caller's own account.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;

use super::dto::*;
use super::{Admin, ApiError, Auth, Body};
use crate::auth::Role;
use crate::error::Error;
use crate::numbers::{Actor, ProductType, SearchQuery};
use crate::service::Backoffice;

type Res<T> = Result<Json<T>, ApiError>;

fn actor(a: &Admin) -> Actor {
    Actor::new(format!("user:{}", a.0.username))
}

pub(super) async fn sign_in(
    State(bo): State<Backoffice>,
    Body(b): Body<SignIn>,
) -> Res<SessionOut> {
    Ok(Json(bo.sign_in(&b.username, &b.password).await?.into()))
}

pub(super) async fn sign_out(
    State(bo): State<Backoffice>,
    _auth: Auth,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    bo.sign_out(token.trim()).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn me(auth: Auth) -> Res<Me> {
    Ok(Json(auth.0.into()))
}

// --- Agents (and every role above): their own callback lease (E5).

pub(super) async fn take_lease(State(bo): State<Backoffice>, auth: Auth) -> Res<LeaseOutcomeOut> {
    auth.0.require(Role::Agent)?;
    Ok(Json(
        bo.take_lease(&auth.0.account_id, &auth.0.user_id)
            .await?
            .into(),
    ))
}

pub(super) async fn my_lease(State(bo): State<Backoffice>, auth: Auth) -> Res<Option<LeaseOut>> {
    auth.0.require(Role::Agent)?;
    Ok(Json(
        bo.lease_of_agent(&auth.0.account_id, &auth.0.user_id)
            .await?
            .map(Into::into),
    ))
}

pub(super) async fn end_call(State(bo): State<Backoffice>, auth: Auth) -> Res<LeaseOut> {
    auth.0.require(Role::Agent)?;
    Ok(Json(
        bo.end_call(&auth.0.account_id, &auth.0.user_id)
            .await?
            .into(),
    ))
}

// --- Administrators: numbers, orders, voice connectors, the callback pool.

pub(super) async fn search(
    State(bo): State<Backoffice>,
    auth: Admin,
    Query(q): Query<Search>,
) -> Res<Vec<Available>> {
    auth.0.require(Role::Administrator)?;
    let query = SearchQuery {
        country: q.country,
        area_code: q.area_code,
        city: q.city,
        state: q.state,
        toll_free_prefix: q.toll_free_prefix,
        limit: q.limit.unwrap_or(10),
    };
    Ok(Json(
        bo.search_numbers(&query)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

pub(super) async fn place_order(
    State(bo): State<Backoffice>,
    auth: Admin,
    Body(b): Body<NewOrder>,
) -> Result<(StatusCode, Json<OrderOut>), ApiError> {
    auth.0.require(Role::Administrator)?;
    let product_type: ProductType = b
        .product_type
        .parse()
        .map_err(|_| Error::invalid("product_type", "N1", "BusinessCalling or VoiceConnector"))?;
    let order = bo
        .place_order(&auth.0.account_id, &actor(&auth), product_type, &b.numbers)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(order.into())))
}

pub(super) async fn orders(State(bo): State<Backoffice>, auth: Admin) -> Res<Vec<OrderOut>> {
    auth.0.require(Role::Administrator)?;
    Ok(Json(
        bo.orders(&auth.0.account_id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

pub(super) async fn order(
    State(bo): State<Backoffice>,
    auth: Admin,
    Path(id): Path<String>,
) -> Res<OrderOut> {
    auth.0.require(Role::Administrator)?;
    Ok(Json(bo.order(&auth.0.account_id, &id).await?.into()))
}

pub(super) async fn inventory(State(bo): State<Backoffice>, auth: Admin) -> Res<Vec<NumberOut>> {
    auth.0.require(Role::Administrator)?;
    Ok(Json(
        bo.inventory(&auth.0.account_id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

pub(super) async fn number_details(
    State(bo): State<Backoffice>,
    auth: Admin,
    Path(e164): Path<String>,
) -> Res<DetailsOut> {
    auth.0.require(Role::Administrator)?;
    Ok(Json(
        bo.number_details(&auth.0.account_id, &e164).await?.into(),
    ))
}

pub(super) async fn callback_pool(State(bo): State<Backoffice>, auth: Admin) -> Res<PoolOut> {
    auth.0.require(Role::Administrator)?;
    Ok(Json(
        bo.callback_pool_status(&auth.0.account_id).await?.into(),
    ))
}

pub(super) async fn voice_connectors(
    State(bo): State<Backoffice>,
    auth: Admin,
) -> Res<Vec<VoiceConnectorOut>> {
    auth.0.require(Role::Administrator)?;
    let all = bo.voice_connectors(&auth.0.account_id).await?;
    Ok(Json(
        all.into_iter()
            .map(|vc| VoiceConnectorOut {
                id: vc.id,
                name: vc.settings.name,
                termination_enabled: vc.settings.termination.enabled,
                origination_enabled: vc.settings.origination.enabled,
                emergency_routing_number: vc
                    .emergency
                    .as_ref()
                    .map(|e| e.emergency_routing_number.clone()),
                test_routing_number: vc.emergency.and_then(|e| e.test_routing_number),
                numbers: vc.numbers,
            })
            .collect(),
    ))
}
