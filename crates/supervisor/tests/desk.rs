//! The app's Supervisor panel ([`supervisor::Desk`]) against the real back office:
//! sign-in refusals (A1), the live view (S1, S2) and the alarm hook (E11).

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{agent_posts, agent_token, serve, Apart, PASSWORD};
use serde_json::json;
use supervisor::Desk;
use wire::{ErrorCode, SupervisorDeskView};

/// A desk whose alarm hook records every start (`true`) and stop (`false`).
fn desk(url: Option<&str>) -> (Desk, Arc<Mutex<Vec<bool>>>) {
    let heard = Arc::new(Mutex::new(Vec::new()));
    let log = heard.clone();
    let desk = Desk::new(
        url.map(str::to_owned),
        Arc::new(move |on| log.lock().unwrap().push(on)),
    );
    (desk, heard)
}

async fn wait_for(
    desk: &Desk,
    what: &str,
    done: impl Fn(&SupervisorDeskView) -> bool,
) -> SupervisorDeskView {
    wait_within(desk, what, Duration::from_secs(5), done).await
}

async fn wait_within(
    desk: &Desk,
    what: &str,
    within: Duration,
    done: impl Fn(&SupervisorDeskView) -> bool,
) -> SupervisorDeskView {
    let mut views = desk.subscribe();
    let current = desk.view();
    if done(&current) {
        return current;
    }
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, views.recv()).await {
            Ok(Ok(v)) if done(&v) => return v,
            Ok(_) => continue,
            Err(_) => panic!("{what}: not within {within:?}; last view {:?}", desk.view()),
        }
    }
}

