//! Call audio over real UDP sockets: the thin tokio loop around media's sans-IO
//! [`media::session::MediaSession`].
//!
//! Main types:
//! - [`MediaLeg`]: the sockets of one call's audio stream. [`MediaLeg::bind`] opens
//!   the RTP socket on an even port and RTCP on the next one;
//!   [`MediaLeg::local_media`] describes them for an SDP offer or answer;
//!   [`MediaLeg::start`] runs the stream once offer/answer is done.
//! - [`MediaHandle`]: controls the running stream (mute, hold and resume, DTMF,
//!   re-INVITE updates), reads its [`media::session::MediaStats`], reports DTMF
//!   digits received, and [`MediaHandle::stop`]s it.
//! - [`LegOptions`]: ptime, RTCP interval. rtcp-mux follows offer/answer
//!   ([`media::sdp::negotiate::Negotiated::rtcp_mux`]).
//! - [`WebRtcLeg`]: the same stream over a WebRTC peer connection (ICE, DTLS-SRTP),
//!   chosen when the peer offers `UDP/TLS/RTP/SAVPF` ([`is_webrtc_offer`]).
//! - [`CpalBackend`]: real microphones and speakers (cpal, ALSA), an
//!   [`media::audio::AudioBackend`]; [`watch_devices`] reports hot-plug changes.
//!
//! One task per stream: a 20 ms tick reads a frame from the [`media::audio::AudioSource`],
//! hands it to the session and sends what comes out, then writes a frame of playout
//! to the [`media::audio::AudioSink`]; datagrams are fed to the session as they
//! arrive. A datagram that is not valid RTP/RTCP (or fails SRTP authentication) is
//! logged without its content or sender and dropped.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use media::audio::{AudioSink, AudioSource};
use media::sdp::negotiate::{CodecPreference, LocalMedia, Negotiated};
use media::sdp::{AddressType, Connection, Direction};
use media::session::{MediaStats, SessionConfig, SessionError};
use media::srtp::MasterKey;
use rand::Rng;
use thiserror::Error;
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

pub mod devices;
mod run;
pub mod webrtc_leg;
mod webrtc_peer;

pub use devices::{watch_devices, CpalBackend};
pub use webrtc_leg::{is_webrtc_offer, TurnServer, WebRtcConfig, WebRtcLeg, WebRtcState};

#[derive(Debug, Error)]
pub enum MediaNetError {
    #[error("could not open media sockets: {0}")]
    Bind(#[source] std::io::Error),
    #[error("remote media address {0:?} is not an IP address")]
    BadRemoteAddress(String),
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error("the media stream has stopped")]
    Stopped,
    #[error("WebRTC: {0}")]
    WebRtc(String),
}

/// How a leg runs; the defaults are what a call uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegOptions {
    pub ptime_ms: u32,
    /// RFC 3550's minimum RTCP interval; 5 s in calls.
    pub rtcp_min_interval_ms: u64,
}

impl Default for LegOptions {
    fn default() -> Self {
        Self {
            ptime_ms: 20,
            rtcp_min_interval_ms: 5000,
        }
    }
}

/// The sockets of one audio stream, before it starts.
#[derive(Debug)]
pub struct MediaLeg {
    rtp: UdpSocket,
    rtcp: UdpSocket,
}

/// How many random port pairs to try before giving up on an even/odd pair.
const BIND_ATTEMPTS: usize = 64;

