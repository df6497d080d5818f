//! RTCP (RFC 3550 section 6): sender report, receiver report, BYE and compound
//! packets. Other packet types (SDES, APP, feedback) are kept as opaque bodies so a
//! compound from a peer still parses and can be written back unchanged.

use thiserror::Error;

use crate::rtp::be32;

pub const PT_SR: u8 = 200;
pub const PT_RR: u8 = 201;
pub const PT_SDES: u8 = 202;
pub const PT_BYE: u8 = 203;

/// Why bytes are not RTCP, or why a packet cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RtcpError {
    #[error("RTCP packet shorter than its header or its declared length")]
    Truncated,
    #[error("RTCP version {0}, expected 2")]
    BadVersion(u8),
    #[error("first packet of a compound is type {0}, expected SR or RR (RFC 3550 A.2)")]
    CompoundNotStartingWithReport(u8),
    #[error("padding is only allowed on the last packet of a compound, with a valid count")]
    BadPadding,
    #[error("more than 31 report blocks or sources in one packet")]
    TooManyItems,
    #[error("BYE reason longer than 255 bytes")]
    ReasonTooLong,
    #[error("compound packet is empty")]
    Empty,
}

/// One reception report block (RFC 3550 6.4.1): what we received from `ssrc`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReportBlock {
    pub ssrc: u32,
    /// Fraction lost since the previous report, as a fixed-point number /256.
    pub fraction_lost: u8,
    /// Cumulative packets lost; 24-bit signed on the wire (duplicates can make it < 0).
    pub cumulative_lost: i32,
    pub highest_sequence: u32,
    /// Interarrival jitter in timestamp units.
    pub jitter: u32,
    /// Middle 32 bits of the NTP timestamp of the last SR received from `ssrc`.
    pub last_sr: u32,
    /// Delay since that SR, in units of 1/65536 s.
    pub delay_since_last_sr: u32,
}

