//! The SDP offer of an outgoing call, and the RTP port it names.
//!
//! The port is reserved by binding it before the offer goes out, so the peer's media
//! has somewhere to land; the media session takes the socket over when the call is
//! answered.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};

use media::sdp::negotiate::{create_offer, CodecPreference, LocalMedia};
use media::sdp::{AddressType, Connection, Direction, Origin};

/// A reserved RTP socket and the offer that names it.
#[derive(Debug)]
pub(crate) struct Offer {
    pub socket: Option<UdpSocket>,
    pub sdp: String,
}

/// The address to put in SDP: the local address the OS would use to reach `toward`,
/// or loopback when there is nothing to ask about.
pub(crate) fn media_ip(bind: IpAddr, toward: Option<SocketAddr>) -> IpAddr {
    if !bind.is_unspecified() {
        return bind;
    }
    let Some(toward) = toward else {
        return IpAddr::V4(Ipv4Addr::LOCALHOST);
    };
    // connect() on UDP sends nothing; it only asks the routing table.
    UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))
        .and_then(|s| s.connect(toward).and_then(|_| s.local_addr()))
        .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |a| a.ip())
}

/// Binds an RTP port on `ip` and writes an offer of Opus, PCMU, PCMA and DTMF for it.
/// A bind failure still yields an offer (port 9, discard): a 911 call must go out
/// even when media cannot be set up (E2).
pub(crate) fn offer(ip: IpAddr, session_id: u64) -> Offer {
    let socket = UdpSocket::bind((ip, 0)).ok();
    let port = socket
        .as_ref()
        .and_then(|s| s.local_addr().ok())
        .map_or(9, |a| a.port());
    if socket.is_none() {
        tracing::error!("no RTP port could be bound; the call goes out without media");
    }
    let address_type = if ip.is_ipv6() {
        AddressType::Ip6
    } else {
        AddressType::Ip4
    };
    let local = LocalMedia {
        connection: Connection {
            address_type,
            address: ip.to_string(),
        },
        port,
        codecs: vec![
            CodecPreference::opus(),
            CodecPreference::pcmu(),
            CodecPreference::pcma(),
        ],
        telephone_event: true,
        srtp_key: None,
        direction: Direction::SendRecv,
        ptime: 20,
    };
    let origin = Origin {
        username: "-".into(),
        session_id: session_id.to_string(),
        session_version: 1,
        address_type,
        address: ip.to_string(),
    };
    Offer {
        socket,
        sdp: create_offer(&local, origin).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offer_names_the_reserved_port_and_our_codecs() {
        let o = offer(IpAddr::V4(Ipv4Addr::LOCALHOST), 42);
        let port = o.socket.as_ref().unwrap().local_addr().unwrap().port();
        assert!(
            o.sdp
                .contains(&format!("m=audio {port} RTP/AVP 111 0 8 101")),
            "{}",
            o.sdp
        );
        assert!(o.sdp.contains("c=IN IP4 127.0.0.1"));
    }

    #[test]
    fn an_explicit_bind_address_is_used_as_is() {
        let ip: IpAddr = "127.0.0.2".parse().unwrap();
        assert_eq!(media_ip(ip, None), ip);
        assert_eq!(
            media_ip(IpAddr::V4(Ipv4Addr::UNSPECIFIED), None),
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        );
    }
}
