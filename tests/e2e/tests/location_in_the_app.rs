//! The network-country check in the real app (E9, E2): a geolocation service on
//! loopback places the network outside the US; the readiness indicator says so before
//! any dial; under `warn` the 911 call still goes out (sipp checks the emergency
//! INVITE), under `refuse` the agent is told why and nothing is sent; a service that
//! answers only after 10 s does not hold a 911 back.

use std::time::{Duration, Instant};

use system_tests::geolocation::Geolocation;
use system_tests::sipp::{agent_config, Sipp};
use system_tests::{App, Display};

/// The app on its own data folder (returned, so it lives as long as the app).
async fn launch(
    display: &Display,
    config: &str,
    name: &str,
) -> anyhow::Result<(App, tempfile::TempDir)> {
    let data = tempfile::tempdir()?;
    std::fs::write(data.path().join("softphone.toml"), config)?;
    let dir = data.path().display().to_string();
    let app = App::launch(display, &["--data-dir", &dir], name).await?;
    Ok((app, data))
}

async fn dial_911(app: &App) -> anyhow::Result<()> {
    app.testid("dial-input").await?.send_keys("911").await?;
    app.testid("dial-call").await?.click().await?;
    Ok(())
}

/// Opens the indicator's details and returns the country line.
async fn country_line(app: &App) -> anyhow::Result<String> {
    if !app.has_testid("readiness-details").await? {
        app.testid("readiness").await?.click().await?;
    }
    Ok(app.testid("readiness-country").await?.text().await?)
}

#[tokio::test]
async fn e9_outside_the_us_is_shown_before_dialling_and_warn_lets_911_out() -> anyhow::Result<()> {
    let display = Display::start()?;
    let geo = Geolocation::answering(r#"{"country_code":"CA"}"#, Duration::ZERO).await?;
    let mut sipp = Sipp::serve("emergency_911.xml").await?;
    let config = geo.configure(&agent_config(sipp.addr), "warn", 3000);
    let (app, _data) = launch(&display, &config, "location_warn").await?;

    assert_eq!(
        app.wait_attr("readiness", "data-state", "warning").await?,
        "warning"
    );
    assert!(country_line(&app).await?.contains("CA"));
    let problems = app.testid("readiness-problem-0").await?.text().await?;
    assert!(!problems.is_empty(), "the failing part is named");
    app.screenshot("location_outside_us_warn").await?;

    dial_911(&app).await?;
    assert_eq!(
        app.wait_attr("call-card", "data-state", "Connected")
            .await?,
        "Connected"
    );
    app.testid("call-end").await?.click().await?;
    sipp.passed().await?;
    app.close().await
}

#[tokio::test]
async fn e9_refuse_shows_the_agent_why_and_sends_nothing() -> anyhow::Result<()> {
    let display = Display::start()?;
    let geo = Geolocation::answering("MX", Duration::ZERO).await?;
    // sipp would fail its scenario on a missing INVITE; here nothing may reach it, so
    // the proxy is a port nobody listens on and the check is the UI's.
    let proxy = std::net::SocketAddr::from(([127, 0, 0, 1], system_tests::free_port()?));
    let config = geo.configure(&agent_config(proxy), "refuse", 3000);
    let (app, _data) = launch(&display, &config, "location_refuse").await?;

    assert_eq!(
        app.wait_attr("readiness", "data-state", "refused").await?,
        "refused"
    );
    assert!(country_line(&app).await?.contains("MX"));
    app.screenshot("location_outside_us_refused_details")
        .await?;
    // Closed again, so the screenshot below shows what the agent reads after dialling.
    app.testid("readiness").await?.click().await?;
    dial_911(&app).await?;
    let error = app.testid("call-error").await?;
    assert_eq!(
        error.attr("data-code").await?.as_deref(),
        Some("NotAllowed")
    );
    let why = error.text().await?;
    assert!(why.contains("MX"), "the agent sees why: {why}");
    assert!(
        !app.has_testid("call-card").await?,
        "a refused dial leaves no call"
    );
    app.screenshot("location_outside_us_refused").await?;
    app.close().await
}

#[tokio::test]
async fn e2_a_geolocation_service_answering_after_10_s_does_not_hold_back_the_911_invite(
) -> anyhow::Result<()> {
    let display = Display::start()?;
    let geo = Geolocation::answering(r#"{"country_code":"US"}"#, Duration::from_secs(11)).await?;
    let mut sipp = Sipp::serve("emergency_911.xml").await?;
    let config = geo.configure(&agent_config(sipp.addr), "refuse", 10_000);
    let (app, _data) = launch(&display, &config, "location_service_slow").await?;

    // The lookup started with the app and is still out: the country is unknown.
    assert!(country_line(&app).await?.contains("unknown"));
    let dialled = Instant::now();
    dial_911(&app).await?;
    assert_eq!(
        app.wait_attr("call-card", "data-state", "Connected")
            .await?,
        "Connected"
    );
    println!(
        "911 connected {:?} after the click, the service still silent",
        dialled.elapsed()
    );
    // Connected while the lookup is still out: the dial never waited for it.
    assert!(country_line(&app).await?.contains("unknown"));
    app.testid("call-end").await?.click().await?;
    sipp.passed().await?;
    app.close().await
}
