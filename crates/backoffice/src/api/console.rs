//! The web console: the built UI (`ui/dist`, entry `console.html`) served to browsers
//! under `/console/`, with `/` redirected there.
//!
//! Files are read from a folder chosen at run time (`backoffice serve --console-dir`,
//! default [`default_console_dir`]), so the console can be rebuilt without rebuilding
//! the service. Every answer carries a strict Content-Security-Policy: scripts, styles
//! and connections only from this origin, nothing inline, no framing. When the console
//! is not built, `/console/` answers 404 with a page that says how to build it.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

/// The policy of every console answer. `connect-src 'self'` covers the supervisors'
/// WebSocket on the same host and port.
pub const CONSOLE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self'; font-src 'self'; connect-src 'self'; manifest-src 'self'; \
    base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

/// The console's page inside the built folder.
const ENTRY: &str = "console.html";

/// The repository's `ui/dist`, where `npm run build` puts the console.
pub fn default_console_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist")
}

/// Routes `/`, `/console`, `/console/` and `/console/{file}` over the built folder `dir`.
pub fn console_router(dir: PathBuf) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::temporary("/console/") }))
        .route(
            "/console",
            get(|| async { Redirect::temporary("/console/") }),
        )
        .route("/console/", get(entry))
        .route("/console/{*file}", get(file))
        .with_state(Arc::new(dir))
}

async fn entry(State(dir): State<Arc<PathBuf>>) -> Response {
    serve(&dir, ENTRY).await
}

async fn file(State(dir): State<Arc<PathBuf>>, UrlPath(file): UrlPath<String>) -> Response {
    serve(&dir, &file).await
}

/// A relative path of plain names only: no `..`, no root, no drive, nothing hidden.
fn safe_relative(file: &str) -> Option<PathBuf> {
    let path = Path::new(file);
    let plain = path.components().all(|c| match c {
        Component::Normal(name) => !name.to_string_lossy().starts_with('.'),
        _ => false,
    });
    (plain && !file.is_empty()).then(|| path.to_path_buf())
}

fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

async fn serve(dir: &Path, file: &str) -> Response {
    let Some(relative) = safe_relative(file) else {
        return with_policy(plain(StatusCode::NOT_FOUND, "No such console file.\n"));
    };
    let path = dir.join(&relative);
    match tokio::fs::read(&path).await {
        Ok(bytes) => {
            let mut resp = bytes.into_response();
            let headers = resp.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(&relative)),
            );
            // Hashed asset names never change content; the page itself always revalidates.
            let cache = if relative.starts_with("assets") {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            with_policy(resp)
        }
        Err(e) if file == ENTRY => {
            tracing::warn!(folder = %dir.display(), error = %e, "the web console is not built");
            with_policy(plain(
                StatusCode::NOT_FOUND,
                "The web console is not built.\n\nBuild it with `npm ci && npm run build` in \
                 the repository's ui/ folder (or `cargo xtask test`), or start the service \
                 with `backoffice serve --console-dir <folder holding console.html>`.\n",
            ))
        }
        Err(_) => with_policy(plain(StatusCode::NOT_FOUND, "No such console file.\n")),
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

fn with_policy(mut resp: Response) -> Response {
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONSOLE_CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    resp
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    use super::*;

    async fn get(dir: &Path, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
        let resp = console_router(dir.to_path_buf())
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    }

    fn built() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("console.html"), "<!doctype html>console").unwrap();
        std::fs::create_dir(dir.path().join("assets")).unwrap();
        std::fs::write(dir.path().join("assets/console-1.js"), "export {}").unwrap();
        dir
    }

    #[tokio::test]
    async fn root_redirects_to_the_console() {
        let dir = built();
        for uri in ["/", "/console"] {
            let (status, headers, _) = get(dir.path(), uri).await;
            assert_eq!(status, StatusCode::TEMPORARY_REDIRECT, "{uri}");
            assert_eq!(headers[header::LOCATION], "/console/", "{uri}");
        }
    }

    #[tokio::test]
    async fn console_page_and_assets_carry_the_strict_csp() {
        let dir = built();
        let (status, headers, body) = get(dir.path(), "/console/").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, "<!doctype html>console");
        assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], CONSOLE_CSP);
        assert!(!CONSOLE_CSP.contains("unsafe"));
        let (status, headers, _) = get(dir.path(), "/console/assets/console-1.js").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            headers[header::CONTENT_TYPE],
            "text/javascript; charset=utf-8"
        );
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], CONSOLE_CSP);
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }

    #[tokio::test]
    async fn unbuilt_console_answers_404_saying_how_to_build_it() {
        let dir = tempfile::tempdir().unwrap();
        let (status, headers, body) = get(dir.path(), "/console/").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains("The web console is not built"), "{body}");
        assert!(body.contains("npm run build"), "{body}");
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], CONSOLE_CSP);
    }

    #[tokio::test]
    async fn paths_outside_the_folder_are_refused() {
        let parent = built();
        let dir = parent.path().join("dist");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("console.html"), "ok").unwrap();
        std::fs::write(dir.join(".env"), "secret").unwrap();
        for uri in [
            "/console/../console.html",
            "/console/%2e%2e/console.html",
            "/console/assets/..%2f..%2fconsole.html",
            "/console/.env",
            "/console//etc/passwd",
        ] {
            let (status, _, body) = get(&dir, uri).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: {body}");
            assert!(!body.contains("secret"), "{uri}");
        }
    }

    #[test]
    fn default_folder_is_the_repository_ui_dist() {
        assert!(default_console_dir().ends_with("ui/dist"));
    }
}
