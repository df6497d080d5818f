//! The peer connection under a [`crate::WebRtcLeg`]: how it is built (codecs, ICE
//! servers, loopback candidates, one audio track), its events turned into channels
//! ([`Events`]), and [`Closing`], which closes it however the leg ends.

use std::net::SocketAddr;
use std::sync::Arc;

use rtc::interceptor::Registry;
use rtc::media_stream::MediaStreamTrack;
use rtc::peer_connection::configuration::interceptor_registry::register_default_interceptors;
use rtc::peer_connection::configuration::media_engine::{
    MediaEngine, MIME_TYPE_OPUS, MIME_TYPE_TELEPHONE_EVENT,
};
use rtc::peer_connection::configuration::setting_engine::SettingEngineBuilder;
use rtc::peer_connection::configuration::RTCConfigurationBuilder;
use rtc::peer_connection::transport::RTCIceServer;
use rtc::rtp_transceiver::rtp_sender::{
    RTCRtpCodec, RTCRtpCodecParameters, RTCRtpCodingParameters, RTCRtpEncodingParameters,
    RtpCodecKind,
};
use rtc::shared::marshal::Marshal;
use tokio::sync::{mpsc, watch};
use tracing::debug;
use webrtc::media_stream::track_local::static_rtp::TrackLocalStaticRTP;
use webrtc::media_stream::track_local::TrackLocal;
use webrtc::media_stream::track_remote::{TrackRemote, TrackRemoteEvent};
use webrtc::peer_connection::{
    PeerConnection, PeerConnectionBuilder, PeerConnectionEventHandler, RTCIceGatheringState,
    RTCPeerConnectionState,
};

use crate::webrtc_leg::{WebRtcConfig, WebRtcState};
use crate::MediaNetError;

/// The peer connection, closed when this is dropped: a webrtc 0.21 connection dropped
/// without `close()` keeps its driver (sockets, ICE checks, TURN refreshes) running,
/// so a leg that never starts (a refused offer, a call that ends while ringing) must
/// not leak one.
pub(crate) struct Closing(pub(crate) Arc<dyn PeerConnection>);

impl Drop for Closing {
    fn drop(&mut self) {
        let pc = self.0.clone();
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                let _ = pc.close().await;
            });
        }
    }
}

/// What [`build`] returns: the connection, our track and the event channels.
pub(crate) struct Built {
    pub pc: Closing,
    pub track: Arc<TrackLocalStaticRTP>,
    pub ssrc: u32,
    pub from_peer: mpsc::UnboundedReceiver<Vec<u8>>,
    pub state: watch::Receiver<WebRtcState>,
    pub gathered: watch::Receiver<bool>,
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

pub(crate) fn rtc_error(context: &'static str) -> impl Fn(webrtc::error::Error) -> MediaNetError {
    // Only the kind of error: rtc's SDP errors quote the offending line, which may
    // carry an address (personal data) into a log.
    move |e| {
        let text = e.to_string();
        let kind = text.split([':', '\n']).next().unwrap_or_default().trim();
        MediaNetError::WebRtc(format!("{context}: {kind}"))
    }
}

/// Opus (48000/2, as WebRTC signals it) and telephone-event, the codecs of a WebRTC
/// leg, in preference order.
pub(crate) fn codecs() -> Vec<RTCRtpCodecParameters> {
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

/// One of [`codecs`] as our SDP types name it (`audio/opus` is `opus`).
pub(crate) fn sdp_codec(c: &RTCRtpCodecParameters) -> media::sdp::Codec {
    let mime = &c.rtp_codec.mime_type;
    media::sdp::Codec {
        payload_type: c.payload_type,
        encoding: mime
            .split_once('/')
            .map_or(mime.as_str(), |(_, name)| name)
            .to_owned(),
        clock_rate: c.rtp_codec.clock_rate,
        channels: c.rtp_codec.channels as u8,
        fmtp: Some(c.rtp_codec.sdp_fmtp_line.clone()).filter(|f| !f.is_empty()),
    }
}

/// Opus as WebRTC signals it (RFC 7587), for our track.
fn opus() -> RTCRtpCodec {
    codecs().remove(0).rtp_codec
}

/// A peer connection with one audio track, gathering on `config.bind_ip`.
pub(crate) async fn build(config: &WebRtcConfig) -> Result<Built, MediaNetError> {
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
            codec: opus(),
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
    Ok(Built {
        pc: Closing(pc),
        track,
        ssrc,
        from_peer,
        state,
        gathered,
    })
}
