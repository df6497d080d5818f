//! The OpenAPI document: it parses as OpenAPI 3 with an independent parser, it lists
//! exactly the routes the router serves (no route missing, none invented), and it
//! describes the bearer scheme and the error body (A1, A2).

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use backoffice::auth::Role;
use serde_json::Value;

use crate::api::{call, token_for};
use crate::harness::{backend_tests, Ctx, ACCOUNT};

backend_tests!(
    openapi_document_lists_exactly_the_routes_the_router_serves,
    openapi_document_describes_bearer_auth_and_the_error_body,
);

/// The router's source: the one place routes are declared.
const ROUTER_SOURCE: &str = include_str!("../../src/api/mod.rs");

/// `(METHOD, path)` of every `.route("/api/...", get(..).post(..))` in the router.
pub(crate) fn served_routes() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for chunk in ROUTER_SOURCE.split(".route(").skip(1) {
        let Some(path) = chunk.split('"').nth(1) else {
            continue;
        };
        if !path.starts_with("/api/") {
            continue;
        }
        let expr = chunk.split(".route(").next().unwrap_or(chunk);
        let expr = expr.split(".with_state").next().unwrap_or(expr);
        for method in ["get", "post", "put", "delete", "patch"] {
            let needle = format!("{method}(");
            let found = expr.match_indices(&needle).any(|(i, _)| {
                expr[..i]
                    .chars()
                    .last()
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'))
            });
            if found {
                out.insert((method.to_uppercase(), path.to_owned()));
            }
        }
    }
    out
}

fn documented_routes(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            if ["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// The path with each `{param}` replaced by a value.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|s| if s.starts_with('{') { "x-none" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

async fn openapi_document_lists_exactly_the_routes_the_router_serves(t: &Ctx) {
    let app = backoffice::api::router(t.bo.clone());
    let token = token_for(t, &app, ACCOUNT, "agnes", Role::Agent).await;
    let (status, doc) = call(
        &app,
        Method::GET,
        "/api/v1/openapi.json",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    assert_eq!(
        doc,
        serde_json::to_value(backoffice::api::openapi_document()).unwrap()
    );

    let parsed = oas3::from_json(doc.to_string()).expect("the document parses as OpenAPI");
    let version = parsed
        .validate_version()
        .expect("a supported OpenAPI version");
    assert_eq!(version.major, 3, "{version}");
    let by_parser: BTreeSet<(String, String)> = parsed
        .operations()
        .map(|(path, method, _)| (method.as_str().to_owned(), path))
        .collect();

    let served = served_routes();
    assert!(
        served.len() >= 45,
        "the router's routes were read: {served:?}"
    );
    let documented = documented_routes(&doc);
    assert_eq!(by_parser, documented);
    let missing: Vec<_> = served.difference(&documented).collect();
    let invented: Vec<_> = documented.difference(&served).collect();
    assert!(missing.is_empty(), "served but not documented: {missing:?}");
    assert!(
        invented.is_empty(),
        "documented but not served: {invented:?}"
    );

    // Each documented route really is answered by the router (its fallback would say
    // 404 with no body, or 405): without a token it is a JSON 401, sign-in aside.
    for (method, path) in &documented {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let (status, body) = call(&app, method.clone(), &concrete(path), None, None).await;
        let want = if path == "/api/v1/sign-in" {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::UNAUTHORIZED
        };
        assert_eq!(status, want, "{method} {path}: {body}");
        assert!(body["error"]["code"].is_string(), "{method} {path}: {body}");
    }
}

async fn openapi_document_describes_bearer_auth_and_the_error_body(t: &Ctx) {
    let _ = t;
    let doc = serde_json::to_value(backoffice::api::openapi_document()).unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        doc["openapi"]
    );
    let scheme = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(
        (scheme["type"].as_str(), scheme["scheme"].as_str()),
        (Some("http"), Some("bearer"))
    );
    assert_eq!(doc["security"], serde_json::json!([{"bearer": []}]));

    let body = &doc["components"]["schemas"]["ErrorBody"];
    for field in ["code", "field", "rule", "message"] {
        assert!(
            body["properties"][field].is_object(),
            "ErrorBody.{field}: {body}"
        );
    }
    let envelope = &doc["components"]["schemas"]["ErrorEnvelope"];
    assert_eq!(
        envelope["properties"]["error"]["$ref"],
        "#/components/schemas/ErrorBody"
    );

    let error_ref = "#/components/schemas/ErrorEnvelope";
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let schema_of = |status: &str| {
                responses[status]["content"]["application/json"]["schema"]["$ref"].as_str()
            };
            let public = path == "/api/v1/sign-in";
            if public {
                assert_eq!(op["security"], serde_json::json!([]), "{method} {path}");
            } else {
                assert!(
                    op.get("security").is_none(),
                    "{method} {path} uses the global bearer"
                );
                for status in ["401", "403"] {
                    assert_eq!(
                        schema_of(status),
                        Some(error_ref),
                        "{method} {path} {status}"
                    );
                }
            }
            let takes_input = op.get("requestBody").is_some()
                || op["parameters"].as_array().is_some_and(|p| !p.is_empty());
            if takes_input {
                assert_eq!(schema_of("422"), Some(error_ref), "{method} {path}");
            }
            if let Some(body) = op.get("requestBody") {
                assert!(
                    body["content"]["application/json"]["schema"].is_object(),
                    "{method} {path}: request schema"
                );
            }
            let success: Vec<_> = responses.keys().filter(|s| s.starts_with('2')).collect();
            assert!(
                !success.is_empty() || responses.contains_key("101"),
                "{method} {path} documents its success"
            );
            for s in success {
                if s != "204" && path != "/api/v1/openapi.json" {
                    assert!(
                        responses[s]["content"]["application/json"]["schema"].is_object(),
                        "{method} {path} {s}: response schema"
                    );
                }
            }
        }
    }
}
