//! A call's side of SDP offer/answer and its media: the RTP/RTCP sockets the SDP
//! names, our codecs, the versioned origin every later offer (hold, resume) must bump
//! (RFC 3264 8), and the running stream once the call connects.
//!
//! The sockets are bound before the SDP goes out, without awaiting, so the 911 offer is
//! built inside the dial step (E2) and the peer's media has somewhere to land.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::{Arc, Mutex};

use media::sdp::negotiate::{self, create_offer, CodecPreference, LocalMedia, Negotiated};
use media::sdp::{self, AddressType, Connection, Direction, Origin};
use media_net::{MediaHandle, MediaLeg, WebRtcLeg};

/// What a stream starts on: our RTP sockets and the agreement, or a WebRTC peer
/// connection (whose agreement is its own).
#[derive(Debug)]
pub(crate) enum StartLeg {
    Rtp(MediaLeg, Box<Negotiated>),
    /// Its answer, when we made the offer, is applied already.
    WebRtc(WebRtcLeg),
}

/// Where an outgoing call's WebRTC leg is put once its offer is made, off the
/// engine's lock, before the INVITE goes out.
pub(crate) type WebRtcSlot = Arc<Mutex<Option<WebRtcLeg>>>;

/// Our media side of one call.
#[derive(Debug)]
pub(crate) struct MediaPlan {
    /// The RTP sockets, until the stream takes them.
    leg: Option<MediaLeg>,
    /// The WebRTC leg: the one that answered the peer's offer, or the one our offer
    /// came from. Which of the two legs carries the call is what offer/answer says.
    webrtc_leg: WebRtcSlot,
    /// The call's media is WebRTC: hold changes the stream's direction without a
    /// re-INVITE (re-offers on a peer connection are not built yet).
    webrtc: bool,
    local: LocalMedia,
    origin: Origin,
    /// Our last offer, for reading the answer to it.
    last_offer: Option<sdp::SessionDescription>,
    /// What the last completed offer/answer agreed, once there is one.
    pub negotiated: Option<Negotiated>,
    /// The running stream.
    pub stream: Option<MediaHandle>,
    /// Keypad digits typed after the answer agreed on RFC 4733 but before the stream
    /// ran; they go in the media as soon as it does, in order (not by SIP INFO, which
    /// would mix two ways of sending in one call).
    pub pending_dtmf: Vec<char>,
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

fn codecs() -> Vec<CodecPreference> {
    vec![
        CodecPreference::opus(),
        CodecPreference::pcmu(),
        CodecPreference::pcma(),
    ]
}

impl MediaPlan {
    /// Binds RTP and RTCP on `ip` for Opus, PCMU, PCMA and DTMF. A bind failure still
    /// yields a plan (port 9, discard): a 911 call must go out even when media cannot
    /// be set up (E2). Must run within the engine's tokio runtime context.
    pub fn new(ip: IpAddr, session_id: u64) -> MediaPlan {
        let leg = MediaLeg::bind_now(ip)
            .inspect_err(
                |e| tracing::error!(error = %e, "no media ports; the call goes on without audio"),
            )
            .ok();
        let mut plan = MediaPlan::new_unbound(ip, session_id);
        if let Some(leg) = leg {
            plan.local = leg.local_media(codecs(), false);
            plan.leg = Some(leg);
        }
        plan
    }

    /// A plan for a call whose peer offered WebRTC: `leg` has answered it already.
    pub fn webrtc(ip: IpAddr, session_id: u64, leg: WebRtcLeg) -> MediaPlan {
        let mut plan = MediaPlan::new_unbound(ip, session_id);
        plan.webrtc_leg = Arc::new(Mutex::new(Some(leg)));
        plan.settle_webrtc();
        plan
    }

    /// Where an outgoing call's WebRTC leg goes once made.
    pub fn webrtc_slot(&self) -> WebRtcSlot {
        self.webrtc_leg.clone()
    }

    /// The call's media is the WebRTC leg's. What the quality indicator shows is
    /// Opus; the stream reads the real agreement from the peer connection.
    fn settle_webrtc(&mut self) {
        self.webrtc = true;
        // Keypad digits go in the media as RFC 4733 events (the stream checks the
        // peer's answer kept telephone-event).
        self.negotiated = Some(WebRtcLeg::offered_agreement());
    }

    /// A plan without sockets (port 9), the base of a WebRTC plan.
    fn new_unbound(ip: IpAddr, session_id: u64) -> MediaPlan {
        MediaPlan {
            leg: None,
            webrtc_leg: Arc::new(Mutex::new(None)),
            webrtc: false,
            local: LocalMedia {
                connection: Connection {
                    address_type: address_type(ip),
                    address: ip.to_string(),
                },
                port: 9,
                codecs: codecs(),
                telephone_event: true,
                srtp_key: None,
                direction: Direction::SendRecv,
                ptime: 20,
                rtcp_mux: false,
            },
            origin: Origin {
                username: "-".into(),
                session_id: session_id.to_string(),
                session_version: 0,
                address_type: address_type(ip),
                address: ip.to_string(),
            },
            last_offer: None,
            negotiated: None,
            stream: None,
            pending_dtmf: Vec::new(),
        }
    }

