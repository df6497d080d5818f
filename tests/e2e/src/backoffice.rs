//! The real back office for the console tests: the `backoffice` binary built by cargo,
//! a fresh SQLite file, `backoffice init` for the account and its administrator, then
//! `backoffice serve` on an ephemeral port with the console from `ui/dist`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use backoffice::auth::Role;
use backoffice::{Backoffice, BuiltinSupplier, Store, SystemClock};
use serde_json::{json, Value};

/// The demo account and its users (passwords of at least 12 characters, A1).
pub const ACCOUNT: &str = "acme";
pub const ADMIN: &str = "admin@example.com";
pub const SUPERVISOR: &str = "supervisor@example.com";
pub const AGENT: &str = "agent.ann@example.com";
pub const PASSWORD: &str = "correct horse battery staple";

/// Builds the `backoffice` binary once per test process (`cargo build -p backoffice`;
/// a no-op when `cargo xtask test` built it already) and returns its path.
pub fn backoffice_binary() -> anyhow::Result<PathBuf> {
    workspace_binary("backoffice")
}

/// Builds the binary `name` of the workspace package `name` once per test process and
/// returns its path (cargo reports it, so the target folder may be anywhere).
pub fn workspace_binary(name: &str) -> anyhow::Result<PathBuf> {
    static BUILT: Mutex<Vec<(String, PathBuf)>> = Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, p)) = built.iter().find(|(n, _)| n == name) {
        return Ok(p.clone());
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| env!("CARGO").to_owned());
    let out = Command::new(cargo)
        .args(["build", "-p", name, "--bin", name, "--message-format=json"])
        .current_dir(crate::workspace_root())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("cannot run cargo to build {name}"))?;
    anyhow::ensure!(out.status.success(), "`cargo build -p {name}` failed");
    let exe = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == name)
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .with_context(|| format!("cargo built no {name} executable"))?;
    built.push((name.to_owned(), exe.clone()));
    Ok(exe)
}

/// The built console: `ui/dist`, which must hold `console.html`.
pub fn console_dir() -> anyhow::Result<PathBuf> {
    let dir = crate::workspace_root().join("ui/dist");
    anyhow::ensure!(
        dir.join("console.html").is_file(),
        "ui/dist/console.html is missing: build the UI first (`npm ci && npm run build` in ui/, \
         or `cargo xtask test`)"
    );
    Ok(dir)
}

/// A running `backoffice serve` with its own database, stopped on drop.
#[derive(Debug)]
pub struct BackOffice {
    child: Child,
    pub port: u16,
    pub agent_id: String,
    /// The service's SQLite database, for a second process on it (the SIP edge).
    pub database_url: String,
    _data: tempfile::TempDir,
}

