//! A sine tone generator (an [`AudioSource`]) and a Goertzel detector: interop tests
//! play a known tone in at one end of a call and check it at the other.

use std::f64::consts::TAU;

use super::AudioSource;

/// An endless sine tone with continuous phase across reads.
#[derive(Debug, Clone)]
pub struct ToneGenerator {
    sample_rate: u32,
    frequency: f64,
    amplitude: f64,
    /// Phase in cycles, kept in 0..1 so precision does not erode over long calls.
    phase: f64,
}

impl ToneGenerator {
    /// `amplitude` is the peak, in 16-bit sample units.
    pub fn new(frequency: f64, sample_rate: u32, amplitude: i16) -> Self {
        Self {
            sample_rate,
            frequency,
            amplitude: f64::from(amplitude),
            phase: 0.0,
        }
    }

    pub fn fill(&mut self, buf: &mut [i16]) {
        let step = self.frequency / f64::from(self.sample_rate);
        for s in buf {
            *s = (self.amplitude * (TAU * self.phase).sin()).round() as i16;
            self.phase = (self.phase + step).fract();
        }
    }

    /// `n` samples of the tone.
    pub fn samples(&mut self, n: usize) -> Vec<i16> {
        let mut v = vec![0; n];
        self.fill(&mut v);
        v
    }
}

impl AudioSource for ToneGenerator {
    fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    fn read(&mut self, buf: &mut [i16]) -> usize {
        self.fill(buf);
        buf.len()
    }
}

/// Power of `samples` at `frequency` by the Goertzel recurrence: one DFT bin, cheaper
/// than an FFT when only one frequency matters. The frequency need not fall on a bin.
pub fn goertzel_power(samples: &[i16], sample_rate: u32, frequency: f64) -> f64 {
    let coeff = 2.0 * (TAU * frequency / f64::from(sample_rate)).cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &x in samples {
        let s = f64::from(x) + coeff * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    s1 * s1 + s2 * s2 - coeff * s1 * s2
}

/// How much of the window is a tone at `frequency`, 0.0..=1.0: about 1 for a pure
/// tone filling the window, 0.5 for each tone of an equal-level pair, near 0 for
/// anything else. A tone filling only part of the window scores that part (silence
/// adds no energy but dilutes the coherent sum), so check short windows. Being
/// relative, it does not care how loud the far end played the tone.
pub fn tone_ratio(samples: &[i16], sample_rate: u32, frequency: f64) -> f64 {
    let energy: f64 = samples.iter().map(|&x| f64::from(x) * f64::from(x)).sum();
    if energy == 0.0 {
        return 0.0;
    }
    // A sine of amplitude A over N samples has Goertzel power (N A / 2)^2 and energy
    // N A^2 / 2; dividing by energy * N / 2 makes a pure tone 1.
    (goertzel_power(samples, sample_rate, frequency) / (energy * samples.len() as f64 / 2.0))
        .min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::g711;

    #[test]
    fn generated_tone_is_detected_at_its_frequency_and_not_elsewhere() {
        let tone = ToneGenerator::new(1000.0, 8000, 8000).samples(8000);
        assert!(tone_ratio(&tone, 8000, 1000.0) > 0.95);
        for other in [440.0, 950.0, 1500.0, 3000.0] {
            assert!(tone_ratio(&tone, 8000, other) < 0.01, "{other} Hz");
        }
    }

    #[test]
    fn tone_survives_g711_and_is_found_at_any_level() {
        for amplitude in [300i16, 30000] {
            let tone = ToneGenerator::new(1000.0, 8000, amplitude).samples(1600);
            let ulaw = g711::ulaw_decode_frame(&g711::ulaw_encode_frame(&tone));
            let alaw = g711::alaw_decode_frame(&g711::alaw_encode_frame(&tone));
            assert!(
                tone_ratio(&ulaw, 8000, 1000.0) > 0.9,
                "mu-law at {amplitude}"
            );
            assert!(
                tone_ratio(&alaw, 8000, 1000.0) > 0.9,
                "A-law at {amplitude}"
            );
        }
    }

    #[test]
    fn dtmf_pair_puts_half_the_energy_in_each_tone() {
        let low = ToneGenerator::new(697.0, 8000, 6000).samples(800);
        let high = ToneGenerator::new(1209.0, 8000, 6000).samples(800);
        let pair: Vec<i16> = low.iter().zip(&high).map(|(a, b)| a + b).collect();
        for f in [697.0, 1209.0] {
            let r = tone_ratio(&pair, 8000, f);
            assert!((0.4..0.6).contains(&r), "{f} Hz: {r}");
        }
        assert!(tone_ratio(&pair, 8000, 1000.0) < 0.05);
    }

    #[test]
    fn tone_in_half_the_window_scores_about_half() {
        let mut half = ToneGenerator::new(1000.0, 8000, 8000).samples(400);
        half.resize(800, 0);
        let r = tone_ratio(&half, 8000, 1000.0);
        assert!((0.45..0.55).contains(&r), "{r}");
    }

    #[test]
    fn silence_and_noise_show_no_tone() {
        assert_eq!(tone_ratio(&[0; 160], 8000, 1000.0), 0.0);
        let mut x = 1u32;
        let noise: Vec<i16> = (0..8000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x >> 16) as i16
            })
            .collect();
        assert!(tone_ratio(&noise, 8000, 1000.0) < 0.01);
    }

    #[test]
    fn phase_is_continuous_across_reads() {
        let whole = ToneGenerator::new(440.0, 48000, 10000).samples(960);
        let mut gen = ToneGenerator::new(440.0, 48000, 10000);
        let mut first = [0i16; 480];
        let mut second = [0i16; 480];
        assert_eq!(gen.read(&mut first), 480);
        gen.read(&mut second);
        assert_eq!([first, second].concat(), whole);
        assert_eq!(gen.sample_rate(), 48000);
    }
}
