//! The app as `cargo xtask run` starts it: the binary alone, no WebDriver. It must open
//! its window on the display by itself, from the bundled UI.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use system_tests::{app_binary, artifacts_dir, Display};

/// The app's window, as the X server lists it, or `None` while it is not there.
fn softphone_window(display: &Display) -> anyhow::Result<Option<String>> {
    let out = Command::new("xwininfo")
        .args(["-root", "-tree"])
        .env("DISPLAY", &display.name)
        .output()?;
    anyhow::ensure!(out.status.success(), "xwininfo failed (package x11-utils)");
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .find(|l| l.contains("\"Softphone\""))
        .map(str::to_owned))
}

#[test]
fn the_app_opens_its_window_without_a_driver() -> anyhow::Result<()> {
    let display = Display::start()?;
    let data = tempfile::tempdir()?;
    let mut app = Command::new(app_binary()?)
        .arg("--data-dir")
        .arg(data.path())
        .env("DISPLAY", &display.name)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;

    // The window appears, then takes the size of tauri.conf.json (420x720); the X
    // server may list it for a moment before that size is applied.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut seen = None;
    loop {
        if let Some(status) = app.try_wait()? {
            anyhow::bail!("the app exited on its own: {status}");
        }
        seen = softphone_window(&display)?.or(seen);
        if seen.as_deref().is_some_and(|w| w.contains("420x720")) {
            break;
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "no 420x720 Softphone window within 30 s; last seen: {seen:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    // Give the webview a moment to paint, then keep a picture of the whole screen.
    std::thread::sleep(Duration::from_secs(2));
    let shot = artifacts_dir().join("app_window_without_driver.png");
    let status = Command::new("import")
        .args(["-window", "root"])
        .arg(&shot)
        .env("DISPLAY", &display.name)
        .status()?;
    assert!(status.success(), "import (package imagemagick) failed");

    app.kill()?;
    app.wait()?;
    Ok(())
}
