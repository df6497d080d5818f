//! The emergency story across the whole product: the real app registered on the real
//! SIP edge, the real back office with its console in Chromium, sipp as the emergency
//! provider and center behind the carrier trunk and as the site's PBX. A 911 dialled
//! in the app reaches the provider at the routing number with the leased callback
//! number and the location (E12, E5, E10, checked by sipp); the supervisor's console
//! shows the alert within a second of the dial (E11) and records the acknowledgement
//! (S2); after the hang-up the center calls the callback number back and the app rings
//! through Do Not Disturb (E6); after the window the same call reaches the PBX and not
//! the agent.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
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
    let loopback = |port| SocketAddr::from(([127, 0, 0, 1], port));
    let (provider_port, center_port, pbx_port) = (free_port()?, free_port()?, free_port()?);
    let site = Site::start(
        "emergency_edge",
        loopback(provider_port),
        &[loopback(provider_port), loopback(center_port)],
        loopback(pbx_port),
        WINDOW,
    )
    .await?;
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
    // E5: the panel shows the number the center really got (the edge's lease), not
    // the agent's own number the app knew when it dialled.
    let shown = app.testid("emergency-callback").await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while shown.text().await? != site.pool_number && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(shown.text().await?, site.pool_number);
    // E12: and where the edge sent it.
    let route = app.testid("emergency-route").await?.text().await?;
    assert!(route.contains(ROUTING_NUMBER), "{route}");
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
    // (E7: nothing of the call is kept). The callback window starts.
    app.testid("call-end").await?.click().await?;
    let hung_up = Instant::now();
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
    assert!(app.testid("callback-window").await?.is_displayed().await?);

    // E6: the agent is in Do Not Disturb; the center calls the callback number back
    // inside the window and the app rings through it, with the callback's own alert.
    press_alt(&app, '4').await?;
    assert_eq!(
        app.wait_attr("presence-current", "data-presence", "DoNotDisturb")
            .await?,
        "DoNotDisturb"
    );
    let mut center = Sipp::call_site(
        "center_calls_back.xml",
        &[("HOLD_MS", "3000")],
        center_port,
        site.edge_addr,
        &site.pool_number,
    )
    .await?;
    app.testid("call-emergency-callback-badge").await?;
    app.screenshot("emergency_edge_callback_ringing").await?;
    app.testid("call-answer").await?.click().await?;
    assert_eq!(
        app.wait_attr("call-card", "data-state", "Connected")
            .await?,
        "Connected"
    );
    assert!(
        !app.has_testid("dial-input").await?,
        "the restricted panel again (E8)"
    );
    assert!(app.testid("call-end").await?.is_displayed().await?);
    app.screenshot("emergency_edge_callback_answered").await?;
    center.passed().await?;

    // After the window the same call is an ordinary call to the connector's number:
    // the PBX answers it and the agent's app never hears of it.
    let after_window =
        (hung_up + WINDOW + Duration::from_secs(2)).saturating_duration_since(Instant::now());
    tokio::time::sleep(after_window).await;
    let mut pbx = Sipp::serve_site(
        "pbx_answers.xml",
        &[("NUMBER", &pattern(&site.pool_number))],
        pbx_port,
    )
    .await?;
    let mut late = Sipp::call_site(
        "center_calls_back.xml",
        &[("HOLD_MS", "500")],
        center_port,
        site.edge_addr,
        &site.pool_number,
    )
    .await?;
    late.passed().await?;
    pbx.passed().await?;
    assert!(
        !app.has_testid("call-emergency-callback-badge").await?,
        "after the window the agent is not called"
    );
    browser.close().await?;
    app.close().await
}

/// E5's window, shortened for the test (the edge and the app are told the same).
const WINDOW: Duration = Duration::from_secs(25);

/// Alt+`key`: the app's presence shortcuts.
/// A number as a sipp regular expression: its `+` escaped.
fn pattern(number: &str) -> String {
    number.replace('+', "\\+")
}

async fn press_alt(app: &App, key: char) -> anyhow::Result<()> {
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down {
            value: Key::Alt.into(),
        })
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key })
        .then(KeyAction::Up {
            value: Key::Alt.into(),
        });
    app.client.perform_actions(keys).await?;
    app.client.release_actions().await?;
    Ok(())
}
