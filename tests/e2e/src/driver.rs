//! WebKitWebDriver and one session of the app under it.

use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use nix::sys::signal::{killpg, Signal};
use nix::unistd::Pid;

use crate::Display;

/// How long a UI element may take to appear. Generous: CI machines are shared.
const UI_TIMEOUT: Duration = Duration::from_secs(30);

/// A WebKitWebDriver process in its own process group, so that stopping it also stops
/// the app it started.
#[derive(Debug)]
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    pub fn start(display: &Display, log: &Path) -> anyhow::Result<Driver> {
        let port = free_port()?;
        let log = File::create(log).with_context(|| format!("cannot create {}", log.display()))?;
        let child = Command::new("WebKitWebDriver")
            .arg(format!("--port={port}"))
            .env("DISPLAY", &display.name)
            .env("TAURI_WEBVIEW_AUTOMATION", "true")
            .env("SOFTPHONE_LOG", "info")
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log))
            .process_group(0)
            .spawn()
            .context("cannot start WebKitWebDriver (package webkit2gtk-driver; `cargo xtask test` installs it)")?;
        let driver = Driver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                bail!("WebKitWebDriver did not listen on port {port} within 20 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(driver)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: the driver and the app it launched. Signalled through the
        // system call, never a `kill` command line: `/usr/bin/kill -TERM -PGID` has been
        // seen here to signal every process of the machine (pid -1).
        let Some(group) = i32::try_from(self.child.id()).ok().filter(|g| *g > 1) else {
            return;
        };
        let group = Pid::from_raw(group);
        let _ = killpg(group, Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                // The app may still be closing down; make sure it is gone.
                let _ = killpg(group, Signal::SIGKILL);
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = killpg(group, Signal::SIGKILL);
        let _ = self.child.wait();
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// One run of the real app: a driver, and a WebDriver session whose browser is the app.
#[derive(Debug)]
pub struct App {
    pub client: Client,
    driver: Driver,
}

impl App {
    /// Starts the app binary with `args` and waits until its UI has loaded.
    pub async fn launch(display: &Display, args: &[&str], log_name: &str) -> anyhow::Result<App> {
        let binary = crate::app_binary()?;
        let log = crate::artifacts_dir().join(format!("{log_name}.log"));
        let driver = Driver::start(display, &log)?;
        let mut caps = serde_json::Map::new();
        caps.insert(
            "webkitgtk:browserOptions".into(),
            serde_json::json!({ "binary": binary, "args": args }),
        );
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&driver.url())
            .await
            .with_context(|| {
                format!("no WebDriver session with the app (see {})", log.display())
            })?;
        let app = App { client, driver };
        app.testid("app-ready")
            .await
            .context("the UI never became ready")?;
        Ok(app)
    }

    /// The element with `data-testid=id`, waiting for it to appear.
    pub async fn testid(&self, id: &str) -> anyhow::Result<Element> {
        let css = format!("[data-testid=\"{id}\"]");
        self.client
            .wait()
            .at_most(UI_TIMEOUT)
            .for_element(Locator::Css(&css))
            .await
            .with_context(|| format!("no element with data-testid={id} within {UI_TIMEOUT:?}"))
    }

    /// Whether an element with `data-testid=id` is on the page now (no waiting).
    pub async fn has_testid(&self, id: &str) -> anyhow::Result<bool> {
        let css = format!("[data-testid=\"{id}\"]");
        Ok(!self.client.find_all(Locator::Css(&css)).await?.is_empty())
    }

    /// Polls `attr` of element `id` until it equals `want`; returns the last value seen.
    pub async fn wait_attr(&self, id: &str, attr: &str, want: &str) -> anyhow::Result<String> {
        let deadline = Instant::now() + UI_TIMEOUT;
        loop {
            let value = self.testid(id).await?.attr(attr).await?.unwrap_or_default();
            if value == want || Instant::now() > deadline {
                return Ok(value);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a screenshot as `artifacts/e2e/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> anyhow::Result<()> {
        // Wait for two animation frames: WebKitGTK's snapshot can otherwise show the
        // last painted frame, from before the latest DOM change.
        let _ = self
            .client
            .execute_async(
                "const done = arguments[0]; \
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await;
        let png = self.client.screenshot().await?;
        std::fs::write(crate::artifacts_dir().join(format!("{name}.png")), png)?;
        Ok(())
    }

    /// Ends the session, then stops the driver and the app with it.
    ///
    /// WebKitWebDriver closes the app on session deletion but may never answer the
    /// request once its browser is gone, so the answer is awaited only briefly; the
    /// driver's process group is stopped either way. The app saves every change before
    /// replying to the UI, so nothing is lost by stopping it.
    pub async fn close(self) -> anyhow::Result<()> {
        let App { client, driver } = self;
        let _ = tokio::time::timeout(Duration::from_secs(5), client.close()).await;
        drop(driver);
        Ok(())
    }
}
