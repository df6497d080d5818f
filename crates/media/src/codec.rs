//! The codec interface the media session drives, and its G.711 implementations.
//!
//! Opus (the `opus` crate, libopus 1.6) will be another [`AudioCodec`] in a
//! `codec::opus` module; it is not built yet because libopus needs a cmake build.
//! Its `conceal` will use in-band FEC from the next packet when the jitter buffer
//! has it, which is why concealment is a codec operation and not the buffer's.

use crate::g711;

/// One direction's codec state: encode what we send, decode and conceal what we play.
pub trait AudioCodec: Send + std::fmt::Debug {
    /// The RTP timestamp clock (48000 for Opus even when it runs narrower).
    fn clock_rate(&self) -> u32;
    /// The PCM rate it takes and gives.
    fn sample_rate(&self) -> u32;
    /// Encodes one frame of mono samples, appending the payload to `out`.
    fn encode(&mut self, pcm: &[i16], out: &mut Vec<u8>);
    /// Decodes one payload, appending samples to `out`.
    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>);
    /// Produces `samples` of concealment for a frame the jitter buffer reported
    /// missing ([`crate::jitter::Pop::Concealed`]).
    fn conceal(&mut self, samples: usize, out: &mut Vec<i16>);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum G711Law {
    MuLaw,
    ALaw,
}

/// PCMU or PCMA at 8 kHz. Concealment repeats the last good frame, fading by half
/// each time, and falls silent after three: a plain stand-in for G.711 Appendix I,
/// which also pitch-tracks. Better than silence (the E-model's Bpl rises from 4.3 to
/// about 25 with PLC), not as good as Appendix I.
#[derive(Debug, Clone)]
pub struct G711 {
    law: G711Law,
    last: Vec<i16>,
    /// Consecutive concealed frames so far.
    lost: u32,
}

impl G711 {
    pub fn new(law: G711Law) -> Self {
        Self {
            law,
            last: Vec::new(),
            lost: 0,
        }
    }
}

/// After this many concealed frames in a row, play silence: repeating 60 ms of old
/// audio sounds like a stutter, not speech.
const MAX_REPEATS: u32 = 3;

impl AudioCodec for G711 {
    fn clock_rate(&self) -> u32 {
        8000
    }

    fn sample_rate(&self) -> u32 {
        8000
    }

    fn encode(&mut self, pcm: &[i16], out: &mut Vec<u8>) {
        match self.law {
            G711Law::MuLaw => out.extend(pcm.iter().map(|&s| g711::ulaw_encode(s))),
            G711Law::ALaw => out.extend(pcm.iter().map(|&s| g711::alaw_encode(s))),
        }
    }

    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) {
        let start = out.len();
        match self.law {
            G711Law::MuLaw => out.extend(payload.iter().map(|&b| g711::ulaw_decode(b))),
            G711Law::ALaw => out.extend(payload.iter().map(|&b| g711::alaw_decode(b))),
        }
        self.last.clear();
        self.last.extend_from_slice(&out[start..]);
        self.lost = 0;
    }

    fn conceal(&mut self, samples: usize, out: &mut Vec<i16>) {
        self.lost += 1;
        if self.lost > MAX_REPEATS || self.last.is_empty() {
            out.extend(std::iter::repeat_n(0, samples));
            return;
        }
        let shift = self.lost;
        out.extend(self.last.iter().cycle().take(samples).map(|&s| s >> shift));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g711_codec_round_trips_a_frame_within_companding_error() {
        for law in [G711Law::MuLaw, G711Law::ALaw] {
            let mut codec = G711::new(law);
            let pcm: Vec<i16> = (0..160)
                .map(|i| ((i * 400) % 16000 - 8000) as i16)
                .collect();
            let mut payload = Vec::new();
            codec.encode(&pcm, &mut payload);
            assert_eq!(payload.len(), 160);
            let mut back = Vec::new();
            codec.decode(&payload, &mut back);
            for (a, b) in pcm.iter().zip(&back) {
                assert!((a - b).abs() <= 260, "{law:?}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn concealment_fades_the_last_frame_then_falls_silent() {
        let mut codec = G711::new(G711Law::MuLaw);
        let mut out = Vec::new();
        codec.decode(&[0x80; 4], &mut out); // loudest positive code: 32124
        let mut frames = Vec::new();
        for _ in 0..4 {
            let mut f = Vec::new();
            codec.conceal(4, &mut f);
            frames.push(f[0]);
        }
        assert_eq!(frames, vec![32124 >> 1, 32124 >> 2, 32124 >> 3, 0]);
        // A good frame resets the fade.
        codec.decode(&[0x80; 4], &mut out);
        let mut f = Vec::new();
        codec.conceal(2, &mut f);
        assert_eq!(f, vec![32124 >> 1; 2]);
    }

    #[test]
    fn concealment_before_any_audio_is_silence() {
        let mut codec = G711::new(G711Law::ALaw);
        let mut f = Vec::new();
        codec.conceal(160, &mut f);
        assert_eq!(f, vec![0; 160]);
    }
}
