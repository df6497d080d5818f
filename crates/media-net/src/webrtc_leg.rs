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

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use media::audio::{AudioSink, AudioSource};
use media::sdp::negotiate::Negotiated;
use media::sdp::Direction;
use rtc::interceptor::Registry;
use rtc::media_stream::MediaStreamTrack;
use rtc::peer_connection::configuration::interceptor_registry::register_default_interceptors;
use rtc::peer_connection::configuration::media_engine::{
    MediaEngine, MIME_TYPE_OPUS, MIME_TYPE_TELEPHONE_EVENT,
};
use rtc::peer_connection::configuration::setting_engine::SettingEngineBuilder;
use rtc::peer_connection::configuration::RTCConfigurationBuilder;
use rtc::peer_connection::sdp::RTCSessionDescription;
use rtc::peer_connection::transport::RTCIceServer;
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodec, RTCRtpCodecParameters, RTCRtpCodingParameters, RTCRtpEncodingParameters,
    RtpCodecKind,
};
use rtc::shared::marshal::{Marshal, Unmarshal};
use tokio::sync::{mpsc, watch};
use tracing::{debug, warn};
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::{
    PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler, RTCIceGatheringState,
    RTCPeerConnectionState,
};

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
    pc: Arc<dyn PeerConnection>,
    track: Arc<TrackLocalStaticRTP>,
    ssrc: u32,
    from_peer: mpsc::UnboundedReceiver<Vec<u8>>,
    state: watch::Receiver<WebRtcState>,
    gathered: watch::Receiver<bool>,
    budget: Duration,
}

impl std::fmt::Debug for WebRtcLeg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebRtcLeg")
            .field("state", &*self.state.borrow())
            .finish_non_exhaustive()
    }
}

/// The peer connection's events, turned into channels the leg reads.
struct Events {
    from_peer: mpsc::UnboundedSender<Vec<u8>>,
    state: watch::Sender<WebRtcState>,
    gathered: watch::Sender<bool>,
}

#[async_trait::async_trait]
impl PeerConnectionEventHandler for Events {
    async fn on_ice_gathering_state_change(&self, state: RTCIceGatheringState) {
        if state == RTCIceGatheringState::Complete {
            self.gathered.send_replace(true);
        }
    }

    async fn on_connection_state_change(&self, state: RTCPeerConnectionState) {
        let ours = match state {
            RTCPeerConnectionState::Connecting => WebRtcState::Connecting,
            RTCPeerConnectionState::Connected => WebRtcState::Connected,
            RTCPeerConnectionState::Failed | RTCPeerConnectionState::Disconnected => {
                WebRtcState::Failed
            }
            RTCPeerConnectionState::Closed => WebRtcState::Closed,
            _ => WebRtcState::New,
        };
        debug!(?ours, "WebRTC connection state");
        self.state.send_replace(ours);
    }

    async fn on_track(&self, track: Arc<dyn TrackRemote>) {
        let to_loop = self.from_peer.clone();
        tokio::spawn(async move {
            while let Some(event) = track.poll().await {
                if let TrackRemoteEvent::OnRtpPacket(packet) = event {
                    match packet.marshal() {
                        Ok(bytes) => {
                            if to_loop.send(bytes.to_vec()).is_err() {
                                break;
                            }
                        }
                        Err(e) => debug!(error = %e, "received RTP could not be re-encoded"),
                    }
                }
            }
        });
    }
}

fn rtc_error(context: &'static str) -> impl Fn(webrtc::error::Error) -> MediaNetError {
    move |e| MediaNetError::WebRtc(format!("{context}: {e}"))
}

/// Opus (48000/2, as WebRTC signals it) and telephone-event, the codecs of a WebRTC
/// leg, in preference order.
fn codecs() -> Vec<RTCRtpCodecParameters> {
    [
        (MIME_TYPE_OPUS, 48000, 2, "minptime=10;useinbandfec=1", 111),
        // At Opus's clock rate only: the peer connection matches codecs by name, so
        // an 8 kHz entry beside it would be offered twice under one payload type.
        (MIME_TYPE_TELEPHONE_EVENT, 48000, 1, "0-16", 110),
    ]
    .into_iter()
    .map(
        |(mime, clock_rate, channels, fmtp, pt)| RTCRtpCodecParameters {
            rtp_codec: RTCRtpCodec {
                mime_type: mime.to_owned(),
                clock_rate,
                channels,
                sdp_fmtp_line: fmtp.to_owned(),
                rtcp_feedback: vec![],
            },
            payload_type: pt,
        },
    )
    .collect()
}

fn media_engine() -> Result<MediaEngine, MediaNetError> {
    let mut engine = MediaEngine::default();
    for codec in codecs() {
        engine
            .register_codec(codec, RtpCodecKind::Audio)
            .map_err(rtc_error("codec registration"))?;
    }
    Ok(engine)
}

