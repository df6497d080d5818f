//! G.711 mu-law (PCMU, payload type 0) and A-law (PCMA, payload type 8).
//!
//! Our own code rather than a dependency: the companding is a few lines, follows the
//! reference implementation of ITU-T G.711 (segment search, bias 0x84 for mu-law,
//! even-bit inversion 0x55 for A-law) and is checked against the standard's tables.

/// mu-law adds this bias so every segment starts on a power of two.
const ULAW_BIAS: i32 = 0x84;
/// Largest magnitude mu-law can carry once biased (8159 in 14-bit units, times 4).
const ULAW_CLIP: i32 = 32635;

/// Encodes one 16-bit linear sample to mu-law.
pub fn ulaw_encode(sample: i16) -> u8 {
    let mut v = i32::from(sample);
    let sign = if v < 0 {
        v = -v;
        0x80
    } else {
        0
    };
    let v = v.min(ULAW_CLIP) + ULAW_BIAS;
    // The segment (exponent) is the position of the highest set bit above bit 7.
    let exponent = 7 - ((v >> 7) as u8).leading_zeros() as i32;
    let mantissa = (v >> (exponent + 3)) & 0x0F;
    // Bits are inverted on the wire so that silence is not a run of zeros.
    !(sign | (exponent << 4) as u8 | mantissa as u8)
}

/// Decodes one mu-law byte to a 16-bit linear sample.
pub fn ulaw_decode(byte: u8) -> i16 {
    let u = !byte;
    let exponent = i32::from((u >> 4) & 0x07);
    let mantissa = i32::from(u & 0x0F);
    let magnitude = (((mantissa << 3) + ULAW_BIAS) << exponent) - ULAW_BIAS;
    (if u & 0x80 != 0 { -magnitude } else { magnitude }) as i16
}

/// Encodes one 16-bit linear sample to A-law.
pub fn alaw_encode(sample: i16) -> u8 {
    // A-law works on 13-bit samples; negative values are one's-complemented so that
    // -1 and 0 fall in the same smallest step.
    let v = i32::from(sample) >> 3;
    let (mask, v) = if v >= 0 {
        (0xD5u8, v)
    } else {
        (0x55u8, -v - 1)
    };
    // Segment ends for 13-bit magnitudes: 0x1F, 0x3F, 0x7F, ... 0xFFF.
    let segment = (0..8).find(|&s| v < (0x20 << s)).unwrap_or(8);
    let code = if segment >= 8 {
        0x7F
    } else if segment < 2 {
        (segment << 4) as u8 | ((v >> 1) & 0x0F) as u8
    } else {
        (segment << 4) as u8 | ((v >> segment) & 0x0F) as u8
    };
    code ^ mask
}

/// Decodes one A-law byte to a 16-bit linear sample.
pub fn alaw_decode(byte: u8) -> i16 {
    let a = byte ^ 0x55;
    let mut t = i32::from(a & 0x0F) << 4;
    let segment = (a & 0x70) >> 4;
    match segment {
        0 => t += 8,
        1 => t += 0x108,
        s => t = (t + 0x108) << (s - 1),
    }
    (if a & 0x80 != 0 { t } else { -t }) as i16
}

/// Encodes a frame of samples to mu-law bytes.
pub fn ulaw_encode_frame(samples: &[i16]) -> Vec<u8> {
    samples.iter().map(|&s| ulaw_encode(s)).collect()
}

/// Decodes mu-law bytes to samples.
pub fn ulaw_decode_frame(bytes: &[u8]) -> Vec<i16> {
    bytes.iter().map(|&b| ulaw_decode(b)).collect()
}

/// Encodes a frame of samples to A-law bytes.
pub fn alaw_encode_frame(samples: &[i16]) -> Vec<u8> {
    samples.iter().map(|&s| alaw_encode(s)).collect()
}

