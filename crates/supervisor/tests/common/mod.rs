//! The real back office, in-process on loopback over SQLite, with a supervisor (`sam`)
//! and an agent (`agnes`) of one account.

#![allow(dead_code)] // each test file uses its own part

use std::path::{Path, PathBuf};
use std::sync::Arc;

use backoffice::auth::Role;
use backoffice::{Backoffice, BuiltinSupplier, ManualClock, Store, Timestamp};
use serde_json::json;

pub const PASSWORD: &str = "correct horse battery staple";

/// Serves a seeded back office; returns its base URL.
pub async fn serve(dir: &tempfile::TempDir) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("port");
    serve_on(dir.path(), listener).await
}

/// Like [`serve`], on a listener the test chose.
pub async fn serve_on(dir: &Path, listener: tokio::net::TcpListener) -> String {
    let url = format!("sqlite://{}?mode=rwc", dir.join("bo.db").display());
    let store = Store::connect(&url).await.expect("store");
    let clock = ManualClock::new(Timestamp::from_millis(1_793_610_000_000));
    let bo = Backoffice::new(store, Arc::new(clock), Arc::new(BuiltinSupplier::new()));
    if bo.account("acme").await.is_err() {
        bo.create_account("acme", "Acme").await.expect("account");
        for (name, role) in [("sam", Role::Supervisor), ("agnes", Role::Agent)] {
            bo.create_user("acme", name, PASSWORD, role)
                .await
                .expect("user");
        }
    }
    let addr = listener.local_addr().expect("address");
    let app = backoffice::api::router(bo);
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serves") });
    format!("http://{addr}")
}

/// A back office on a runtime of its own, so that stopping it really ends it: every
/// open connection (the supervisors' WebSocket feed too) is dropped, as when the
/// service is restarted.
pub struct Apart {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    pub url: String,
}

impl Apart {
    /// Serves the back office of `dir` on `port` (0: any free port).
    pub fn start(dir: PathBuf, port: u16) -> Apart {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
                    .await
                    .expect("port");
                tx.send(serve_on(&dir, listener).await).expect("url");
                let _ = stopped.await;
            });
            // Dropping the runtime cancels the server and every connection task.
            drop(runtime);
        });
        let url = rx.recv().expect("the back office starts");
        Apart {
            stop: Some(stop),
            thread: Some(thread),
            url,
        }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("port")
    }
}

impl Drop for Apart {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The agent's bearer token.
pub async fn agent_token(url: &str) -> String {
    let session: serde_json::Value = reqwest::Client::new()
        .post(format!("{url}/api/v1/sign-in"))
        .json(&json!({"username": "agnes", "password": PASSWORD}))
        .send()
        .await
        .expect("agent signs in")
        .json()
        .await
        .expect("session");
    session["token"].as_str().expect("token").to_owned()
}

/// The agent posts to one of its `/api/v1/me/...` endpoints.
pub async fn agent_posts(url: &str, token: &str, path: &str, body: serde_json::Value) -> u16 {
    reqwest::Client::new()
        .post(format!("{url}/api/v1/me/{path}"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("agent request")
        .status()
        .as_u16()
}
