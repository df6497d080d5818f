//! A call's side of SDP offer/answer: the RTP port it names, our codecs, and the
//! versioned origin that every later offer (hold, resume) must bump (RFC 3264 8).
//!
//! The port is reserved by binding it before the SDP goes out, so the peer's media has
//! somewhere to land; the media session takes the socket over when the call connects.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};

use media::sdp::negotiate::{self, create_offer, CodecPreference, LocalMedia, Negotiated};
use media::sdp::{self, AddressType, Connection, Direction, Origin};

/// Our media side of one call.
#[derive(Debug)]
pub(crate) struct MediaPlan {
    /// Held so the port stays ours; the media session takes it over.
    #[allow(dead_code)]
    pub socket: Option<UdpSocket>,
    local: LocalMedia,
    origin: Origin,
    /// Our last offer, for reading the answer to it.
    last_offer: Option<sdp::SessionDescription>,
    /// What the last completed offer/answer agreed, once there is one.
    pub negotiated: Option<Negotiated>,
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

impl MediaPlan {
    /// Binds an RTP port on `ip` for Opus, PCMU, PCMA and DTMF. A bind failure still
    /// yields a plan (port 9, discard): a 911 call must go out even when media cannot
    /// be set up (E2).
    pub fn new(ip: IpAddr, session_id: u64) -> MediaPlan {
        let socket = UdpSocket::bind((ip, 0)).ok();
        let port = socket
            .as_ref()
            .and_then(|s| s.local_addr().ok())
            .map_or(9, |a| a.port());
        if socket.is_none() {
            tracing::error!("no RTP port could be bound; the call goes on without media");
        }
        let address_type = if ip.is_ipv6() {
            AddressType::Ip6
        } else {
            AddressType::Ip4
        };
        MediaPlan {
            socket,
            local: LocalMedia {
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
            },
            origin: Origin {
                username: "-".into(),
                session_id: session_id.to_string(),
                session_version: 0,
                address_type,
                address: ip.to_string(),
            },
            last_offer: None,
            negotiated: None,
        }
    }

    fn next_origin(&mut self) -> Origin {
        self.origin.session_version += 1;
        self.origin.clone()
    }

    /// A new offer: `SendOnly` puts the peer on hold, `SendRecv` resumes.
    pub fn offer(&mut self, direction: Direction) -> String {
        self.local.direction = direction;
        let origin = self.next_origin();
        let offer = create_offer(&self.local, origin);
        let text = offer.to_string();
        self.last_offer = Some(offer);
        text
    }

    /// Takes the peer's answer to our last offer.
    pub fn accept_answer(&mut self, answer_sdp: &str) {
        let Some(offer) = &self.last_offer else {
            tracing::warn!("an SDP answer without an offer of ours; ignored");
            return;
        };
        let accepted = sdp::parse(answer_sdp)
            .map_err(|e| e.to_string())
            .and_then(|a| {
                negotiate::accept_answer(offer, &a, &self.local).map_err(|e| e.to_string())
            });
        match accepted {
            Ok(n) => self.negotiated = Some(n),
            Err(why) => tracing::warn!(%why, "the peer's SDP answer cannot be used"),
        }
    }

    /// Our answer to the peer's offer (an incoming call, or its re-INVITE).
    pub fn answer(&mut self, offer_sdp: &str) -> Result<String, String> {
        let offer = sdp::parse(offer_sdp).map_err(|e| e.to_string())?;
        let origin = self.next_origin();
        let (sdp, negotiated) =
            negotiate::answer(&offer, &self.local, origin).map_err(|e| e.to_string())?;
        self.negotiated = Some(negotiated);
        Ok(sdp.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> MediaPlan {
        MediaPlan::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 42)
    }

    #[test]
    fn the_offer_names_the_reserved_port_and_our_codecs() {
        let mut p = plan();
        let port = p.socket.as_ref().unwrap().local_addr().unwrap().port();
        let sdp = p.offer(Direction::SendRecv);
        assert!(
            sdp.contains(&format!("m=audio {port} RTP/AVP 111 0 8 101")),
            "{sdp}"
        );
        assert!(sdp.contains("c=IN IP4 127.0.0.1"));
    }

    #[test]
    fn a_hold_offer_is_sendonly_with_a_bumped_version() {
        let mut p = plan();
        let first = p.offer(Direction::SendRecv);
        let hold = p.offer(Direction::SendOnly);
        assert!(
            first.contains("o=- 42 1 IN IP4") && hold.contains("o=- 42 2 IN IP4"),
            "{hold}"
        );
        assert!(hold.contains("a=sendonly"));
    }

    #[test]
    fn an_offer_of_pcmu_is_answered_with_pcmu_and_a_bad_offer_is_an_error() {
        let mut p = plan();
        let offer = "v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
                     m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
        let answer = p.answer(offer).unwrap();
        assert!(answer.contains("RTP/AVP 0"), "{answer}");
        assert_eq!(p.negotiated.as_ref().unwrap().remote_port, 40000);
        assert!(p.answer("not sdp").is_err());
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
