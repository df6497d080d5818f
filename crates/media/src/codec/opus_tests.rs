use super::*;
use crate::audio::tone::{tone_ratio, ToneGenerator};

#[test]
fn opus_tone_survives_encode_and_decode() {
    let mut codec = OpusCodec::new(OpusSettings::default()).unwrap();
    let mut tone = ToneGenerator::new(1000.0, OPUS_RATE, 8000);
    let mut decoded = Vec::new();
    for _ in 0..50 {
        let frame = tone.samples(OPUS_FRAME);
        let mut packet = Vec::new();
        codec.encode(&frame, &mut packet);
        assert!(!packet.is_empty() && packet.len() < 400, "{}", packet.len());
        codec.decode(&packet, &mut decoded).unwrap();
    }
    assert_eq!(decoded.len(), 50 * OPUS_FRAME);
    // Skip the codec's start-up; then the tone must be there.
    let r = tone_ratio(&decoded[10 * OPUS_FRAME..], OPUS_RATE, 1000.0);
    assert!(r > 0.9, "{r}");
}

/// A voice-like signal whose pitch changes every frame, so PLC, which extends the
/// last frame, cannot guess the lost one.
fn hopping_frames(n: usize) -> Vec<Vec<i16>> {
    (0..n)
        .map(|i| {
            let f = 220.0 + 170.0 * (i % 7) as f64;
            ToneGenerator::new(f, OPUS_RATE, 9000).samples(OPUS_FRAME)
        })
        .collect()
}

fn error_energy(a: &[i16], b: &[i16]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum()
}

#[test]
fn opus_fec_from_the_next_packet_recovers_a_lost_frame_better_than_plc() {
    let settings = OpusSettings {
        bitrate_bps: 24_000,
        packet_loss_percent: 20,
    };
    let mut encoder = OpusCodec::new(settings).unwrap();
    let packets: Vec<Vec<u8>> = hopping_frames(40)
        .iter()
        .map(|f| {
            let mut p = Vec::new();
            encoder.encode(f, &mut p);
            p
        })
        .collect();
    let lost = 30;
    let decode_with = |next: Option<&[u8]>| {
        let mut codec = OpusCodec::new(settings).unwrap();
        let mut out = Vec::new();
        for p in &packets[..lost] {
            codec.decode(p, &mut out).unwrap();
        }
        let start = out.len();
        codec.conceal(OPUS_FRAME, next, &mut out);
        out[start..].to_vec()
    };
    let mut reference = OpusCodec::new(settings).unwrap();
    let mut full = Vec::new();
    for p in &packets[..=lost] {
        reference.decode(p, &mut full).unwrap();
    }
    let truth = &full[lost * OPUS_FRAME..];
    let with_fec = decode_with(Some(&packets[lost + 1]));
    let plc_only = decode_with(None);
    assert_eq!((with_fec.len(), plc_only.len()), (OPUS_FRAME, OPUS_FRAME));
    let (fec_err, plc_err) = (
        error_energy(&with_fec, truth),
        error_energy(&plc_only, truth),
    );
    assert!(
        fec_err < plc_err / 2.0,
        "FEC error {fec_err:.3e} vs PLC error {plc_err:.3e}"
    );
}

#[test]
fn opus_garbage_payload_is_an_error_and_concealment_still_fills_the_frame() {
    let mut codec = OpusCodec::new(OpusSettings::default()).unwrap();
    let mut out = Vec::new();
    // TOC byte of code 3 with a frame count of 0 is invalid (RFC 6716 3.2.5).
    assert!(codec.decode(&[0x03, 0x00], &mut out).is_err());
    assert!(codec.decode(&[], &mut out).is_err());
    assert!(out.is_empty());
    codec.conceal(OPUS_FRAME, Some(&[0xFF]), &mut out);
    assert_eq!(out.len(), OPUS_FRAME);
}

#[test]
fn opus_loss_hint_is_kept_within_percent_bounds() {
    let mut codec = OpusCodec::new(OpusSettings::default()).unwrap();
    codec.set_packet_loss_percent(250).unwrap();
    assert_eq!(codec.settings().packet_loss_percent, 100);
}
