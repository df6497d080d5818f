//! The window comes back with the size and place the agent left it at (issue 7, agent
//! comfort): resized through WebDriver, saved by the app, restored at the next start.

use std::time::{Duration, Instant};

use system_tests::{App, Display};

#[tokio::test]
async fn the_window_comes_back_with_the_size_and_place_it_was_left_at() -> anyhow::Result<()> {
    let display = Display::start()?;
    let data = tempfile::tempdir()?;
    let dir = data.path().display().to_string();
    let args = ["--data-dir", dir.as_str()];

    let app = App::launch(&display, &args, "window_place_first").await?;
    app.client.set_window_rect(30, 40, 520, 780).await?;
    // The app writes the place once the window has settled.
    let saved = data.path().join("window.txt");
    let deadline = Instant::now() + Duration::from_secs(10);
    let text = loop {
        let text = std::fs::read_to_string(&saved).unwrap_or_default();
        if text.starts_with("520 780") || Instant::now() > deadline {
            break text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(text.starts_with("520 780"), "saved place: {text:?}");
    app.close().await?;

    let app = App::launch(&display, &args, "window_place_second").await?;
    let (x, y, width, height) = app.client.get_window_rect().await?;
    assert_eq!((width, height), (520, 780), "restored size");
    assert_eq!((x, y), (30, 40), "restored place");
    app.screenshot("window_place_restored").await?;
    app.close().await
}
