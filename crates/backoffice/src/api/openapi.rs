//! The OpenAPI 3.1 document of the API, derived from the handlers' `#[utoipa::path]`
//! annotations and the JSON shapes of this module (so it cannot drift from the types),
//! served at `GET /api/v1/openapi.json` to any signed-in user.
//!
//! Refusals common to every route are added here rather than on each handler: 401 and
//! 403 (A1) on every route but sign-in, 422 (A2) wherever a route takes input, and 500.
//! All carry [`super::ErrorBody`] inside its envelope: `code`, `field`, `rule`,
//! `message`.

use axum::Json;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::dto::ErrorEnvelope;
use super::{admin, alerts, feed, handlers, porting, users, Auth, ErrorBody};

/// The one route that takes no bearer token.
const SIGN_IN: &str = "/api/v1/sign-in";

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Softphone back office",
        description = "Phone numbers, voice connectors, callback leases and the supervisors' \
                       live view of a contact center. Every route but sign-in needs \
                       `Authorization: Bearer <token>` from `POST /api/v1/sign-in`; refusals \
                       are JSON naming the field and the rule of BACKOFFICE.md they break."
    ),
    paths(
        handlers::sign_in, handlers::sign_out, handlers::me, openapi_json,
        handlers::my_lease, handlers::take_lease, handlers::end_call,
        handlers::inventory, handlers::search, handlers::number_details,
        admin::product_type, admin::assign, admin::unassign,
        handlers::orders, handlers::place_order, admin::pending, handlers::order,
        admin::deletion_queue, admin::delete, admin::restore,
        handlers::callback_pool, admin::pool_add, admin::pool_remove, users::leases,
        handlers::voice_connectors, admin::create_connector, admin::connector,
        admin::update_connector, admin::set_emergency, admin::remove_emergency,
        alerts::raise, alerts::end, alerts::list, alerts::acknowledge,
        feed::report_call, feed::publish_presence, feed::feed,
        porting::list, porting::submit, porting::get_one, porting::update_loa,
        porting::carrier_event, porting::resubmit, porting::cancel,
        users::list, users::create,
    ),
    components(schemas(ErrorEnvelope, ErrorBody)),
    modifiers(&Refusals),
    security(("bearer" = [])),
    tags(
        (name = "access", description = "Sign-in and the caller (A1)"),
        (name = "leases", description = "An agent's emergency callback lease (E5)"),
        (name = "numbers", description = "Search, inventory, assignment, product type (N1-N11)"),
        (name = "orders", description = "Provisioning orders (N4, N5)"),
        (name = "deletion-queue", description = "Delete and restore (N10)"),
        (name = "callback-pool", description = "The emergency callback pool and its leases (V3)"),
        (name = "voice-connectors", description = "SIP trunks and their emergency settings (V1, V2)"),
        (name = "porting", description = "Port-in requests (N6)"),
        (name = "alerts", description = "Emergency alerts for supervisors (E11, S2)"),
        (name = "live", description = "Agents' calls and presence, supervisors' feed (S1)"),
        (name = "users", description = "The tenant's users and roles (A1)"),
    )
)]
pub struct ApiDoc;

/// The document, built from the code.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "access",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")))]
pub(super) async fn openapi_json(_auth: Auth) -> Json<utoipa::openapi::OpenApi> {
    Json(document())
}

/// Adds the bearer scheme and the refusals every route shares.
struct Refusals;

impl Modify for Refusals {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A token from POST /api/v1/sign-in, valid 12 hours or until sign-out",
                    ))
                    .build(),
            ),
        );
        for (path, item) in api.paths.paths.iter_mut() {
            let public = path == SIGN_IN;
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                add_refusals(op, public);
            }
        }
    }
}

fn add_refusals(op: &mut Operation, public: bool) {
    let takes_input =
        op.request_body.is_some() || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let mut refusals = vec![("500", "The back office failed (details only in its log)")];
    if public {
        op.security = Some(Vec::new());
    } else {
        refusals.push(("401", "No valid bearer token (A1)"));
        refusals.push(("403", "The caller's role does not reach this route (A1)"));
    }
    if takes_input {
        refusals.push(("422", "Bad input: names the field and the rule (A2)"));
    }
    for (status, description) in refusals {
        op.responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::T(refusal(description)));
    }
}

fn refusal(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorEnvelope")))
                .build(),
        )
        .build()
}
