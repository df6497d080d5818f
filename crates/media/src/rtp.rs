//! RTP packets (RFC 3550 section 5.1): parse and write, with CSRC list, header
//! extension and padding.
//!
//! Parsing never panics: anything a peer sends is either a [`RtpPacket`] or an
//! [`RtpError`] the caller logs and drops (issue 5: malformed RTP is never a crash).

use thiserror::Error;

/// Size of the fixed header, before CSRCs and extension.
pub const FIXED_HEADER_LEN: usize = 12;
/// The 4-bit CC field caps the CSRC list.
pub const MAX_CSRC: usize = 15;

/// Why bytes are not an RTP packet, or why a packet cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RtpError {
    #[error("packet of {0} bytes is shorter than the 12-byte RTP header")]
    TooShort(usize),
    #[error("RTP version {0}, expected 2")]
    BadVersion(u8),
    #[error("CSRC list of {count} entries runs past the end of the packet")]
    CsrcOverrun { count: usize },
    #[error("header extension runs past the end of the packet")]
    ExtensionOverrun,
    #[error("padding length {padding} does not fit in the {available} bytes after the header")]
    BadPadding { padding: usize, available: usize },
    #[error("{0} CSRCs do not fit in the 4-bit CC field")]
    TooManyCsrc(usize),
    #[error("extension data of {0} bytes is not a whole number of 32-bit words or too long")]
    BadExtensionLength(usize),
}

/// The header extension (RFC 3550 5.3.1): a profile-defined 16-bit id and data in
/// 32-bit words. One-byte and two-byte forms (RFC 8285) are read from `data` by the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtpExtension {
    pub profile: u16,
    /// Length is a multiple of 4.
    pub data: Vec<u8>,
}

/// One RTP packet. `padding` is the number of padding bytes to write (or that were
/// read), including the final count byte; 0 means the P bit is clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtpPacket {
    pub marker: bool,
    pub payload_type: u8,
    pub sequence: u16,
    pub timestamp: u32,
    pub ssrc: u32,
    pub csrc: Vec<u32>,
    pub extension: Option<RtpExtension>,
    pub payload: Vec<u8>,
    pub padding: u8,
}

impl RtpPacket {
    /// A packet with no CSRC, extension or padding: what our sender emits.
    pub fn new(
        payload_type: u8,
        sequence: u16,
        timestamp: u32,
        ssrc: u32,
        payload: Vec<u8>,
    ) -> Self {
        Self {
            marker: false,
            payload_type: payload_type & 0x7F,
            sequence,
            timestamp,
            ssrc,
            csrc: Vec::new(),
            extension: None,
            payload,
            padding: 0,
        }
    }

    /// Parses one packet. The whole slice is the packet (one UDP datagram).
    pub fn parse(buf: &[u8]) -> Result<Self, RtpError> {
        if buf.len() < FIXED_HEADER_LEN {
            return Err(RtpError::TooShort(buf.len()));
        }
        let version = buf[0] >> 6;
        if version != 2 {
            return Err(RtpError::BadVersion(version));
        }
        let has_padding = buf[0] & 0x20 != 0;
        let has_extension = buf[0] & 0x10 != 0;
        let cc = usize::from(buf[0] & 0x0F);
        let marker = buf[1] & 0x80 != 0;
        let payload_type = buf[1] & 0x7F;
        let sequence = u16::from_be_bytes([buf[2], buf[3]]);
        let timestamp = be32(&buf[4..8]);
        let ssrc = be32(&buf[8..12]);

        let mut pos = FIXED_HEADER_LEN;
        let csrc_end = pos + cc * 4;
        if buf.len() < csrc_end {
            return Err(RtpError::CsrcOverrun { count: cc });
        }
        let csrc = buf[pos..csrc_end].chunks_exact(4).map(be32).collect();
        pos = csrc_end;

        let extension = if has_extension {
            if buf.len() < pos + 4 {
                return Err(RtpError::ExtensionOverrun);
            }
            let profile = u16::from_be_bytes([buf[pos], buf[pos + 1]]);
            let words = usize::from(u16::from_be_bytes([buf[pos + 2], buf[pos + 3]]));
            let start = pos + 4;
            let end = start + words * 4;
            if buf.len() < end {
                return Err(RtpError::ExtensionOverrun);
            }
            pos = end;
            Some(RtpExtension {
                profile,
                data: buf[start..end].to_vec(),
            })
        } else {
            None
        };

        let mut end = buf.len();
        let mut padding = 0u8;
        if has_padding {
            // The last octet counts the padding, itself included; 0 is invalid because
            // the count byte is always part of the padding.
            let count = buf[buf.len() - 1];
            let available = buf.len() - pos;
            if count == 0 || usize::from(count) > available {
                return Err(RtpError::BadPadding {
                    padding: usize::from(count),
                    available,
                });
            }
            padding = count;
            end -= usize::from(count);
        }
        Ok(Self {
            marker,
            payload_type,
            sequence,
            timestamp,
            ssrc,
            csrc,
            extension,
            payload: buf[pos..end].to_vec(),
            padding,
        })
    }