impl BackOffice {
    /// Starts a fresh back office with the demo administrator, supervisor and agent.
    pub async fn start(log_name: &str) -> anyhow::Result<BackOffice> {
        let bin = backoffice_binary()?;
        let console = console_dir()?;
        let data = tempfile::tempdir()?;
        let url = format!("sqlite://{}?mode=rwc", data.path().join("bo.db").display());
        let status = Command::new(&bin)
            .args(["init", ACCOUNT, "Acme Contact Center", ADMIN])
            .env("BACKOFFICE_DATABASE_URL", &url)
            .env("BACKOFFICE_ADMIN_PASSWORD", PASSWORD)
            .stdout(Stdio::null())
            .status()
            .context("backoffice init")?;
        anyhow::ensure!(status.success(), "backoffice init failed: {status}");
        // `init` makes the administrator; the supervisor and the agent are added through
        // the service's own library, on the same database, before it is served.
        let store = Store::connect(&url).await?;
        let bo = Backoffice::new(
            store.clone(),
            Arc::new(SystemClock),
            Arc::new(BuiltinSupplier::new()),
        );
        bo.create_user(ACCOUNT, SUPERVISOR, PASSWORD, Role::Supervisor)
            .await?;
        let agent = bo
            .create_user(ACCOUNT, AGENT, PASSWORD, Role::Agent)
            .await?;
        store.close().await;

        let port = crate::free_port()?;
        let log_path = crate::artifacts_dir().join(format!("{log_name}.backoffice.log"));
        let log = std::fs::File::create(&log_path)?;
        let child = Command::new(&bin)
            .arg("serve")
            .arg("--console-dir")
            .arg(&console)
            .env("BACKOFFICE_DATABASE_URL", &url)
            .env("BACKOFFICE_LISTEN", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "info")
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log))
            .spawn()
            .context("backoffice serve")?;
        let mut bo = BackOffice {
            child,
            port,
            agent_id: agent.id,
            database_url: url,
            _data: data,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = bo.child.try_wait()? {
                bail!(
                    "backoffice serve exited ({status}); see {}",
                    log_path.display()
                );
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "backoffice did not listen within 20 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(bo)
    }

    /// The console's address.
    pub fn console_url(&self) -> String {
        format!("http://127.0.0.1:{}/console/", self.port)
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    /// One API call: `(status, JSON body or Null)`.
    pub fn api(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> anyhow::Result<(u16, Value)> {
        http(self.port, method, &format!("/api/v1{path}"), token, body)
    }

    /// Signs `username` in through the API and returns the token.
    pub fn token(&self, username: &str) -> anyhow::Result<String> {
        let (status, v) = self.api(
            "POST",
            "/sign-in",
            None,
            Some(&json!({"username": username, "password": PASSWORD})),
        )?;
        anyhow::ensure!(status == 200, "sign-in of {username}: {status} {v}");
        Ok(v["token"].as_str().context("no token")?.to_owned())
    }

    /// Orders `count` numbers of area code 206 as `product_type` and waits until they are
    /// in the inventory (the worker completes orders every second).
    pub async fn provisioned(
        &self,
        admin: &str,
        product_type: &str,
        count: usize,
    ) -> anyhow::Result<Vec<String>> {
        let (s, found) = self.api(
            "GET",
            &format!("/numbers/search?country=US&area_code=206&limit={count}"),
            Some(admin),
            None,
        )?;
        anyhow::ensure!(s == 200, "search: {s} {found}");
        let numbers: Vec<String> = found
            .as_array()
            .context("search answer")?
            .iter()
            .filter_map(|n| n["e164"].as_str().map(str::to_owned))
            .collect();
        anyhow::ensure!(
            numbers.len() == count,
            "only {} numbers found",
            numbers.len()
        );
        let (s, order) = self.api(
            "POST",
            "/orders",
            Some(admin),
            Some(&json!({"product_type": product_type, "numbers": numbers})),
        )?;
        anyhow::ensure!(s == 202, "order: {s} {order}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let (_, inv) = self.api("GET", "/numbers", Some(admin), None)?;
            let ready = numbers.iter().all(|n| {
                inv.as_array().is_some_and(|all| {
                    all.iter()
                        .any(|x| x["e164"] == n.as_str() && x["status"] == "Unassigned")
                })
            });
            if ready {
                return Ok(numbers);
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "ordered numbers never reached the inventory: {inv}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

impl Drop for BackOffice {
    fn drop(&mut self) {
        // SIGTERM by its own pid: the service shuts down gracefully and closes the database.
        if let Some(pid) = i32::try_from(self.child.id()).ok().filter(|p| *p > 1) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGTERM,
            );
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 client over loopback (one request per connection).
fn http(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> anyhow::Result<(u16, Value)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if !body.is_empty() {
        req.push_str("Content-Type: application/json\r\n");
    }
    if let Some(t) = token {
        req.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(&body);
    stream.write_all(req.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, rest) = text.split_once("\r\n\r\n").context("no HTTP head")?;
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("no HTTP status")?;
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let payload = if chunked {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    let value = if payload.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&payload).unwrap_or(Value::String(payload))
    };
    Ok((status, value))
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || tail.len() < n {
            break;
        }
        out.push_str(&tail[..n]);
        rest = tail[n..].trim_start_matches("\r\n");
    }
    out
}
