//! A real server on a loopback port and a real WebSocket client, for the supervisors'
//! feed tests (S1, S2, A1).

use std::net::SocketAddr;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::api::{call, PASSWORD};
use crate::harness::Ctx;

/// S1: a change reaches the feed within this; it is the rule itself.
pub const WITHIN: Duration = Duration::from_secs(1);

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The API served on an ephemeral loopback port; stopped when dropped.
pub struct Server {
    pub app: Router,
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn serve(t: &Ctx) -> Server {
    let app = backoffice::api::router(t.bo.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("loopback port");
    let addr = listener.local_addr().expect("its address");
    let served = app.clone();
    let task = tokio::spawn(async move {
        axum::serve(listener, served).await.expect("server runs");
    });
    Server { app, addr, task }
}

/// How the feed's client presents its token.
#[derive(Debug, Clone, Copy)]
pub enum Cred<'a> {
    None,
    Header(&'a str),
    Query(&'a str),
    Subprotocol(&'a str),
}

/// Opens the feed with `query` (without `?`, may be empty).
pub async fn open(addr: SocketAddr, query: &str, cred: Cred<'_>) -> Result<Ws, tungstenite::Error> {
    let mut q = query.to_owned();
    if let Cred::Query(tok) = cred {
        q = if q.is_empty() {
            format!("token={tok}")
        } else {
            format!("{q}&token={tok}")
        };
    }
    let url = format!("ws://{addr}/api/v1/supervisor/feed?{q}");
    let mut req = url.into_client_request()?;
    let h = req.headers_mut();
    match cred {
        Cred::Header(tok) => {
            h.insert(
                "authorization",
                HeaderValue::from_str(&format!("Bearer {tok}")).unwrap(),
            );
        }
        Cred::Subprotocol(tok) => {
            let v = format!("softphone-feed.v1, bearer.{tok}");
            h.insert("sec-websocket-protocol", HeaderValue::from_str(&v).unwrap());
        }
        Cred::None | Cred::Query(_) => {}
    }
    let (ws, resp) = tokio_tungstenite::connect_async(req).await?;
    if matches!(cred, Cred::Subprotocol(_)) {
        assert_eq!(
            resp.headers()
                .get("sec-websocket-protocol")
                .map(|v| v.to_str().unwrap()),
            Some("softphone-feed.v1")
        );
    }
    Ok(ws)
}

/// The HTTP status of a refused handshake.
pub async fn refused(addr: SocketAddr, query: &str, cred: Cred<'_>) -> u16 {
    match open(addr, query, cred).await {
        Err(tungstenite::Error::Http(resp)) => resp.status().as_u16(),
        Err(e) => panic!("expected an HTTP refusal, got {e}"),
        Ok(_) => panic!("the feed opened for {cred:?}"),
    }
}

/// The next JSON message, which must arrive within [`WITHIN`].
pub async fn next(ws: &mut Ws) -> Value {
    loop {
        let msg = tokio::time::timeout(WITHIN, ws.next())
            .await
            .expect("a message within 1 s (S1)")
            .expect("the feed stays open")
            .expect("a valid frame");
        match msg {
            Message::Text(t) => return serde_json::from_str(t.as_str()).expect("JSON"),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

/// The next message, which must be of `kind`.
pub async fn next_of(ws: &mut Ws, kind: &str) -> Value {
    let m = next(ws).await;
    assert_eq!(m["type"], kind, "{m}");
    m
}

pub async fn close(mut ws: Ws) {
    ws.send(Message::Close(None)).await.ok();
}

/// POSTs a call report as the holder of `token`.
pub async fn report(app: &Router, token: &str, body: Value) -> (StatusCode, Value) {
    call(
        app,
        Method::POST,
        "/api/v1/me/calls",
        Some(token),
        Some(body),
    )
    .await
}

/// Reports an ordinary call and checks it was accepted.
pub async fn report_ok(app: &Router, token: &str, id: &str, state: &str, dir: &str) {
    let body = json!({"call_id": id, "state": state, "direction": dir,
                      "queue": "sales", "recording": false});
    let (status, b) = report(app, token, body).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{b}");
}

pub async fn presence(app: &Router, token: &str, status: &str) -> StatusCode {
    let body = json!({ "status": status });
    call(
        app,
        Method::PUT,
        "/api/v1/me/presence",
        Some(token),
        Some(body),
    )
    .await
    .0
}

/// The call ids of a list of call rows.
pub fn ids(calls: &Value) -> Vec<&str> {
    calls
        .as_array()
        .expect("an array of calls")
        .iter()
        .map(|c| c["call_id"].as_str().expect("call_id"))
        .collect()
}

/// Signs in again as an existing user; returns the new token.
pub async fn token_for_existing(app: &Router, username: &str) -> String {
    let body = json!({"username": username, "password": PASSWORD});
    let (status, b) = call(app, Method::POST, "/api/v1/sign-in", None, Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    b["token"].as_str().expect("token").to_owned()
}

/// The close code the feed sends next, within [`WITHIN`].
pub async fn closed(ws: &mut Ws) -> u16 {
    let msg = tokio::time::timeout(WITHIN, ws.next())
        .await
        .expect("closed within 1 s")
        .expect("a close frame before the end")
        .expect("a valid frame");
    match msg {
        Message::Close(Some(frame)) => frame.code.into(),
        other => panic!("expected a close frame, got {other:?}"),
    }
}
