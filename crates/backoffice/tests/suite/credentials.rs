//! V1: termination credentials of voice connectors are validated, stored only as their
//! digest (never the password), and never shown again after they are set, only masked.

use axum::http::{Method, StatusCode};
use backoffice::auth::Role;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::api::{call, token_for};
use crate::harness::{backend_tests, Ctx, ACCOUNT};

backend_tests!(
    v01_termination_credentials_are_write_only_stored_as_digests_and_shown_masked,
    v01_bad_credentials_name_the_field_and_the_rule_and_change_nothing,
);

const SECRET: &str = "Trunk-Passw0rd-42";

fn settings(credentials: Value) -> Value {
    json!({"name": "Seattle trunk",
           "termination": {"enabled": true, "allowed_networks": ["203.0.113.0/24"],
                           "calling_countries": ["US"], "default_caller": null,
                           "credentials": credentials},
           "origination": {"enabled": false, "routes": []}})
}

/// What the database holds for the connector: (username, digest).
async fn stored(t: &Ctx, id: &str) -> Vec<(String, String)> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&t.url).await.unwrap();
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT username, ha1_sha256 FROM termination_credentials WHERE voice_connector_id = $1 ORDER BY username",
    )
    .bind(id)
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows
}

fn ha1(user: &str, realm: &str, password: &str) -> String {
    Sha256::digest(format!("{user}:{realm}:{password}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn v01_termination_credentials_are_write_only_stored_as_digests_and_shown_masked(t: &Ctx) {
    let app = backoffice::api::router(t.bo.clone());
    let tk = token_for(t, &app, ACCOUNT, "ada", Role::Administrator).await;
    let body = settings(json!([{"username": "pbx1", "password": SECRET}]));
    let (status, vc) = call(
        &app,
        Method::POST,
        "/api/v1/voice-connectors",
        Some(&tk),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{vc}");
    assert!(!vc.to_string().contains(SECRET), "{vc}");
    assert_eq!(
        vc["termination"]["credentials"],
        json!([{"username": "pbx1", "password": "********"}])
    );
    let id = vc["id"].as_str().unwrap();
    let path = format!("/api/v1/voice-connectors/{id}");
    let realm = format!("{id}.voice-connector");
    let first = ha1("pbx1", &realm, SECRET);
    assert_eq!(
        stored(t, id).await,
        vec![("pbx1".to_owned(), first.clone())]
    );

    for (method, p) in [
        (Method::GET, path.clone()),
        (Method::GET, "/api/v1/voice-connectors".into()),
    ] {
        let (status, v) = call(&app, method, &p, Some(&tk), None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!v.to_string().contains(SECRET), "{v}");
    }

    // Without a password (or with the mask, as read back) a credential keeps its
    // digest; a new one is set; one left out is removed.
    let body = settings(json!([{"username": "pbx1", "password": "********"},
                               {"username": "pbx2", "password": "Another-Passw0rd"}]));
    let (status, v) = call(&app, Method::PUT, &path, Some(&tk), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        stored(t, id).await,
        vec![
            ("pbx1".to_owned(), first.clone()),
            ("pbx2".to_owned(), ha1("pbx2", &realm, "Another-Passw0rd"))
        ]
    );
    let body = settings(json!([{"username": "pbx2"}]));
    let (status, v) = call(&app, Method::PUT, &path, Some(&tk), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        v["termination"]["credentials"],
        json!([{"username": "pbx2", "password": "********"}])
    );
    assert_eq!(stored(t, id).await.len(), 1);
    let (status, _) = call(
        &app,
        Method::PUT,
        &path,
        Some(&tk),
        Some(settings(json!([]))),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(stored(t, id).await.is_empty());
}

async fn v01_bad_credentials_name_the_field_and_the_rule_and_change_nothing(t: &Ctx) {
    let app = backoffice::api::router(t.bo.clone());
    let tk = token_for(t, &app, ACCOUNT, "ada", Role::Administrator).await;
    let body = settings(json!([{"username": "pbx1", "password": SECRET}]));
    let (_, vc) = call(
        &app,
        Method::POST,
        "/api/v1/voice-connectors",
        Some(&tk),
        Some(body),
    )
    .await;
    let id = vc["id"].as_str().unwrap();
    let path = format!("/api/v1/voice-connectors/{id}");
    let before = stored(t, id).await;
    let cases = [
        (
            json!([{"username": "pbx3"}]),
            "termination.credentials.password",
        ),
        (
            json!([{"username": "pbx1", "password": "short1A"}]),
            "termination.credentials.password",
        ),
        (
            json!([{"username": "pbx1", "password": "alllowercase-and-long"}]),
            "termination.credentials.password",
        ),
        (
            json!([{"username": "pbx 1", "password": SECRET}]),
            "termination.credentials.username",
        ),
        (
            json!([{"username": "pbx1", "password": SECRET}, {"username": "pbx1"}]),
            "termination.credentials.username",
        ),
    ];
    for (creds, field) in cases {
        let (status, e) = call(
            &app,
            Method::PUT,
            &path,
            Some(&tk),
            Some(settings(creds.clone())),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{creds}: {e}");
        assert_eq!(
            (e["error"]["field"].as_str(), e["error"]["rule"].as_str()),
            (Some(field), Some("V1")),
            "{creds}: {e}"
        );
        assert_eq!(stored(t, id).await, before, "{creds} changed nothing");
    }
    let mut body = settings(json!([{"username": "pbx9"}]));
    body["name"] = json!("Portland trunk");
    let (status, e) = call(
        &app,
        Method::POST,
        "/api/v1/voice-connectors",
        Some(&tk),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(
        e["error"]["field"], "termination.credentials.password",
        "{e}"
    );
    assert_eq!(t.bo.voice_connectors(ACCOUNT).await.unwrap().len(), 1);
}
