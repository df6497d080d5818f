//! Receive statistics for a quality indicator: interarrival jitter (RFC 3550 A.8),
//! loss (A.3: cumulative and fraction since the last report) and an estimated MOS
//! from a simplified E-model (ITU-T G.107).

use crate::rtcp::ReportBlock;
use crate::rtp::SequenceUnwrapper;

/// Counts what arrives from one source. Times are milliseconds from any origin the
/// caller likes; only differences matter.
#[derive(Debug, Clone)]
pub struct ReceiveStats {
    clock_rate: u32,
    unwrapper: SequenceUnwrapper,
    base_seq: Option<u64>,
    max_seq: u64,
    /// Packets counted as received, duplicates excluded (a duplicate is not evidence
    /// that a lost one arrived, so counting it would hide loss).
    received: u64,
    expected_prior: u64,
    received_prior: u64,
    last_transit: Option<f64>,
    /// Jitter in timestamp units, as the RFC keeps it.
    jitter: f64,
}

/// A snapshot for display and for RTCP.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StatsSnapshot {
    pub expected: u64,
    pub received: u64,
    /// Cumulative lost: expected - received.
    pub lost: i64,
    /// lost / expected over the whole call, 0.0..=1.0.
    pub loss_ratio: f64,
    pub jitter_ms: f64,
    /// Jitter in timestamp units, for the report block.
    pub jitter_units: u32,
    pub highest_extended_seq: u64,
}

impl ReceiveStats {
    pub fn new(clock_rate: u32) -> Self {
        Self {
            clock_rate,
            unwrapper: SequenceUnwrapper::default(),
            base_seq: None,
            max_seq: 0,
            received: 0,
            expected_prior: 0,
            received_prior: 0,
            last_transit: None,
            jitter: 0.0,
        }
    }

    /// Records one packet that is not a duplicate. Returns its extended sequence.
    pub fn on_packet(&mut self, seq: u16, rtp_timestamp: u32, arrival_ms: u64) -> u64 {
        let ext = self.unwrapper.unwrap(seq);
        self.record(ext, rtp_timestamp, arrival_ms);
        ext
    }

    /// As [`Self::on_packet`] when the caller already extended the sequence number.
    pub fn record(&mut self, ext_seq: u64, rtp_timestamp: u32, arrival_ms: u64) {
        self.record_sequence(ext_seq);
        self.update_jitter(rtp_timestamp, arrival_ms);
    }

    /// Counts a packet for loss only. For telephone-event packets: they share the
    /// sequence numbers of the audio (so leaving them out would look like loss) but
    /// all packets of an event carry its start timestamp, which would read as jitter.
    pub fn record_sequence(&mut self, ext_seq: u64) {
        match self.base_seq {
            None => {
                self.base_seq = Some(ext_seq);
                self.max_seq = ext_seq;
            }
            Some(base) if ext_seq < base => self.base_seq = Some(ext_seq),
            Some(_) => self.max_seq = self.max_seq.max(ext_seq),
        }
        self.received += 1;
    }

    fn update_jitter(&mut self, rtp_timestamp: u32, arrival_ms: u64) {
        // A.8: transit in timestamp units; D is the change in transit between
        // consecutive arrivals; J moves 1/16 of the way to |D| (a noise filter).
        let arrival_units = arrival_ms as f64 * f64::from(self.clock_rate) / 1000.0;
        let transit = arrival_units - f64::from(rtp_timestamp);
        if let Some(last) = self.last_transit {
            let mut d = (transit - last).abs();
            // Timestamps wrap at 2^32: a wrap shows up as a huge jump in transit.
            if d > f64::from(u32::MAX) / 2.0 {
                d = (d - f64::from(u32::MAX) - 1.0).abs();
            }
            self.jitter += (d - self.jitter) / 16.0;
        }
        self.last_transit = Some(transit);
    }

    pub fn expected(&self) -> u64 {
        self.base_seq.map_or(0, |b| self.max_seq - b + 1)
    }

    pub fn snapshot(&self) -> StatsSnapshot {
        let expected = self.expected();
        let lost = expected as i64 - self.received as i64;
        StatsSnapshot {
            expected,
            received: self.received,
            lost,
            loss_ratio: if expected == 0 {
                0.0
            } else {
                lost.max(0) as f64 / expected as f64
            },
            jitter_ms: self.jitter * 1000.0 / f64::from(self.clock_rate),
            jitter_units: self.jitter as u32,
            highest_extended_seq: self.max_seq,
        }
    }

