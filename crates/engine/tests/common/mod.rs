//! Test support: a real sipp on loopback per test, and an engine configured to call it.

#![allow(dead_code)] // each test binary uses a different subset

pub mod baresip;
pub mod linphone;

use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use engine::{Engine, EngineOptions};
use tokio::process::{Child, Command};
use wire::AgentView;

/// Every wait here is bounded: a broken peer fails a test, it never hangs the suite.
pub const WAIT: Duration = Duration::from_secs(10);

/// A sipp running one scenario for one call; killed by its own pid when dropped.
pub struct Sipp {
    child: Child,
    pub addr: SocketAddr,
    logs: tempfile::TempDir,
    scenario: String,
}

impl Sipp {
    /// sipp as a server (UAS) for one call.
    pub async fn serve(scenario: &str) -> Sipp {
        Sipp::start(scenario, &[]).await
    }

    /// sipp as a server (UAS) for `calls` calls.
    pub async fn serve_calls(scenario: &str, calls: u32) -> Sipp {
        // A later `-m` overrides the one `start` puts first.
        Sipp::start(scenario, &["-m", &calls.to_string()]).await
    }

    /// sipp as the caller of `target` (UAC) for one call.
    pub async fn call(scenario: &str, target: SocketAddr) -> Sipp {
        Sipp::call_to(scenario, "agent1001", target).await
    }

    /// Like [`Sipp::call`], with `user` as the Request-URI's user (the dialled number).
    pub async fn call_to(scenario: &str, user: &str, target: SocketAddr) -> Sipp {
        Sipp::start(scenario, &["-s", user, &target.to_string()]).await
    }

    async fn start(scenario: &str, extra: &[&str]) -> Sipp {
        let logs = tempfile::tempdir().expect("temp dir for sipp logs");
        let port = UdpSocket::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .expect("a free UDP port")
            .port();
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/scenarios")
            .join(scenario);
        let log = |name: &str| -> PathBuf { logs.path().join(name) };
        let child = Command::new("sipp")
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
                "15s",
                "-timeout_error",
                "-trace_err",
                "-error_file",
            ])
            .arg(log("errors.log"))
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::from(
                std::fs::File::create(log("screen.log")).expect("log"),
            ))
            .stderr(Stdio::from(
                std::fs::File::create(log("stderr.log")).expect("log"),
            ))
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start sipp (Debian package sip-tester): {e}"));
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let mut sipp = Sipp {
            child,
            addr,
            logs,
            scenario: scenario.to_owned(),
        };
        // Listening once we can no longer bind its port (a UAC binds it too).
        let deadline = tokio::time::Instant::now() + WAIT;
        while UdpSocket::bind(addr).is_ok() {
            if let Ok(Some(status)) = sipp.child.try_wait() {
                panic!(
                    "sipp exited before listening ({status}):\n{}",
                    sipp.diagnostics()
                );
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "sipp did not listen"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        sipp
    }

    /// Fails the test unless sipp ran its scenario to the end (its checks included).
    pub async fn assert_passed(&mut self) {
        let status = match tokio::time::timeout(WAIT, self.child.wait()).await {
            Ok(status) => status.expect("wait for sipp"),
            Err(_) => {
                let _ = self.child.kill().await;
                panic!(
                    "sipp ({}) did not finish:\n{}",
                    self.scenario,
                    self.diagnostics()
                );
            }
        };
        assert!(
            status.success(),
            "sipp scenario {} failed ({status}):\n{}",
            self.scenario,
            self.diagnostics()
        );
    }

    pub fn diagnostics(&self) -> String {
        ["errors.log", "stderr.log", "screen.log"]
            .iter()
            .map(|n| {
                let text = std::fs::read_to_string(self.logs.path().join(n)).unwrap_or_default();
                let tail = &text[text.len().saturating_sub(3000)..];
                format!("--- {n} ---\n{tail}\n")
            })
            .collect()
    }
}

/// A loopback address with a port free right now, for the engine's SIP socket.
pub fn free_sip_addr() -> SocketAddr {
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("a free UDP port")
}

/// The configuration file of an agent whose calls go to `proxy`.
pub fn config_for(proxy: SocketAddr, extra: &str) -> String {
    config_bound(proxy, "127.0.0.1:0".parse().expect("address"), extra)
}

/// Like [`config_for`], with the engine's SIP socket on `bind`.
pub fn config_bound(proxy: SocketAddr, bind: SocketAddr, extra: &str) -> String {
    format!(
        r#"
[sip]
user = "agent1001"
domain = "127.0.0.1"
bind = "{bind}"
outbound_proxy = "{proxy}"

[agent]
number = "+12065550100"

[emergency]
site_callback_number = "+12065550199"
lease_budget_ms = 200

[emergency.location]
country = "US"
state = "WA"
city = "Seattle"
street = "Pine St"
number = "400"
zip = "98101"
floor = "3"
{extra}
"#
    )
}

/// An engine on a fresh data folder with `config` as its file.
pub fn engine_with(config: &str) -> (Engine, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("data dir");
    std::fs::write(dir.path().join("softphone.toml"), config).expect("config file");
    let engine = Engine::start(
        EngineOptions::new(dir.path()),
        tokio::runtime::Handle::current(),
    );
    (engine, dir)
}

/// E7: an emergency call left nothing behind, in the view or in the data folder:
/// no history entry and no recording.
pub fn assert_nothing_kept(view: &AgentView, data_dir: &Path) {
    assert!(
        view.history.is_empty(),
        "E7: no history: {:?}",
        view.history
    );
    assert!(
        !data_dir.join(engine::HISTORY_FILE).exists(),
        "E7: no history file"
    );
    assert!(view.recordings.is_empty(), "E7: no recording in the view");
    assert!(
        !data_dir.join(engine::RECORDINGS_DIR).exists(),
        "E7: no recording"
    );
}

/// Waits for a published view that satisfies `want`.
pub async fn wait_view(
    engine: &Engine,
    what: &str,
    want: impl Fn(&AgentView) -> bool,
) -> AgentView {
    let mut views = engine.subscribe();
    let current = engine.view();
    if want(&current) {
        return current;
    }
    let found = tokio::time::timeout(WAIT, async {
        loop {
            match views.recv().await {
                Ok(v) if want(&v) => return v,
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    let v = engine.view();
                    if want(&v) {
                        return v;
                    }
                }
                Err(e) => panic!("views ended: {e}"),
            }
        }
    })
    .await;
    found.unwrap_or_else(|_| {
        panic!(
            "no view where {what} within {WAIT:?}; last: {:#?}",
            engine.view()
        )
    })
}
