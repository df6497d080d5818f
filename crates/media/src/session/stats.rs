//! What a session counts, the snapshot the quality indicator shows, and when RTCP is
//! due (RFC 3550 6.2 and 6.3).

use super::MediaSession;
use crate::quality::{estimate_mos, CodecImpairment};

#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Counters {
    pub packets_sent: u64,
    pub bytes_sent: u64,
    pub packets_received: u64,
    pub bytes_received: u64,
    pub rtcp_sent: u64,
    pub rtcp_received: u64,
    pub malformed: u64,
    pub auth_failures: u64,
    pub rtcp_dropped: u64,
    pub round_trip_ms: Option<f64>,
    pub remote_loss_percent: Option<f64>,
    pub bye_received: bool,
}

/// A statistics snapshot of one call's audio.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MediaStats {
    pub packets_sent: u64,
    pub packets_received: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub rtcp_sent: u64,
    pub rtcp_received: u64,
    /// Interarrival jitter of what we receive (RFC 3550 A.8).
    pub jitter_ms: f64,
    /// Loss as we hear it: lost on the network, or too late for playout.
    pub loss_percent: f64,
    /// Loss the peer reports about what we send (last RTCP report block).
    pub remote_loss_percent: Option<f64>,
    /// From the peer's report blocks (LSR/DLSR); `None` until one arrived.
    pub round_trip_ms: Option<f64>,
    /// Current playout delay target of the jitter buffer.
    pub playout_delay_ms: f64,
    /// E-model estimate from delay and loss (G.107), 1.0..=4.5.
    pub mos: f64,
    pub frames_played: u64,
    pub frames_concealed: u64,
    /// RTP that did not parse, had an unknown payload type, or did not decode.
    pub malformed: u64,
    /// SRTP packets that failed authentication or were replays.
    pub auth_failures: u64,
    /// RTCP dropped: not a valid compound (a peer's lone APP keepalive or BYE), or
    /// SRTCP that failed authentication.
    pub rtcp_dropped: u64,
    pub bye_received: bool,
}

impl MediaSession {
    pub fn stats(&self) -> MediaStats {
        let c = &self.counters;
        let snap = self.jitter.stats();
        let buffer = self.jitter.counters();
        let loss = self.jitter.effective_loss_ratio();
        let playout_delay_ms = self.jitter.target_delay_ms();
        // Mouth to ear: packetisation, our playout delay, half the round trip (or
        // nothing known about the network yet).
        let one_way = f64::from(self.config.ptime_ms)
            + playout_delay_ms
            + c.round_trip_ms.map_or(0.0, |r| r / 2.0);
        let impairment = if self.encoder.clock_rate() == 48000 {
            CodecImpairment::OPUS
        } else {
            CodecImpairment::G711_PLC
        };
        MediaStats {
            packets_sent: c.packets_sent,
            packets_received: c.packets_received,
            bytes_sent: c.bytes_sent,
            bytes_received: c.bytes_received,
            rtcp_sent: c.rtcp_sent,
            rtcp_received: c.rtcp_received,
            jitter_ms: snap.jitter_ms,
            loss_percent: loss * 100.0,
            remote_loss_percent: c.remote_loss_percent,
            round_trip_ms: c.round_trip_ms,
            playout_delay_ms,
            mos: estimate_mos(one_way, loss, impairment),
            frames_played: buffer.played,
            frames_concealed: buffer.concealed,
            malformed: c.malformed,
            auth_failures: c.auth_failures,
            rtcp_dropped: c.rtcp_dropped,
            bye_received: c.bye_received,
        }
    }
}

/// When the next RTCP report is due: the minimum interval (half of it for the first
/// report), randomised over 0.5..1.5 and divided by e - 3/2 (RFC 3550 6.3.1). With
/// two participants and an audio call's 5% RTCP share the bandwidth-derived interval
/// is far below 5 s, so the minimum always rules.
#[derive(Debug, Clone)]
pub struct RtcpSchedule {
    min_interval_ms: u64,
    next_ms: Option<u64>,
    rng: u64,
    we_sent: bool,
}

impl RtcpSchedule {
    /// `seed` varies the randomisation between sessions (the SSRC will do).
    pub fn new(min_interval_ms: u64, seed: u32) -> Self {
        Self {
            min_interval_ms,
            next_ms: None,
            rng: u64::from(seed) | 1 << 32,
            we_sent: false,
        }
    }

    fn interval(&mut self, base_ms: u64) -> u64 {
        // xorshift64: RFC 3550 only asks that reports do not synchronise.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        let r = (self.rng >> 11) as f64 / (1u64 << 53) as f64;
        (base_ms as f64 * (0.5 + r) / (std::f64::consts::E - 1.5)) as u64
    }

    /// True when a report is due at `now_ms`; schedules the next one.
    pub fn due(&mut self, now_ms: u64) -> bool {
        match self.next_ms {
            None => {
                let first = self.interval(self.min_interval_ms / 2);
                self.next_ms = Some(now_ms + first);
                false
            }
            Some(next) if now_ms >= next => {
                let gap = self.interval(self.min_interval_ms);
                self.next_ms = Some(now_ms + gap);
                true
            }
            Some(_) => false,
        }
    }

    pub fn note_sent(&mut self) {
        self.we_sent = true;
    }

    /// Whether we sent RTP since the last report (SR then, else RR).
    pub fn take_we_sent(&mut self) -> bool {
        std::mem::take(&mut self.we_sent)
    }
}
