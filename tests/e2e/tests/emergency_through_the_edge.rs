//! The emergency story across the whole product: the real app registered on the real
//! SIP edge, the real back office with its console in Chromium, sipp as the emergency
//! provider behind the carrier trunk. A 911 dialled in the app reaches the provider at
//! the routing number with the leased callback number and the location (E12, E5,
//! E10, checked by sipp); the supervisor's console shows the alert within a second of
//! the dial (E11) and records the acknowledgement (S2).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::Value;
use system_tests::backoffice::SUPERVISOR;
use system_tests::chromium::Browser;
use system_tests::sipp::Sipp;
use system_tests::site::{Site, ROUTING_NUMBER};
use system_tests::{free_port, App, Display};

#[tokio::test]
async fn e11_a_911_dialled_in_the_app_alerts_the_supervisors_console_and_reaches_the_provider(
) -> anyhow::Result<()> {
    let display = Display::start()?;
    let provider_port = free_port()?;
    let provider_addr = SocketAddr::from(([127, 0, 0, 1], provider_port));
    let site = Site::start("emergency_edge", provider_addr, &[provider_addr]).await?;
    // The scenario's checks are regular expressions: a number's `+` is escaped.
    let pattern = |number: &str| number.replace('+', "\\+");
    let mut provider = Sipp::serve_site(
        "provider_expects_911_via_edge.xml",
        &[
            ("ROUTING", &pattern(ROUTING_NUMBER)),
            ("CALLBACK", &pattern(&site.pool_number)),
        ],
        provider_port,
    )
    .await?;

    // The supervisor watches the live view in the console.
    let browser = Browser::start("emergency_edge_console").await?;
    browser.client.goto(&site.bo.console_url()).await?;
    browser.fill("sign-in-username", SUPERVISOR).await?;
    browser
        .fill("sign-in-password", system_tests::backoffice::PASSWORD)
        .await?;
    browser.click("sign-in-submit").await?;
    browser.testid("page-live").await?;
    browser
        .wait_attr("live-status", "data-state", "live")
        .await?;
    browser.testid("alerts-empty").await?;

    // The agent's app, registered on the edge.
    let data = tempfile::tempdir()?;
    std::fs::write(data.path().join("softphone.toml"), site.agent_config())?;
    let dir = data.path().display().to_string();
    let app = App::launch(&display, &["--data-dir", &dir], "emergency_edge_app").await?;
    assert_eq!(
        app.wait_attr("registration-state", "data-state", "Registered")
            .await?,
        "Registered"
    );

    app.testid("dial-input").await?.send_keys("911").await?;
    let dialled = Instant::now();
    app.testid("dial-call").await?.click().await?;
    browser.testid("live-alert-banner").await?;
    let shown_after = dialled.elapsed();
    println!(
        "supervisor's console shows the alert {} ms after the agent's click",
        shown_after.as_millis()
    );
    assert!(
        shown_after < Duration::from_secs(1),
        "E11: the alert within a second of the dial, not {shown_after:?}"
    );
    assert_eq!(
        app.wait_attr("call-card", "data-state", "Connected")
            .await?,
        "Connected"
    );
    assert_eq!(
        app.wait_attr("presence-current", "data-presence", "DoNotDisturb")
            .await?,
        "DoNotDisturb"
    );
    app.screenshot("emergency_edge_app_connected").await?;

    // The alert names the number the provider received, and is acknowledged.
    let sup = site.bo.token(SUPERVISOR)?;
    let (status, alerts) = site.bo.api("GET", "/alerts", Some(&sup), None)?;
    assert_eq!(status, 200, "{alerts}");
    let id = alerts[0]["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(
        browser.text(&format!("alert-callback-{id}")).await?,
        site.pool_number
    );
    browser.screenshot("emergency_edge_console_alert").await?;
    browser.click(&format!("alert-ack-{id}")).await?;
    browser
        .wait_text(&format!("alert-acked-{id}"), |t| t.contains(SUPERVISOR))
        .await?;
    let (_, alerts) = site.bo.api("GET", "/alerts", Some(&sup), None)?;
    assert_eq!(
        alerts[0]["acknowledged_by"].as_str(),
        Some(SUPERVISOR),
        "S2: the acknowledgement is recorded: {alerts}"
    );

    // Hang up: the provider saw the whole call; ended and acknowledged, the alert goes
    // (E7: nothing of the call is kept).
    app.testid("call-end").await?.click().await?;
    provider.passed().await?;
    assert_eq!(
        app.wait_attr("presence-current", "data-presence", "Available")
            .await?,
        "Available"
    );
    browser.testid("alerts-empty").await?;
    let (_, alerts) = site.bo.api("GET", "/alerts", Some(&sup), None)?;
    assert_eq!(alerts, Value::Array(Vec::new()));
    browser.screenshot("emergency_edge_console_after").await?;
    browser.close().await?;
    app.close().await
}
