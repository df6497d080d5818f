//! RFC 4733 telephone-event payload (DTMF digits as RTP events).
//!
//! [`TelephoneEvent`] is the 4-byte payload; [`digit_packets`] is the sequence a sender
//! emits for one key press; [`DtmfReceiver`] turns received payloads back into digits
//! once each, whatever the repeats.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DtmfError {
    #[error("telephone-event payload of {0} bytes, expected at least 4")]
    TooShort(usize),
    #[error("{0:?} is not a DTMF digit (0-9, *, #, A-D)")]
    NotADigit(char),
}

/// One telephone-event payload (RFC 4733 2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TelephoneEvent {
    /// Event code: 0-9, 10 = '*', 11 = '#', 12-15 = A-D.
    pub event: u8,
    /// The E bit: this packet ends the event.
    pub end: bool,
    /// Power level in -dBm0, 0..=63 (6 bits).
    pub volume: u8,
    /// Duration so far, in timestamp units.
    pub duration: u16,
}

impl TelephoneEvent {
    pub fn encode(&self) -> [u8; 4] {
        let d = self.duration.to_be_bytes();
        [
            self.event,
            u8::from(self.end) << 7 | (self.volume & 0x3F),
            d[0],
            d[1],
        ]
    }

    /// Parses a payload. Only the first event is read; RFC 4733 allows several
    /// (redundancy) but senders of DTMF put one.
    pub fn decode(buf: &[u8]) -> Result<Self, DtmfError> {
        if buf.len() < 4 {
            return Err(DtmfError::TooShort(buf.len()));
        }
        Ok(Self {
            event: buf[0],
            end: buf[1] & 0x80 != 0,
            // Bit 6 is reserved: ignore it on receipt as the RFC asks.
            volume: buf[1] & 0x3F,
            duration: u16::from_be_bytes([buf[2], buf[3]]),
        })
    }
}

/// The event code of a keypad digit.
pub fn event_for_digit(digit: char) -> Result<u8, DtmfError> {
    Ok(match digit {
        '0'..='9' => digit as u8 - b'0',
        '*' => 10,
        '#' => 11,
        'A'..='D' => digit as u8 - b'A' + 12,
        'a'..='d' => digit as u8 - b'a' + 12,
        other => return Err(DtmfError::NotADigit(other)),
    })
}

/// The keypad digit of an event code, if it is one.
pub fn digit_for_event(event: u8) -> Option<char> {
    Some(match event {
        0..=9 => char::from(b'0' + event),
        10 => '*',
        11 => '#',
        12..=15 => char::from(b'A' + event - 12),
        _ => return None,
    })
}

/// One packet to send: the payload plus what goes in the RTP header. All packets of
/// one event share the RTP timestamp of its start; the sender gives each its own
/// sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DtmfPacket {
    pub marker: bool,
    pub payload: TelephoneEvent,
}

/// How a digit is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DtmfTiming {
    /// How long the key is "pressed".
    pub duration_ms: u32,
    /// One packet per this interval (the audio ptime).
    pub interval_ms: u32,
    /// Clock rate of the telephone-event payload type (8000 in our offers).
    pub clock_rate: u32,
    /// -dBm0; 10 is what most phones send.
    pub volume: u8,
}

impl Default for DtmfTiming {
    fn default() -> Self {
        Self {
            duration_ms: 100,
            interval_ms: 20,
            clock_rate: 8000,
            volume: 10,
        }
    }
}

/// The packets a sender emits for one digit (RFC 4733 2.5.1): a start packet with the
/// marker bit, continuation packets with growing duration, then the end packet three
/// times (retransmitted because it carries the final duration and losing it would
/// make the far end guess). The key is held for at least two intervals so there is
/// always a start before the end.
pub fn digit_packets(digit: char, timing: DtmfTiming) -> Result<Vec<DtmfPacket>, DtmfError> {
    let event = event_for_digit(digit)?;
    let step = u64::from(timing.interval_ms) * u64::from(timing.clock_rate) / 1000;
    // Durations above 16 bits would need the long-event procedure; a key press never
    // lasts that long (8 s at 8 kHz), so stop counting there rather than split.
    let max_intervals = 1 + u64::from(u16::MAX) / step.max(1);
    let intervals = u64::from(timing.duration_ms)
        .div_ceil(u64::from(timing.interval_ms.max(1)))
        .clamp(2, max_intervals.max(2));
    let duration_at = |k: u64| (k * step).min(u64::from(u16::MAX)) as u16;
    let mut packets = Vec::with_capacity(intervals as usize + 2);
    for k in 1..intervals {
        packets.push(DtmfPacket {
            marker: k == 1,
            payload: TelephoneEvent {
                event,
                end: false,
                volume: timing.volume,
                duration: duration_at(k),
            },
        });
    }
    let end = TelephoneEvent {
        event,
        end: true,
        volume: timing.volume,
        duration: duration_at(intervals),
    };
    packets.extend(
        [DtmfPacket {
            marker: false,
            payload: end,
        }; 3],
    );
    Ok(packets)
}

