//! The HTTP API (axum): authenticated and authorised on every route (A1), errors as
//! typed JSON naming the field and the rule (A2). Handlers are thin: they check the
//! role, call the service for the caller's own account, and translate types. Only the
//! types of this module derive Serialize/Deserialize (the edge).

mod admin;
mod alerts;
mod connectors_dto;
pub mod console;
mod dto;
mod feed;
mod handlers;
mod openapi;
mod porting;
mod users;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;

use crate::auth::Principal;
use crate::error::Error;
use crate::service::Backoffice;

pub use dto::ErrorBody;
pub use openapi::{document as openapi_document, ApiDoc};

/// The API's routes under `/api/v1`, over `bo`.
pub fn router(bo: Backoffice) -> Router {
    use axum::routing::put;
    Router::new()
        .route("/api/v1/sign-in", post(handlers::sign_in))
        .route("/api/v1/sign-out", post(handlers::sign_out))
        .route("/api/v1/me", get(handlers::me))
        .route("/api/v1/openapi.json", get(openapi::openapi_json))
        .route("/api/v1/users", get(users::list).post(users::create))
        .route("/api/v1/leases", get(users::leases))
        .route(
            "/api/v1/me/lease",
            get(handlers::my_lease).post(handlers::take_lease),
        )
        .route("/api/v1/me/lease/end-call", post(handlers::end_call))
        .route("/api/v1/numbers", get(handlers::inventory))
        .route("/api/v1/numbers/search", get(handlers::search))
        .route("/api/v1/numbers/product-type", post(admin::product_type))
        .route("/api/v1/numbers/{e164}", get(handlers::number_details))
        .route("/api/v1/numbers/{e164}/assign", post(admin::assign))
        .route("/api/v1/numbers/{e164}/unassign", post(admin::unassign))
        .route(
            "/api/v1/orders",
            get(handlers::orders).post(handlers::place_order),
        )
        .route("/api/v1/orders/pending", get(admin::pending))
        .route("/api/v1/orders/{id}", get(handlers::order))
        .route(
            "/api/v1/deletion-queue",
            get(admin::deletion_queue).post(admin::delete),
        )
        .route("/api/v1/deletion-queue/restore", post(admin::restore))
        .route(
            "/api/v1/callback-pool",
            get(handlers::callback_pool).post(admin::pool_add),
        )
        .route("/api/v1/callback-pool/remove", post(admin::pool_remove))
        .route(
            "/api/v1/voice-connectors",
            get(handlers::voice_connectors).post(admin::create_connector),
        )
        .route(
            "/api/v1/voice-connectors/{id}",
            get(admin::connector).put(admin::update_connector),
        )
        .route(
            "/api/v1/voice-connectors/{id}/emergency",
            put(admin::set_emergency).delete(admin::remove_emergency),
        )
        .route("/api/v1/me/emergency", post(alerts::raise))
        .route("/api/v1/me/emergency/end", post(alerts::end))
        .route("/api/v1/alerts", get(alerts::list))
        .route("/api/v1/me/calls", post(feed::report_call))
        .route("/api/v1/me/presence", put(feed::publish_presence))
        .route("/api/v1/supervisor/feed", get(feed::feed))
        .route("/api/v1/alerts/{id}/acknowledge", post(alerts::acknowledge))
        .route("/api/v1/port-ins", get(porting::list).post(porting::submit))
        .route("/api/v1/port-ins/{id}", get(porting::get_one))
        .route("/api/v1/port-ins/{id}/loas", put(porting::update_loa))
        .route(
            "/api/v1/port-ins/{id}/carrier-events",
            post(porting::carrier_event),
        )
        .route("/api/v1/port-ins/{id}/resubmit", post(porting::resubmit))
        .route("/api/v1/port-ins/{id}/cancel", post(porting::cancel))
        .with_state(bo)
}

/// An error on its way out as JSON.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        Self(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        let (status, code, field) = match &e {
            Error::Invalid { field, .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some(*field))
            }
            Error::Conflict { field, .. } => (StatusCode::CONFLICT, "conflict", Some(*field)),
            Error::LimitReached { .. } => (StatusCode::CONFLICT, "limit_reached", Some("numbers")),
            Error::LeaseActive { .. } => (StatusCode::CONFLICT, "lease_active", Some("e164")),
            Error::NotFound { .. } => (StatusCode::NOT_FOUND, "not_found", None),
            Error::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated", None),
            Error::Forbidden { .. } => (StatusCode::FORBIDDEN, "forbidden", None),
            Error::NotYours { field } => (StatusCode::FORBIDDEN, "forbidden", Some(*field)),
            Error::Supplier(_) => (StatusCode::BAD_GATEWAY, "supplier", None),
            Error::Storage(_) | Error::Migrate(_) | Error::Internal(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal", None)
            }
        };
        let message = if status.is_server_error() {
            // Details stay in the log: a 5xx never leaks the database's words.
            tracing::error!(error = %e, "request failed");
            "the back office failed; try again".to_owned()
        } else {
            e.to_string()
        };
        let body = ErrorBody {
            code,
            field,
            rule: e.rule(),
            message,
        };
        let mut resp = (status, Json(dto::ErrorEnvelope { error: body })).into_response();
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        resp
    }
}

/// The signed-in caller: from `Authorization: Bearer <token>`, or a 401.
#[derive(Debug, Clone)]
pub struct Auth(pub Principal);

impl FromRequestParts<Backoffice> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        bo: &Backoffice,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer_header(parts).ok_or(Error::Unauthenticated)?;
        Ok(Auth(bo.authenticate(token).await?))
    }
}

/// The token of `Authorization: Bearer <token>`, if any.
pub(crate) fn bearer_header(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// A signed-in administrator, or a 401/403. As an extractor it runs before the body is
/// read, so a caller without the role learns nothing about what the route expects.
#[derive(Debug, Clone)]
pub struct Admin(pub Principal);

impl FromRequestParts<Backoffice> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        bo: &Backoffice,
    ) -> Result<Self, Self::Rejection> {
        let Auth(p) = Auth::from_request_parts(parts, bo).await?;
        p.require(crate::auth::Role::Administrator)?;
        Ok(Admin(p))
    }
}

/// A JSON body whose malformation is reported like any bad input (A2).
#[derive(Debug)]
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(Body(v)),
            Err(e) => Err(ApiError(Error::invalid("body", "A2", json_message(&e)))),
        }
    }
}

fn json_message(e: &JsonRejection) -> String {
    e.body_text()
}
