//! Harness for the system tests: the real desktop app, started by WebKitWebDriver
//! under a private Xvfb display, driven with fantoccini.
//!
//! Main types: [`Display`] (an Xvfb server of the test's own), [`Driver`] (a
//! WebKitWebDriver process), [`App`] (one WebDriver session = one run of the app).
//! [`sipp::Sipp`] is the far end of the app's calls. Everything is torn down on drop,
//! so a failing test leaves no process behind.
//!
//! The web console is tested in Chromium instead: [`chromium::Browser`] (headless
//! Chromium under its own chromedriver), [`backoffice::BackOffice`] (the real service on
//! a fresh database) and [`console::Console`], the two together.

pub mod backoffice;
pub mod chromium;
pub mod console;
mod display;
mod driver;
pub mod geolocation;
pub mod sipp;
pub mod site;

pub use display::Display;
pub use driver::{App, Driver};

use std::path::PathBuf;

/// The workspace root, for artifacts.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The app binary under test: `SOFTPHONE_APP_BIN`, else the `softphone` binary built
/// into the same target folder as this test.
pub fn app_binary() -> anyhow::Result<PathBuf> {
    if let Some(bin) = std::env::var_os("SOFTPHONE_APP_BIN") {
        return Ok(PathBuf::from(bin));
    }
    // A test runs from target/<profile>/deps/<name>; the app is target/<profile>/softphone.
    let exe = std::env::current_exe()?;
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .ok_or_else(|| anyhow::anyhow!("unexpected test binary location {}", exe.display()))?;
    let bin = profile_dir.join("softphone");
    anyhow::ensure!(
        bin.is_file(),
        "the app binary {} is missing: build it first (`cargo build -p softphone`), \
         or run the whole suite with `cargo xtask test`",
        bin.display()
    );
    Ok(bin)
}

/// A loopback port nobody listens on right now.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Where a test's screenshots go (`artifacts/e2e/`, ignored by git).
pub fn artifacts_dir() -> PathBuf {
    let dir = workspace_root().join("artifacts/e2e");
    let _ = std::fs::create_dir_all(&dir);
    dir
}