#[tokio::test]
async fn a01_sign_in_refusals_have_their_own_codes_and_leave_the_desk_signed_out() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = serve(&dir).await;
    let (desk, heard) = desk(Some(&url));

    let e = desk
        .sign_in("backoffice:8080", "sam", PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::InvalidInput, Some("url"))
    );
    let e = desk.sign_in(&url, "  ", PASSWORD).await.unwrap_err();
    assert_eq!(e.field.as_deref(), Some("username"));
    let e = desk.sign_in(&url, "sam", "wrong").await.unwrap_err();
    assert_eq!(e.code, ErrorCode::BadCredentials, "{e:?}");
    let e = desk.sign_in(&url, "agnes", PASSWORD).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::WrongRole, "{e:?}");
    assert!(
        e.message.contains("supervisor or administrator role"),
        "{e:?}"
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let e = desk
        .sign_in(&format!("http://{closed}"), "sam", PASSWORD)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::BackofficeUnreachable, "{e:?}");

    let view = desk.view();
    assert_eq!(view.signed_in_as, None);
    assert_eq!(
        view.backoffice_url.as_deref(),
        Some(url.as_str()),
        "the configured one stays offered"
    );
    assert!(
        heard.lock().unwrap().is_empty(),
        "no alarm without a session"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s01_e11_the_desk_shows_calls_presence_and_alerts_and_the_alarm_stops_when_acknowledged() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = serve(&dir).await;
    let (desk, heard) = desk(None);
    let signed_in = desk.sign_in(&url, "sam", PASSWORD).await.expect("signs in");
    assert_eq!(
        (signed_in.signed_in_as.as_deref(), signed_in.role.as_deref()),
        (Some("sam"), Some("Supervisor"))
    );
    wait_for(&desk, "the feed opens", |v| v.connected).await;

    let agent = agent_token(&url).await;
    let call = json!({"call_id": "c-1", "state": "Talking", "direction": "Inbound",
                      "queue": "sales", "recording": true});
    assert_eq!(agent_posts(&url, &agent, "calls", call).await, 204);
    let view = wait_for(&desk, "the agent's call shows", |v| {
        !v.conversations.is_empty()
    })
    .await;
    let row = &view.conversations[0];
    assert_eq!(
        (
            row.agent_name.as_str(),
            row.state.as_str(),
            row.queue.as_deref()
        ),
        ("agnes", "Talking", Some("sales"))
    );

    let emergency = json!({"callback_number": "+12065550142",
                           "location": "1 Main St, Seattle, WA 98101"});
    assert_eq!(agent_posts(&url, &agent, "emergency", emergency).await, 201);
    let view = wait_for(&desk, "the alert shows", |v| !v.alerts.is_empty()).await;
    assert!(view.alarm, "E11: an unacknowledged alert sounds");
    assert_eq!(*heard.lock().unwrap(), [true]);
    let alert = &view.alerts[0];
    assert_eq!(
        (alert.agent_name.as_str(), alert.callback_number.as_str()),
        ("agnes", "+12065550142")
    );

    desk.acknowledge(&alert.id).await.expect("acknowledged");
    let view = wait_for(&desk, "the acknowledgement shows", |v| {
        v.alerts.iter().all(|a| a.acknowledged_by.is_some())
    })
    .await;
    assert!(!view.alarm);
    assert_eq!(view.alerts[0].acknowledged_by.as_deref(), Some("sam"));
    assert_eq!(
        *heard.lock().unwrap(),
        [true, false],
        "started once, stopped once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_stops_the_alarm_and_the_feed() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = serve(&dir).await;
    let (desk, heard) = desk(None);
    desk.sign_in(&url, "sam", PASSWORD).await.expect("signs in");
    wait_for(&desk, "the feed opens", |v| v.connected).await;
    let agent = agent_token(&url).await;
    let emergency = json!({"callback_number": "+12065550142", "location": "1 Main St"});
    assert_eq!(agent_posts(&url, &agent, "emergency", emergency).await, 201);
    wait_for(&desk, "the alarm sounds", |v| v.alarm).await;

    let out = desk.sign_out();
    assert!(out.signed_in_as.is_none() && out.alerts.is_empty() && !out.alarm);
    assert_eq!(*heard.lock().unwrap(), [true, false]);
    let e = desk.acknowledge("any").await.unwrap_err();
    assert_eq!(e.code, ErrorCode::NotAllowed);
    // The old feed's task is gone: a later change reaches nobody.
    assert_eq!(
        agent_posts(&url, &agent, "emergency/end", json!({})).await,
        204
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(desk.view().alerts.is_empty());
    assert_eq!(heard.lock().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_reopens_after_the_back_office_restarts_and_the_alarm_keeps_sounding() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let first = Apart::start(dir.path().to_owned(), 0);
    let (url, port) = (first.url.clone(), first.port());
    let (desk, heard) = desk(None);
    desk.sign_in(&url, "sam", PASSWORD).await.expect("signs in");
    wait_for(&desk, "the feed opens", |v| v.connected).await;
    let agent = agent_token(&url).await;
    let emergency = json!({"callback_number": "+12065550142", "location": "1 Main St"});
    assert_eq!(agent_posts(&url, &agent, "emergency", emergency).await, 201);
    wait_for(&desk, "the alarm sounds", |v| v.alarm).await;

    // The service goes away: the panel says so, and an alert nobody acknowledged keeps
    // sounding (E11: losing the connection must not silence it).
    drop(first);
    let down = wait_for(&desk, "the outage shows", |v| !v.connected).await;
    assert!(
        down.problem
            .as_deref()
            .is_some_and(|p| p.contains("Reconnecting")),
        "{down:?}"
    );
    assert!(down.alarm && down.alerts.len() == 1, "{down:?}");

    // Back on the same address with the same database: the desk finds it on its own,
    // with the same session, and the acknowledgement goes through.
    let _second = Apart::start(dir.path().to_owned(), port);
    // The desk waits up to 5 s between attempts (its backoff's ceiling), so the
    // return can take that long after the service is back.
    let back = wait_within(&desk, "the feed reopens", Duration::from_secs(10), |v| {
        v.connected
    })
    .await;
    assert_eq!(back.problem, None);
    assert_eq!(
        back.alerts.len(),
        1,
        "the alert survived the restart: {back:?}"
    );
    desk.acknowledge(&back.alerts[0].id)
        .await
        .expect("acknowledged after the restart");
    wait_for(&desk, "the alarm stops", |v| !v.alarm).await;
    assert_eq!(
        *heard.lock().unwrap(),
        [true, false],
        "one alarm across the outage, stopped by the acknowledgement"
    );
}