    /// Size of the packet on the wire.
    pub fn wire_len(&self) -> usize {
        FIXED_HEADER_LEN
            + self.csrc.len() * 4
            + self.extension.as_ref().map_or(0, |e| 4 + e.data.len())
            + self.payload.len()
            + usize::from(self.padding)
    }

    /// Appends the packet to `out`. Fails, writing nothing, when a field cannot be
    /// represented on the wire.
    pub fn write_to(&self, out: &mut Vec<u8>) -> Result<(), RtpError> {
        if self.csrc.len() > MAX_CSRC {
            return Err(RtpError::TooManyCsrc(self.csrc.len()));
        }
        if let Some(ext) = &self.extension {
            if ext.data.len() % 4 != 0 || ext.data.len() / 4 > usize::from(u16::MAX) {
                return Err(RtpError::BadExtensionLength(ext.data.len()));
            }
        }
        out.reserve(self.wire_len());
        let mut b0 = 2u8 << 6 | self.csrc.len() as u8;
        if self.padding > 0 {
            b0 |= 0x20;
        }
        if self.extension.is_some() {
            b0 |= 0x10;
        }
        out.push(b0);
        out.push(u8::from(self.marker) << 7 | (self.payload_type & 0x7F));
        out.extend_from_slice(&self.sequence.to_be_bytes());
        out.extend_from_slice(&self.timestamp.to_be_bytes());
        out.extend_from_slice(&self.ssrc.to_be_bytes());
        for c in &self.csrc {
            out.extend_from_slice(&c.to_be_bytes());
        }
        if let Some(ext) = &self.extension {
            out.extend_from_slice(&ext.profile.to_be_bytes());
            out.extend_from_slice(&((ext.data.len() / 4) as u16).to_be_bytes());
            out.extend_from_slice(&ext.data);
        }
        out.extend_from_slice(&self.payload);
        if self.padding > 0 {
            out.resize(out.len() + usize::from(self.padding) - 1, 0);
            out.push(self.padding);
        }
        Ok(())
    }

    /// The packet as a new buffer.
    pub fn to_bytes(&self) -> Result<Vec<u8>, RtpError> {
        let mut out = Vec::with_capacity(self.wire_len());
        self.write_to(&mut out)?;
        Ok(out)
    }
}

pub(crate) fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// Extends 16-bit sequence numbers to a monotonic 64-bit count across wrap-arounds
/// (RFC 3550 A.1), taking the value nearest to the highest seen so far.
#[derive(Debug, Clone, Default)]
pub struct SequenceUnwrapper {
    highest: Option<u64>,
}

