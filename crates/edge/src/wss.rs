//! SIP over secure WebSocket (WSS, RFC 7118), what browsers on an https page must use.
//! TLS ends here and each connection is carried to the edge's own WebSocket listener
//! on loopback: rsipstack's listener speaks plain WS only. One loopback connection
//! per TLS connection keeps every browser's flow apart, so a registration and the
//! calls to it go back down the right TLS connection, as over WS.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rsipstack::platform::CancellationToken;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;
use tracing::{debug, info};

use crate::server::EdgeError;

/// Where WSS is served, and the certificate it shows.
#[derive(Clone)]
pub struct WssConfig {
    pub bind: SocketAddr,
    /// The certificate chain, PEM, leaf first.
    pub cert_chain_pem: String,
    /// Its private key, PEM (PKCS#8, PKCS#1 or SEC1).
    pub key_pem: String,
}

impl std::fmt::Debug for WssConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WssConfig")
            .field("bind", &self.bind)
            .field("key_pem", &"<hidden>")
            .finish_non_exhaustive()
    }
}

/// A TLS handshake that has not finished in this long is dropped, so a peer that
/// connects and says nothing does not hold a task forever.
const HANDSHAKE_BUDGET: Duration = Duration::from_secs(10);

fn acceptor(config: &WssConfig) -> Result<TlsAcceptor, String> {
    let certs = CertificateDer::pem_slice_iter(config.cert_chain_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("the WSS certificate is not PEM: {e}"))?;
    if certs.is_empty() {
        return Err("the WSS certificate file has no certificate".into());
    }
    let key = PrivateKeyDer::from_pem_slice(config.key_pem.as_bytes())
        .map_err(|e| format!("the WSS private key is not PEM: {e}"))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("the WSS certificate and key do not go together: {e}"))?;
    Ok(TlsAcceptor::from(Arc::new(server)))
}

/// Starts serving WSS in front of the WebSocket listener at `ws_addr`; returns the
/// address it listens on.
pub(crate) async fn start(
    config: &WssConfig,
    ws_addr: SocketAddr,
    cancel: CancellationToken,
) -> Result<SocketAddr, EdgeError> {
    let bind_error = |reason: String| EdgeError::Bind {
        addr: config.bind,
        reason,
    };
    let acceptor = acceptor(config).map_err(bind_error)?;
    let listener = TcpListener::bind(config.bind)
        .await
        .map_err(|e| bind_error(e.to_string()))?;
    let addr = listener
        .local_addr()
        .map_err(|e| bind_error(e.to_string()))?;
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                _ = cancel.cancelled() => break,
                accepted = listener.accept() => accepted,
            };
            let Ok((tcp, _peer)) = accepted else {
                // Out of descriptors, most likely: wait rather than spin.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            let acceptor = acceptor.clone();
            let cancel = cancel.clone();
            tokio::spawn(async move {
                let tls = match tokio::time::timeout(HANDSHAKE_BUDGET, acceptor.accept(tcp)).await {
                    Ok(Ok(tls)) => tls,
                    // The peer's address is not logged: it is personal data.
                    Ok(Err(e)) => return debug!(error = %e, "WSS handshake failed"),
                    Err(_) => return debug!("WSS handshake timed out"),
                };
                let Ok(inner) = TcpStream::connect(ws_addr).await else {
                    return debug!("the WebSocket listener is gone");
                };
                let (mut tls, mut inner) = (tls, inner);
                tokio::select! {
                    _ = cancel.cancelled() => {}
                    _ = tokio::io::copy_bidirectional(&mut tls, &mut inner) => {}
                }
            });
        }
    });
    info!(%addr, "SIP over secure WebSocket served");
    Ok(addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_certificate_that_is_not_pem_is_a_clear_error() {
        let config = WssConfig {
            bind: "127.0.0.1:0".parse().unwrap(),
            cert_chain_pem: "not a certificate".into(),
            key_pem: "not a key".into(),
        };
        let err = acceptor(&config).err().expect("refused");
        assert!(err.contains("WSS certificate"), "{err}");
    }
}