    /// The report block for the next RR or SR, and the start of a new interval for
    /// the fraction lost (A.3). `last_sr`/`delay_since_last_sr` come from the caller,
    /// which knows when the last SR arrived.
    pub fn report_block(
        &mut self,
        ssrc: u32,
        last_sr: u32,
        delay_since_last_sr: u32,
    ) -> ReportBlock {
        let s = self.snapshot();
        let expected_interval = s.expected - self.expected_prior;
        let received_interval = self.received - self.received_prior;
        self.expected_prior = s.expected;
        self.received_prior = self.received;
        let lost_interval = expected_interval as i64 - received_interval as i64;
        let fraction_lost = if expected_interval == 0 || lost_interval <= 0 {
            0
        } else {
            ((lost_interval << 8) / expected_interval as i64).min(255) as u8
        };
        ReportBlock {
            ssrc,
            fraction_lost,
            cumulative_lost: s.lost.clamp(-0x80_0000, 0x7F_FFFF) as i32,
            // The RFC's 32-bit form: cycles in the high half. Our count starts at
            // 65536 (see SequenceUnwrapper), so take it off again.
            highest_sequence: s.highest_extended_seq.saturating_sub(1 << 16) as u32,
            jitter: s.jitter_units,
            last_sr,
            delay_since_last_sr,
        }
    }
}

/// Impairment of a codec in the E-model (G.113 Appendix I values).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CodecImpairment {
    /// Equipment impairment Ie at zero loss.
    pub ie: f64,
    /// Packet-loss robustness Bpl.
    pub bpl: f64,
}

impl CodecImpairment {
    /// G.711 with packet loss concealment (G.113: Ie 0, Bpl 25.1). The engine conceals
    /// on [`crate::jitter::Pop::Concealed`], so this is the one that applies to us.
    pub const G711_PLC: Self = Self { ie: 0.0, bpl: 25.1 };
    /// G.711 when lost frames are played as silence (G.113: Bpl 4.3).
    pub const G711_NO_PLC: Self = Self { ie: 0.0, bpl: 4.3 };
    /// Opus has no G.113 entry for narrowband E-model use. We assume it at least as
    /// good as G.711 with PLC at the bit rates we use (in-band FEC makes it better
    /// under loss); an estimate, not an ITU value.
    pub const OPUS: Self = Self { ie: 0.0, bpl: 25.1 };
}

/// Default R0 - Is of G.107 with all other parameters at their defaults.
const R_DEFAULT: f64 = 93.2;

/// The transmission rating R (G.107 simplified): R = 93.2 - Id - Ie,eff, with Id from
/// the one-way mouth-to-ear delay (Cole and Rosenbluth's fit of G.107's delay curve)
/// and Ie,eff from random loss. `loss_ratio` is 0.0..=1.0 and should include packets
/// the jitter buffer dropped as late: to the listener they are lost too.
pub fn r_factor(one_way_delay_ms: f64, loss_ratio: f64, codec: CodecImpairment) -> f64 {
    let ta = one_way_delay_ms.max(0.0);
    let id = 0.024 * ta + if ta > 177.3 { 0.11 * (ta - 177.3) } else { 0.0 };
    let ppl = loss_ratio.clamp(0.0, 1.0) * 100.0;
    // BurstR = 1 (random loss): Ie,eff = Ie + (95 - Ie) * Ppl / (Ppl + Bpl).
    let ie_eff = codec.ie + (95.0 - codec.ie) * ppl / (ppl + codec.bpl);
    R_DEFAULT - id - ie_eff
}

/// MOS (conversational quality, 1.0..=4.5) from R, per G.107 Annex B.
pub fn mos_from_r(r: f64) -> f64 {
    if r <= 0.0 {
        1.0
    } else if r >= 100.0 {
        4.5
    } else {
        1.0 + 0.035 * r + r * (r - 60.0) * (100.0 - r) * 7e-6
    }
}

