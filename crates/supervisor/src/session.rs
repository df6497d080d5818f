//! Signing in to the back office as a supervisor (A1): only supervisors and
//! administrators get the Supervisor tab; any other role is refused with a sentence
//! the sign-in form can show as is.

use serde::Deserialize;
use serde_json::json;

/// A supervisor's session at the back office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub base_url: String,
    pub token: String,
    pub username: String,
    pub role: String,
}

/// Why signing in gave no supervisor session.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("cannot reach the back office at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the back office refused the sign-in (HTTP {status}): wrong user name or password?")]
    Refused { status: u16 },
    #[error("{username} signed in as {role}: the Supervisor view needs the supervisor or administrator role")]
    WrongRole { username: String, role: String },
}

#[derive(Deserialize)]
struct SessionOut {
    token: String,
    me: Me,
}

#[derive(Deserialize)]
struct Me {
    role: String,
}

/// Signs in at `base_url` (e.g. `http://127.0.0.1:8080`) with the back office's
/// sign-in endpoint and keeps the session only for a supervisor or administrator.
pub async fn sign_in(
    base_url: &str,
    username: &str,
    password: &str,
) -> Result<Session, SignInError> {
    // reqwest refuses to build a client without a process-wide provider; a second
    // install (another crate did it first) is refused harmlessly.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let base = base_url.trim_end_matches('/').to_owned();
    let unreachable = |e: reqwest::Error| SignInError::Unreachable {
        url: base.clone(),
        reason: e.to_string(),
    };
    let resp = reqwest::Client::new()
        .post(format!("{base}/api/v1/sign-in"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .map_err(unreachable)?;
    if !resp.status().is_success() {
        return Err(SignInError::Refused {
            status: resp.status().as_u16(),
        });
    }
    let s: SessionOut = resp.json().await.map_err(unreachable)?;
    if !matches!(s.me.role.as_str(), "Supervisor" | "Administrator") {
        return Err(SignInError::WrongRole {
            username: username.to_owned(),
            role: s.me.role,
        });
    }
    Ok(Session {
        base_url: base,
        token: s.token,
        username: username.to_owned(),
        role: s.me.role,
    })
}
