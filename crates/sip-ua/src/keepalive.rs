//! The keep-alive probe toward the registrar: an out-of-dialog OPTIONS.
//!
//! Any final response, even 404 or 405, proves the registrar (and the path to it,
//! NAT binding included) is alive; only silence (rsipstack's Timer F, 64*T1, reported
//! as a locally made 408) or a send error means it is gone. OPTIONS works on every
//! transport; on TCP and TLS, RFC 5626's CRLF ping would be lighter and is the
//! natural next step once rsipstack exposes raw sends on a connection.

use std::net::SocketAddr;

use rsipstack::sip::typed::{From as FromHeader, To as ToHeader};
use rsipstack::sip::{Method, Param, SipMessage, StatusCode, StatusCodeKind, Uri};
use rsipstack::transaction::endpoint::EndpointInner;
use rsipstack::transaction::key::{TransactionKey, TransactionRole};
use rsipstack::transaction::make_tag;
use rsipstack::transaction::transaction::Transaction;
use rsipstack::transport::SipAddr;

/// Sends one OPTIONS to `server` (through `proxy` when set) and waits for its final
/// response. `Err` says why the registrar counts as unreachable.
pub(crate) async fn probe(
    endpoint: &std::sync::Arc<EndpointInner>,
    server: &Uri,
    user: &str,
    proxy: Option<SocketAddr>,
    seq: u32,
) -> Result<(), String> {
    let transport = server.params.iter().find_map(|p| match p {
        Param::Transport(t) => Some(*t),
        _ => None,
    });
    let target = match proxy {
        Some(addr) => {
            let mut addr = SipAddr::from(addr);
            addr.r#type = transport;
            addr
        }
        None => SipAddr::try_from(server).map_err(|e| e.to_string())?,
    };
    // The Via must name the connection the request leaves on (TCP when marked).
    let via = match endpoint.transport_layer.lookup(&target, None).await {
        Ok((connection, _)) => endpoint.get_via(Some(connection.get_addr().clone()), None),
        Err(_) => endpoint.get_via(None, None),
    }
    .map_err(|e| e.to_string())?;
    let mut our_uri = server.clone();
    our_uri.auth = Some(rsipstack::sip::Auth {
        user: user.to_owned(),
        password: None,
    });
    our_uri.params.clear();
    let from = FromHeader {
        display_name: None,
        uri: our_uri,
        params: vec![],
    }
    .with_tag(make_tag());
    let to = ToHeader {
        display_name: None,
        uri: server.clone(),
        params: vec![],
    };
    let request = endpoint.make_request(Method::Options, server.clone(), via, from, to, seq, None);
    let key = TransactionKey::from_request(&request, TransactionRole::Client)
        .map_err(|e| e.to_string())?;
    let mut tx = Transaction::new_client(key, request, endpoint.clone(), None);
    if proxy.is_some() {
        tx.destination = Some(target);
    }
    tx.send().await.map_err(|e| e.to_string())?;
    while let Some(message) = tx.receive().await {
        let SipMessage::Response(resp) = message else {
            continue;
        };
        match resp.status_code.kind() {
            StatusCodeKind::Provisional => continue,
            _ if resp.status_code == StatusCode::RequestTimeout => {
                return Err("no answer to the keep-alive".to_owned())
            }
            _ => return Ok(()),
        }
    }
    Err("the keep-alive transaction ended without an answer".to_owned())
}
