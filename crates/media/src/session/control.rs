//! The session's controls (mute, hold, DTMF, re-INVITE) and its RTCP.

use super::{MediaSession, SessionError, Transmit};
use crate::dtmf::event_for_digit;
use crate::rtcp::{
    ntp_from_unix_ms, ntp_middle, parse_compound, write_compound, Bye, ReceiverReport, RtcpPacket,
    PT_SDES,
};
use crate::sdp::negotiate::Negotiated;
use crate::sdp::Direction;

impl MediaSession {
    /// Muted: nothing is sent (RTCP goes on). Receiving is unaffected.
    pub fn set_muted(&mut self, muted: bool) {
        self.muted = muted;
    }

    pub fn is_muted(&self) -> bool {
        self.muted
    }

    /// The direction after a hold or resume offer/answer: sendonly or inactive stops
    /// what we play, recvonly or inactive what we send.
    pub fn set_direction(&mut self, direction: Direction) {
        self.direction = direction;
    }

    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// Queues a DTMF digit, sent as RFC 4733 events in place of audio.
    pub fn send_dtmf(&mut self, digit: char) -> Result<(), SessionError> {
        if self.config.negotiated.telephone_event.is_none() {
            return Err(SessionError::NoTelephoneEvent);
        }
        event_for_digit(digit)?;
        self.dtmf_queue.push_back(digit);
        Ok(())
    }

    /// A new offer/answer in the same dialog (hold, resume, codec change). The
    /// stream, its sequence numbers and its statistics go on; codecs and keys are
    /// rebuilt only when they changed.
    pub fn update(&mut self, negotiated: Negotiated) -> Result<(), SessionError> {
        let old = &self.config.negotiated;
        let same_media = old.codec == negotiated.codec
            && old.receive_codecs == negotiated.receive_codecs
            && old.srtp == negotiated.srtp;
        if same_media {
            self.direction = negotiated.direction;
            self.config.negotiated = negotiated;
            return Ok(());
        }
        let mut config = self.config.clone();
        config.negotiated = negotiated;
        let mut fresh = MediaSession::new(config)?;
        // Keep who we are and what we counted.
        fresh.sender = self.sender.clone();
        fresh.counters = std::mem::take(&mut self.counters);
        fresh.rtcp = self.rtcp.clone();
        fresh.muted = self.muted;
        *self = fresh;
        Ok(())
    }

    fn ntp(&self, now_ms: u64) -> u64 {
        ntp_from_unix_ms(self.config.unix_offset_ms + now_ms)
    }

    /// An RTCP compound for now: SR if we sent since the last one, else RR, with a
    /// report block on the peer's stream and our CNAME; plus BYE when leaving.
    pub(super) fn report(&mut self, now_ms: u64, bye: bool) -> Option<Transmit> {
        let mut blocks = Vec::new();
        if let Some(remote) = self.remote_ssrc {
            let (lsr, dlsr) = self.sr_tracker.lsr_dlsr(now_ms);
            blocks.push(
                self.jitter
                    .receive_stats_mut()
                    .report_block(remote, lsr, dlsr),
            );
        }
        let first = if self.rtcp.take_we_sent() {
            let units = u64::from(self.encoder.clock_rate()) * now_ms / 1000;
            RtcpPacket::SenderReport(self.sender.sender_report(
                self.ntp(now_ms),
                self.config.initial_timestamp.wrapping_add(units as u32),
                blocks,
            ))
        } else {
            RtcpPacket::ReceiverReport(ReceiverReport {
                ssrc: self.config.ssrc,
                reports: blocks,
            })
        };
        let mut packets = vec![first, self.sdes()];
        if bye {
            packets.push(RtcpPacket::Bye(Bye {
                sources: vec![self.config.ssrc],
                reason: None,
            }));
        }
        let bytes = write_compound(&packets).ok()?;
        let bytes = match self.srtp_send.as_mut() {
            Some(ctx) => ctx.protect_rtcp(&bytes).ok()?,
            None => bytes,
        };
        self.counters.rtcp_sent += 1;
        Some(if self.config.negotiated.rtcp_mux {
            Transmit::Rtp(bytes)
        } else {
            Transmit::Rtcp(bytes)
        })
    }

    /// SDES with one chunk: our SSRC and CNAME (RFC 3550 6.5).
    fn sdes(&self) -> RtcpPacket {
        let cname = self.config.cname.as_bytes();
        let len = cname.len().min(255);
        let mut body = self.config.ssrc.to_be_bytes().to_vec();
        body.extend_from_slice(&[1, len as u8]);
        body.extend_from_slice(&cname[..len]);
        // The item list ends with a zero byte and the chunk is padded to 32 bits.
        body.push(0);
        while !body.len().is_multiple_of(4) {
            body.push(0);
        }
        RtcpPacket::Other {
            packet_type: PT_SDES,
            count: 1,
            body,
        }
    }

    /// RTCP BYE to send when the call ends.
    pub fn bye(&mut self, now_ms: u64) -> Option<Transmit> {
        self.report(now_ms, true)
    }

    pub(super) fn on_rtcp(&mut self, now_ms: u64, data: &[u8]) -> Result<(), SessionError> {
        let plain;
        let data = match self.srtp_receive.as_mut() {
            Some(ctx) => {
                plain = ctx.unprotect_rtcp(data)?;
                &plain[..]
            }
            None => data,
        };
        let packets = parse_compound(data)?;
        self.counters.rtcp_received += 1;
        let arrival = ntp_middle(self.ntp(now_ms));
        for p in packets {
            let blocks = match p {
                RtcpPacket::SenderReport(sr) => {
                    self.sr_tracker.on_sender_report(&sr, now_ms);
                    sr.reports
                }
                RtcpPacket::ReceiverReport(rr) => rr.reports,
                RtcpPacket::Bye(_) => {
                    self.counters.bye_received = true;
                    continue;
                }
                RtcpPacket::Other { .. } => continue,
            };
            for block in blocks.iter().filter(|b| b.ssrc == self.config.ssrc) {
                if let Some(rtt) = block.round_trip_ms(arrival) {
                    self.counters.round_trip_ms = Some(rtt);
                }
                let percent = (u32::from(block.fraction_lost) * 100 / 256) as u8;
                self.counters.remote_loss_percent = Some(f64::from(block.fraction_lost) / 2.56);
                self.encoder.set_loss_hint(percent);
            }
        }
        Ok(())
    }
}
