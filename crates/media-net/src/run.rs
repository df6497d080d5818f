//! The stream's task: a frame tick, two sockets and the command channel, all fed to
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

pub(crate) struct Loop {
    pub session: MediaSession,
    pub rtp: UdpSocket,
    pub rtcp: UdpSocket,
    pub remote: (SocketAddr, SocketAddr),
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
                send_all(&l.rtp, &l.rtcp, l.remote, out).await;
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
            got = l.rtp.recv_from(&mut rtp_buf) => {
                if let Ok((n, _from)) = got {
                    on_datagram(&mut l, now_ms(), Which::Rtp, n, &rtp_buf);
                }
            }
            got = l.rtcp.recv_from(&mut rtcp_buf) => {
                if let Ok((n, _from)) = got {
                    on_datagram(&mut l, now_ms(), Which::Rtcp, n, &rtcp_buf);
                }
            }
            cmd = l.commands.recv() => {
                match cmd {
                    Some(Command::Mute(m)) => l.session.set_muted(m),
                    Some(Command::Direction(d)) => l.session.set_direction(d),
                    Some(Command::Dtmf(d, reply)) => {
                        let _ = reply.send(l.session.send_dtmf(d));
                    }
                    Some(Command::Update(n, reply)) => {
                        let result = remote_addrs(&n).and_then(|remote| {
                            l.session.update(*n)?;
                            l.remote = remote;
                            Ok(())
                        });
                        let _ = reply.send(result);
                    }
                    Some(Command::Stop) | None => break,
                }
            }
        }
    }
    if let Some(bye) = l.session.bye(now_ms()) {
        send_all(&l.rtp, &l.rtcp, l.remote, vec![bye]).await;
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

fn on_datagram(l: &mut Loop, now: u64, which: Which, n: usize, buf: &[u8]) {
    match l.session.on_datagram(now, &buf[..n]) {
        Ok(Received::Digit(d)) => {
            let _ = l.digits.send(d);
        }
        Ok(_) => {}
        // Neither the sender nor the bytes are logged: they are personal data
        // (addresses, audio).
        Err(e) => debug!(?which, len = n, error = %e, "datagram dropped"),
    }
}

async fn send_all(
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
