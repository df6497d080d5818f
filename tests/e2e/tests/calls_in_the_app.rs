//! Calls placed from the real app's dialer, through the engine and sip-ua, to a real
//! sipp: a normal call lands in history; a 911 call locks presence, shows only End
//! call and the emergency panel (E4, E8), carries the emergency headers (sipp checks
//! them, E10), and leaves no history (E7).

use system_tests::sipp::{agent_config, Sipp};
use system_tests::{App, Display};

async fn launch_with_config(
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

async fn dial(app: &App, number: &str) -> anyhow::Result<()> {
    app.testid("dial-input").await?.send_keys(number).await?;
    app.testid("dial-call").await?.click().await?;
    Ok(())
}

#[tokio::test]
async fn a_normal_call_from_the_dialer_connects_ends_and_appears_in_history() -> anyhow::Result<()>
{
    let display = Display::start()?;
    let mut sipp = Sipp::serve("answer_then_our_bye.xml").await?;
    let (app, data) = launch_with_config(&display, &agent_config(sipp.addr), "call_normal").await?;

    dial(&app, "+12065550142").await?;
    let state = app
        .wait_attr("call-card", "data-state", "Connected")
        .await?;
    assert_eq!(state, "Connected");
    assert_eq!(
        app.testid("call-remote").await?.text().await?,
        "+12065550142"
    );
    assert!(app.testid("call-timer").await?.is_displayed().await?);
    assert!(app.testid("call-mute").await?.is_displayed().await?);
    app.screenshot("call_connected").await?;

    app.testid("call-end").await?.click().await?;
    let row = app.testid("history-row").await?;
    assert!(row.text().await?.contains("+12065550142"));
    sipp.passed().await?;
    let history = std::fs::read_to_string(data.path().join("history.txt"))?;
    assert_eq!(history.lines().count(), 1);
    app.screenshot("call_in_history").await?;
    app.close().await
}

#[tokio::test]
async fn e4_e7_e8_a_911_call_from_the_dialer_locks_presence_shows_only_end_call_and_is_not_kept(
) -> anyhow::Result<()> {
    let display = Display::start()?;
    let mut sipp = Sipp::serve("emergency_911.xml").await?;
    let (app, data) = launch_with_config(&display, &agent_config(sipp.addr), "call_911").await?;

    dial(&app, "911").await?;
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
    assert!(
        app.has_testid("presence-locked").await?,
        "the selector shows it is locked"
    );
    assert!(
        !app.has_testid("dial-input").await?,
        "no dialer during an emergency call (E8)"
    );
    assert!(!app.has_testid("call-mute").await?);
    assert!(!app.has_testid("call-hold").await?);
    assert!(app.testid("call-end").await?.is_displayed().await?);
    assert_eq!(
        app.testid("emergency-callback").await?.text().await?,
        "+12065550100"
    );
    assert!(app
        .testid("emergency-location")
        .await?
        .text()
        .await?
        .contains("400 Pine St"));
    app.screenshot("call_911_restricted_panel").await?;

    app.testid("call-end").await?.click().await?;
    assert_eq!(
        app.wait_attr("presence-current", "data-presence", "Available")
            .await?,
        "Available"
    );
    assert!(app.testid("callback-window").await?.is_displayed().await?);
    assert!(app.testid("history-empty").await?.is_displayed().await?);
    sipp.passed().await?;
    assert!(
        !data.path().join("history.txt").exists(),
        "E7: no history file"
    );
    app.screenshot("call_911_ended_callback_window").await?;
    app.close().await
}

#[tokio::test]
async fn a_normal_call_under_an_always_record_policy_is_listed_in_recordings() -> anyhow::Result<()>
{
    let display = Display::start()?;
    let mut sipp = Sipp::serve("answer_then_our_bye.xml").await?;
    let config = format!(
        "{}\n[recording]\npolicy = \"always\"\n",
        agent_config(sipp.addr)
    );
    let (app, data) = launch_with_config(&display, &config, "call_recorded").await?;

    dial(&app, "+12065550142").await?;
    assert_eq!(
        app.wait_attr("call-card", "data-state", "Connected")
            .await?,
        "Connected"
    );
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    app.testid("call-end").await?.click().await?;
    let row = app.testid("recording-row").await?;
    assert!(row.text().await?.contains("+12065550142"));
    assert!(app.testid("history-row").await?.is_displayed().await?);
    sipp.passed().await?;
    let files: Vec<_> = std::fs::read_dir(data.path().join("recordings"))?
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "wav"))
        .collect();
    assert_eq!(files.len(), 1, "one recording file");
    assert!(
        files[0].metadata()?.len() > 44,
        "it holds audio, not only a header"
    );
    app.screenshot("call_recorded").await?;
    app.close().await
}
