//! A real sipp on loopback for the system tests: the far end of the app's calls.

use std::net::{SocketAddr, UdpSocket};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context};
use tokio::process::{Child, Command};

/// A sipp running one scenario from `crates/engine/tests/scenarios` for one call.
/// Killed by its own pid when dropped.
#[derive(Debug)]
pub struct Sipp {
    child: Child,
    pub addr: SocketAddr,
    logs: tempfile::TempDir,
    scenario: String,
}

impl Sipp {
    pub async fn serve(scenario: &str) -> anyhow::Result<Sipp> {
        let path = crate::workspace_root()
            .join("crates/engine/tests/scenarios")
            .join(scenario);
        let port = UdpSocket::bind("127.0.0.1:0")?.local_addr()?.port();
        Sipp::run(path, scenario, tempfile::tempdir()?, port, &[]).await
    }

    /// A scenario of `tests/e2e/scenarios` with each `{{KEY}}` replaced by its value
    /// (the numbers a site was seeded with), on `port` (the edge was told it already).
    pub async fn serve_site(
        scenario: &str,
        values: &[(&str, &str)],
        port: u16,
    ) -> anyhow::Result<Sipp> {
        Sipp::site(scenario, values, port, &[]).await
    }

    /// A site scenario as a caller: from `port`, one call to `service` at `remote`.
    pub async fn call_site(
        scenario: &str,
        values: &[(&str, &str)],
        port: u16,
        remote: SocketAddr,
        service: &str,
    ) -> anyhow::Result<Sipp> {
        let target = [remote.to_string(), "-s".to_owned(), service.to_owned()];
        Sipp::site(scenario, values, port, &target).await
    }

    async fn site(
        scenario: &str,
        values: &[(&str, &str)],
        port: u16,
        extra: &[String],
    ) -> anyhow::Result<Sipp> {
        let source = crate::workspace_root()
            .join("tests/e2e/scenarios")
            .join(scenario);
        let mut text = std::fs::read_to_string(&source)
            .with_context(|| format!("scenario {}", source.display()))?;
        for (key, value) in values {
            text = text.replace(&format!("{{{{{key}}}}}"), value);
        }
        let logs = tempfile::tempdir()?;
        let path = logs.path().join(scenario);
        std::fs::write(&path, text)?;
        Sipp::run(path, scenario, logs, port, extra).await
    }

    async fn run(
        path: std::path::PathBuf,
        scenario: &str,
        logs: tempfile::TempDir,
        port: u16,
        extra: &[String],
    ) -> anyhow::Result<Sipp> {
        let child = Command::new("sipp")
            .args(extra)
            .arg("-sf")
            .arg(&path)
            .args([
                "-i",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-m",
                "1",
                "-nostdin",
            ])
            .args([
                "-timeout",
                "60s",
                "-timeout_error",
                "-trace_err",
                "-error_file",
            ])
            .arg(logs.path().join("errors.log"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(std::fs::File::create(
                logs.path().join("stderr.log"),
            )?))
            .kill_on_drop(true)
            .spawn()
            .context("cannot start sipp (Debian package sip-tester)")?;
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let mut sipp = Sipp {
            child,
            addr,
            logs,
            scenario: scenario.to_owned(),
        };
        for _ in 0..250 {
            if UdpSocket::bind(addr).is_err() {
                return Ok(sipp);
            }
            if let Some(status) = sipp.child.try_wait()? {
                if status.success() && !extra.is_empty() {
                    // A caller may be done before we looked.
                    return Ok(sipp);
                }
                bail!(
                    "sipp exited before listening ({status}):\n{}",
                    sipp.diagnostics()
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        bail!("sipp did not listen on {addr}")
    }

    /// Fails unless sipp ran its scenario, checks included, to the end.
    pub async fn passed(&mut self) -> anyhow::Result<()> {
        let status = tokio::time::timeout(Duration::from_secs(20), self.child.wait())
            .await
            .with_context(|| format!("sipp ({}) did not finish", self.scenario))??;
        if !status.success() {
            bail!(
                "sipp scenario {} failed ({status}):\n{}",
                self.scenario,
                self.diagnostics()
            );
        }
        Ok(())
    }

    fn diagnostics(&self) -> String {
        ["errors.log", "stderr.log"]
            .iter()
            .map(|n| std::fs::read_to_string(self.logs.path().join(n)).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// `softphone.toml` for an agent whose calls go to `proxy`, with a confirmed location.
pub fn agent_config(proxy: SocketAddr) -> String {
    format!(
        r#"[sip]
user = "agent1001"
domain = "127.0.0.1"
bind = "127.0.0.1:0"
outbound_proxy = "{proxy}"

[agent]
number = "+12065550100"

[emergency]
lease_budget_ms = 200

[emergency.location]
country = "US"
state = "WA"
city = "Seattle"
street = "Pine St"
number = "400"
zip = "98101"
floor = "3"
"#
    )
}
