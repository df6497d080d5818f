//! [`ApiClient`]: a small HTTP client of the back office's API, for the administrator
//! CLI (`backoffice numbers ...`) and for any tool that scripts the service. It speaks
//! JSON over plain HTTP and keeps the API's refusals whole ([`ClientError::Refused`]
//! carries the status, code, field, rule and message), so a caller can show exactly
//! which field broke which rule.

use std::fmt;

use reqwest::Method;
use serde::Deserialize;
use serde_json::Value;

/// Why a request did not give an answer.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The service answered with a refusal.
    #[error("{0}")]
    Refused(Refusal),
    /// The service could not be reached, or its answer was not JSON.
    #[error("cannot talk to the back office at {url}: {reason}")]
    Transport { url: String, reason: String },
}

/// A refusal as the API sent it (`{"error": {...}}`) with its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Refusal {
    #[serde(skip)]
    pub status: u16,
    pub code: String,
    pub field: Option<String>,
    pub rule: Option<String>,
    pub message: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The service's sentence often ends with its rule already; say it once.
        let message = match &self.rule {
            Some(rule) => self
                .message
                .strip_suffix(&format!(" (rule {rule})"))
                .unwrap_or(&self.message),
            None => &self.message,
        };
        write!(f, "{message}")?;
        match (&self.field, &self.rule) {
            (Some(field), Some(rule)) => write!(f, " (field `{field}`, rule {rule})")?,
            (Some(field), None) => write!(f, " (field `{field}`)")?,
            (None, Some(rule)) => write!(f, " (rule {rule})")?,
            (None, None) => {}
        }
        write!(f, " [HTTP {} {}]", self.status, self.code)
    }
}

#[derive(Debug, Deserialize)]
struct Envelope {
    error: Refusal,
}

/// A client of one service, optionally signed in.
#[derive(Debug, Clone)]
pub struct ApiClient {
    base: String,
    token: Option<String>,
    http: reqwest::Client,
}

impl ApiClient {
    /// A client of the service at `base` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base: &str, token: Option<String>) -> Self {
        // reqwest refuses to build a client without a process-wide provider; a second
        // install (another crate did it first) is refused harmlessly.
        let _ = rustls::crypto::ring::default_provider().install_default();
        Self {
            base: base.trim_end_matches('/').to_owned(),
            token,
            http: reqwest::Client::new(),
        }
    }

    /// The service's address.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `GET path` (path from `/api/v1/...`), with query pairs.
    pub async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Value, ClientError> {
        self.send(Method::GET, path, query, None).await
    }

    /// `POST path` with a JSON body, or none.
    pub async fn post(&self, path: &str, body: Option<Value>) -> Result<Value, ClientError> {
        self.send(Method::POST, path, &[], body).await
    }

    /// `PUT path` with a JSON body.
    pub async fn put(&self, path: &str, body: Value) -> Result<Value, ClientError> {
        self.send(Method::PUT, path, &[], Some(body)).await
    }

    /// `DELETE path`.
    pub async fn delete(&self, path: &str) -> Result<Value, ClientError> {
        self.send(Method::DELETE, path, &[], None).await
    }

    /// Sends one request; a 2xx answer is its JSON (`null` when empty), anything else
    /// a [`ClientError`].
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<Value>,
    ) -> Result<Value, ClientError> {
        let url = format!("{}{path}", self.base);
        let transport = |reason: String| ClientError::Transport {
            url: self.base.clone(),
            reason,
        };
        let mut req = self.http.request(method, &url).query(query);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.map_err(|e| transport(e.to_string()))?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| transport(e.to_string()))?;
        if status.is_success() {
            if bytes.is_empty() {
                return Ok(Value::Null);
            }
            return serde_json::from_slice(&bytes)
                .map_err(|e| transport(format!("the answer is not JSON: {e}")));
        }
        match serde_json::from_slice::<Envelope>(&bytes) {
            Ok(mut env) => {
                env.error.status = status.as_u16();
                Err(ClientError::Refused(env.error))
            }
            Err(_) => Err(ClientError::Refused(Refusal {
                status: status.as_u16(),
                code: "http".into(),
                field: None,
                rule: None,
                message: format!(
                    "the back office answered {status}: {}",
                    String::from_utf8_lossy(&bytes)
                        .chars()
                        .take(200)
                        .collect::<String>()
                ),
            })),
        }
    }
}