impl MediaLeg {
    /// Opens the RTP socket on an even port of `ip` and RTCP on the port after it
    /// (RFC 3550 11), both chosen by the system.
    pub async fn bind(ip: IpAddr) -> Result<MediaLeg, MediaNetError> {
        let mut last_err = None;
        for _ in 0..BIND_ATTEMPTS {
            let rtp = UdpSocket::bind(SocketAddr::new(ip, 0))
                .await
                .map_err(MediaNetError::Bind)?;
            let port = rtp.local_addr().map_err(MediaNetError::Bind)?.port();
            if port % 2 != 0 || port == u16::MAX {
                continue;
            }
            match UdpSocket::bind(SocketAddr::new(ip, port + 1)).await {
                Ok(rtcp) => return Ok(MediaLeg { rtp, rtcp }),
                Err(e) => last_err = Some(e),
            }
        }
        Err(MediaNetError::Bind(last_err.unwrap_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::AddrInUse, "no free even/odd port pair")
        })))
    }

    /// Like [`MediaLeg::bind`], without awaiting: for callers that must not yield
    /// before the SDP goes out (the engine builds a 911 offer inside its dial step).
    /// Must be called within a tokio runtime context (`Handle::enter`).
    pub fn bind_now(ip: IpAddr) -> Result<MediaLeg, MediaNetError> {
        let mut last_err = None;
        for _ in 0..BIND_ATTEMPTS {
            let rtp =
                std::net::UdpSocket::bind(SocketAddr::new(ip, 0)).map_err(MediaNetError::Bind)?;
            let port = rtp.local_addr().map_err(MediaNetError::Bind)?.port();
            if port % 2 != 0 || port == u16::MAX {
                continue;
            }
            match std::net::UdpSocket::bind(SocketAddr::new(ip, port + 1)) {
                Ok(rtcp) => {
                    let tokio_socket = |s: std::net::UdpSocket| {
                        s.set_nonblocking(true)
                            .and_then(|()| UdpSocket::from_std(s))
                            .map_err(MediaNetError::Bind)
                    };
                    return Ok(MediaLeg {
                        rtp: tokio_socket(rtp)?,
                        rtcp: tokio_socket(rtcp)?,
                    });
                }
                Err(e) => last_err = Some(e),
            }
        }
        Err(MediaNetError::Bind(last_err.unwrap_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::AddrInUse, "no free even/odd port pair")
        })))
    }

    /// Where we receive RTP (and RTCP with rtcp-mux).
    pub fn local_addr(&self) -> SocketAddr {
        self.rtp
            .local_addr()
            .expect("a bound UDP socket has an address")
    }

    /// Where we receive RTCP without rtcp-mux.
    pub fn rtcp_addr(&self) -> SocketAddr {
        self.rtcp
            .local_addr()
            .expect("a bound UDP socket has an address")
    }

    /// Our side of offer/answer for these sockets: `prefs` in preference order,
    /// telephone-event, and a fresh SRTP master key when `srtp`. rtcp-mux is not
    /// offered (RTCP on the next port, which every peer understands); set
    /// `rtcp_mux` on the result to offer it.
    pub fn local_media(&self, prefs: Vec<CodecPreference>, srtp: bool) -> LocalMedia {
        let addr = self.local_addr();
        LocalMedia {
            connection: Connection {
                address_type: if addr.is_ipv4() {
                    AddressType::Ip4
                } else {
                    AddressType::Ip6
                },
                address: addr.ip().to_string(),
            },
            port: addr.port(),
            codecs: prefs,
            telephone_event: true,
            srtp_key: srtp.then(new_srtp_key),
            direction: Direction::SendRecv,
            ptime: 20,
            rtcp_mux: false,
        }
    }

    /// Starts the stream with the defaults of [`LegOptions`].
    pub fn start(
        self,
        negotiated: Negotiated,
        source: Box<dyn AudioSource>,
        sink: Box<dyn AudioSink>,
    ) -> Result<MediaHandle, MediaNetError> {
        self.start_with(negotiated, source, sink, LegOptions::default())
    }

    /// Starts the stream: capture from `source`, play to `sink`, send to the
    /// negotiated remote address. Must be called within a tokio runtime.
    pub fn start_with(
        self,
        negotiated: Negotiated,
        source: Box<dyn AudioSource>,
        sink: Box<dyn AudioSink>,
        options: LegOptions,
    ) -> Result<MediaHandle, MediaNetError> {
        let remote = remote_addrs(&negotiated)?;
        let wire = run::Wire::Udp {
            rtp: self.rtp,
            rtcp: self.rtcp,
            remote,
        };
        spawn_stream(
            wire,
            rand::rng().random(),
            negotiated,
            source,
            sink,
            options,
        )
    }
}

/// Runs one stream's session on `wire`, sending with `ssrc`.
pub(crate) fn spawn_stream(
    wire: run::Wire,
    ssrc: u32,
    negotiated: Negotiated,
    source: Box<dyn AudioSource>,
    sink: Box<dyn AudioSink>,
    options: LegOptions,
) -> Result<MediaHandle, MediaNetError> {
    let mut rng = rand::rng();
    let unix_offset_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_millis() as u64;
    let config = SessionConfig {
        capture_rate: source.sample_rate(),
        playout_rate: sink.sample_rate(),
        ssrc,
        initial_sequence: rng.random(),
        initial_timestamp: rng.random(),
        unix_offset_ms,
        rtcp_min_interval_ms: options.rtcp_min_interval_ms,
        cname: format!("{:016x}@softphone", rng.random::<u64>()),
        ptime_ms: options.ptime_ms,
        negotiated,
    };
    let session = media::session::MediaSession::new(config)?;
    let (commands, command_rx) = mpsc::unbounded_channel();
    let (digits_tx, digits) = mpsc::unbounded_channel();
    let (stats_tx, stats) = watch::channel(session.stats());
    let task = tokio::spawn(run::run(run::Loop {
        session,
        wire,
        ptime: Duration::from_millis(u64::from(options.ptime_ms)),
        source,
        sink,
        commands: command_rx,
        digits: digits_tx,
        stats: stats_tx,
    }));
    Ok(MediaHandle {
        commands,
        digits,
        stats,
        task,
    })
}

