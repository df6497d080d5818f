//! Opus (RFC 6716, RTP payload RFC 7587) on libopus through the `opus` crate: 48 kHz
//! mono, 20 ms frames, in-band FEC on.
//!
//! In-band FEC (LBRR) makes each packet carry a coarse copy of the previous frame.
//! When a frame is lost and the jitter buffer already holds the next packet,
//! [`OpusCodec::conceal`] decodes that copy instead of extrapolating (PLC); the
//! packet-loss hint tells the encoder how much of its bit rate to spend on it.

use opus::{Application, Bitrate, Channels, Decoder, Encoder};

use super::{AudioCodec, CodecError};

pub const OPUS_RATE: u32 = 48000;
/// Samples of one 20 ms frame at 48 kHz.
pub const OPUS_FRAME: usize = 960;
/// Largest packet we produce; RFC 6716 3.4 caps a frame at 1275 bytes.
const MAX_PACKET: usize = 1275;

/// What the encoder is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpusSettings {
    pub bitrate_bps: i32,
    /// Expected loss in percent (0..=100); higher spends more on FEC.
    pub packet_loss_percent: i32,
}

impl Default for OpusSettings {
    fn default() -> Self {
        Self {
            bitrate_bps: 32_000,
            packet_loss_percent: 10,
        }
    }
}

pub struct OpusCodec {
    encoder: Encoder,
    decoder: Decoder,
    settings: OpusSettings,
    scratch: Vec<i16>,
}

impl std::fmt::Debug for OpusCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpusCodec")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

fn setup(e: opus::Error) -> CodecError {
    CodecError::Setup(e.to_string())
}

impl OpusCodec {
    pub fn new(settings: OpusSettings) -> Result<Self, CodecError> {
        let mut encoder =
            Encoder::new(OPUS_RATE, Channels::Mono, Application::Voip).map_err(setup)?;
        encoder
            .set_bitrate(Bitrate::Bits(settings.bitrate_bps))
            .map_err(setup)?;
        encoder.set_inband_fec(true).map_err(setup)?;
        encoder
            .set_packet_loss_perc(settings.packet_loss_percent.clamp(0, 100))
            .map_err(setup)?;
        let decoder = Decoder::new(OPUS_RATE, Channels::Mono).map_err(setup)?;
        Ok(Self {
            encoder,
            decoder,
            settings,
            scratch: vec![0; OPUS_FRAME * 6],
        })
    }

    /// Updates the loss hint, e.g. from the loss the peer's RTCP reports.
    pub fn set_packet_loss_percent(&mut self, percent: i32) -> Result<(), CodecError> {
        self.settings.packet_loss_percent = percent.clamp(0, 100);
        self.encoder
            .set_packet_loss_perc(self.settings.packet_loss_percent)
            .map_err(setup)
    }

    pub fn settings(&self) -> OpusSettings {
        self.settings
    }

    /// PLC for `samples`, in whole 2.5 ms steps as libopus wants them.
    fn plc(&mut self, samples: usize, out: &mut Vec<i16>) {
        let n = samples.min(self.scratch.len());
        match self.decoder.decode(&[], &mut self.scratch[..n], false) {
            Ok(got) => out.extend_from_slice(&self.scratch[..got.min(n)]),
            Err(_) => out.extend(std::iter::repeat_n(0, n)),
        }
    }
}

impl AudioCodec for OpusCodec {
    fn clock_rate(&self) -> u32 {
        OPUS_RATE
    }

    fn sample_rate(&self) -> u32 {
        OPUS_RATE
    }

    fn encode(&mut self, pcm: &[i16], out: &mut Vec<u8>) {
        let start = out.len();
        out.resize(start + MAX_PACKET, 0);
        match self.encoder.encode(pcm, &mut out[start..]) {
            Ok(n) => out.truncate(start + n),
            // Only a frame of a size Opus does not allow fails here; the session
            // always gives whole 20 ms frames, so send nothing rather than garbage.
            Err(_) => out.truncate(start),
        }
    }

    fn decode(&mut self, payload: &[u8], out: &mut Vec<i16>) -> Result<(), CodecError> {
        if payload.is_empty() {
            return Err(CodecError::BadPayload("empty Opus payload".into()));
        }
        let n = self
            .decoder
            .decode(payload, &mut self.scratch, false)
            .map_err(|e| CodecError::BadPayload(e.to_string()))?;
        out.extend_from_slice(&self.scratch[..n]);
        Ok(())
    }

    fn conceal(&mut self, samples: usize, next: Option<&[u8]>, out: &mut Vec<i16>) {
        let n = samples.min(self.scratch.len());
        if let Some(next) = next.filter(|p| !p.is_empty()) {
            // With fec = true libopus decodes the LBRR copy of the frame before
            // `next`; a packet without one falls back to PLC inside libopus.
            if let Ok(got) = self.decoder.decode(next, &mut self.scratch[..n], true) {
                out.extend_from_slice(&self.scratch[..got.min(n)]);
                return;
            }
        }
        self.plc(samples, out);
    }

    fn set_loss_hint(&mut self, percent: u8) {
        // Never below the configured floor: FEC must be there when loss starts.
        let wanted = i32::from(percent).max(OpusSettings::default().packet_loss_percent);
        if wanted != self.settings.packet_loss_percent {
            let _ = self.set_packet_loss_percent(wanted);
        }
    }
}

#[cfg(test)]
#[path = "opus_tests.rs"]
mod tests;
