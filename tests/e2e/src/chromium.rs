//! Chromium under chromedriver: the browser the web console is tested in.
//!
//! [`ChromeDriver`] is `/usr/bin/chromedriver` on an ephemeral port, in a process group
//! of its own; [`Browser`] is one WebDriver session of headless `/usr/bin/chromium` with
//! a fresh profile, and helpers that find elements by `data-testid` only.

use std::fs::File;
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use nix::sys::signal::{kill, killpg, Signal};
use nix::unistd::Pid;

/// How long an element may take to appear or change. Generous: the machine is shared.
pub const UI_TIMEOUT: Duration = Duration::from_secs(20);

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// A chromedriver process, stopped by its own pid (and its group, where the browsers it
/// started live) on drop, and waited for.
#[derive(Debug)]
pub struct ChromeDriver {
    child: Child,
    port: u16,
}

impl ChromeDriver {
    pub fn start(log_name: &str) -> anyhow::Result<ChromeDriver> {
        let port = crate::free_port()?;
        let log_path = crate::artifacts_dir().join(format!("{log_name}.chromedriver.log"));
        let log = File::create(&log_path)
            .with_context(|| format!("cannot create {}", log_path.display()))?;
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log))
            .process_group(0)
            .spawn()
            .context("cannot start /usr/bin/chromedriver (package chromium-driver)")?;
        let mut driver = ChromeDriver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = driver.child.try_wait()? {
                bail!(
                    "chromedriver exited at once ({status}); see {}",
                    log_path.display()
                );
            }
            if Instant::now() > deadline {
                bail!("chromedriver did not listen on port {port} within 20 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(driver)
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let Some(pid) = i32::try_from(self.child.id()).ok().filter(|p| *p > 1) else {
            return;
        };
        // The driver by its pid; then its own group, where a browser left behind by a
        // failed test would be. Never a command line: see ARCHITECTURE.md's invariants.
        let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
    }
}

/// One headless Chromium session with a fresh profile.
#[derive(Debug)]
pub struct Browser {
    pub client: Client,
    driver: ChromeDriver,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn start(log_name: &str) -> anyhow::Result<Browser> {
        Browser::start_with(log_name, &[]).await
    }

    /// Like [`Browser::start`], with further Chromium switches (fake media devices).
    pub async fn start_with(log_name: &str, extra_args: &[String]) -> anyhow::Result<Browser> {
        let driver = ChromeDriver::start(log_name)?;
        let profile = tempfile::tempdir()?;
        let mut args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--lang=en-US".to_owned(),
            "--window-size=1280,1000".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        args.extend(extra_args.iter().cloned());
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({ "binary": CHROMIUM, "args": args }),
        );
        let client = ClientBuilder::native()
            .capabilities(caps)
            .connect(&driver.url())
            .await
            .with_context(|| format!("no WebDriver session with Chromium (see artifacts/e2e/{log_name}.chromedriver.log)"))?;
        Ok(Browser {
            client,
            driver,
            _profile: profile,
        })
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

    /// Waits until no element with `data-testid=id` is on the page.
    pub async fn gone(&self, id: &str) -> anyhow::Result<()> {
        let deadline = Instant::now() + UI_TIMEOUT;
        while self.has_testid(id).await? {
            anyhow::ensure!(
                Instant::now() < deadline,
                "{id} still shown after {UI_TIMEOUT:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }

    pub async fn click(&self, id: &str) -> anyhow::Result<()> {
        self.testid(id)
            .await?
            .click()
            .await
            .with_context(|| format!("click {id}"))
    }

    /// Empties the field `id` as a user does (select all, delete) and types `text`.
    /// WebDriver's own clear fires no `input` event, so a bound value would keep the
    /// old text while the screen shows an empty field.
    pub async fn fill(&self, id: &str, text: &str) -> anyhow::Result<()> {
        const SELECT_ALL_DELETE: &str = "\u{E009}a\u{E000}\u{E003}";
        let el = self.testid(id).await?;
        el.send_keys(&format!("{SELECT_ALL_DELETE}{text}"))
            .await
            .with_context(|| format!("type into {id}"))
    }

    pub async fn select(&self, id: &str, value: &str) -> anyhow::Result<()> {
        self.testid(id)
            .await?
            .select_by_value(value)
            .await
            .with_context(|| format!("select {value} in {id}"))
    }

    pub async fn text(&self, id: &str) -> anyhow::Result<String> {
        Ok(self.testid(id).await?.text().await?)
    }

    /// Polls the text of `id` until `ok` accepts it; fails with the last text seen.
    pub async fn wait_text(&self, id: &str, ok: impl Fn(&str) -> bool) -> anyhow::Result<String> {
        let deadline = Instant::now() + UI_TIMEOUT;
        loop {
            let last = match self
                .client
                .find(Locator::Css(&format!("[data-testid=\"{id}\"]")))
                .await
            {
                Ok(el) => el.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if ok(&last) {
                return Ok(last);
            }
            if Instant::now() > deadline {
                bail!("{id} never showed the expected text; last seen: {last:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Polls attribute `attr` of `id` until it equals `want`.
    pub async fn wait_attr(&self, id: &str, attr: &str, want: &str) -> anyhow::Result<()> {
        let deadline = Instant::now() + UI_TIMEOUT;
        loop {
            let value = match self
                .client
                .find(Locator::Css(&format!("[data-testid=\"{id}\"]")))
                .await
            {
                Ok(el) => el.attr(attr).await.ok().flatten(),
                Err(_) => None,
            };
            if value.as_deref() == Some(want) {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("{id}[{attr}] never became {want:?}; last seen: {value:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a screenshot as `artifacts/e2e/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> anyhow::Result<PathBuf> {
        let path = crate::artifacts_dir().join(format!("{name}.png"));
        std::fs::write(&path, self.client.screenshot().await?)?;
        Ok(path)
    }

    /// Saves a screenshot for the documentation as `docs/screenshots/<name>.png`.
    pub async fn doc_screenshot(&self, name: &str) -> anyhow::Result<PathBuf> {
        let dir = crate::workspace_root().join("docs/screenshots");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, self.client.screenshot().await?)?;
        Ok(path)
    }

    /// Ends the session (Chromium exits), then stops chromedriver.
    pub async fn close(self) -> anyhow::Result<()> {
        let Browser { client, driver, .. } = self;
        let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        drop(driver);
        Ok(())
    }
}