/// 30 random bytes as the base64 `inline:` key of AES_CM_128 suites.
fn new_srtp_key() -> String {
    let mut bytes = [0u8; 30];
    rand::rng().fill(&mut bytes);
    MasterKey::from_bytes(&bytes)
        .expect("30 bytes is a key and a salt")
        .to_base64()
}

/// Where RTP and RTCP go: the negotiated port, and the next one for RTCP.
pub(crate) fn remote_addrs(n: &Negotiated) -> Result<(SocketAddr, SocketAddr), MediaNetError> {
    let ip: IpAddr = n
        .remote_address
        .parse()
        .map_err(|_| MediaNetError::BadRemoteAddress(n.remote_address.clone()))?;
    let rtp = SocketAddr::new(ip, n.remote_port);
    let rtcp = if n.rtcp_mux {
        rtp
    } else {
        SocketAddr::new(ip, n.remote_port.wrapping_add(1))
    };
    Ok((rtp, rtcp))
}

#[derive(Debug)]
pub(crate) enum Command {
    Mute(bool),
    Direction(Direction),
    Dtmf(char, tokio::sync::oneshot::Sender<Result<(), SessionError>>),
    Update(
        Box<Negotiated>,
        tokio::sync::oneshot::Sender<Result<(), MediaNetError>>,
    ),
    Stop,
}

/// Controls a running stream. Dropping it stops the stream too.
#[derive(Debug)]
pub struct MediaHandle {
    commands: mpsc::UnboundedSender<Command>,
    digits: mpsc::UnboundedReceiver<char>,
    stats: watch::Receiver<MediaStats>,
    task: JoinHandle<MediaStats>,
}

impl MediaHandle {
    /// Mute sends nothing; the peer keeps playing silence.
    pub fn set_muted(&self, muted: bool) {
        let _ = self.commands.send(Command::Mute(muted));
    }

    /// Hold and resume: the direction our offer/answer settled on.
    pub fn set_direction(&self, direction: Direction) {
        let _ = self.commands.send(Command::Direction(direction));
    }

    /// Sends one DTMF digit (RFC 4733) in place of audio.
    pub async fn send_dtmf(&self, digit: char) -> Result<(), MediaNetError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.commands
            .send(Command::Dtmf(digit, tx))
            .map_err(|_| MediaNetError::Stopped)?;
        rx.await
            .map_err(|_| MediaNetError::Stopped)?
            .map_err(Into::into)
    }

    /// A re-INVITE's outcome: new direction, codec, keys or remote address.
    pub async fn update_remote(&self, negotiated: Negotiated) -> Result<(), MediaNetError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.commands
            .send(Command::Update(Box::new(negotiated), tx))
            .map_err(|_| MediaNetError::Stopped)?;
        rx.await.map_err(|_| MediaNetError::Stopped)?
    }

    /// Like [`MediaHandle::update_remote`] without waiting for the outcome, for callers
    /// that cannot await (the engine, inside its step). A failure is logged by the
    /// stream; it keeps its previous parameters.
    pub fn follow(&self, negotiated: Negotiated) -> Result<(), MediaNetError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.commands
            .send(Command::Update(Box::new(negotiated), tx))
            .map_err(|_| MediaNetError::Stopped)?;
        tokio::spawn(async move {
            if let Ok(Err(e)) = rx.await {
                tracing::warn!(error = %e, "the media stream could not follow the new SDP");
            }
        });
        Ok(())
    }

    /// Like [`MediaHandle::send_dtmf`] without waiting: the digit is queued and a
    /// refusal (no telephone-event negotiated) is logged by the stream.
    pub fn queue_dtmf(&self, digit: char) -> Result<(), MediaNetError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.commands
            .send(Command::Dtmf(digit, tx))
            .map_err(|_| MediaNetError::Stopped)?;
        tokio::spawn(async move {
            if let Ok(Err(e)) = rx.await {
                tracing::warn!(error = %e, "a DTMF digit could not be sent in the media");
            }
        });
        Ok(())
    }

    /// The latest statistics (updated every tick).
    pub fn stats(&self) -> MediaStats {
        *self.stats.borrow()
    }

    /// The next DTMF digit the peer sent; `None` once the stream has stopped.
    pub async fn next_digit(&mut self) -> Option<char> {
        self.digits.recv().await
    }

    /// A digit already received, without waiting.
    pub fn try_digit(&mut self) -> Option<char> {
        self.digits.try_recv().ok()
    }

    /// Stops the stream (sending RTCP BYE) and returns the final statistics.
    pub async fn stop(self) -> MediaStats {
        let _ = self.commands.send(Command::Stop);
        let last = self.stats();
        self.task.await.unwrap_or(last)
    }
}
