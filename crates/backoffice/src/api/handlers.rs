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

/// Signs in with a username and password; the token is shown once.
#[utoipa::path(post, path = "/api/v1/sign-in", tag = "access", request_body = SignIn,
    responses((status = 200, description = "Signed in", body = SessionOut),
              (status = 401, description = "Wrong username or password (A1)", body = ErrorEnvelope)))]
pub(super) async fn sign_in(
    State(bo): State<Backoffice>,
    Body(b): Body<SignIn>,
) -> Res<SessionOut> {
    Ok(Json(bo.sign_in(&b.username, &b.password).await?.into()))
}

/// Ends the caller's session.
#[utoipa::path(post, path = "/api/v1/sign-out", tag = "access",
    responses((status = 204, description = "Signed out")))]
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

/// Who the caller is.
#[utoipa::path(get, path = "/api/v1/me", tag = "access",
    responses((status = 200, description = "The caller", body = Me)))]
pub(super) async fn me(auth: Auth) -> Res<Me> {
    Ok(Json(auth.0.into()))
}

// --- Agents (and every role above): their own callback lease (E5).

/// E5: takes (or keeps) a callback number from the pool, or says which fallback to use.
#[utoipa::path(post, path = "/api/v1/me/lease", tag = "leases",
    responses((status = 200, description = "A lease or the fallback", body = LeaseOutcomeOut)))]
pub(super) async fn take_lease(State(bo): State<Backoffice>, auth: Auth) -> Res<LeaseOutcomeOut> {
    auth.0.require(Role::Agent)?;
    Ok(Json(
        bo.take_lease(&auth.0.account_id, &auth.0.user_id)
            .await?
            .into(),
    ))
}

/// E5: the caller's active lease, or null.
#[utoipa::path(get, path = "/api/v1/me/lease", tag = "leases",
    responses((status = 200, description = "The active lease or null", body = Option<LeaseOut>)))]
pub(super) async fn my_lease(State(bo): State<Backoffice>, auth: Auth) -> Res<Option<LeaseOut>> {
    auth.0.require(Role::Agent)?;
    Ok(Json(
        bo.lease_of_agent(&auth.0.account_id, &auth.0.user_id)
            .await?
            .map(Into::into),
    ))
}

/// E5: the emergency call ended; the lease runs 60 more minutes.
#[utoipa::path(post, path = "/api/v1/me/lease/end-call", tag = "leases",
    responses((status = 200, description = "The lease with its expiry", body = LeaseOut),
              (status = 404, description = "The caller holds no lease", body = ErrorEnvelope)))]
pub(super) async fn end_call(State(bo): State<Backoffice>, auth: Auth) -> Res<LeaseOut> {
    auth.0.require(Role::Agent)?;
    Ok(Json(
        bo.end_call(&auth.0.account_id, &auth.0.user_id)
            .await?
            .into(),
    ))
}

// --- Administrators: numbers, orders, voice connectors, the callback pool.

/// N3: available numbers from the supplier.
#[utoipa::path(get, path = "/api/v1/numbers/search", tag = "numbers", params(Search),
    responses((status = 200, description = "Available numbers", body = Vec<Available>),
              (status = 502, description = "The number supplier failed", body = ErrorEnvelope)))]
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

/// N4, N5: orders numbers for one product type; completes in the background.
#[utoipa::path(post, path = "/api/v1/orders", tag = "orders", request_body = NewOrder,
    responses((status = 202, description = "The order, Processing", body = OrderOut),
              (status = 409, description = "The inventory limit would be passed (N5), or a number is taken", body = ErrorEnvelope)))]
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

/// N4: the account's orders, newest first.
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders",
    responses((status = 200, description = "Orders", body = Vec<OrderOut>)))]
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

/// N4: one order with a status per number.
#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "orders",
    params(("id" = String, Path, description = "Order id")),
    responses((status = 200, description = "The order", body = OrderOut),
              (status = 404, description = "No such order", body = ErrorEnvelope)))]
pub(super) async fn order(
    State(bo): State<Backoffice>,
    auth: Admin,
    Path(id): Path<String>,
) -> Res<OrderOut> {
    auth.0.require(Role::Administrator)?;
    Ok(Json(bo.order(&auth.0.account_id, &id).await?.into()))
}

/// N2: the numbers in the inventory.
#[utoipa::path(get, path = "/api/v1/numbers", tag = "numbers",
    responses((status = 200, description = "The inventory", body = Vec<NumberOut>)))]
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

/// N8: a number's details, history and emergency role.
#[utoipa::path(get, path = "/api/v1/numbers/{e164}", tag = "numbers",
    params(("e164" = String, Path, description = "The number in E.164, e.g. +12065550100")),
    responses((status = 200, description = "Details", body = DetailsOut),
              (status = 404, description = "Not in this account", body = ErrorEnvelope)))]
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

/// V3: the callback pool's size and free count.
#[utoipa::path(get, path = "/api/v1/callback-pool", tag = "callback-pool",
    responses((status = 200, description = "The pool", body = PoolOut)))]
pub(super) async fn callback_pool(State(bo): State<Backoffice>, auth: Admin) -> Res<PoolOut> {
    auth.0.require(Role::Administrator)?;
    Ok(Json(
        bo.callback_pool_status(&auth.0.account_id).await?.into(),
    ))
}

/// V1: the account's voice connectors.
#[utoipa::path(get, path = "/api/v1/voice-connectors", tag = "voice-connectors",
    responses((status = 200, description = "Voice connectors", body = Vec<VoiceConnectorOut>)))]
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