/// Reports each received digit once. An event is identified by its RTP timestamp, so
/// continuation packets and the repeated end packets are not new digits; a lost start
/// packet still reports the digit on the first packet that arrives.
#[derive(Debug, Clone, Default)]
pub struct DtmfReceiver {
    last_timestamp: Option<u32>,
}

impl DtmfReceiver {
    /// Feeds one telephone-event RTP packet; returns the digit when it is a new event.
    pub fn receive(
        &mut self,
        rtp_timestamp: u32,
        payload: &[u8],
    ) -> Result<Option<char>, DtmfError> {
        let ev = TelephoneEvent::decode(payload)?;
        if self.last_timestamp == Some(rtp_timestamp) {
            return Ok(None);
        }
        self.last_timestamp = Some(rtp_timestamp);
        Ok(digit_for_event(ev.event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_layout_matches_rfc4733_figure() {
        let ev = TelephoneEvent {
            event: 5,
            end: true,
            volume: 10,
            duration: 800,
        };
        assert_eq!(ev.encode(), [5, 0x80 | 10, 0x03, 0x20]);
        assert_eq!(TelephoneEvent::decode(&ev.encode()).unwrap(), ev);
    }

    #[test]
    fn reserved_bit_is_ignored_and_short_payload_is_an_error() {
        let ev = TelephoneEvent::decode(&[11, 0x40 | 7, 0, 160]).unwrap();
        assert_eq!(
            ev,
            TelephoneEvent {
                event: 11,
                end: false,
                volume: 7,
                duration: 160
            }
        );
        assert_eq!(
            TelephoneEvent::decode(&[1, 2, 3]),
            Err(DtmfError::TooShort(3))
        );
    }

    #[test]
    fn keypad_digits_map_to_event_codes_and_back() {
        for (d, code) in [
            ('0', 0),
            ('9', 9),
            ('*', 10),
            ('#', 11),
            ('A', 12),
            ('D', 15),
        ] {
            assert_eq!(event_for_digit(d).unwrap(), code);
            assert_eq!(digit_for_event(code), Some(d));
        }
        assert_eq!(event_for_digit('x'), Err(DtmfError::NotADigit('x')));
        assert_eq!(digit_for_event(16), None);
    }

    #[test]
    fn one_digit_is_start_continuations_and_three_end_packets() {
        let packets = digit_packets('7', DtmfTiming::default()).unwrap();
        let durations: Vec<(bool, bool, u16)> = packets
            .iter()
            .map(|p| (p.marker, p.payload.end, p.payload.duration))
            .collect();
        assert_eq!(
            durations,
            vec![
                (true, false, 160),
                (false, false, 320),
                (false, false, 480),
                (false, false, 640),
                (false, true, 800),
                (false, true, 800),
                (false, true, 800),
            ]
        );
        assert!(packets
            .iter()
            .all(|p| p.payload.event == 7 && p.payload.volume == 10));
    }

    #[test]
    fn very_short_press_still_has_a_start_before_the_end() {
        let packets = digit_packets(
            '1',
            DtmfTiming {
                duration_ms: 5,
                ..DtmfTiming::default()
            },
        )
        .unwrap();
        assert_eq!(packets.len(), 4);
        assert!(packets[0].marker && !packets[0].payload.end);
        assert!(packets[1..]
            .iter()
            .all(|p| p.payload.end && p.payload.duration == 320));
    }

    #[test]
    fn absurdly_long_press_stops_at_the_16_bit_duration() {
        let timing = DtmfTiming {
            duration_ms: u32::MAX,
            ..DtmfTiming::default()
        };
        let packets = digit_packets('#', timing).unwrap();
        assert!(packets.len() < 420, "{}", packets.len());
        assert_eq!(packets.last().unwrap().payload.duration, u16::MAX);
    }

    #[test]
    fn receiver_reports_each_digit_once_across_repeats() {
        let mut rx = DtmfReceiver::default();
        let mut heard = String::new();
        for (ts, digit) in [(1000u32, '4'), (3000, '2'), (5000, '2')] {
            for p in digit_packets(digit, DtmfTiming::default()).unwrap() {
                if let Some(d) = rx.receive(ts, &p.payload.encode()).unwrap() {
                    heard.push(d);
                }
            }
        }
        assert_eq!(heard, "422");
    }
}
