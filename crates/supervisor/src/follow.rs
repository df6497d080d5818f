//! Following the back office's live feed (S1, S2) and acknowledging alerts (E11).

use futures_util::StreamExt;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;

use crate::{FeedError, Session, SupervisorView};

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Why the feed or an acknowledgement failed.
#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    #[error("the supervisors' feed failed: {0}")]
    Socket(String),
    #[error("the supervisors' feed closed")]
    Closed,
    #[error(transparent)]
    Feed(#[from] FeedError),
    #[error("the back office did not record the acknowledgement: {0}")]
    Acknowledge(String),
}

/// An open feed and the view folded from it.
pub struct Feed {
    ws: Ws,
    view: SupervisorView,
}

impl std::fmt::Debug for Feed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Feed")
            .field("view", &self.view)
            .finish_non_exhaustive()
    }
}

impl Feed {
    /// Opens the feed with the session's token in the `Authorization` header (never
    /// in the URL, which proxies log).
    pub async fn open(s: &Session) -> Result<Self, FollowError> {
        let ws_url = s.base_url.replacen("http", "ws", 1) + "/api/v1/supervisor/feed";
        let mut req = ws_url
            .into_client_request()
            .map_err(|e| FollowError::Socket(e.to_string()))?;
        let bearer = HeaderValue::from_str(&format!("Bearer {}", s.token))
            .map_err(|e| FollowError::Socket(e.to_string()))?;
        req.headers_mut().insert("authorization", bearer);
        let (ws, _) = tokio_tungstenite::connect_async(req)
            .await
            .map_err(|e| FollowError::Socket(e.to_string()))?;
        Ok(Self {
            ws,
            view: SupervisorView::default(),
        })
    }

    /// Waits for the next message, applies it, and returns the view.
    pub async fn next_view(&mut self) -> Result<&SupervisorView, FollowError> {
        loop {
            let msg = self
                .ws
                .next()
                .await
                .ok_or(FollowError::Closed)?
                .map_err(|e| FollowError::Socket(e.to_string()))?;
            match msg {
                Message::Text(t) => {
                    let v: serde_json::Value = serde_json::from_str(t.as_str())
                        .map_err(|e| FollowError::Socket(e.to_string()))?;
                    self.view.apply(&v)?;
                    return Ok(&self.view);
                }
                Message::Close(_) => return Err(FollowError::Closed),
                _ => continue,
            }
        }
    }
}

/// E11: records the acknowledgement of alert `id` at the back office.
pub async fn acknowledge(s: &Session, id: &str) -> Result<(), FollowError> {
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v1/alerts/{id}/acknowledge", s.base_url))
        .bearer_auth(&s.token)
        .send()
        .await
        .map_err(|e| FollowError::Acknowledge(e.to_string()))?;
    if !resp.status().is_success() {
        return Err(FollowError::Acknowledge(format!("HTTP {}", resp.status())));
    }
    Ok(())
}