impl ReportBlock {
    /// Round trip in milliseconds per RFC 3550 6.4.1: `arrival - LSR - DLSR`, where
    /// `arrival_ntp_middle` is the middle 32 bits of the NTP time this report arrived.
    /// `None` when no SR has been reported yet (LSR = 0).
    pub fn round_trip_ms(&self, arrival_ntp_middle: u32) -> Option<f64> {
        if self.last_sr == 0 {
            return None;
        }
        let rtt = arrival_ntp_middle
            .wrapping_sub(self.last_sr)
            .wrapping_sub(self.delay_since_last_sr);
        // A negative result (clock skew) wraps to a huge value: report nothing rather
        // than a round trip of 18 hours.
        (rtt < 0x8000_0000).then(|| f64::from(rtt) * 1000.0 / 65536.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenderReport {
    pub ssrc: u32,
    /// 64-bit NTP timestamp (seconds since 1900 in the high word).
    pub ntp_timestamp: u64,
    pub rtp_timestamp: u32,
    pub packet_count: u32,
    pub octet_count: u32,
    pub reports: Vec<ReportBlock>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiverReport {
    pub ssrc: u32,
    pub reports: Vec<ReportBlock>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bye {
    pub sources: Vec<u32>,
    pub reason: Option<String>,
}

/// One packet of a compound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RtcpPacket {
    SenderReport(SenderReport),
    ReceiverReport(ReceiverReport),
    Bye(Bye),
    /// Any other type, kept as the 5-bit count field and the body after the header.
    Other {
        packet_type: u8,
        count: u8,
        body: Vec<u8>,
    },
}

/// Parses a compound packet (one UDP datagram), validated as RFC 3550 A.2 asks: the
/// first packet is SR or RR, lengths add up exactly, padding only on the last.
pub fn parse_compound(buf: &[u8]) -> Result<Vec<RtcpPacket>, RtcpError> {
    let mut packets = Vec::new();
    let mut pos = 0;
    while pos < buf.len() {
        if buf.len() - pos < 4 {
            return Err(RtcpError::Truncated);
        }
        let h = &buf[pos..];
        let version = h[0] >> 6;
        if version != 2 {
            return Err(RtcpError::BadVersion(version));
        }
        let padded = h[0] & 0x20 != 0;
        let count = h[0] & 0x1F;
        let packet_type = h[1];
        let len = (usize::from(u16::from_be_bytes([h[2], h[3]])) + 1) * 4;
        if h.len() < len {
            return Err(RtcpError::Truncated);
        }
        if packets.is_empty() && packet_type != PT_SR && packet_type != PT_RR {
            return Err(RtcpError::CompoundNotStartingWithReport(packet_type));
        }
        let mut body = &h[4..len];
        pos += len;
        if padded {
            let pad = usize::from(*body.last().ok_or(RtcpError::BadPadding)?);
            if pos != buf.len() || pad == 0 || pad > body.len() {
                return Err(RtcpError::BadPadding);
            }
            body = &body[..body.len() - pad];
        }
        packets.push(parse_one(packet_type, count, body)?);
    }
    if packets.is_empty() {
        return Err(RtcpError::Empty);
    }
    Ok(packets)
}

fn parse_one(packet_type: u8, count: u8, body: &[u8]) -> Result<RtcpPacket, RtcpError> {
    Ok(match packet_type {
        PT_SR => {
            if body.len() < 24 {
                return Err(RtcpError::Truncated);
            }
            RtcpPacket::SenderReport(SenderReport {
                ssrc: be32(&body[0..4]),
                ntp_timestamp: u64::from(be32(&body[4..8])) << 32 | u64::from(be32(&body[8..12])),
                rtp_timestamp: be32(&body[12..16]),
                packet_count: be32(&body[16..20]),
                octet_count: be32(&body[20..24]),
                reports: parse_blocks(count, &body[24..])?,
            })
        }
        PT_RR => {
            if body.len() < 4 {
                return Err(RtcpError::Truncated);
            }
            RtcpPacket::ReceiverReport(ReceiverReport {
                ssrc: be32(&body[0..4]),
                reports: parse_blocks(count, &body[4..])?,
            })
        }
        PT_BYE => {
            let n = usize::from(count) * 4;
            if body.len() < n {
                return Err(RtcpError::Truncated);
            }
            let sources = body[..n].chunks_exact(4).map(be32).collect();
            let rest = &body[n..];
            let reason = match rest.first() {
                Some(&len) if len > 0 => {
                    let text = rest
                        .get(1..1 + usize::from(len))
                        .ok_or(RtcpError::Truncated)?;
                    // The reason is only shown to people; invalid UTF-8 is not worth a
                    // failed parse of the whole compound.
                    Some(String::from_utf8_lossy(text).into_owned())
                }
                _ => None,
            };
            RtcpPacket::Bye(Bye { sources, reason })
        }
        _ => RtcpPacket::Other {
            packet_type,
            count,
            body: body.to_vec(),
        },
    })
}

fn parse_blocks(count: u8, body: &[u8]) -> Result<Vec<ReportBlock>, RtcpError> {
    let n = usize::from(count);
    if body.len() < n * 24 {
        return Err(RtcpError::Truncated);
    }
    Ok(body
        .chunks_exact(24)
        .take(n)
        .map(|b| {
            // Sign-extend the 24-bit cumulative loss.
            let raw = i32::from_be_bytes([b[5], b[6], b[7], 0]) >> 8;
            ReportBlock {
                ssrc: be32(&b[0..4]),
                fraction_lost: b[4],
                cumulative_lost: raw,
                highest_sequence: be32(&b[8..12]),
                jitter: be32(&b[12..16]),
                last_sr: be32(&b[16..20]),
                delay_since_last_sr: be32(&b[20..24]),
            }
        })
        .collect())
}

/// Writes packets back to back as one compound. Callers put an SR or RR first; we do
/// not enforce it here so tests and relays can write what they parsed.
pub fn write_compound(packets: &[RtcpPacket]) -> Result<Vec<u8>, RtcpError> {
    let mut out = Vec::new();
    for p in packets {
        write_one(p, &mut out)?;
    }
    Ok(out)
}

fn write_one(p: &RtcpPacket, out: &mut Vec<u8>) -> Result<(), RtcpError> {
    let start = out.len();
    let (packet_type, count) = match p {
        RtcpPacket::SenderReport(sr) => (PT_SR, sr.reports.len()),
        RtcpPacket::ReceiverReport(rr) => (PT_RR, rr.reports.len()),
        RtcpPacket::Bye(bye) => (PT_BYE, bye.sources.len()),
        RtcpPacket::Other {
            packet_type, count, ..
        } => (*packet_type, usize::from(*count)),
    };
    if count > 31 {
        return Err(RtcpError::TooManyItems);
    }
    out.extend_from_slice(&[0x80 | count as u8, packet_type, 0, 0]);
    match p {
        RtcpPacket::SenderReport(sr) => {
            out.extend_from_slice(&sr.ssrc.to_be_bytes());
            out.extend_from_slice(&sr.ntp_timestamp.to_be_bytes());
            out.extend_from_slice(&sr.rtp_timestamp.to_be_bytes());
            out.extend_from_slice(&sr.packet_count.to_be_bytes());
            out.extend_from_slice(&sr.octet_count.to_be_bytes());
            write_blocks(&sr.reports, out);
        }
        RtcpPacket::ReceiverReport(rr) => {
            out.extend_from_slice(&rr.ssrc.to_be_bytes());
            write_blocks(&rr.reports, out);
        }
        RtcpPacket::Bye(bye) => {
            for s in &bye.sources {
                out.extend_from_slice(&s.to_be_bytes());
            }
            if let Some(reason) = &bye.reason {
                let len = u8::try_from(reason.len()).map_err(|_| RtcpError::ReasonTooLong)?;
                out.push(len);
                out.extend_from_slice(reason.as_bytes());
            }
        }
        RtcpPacket::Other { body, .. } => out.extend_from_slice(body),
    }
    // Pad with zeros to a 32-bit boundary (BYE reason, opaque bodies); the length
    // field counts words minus one.
    while !(out.len() - start).is_multiple_of(4) {
        out.push(0);
    }
    let words = (out.len() - start) / 4 - 1;
    let words = u16::try_from(words).map_err(|_| RtcpError::TooManyItems)?;
    out[start + 2..start + 4].copy_from_slice(&words.to_be_bytes());
    Ok(())
}

fn write_blocks(blocks: &[ReportBlock], out: &mut Vec<u8>) {
    for b in blocks {
        out.extend_from_slice(&b.ssrc.to_be_bytes());
        out.push(b.fraction_lost);
        // Clamp to the 24-bit signed range rather than wrap into a wrong sign.
        let lost = b.cumulative_lost.clamp(-0x80_0000, 0x7F_FFFF);
        out.extend_from_slice(&lost.to_be_bytes()[1..]);
        out.extend_from_slice(&b.highest_sequence.to_be_bytes());
        out.extend_from_slice(&b.jitter.to_be_bytes());
        out.extend_from_slice(&b.last_sr.to_be_bytes());
        out.extend_from_slice(&b.delay_since_last_sr.to_be_bytes());
    }
}

/// Seconds from the NTP epoch (1900) to the Unix epoch (1970).
const NTP_UNIX_OFFSET_SECS: u64 = 2_208_988_800;

/// The 64-bit NTP timestamp of a Unix time in milliseconds, for the SR (RFC 3550
/// 6.4.1). Wall-clock time comes from the caller: this crate reads no clock.
pub fn ntp_from_unix_ms(unix_ms: u64) -> u64 {
    let secs = unix_ms / 1000 + NTP_UNIX_OFFSET_SECS;
    let frac = ((unix_ms % 1000) << 32) / 1000;
    secs << 32 | frac
}

/// The middle 32 bits of an NTP timestamp: the LSR field of a report block, and the
/// arrival time [`ReportBlock::round_trip_ms`] wants.
pub fn ntp_middle(ntp: u64) -> u32 {
    (ntp >> 16) as u32
}

/// A duration in the 1/65536 s units of the DLSR field.
pub fn ntp_short_from_ms(ms: u64) -> u32 {
    ((ms << 16) / 1000).min(u64::from(u32::MAX)) as u32
}

#[cfg(test)]
#[path = "rtcp_tests.rs"]
mod tests;
