//! A WebRTC audio leg (ICE, DTLS-SRTP, Opus, RTCP) beside the plain RTP [`crate::MediaLeg`].
//!
//! [`WebRtcLeg`] wraps one `webrtc` peer connection (the 0.21 line, async over the
//! sans-IO `rtc` core) with a single audio track. The peer connection does what is
//! WebRTC's own (ICE checks, the DTLS handshake, SRTP, RTCP reports, NACK); our
//! [`media::session::MediaSession`] does what every call does (Opus, jitter buffer,
//! PLC, DTMF, statistics) on plain RTP that goes in and out of the track. So a call
//! sounds the same on both kinds of leg, and [`crate::MediaHandle`] controls both.
//!
//! Signalling is not trickled: our SDP goes out once gathering is complete (bounded
//! by [`WebRtcConfig::gather_budget`], so a dead STUN or TURN server delays a call by
//! at most that much and the host candidates still go out).
//!
//! [`is_webrtc_offer`] tells a WebRTC offer (`UDP/TLS/RTP/SAVPF` with a DTLS
//! fingerprint) from a plain one, which is how an account talks to both kinds of peer.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use media::audio::{AudioSink, AudioSource};
use media::sdp::negotiate::Negotiated;
use media::sdp::Direction;
use rtc::peer_connection::sdp::RTCSessionDescription;
use rtc::shared::marshal::Unmarshal;
use tokio::sync::{mpsc, watch};
use tracing::{debug, warn};
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_local::TrackLocal;

use crate::webrtc_peer::{self as peer, rtc_error};
use crate::{run, LegOptions, MediaHandle, MediaNetError};

/// How WebRTC legs gather candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebRtcConfig {
    /// The address the leg's UDP socket binds (host candidate); loopback is allowed,
    /// for tests and for a softphone whose peer runs on the same machine.
    pub bind_ip: IpAddr,
    /// `stun:host:port`: adds a server-reflexive candidate.
    pub stun: Option<String>,
    /// A TURN server: adds a relay candidate.
    pub turn: Option<TurnServer>,
    /// The longest wait for gathering before our SDP goes out with what we have.
    pub gather_budget: Duration,
}

impl WebRtcConfig {
    /// Host candidates only on `bind_ip`, gathering bounded to 2 s.
    pub fn host(bind_ip: IpAddr) -> Self {
        WebRtcConfig {
            bind_ip,
            stun: None,
            turn: None,
            gather_budget: Duration::from_secs(2),
        }
    }
}

/// A TURN server and its long-term credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct TurnServer {
    /// `turn:host:port` (UDP).
    pub url: String,
    pub username: String,
    pub credential: String,
}

impl std::fmt::Debug for TurnServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TurnServer")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("credential", &"<hidden>")
            .finish()
    }
}

pub use media::sdp::is_webrtc as is_webrtc_offer;

/// Where a leg's connection stands, as the peer connection reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebRtcState {
    New,
    Connecting,
    Connected,
    /// ICE or DTLS failed, or the peer closed: no audio will flow.
    Failed,
    Closed,
}

/// One call's WebRTC peer connection, before or while its stream runs.
pub struct WebRtcLeg {
    pc: peer::Closing,
    track: Arc<TrackLocalStaticRTP>,
    ssrc: u32,
    from_peer: mpsc::UnboundedReceiver<Vec<u8>>,
    state: watch::Receiver<WebRtcState>,
    gathered: watch::Receiver<bool>,
    budget: Duration,
    /// The peer's answer being applied ([`WebRtcLeg::apply_answer`]); the stream
    /// waits for it.
    applying: Option<tokio::task::JoinHandle<Result<(), MediaNetError>>>,
}

impl std::fmt::Debug for WebRtcLeg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebRtcLeg")
            .field("state", &*self.state.borrow())
            .finish_non_exhaustive()
    }
}

impl WebRtcLeg {
    async fn new(config: &WebRtcConfig) -> Result<WebRtcLeg, MediaNetError> {
        let built = peer::build(config).await?;
        Ok(WebRtcLeg {
            pc: built.pc,
            track: built.track,
            ssrc: built.ssrc,
            from_peer: built.from_peer,
            state: built.state,
            gathered: built.gathered,
            budget: config.gather_budget,
            applying: None,
        })
    }

