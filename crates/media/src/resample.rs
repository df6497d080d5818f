//! Sample-rate conversion between the device rate and the codec rate (a 48 kHz
//! headset on an 8 kHz PCMU call), sans-IO.
//!
//! [`Resampler`] is a polyphase windowed-sinc filter: the ratio is reduced to L/M, and
//! the L filter phases are computed once, so a frame costs only multiply-adds. The
//! cut-off follows the lower of the two rates, which removes what would alias when
//! going down (48 kHz to 8 kHz) and the images when going up.

use std::collections::VecDeque;
use std::f64::consts::PI;

/// Zero crossings of the sinc on each side, at the lower rate.
const ZERO_CROSSINGS: usize = 8;

#[derive(Debug, Clone)]
pub struct Resampler {
    from: u32,
    to: u32,
    /// Output step L and input step M of the reduced ratio.
    up: usize,
    down: usize,
    half: usize,
    /// `up` phases of `2 * half` weights each.
    taps: Vec<f32>,
    history: Vec<f32>,
    /// Input index (into `history`) and phase (0..up) of the next output sample.
    index: usize,
    phase: usize,
    /// Output made but not yet taken, so every call can return an exact count.
    ready: VecDeque<i16>,
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

impl Resampler {
    /// From `from` Hz to `to` Hz. Rates are clamped to at least 1 Hz.
    pub fn new(from: u32, to: u32) -> Self {
        let (from, to) = (from.max(1), to.max(1));
        let g = gcd(from, to);
        let (up, down) = ((to / g) as usize, (from / g) as usize);
        let cutoff = (f64::from(to) / f64::from(from)).min(1.0);
        let half = ((ZERO_CROSSINGS as f64 / cutoff).ceil() as usize).max(1);
        let mut taps = Vec::new();
        if from != to {
            taps.reserve(up * 2 * half);
            for phase in 0..up {
                let frac = phase as f64 / up as f64;
                for k in 0..2 * half {
                    let x = k as f64 - half as f64 + 1.0 - frac;
                    let sinc = if x == 0.0 {
                        1.0
                    } else {
                        (PI * cutoff * x).sin() / (PI * cutoff * x)
                    };
                    // Blackman window over the kernel's span.
                    let w = (x + half as f64) / (2.0 * half as f64);
                    let window = 0.42 - 0.5 * (2.0 * PI * w).cos() + 0.08 * (4.0 * PI * w).cos();
                    taps.push((cutoff * sinc * window.max(0.0)) as f32);
                }
            }
        }
        Self {
            from,
            to,
            up,
            down,
            half,
            taps,
            history: vec![0.0; half],
            index: half - 1,
            phase: 0,
            ready: VecDeque::new(),
        }
    }

    pub fn rates(&self) -> (u32, u32) {
        (self.from, self.to)
    }

    /// Converts `input` and appends exactly `out_len` samples to `out`: what is
    /// produced beyond that waits for the next call; before the filter has filled,
    /// the shortfall is silence at the start.
    pub fn process(&mut self, input: &[i16], out_len: usize, out: &mut Vec<i16>) {
        if self.from == self.to {
            self.ready.extend(input);
        } else {
            self.history.extend(input.iter().map(|&s| f32::from(s)));
            self.run();
        }
        let have = self.ready.len().min(out_len);
        out.extend(std::iter::repeat_n(0, out_len - have));
        out.extend(self.ready.drain(..have));
        // A source running fast must not build up delay without bound.
        let excess = self.ready.len().saturating_sub(out_len);
        self.ready.drain(..excess);
    }

    fn run(&mut self) {
        let span = 2 * self.half;
        while self.index + self.half < self.history.len() {
            let start = self.index + 1 - self.half;
            let weights = &self.taps[self.phase * span..(self.phase + 1) * span];
            let acc: f32 = self.history[start..start + span]
                .iter()
                .zip(weights)
                .map(|(x, w)| x * w)
                .sum();
            self.ready
                .push_back(acc.round().clamp(-32768.0, 32767.0) as i16);
            self.phase += self.down;
            self.index += self.phase / self.up;
            self.phase %= self.up;
        }
        // Keep only what the next outputs still need.
        let keep_from = (self.index + 1).saturating_sub(self.half);
        self.history.drain(..keep_from);
        self.index -= keep_from;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::tone::{tone_ratio, ToneGenerator};

    fn convert(from: u32, to: u32, signal: &[i16], frame_in: usize) -> Vec<i16> {
        let mut r = Resampler::new(from, to);
        let frame_out = frame_in * to as usize / from as usize;
        let mut out = Vec::new();
        for chunk in signal.chunks(frame_in) {
            r.process(chunk, frame_out, &mut out);
        }
        out
    }

    #[test]
    fn resampler_keeps_a_tone_going_down_and_up_with_exact_frame_sizes() {
        let tone = ToneGenerator::new(1000.0, 48000, 10000).samples(48000);
        let down = convert(48000, 8000, &tone, 960);
        assert_eq!(down.len(), 8000);
        assert!(tone_ratio(&down[800..], 8000, 1000.0) > 0.95);
        let up = convert(8000, 48000, &down, 160);
        assert_eq!(up.len(), 48000);
        assert!(tone_ratio(&up[4800..], 48000, 1000.0) > 0.95);
        // Level is kept (within a dB).
        let peak = up[4800..].iter().map(|s| s.unsigned_abs()).max().unwrap();
        assert!((8900..=11200).contains(&peak), "{peak}");
    }

    #[test]
    fn resampler_removes_what_would_alias_below_the_new_nyquist() {
        // 6 kHz at 48 kHz would fold to 2 kHz at 8 kHz without the low-pass.
        let high = ToneGenerator::new(6000.0, 48000, 10000).samples(9600);
        let down = convert(48000, 8000, &high, 960);
        let energy: f64 = down[400..].iter().map(|&s| f64::from(s).powi(2)).sum();
        let rms = (energy / (down.len() - 400) as f64).sqrt();
        assert!(rms < 100.0, "{rms}");
    }

    #[test]
    fn resampler_at_equal_rates_passes_samples_through() {
        let mut r = Resampler::new(16000, 16000);
        let mut out = Vec::new();
        r.process(&[1, 2, 3], 3, &mut out);
        assert_eq!(out, vec![1, 2, 3]);
    }

    #[test]
    fn resampler_handles_uneven_ratios() {
        let tone = ToneGenerator::new(440.0, 44100, 8000).samples(44100);
        let out = convert(44100, 48000, &tone, 441);
        assert_eq!(out.len(), 48000);
        assert!(tone_ratio(&out[4800..], 48000, 440.0) > 0.95);
    }
}