/// Estimated MOS for the quality indicator.
pub fn estimate_mos(one_way_delay_ms: f64, loss_ratio: f64, codec: CodecImpairment) -> f64 {
    mos_from_r(r_factor(one_way_delay_ms, loss_ratio, codec))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steady_stream_has_no_loss_and_no_jitter() {
        let mut s = ReceiveStats::new(8000);
        for i in 0..100u16 {
            s.on_packet(i, u32::from(i) * 160, 1000 + u64::from(i) * 20);
        }
        let snap = s.snapshot();
        assert_eq!((snap.expected, snap.received, snap.lost), (100, 100, 0));
        assert_eq!(snap.jitter_ms, 0.0);
    }

    #[test]
    fn jitter_follows_rfc3550_a8_recursion() {
        let mut s = ReceiveStats::new(8000);
        // Transit changes by +10 ms (80 units) then -10 ms: J = 80/16, then
        // J + (80 - J)/16.
        s.on_packet(0, 0, 0);
        s.on_packet(1, 160, 30);
        s.on_packet(2, 320, 40);
        let j1 = 80.0 / 16.0;
        let j2 = j1 + (80.0 - j1) / 16.0;
        assert!((s.snapshot().jitter_ms - j2 / 8.0).abs() < 1e-9);
        assert_eq!(s.snapshot().jitter_units, j2 as u32);
    }

    #[test]
    fn gaps_count_as_loss_across_sequence_wrap() {
        let mut s = ReceiveStats::new(8000);
        let mut seq = 65530u16;
        for i in 0..20u32 {
            if i % 5 != 4 {
                s.on_packet(seq, i * 160, u64::from(i) * 20);
            }
            seq = seq.wrapping_add(1);
        }
        let snap = s.snapshot();
        // i = 4, 9, 14 and 19 were dropped; the last one is not yet known to be
        // missing, so 19 are expected and 16 arrived.
        assert_eq!((snap.expected, snap.received, snap.lost), (19, 16, 3));
    }

    #[test]
    fn fraction_lost_covers_only_the_interval_since_the_last_report() {
        let mut s = ReceiveStats::new(8000);
        for i in 0..100u16 {
            if i % 4 != 1 || i >= 50 {
                s.on_packet(i, u32::from(i) * 160, u64::from(i) * 20);
            }
        }
        // 13 of 100 lost (seq 1, 5, ... 49) in the first interval.
        let first = s.report_block(7, 0, 0);
        assert_eq!(first.cumulative_lost, 13);
        assert_eq!(first.fraction_lost, (13 * 256 / 100) as u8);
        assert_eq!(first.highest_sequence, 99);
        for i in 100..200u16 {
            s.on_packet(i, u32::from(i) * 160, u64::from(i) * 20);
        }
        let second = s.report_block(7, 0, 0);
        assert_eq!(second.fraction_lost, 0);
        assert_eq!(second.cumulative_lost, 13);
    }

    #[test]
    fn perfect_g711_call_rates_about_4_4() {
        let mos = estimate_mos(20.0, 0.0, CodecImpairment::G711_PLC);
        assert!((4.3..=4.45).contains(&mos), "{mos}");
    }

    #[test]
    fn mos_falls_with_loss_and_with_long_delay() {
        let clean = estimate_mos(60.0, 0.0, CodecImpairment::G711_PLC);
        let lossy = estimate_mos(60.0, 0.05, CodecImpairment::G711_PLC);
        let no_plc = estimate_mos(60.0, 0.05, CodecImpairment::G711_NO_PLC);
        let far = estimate_mos(400.0, 0.0, CodecImpairment::G711_PLC);
        assert!(clean > lossy && lossy > no_plc, "{clean} {lossy} {no_plc}");
        assert!(far < clean - 0.5, "{far}");
        // G.107: 5% random loss with PLC gives Ie,eff = 95 * 5 / 30.1 = 15.8.
        let r = r_factor(0.0, 0.05, CodecImpairment::G711_PLC);
        assert!((r - (93.2 - 95.0 * 5.0 / 30.1)).abs() < 1e-9);
    }

    #[test]
    fn mos_is_bounded_between_1_and_4_5() {
        assert_eq!(mos_from_r(-20.0), 1.0);
        assert_eq!(mos_from_r(120.0), 4.5);
        assert_eq!(estimate_mos(2000.0, 1.0, CodecImpairment::G711_NO_PLC), 1.0);
    }
}
