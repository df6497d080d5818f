//! Per-stream RTP state, sans-IO: [`RtpSender`] numbers outgoing packets and keeps
//! the counts an SR reports; [`SrTracker`] remembers the last SR received so our
//! report blocks carry LSR and DLSR and the peer can measure the round trip.
//!
//! Random initial values (SSRC, sequence, timestamp; RFC 3550 5.1 asks for them) come
//! from the caller, as time does: this crate has no RNG and no clock.

use crate::dtmf::DtmfPacket;
use crate::rtcp::{ntp_middle, ntp_short_from_ms, ReportBlock, SenderReport};
use crate::rtp::RtpPacket;

/// Numbers and counts what we send on one SSRC.
#[derive(Debug, Clone)]
pub struct RtpSender {
    ssrc: u32,
    next_seq: u16,
    /// RTP timestamp of the next audio frame.
    timestamp: u32,
    packets: u32,
    octets: u32,
    /// The next audio packet starts a talkspurt (first packet, or after an event).
    talkspurt_start: bool,
}

impl RtpSender {
    pub fn new(ssrc: u32, initial_seq: u16, initial_timestamp: u32) -> Self {
        Self {
            ssrc,
            next_seq: initial_seq,
            timestamp: initial_timestamp,
            packets: 0,
            octets: 0,
            talkspurt_start: true,
        }
    }

    pub fn ssrc(&self) -> u32 {
        self.ssrc
    }

    fn packet(&mut self, payload_type: u8, timestamp: u32, payload: Vec<u8>) -> RtpPacket {
        let p = RtpPacket::new(payload_type, self.next_seq, timestamp, self.ssrc, payload);
        self.next_seq = self.next_seq.wrapping_add(1);
        self.packets = self.packets.wrapping_add(1);
        // The SR counts payload octets only (RFC 3550 6.4.1).
        self.octets = self.octets.wrapping_add(p.payload.len() as u32);
        p
    }

    /// One audio frame of `samples` timestamp units. The first packet of a
    /// talkspurt carries the marker bit so the far end can resync its playout.
    pub fn audio(&mut self, payload_type: u8, payload: Vec<u8>, samples: u32) -> RtpPacket {
        let ts = self.timestamp;
        let mut p = self.packet(payload_type, ts, payload);
        p.marker = std::mem::take(&mut self.talkspurt_start);
        self.timestamp = self.timestamp.wrapping_add(samples);
        p
    }

    /// Time passes without audio being sent (a digit replaced it, or silence).
    pub fn skip(&mut self, samples: u32) {
        self.timestamp = self.timestamp.wrapping_add(samples);
        self.talkspurt_start = true;
    }

    /// The packets of one DTMF digit ([`crate::dtmf::digit_packets`]). They all carry
    /// the timestamp of the event's start (RFC 4733 2.5.1.2); the caller sends one per
    /// ptime and then calls [`Self::skip`] for the time the event took.
    pub fn event(&mut self, payload_type: u8, packets: &[DtmfPacket]) -> Vec<RtpPacket> {
        let ts = self.timestamp;
        packets
            .iter()
            .map(|d| {
                let mut p = self.packet(payload_type, ts, d.payload.encode().to_vec());
                p.marker = d.marker;
                p
            })
            .collect()
    }

    /// An SR for now: `ntp` is the wall clock (see [`crate::rtcp::ntp_from_unix_ms`]),
    /// `rtp_timestamp` the same instant on the media clock.
    pub fn sender_report(
        &self,
        ntp: u64,
        rtp_timestamp: u32,
        reports: Vec<ReportBlock>,
    ) -> SenderReport {
        SenderReport {
            ssrc: self.ssrc,
            ntp_timestamp: ntp,
            rtp_timestamp,
            packet_count: self.packets,
            octet_count: self.octets,
            reports,
        }
    }
}

/// Remembers the last SR from the peer, for LSR and DLSR in our report blocks.
#[derive(Debug, Clone, Copy, Default)]
pub struct SrTracker {
    last: Option<(u32, u64)>,
}

impl SrTracker {
    pub fn on_sender_report(&mut self, sr: &SenderReport, arrival_ms: u64) {
        self.last = Some((ntp_middle(sr.ntp_timestamp), arrival_ms));
    }

    /// (LSR, DLSR) for a report block sent at `now_ms`; (0, 0) before any SR, as
    /// RFC 3550 6.4.1 says.
    pub fn lsr_dlsr(&self, now_ms: u64) -> (u32, u32) {
        self.last.map_or((0, 0), |(lsr, at)| {
            (lsr, ntp_short_from_ms(now_ms.saturating_sub(at)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dtmf::{digit_packets, DtmfTiming, TelephoneEvent};
    use crate::rtcp::ntp_from_unix_ms;

    #[test]
    fn audio_packets_number_on_and_mark_each_talkspurt_start() {
        let mut tx = RtpSender::new(7, 65535, 1000);
        let a = tx.audio(0, vec![0; 160], 160);
        let b = tx.audio(0, vec![0; 160], 160);
        assert_eq!(
            (a.sequence, a.timestamp, a.marker, a.ssrc),
            (65535, 1000, true, 7)
        );
        assert_eq!((b.sequence, b.timestamp, b.marker), (0, 1160, false));
        tx.skip(320);
        let c = tx.audio(0, vec![0; 160], 160);
        assert_eq!((c.sequence, c.timestamp, c.marker), (1, 1640, true));
    }

    #[test]
    fn digit_packets_share_the_start_timestamp_and_take_sequence_numbers() {
        let mut tx = RtpSender::new(7, 10, 0);
        tx.audio(0, vec![0; 160], 160);
        let packets = tx.event(101, &digit_packets('9', DtmfTiming::default()).unwrap());
        assert_eq!(packets.len(), 7);
        assert!(packets
            .iter()
            .all(|p| p.timestamp == 160 && p.payload_type == 101));
        assert_eq!(
            packets.iter().map(|p| p.sequence).collect::<Vec<_>>(),
            (11..18).collect::<Vec<u16>>()
        );
        assert!(packets[0].marker && !packets[1].marker);
        assert!(TelephoneEvent::decode(&packets[6].payload).unwrap().end);
        tx.skip(800);
        let next = tx.audio(0, vec![0; 160], 160);
        assert_eq!(
            (next.sequence, next.timestamp, next.marker),
            (18, 960, true)
        );
    }

    #[test]
    fn sender_report_counts_packets_and_payload_octets() {
        let mut tx = RtpSender::new(7, 0, 0);
        for _ in 0..3 {
            tx.audio(0, vec![0; 160], 160);
        }
        tx.event(
            101,
            &digit_packets('1', DtmfTiming::default()).unwrap()[..2],
        );
        let sr = tx.sender_report(ntp_from_unix_ms(5000), 480, Vec::new());
        assert_eq!(
            (sr.ssrc, sr.packet_count, sr.octet_count),
            (7, 5, 3 * 160 + 2 * 4)
        );
    }

    #[test]
    fn report_blocks_carry_the_last_sr_and_the_delay_since() {
        let mut rx = SrTracker::default();
        assert_eq!(rx.lsr_dlsr(1000), (0, 0));
        let sr = RtpSender::new(9, 0, 0).sender_report(ntp_from_unix_ms(10_000), 0, Vec::new());
        rx.on_sender_report(&sr, 2000);
        assert_eq!(rx.lsr_dlsr(2500), (ntp_middle(sr.ntp_timestamp), 32768));
    }
}