impl SequenceUnwrapper {
    /// The extended sequence number of `seq`. Late packets from before the first one
    /// map below it; the count starts at 65536 so those never underflow.
    pub fn unwrap(&mut self, seq: u16) -> u64 {
        let Some(highest) = self.highest else {
            let ext = (1 << 16) + u64::from(seq);
            self.highest = Some(ext);
            return ext;
        };
        let delta = seq.wrapping_sub(highest as u16) as i16;
        let ext = highest.saturating_add_signed(i64::from(delta));
        if ext > highest {
            self.highest = Some(ext);
        }
        ext
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn full_packet() -> RtpPacket {
        RtpPacket {
            marker: true,
            payload_type: 111,
            sequence: 0xBEEF,
            timestamp: 0xDEAD_BEEF,
            ssrc: 0x1234_5678,
            csrc: vec![1, 2, 3],
            extension: Some(RtpExtension {
                profile: 0xBEDE,
                data: vec![0x10, 0xAA, 0, 0],
            }),
            payload: vec![9; 20],
            padding: 4,
        }
    }

    #[test]
    fn header_fields_are_at_their_rfc3550_offsets() {
        let bytes = RtpPacket::new(0, 1, 160, 0xCAFEBABE, vec![0xFF; 4])
            .to_bytes()
            .unwrap();
        assert_eq!(
            &bytes[..12],
            &[0x80, 0x00, 0x00, 0x01, 0, 0, 0, 160, 0xCA, 0xFE, 0xBA, 0xBE]
        );
        assert_eq!(&bytes[12..], &[0xFF; 4]);
    }

    #[test]
    fn packet_with_csrc_extension_and_padding_round_trips() {
        let p = full_packet();
        let bytes = p.to_bytes().unwrap();
        assert_eq!(bytes.len(), p.wire_len());
        assert_eq!(bytes[0], 0x80 | 0x20 | 0x10 | 3);
        assert_eq!(*bytes.last().unwrap(), 4);
        assert_eq!(RtpPacket::parse(&bytes).unwrap(), p);
    }

    #[test]
    fn short_buffer_is_too_short() {
        assert_eq!(RtpPacket::parse(&[0x80; 11]), Err(RtpError::TooShort(11)));
    }

    #[test]
    fn version_other_than_two_is_rejected() {
        let mut b = RtpPacket::new(0, 1, 2, 3, vec![]).to_bytes().unwrap();
        b[0] = 0x40;
        assert_eq!(RtpPacket::parse(&b), Err(RtpError::BadVersion(1)));
    }

    #[test]
    fn csrc_count_beyond_the_buffer_is_rejected() {
        let mut b = RtpPacket::new(0, 1, 2, 3, vec![]).to_bytes().unwrap();
        b[0] |= 2;
        assert_eq!(
            RtpPacket::parse(&b),
            Err(RtpError::CsrcOverrun { count: 2 })
        );
    }

    #[test]
    fn extension_length_beyond_the_buffer_is_rejected() {
        let mut b = full_packet().to_bytes().unwrap();
        b[12 + 12 + 3] = 200; // extension length in words
        assert_eq!(RtpPacket::parse(&b), Err(RtpError::ExtensionOverrun));
    }

    #[test]
    fn padding_count_of_zero_or_too_large_is_rejected() {
        let mut b = full_packet().to_bytes().unwrap();
        let last = b.len() - 1;
        b[last] = 0;
        assert!(matches!(
            RtpPacket::parse(&b),
            Err(RtpError::BadPadding { padding: 0, .. })
        ));
        b[last] = 255;
        assert!(matches!(
            RtpPacket::parse(&b),
            Err(RtpError::BadPadding { padding: 255, .. })
        ));
    }

    #[test]
    fn unrepresentable_packets_are_refused_on_write() {
        let mut p = full_packet();
        p.csrc = vec![0; 16];
        assert_eq!(p.to_bytes(), Err(RtpError::TooManyCsrc(16)));
        let mut p = full_packet();
        p.extension = Some(RtpExtension {
            profile: 1,
            data: vec![0; 3],
        });
        assert_eq!(p.to_bytes(), Err(RtpError::BadExtensionLength(3)));
    }

    #[test]
    fn sequence_unwrapper_counts_across_the_wrap_and_places_late_packets_before() {
        let mut u = SequenceUnwrapper::default();
        let a = u.unwrap(65534);
        assert_eq!(u.unwrap(65535), a + 1);
        assert_eq!(u.unwrap(0), a + 2);
        assert_eq!(u.unwrap(65533), a - 1);
        assert_eq!(u.unwrap(1), a + 3);
    }

    fn arb_packet() -> impl Strategy<Value = RtpPacket> {
        (
            any::<bool>(),
            0u8..128,
            any::<u16>(),
            any::<u32>(),
            any::<u32>(),
            proptest::collection::vec(any::<u32>(), 0..=15),
            proptest::option::of((
                any::<u16>(),
                proptest::collection::vec(any::<[u8; 4]>(), 0..8),
            )),
            proptest::collection::vec(any::<u8>(), 0..200),
            any::<u8>(),
        )
            .prop_map(
                |(marker, payload_type, sequence, timestamp, ssrc, csrc, ext, payload, padding)| {
                    RtpPacket {
                        marker,
                        payload_type,
                        sequence,
                        timestamp,
                        ssrc,
                        csrc,
                        extension: ext.map(|(profile, words)| RtpExtension {
                            profile,
                            data: words.concat(),
                        }),
                        payload,
                        padding,
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = RtpPacket::parse(&bytes);
        }

        #[test]
        fn arbitrary_bytes_with_version_two_never_panic(mut bytes in proptest::collection::vec(any::<u8>(), 12..300)) {
            bytes[0] = (bytes[0] & 0x3F) | 0x80;
            if let Ok(p) = RtpPacket::parse(&bytes) {
                // Whatever parses writes back to the same bytes, apart from padding
                // contents, which we write as zeros.
                let written = p.to_bytes().unwrap();
                let unpadded = bytes.len() - usize::from(p.padding);
                prop_assert_eq!(&written[..unpadded], &bytes[..unpadded]);
            }
        }

        #[test]
        fn valid_packets_round_trip(p in arb_packet()) {
            let bytes = p.to_bytes().unwrap();
            prop_assert_eq!(bytes.len(), p.wire_len());
            prop_assert_eq!(RtpPacket::parse(&bytes).unwrap(), p);
        }
    }
}
