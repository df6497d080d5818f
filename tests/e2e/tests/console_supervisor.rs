//! S1, S2 in the console: a supervisor watches ongoing calls live over the feed, sees
//! an agent's emergency call as an alert within a second, and acknowledges it.

use std::time::{Duration, Instant};

use serde_json::json;
use system_tests::backoffice::{AGENT, SUPERVISOR};
use system_tests::console::Console;

#[tokio::test]
async fn supervisor_sees_live_calls_and_acknowledges_an_emergency_alert_s1_s2() -> anyhow::Result<()>
{
    let c = Console::start("console_supervisor").await?;
    c.sign_in(SUPERVISOR).await?;
    let b = &c.browser;
    b.testid("page-live").await?;
    b.wait_attr("live-status", "data-state", "live").await?;
    b.testid("alerts-empty").await?;

    let agent = c.bo.token(AGENT)?;
    let (s, v) = c.bo.api(
        "PUT",
        "/me/presence",
        Some(&agent),
        Some(&json!({"status": "Available"})),
    )?;
    assert_eq!(s, 204, "{v}");
    b.wait_attr(
        &format!("live-presence-{AGENT}"),
        "data-status",
        "Available",
    )
    .await?;

    let call = json!({"call_id": "call-1", "state": "Ringing", "direction": "Inbound", "queue": "sales", "recording": false});
    let (s, v) = c.bo.api("POST", "/me/calls", Some(&agent), Some(&call))?;
    assert_eq!(s, 204, "{v}");
    b.wait_attr("live-call-state-call-1", "data-state", "Ringing")
        .await?;
    let talking = json!({"call_id": "call-1", "state": "Talking", "direction": "Inbound", "queue": "sales", "recording": true});
    c.bo.api("POST", "/me/calls", Some(&agent), Some(&talking))?;
    b.wait_attr("live-call-state-call-1", "data-state", "Talking")
        .await?;
    // The duration ticks.
    b.wait_text("live-call-duration-call-1", |t| t != "0:00")
        .await?;

    // The agent places an emergency call: the alert is on screen within a second.
    let sent = Instant::now();
    let (s, alert) = c.bo.api(
        "POST",
        "/me/emergency",
        Some(&agent),
        Some(&json!({"callback_number": "+12065550100", "location": "1 Main St, Seattle WA", "test": false})),
    )?;
    assert_eq!(s, 201, "{alert}");
    let id = alert["id"].as_str().unwrap_or_default().to_owned();
    let ack = format!("alert-ack-{id}");
    while !b.has_testid(&ack).await? {
        assert!(
            sent.elapsed() < Duration::from_secs(1),
            "no alert within a second"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let shown_after = sent.elapsed();
    println!(
        "emergency alert shown {} ms after the agent's report",
        shown_after.as_millis()
    );
    b.testid("live-alert-banner").await?;
    assert_eq!(
        b.text(&format!("alert-callback-{id}")).await?,
        "+12065550100"
    );
    assert_eq!(
        b.text(&format!("alert-location-{id}")).await?,
        "1 Main St, Seattle WA"
    );
    c.step("alert").await?;

    b.click(&ack).await?;
    b.wait_text(&format!("alert-acked-{id}"), |t| t.contains(SUPERVISOR))
        .await?;
    b.gone("live-alert-banner").await?;

    // The call ends: its row goes.
    let ended = json!({"call_id": "call-1", "state": "Ended", "direction": "Inbound", "queue": "sales", "recording": true});
    c.bo.api("POST", "/me/calls", Some(&agent), Some(&ended))?;
    b.gone("live-call-call-1").await?;
    c.step("acknowledged").await?;
    c.close().await
}
