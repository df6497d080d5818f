//! The administrators' procedures of seed 002 (numbers) and seed 000 (emergency routing
//! numbers), end to end through the HTTP API.

use axum::http::{Method, StatusCode};
use axum::Router;
use backoffice::auth::Role;
use serde_json::{json, Value};

use crate::api::{call, token_for};
use crate::harness::{backend_tests, Ctx, ACCOUNT};

backend_tests!(
    n04_api_provision_numbers_then_orders_pending_and_inventory,
    n07_n09_n10_api_assign_change_type_delete_and_restore,
    v02_api_emergency_routing_numbers_for_a_voice_connector,
    n06_api_port_in_with_letters_and_the_embedded_carrier,
);

async fn admin(t: &Ctx) -> (Router, String) {
    let app = backoffice::api::router(t.bo.clone());
    let token = token_for(t, &app, ACCOUNT, "ada", Role::Administrator).await;
    (app, token)
}

async fn ok(app: &Router, method: Method, path: &str, token: &str, body: Option<Value>) -> Value {
    let (status, b) = call(app, method.clone(), path, Some(token), body).await;
    assert!(status.is_success(), "{method} {path}: {status} {b}");
    b
}

async fn n04_api_provision_numbers_then_orders_pending_and_inventory(t: &Ctx) {
    let (app, tk) = admin(t).await;
    let found = ok(
        &app,
        Method::GET,
        "/api/v1/numbers/search?country=US&city=Seattle&limit=2",
        &tk,
        None,
    )
    .await;
    let picked: Vec<String> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["e164"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(picked.len(), 2);
    let order = ok(
        &app,
        Method::POST,
        "/api/v1/orders",
        &tk,
        Some(json!({"product_type": "BusinessCalling", "numbers": picked})),
    )
    .await;
    assert_eq!(order["status"], "Processing");
    let pending = ok(&app, Method::GET, "/api/v1/orders/pending", &tk, None).await;
    assert_eq!(pending.as_array().unwrap().len(), 2);
    t.bo.complete_pending_orders().await.unwrap();
    let id = order["id"].as_str().unwrap();
    let done = ok(
        &app,
        Method::GET,
        &format!("/api/v1/orders/{id}"),
        &tk,
        None,
    )
    .await;
    assert_eq!(done["status"], "Successful");
    assert!(done["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["status"] == "Successful"));
    assert_eq!(
        ok(&app, Method::GET, "/api/v1/orders/pending", &tk, None).await,
        json!([])
    );
    let inv = ok(&app, Method::GET, "/api/v1/numbers", &tk, None).await;
    assert!(inv
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["status"] == "Unassigned" && n["product_type"] == "BusinessCalling"));
    let details = ok(
        &app,
        Method::GET,
        &format!("/api/v1/numbers/{}", picked[0]),
        &tk,
        None,
    )
    .await;
    assert_eq!(details["history"].as_array().unwrap().len(), 2);
    assert_eq!(details["history"][0]["actor"], "user:ada");
    assert_eq!(details["calling_enabled"], true);
}

async fn n07_n09_n10_api_assign_change_type_delete_and_restore(t: &Ctx) {
    let (app, tk) = admin(t).await;
    let n = t
        .owned(2, backoffice::numbers::ProductType::BusinessCalling)
        .await;
    let a = ok(
        &app,
        Method::POST,
        &format!("/api/v1/numbers/{}/assign", n[0]),
        &tk,
        Some(json!({"user_id": "agent-1"})),
    )
    .await;
    assert_eq!(
        (a["status"].as_str(), a["assigned_user"].as_str()),
        (Some("Assigned"), Some("agent-1"))
    );
    let (status, b) = call(
        &app,
        Method::POST,
        "/api/v1/deletion-queue",
        Some(&tk),
        Some(json!({"numbers": n})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{b}");
    assert_eq!(
        (b["error"]["field"].as_str(), b["error"]["rule"].as_str()),
        (Some("numbers"), Some("N10"))
    );
    let (status, b) = call(
        &app,
        Method::POST,
        &format!("/api/v1/numbers/{}/assign", n[1]),
        Some(&tk),
        Some(json!({"user_id": "a", "voice_connector_id": "b"})),
    )
    .await;
    assert_eq!(
        (status, b["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("body"))
    );

    ok(
        &app,
        Method::POST,
        &format!("/api/v1/numbers/{}/unassign", n[0]),
        &tk,
        None,
    )
    .await;
    let changed = ok(
        &app,
        Method::POST,
        "/api/v1/numbers/product-type",
        &tk,
        Some(json!({"numbers": n, "product_type": "VoiceConnector"})),
    )
    .await;
    assert!(changed
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["product_type"] == "VoiceConnector"));

    let queued = ok(
        &app,
        Method::POST,
        "/api/v1/deletion-queue",
        &tk,
        Some(json!({"numbers": n})),
    )
    .await;
    assert!(queued
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["status"] == "DeleteInProgress" && x["purge_at_ms"].is_i64()));
    assert_eq!(
        ok(&app, Method::GET, "/api/v1/deletion-queue", &tk, None)
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        ok(&app, Method::GET, "/api/v1/numbers", &tk, None).await,
        json!([])
    );
    let back = ok(
        &app,
        Method::POST,
        "/api/v1/deletion-queue/restore",
        &tk,
        Some(json!({"numbers": [n[0]]})),
    )
    .await;
    assert_eq!(
        (back[0]["status"].as_str(), back[0]["product_type"].as_str()),
        (Some("Unassigned"), Some("VoiceConnector"))
    );
    assert_eq!(
        ok(&app, Method::GET, "/api/v1/deletion-queue", &tk, None)
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

fn settings(name: &str, origination: bool) -> Value {
    json!({
        "name": name,
        "termination": {"enabled": true, "allowed_networks": ["203.0.113.0/24"], "calling_countries": ["US"], "default_caller": null},
        "origination": {"enabled": origination, "routes": if origination {
            json!([{"host": "sbc.example.net", "port": 5061, "protocol": "TLS", "priority": 1, "weight": 10}])
        } else { json!([]) }},
    })
}

async fn v02_api_emergency_routing_numbers_for_a_voice_connector(t: &Ctx) {
    let (app, tk) = admin(t).await;
    let (status, vc) = call(
        &app,
        Method::POST,
        "/api/v1/voice-connectors",
        Some(&tk),
        Some(settings("Seattle", false)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{vc}");
    let path = format!(
        "/api/v1/voice-connectors/{}/emergency",
        vc["id"].as_str().unwrap()
    );
    let config = json!({"emergency_routing_number": "+12065550911", "test_routing_number": "+12065550933", "country": "US", "call_send_method": "DNIS"});
    let (status, b) = call(&app, Method::PUT, &path, Some(&tk), Some(config.clone())).await;
    assert_eq!(status, StatusCode::CONFLICT, "{b}");
    assert_eq!(
        (b["error"]["field"].as_str(), b["error"]["rule"].as_str()),
        (Some("origination.enabled"), Some("V2"))
    );

    let vc_path = format!("/api/v1/voice-connectors/{}", vc["id"].as_str().unwrap());
    ok(
        &app,
        Method::PUT,
        &vc_path,
        &tk,
        Some(settings("Seattle", true)),
    )
    .await;
    let mut bad = config.clone();
    bad["emergency_routing_number"] = json!("911");
    let (status, b) = call(&app, Method::PUT, &path, Some(&tk), Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (b["error"]["field"].as_str(), b["error"]["rule"].as_str()),
        (Some("emergency_routing_number"), Some("V2"))
    );
    let mut bad = config.clone();
    bad["country"] = json!("MX");
    let (_, b) = call(&app, Method::PUT, &path, Some(&tk), Some(bad)).await;
    assert_eq!(b["error"]["field"], "country");

    let set = ok(&app, Method::PUT, &path, &tk, Some(config.clone())).await;
    assert_eq!(set["emergency"], config);
    assert_eq!(
        ok(&app, Method::GET, &vc_path, &tk, None).await["emergency"],
        config
    );
    let removed = ok(&app, Method::DELETE, &path, &tk, None).await;
    assert_eq!(removed["emergency"], Value::Null);
}

async fn n06_api_port_in_with_letters_and_the_embedded_carrier(t: &Ctx) {
    let (app, tk) = admin(t).await;
    let body = json!({
        "product_type": "VoiceConnector",
        "numbers": [{"e164": "+12065550181", "carrier": "Lumen"}],
        "loas": [{"carrier": "Lumen", "authorized_name": "Jane Roe", "billing_telephone_number": "+12065550100",
                  "service_address": "1 Main St, Seattle, WA 98101"}],
    });
    let (status, req) = call(
        &app,
        Method::POST,
        "/api/v1/port-ins",
        Some(&tk),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{req}");
    assert_eq!(req["state"], "PendingDocuments");
    assert!(
        req["note"].as_str().unwrap().contains("account_number"),
        "{req}"
    );
    let base = format!("/api/v1/port-ins/{}", req["id"].as_str().unwrap());
    let letter = json!({"carrier": "Lumen", "authorized_name": "Jane Roe", "billing_telephone_number": "+12065550100",
                        "service_address": "1 Main St, Seattle, WA 98101", "account_number": "AC-1"});
    assert_eq!(
        ok(
            &app,
            Method::PUT,
            &format!("{base}/loas"),
            &tk,
            Some(letter)
        )
        .await["state"],
        "Submitted"
    );
    let foc = backoffice::Clock::now(&t.clock).plus(std::time::Duration::from_secs(6 * 3600));
    let event = json!({"event": "firm_order_commitment", "at_ms": foc.as_millis()});
    let r = ok(
        &app,
        Method::POST,
        &format!("{base}/carrier-events"),
        &tk,
        Some(event),
    )
    .await;
    assert_eq!(
        (r["state"].as_str(), r["foc_at_ms"].as_i64()),
        (Some("FirmOrderCommitment"), Some(foc.as_millis()))
    );
    t.clock.advance(std::time::Duration::from_secs(6 * 3600));
    let done = ok(
        &app,
        Method::POST,
        &format!("{base}/carrier-events"),
        &tk,
        Some(json!({"event": "completed"})),
    )
    .await;
    assert_eq!(done["state"], "Completed");
    let inv = ok(&app, Method::GET, "/api/v1/numbers", &tk, None).await;
    assert_eq!(
        (inv[0]["e164"].as_str(), inv[0]["status"].as_str()),
        (Some("+12065550181"), Some("Unassigned"))
    );
    let (status, b) = call(
        &app,
        Method::POST,
        &format!("{base}/cancel"),
        Some(&tk),
        None,
    )
    .await;
    assert_eq!(
        (status, b["error"]["rule"].as_str()),
        (StatusCode::CONFLICT, Some("N6"))
    );
    assert_eq!(
        ok(&app, Method::GET, "/api/v1/port-ins", &tk, None)
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
