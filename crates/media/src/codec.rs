//! The codec interface the media session drives, its G.711 implementations, and
//! Opus in [`opus`].
//!
//! Concealment is a codec operation and not the jitter buffer's because Opus
//! conceals a lost frame from the in-band FEC of the next packet when the buffer
//! already has it ([`crate::jitter::JitterBuffer::fec_source`]).

use thiserror::Error;

use crate::g711;

pub mod opus;

/// Why a codec could not be made or a payload not decoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CodecError {
    #[error("codec {0} is not supported")]
    Unsupported(String),
    #[error("payload could not be decoded: {0}")]
    BadPayload(String),
    #[error("codec setup failed: {0}")]
    Setup(String),
}

/// One direction's codec state: encode what we send, decode and conceal what we play.
pub trait AudioCodec: Send + std::fmt::Debug {
    /// The RTP timestamp clock (48000 for Opus even when it runs narrower).
    fn clock_rate(&self) -> u32;
    /// The PCM rate it takes and gives.
    fn sample_rate(&self) -> u32;
    /// Encodes one frame of mono samples, appending the payload to `out`.
    fn encode(&mut self, pcm: &[i16], out: &mut Vec<u8>);
    /// Decodes one payload, appending samples to `out`. A payload the codec cannot
    /// read appends nothing and is an error: the caller conceals instead.
    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) -> Result<(), CodecError>;
    /// Produces `samples` of concealment for a frame the jitter buffer reported
    /// missing ([`crate::jitter::Pop::Concealed`]). `next` is the payload of the
    /// frame right after the missing one when the buffer has it: a codec with
    /// in-band FEC rebuilds the missing frame from it.
    fn conceal(&mut self, samples: usize, next: Option<&[u8]>, out: &mut Vec<i16>);
    /// The loss the far end reports (RTCP fraction lost), for codecs that adapt
    /// their redundancy to it.
    fn set_loss_hint(&mut self, _percent: u8) {}
}

/// A codec for a negotiated payload format: PCMU, PCMA, or Opus (48 kHz mono, FEC on).
pub fn for_sdp(codec: &crate::sdp::Codec) -> Result<Box<dyn AudioCodec>, CodecError> {
    if codec.is("PCMU", 8000, 1) {
        Ok(Box::new(G711::new(G711Law::MuLaw)))
    } else if codec.is("PCMA", 8000, 1) {
        Ok(Box::new(G711::new(G711Law::ALaw)))
    } else if codec.encoding.eq_ignore_ascii_case("opus") && codec.clock_rate == 48000 {
        Ok(Box::new(opus::OpusCodec::new(
            opus::OpusSettings::default(),
        )?))
    } else {
        Err(CodecError::Unsupported(format!(
            "{}/{}",
            codec.encoding, codec.clock_rate
        )))
    }
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

    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) -> Result<(), CodecError> {
        let start = out.len();
        match self.law {
            G711Law::MuLaw => out.extend(payload.iter().map(|&b| g711::ulaw_decode(b))),
            G711Law::ALaw => out.extend(payload.iter().map(|&b| g711::alaw_decode(b))),
        }
        self.last.clear();
        self.last.extend_from_slice(&out[start..]);
        self.lost = 0;
        Ok(())
    }

    fn conceal(&mut self, samples: usize, _next: Option<&[u8]>, out: &mut Vec<i16>) {
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
            codec.decode(&payload, &mut back).unwrap();
            for (a, b) in pcm.iter().zip(&back) {
                assert!((a - b).abs() <= 260, "{law:?}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn concealment_fades_the_last_frame_then_falls_silent() {
        let mut codec = G711::new(G711Law::MuLaw);
        let mut out = Vec::new();
        codec.decode(&[0x80; 4], &mut out).unwrap(); // loudest positive code: 32124
        let mut frames = Vec::new();
        for _ in 0..4 {
            let mut f = Vec::new();
            codec.conceal(4, None, &mut f);
            frames.push(f[0]);
        }
        assert_eq!(frames, vec![32124 >> 1, 32124 >> 2, 32124 >> 3, 0]);
        // A good frame resets the fade.
        codec.decode(&[0x80; 4], &mut out).unwrap();
        let mut f = Vec::new();
        codec.conceal(2, None, &mut f);
        assert_eq!(f, vec![32124 >> 1; 2]);
    }

    #[test]
    fn concealment_before_any_audio_is_silence() {
        let mut codec = G711::new(G711Law::ALaw);
        let mut f = Vec::new();
        codec.conceal(160, None, &mut f);
        assert_eq!(f, vec![0; 160]);
    }
}
