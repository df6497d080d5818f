//! The first slice through every layer, on the real app binary: the agent's presence
//! comes from the Rust core, changes by mouse and keyboard, and is kept across restarts.

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use system_tests::{App, Display};

fn data_dir_args(dir: &std::path::Path) -> Vec<String> {
    vec!["--data-dir".into(), dir.display().to_string()]
}

async fn launch(display: &Display, args: &[String], name: &str) -> anyhow::Result<App> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    App::launch(display, &args, name).await
}

async fn current_presence(app: &App) -> anyhow::Result<String> {
    Ok(app
        .testid("presence-current")
        .await?
        .attr("data-presence")
        .await?
        .unwrap_or_default())
}

#[tokio::test]
async fn presence_changed_with_the_mouse_is_kept_across_a_restart() -> anyhow::Result<()> {
    let display = Display::start()?;
    let data = tempfile::tempdir()?;
    let args = data_dir_args(data.path());

    let app = launch(&display, &args, "presence_mouse_first_run").await?;
    assert_eq!(current_presence(&app).await?, "Available");
    app.testid("presence-toggle").await?.click().await?;
    app.testid("presence-option-Busy").await?.click().await?;
    assert_eq!(
        app.wait_attr("presence-current", "data-presence", "Busy")
            .await?,
        "Busy"
    );
    app.screenshot("presence_changed_to_busy").await?;
    app.close().await?;

    let app = launch(&display, &args, "presence_mouse_second_run").await?;
    assert_eq!(
        current_presence(&app).await?,
        "Busy",
        "presence must come back after a restart"
    );
    assert!(app.testid("keypad").await?.is_displayed().await?);
    assert!(app.testid("dial-input").await?.is_displayed().await?);
    app.screenshot("presence_kept_after_restart").await?;
    app.close().await
}

#[tokio::test]
async fn presence_shortcut_alt_3_sets_away() -> anyhow::Result<()> {
    let display = Display::start()?;
    let data = tempfile::tempdir()?;
    let app = launch(&display, &data_dir_args(data.path()), "presence_keyboard").await?;

    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down {
            value: Key::Alt.into(),
        })
        .then(KeyAction::Down { value: '3' })
        .then(KeyAction::Up { value: '3' })
        .then(KeyAction::Up {
            value: Key::Alt.into(),
        });
    app.client.perform_actions(keys).await?;
    app.client.release_actions().await?;

    assert_eq!(
        app.wait_attr("presence-current", "data-presence", "Away")
            .await?,
        "Away"
    );
    app.screenshot("presence_set_by_keyboard").await?;
    app.close().await
}

#[tokio::test]
async fn keypad_clicks_fill_the_number_field() -> anyhow::Result<()> {
    let display = Display::start()?;
    let data = tempfile::tempdir()?;
    let app = launch(&display, &data_dir_args(data.path()), "keypad").await?;

    for key in [
        "keypad-4",
        "keypad-1",
        "keypad-5",
        "keypad-star",
        "keypad-hash",
    ] {
        app.testid(key).await?.click().await?;
    }
    let value = app.testid("dial-input").await?.prop("value").await?;
    assert_eq!(value.as_deref(), Some("415*#"));
    app.screenshot("keypad_filled").await?;
    app.close().await
}

#[tokio::test]
async fn a_corrupt_data_folder_is_shown_on_screen_and_the_app_still_works() -> anyhow::Result<()> {
    let display = Display::start()?;
    let data = tempfile::tempdir()?;
    std::fs::write(data.path().join("agent-state.txt"), "\u{0}not a state file")?;
    let app = launch(&display, &data_dir_args(data.path()), "corrupt_data").await?;

    let banner = app.testid("storage-problem").await?;
    let text = banner.text().await?;
    assert!(text.contains("could not be read"), "banner says: {text}");
    app.screenshot("storage_problem_corrupt").await?;

    // Still usable, and the new choice is saved for the next start.
    app.testid("presence-toggle").await?.click().await?;
    app.testid("presence-option-DoNotDisturb")
        .await?
        .click()
        .await?;
    assert_eq!(
        app.wait_attr("presence-current", "data-presence", "DoNotDisturb")
            .await?,
        "DoNotDisturb"
    );
    app.close().await?;

    let app = launch(
        &display,
        &data_dir_args(data.path()),
        "corrupt_data_second_run",
    )
    .await?;
    assert_eq!(current_presence(&app).await?, "DoNotDisturb");
    assert!(!app.has_testid("storage-problem").await?);
    app.close().await
}

#[tokio::test]
async fn an_unusable_data_folder_is_shown_on_screen_and_nothing_is_overwritten(
) -> anyhow::Result<()> {
    let display = Display::start()?;
    let dir = tempfile::tempdir()?;
    let not_a_folder = dir.path().join("data");
    std::fs::write(&not_a_folder, "a file where the data folder should be")?;
    let app = launch(&display, &data_dir_args(&not_a_folder), "unusable_data").await?;

    let text = app.testid("storage-problem").await?.text().await?;
    assert!(text.contains("not a folder"), "banner says: {text}");
    app.testid("presence-toggle").await?.click().await?;
    app.testid("presence-option-Away").await?.click().await?;
    assert_eq!(
        app.wait_attr("presence-current", "data-presence", "Away")
            .await?,
        "Away"
    );
    app.screenshot("storage_problem_unusable").await?;
    app.close().await?;

    assert_eq!(
        std::fs::read_to_string(&not_a_folder)?,
        "a file where the data folder should be"
    );
    Ok(())
}
