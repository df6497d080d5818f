//! Issue 7 item 4: the Supervisor panel of the real app. Two apps under Xvfb, the real
//! back office and SIP edge, sipp as the emergency provider: an agent's app dials 911;
//! the supervisor's app, signed in to the back office, shows the alert within a
//! second (E11) and sounds it on its ringer until the supervisor acknowledges it; the
//! acknowledgement is recorded (S2). An agent's credentials are refused clearly (A1).

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use system_tests::backoffice::{AGENT, PASSWORD, SUPERVISOR};
use system_tests::sipp::Sipp;
use system_tests::site::{Site, ROUTING_NUMBER};
use system_tests::{free_port, App, Display};

#[tokio::test]
async fn e11_the_supervisors_app_shows_and_sounds_an_agents_911_until_acknowledged(
) -> anyhow::Result<()> {
    let display = Display::start()?;
    let loopback = |port| SocketAddr::from(([127, 0, 0, 1], port));
    let (provider_port, pbx_port) = (free_port()?, free_port()?);
    let site = Site::start(
        "supervisor_app",
        loopback(provider_port),
        &[loopback(provider_port)],
        loopback(pbx_port),
        Duration::from_secs(60),
    )
    .await?;
    let mut provider = Sipp::serve_site(
        "provider_expects_911_via_edge.xml",
        &[
            ("ROUTING", &ROUTING_NUMBER.replace('+', "\\+")),
            ("CALLBACK", &site.pool_number.replace('+', "\\+")),
        ],
        provider_port,
    )
    .await?;

    // The supervisor's app: no SIP account, the back office configured, its ringer a
    // file so that the alert's sound can be measured.
    let sup_data = tempfile::tempdir()?;
    let alarm_wav = sup_data.path().join("ringer.wav");
    std::fs::write(
        sup_data.path().join("softphone.toml"),
        format!(
            "[backoffice]\nurl = \"{}\"\n\n[audio]\nringer = \"{}\"\n",
            site.bo.base_url(),
            alarm_wav.display()
        ),
    )?;
    let sup_dir = sup_data.path().display().to_string();
    let sup = App::launch(&display, &["--data-dir", &sup_dir], "supervisor_app_desk").await?;
    sup.testid("supervisor-toggle").await?.click().await?;
    let url = sup.testid("supervisor-url").await?.prop("value").await?;
    assert_eq!(
        url.as_deref(),
        Some(site.bo.base_url().trim_end_matches('/')),
        "the configured back office is offered"
    );

    // A1: an agent's credentials get the reason, not the panel.
    sign_in(&sup, AGENT).await?;
    assert_eq!(
        sup.wait_attr("supervisor-error", "data-code", "WrongRole")
            .await?,
        "WrongRole"
    );
    sup.screenshot("supervisor_app_wrong_role").await?;
    sign_in(&sup, SUPERVISOR).await?;
    assert_eq!(
        sup.wait_attr("supervisor-connection", "data-connected", "true")
            .await?,
        "true",
        "the live feed opens"
    );
    sup.testid("supervisor-no-alerts").await?;
    sup.screenshot("supervisor_app_signed_in").await?;
    assert_eq!(wav_bytes(&alarm_wav), 0, "no alert, no sound");

    // The agent's app dials 911 through the edge.
    let agent_data = tempfile::tempdir()?;
    std::fs::write(
        agent_data.path().join("softphone.toml"),
        site.agent_config(),
    )?;
    let agent_dir = agent_data.path().display().to_string();
    let agent = App::launch(
        &display,
        &["--data-dir", &agent_dir],
        "supervisor_app_agent",
    )
    .await?;
    assert_eq!(
        agent
            .wait_attr("registration-state", "data-state", "Registered")
            .await?,
        "Registered"
    );
    agent.testid("dial-input").await?.send_keys("911").await?;
    let dialled = Instant::now();
    agent.testid("dial-call").await?.click().await?;
    let alert = sup.testid("supervisor-alert").await?;
    let shown_after = dialled.elapsed();
    println!(
        "the supervisor's app shows the alert {} ms after the agent's click",
        shown_after.as_millis()
    );
    assert!(
        shown_after < Duration::from_secs(1),
        "E11: the alert within a second of the dial, not {shown_after:?}"
    );
    assert_eq!(
        alert.attr("data-acknowledged").await?.as_deref(),
        Some("false")
    );
    sup.testid("supervisor-alarm").await?;
    assert_eq!(
        sup.testid("supervisor-alert-badge").await?.text().await?,
        "1"
    );
    // E5: the alert names the number the center got (the edge's lease).
    let callback = sup.testid("supervisor-alert-callback").await?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while callback.text().await? != site.pool_number && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(callback.text().await?, site.pool_number);
    assert_eq!(
        agent
            .wait_attr("call-card", "data-state", "Connected")
            .await?,
        "Connected"
    );

    // E11: it sounds on the supervisor's ringer, and keeps sounding.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let sounding = wav_bytes(&alarm_wav);
    assert!(
        sounding > 48_000,
        "the alarm played {sounding} bytes in a second"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        wav_bytes(&alarm_wav) > sounding,
        "still sounding before acknowledgement"
    );
    sup.screenshot("supervisor_app_alert").await?;

    sup.testid("supervisor-acknowledge").await?.click().await?;
    let acked = sup
        .testid("supervisor-acknowledged-by")
        .await?
        .text()
        .await?;
    assert!(acked.contains(SUPERVISOR), "{acked}");
    let token = site.bo.token(SUPERVISOR)?;
    let (status, alerts) = site.bo.api("GET", "/alerts", Some(&token), None)?;
    assert_eq!(status, 200, "{alerts}");
    assert_eq!(
        alerts[0]["acknowledged_by"].as_str(),
        Some(SUPERVISOR),
        "S2: the acknowledgement is recorded: {alerts}"
    );
    assert!(!sup.has_testid("supervisor-alarm").await?);
    assert!(!sup.has_testid("supervisor-alert-badge").await?);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stopped = wav_bytes(&alarm_wav);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(wav_bytes(&alarm_wav), stopped, "silent once acknowledged");
    sup.screenshot("supervisor_app_acknowledged").await?;

    agent.testid("call-end").await?.click().await?;
    provider.passed().await?;
    agent.close().await?;
    sup.close().await?;
    Ok(())
}

/// Fills the Supervisor panel's form with `username` (and the test password) and sends it.
async fn sign_in(app: &App, username: &str) -> anyhow::Result<()> {
    for (field, value) in [
        ("supervisor-username", username),
        ("supervisor-password", PASSWORD),
    ] {
        let input = app.testid(field).await?;
        input.clear().await?;
        input.send_keys(value).await?;
    }
    app.testid("supervisor-sign-in-submit")
        .await?
        .click()
        .await?;
    Ok(())
}

/// The audio bytes a WAV file holds so far (0 when it does not exist yet).
fn wav_bytes(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len().saturating_sub(44))
}
