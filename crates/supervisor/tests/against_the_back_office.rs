//! A1, S2, E11 for the app's Supervisor view: signing in, the live feed and the
//! acknowledgement against the real back office, in-process on loopback over SQLite.

use std::sync::Arc;

use backoffice::auth::Role;
use backoffice::{Backoffice, BuiltinSupplier, ManualClock, Store, Timestamp};
use std::time::Duration;

use media::audio::memory::MemoryBackend;
use media::audio::tone::tone_ratio;
use media::audio::DeviceKind;
use supervisor::{acknowledge, sign_in, Alarm, Feed, SignInError};

const PASSWORD: &str = "correct horse battery staple";

async fn serve(dir: &tempfile::TempDir) -> String {
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("bo.db").display());
    let store = Store::connect(&url).await.expect("store");
    let clock = ManualClock::new(Timestamp::from_millis(1_793_610_000_000));
    let bo = Backoffice::new(store, Arc::new(clock), Arc::new(BuiltinSupplier::new()));
    bo.create_account("acme", "Acme").await.expect("account");
    for (name, role) in [("sam", Role::Supervisor), ("agnes", Role::Agent)] {
        bo.create_user("acme", name, PASSWORD, role)
            .await
            .expect("user");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("port");
    let addr = listener.local_addr().expect("address");
    let app = backoffice::api::router(bo);
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serves") });
    format!("http://{addr}")
}

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
/// supervisor acknowledges it; the acknowledgement is recorded at the back office.
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

    let http = reqwest::Client::new();
    let agent: serde_json::Value = http
        .post(format!("{url}/api/v1/sign-in"))
        .json(&serde_json::json!({"username": "agnes", "password": PASSWORD}))
        .send()
        .await
        .expect("agent signs in")
        .json()
        .await
        .expect("session");
    let token = agent["token"].as_str().expect("token");
    let raised = http
        .post(format!("{url}/api/v1/me/emergency"))
        .bearer_auth(token)
        .json(&serde_json::json!({"callback_number": "+12065550142",
                                  "location": "1 Main St, Seattle, WA 98101"}))
        .send()
        .await
        .expect("raise");
    assert_eq!(raised.status().as_u16(), 201);

    let within = Duration::from_secs(1);
    let view = tokio::time::timeout(within, feed.next_view())
        .await
        .expect("the alert within 1 s (E11)")
        .expect("alerts message");
    assert!(view.alarm(), "an unacknowledged alert sounds");
    let speakers = MemoryBackend::with(&[("desk", "Desk speaker", DeviceKind::Output)]);
    let alarm = Alarm::start(Box::new(speakers.clone()), None);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let played = speakers.played("desk");
    assert!(played.len() > 4_800, "{} samples in 400 ms", played.len());
    // The emergency pattern's first burst (1000 + 1300 Hz), not an ordinary ring.
    let burst = &played[480..9_600.min(played.len())];
    assert!(
        tone_ratio(burst, 48_000, 1000.0) > 0.2,
        "the alert pattern sounds"
    );
    assert!(tone_ratio(burst, 48_000, 440.0) < 0.05);
    let id = view.alerts[0].id.clone();
    assert_eq!(view.alerts[0].agent_name, "agnes");

    acknowledge(&s, &id).await.expect("acknowledged");
    let view = tokio::time::timeout(within, feed.next_view())
        .await
        .expect("the acknowledgement within 1 s")
        .expect("alerts message");
    assert!(!view.alarm(), "the sound stops once acknowledged");
    drop(alarm);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let stopped_at = speakers.played("desk").len();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        speakers.played("desk").len(),
        stopped_at,
        "silent after acknowledgement"
    );

    let recorded: serde_json::Value = http
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