impl WebRtcLeg {
    async fn new(config: &WebRtcConfig) -> Result<WebRtcLeg, MediaNetError> {
        let mut engine = media_engine()?;
        let registry = register_default_interceptors(Registry::new(), &mut engine)
            .map_err(rtc_error("interceptors"))?;
        let mut servers = Vec::new();
        if let Some(stun) = &config.stun {
            servers.push(RTCIceServer {
                urls: vec![stun.clone()],
                ..Default::default()
            });
        }
        if let Some(turn) = &config.turn {
            servers.push(RTCIceServer {
                urls: vec![turn.url.clone()],
                username: turn.username.clone(),
                credential: turn.credential.clone(),
            });
        }
        let settings = SettingEngineBuilder::new()
            .with_include_loopback_candidate(config.bind_ip.is_loopback())
            .build();
        let (from_peer_tx, from_peer) = mpsc::unbounded_channel();
        let (state_tx, state) = watch::channel(WebRtcState::New);
        let (gathered_tx, gathered) = watch::channel(false);
        let events = Arc::new(Events {
            from_peer: from_peer_tx,
            state: state_tx,
            gathered: gathered_tx,
        });
        let pc = PeerConnectionBuilder::new()
            .with_configuration(
                RTCConfigurationBuilder::new()
                    .with_ice_servers(servers)
                    .build(),
            )
            .with_media_engine(engine)
            .with_setting_engine(settings)
            .with_interceptor_registry(registry)
            .with_handler(events)
            .with_udp_addrs(vec![SocketAddr::new(config.bind_ip, 0)])
            .build()
            .await
            .map_err(rtc_error("peer connection"))?;
        let pc: Arc<dyn PeerConnection> = Arc::new(pc);
        let ssrc: u32 = rand::random();
        let track = Arc::new(TrackLocalStaticRTP::new(MediaStreamTrack::new(
            format!("softphone-{ssrc:08x}"),
            format!("audio-{ssrc:08x}"),
            "softphone audio".to_owned(),
            RtpCodecKind::Audio,
            vec![RTCRtpEncodingParameters {
                rtp_coding_parameters: RTCRtpCodingParameters {
                    ssrc: Some(ssrc),
                    ..Default::default()
                },
                codec: RTCRtpCodec {
                    mime_type: MIME_TYPE_OPUS.to_owned(),
                    clock_rate: 48000,
                    channels: 2,
                    sdp_fmtp_line: "minptime=10;useinbandfec=1".to_owned(),
                    rtcp_feedback: vec![],
                },
                ..Default::default()
            }],
        )));
        let as_local: Arc<dyn TrackLocal> = track.clone();
        pc.add_track(as_local)
            .await
            .map_err(rtc_error("audio track"))?;
        // A track brings only its own codec; telephone-event is offered beside it so
        // keypad digits cross as RFC 4733 events, as on the plain path.
        for transceiver in pc.get_transceivers().await {
            transceiver
                .set_codec_preferences(codecs())
                .await
                .map_err(rtc_error("codec preferences"))?;
        }
        Ok(WebRtcLeg {
            pc,
            track,
            ssrc,
            from_peer,
            state,
            gathered,
            budget: config.gather_budget,
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
            .set_remote_description(offer)
            .await
            .map_err(rtc_error("the peer's offer"))?;
        let answer = leg
            .pc
            .create_answer(None)
            .await
            .map_err(rtc_error("our answer"))?;
        leg.pc
            .set_local_description(answer)
            .await
            .map_err(rtc_error("our answer"))?;
        let sdp = leg.gathered_sdp().await?;
        Ok((leg, sdp))
    }

    /// Makes an offer, for an outgoing call to a WebRTC peer; the answer goes to
    /// [`WebRtcLeg::accept_answer`].
    pub async fn offer(config: &WebRtcConfig) -> Result<(WebRtcLeg, String), MediaNetError> {
        let mut leg = WebRtcLeg::new(config).await?;
        let offer = leg
            .pc
            .create_offer(None)
            .await
            .map_err(rtc_error("our offer"))?;
        leg.pc
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
            .set_remote_description(answer)
            .await
            .map_err(rtc_error("the peer's answer"))
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
        self,
        source: Box<dyn AudioSource>,
        sink: Box<dyn AudioSink>,
        options: LegOptions,
    ) -> Result<MediaHandle, MediaNetError> {
        let negotiated = self.negotiated().await?;
        let (to_peer, mut outgoing) = mpsc::unbounded_channel::<Vec<u8>>();
        let track = self.track.clone();
        let pc = self.pc.clone();
        let state = self.state.clone();
        // The writer owns the peer connection: when the session's loop ends and
        // drops its sender, the connection is closed.
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
            let _ = pc.close().await;
        });
        let wire = run::Wire::Peer {
            to_peer,
            from_peer: self.from_peer,
        };
        crate::spawn_stream(wire, self.ssrc, negotiated, source, sink, options)
    }

    /// What the session needs from offer/answer, read from the settled descriptions:
    /// Opus's payload type and telephone-event's. ICE owns the address.
    async fn negotiated(&self) -> Result<Negotiated, MediaNetError> {
        let local = self
            .pc
            .local_description()
            .await
            .ok_or_else(|| MediaNetError::WebRtc("no local description".into()))?;
        let parsed = media::sdp::parse(&local.sdp)
            .map_err(|e| MediaNetError::WebRtc(format!("our own SDP: {e}")))?;
        let audio = parsed
            .media
            .iter()
            .find(|m| m.media == "audio")
            .ok_or_else(|| MediaNetError::WebRtc("no audio in the negotiated SDP".into()))?;
        let codecs = audio.codecs();
        let opus = codecs
            .iter()
            .find(|c| c.encoding.eq_ignore_ascii_case("opus"))
            .cloned()
            .ok_or_else(|| MediaNetError::WebRtc("the peer does not do Opus".into()))?;
        let telephone_event = codecs
            .iter()
            .find(|c| c.is_telephone_event() && c.clock_rate == 48000)
            .cloned();
        Ok(Negotiated {
            remote_address: "0.0.0.0".into(),
            remote_port: 9,
            codec: opus.clone(),
            receive_codecs: vec![opus],
            telephone_event,
            direction: Direction::SendRecv,
            srtp: None,
            rtcp_mux: true,
        })
    }
}