    /// Answers a WebRTC offer: returns the leg and our SDP answer.
    pub async fn answer(
        offer: &str,
        config: &WebRtcConfig,
    ) -> Result<(WebRtcLeg, String), MediaNetError> {
        let mut leg = WebRtcLeg::new(config).await?;
        let offer = RTCSessionDescription::offer(offer.to_owned())
            .map_err(rtc_error("the peer's offer"))?;
        leg.pc
            .0
            .set_remote_description(offer)
            .await
            .map_err(rtc_error("the peer's offer"))?;
        let answer = leg
            .pc
            .0
            .create_answer(None)
            .await
            .map_err(rtc_error("our answer"))?;
        leg.pc
            .0
            .set_local_description(answer)
            .await
            .map_err(rtc_error("our answer"))?;
        // An offer we cannot play (no Opus) is refused now, before any 200 OK.
        leg.negotiated().await?;
        let sdp = leg.gathered_sdp().await?;
        Ok((leg, sdp))
    }

    /// Makes an offer, for an outgoing call to a WebRTC peer; the answer goes to
    /// [`WebRtcLeg::accept_answer`].
    pub async fn offer(config: &WebRtcConfig) -> Result<(WebRtcLeg, String), MediaNetError> {
        let mut leg = WebRtcLeg::new(config).await?;
        let offer = leg
            .pc
            .0
            .create_offer(None)
            .await
            .map_err(rtc_error("our offer"))?;
        leg.pc
            .0
            .set_local_description(offer)
            .await
            .map_err(rtc_error("our offer"))?;
        let sdp = leg.gathered_sdp().await?;
        Ok((leg, sdp))
    }

    /// The peer's answer to our offer.
    pub async fn accept_answer(&self, answer: &str) -> Result<(), MediaNetError> {
        let answer = RTCSessionDescription::answer(answer.to_owned())
            .map_err(rtc_error("the peer's answer"))?;
        self.pc
            .0
            .set_remote_description(answer)
            .await
            .map_err(rtc_error("the peer's answer"))
    }

    /// Like [`WebRtcLeg::accept_answer`] without waiting, for a caller that cannot
    /// await: ICE and DTLS start at once, while the devices open; [`WebRtcLeg::start`]
    /// waits for the answer to be in place (and fails if it was refused). Must be
    /// called within a tokio runtime.
    pub fn apply_answer(&mut self, answer: String) {
        let pc = self.pc.0.clone();
        self.applying = Some(tokio::spawn(async move {
            let answer =
                RTCSessionDescription::answer(answer).map_err(rtc_error("the peer's answer"))?;
            pc.set_remote_description(answer)
                .await
                .map_err(rtc_error("the peer's answer"))
        }));
    }

    /// Our local description once gathering is complete or its budget is spent.
    async fn gathered_sdp(&mut self) -> Result<String, MediaNetError> {
        let wait = self.gathered.wait_for(|done| *done);
        if tokio::time::timeout(self.budget, wait).await.is_err() {
            warn!(
                budget_ms = self.budget.as_millis() as u64,
                "ICE gathering not complete within its budget; sending the candidates we have"
            );
        }
        self.pc
            .0
            .local_description()
            .await
            .map(|d| d.sdp)
            .ok_or_else(|| MediaNetError::WebRtc("no local description".into()))
    }

    /// Where the connection stands now.
    pub fn state(&self) -> WebRtcState {
        *self.state.borrow()
    }

    /// Waits until ICE and DTLS are up, or fail, or `within` passes.
    pub async fn connected(&mut self, within: Duration) -> WebRtcState {
        let wait = self.state.wait_for(|s| {
            matches!(
                s,
                WebRtcState::Connected | WebRtcState::Failed | WebRtcState::Closed
            )
        });
        let _ = tokio::time::timeout(within, wait).await;
        self.state()
    }

