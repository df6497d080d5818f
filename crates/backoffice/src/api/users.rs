//! A1, V3 through the API: the tenant's users (administrators create them with a role)
//! and the callback leases active now.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::dto::{ErrorEnvelope, LeaseOut};
use super::{Admin, ApiError, Body};
use crate::auth::{Role, User};
use crate::error::Error;
use crate::service::Backoffice;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct NewUser {
    /// 3 to 64 letters, digits, '.', '_', '-' or '@'.
    pub username: String,
    /// 12 to 1024 characters; only its Argon2id hash is kept.
    pub password: String,
    /// Agent, Supervisor or Administrator.
    #[schema(example = "Agent")]
    pub role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(super) struct UserOut {
    pub id: String,
    pub username: String,
    /// Agent, Supervisor or Administrator.
    #[schema(value_type = String, example = "Agent")]
    pub role: &'static str,
}

impl From<User> for UserOut {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            username: u.username,
            role: u.role.as_str(),
        }
    }
}

/// The tenant's users.
#[utoipa::path(get, path = "/api/v1/users", tag = "users",
    responses((status = 200, description = "The account's users, by username", body = Vec<UserOut>)))]
pub(super) async fn list(
    State(bo): State<Backoffice>,
    auth: Admin,
) -> Result<Json<Vec<UserOut>>, ApiError> {
    Ok(Json(
        bo.users(&auth.0.account_id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Creates a user with a role (A1).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUser,
    responses((status = 201, description = "Created", body = UserOut),
              (status = 409, description = "The username is taken (A1)", body = ErrorEnvelope)))]
pub(super) async fn create(
    State(bo): State<Backoffice>,
    auth: Admin,
    Body(b): Body<NewUser>,
) -> Result<(StatusCode, Json<UserOut>), ApiError> {
    let role: Role = b
        .role
        .parse()
        .map_err(|_| Error::invalid("role", "A1", "Agent, Supervisor or Administrator"))?;
    let user = bo
        .create_user(&auth.0.account_id, &b.username, &b.password, role)
        .await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

/// The callback leases active now (V3, E5), soonest to expire first.
#[utoipa::path(get, path = "/api/v1/leases", tag = "callback-pool",
    responses((status = 200, description = "Active leases", body = Vec<LeaseOut>)))]
pub(super) async fn leases(
    State(bo): State<Backoffice>,
    auth: Admin,
) -> Result<Json<Vec<LeaseOut>>, ApiError> {
    Ok(Json(
        bo.active_leases(&auth.0.account_id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}
