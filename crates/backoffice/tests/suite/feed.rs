//! S1, S2: the supervisors' live feed over a real WebSocket on loopback.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use backoffice::auth::Role;
use serde_json::json;

use crate::api::{call, token_for};
use crate::feed_client::*;
use crate::harness::{backend_tests, Ctx, ACCOUNT, T0};

backend_tests!(
    s01_supervisor_feed_sends_a_snapshot_then_changes_within_a_second,
    s01_feed_filters_by_agent_and_state,
    s02_emergency_call_appears_only_as_an_alert_and_leaves_nothing,
);

const LOCATION: &str = "1 Main St, Floor 3, Suite 300, Seattle, WA 98101";

async fn s01_supervisor_feed_sends_a_snapshot_then_changes_within_a_second(t: &Ctx) {
    let s = serve(t).await;
    let agent = token_for(t, &s.app, ACCOUNT, "agnes", Role::Agent).await;
    let sup = token_for(t, &s.app, ACCOUNT, "sam", Role::Supervisor).await;
    assert_eq!(
        presence(&s.app, &agent, "Available").await,
        StatusCode::NO_CONTENT
    );
    report_ok(&s.app, &agent, "c1", "Ringing", "Inbound").await;
    t.clock.advance(Duration::from_secs(90));

    let mut ws = open(s.addr, "", Cred::Header(&sup))
        .await
        .expect("feed opens");
    let snap = next_of(&mut ws, "snapshot").await;
    assert_eq!(ids(&snap["calls"]), ["c1"]);
    let c = &snap["calls"][0];
    assert_eq!(
        (c["state"].as_str(), c["direction"].as_str()),
        (Some("Ringing"), Some("Inbound"))
    );
    assert_eq!(
        (c["agent_name"].as_str(), c["queue"].as_str()),
        (Some("agnes"), Some("sales"))
    );
    assert_eq!(c["recording"], false);
    assert_eq!(c["started_at_ms"], T0.as_millis());
    assert_eq!(c["duration_ms"], 90_000, "duration from the injected clock");
    assert_eq!(snap["presence"][0]["agent_name"], "agnes");
    assert_eq!(snap["presence"][0]["status"], "Available");
    assert_eq!(snap["alerts"], json!([]));

    t.clock.advance(Duration::from_secs(30));
    let talking = json!({"call_id": "c1", "state": "Talking", "direction": "Inbound",
                         "queue": "sales", "recording": true});
    assert_eq!(
        report(&s.app, &agent, talking).await.0,
        StatusCode::NO_CONTENT
    );
    let m = next_of(&mut ws, "call").await;
    assert_eq!(
        (
            m["call"]["state"].as_str(),
            m["call"]["recording"].as_bool()
        ),
        (Some("Talking"), Some(true))
    );
    assert_eq!(
        m["call"]["duration_ms"], 120_000,
        "the call keeps its start"
    );

    assert_eq!(
        presence(&s.app, &agent, "Busy").await,
        StatusCode::NO_CONTENT
    );
    let m = next_of(&mut ws, "presence").await;
    assert_eq!(
        (
            m["presence"]["agent_name"].as_str(),
            m["presence"]["status"].as_str()
        ),
        (Some("agnes"), Some("Busy"))
    );

    report_ok(&s.app, &agent, "c1", "OnHold", "Inbound").await;
    assert_eq!(next_of(&mut ws, "call").await["call"]["state"], "OnHold");
    report_ok(&s.app, &agent, "c1", "Ended", "Inbound").await;
    assert_eq!(next_of(&mut ws, "call_removed").await["call_id"], "c1");
    assert!(
        t.bo.ongoing_calls(ACCOUNT).is_empty(),
        "an ended call is forgotten"
    );

    // Browsers cannot set headers: the token also works as a subprotocol or a query.
    for cred in [Cred::Subprotocol(&sup), Cred::Query(&sup)] {
        let mut other = open(s.addr, "", cred).await.expect("feed opens");
        let snap = next_of(&mut other, "snapshot").await;
        assert_eq!(snap["calls"], json!([]), "{cred:?}");
        assert_eq!(snap["presence"][0]["status"], "Busy");
        close(other).await;
    }
    close(ws).await;
}