    /// Starts the stream on the negotiated Opus: capture from `source`, play to
    /// `sink`. The peer connection closes when the stream stops.
    pub async fn start(
        mut self,
        source: Box<dyn AudioSource>,
        sink: Box<dyn AudioSink>,
        options: LegOptions,
    ) -> Result<MediaHandle, MediaNetError> {
        if let Some(applying) = self.applying.take() {
            applying
                .await
                .map_err(|_| MediaNetError::WebRtc("the answer was not applied".into()))??;
        }
        let negotiated = self.negotiated().await?;
        let (to_peer, mut outgoing) = mpsc::unbounded_channel::<Vec<u8>>();
        let WebRtcLeg {
            pc,
            track,
            ssrc,
            from_peer,
            state,
            ..
        } = self;
        // The writer owns the peer connection: when the session's loop ends and
        // drops its sender, the connection is closed (`Closing` on drop).
        tokio::spawn(async move {
            while let Some(bytes) = outgoing.recv().await {
                // Until DTLS has keyed SRTP there is nothing to send with: audio from
                // before the connection is dropped, as a device would drop it.
                if *state.borrow() != WebRtcState::Connected {
                    continue;
                }
                let mut buf = bytes.as_slice();
                match rtc::rtp::Packet::unmarshal(&mut buf) {
                    Ok(packet) => {
                        if let Err(e) = track.write_rtp(packet).await {
                            debug!(error = %e, "RTP not taken by the peer connection");
                        }
                    }
                    Err(e) => debug!(error = %e, "our RTP did not parse"),
                }
            }
            drop(pc);
        });
        let wire = run::Wire::Peer { to_peer, from_peer };
        crate::spawn_stream(wire, ssrc, negotiated, source, sink, options)
    }

    /// What the session needs from offer/answer, read from the settled descriptions:
    /// Opus's payload type, and telephone-event's when both sides list it (our own
    /// offer lists it whether or not the peer's answer keeps it). ICE owns the address.
    async fn negotiated(&self) -> Result<Negotiated, MediaNetError> {
        let audio_codecs = |sdp: Option<String>| -> Result<Vec<media::sdp::Codec>, MediaNetError> {
            let Some(sdp) = sdp else {
                return Ok(Vec::new());
            };
            let parsed = media::sdp::parse(&sdp)
                .map_err(|_| MediaNetError::WebRtc("an SDP that does not parse".into()))?;
            Ok(parsed
                .media
                .iter()
                .find(|m| m.media == "audio")
                .map(|m| m.codecs())
                .unwrap_or_default())
        };
        let local = audio_codecs(self.pc.0.local_description().await.map(|d| d.sdp))?;
        let remote = audio_codecs(self.pc.0.remote_description().await.map(|d| d.sdp))?;
        let opus = local
            .iter()
            .find(|c| c.encoding.eq_ignore_ascii_case("opus"))
            .cloned()
            .ok_or_else(|| MediaNetError::WebRtc("the peer does not do Opus".into()))?;
        let is_event = |c: &&media::sdp::Codec| c.is_telephone_event() && c.clock_rate == 48000;
        let telephone_event = local
            .iter()
            .find(is_event)
            .filter(|ours| {
                remote.iter().any(|theirs| {
                    theirs.payload_type == ours.payload_type && theirs.is_telephone_event()
                })
            })
            .cloned();
        Ok(agreement(opus, telephone_event))
    }

    /// The agreement a peer reaches that takes our codecs as we offer them (Opus and
    /// telephone-event at 48 kHz): what a caller shows and decides on before the
    /// stream reads the real one from the settled descriptions.
    pub fn offered_agreement() -> Negotiated {
        let ours: Vec<media::sdp::Codec> = peer::codecs().iter().map(peer::sdp_codec).collect();
        let opus = ours[0].clone();
        let telephone_event = ours.iter().find(|c| c.is_telephone_event()).cloned();
        agreement(opus, telephone_event)
    }
}

/// What the session needs of a WebRTC agreement; ICE owns the address.
fn agreement(opus: media::sdp::Codec, telephone_event: Option<media::sdp::Codec>) -> Negotiated {
    Negotiated {
        remote_address: "0.0.0.0".into(),
        remote_port: 9,
        codec: opus.clone(),
        receive_codecs: vec![opus],
        telephone_event,
        direction: Direction::SendRecv,
        srtp: None,
        rtcp_mux: true,
    }
}
