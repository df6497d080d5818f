//! Demo mode, the embedded default (issue 7 item 5): the real app started with no
//! configuration runs its built-in site (back office, SIP edge, built-in carrier and
//! emergency provider) and registers on it; a banner says no real emergency center is
//! reached; a 933 test call is answered, the panel and the banner show what the center
//! received (E5, E10, E12), and the built-in center's callback rings (E6); the
//! Supervisor panel signs in to the built-in back office as the demo supervisor.

use system_tests::{App, Display};

#[tokio::test]
async fn demo_mode_answers_a_933_test_call_with_no_setup_and_the_center_calls_back(
) -> anyhow::Result<()> {
    let display = Display::start()?;
    let data = tempfile::tempdir()?;
    let dir = data.path().display().to_string();
    let app = App::launch(&display, &["--data-dir", &dir], "demo_mode").await?;

    let banner = app.testid("demo-banner").await?;
    assert!(banner
        .text()
        .await?
        .contains("No real emergency center is reached"));
    assert_eq!(
        app.wait_attr("registration-state", "data-state", "Registered")
            .await?,
        "Registered"
    );
    // The callback number the built-in center would use, from the banner's button.
    let ask = app.testid("demo-request-callback").await?.text().await?;
    let pool = ask
        .split_whitespace()
        .find(|w| w.starts_with('+'))
        .unwrap_or_default()
        .to_owned();
    assert!(pool.len() > 10, "a callback number in {ask:?}");

    // No address yet: the agent gives one (E9), then places the test call.
    for (field, value) in [
        ("location-number", "400"),
        ("location-street", "Pine St"),
        ("location-city", "Seattle"),
        ("location-state", "WA"),
        ("location-zip", "98101"),
    ] {
        app.testid(field).await?.send_keys(value).await?;
    }
    app.testid("location-confirm").await?.click().await?;
    app.screenshot("demo_mode_ready").await?;
    app.testid("dial-input").await?.send_keys("933").await?;
    app.testid("dial-call").await?.click().await?;
    assert_eq!(
        app.wait_attr("call-card", "data-state", "Connected")
            .await?,
        "Connected"
    );
    let shown = app.testid("emergency-callback").await?;
    for _ in 0..100 {
        if shown.text().await? == pool {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(shown.text().await?, pool, "E5: the leased number is shown");
    assert!(app
        .testid("emergency-route")
        .await?
        .text()
        .await?
        .contains(demo::TEST_ROUTING_NUMBER));
    assert!(app
        .testid("emergency-kind")
        .await?
        .text()
        .await?
        .contains("Test call"));
    app.screenshot("demo_mode_933_connected").await?;
    app.testid("call-end").await?.click().await?;

    let received = app.testid("demo-center-received").await?.text().await?;
    assert!(received.contains("test center"), "{received}");
    assert!(received.contains(&pool), "{received}");
    assert!(received.contains("with your location"), "{received}");

    // E6: the built-in center calls back; the app rings with the callback's alert.
    app.testid("demo-request-callback").await?.click().await?;
    app.testid("call-emergency-callback-badge").await?;
    app.screenshot("demo_mode_callback_ringing").await?;
    app.testid("call-answer").await?.click().await?;
    assert_eq!(
        app.wait_attr("call-card", "data-state", "Connected")
            .await?,
        "Connected"
    );
    app.testid("call-end").await?.click().await?;

    // The Supervisor panel signs in to the built-in back office as the demo supervisor,
    // whose name and password it offers: nothing to look up or type.
    app.testid("supervisor-toggle").await?.click().await?;
    app.testid("supervisor-demo-hint").await?;
    app.testid("supervisor-sign-in-submit")
        .await?
        .click()
        .await?;
    assert_eq!(
        app.wait_attr("supervisor-connection", "data-connected", "true")
            .await?,
        "true",
        "the demo back office's live feed opens"
    );
    let user = app.testid("supervisor-user").await?.text().await?;
    assert!(user.contains("supervisor-"), "{user}");
    app.screenshot("demo_mode_supervisor").await?;
    app.close().await
}