/// Decodes A-law bytes to samples.
pub fn alaw_decode_frame(bytes: &[u8]) -> Vec<i16> {
    bytes.iter().map(|&b| alaw_decode(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ulaw_matches_g711_table_values() {
        assert_eq!(ulaw_encode(0), 0xFF);
        assert_eq!(ulaw_encode(-1), 0x7F);
        assert_eq!(ulaw_decode(0xFF), 0);
        assert_eq!(ulaw_decode(0x7F), 0);
        // Decision and reconstruction values at the segment edges (G.711 table 2a,
        // scaled by 4 to 16-bit): code 0x80 is the largest positive, 0x00 the largest
        // negative magnitude.
        assert_eq!(ulaw_decode(0x80), 32124);
        assert_eq!(ulaw_decode(0x00), -32124);
        // First code of segment 1 and last of segment 0: 33 and 30 in 14-bit units.
        assert_eq!(ulaw_decode(0xEF), 132);
        assert_eq!(ulaw_decode(0xF0), 120);
        assert_eq!(ulaw_encode(i16::MAX), 0x80);
        assert_eq!(ulaw_encode(i16::MIN), 0x00);
    }

    #[test]
    fn alaw_matches_g711_table_values() {
        assert_eq!(alaw_encode(0), 0xD5);
        assert_eq!(alaw_encode(-1), 0x55);
        assert_eq!(alaw_decode(0xD5), 8);
        assert_eq!(alaw_decode(0x55), -8);
        // Largest magnitudes (G.711 table 1a, scaled by 8 to 16-bit).
        assert_eq!(alaw_decode(0xAA), 32256);
        assert_eq!(alaw_decode(0x2A), -32256);
        assert_eq!(alaw_encode(i16::MAX), 0xAA);
        assert_eq!(alaw_encode(i16::MIN), 0x2A);
    }

    #[test]
    fn every_code_decodes_and_reencodes_to_itself() {
        for code in 0..=255u8 {
            // mu-law has two codes for zero (0xFF and 0x7F); both decode to 0, which
            // encodes as the positive one.
            let expected = if code == 0x7F { 0xFF } else { code };
            assert_eq!(
                ulaw_encode(ulaw_decode(code)),
                expected,
                "mu-law {code:#04x}"
            );
            assert_eq!(alaw_encode(alaw_decode(code)), code, "A-law {code:#04x}");
        }
    }

    #[test]
    fn round_trip_error_stays_within_half_a_quantisation_step() {
        for x in i16::MIN..=i16::MAX {
            let m = i32::from(x).abs();
            // Step size doubles each segment: 8 for the first mu-law segment, growing
            // with the magnitude; half a step is at most (|x| + bias) / 32 + 4. Above
            // the clip level the error is the clipping itself.
            let ulaw_err = (i32::from(ulaw_decode(ulaw_encode(x))) - i32::from(x)).abs();
            if m <= 32124 {
                assert!(
                    ulaw_err <= (m + 132) / 32 + 4,
                    "mu-law {x}: error {ulaw_err}"
                );
            } else {
                assert!(ulaw_err <= m - 32124 + 1, "mu-law {x}: error {ulaw_err}");
            }
            let alaw_err = (i32::from(alaw_decode(alaw_encode(x))) - i32::from(x)).abs();
            if m <= 32256 {
                assert!(alaw_err <= m / 32 + 16, "A-law {x}: error {alaw_err}");
            } else {
                assert!(alaw_err <= m - 32256 + 8, "A-law {x}: error {alaw_err}");
            }
        }
    }

    #[test]
    fn encoding_is_monotonic_in_the_decoded_value() {
        let mut last_u = i16::MIN;
        let mut last_a = i16::MIN;
        for x in (i16::MIN..=i16::MAX).step_by(7) {
            let u = ulaw_decode(ulaw_encode(x));
            let a = alaw_decode(alaw_encode(x));
            assert!(u >= last_u && a >= last_a, "not monotonic at {x}");
            last_u = u;
            last_a = a;
        }
    }

    #[test]
    fn frames_encode_and_decode_sample_by_sample() {
        let samples = [0i16, 1000, -1000, 20000];
        assert_eq!(ulaw_decode_frame(&ulaw_encode_frame(&samples)).len(), 4);
        assert_eq!(alaw_encode_frame(&samples)[0], 0xD5);
        assert_eq!(alaw_decode_frame(&[0xD5, 0x55]), vec![8, -8]);
    }
}