async fn s01_feed_filters_by_agent_and_state(t: &Ctx) {
    let s = serve(t).await;
    let agnes = token_for(t, &s.app, ACCOUNT, "agnes", Role::Agent).await;
    let bob = token_for(t, &s.app, ACCOUNT, "bob", Role::Agent).await;
    let sup = token_for(t, &s.app, ACCOUNT, "sam", Role::Supervisor).await;
    presence(&s.app, &agnes, "Available").await;
    presence(&s.app, &bob, "Away").await;
    report_ok(&s.app, &agnes, "a1", "Talking", "Outbound").await;
    report_ok(&s.app, &bob, "b1", "Ringing", "Inbound").await;

    let mut by_agent = open(s.addr, "agent=agnes", Cred::Header(&sup))
        .await
        .unwrap();
    let snap = next_of(&mut by_agent, "snapshot").await;
    assert_eq!(ids(&snap["calls"]), ["a1"]);
    assert_eq!(snap["presence"].as_array().unwrap().len(), 1);
    assert_eq!(snap["presence"][0]["agent_name"], "agnes");
    let mut talking = open(s.addr, "state=Talking", Cred::Header(&sup))
        .await
        .unwrap();
    assert_eq!(
        ids(&next_of(&mut talking, "snapshot").await["calls"]),
        ["a1"]
    );
    let bob_id =
        t.bo.agents_presence(ACCOUNT)
            .into_iter()
            .find(|p| p.agent_name == "bob")
            .unwrap()
            .agent_id;
    let q = format!("agent={bob_id}&state=Ringing,OnHold");
    let mut bob_ringing = open(s.addr, &q, Cred::Header(&sup)).await.unwrap();
    assert_eq!(
        ids(&next_of(&mut bob_ringing, "snapshot").await["calls"]),
        ["b1"]
    );

    report_ok(&s.app, &bob, "b1", "Talking", "Inbound").await;
    assert_eq!(next_of(&mut talking, "call").await["call"]["call_id"], "b1");
    assert_eq!(
        next_of(&mut bob_ringing, "call_removed").await["call_id"],
        "b1",
        "left the filter"
    );
    report_ok(&s.app, &agnes, "a1", "OnHold", "Outbound").await;
    // The channel is ordered: agnes's feed never heard of bob's change.
    let m = next_of(&mut by_agent, "call").await;
    assert_eq!(
        (m["call"]["call_id"].as_str(), m["call"]["state"].as_str()),
        (Some("a1"), Some("OnHold"))
    );
    assert_eq!(next_of(&mut talking, "call_removed").await["call_id"], "a1");
    presence(&s.app, &bob, "Available").await;
    presence(&s.app, &agnes, "Busy").await;
    assert_eq!(
        next_of(&mut by_agent, "presence").await["presence"]["status"],
        "Busy"
    );
    assert_eq!(
        next_of(&mut bob_ringing, "presence").await["presence"]["agent_name"],
        "bob"
    );

    // A filter that cannot match is bad input, refused before any upgrade.
    for bad in ["state=Ended", "state=Talking,Dancing"] {
        let path = format!("/api/v1/supervisor/feed?{bad}");
        let (status, b) = call(&s.app, Method::GET, &path, Some(&sup), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(
            (b["error"]["field"].as_str(), b["error"]["rule"].as_str()),
            (Some("state"), Some("S1"))
        );
    }
    for ws in [by_agent, talking, bob_ringing] {
        close(ws).await;
    }
}

async fn s02_emergency_call_appears_only_as_an_alert_and_leaves_nothing(t: &Ctx) {
    let s = serve(t).await;
    let agent = token_for(t, &s.app, ACCOUNT, "agnes", Role::Agent).await;
    let bob = token_for(t, &s.app, ACCOUNT, "bob", Role::Agent).await;
    let sup = token_for(t, &s.app, ACCOUNT, "sam", Role::Supervisor).await;
    let mut ws = open(s.addr, "", Cred::Header(&sup)).await.unwrap();
    next_of(&mut ws, "snapshot").await;

    // An emergency callback first rings as an ordinary inbound call...
    report_ok(&s.app, &agent, "cb1", "Ringing", "Inbound").await;
    assert_eq!(next_of(&mut ws, "call").await["call"]["call_id"], "cb1");
    let raise = json!({"callback_number": "+12065550142", "location": LOCATION});
    let (status, _) = call(
        &s.app,
        Method::POST,
        "/api/v1/me/emergency",
        Some(&agent),
        Some(raise),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let alerts = next_of(&mut ws, "alerts").await["alerts"].clone();
    let a = &alerts[0];
    assert_eq!(
        (a["agent_name"].as_str(), a["callback_number"].as_str()),
        (Some("agnes"), Some("+12065550142"))
    );
    assert_eq!(
        (a["location"].as_str(), a["test"].as_bool()),
        (Some(LOCATION), Some(false))
    );
    assert!(a["started_at_ms"].is_i64() && a["acknowledged_by"].is_null());
    let mut keys: Vec<_> = a.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "acknowledged_by",
            "agent_id",
            "agent_name",
            "callback_number",
            "ended_at_ms",
            "id",
            "location",
            "started_at_ms",
            "test"
        ],
        "no listen, barge or recording"
    );
    // ...and once known as an emergency, its row goes; a 933 call never gets one.
    let emergency = |id: &str, state: &str| {
        json!({"call_id": id, "state": state,
        "direction": "Outbound", "recording": false, "emergency": true})
    };
    assert_eq!(
        report(&s.app, &agent, emergency("cb1", "Talking")).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(next_of(&mut ws, "call_removed").await["call_id"], "cb1");
    assert_eq!(
        report(&s.app, &agent, emergency("e933", "Talking")).await.0,
        StatusCode::NO_CONTENT
    );
    presence(&s.app, &bob, "Available").await;
    assert_eq!(
        next_of(&mut ws, "presence").await["presence"]["agent_name"],
        "bob",
        "no call row came first"
    );
    assert!(t.bo.ongoing_calls(ACCOUNT).is_empty());

    let mut late = open(s.addr, "", Cred::Query(&sup)).await.unwrap();
    let snap = next_of(&mut late, "snapshot").await;
    assert_eq!(
        (snap["calls"].clone(), snap["alerts"][0]["id"].clone()),
        (json!([]), a["id"].clone())
    );

    let path = format!("/api/v1/alerts/{}/acknowledge", a["id"].as_str().unwrap());
    assert_eq!(
        call(&s.app, Method::POST, &path, Some(&sup), None).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        next_of(&mut ws, "alerts").await["alerts"][0]["acknowledged_by"],
        "sam"
    );
    assert_eq!(
        report(&s.app, &agent, emergency("e933", "Ended")).await.0,
        StatusCode::NO_CONTENT
    );
    let end = call(
        &s.app,
        Method::POST,
        "/api/v1/me/emergency/end",
        Some(&agent),
        None,
    )
    .await;
    assert_eq!(end.0, StatusCode::NO_CONTENT);
    assert_eq!(
        next_of(&mut ws, "alerts").await["alerts"],
        json!([]),
        "gone once ended (E7)"
    );
    assert_eq!(
        next_of(&mut late, "alerts").await["alerts"][0]["acknowledged_by"],
        "sam"
    );
    assert_eq!(next_of(&mut late, "alerts").await["alerts"], json!([]));
    assert!(t.bo.emergency_alerts(ACCOUNT).await.unwrap().is_empty());
    assert!(t.bo.ongoing_calls(ACCOUNT).is_empty());
    let mut after = open(s.addr, "", Cred::Header(&sup)).await.unwrap();
    let snap = next_of(&mut after, "snapshot").await;
    assert_eq!(
        (snap["calls"].clone(), snap["alerts"].clone()),
        (json!([]), json!([]))
    );
    for w in [ws, late, after] {
        close(w).await;
    }
}
