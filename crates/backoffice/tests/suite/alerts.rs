//! E11, S2: emergency alerts reach supervisors, are acknowledged, and leave nothing.

use axum::http::{Method, StatusCode};
use std::time::{Duration, Instant};

use backoffice::alerts::EmergencyAlert;
use backoffice::auth::{Principal, Role};
use backoffice::live::LiveEvent;
use serde_json::json;

use crate::api::{call, token_for};
use crate::harness::{backend_tests, Ctx, ACCOUNT};

backend_tests!(
    s02_emergency_alert_is_shown_until_acknowledged_and_nothing_is_kept,
    e11_test_call_alert_ended_before_acknowledgement_stays_until_acknowledged,
    e11_an_alert_changed_on_another_instance_reaches_this_instances_feed,
);

const LOCATION: &str = "1 Main St, Floor 3, Suite 300, Seattle, WA 98101";

async fn s02_emergency_alert_is_shown_until_acknowledged_and_nothing_is_kept(t: &Ctx) {
    let app = backoffice::api::router(t.bo.clone());
    let agent = token_for(t, &app, ACCOUNT, "agnes", Role::Agent).await;
    let sup = token_for(t, &app, ACCOUNT, "sam", Role::Supervisor).await;
    let report = json!({"callback_number": "+12065550142", "location": LOCATION});

    for (bad, field) in [
        (
            json!({"callback_number": "911", "location": LOCATION}),
            "callback_number",
        ),
        (
            json!({"callback_number": "+12065550142", "location": " "}),
            "location",
        ),
    ] {
        let (status, b) = call(
            &app,
            Method::POST,
            "/api/v1/me/emergency",
            Some(&agent),
            Some(bad),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(
            (b["error"]["field"].as_str(), b["error"]["rule"].as_str()),
            (Some(field), Some("E11"))
        );
    }
    let (status, first) = call(
        &app,
        Method::POST,
        "/api/v1/me/emergency",
        Some(&agent),
        Some(report.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (_, again) = call(
        &app,
        Method::POST,
        "/api/v1/me/emergency",
        Some(&agent),
        Some(report),
    )
    .await;
    assert_eq!(again["id"], first["id"], "one alert per call");

    let (status, _) = call(&app, Method::GET, "/api/v1/alerts", Some(&agent), None).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "agents do not see the tenant's alerts"
    );
    let (status, alerts) = call(&app, Method::GET, "/api/v1/alerts", Some(&sup), None).await;
    assert_eq!(status, StatusCode::OK);
    let a = &alerts[0];
    assert_eq!(alerts.as_array().unwrap().len(), 1);
    assert_eq!(
        (a["agent_name"].as_str(), a["callback_number"].as_str()),
        (Some("agnes"), Some("+12065550142"))
    );
    assert_eq!(
        (a["location"].as_str(), a["test"].as_bool()),
        (Some(LOCATION), Some(false))
    );
    assert!(a["ended_at_ms"].is_null() && a["acknowledged_by"].is_null());

    let path = format!("/api/v1/alerts/{}/acknowledge", a["id"].as_str().unwrap());
    assert_eq!(
        call(&app, Method::POST, &path, Some(&agent), None).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&app, Method::POST, &path, Some(&sup), None).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, alerts) = call(&app, Method::GET, "/api/v1/alerts", Some(&sup), None).await;
    assert_eq!(
        alerts[0]["acknowledged_by"], "sam",
        "still shown while the call lasts"
    );

    assert_eq!(
        call(
            &app,
            Method::POST,
            "/api/v1/me/emergency/end",
            Some(&agent),
            None
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    assert!(
        t.bo.emergency_alerts(ACCOUNT).await.unwrap().is_empty(),
        "nothing kept once it ended (E7)"
    );
}

async fn e11_test_call_alert_ended_before_acknowledgement_stays_until_acknowledged(t: &Ctx) {
    let app = backoffice::api::router(t.bo.clone());
    let agent = token_for(t, &app, ACCOUNT, "agnes", Role::Agent).await;
    let admin = token_for(t, &app, ACCOUNT, "ada", Role::Administrator).await;
    t.bo.create_account("globex", "Globex").await.unwrap();
    let other = token_for(t, &app, "globex", "hank", Role::Supervisor).await;
    let report = json!({"callback_number": "+12065550142", "location": LOCATION, "test": true});
    let (_, alert) = call(
        &app,
        Method::POST,
        "/api/v1/me/emergency",
        Some(&agent),
        Some(report),
    )
    .await;
    assert_eq!(
        alert["test"], true,
        "933 test calls notify too, marked as tests"
    );
    call(
        &app,
        Method::POST,
        "/api/v1/me/emergency/end",
        Some(&agent),
        None,
    )
    .await;

    let (_, alerts) = call(&app, Method::GET, "/api/v1/alerts", Some(&admin), None).await;
    assert!(
        alerts[0]["ended_at_ms"].is_i64(),
        "shown as ended until acknowledged: {alerts}"
    );
    let (_, theirs) = call(&app, Method::GET, "/api/v1/alerts", Some(&other), None).await;
    assert_eq!(theirs, json!([]), "another tenant sees nothing");
    let path = format!(
        "/api/v1/alerts/{}/acknowledge",
        alert["id"].as_str().unwrap()
    );
    assert_eq!(
        call(&app, Method::POST, &path, Some(&other), None).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, Method::POST, &path, Some(&admin), None).await.0,
        StatusCode::NO_CONTENT
    );
    assert!(t.bo.emergency_alerts(ACCOUNT).await.unwrap().is_empty());
    assert_eq!(
        call(&app, Method::POST, &path, Some(&admin), None).await.0,
        StatusCode::NOT_FOUND
    );
}

/// The next `Alerts` announcement of ACCOUNT on `feed` (5 s at most).
async fn next_alerts(
    feed: &mut tokio::sync::broadcast::Receiver<(String, LiveEvent)>,
) -> Vec<EmergencyAlert> {
    let wait = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match feed.recv().await {
                Ok((account, LiveEvent::Alerts(alerts))) if account == ACCOUNT => return alerts,
                Ok(_) => continue,
                Err(e) => panic!("feed closed: {e}"),
            }
        }
    });
    wait.await.expect("an alerts announcement within 5 s")
}

