//! Opening the listeners for the configured [`Transport`], and marking URIs with it.
//!
//! UDP is always open (peers may answer or call over it). With TCP a listener opens on
//! the same port number, as SIP servers expect of a UA, and every request we send
//! names `;transport=tcp` so rsipstack dials TCP. TLS will follow the TCP pattern with
//! rsipstack's `TlsListenerConnection` and `sips:` URIs.

use std::net::SocketAddr;

use rsipstack::platform::CancellationToken;
use rsipstack::transport::tcp_listener::TcpListenerConnection;
use rsipstack::transport::udp::UdpConnection;
use rsipstack::transport::TransportLayer;

use crate::config::{Transport, UaConfig};
use crate::error::SipUaError;

/// Opens the listeners and returns the local address (the UDP socket's; TCP shares
/// its port).
pub(crate) async fn open(
    config: &UaConfig,
    layer: &TransportLayer,
    cancel: &CancellationToken,
) -> Result<SocketAddr, SipUaError> {
    let bind_error = |reason: String| SipUaError::Bind {
        addr: config.bind.to_string(),
        reason,
    };
    if config.transport == Transport::Tls {
        return Err(SipUaError::Unsupported("the TLS transport"));
    }
    let udp = UdpConnection::create_connection(config.bind, None, Some(cancel.child_token()))
        .await
        .map_err(|e| bind_error(e.to_string()))?;
    let text = udp.get_addr().addr.to_string();
    let local: SocketAddr = text
        .parse()
        .map_err(|_| bind_error(format!("unexpected local address {text}")))?;
    layer.add_transport(udp.into());
    match config.transport {
        // A WebSocket is dialled when the first request goes to the proxy; requests
        // to us come back over it.
        Transport::Udp | Transport::Tls | Transport::Ws | Transport::Wss => {}
        Transport::Tcp => {
            // rsipstack binds the TCP listener later, inside its serve loop, and only
            // logs a failure there; binding once here turns a taken port into an error
            // the caller sees.
            std::net::TcpListener::bind(local)
                .map_err(|e| bind_error(format!("TCP port {}: {e}", local.port())))?;
            let tcp = TcpListenerConnection::new(local, None)
                .await
                .map_err(|e| bind_error(e.to_string()))?;
            layer.add_transport(tcp.into());
        }
    }
    Ok(local)
}

/// `uri` with the transport parameter added when the transport needs one and the URI
/// does not name one already.
pub(crate) fn mark(uri: &str, transport: Transport) -> String {
    match transport.uri_param() {
        Some(param) if !uri.to_ascii_lowercase().contains(";transport=") => {
            // URI parameters go before any `?headers` part.
            match uri.find('?') {
                Some(q) => format!("{};transport={param}{}", &uri[..q], &uri[q..]),
                None => format!("{uri};transport={param}"),
            }
        }
        _ => uri.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcp_marks_uris_once() {
        assert_eq!(mark("sip:1@h:5", Transport::Tcp), "sip:1@h:5;transport=tcp");
        assert_eq!(
            mark("sip:1@h;transport=TCP", Transport::Tcp),
            "sip:1@h;transport=TCP"
        );
        assert_eq!(
            mark("sip:1@h?x=y", Transport::Tcp),
            "sip:1@h;transport=tcp?x=y"
        );
        assert_eq!(mark("sip:1@h", Transport::Udp), "sip:1@h");
    }
}
