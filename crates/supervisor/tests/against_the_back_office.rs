//! A1, S2, E11 for the app's Supervisor view: signing in, the live feed and the
//! acknowledgement against the real back office, in-process on loopback over SQLite.

mod common;

use std::time::Duration;

use common::{agent_posts, agent_token, serve, PASSWORD};

use supervisor::{acknowledge, sign_in, Feed, SignInError};

#[tokio::test]
async fn a01_a_supervisor_signs_in_an_agent_is_refused_clearly() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = serve(&dir).await;

    let s = sign_in(&url, "sam", PASSWORD)
        .await
        .expect("supervisor signs in");
    assert_eq!(
        (s.role.as_str(), s.username.as_str()),
        ("Supervisor", "sam")
    );
    assert!(!s.token.is_empty());

    let e = sign_in(&url, "agnes", PASSWORD).await.unwrap_err();
    assert!(matches!(e, SignInError::WrongRole { .. }), "{e:?}");
    assert!(e.to_string().contains("needs the supervisor"), "{e}");

    let e = sign_in(&url, "sam", "wrong").await.unwrap_err();
    assert!(matches!(e, SignInError::Refused { status: 401 }), "{e:?}");
}

/// E11, S2: an alert raised by an agent reaches the view within 1 s and sounds until a
/// supervisor acknowledges it (the sound itself: the engine's ringer tests); the acknowledgement is recorded at the back office.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e11_an_alert_appears_within_1s_and_sounds_until_acknowledged() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = serve(&dir).await;
    let s = sign_in(&url, "sam", PASSWORD)
        .await
        .expect("supervisor signs in");
    let mut feed = Feed::open(&s).await.expect("feed opens");
    let first = feed.next_view().await.expect("snapshot");
    assert!(first.alerts.is_empty() && !first.alarm());

    let agent = agent_token(&url).await;
    let emergency = serde_json::json!({"callback_number": "+12065550142",
                                       "location": "1 Main St, Seattle, WA 98101"});
    assert_eq!(agent_posts(&url, &agent, "emergency", emergency).await, 201);

    let within = Duration::from_secs(1);
    let view = tokio::time::timeout(within, feed.next_view())
        .await
        .expect("the alert within 1 s (E11)")
        .expect("alerts message");
    assert!(view.alarm(), "an unacknowledged alert sounds");
    let id = view.alerts[0].id.clone();
    assert_eq!(view.alerts[0].agent_name, "agnes");

    acknowledge(&s, &id).await.expect("acknowledged");
    let view = tokio::time::timeout(within, feed.next_view())
        .await
        .expect("the acknowledgement within 1 s")
        .expect("alerts message");
    assert!(!view.alarm(), "the sound stops once acknowledged");

    let recorded: serde_json::Value = reqwest::Client::new()
        .get(format!("{url}/api/v1/alerts"))
        .bearer_auth(&s.token)
        .send()
        .await
        .expect("alerts")
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        recorded[0]["acknowledged_by"].as_str(),
        Some("sam"),
        "{recorded}"
    );
}
