//! A1, A2 through the HTTP API: who reaches what, and how bad input is answered.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use backoffice::auth::Role;
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::harness::{backend_tests, Ctx, ACCOUNT};

backend_tests!(
    a01_every_route_is_authenticated_and_authorised_by_role,
    a01_sign_in_sign_out_and_expiry,
    a01_an_account_never_sees_another_accounts_data,
    a02_bad_input_names_the_field_and_the_rule_and_changes_nothing,
);

pub const PASSWORD: &str = "correct horse battery";

pub async fn call(
    app: &Router,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req
            .header("content-type", "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
        .await
        .unwrap();
    let value = if bytes.is_empty() {
        Value::Null
    } else {
        // axum's own refusals (a WebSocket handshake that is not one) are plain text.
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    (status, value)
}

pub async fn token_for(t: &Ctx, app: &Router, account: &str, username: &str, role: Role) -> String {
    t.bo.create_user(account, username, PASSWORD, role)
        .await
        .unwrap();
    let (status, body) = call(
        app,
        Method::POST,
        "/api/v1/sign-in",
        None,
        Some(json!({"username": username, "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["me"]["role"], role.as_str());
    body["token"].as_str().unwrap().to_owned()
}

async fn a01_every_route_is_authenticated_and_authorised_by_role(t: &Ctx) {
    let app = backoffice::api::router(t.bo.clone());
    let number = t.free_local_numbers(1).await.remove(0);
    let order = json!({"product_type": "BusinessCalling", "numbers": [number]});
    let emergency = json!({"emergency_routing_number": "+12065550911", "test_routing_number": null,
                           "country": "US", "call_send_method": "DNIS"});
    // (method, path, body, least role, status for a role that reaches it)
    let routes: Vec<(Method, &str, Option<Value>, Role, StatusCode)> = vec![
        (Method::GET, "/api/v1/me", None, Role::Agent, StatusCode::OK),
        (
            Method::GET,
            "/api/v1/me/lease",
            None,
            Role::Agent,
            StatusCode::OK,
        ),
        (
            Method::POST,
            "/api/v1/me/lease",
            None,
            Role::Agent,
            StatusCode::OK,
        ),
        (
            Method::POST,
            "/api/v1/me/lease/end-call",
            None,
            Role::Agent,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            "/api/v1/numbers",
            None,
            Role::Administrator,
            StatusCode::OK,
        ),
        (
            Method::GET,
            "/api/v1/numbers/search?country=US&area_code=206",
            None,
            Role::Administrator,
            StatusCode::OK,
        ),
        (
            Method::GET,
            "/api/v1/numbers/+12065550100",
            None,
            Role::Administrator,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            "/api/v1/orders",
            None,
            Role::Administrator,
            StatusCode::OK,
        ),
        (
            Method::POST,
            "/api/v1/orders",
            Some(order),
            Role::Administrator,
            StatusCode::ACCEPTED,
        ),
        (
            Method::GET,
            "/api/v1/orders/ord-none",
            None,
            Role::Administrator,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            "/api/v1/callback-pool",
            None,
            Role::Administrator,
            StatusCode::OK,
        ),
        (
            Method::GET,
            "/api/v1/voice-connectors",
            None,
            Role::Administrator,
            StatusCode::OK,
        ),
        (
            Method::GET,
            "/api/v1/voice-connectors/vc-none",
            None,
            Role::Administrator,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::PUT,
            "/api/v1/voice-connectors/vc-none",
            Some(json!({})),
            Role::Administrator,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::POST,
            "/api/v1/voice-connectors",
            Some(json!({})),
            Role::Administrator,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::PUT,
            "/api/v1/voice-connectors/vc-none/emergency",
            Some(emergency),
            Role::Administrator,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::DELETE,
            "/api/v1/voice-connectors/vc-none/emergency",
            None,
            Role::Administrator,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            "/api/v1/orders/pending",
            None,
            Role::Administrator,
            StatusCode::OK,
        ),
        (
            Method::GET,
            "/api/v1/deletion-queue",
            None,
            Role::Administrator,
            StatusCode::OK,
        ),
        (
            Method::POST,
            "/api/v1/deletion-queue",
            Some(json!({"numbers": []})),
            Role::Administrator,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::POST,
            "/api/v1/deletion-queue/restore",
            Some(json!({"numbers": []})),
            Role::Administrator,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::POST,
            "/api/v1/numbers/+12065550100/unassign",
            None,
            Role::Administrator,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            "/api/v1/numbers/+12065550100/assign",
            Some(json!({"user_id": "u"})),
            Role::Administrator,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            "/api/v1/numbers/product-type",
            Some(json!({"numbers": [], "product_type": "VoiceConnector"})),
            Role::Administrator,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::POST,
            "/api/v1/callback-pool",
            Some(json!({"numbers": []})),
            Role::Administrator,
            StatusCode::OK,
        ),
        (
            Method::POST,
            "/api/v1/callback-pool/remove",
            Some(json!({"numbers": []})),
            Role::Administrator,
            StatusCode::OK,
        ),
        (
            Method::POST,
            "/api/v1/me/emergency",
            Some(json!({"callback_number": "+12065550142", "location": "1 Main St"})),
            Role::Agent,
            StatusCode::CREATED,
        ),
        (
            Method::POST,
            "/api/v1/me/emergency/end",
            None,
            Role::Agent,
            StatusCode::NO_CONTENT,
        ),
        (
            Method::GET,
            "/api/v1/alerts",
            None,
            Role::Supervisor,
            StatusCode::OK,
        ),
        (
            Method::POST,
            "/api/v1/alerts/alert-none/acknowledge",
            None,
            Role::Supervisor,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            "/api/v1/port-ins",
            None,
            Role::Administrator,
            StatusCode::OK,
        ),
        (
            Method::POST,
            "/api/v1/port-ins",
            Some(json!({})),
            Role::Administrator,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::GET,
            "/api/v1/port-ins/port-none",
            None,
            Role::Administrator,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::PUT,
            "/api/v1/port-ins/port-none/loas",
            Some(json!({"carrier": "X"})),
            Role::Administrator,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            "/api/v1/port-ins/port-none/carrier-events",
            Some(json!({"event": "completed"})),
            Role::Administrator,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            "/api/v1/port-ins/port-none/resubmit",
            None,
            Role::Administrator,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            "/api/v1/port-ins/port-none/cancel",
            None,
            Role::Administrator,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            "/api/v1/me/calls",
            // Ended: every role may send it for the same call id (a live one is its owner's).
            Some(
                json!({"call_id": "c-1", "state": "Ended", "direction": "Inbound", "recording": false}),
            ),
            Role::Agent,
            StatusCode::NO_CONTENT,
        ),
        (
            Method::PUT,
            "/api/v1/me/presence",
            Some(json!({"status": "Available"})),
            Role::Agent,
            StatusCode::NO_CONTENT,
        ),
        // Reached, but a plain GET is not a WebSocket handshake.
        (
            Method::GET,
            "/api/v1/supervisor/feed",
            None,
            Role::Supervisor,
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::GET,
            "/api/v1/openapi.json",
            None,
            Role::Agent,
            StatusCode::OK,
        ),
        (
            Method::GET,
            "/api/v1/users",
            None,
            Role::Administrator,
            StatusCode::OK,
        ),
        (
            Method::POST,
            "/api/v1/users",
            Some(json!({})),
            Role::Administrator,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::GET,
            "/api/v1/leases",
            None,
            Role::Administrator,
            StatusCode::OK,
        ),
        // Last: it ends each role's session.
        (
            Method::POST,
            "/api/v1/sign-out",
            None,
            Role::Agent,
            StatusCode::NO_CONTENT,
        ),
    ];
    // Every route the router serves is in this matrix; sign-in, the one public route,
    // is proven in a01_sign_in_sign_out_and_expiry.
    let covered = |method: &str, pattern: &str| {
        routes.iter().any(|(m, path, ..)| {
            let path = path.split('?').next().unwrap_or(path);
            let (a, b): (Vec<_>, Vec<_>) =
                (path.split('/').collect(), pattern.split('/').collect());
            m.as_str() == method
                && a.len() == b.len()
                && a.iter().zip(&b).all(|(x, y)| x == y || y.starts_with('{'))
        })
    };
    for (method, pattern) in crate::openapi::served_routes() {
        if pattern != "/api/v1/sign-in" {
            assert!(
                covered(&method, &pattern),
                "{method} {pattern} is missing from the A1 matrix"
            );
        }
    }
    let mut tokens = Vec::new();
    for (name, role) in [
        ("agnes", Role::Agent),
        ("sam", Role::Supervisor),
        ("ada", Role::Administrator),
    ] {
        tokens.push((role, token_for(t, &app, ACCOUNT, name, role).await));
    }
    for (method, path, body, least, ok) in routes {
        for token in [None, Some("not-a-token")] {
            let (status, b) = call(&app, method.clone(), path, token, body.clone()).await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} with {token:?}: {b}"
            );
            assert_eq!(
                (b["error"]["code"].as_str(), b["error"]["rule"].as_str()),
                (Some("unauthenticated"), Some("A1"))
            );
        }
        for (role, token) in &tokens {
            let (status, b) = call(&app, method.clone(), path, Some(token), body.clone()).await;
            let want = if role.includes(least) {
                ok
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(status, want, "{role} {method} {path}: {b}");
            if want == StatusCode::FORBIDDEN {
                assert_eq!(b["error"]["code"], "forbidden");
                assert!(
                    b["error"]["message"]
                        .as_str()
                        .unwrap()
                        .contains(least.as_str()),
                    "{b}"
                );
            }
        }
    }
    // Only the administrator's order went through.
    assert_eq!(t.bo.orders(ACCOUNT).await.unwrap().len(), 1);
}

async fn a01_sign_in_sign_out_and_expiry(t: &Ctx) {
    let app = backoffice::api::router(t.bo.clone());
    let token = token_for(t, &app, ACCOUNT, "agnes", Role::Agent).await;
    let wrong_pw = call(
        &app,
        Method::POST,
        "/api/v1/sign-in",
        None,
        Some(json!({"username": "agnes", "password": "nope nope nope"})),
    )
    .await;
    let no_user = call(
        &app,
        Method::POST,
        "/api/v1/sign-in",
        None,
        Some(json!({"username": "nobody", "password": PASSWORD})),
    )
    .await;
    assert_eq!(wrong_pw.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong_pw, no_user,
        "a wrong password and an unknown user get the same answer"
    );

    assert_eq!(
        call(&app, Method::GET, "/api/v1/me", Some(&token), None)
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        call(&app, Method::POST, "/api/v1/sign-out", Some(&token), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call(&app, Method::GET, "/api/v1/me", Some(&token), None)
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );

    let (_, body) = call(
        &app,
        Method::POST,
        "/api/v1/sign-in",
        None,
        Some(json!({"username": "agnes", "password": PASSWORD})),
    )
    .await;
    let token = body["token"].as_str().unwrap().to_owned();
    t.clock.advance(backoffice::auth::SESSION_LIFETIME);
    assert_eq!(
        call(&app, Method::GET, "/api/v1/me", Some(&token), None)
            .await
            .0,
        StatusCode::UNAUTHORIZED,
        "expired"
    );

    let err =
        t.bo.create_user(ACCOUNT, "agnes", PASSWORD, Role::Agent)
            .await
            .unwrap_err();
    assert!(
        matches!(
            err,
            backoffice::Error::Conflict {
                field: "username",
                rule: "A1",
                ..
            }
        ),
        "{err}"
    );
    let err =
        t.bo.create_user(ACCOUNT, "short", "12345", Role::Agent)
            .await
            .unwrap_err();
    assert!(
        matches!(
            err,
            backoffice::Error::Invalid {
                field: "password",
                rule: "A1",
                ..
            }
        ),
        "{err}"
    );
}

async fn a01_an_account_never_sees_another_accounts_data(t: &Ctx) {
    let app = backoffice::api::router(t.bo.clone());
    t.bo.create_account("globex", "Globex").await.unwrap();
    let ours = token_for(t, &app, ACCOUNT, "ada", Role::Administrator).await;
    let theirs = token_for(t, &app, "globex", "hank", Role::Administrator).await;
    let number = t.free_local_numbers(1).await.remove(0);
    let (status, order) = call(
        &app,
        Method::POST,
        "/api/v1/orders",
        Some(&ours),
        Some(json!({"product_type": "VoiceConnector", "numbers": [number]})),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{order}");
    let id = order["id"].as_str().unwrap();
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/api/v1/orders/{id}"),
        Some(&theirs),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(
        &app,
        Method::GET,
        &format!("/api/v1/numbers/{number}"),
        Some(&theirs),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, inv) = call(&app, Method::GET, "/api/v1/numbers", Some(&theirs), None).await;
    assert_eq!(inv, json!([]));
    let (_, inv) = call(&app, Method::GET, "/api/v1/numbers", Some(&ours), None).await;
    assert_eq!(inv[0]["status"], "AcquireInProgress");
}

async fn a02_bad_input_names_the_field_and_the_rule_and_changes_nothing(t: &Ctx) {
    let app = backoffice::api::router(t.bo.clone());
    let admin = token_for(t, &app, ACCOUNT, "ada", Role::Administrator).await;
    let tf: Vec<String> = {
        let mut q = backoffice::numbers::SearchQuery::country("US");
        q.toll_free_prefix = Some("877".into());
        t.bo.search_numbers(&q)
            .await
            .unwrap()
            .into_iter()
            .take(1)
            .map(|n| n.e164)
            .collect()
    };
    let many = t.free_local_numbers(26).await;
    let cases = vec![
        (
            json!({"product_type": "BusinessCalling"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "body",
            "A2",
        ),
        (
            json!({"product_type": "BusinessCalling", "numbers": ["+1"], "extra": 1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "body",
            "A2",
        ),
        (
            json!({"product_type": "Fax", "numbers": ["+12065550100"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "product_type",
            "N1",
        ),
        (
            json!({"product_type": "BusinessCalling", "numbers": ["206-555-0100"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "numbers",
            "N4",
        ),
        (
            json!({"product_type": "BusinessCalling", "numbers": tf}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "product_type",
            "N1",
        ),
        (
            json!({"product_type": "BusinessCalling", "numbers": many}),
            StatusCode::CONFLICT,
            "numbers",
            "N5",
        ),
    ];
    for (body, want, field, rule) in cases {
        let (status, b) = call(
            &app,
            Method::POST,
            "/api/v1/orders",
            Some(&admin),
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, want, "{body}: {b}");
        assert_eq!(
            (b["error"]["field"].as_str(), b["error"]["rule"].as_str()),
            (Some(field), Some(rule)),
            "{b}"
        );
        assert!(!b["error"]["message"].as_str().unwrap().is_empty());
    }
    let (status, b) = call(
        &app,
        Method::GET,
        "/api/v1/numbers/search?country=US&toll_free_prefix=811",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (b["error"]["field"].as_str(), b["error"]["rule"].as_str()),
        (Some("toll_free_prefix"), Some("N3"))
    );
    let (_, inv) = call(&app, Method::GET, "/api/v1/numbers", Some(&admin), None).await;
    assert_eq!(inv, json!([]), "nothing changed");
    assert!(t.bo.orders(ACCOUNT).await.unwrap().is_empty());
}