    pub fn is_webrtc(&self) -> bool {
        self.webrtc
    }

    /// Our WebRTC offer is out and unanswered.
    pub fn webrtc_offered(&self) -> bool {
        !self.webrtc && self.slot().is_some()
    }

    /// Gives up the WebRTC leg (closed as it drops): the call goes on plain RTP.
    pub fn drop_webrtc(&mut self) {
        self.slot().take();
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

    /// Takes the peer's answer to our last offer; a running stream follows it.
    pub fn accept_answer(&mut self, answer_sdp: &str) {
        if media_net::is_webrtc_offer(answer_sdp) && !self.webrtc {
            if self.slot().is_none() {
                tracing::warn!("a WebRTC answer to a plain offer; ignored");
                return;
            }
            // Applied now, so ICE and DTLS run while the devices open.
            if let Some(leg) = self.slot().as_mut() {
                leg.apply_answer(answer_sdp.to_owned());
            }
            self.settle_webrtc();
            return;
        }
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
            Ok(n) => self.follow(n),
            Err(why) => tracing::warn!(%why, "the peer's SDP answer cannot be used"),
        }
    }

    /// Our answer to the peer's offer (an incoming call, or its re-INVITE).
    pub fn answer(&mut self, offer_sdp: &str) -> Result<String, String> {
        let offer = sdp::parse(offer_sdp).map_err(|e| e.to_string())?;
        let origin = self.next_origin();
        let (sdp, negotiated) =
            negotiate::answer(&offer, &self.local, origin).map_err(|e| e.to_string())?;
        self.follow(negotiated);
        Ok(sdp.to_string())
    }

    /// A new agreement: the running stream moves to it (hold, resume, a new address).
    fn follow(&mut self, negotiated: Negotiated) {
        if let Some(stream) = &self.stream {
            if let Err(e) = stream.follow(negotiated.clone()) {
                tracing::warn!(error = %e, "the media stream has stopped");
            }
        }
        self.negotiated = Some(negotiated);
    }

    /// Hands the sockets and the agreement to whoever starts the stream (devices are
    /// opened off the engine lock); `None` when there is nothing to start.
    pub fn take_for_start(&mut self) -> Option<StartLeg> {
        if self.stream.is_some() {
            return None;
        }
        let negotiated = self.negotiated.clone()?;
        if self.webrtc {
            let leg = self.slot().take()?;
            return Some(StartLeg::WebRtc(leg));
        }
        Some(StartLeg::Rtp(self.leg.take()?, Box::new(negotiated)))
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<WebRtcLeg>> {
        // Poisoned only by a panic elsewhere; the leg itself is still sound.
        self.webrtc_leg.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The codec in use, e.g. `opus`.
    pub fn codec(&self) -> Option<&str> {
        self.negotiated.as_ref().map(|n| n.codec.encoding.as_str())
    }
}

fn address_type(ip: IpAddr) -> AddressType {
    if ip.is_ipv6() {
        AddressType::Ip6
    } else {
        AddressType::Ip4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> MediaPlan {
        MediaPlan::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 42)
    }

    #[tokio::test]
    async fn the_offer_names_the_bound_rtp_port_and_our_codecs() {
        let mut p = plan();
        let port = p.leg.as_ref().unwrap().local_addr().port();
        assert_eq!(port % 2, 0, "RTP on an even port");
        let sdp = p.offer(Direction::SendRecv);
        assert!(
            sdp.contains(&format!("m=audio {port} RTP/AVP 111 0 8 101")),
            "{sdp}"
        );
        assert!(sdp.contains("c=IN IP4 127.0.0.1"));
    }

    #[tokio::test]
    async fn a_hold_offer_is_sendonly_with_a_bumped_version() {
        let mut p = plan();
        let first = p.offer(Direction::SendRecv);
        let hold = p.offer(Direction::SendOnly);
        assert!(
            first.contains("o=- 42 1 IN IP4") && hold.contains("o=- 42 2 IN IP4"),
            "{hold}"
        );
        assert!(hold.contains("a=sendonly"));
    }

    #[tokio::test]
    async fn an_offer_of_pcmu_is_answered_with_pcmu_and_a_bad_offer_is_an_error() {
        let mut p = plan();
        let offer = "v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
                     m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
        let answer = p.answer(offer).unwrap();
        assert!(answer.contains("RTP/AVP 0"), "{answer}");
        assert_eq!(p.negotiated.as_ref().unwrap().remote_port, 40000);
        assert_eq!(p.codec(), Some("PCMU"));
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
