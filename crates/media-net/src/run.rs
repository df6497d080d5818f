//! The stream's task: a frame tick, the [`Wire`] and the command channel, all fed to
//! the session.

use std::net::SocketAddr;
use std::time::Duration;

use media::audio::{AudioSink, AudioSource};
use media::session::{MediaSession, MediaStats, Received, Transmit};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, MissedTickBehavior};
use tracing::{debug, warn};

use crate::{remote_addrs, Command};

/// Where the session's packets go and come from. The session (codecs, jitter buffer,
/// DTMF, statistics) is the same on both; only the transport differs.
pub(crate) enum Wire {
    /// Plain RTP/SRTP: our two sockets and the negotiated remote addresses.
    Udp {
        rtp: UdpSocket,
        rtcp: UdpSocket,
        remote: (SocketAddr, SocketAddr),
    },
    /// A WebRTC peer connection: RTP goes to its track, which adds DTLS-SRTP and
    /// ICE; what its remote track receives comes back as plain RTP. Its own
    /// interceptors send RTCP reports, so the session's RTCP is not sent there.
    Peer {
        to_peer: mpsc::UnboundedSender<Vec<u8>>,
        from_peer: mpsc::UnboundedReceiver<Vec<u8>>,
    },
}

impl Wire {
    /// The next packet in, as `(which, bytes)`. Never returns once a peer's stream
    /// has ended: the call goes on until the engine stops it.
    async fn recv(&mut self, rtp_buf: &mut [u8], rtcp_buf: &mut [u8]) -> (Which, Vec<u8>) {
        match self {
            Wire::Udp { rtp, rtcp, .. } => loop {
                tokio::select! {
                    got = rtp.recv_from(rtp_buf) => {
                        if let Ok((n, _from)) = got {
                            return (Which::Rtp, rtp_buf[..n].to_vec());
                        }
                    }
                    got = rtcp.recv_from(rtcp_buf) => {
                        if let Ok((n, _from)) = got {
                            return (Which::Rtcp, rtcp_buf[..n].to_vec());
                        }
                    }
                }
            },
            Wire::Peer { from_peer, .. } => match from_peer.recv().await {
                Some(packet) => (Which::Rtp, packet),
                None => std::future::pending().await,
            },
        }
    }

    async fn send_all(&self, out: Vec<Transmit>) {
        match self {
            Wire::Udp { rtp, rtcp, remote } => send_udp(rtp, rtcp, *remote, out).await,
            Wire::Peer { to_peer, .. } => {
                for t in out {
                    if let Transmit::Rtp(bytes) = t {
                        let _ = to_peer.send(bytes);
                    }
                }
            }
        }
    }
}

pub(crate) struct Loop {
    pub session: MediaSession,
    pub wire: Wire,
    pub ptime: Duration,
    pub source: Box<dyn AudioSource>,
    pub sink: Box<dyn AudioSink>,
    pub commands: mpsc::UnboundedReceiver<Command>,
    pub digits: mpsc::UnboundedSender<char>,
    pub stats: watch::Sender<MediaStats>,
}

/// Largest datagram we read; RTP audio is far smaller, anything longer is cut and
/// then fails to parse or authenticate.
const MAX_DATAGRAM: usize = 2048;

pub(crate) async fn run(mut l: Loop) -> MediaStats {
    let start = Instant::now();
    let now_ms = || start.elapsed().as_millis() as u64;
    let mut tick = tokio::time::interval(l.ptime);
    // A late tick is caught up: a device would have buffered those frames too.
    tick.set_missed_tick_behavior(MissedTickBehavior::Burst);
    let mut frame = vec![0i16; l.session.capture_frame_len()];
    let mut rtp_buf = vec![0u8; MAX_DATAGRAM];
    let mut rtcp_buf = vec![0u8; MAX_DATAGRAM];
    let mut sink_failed = false;
    loop {
        tokio::select! {
            _ = tick.tick() => {
                let now = now_ms();
                l.source.read(&mut frame);
                let out = l.session.on_capture(now, &frame);
                l.wire.send_all(out).await;
                let played = l.session.poll_playout(now);
                if let Err(e) = l.sink.write(&played) {
                    // Keep the call going without its speaker: the peer still hears us.
                    if !sink_failed {
                        warn!(error = %e, "audio output failed; playout stops");
                        sink_failed = true;
                    }
                }
                l.stats.send_replace(l.session.stats());
            }
            (which, packet) = l.wire.recv(&mut rtp_buf, &mut rtcp_buf) => {
                on_datagram(&mut l, now_ms(), which, &packet);
            }
            cmd = l.commands.recv() => {
                match cmd {
                    Some(Command::Mute(m)) => l.session.set_muted(m),
                    Some(Command::Direction(d)) => l.session.set_direction(d),
                    Some(Command::Dtmf(d, reply)) => {
                        let _ = reply.send(l.session.send_dtmf(d));
                    }
                    Some(Command::Update(n, reply)) => {
                        let result = match &mut l.wire {
                            Wire::Udp { remote, .. } => remote_addrs(&n).and_then(|to| {
                                l.session.update(*n)?;
                                *remote = to;
                                Ok(())
                            }),
                            // ICE owns the peer's address; only codec and direction follow.
                            Wire::Peer { .. } => l.session.update(*n).map_err(Into::into),
                        };
                        let _ = reply.send(result);
                    }
                    Some(Command::Stop) | None => break,
                }
            }
        }
    }
    if let Some(bye) = l.session.bye(now_ms()) {
        l.wire.send_all(vec![bye]).await;
    }
    let _ = l.sink.flush();
    let stats = l.session.stats();
    l.stats.send_replace(stats);
    stats
}

#[derive(Debug, Clone, Copy)]
enum Which {
    Rtp,
    Rtcp,
}

fn on_datagram(l: &mut Loop, now: u64, which: Which, packet: &[u8]) {
    let n = packet.len();
    match l.session.on_datagram(now, packet) {
        Ok(Received::Digit(d)) => {
            let _ = l.digits.send(d);
        }
        Ok(_) => {}
        // Neither the sender nor the bytes are logged: they are personal data
        // (addresses, audio).
        Err(e) => debug!(?which, len = n, error = %e, "datagram dropped"),
    }
}

async fn send_udp(
    rtp: &UdpSocket,
    rtcp: &UdpSocket,
    remote: (SocketAddr, SocketAddr),
    out: Vec<Transmit>,
) {
    for t in out {
        let (socket, to, bytes) = match t {
            Transmit::Rtp(b) => (rtp, remote.0, b),
            Transmit::Rtcp(b) => (rtcp, remote.1, b),
        };
        if let Err(e) = socket.send_to(&bytes, to).await {
            // ICMP unreachable from a peer that is not listening yet comes back as
            // an error on the next send; the stream goes on.
            debug!(error = %e, "send failed");
        }
    }
}
