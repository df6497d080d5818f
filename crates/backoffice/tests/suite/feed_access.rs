//! A1, A2 for the supervisors' live view: who may open the feed, and how bad call
//! reports are answered.

use axum::http::{Method, StatusCode};
use backoffice::auth::Role;
use serde_json::json;

use crate::api::{call, token_for};
use crate::feed_client::*;
use crate::harness::{backend_tests, Ctx, ACCOUNT};

backend_tests!(
    a01_agents_cannot_open_the_supervisor_feed,
    a02_bad_call_report_is_refused_and_changes_nothing,
);

async fn a01_agents_cannot_open_the_supervisor_feed(t: &Ctx) {
    let s = serve(t).await;
    let agent = token_for(t, &s.app, ACCOUNT, "agnes", Role::Agent).await;
    let admin = token_for(t, &s.app, ACCOUNT, "ada", Role::Administrator).await;
    assert_eq!(refused(s.addr, "", Cred::None).await, 401);
    assert_eq!(refused(s.addr, "", Cred::Header("not-a-token")).await, 401);
    assert_eq!(refused(s.addr, "", Cred::Query("not-a-token")).await, 401);
    assert_eq!(refused(s.addr, "", Cred::Header(&agent)).await, 403);
    assert_eq!(refused(s.addr, "", Cred::Query(&agent)).await, 403);
    assert_eq!(refused(s.addr, "", Cred::Subprotocol(&agent)).await, 403);
    let (status, b) = call(
        &s.app,
        Method::GET,
        "/api/v1/supervisor/feed",
        Some(&agent),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(b["error"]["rule"], "A1");
    let (status, _) = call(&s.app, Method::GET, "/api/v1/supervisor/feed", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Signed out, the token opens nothing.
    call(&s.app, Method::POST, "/api/v1/sign-out", Some(&admin), None).await;
    assert_eq!(refused(s.addr, "", Cred::Header(&admin)).await, 401);
    let sup = token_for(t, &s.app, ACCOUNT, "sam", Role::Supervisor).await;
    let mut ws = open(s.addr, "", Cred::Header(&sup))
        .await
        .expect("a supervisor may");
    next_of(&mut ws, "snapshot").await;
    let mut other = open(s.addr, "", Cred::Query(&sup)).await.unwrap();
    next_of(&mut other, "snapshot").await;
    // Signing out closes the feeds opened with that session, within 1 s.
    let again = token_for_existing(&s.app, "sam").await;
    let mut kept = open(s.addr, "", Cred::Header(&again)).await.unwrap();
    next_of(&mut kept, "snapshot").await;
    call(&s.app, Method::POST, "/api/v1/sign-out", Some(&sup), None).await;
    assert_eq!(closed(&mut ws).await, 4401);
    assert_eq!(closed(&mut other).await, 4401);
    let agent_presence = presence(&s.app, &agent, "Busy").await;
    assert_eq!(agent_presence, StatusCode::NO_CONTENT);
    assert_eq!(
        next_of(&mut kept, "presence").await["presence"]["status"],
        "Busy",
        "another session of the same supervisor stays open"
    );
    close(kept).await;

    // A session that expires closes its feed too (its life is read from the clock).
    let late = token_for_existing(&s.app, "sam").await;
    let lifetime = backoffice::auth::SESSION_LIFETIME;
    t.clock
        .advance(lifetime - std::time::Duration::from_millis(300));
    let mut expiring = open(s.addr, "", Cred::Header(&late)).await.unwrap();
    next_of(&mut expiring, "snapshot").await;
    assert_eq!(closed(&mut expiring).await, 4401);
}

async fn a02_bad_call_report_is_refused_and_changes_nothing(t: &Ctx) {
    let s = serve(t).await;
    let agnes = token_for(t, &s.app, ACCOUNT, "agnes", Role::Agent).await;
    let bob = token_for(t, &s.app, ACCOUNT, "bob", Role::Agent).await;
    let sup = token_for(t, &s.app, ACCOUNT, "sam", Role::Supervisor).await;
    report_ok(&s.app, &agnes, "a1", "Talking", "Inbound").await;
    let before = t.bo.ongoing_calls(ACCOUNT);
    let mut ws = open(s.addr, "", Cred::Header(&sup)).await.unwrap();
    assert_eq!(ids(&next_of(&mut ws, "snapshot").await["calls"]), ["a1"]);

    let good = json!({"call_id": "a1", "state": "OnHold", "direction": "Inbound", "queue": "sales", "recording": false});
    let with = |k: &str, v: serde_json::Value| {
        let mut b = good.clone();
        b[k] = v;
        b
    };
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("recording");
    let cases = [
        (with("state", json!("Dancing")), "state", "S1"),
        (with("state", json!("talking")), "state", "S1"),
        (with("direction", json!("Sideways")), "direction", "S1"),
        (with("call_id", json!("")), "call_id", "A2"),
        (with("call_id", json!("a/1")), "call_id", "A2"),
        (with("call_id", json!("x".repeat(129))), "call_id", "A2"),
        (with("queue", json!(" ")), "queue", "A2"),
        (with("recording", json!("yes")), "body", "A2"),
        (with("listen", json!(true)), "body", "A2"),
        (missing, "body", "A2"),
    ];
    for (body, field, rule) in cases {
        let (status, b) = report(&s.app, &agnes, body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {b}");
        assert_eq!(
            (b["error"]["field"].as_str(), b["error"]["rule"].as_str()),
            (Some(field), Some(rule)),
            "{body}"
        );
    }
    // A1: bob may not report agnes's call, nor end it.
    for state in ["OnHold", "Ended"] {
        let (status, b) = report(&s.app, &bob, with("state", json!(state))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}");
        assert_eq!(
            (b["error"]["field"].as_str(), b["error"]["rule"].as_str()),
            (Some("call_id"), Some("A1"))
        );
    }
    assert_eq!(
        report(&s.app, "not-a-token", good.clone()).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, b) = call(
        &s.app,
        Method::PUT,
        "/api/v1/me/presence",
        Some(&agnes),
        Some(json!({"status": "Asleep"})),
    )
    .await;
    assert_eq!(
        (status, b["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("status"))
    );

    assert_eq!(t.bo.ongoing_calls(ACCOUNT), before, "nothing changed");
    assert!(
        t.bo.agents_presence(ACCOUNT).is_empty(),
        "no presence was set"
    );
    // The feed heard nothing: the first thing it hears is the next good change.
    presence(&s.app, &bob, "Away").await;
    assert_eq!(
        next_of(&mut ws, "presence").await["presence"]["agent_name"],
        "bob"
    );
    close(ws).await;
}