/// The SIP edge raises the alert of a 911 in its own instance of the service; the
/// supervisors' feed is open on another. Each instance's workers watch the table, so
/// the raise, the acknowledgement and the removal reach this instance's feed too.
async fn e11_an_alert_changed_on_another_instance_reaches_this_instances_feed(t: &Ctx) {
    let edge = t.instance().await;
    let workers = t.bo.spawn_workers(Duration::from_secs(3600));
    let mut feed = t.bo.subscribe_live();
    let agent = Principal {
        user_id: "user-agnes".into(),
        account_id: ACCOUNT.into(),
        username: "agnes".into(),
        role: Role::Agent,
    };
    let supervisor = Principal {
        user_id: "user-sam".into(),
        account_id: ACCOUNT.into(),
        username: "sam".into(),
        role: Role::Supervisor,
    };
    let raised_at = Instant::now();
    let alert = edge
        .raise_emergency_alert(&agent, "+12065550142", LOCATION, false)
        .await
        .unwrap();
    let seen = next_alerts(&mut feed).await;
    println!(
        "alert from another instance announced after {:?}",
        raised_at.elapsed()
    );
    assert_eq!(seen, vec![alert.clone()]);

    edge.acknowledge_alert(&supervisor, &alert.id)
        .await
        .unwrap();
    let acked = next_alerts(&mut feed).await;
    assert_eq!(acked.len(), 1);
    assert_eq!(acked[0].acknowledged_by.as_deref(), Some("sam"));

    edge.end_emergency(ACCOUNT, &agent.user_id).await.unwrap();
    assert!(
        next_alerts(&mut feed).await.is_empty(),
        "ended and acknowledged: gone (E7)"
    );
    workers.stop().await;
}
