//! Ring sounds, generated rather than shipped as files, sans-IO: a [`RingTone`]
//! fills buffers at any rate with the [`RingPattern`]'s tones and cadence, and the
//! engine writes them to the ringer device.
//!
//! - [`RingPattern::Ordinary`]: the North American ring, 440 + 480 Hz, 2 s on, 4 s off.
//! - [`RingPattern::EmergencyCallback`]: the emergency center calling back (E6) must
//!   not be mistaken for a queue call, so both pitch and rhythm differ: 1000 + 1300 Hz
//!   in three quick 250 ms bursts, every 2 s.
//! - [`RingPattern::CallWaiting`]: a call arriving while the agent is on one: a single
//!   440 Hz beep of 300 ms every 10 s, quiet enough to talk over.

use std::f64::consts::TAU;

/// Which sound the ringer plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RingPattern {
    Ordinary,
    EmergencyCallback,
    CallWaiting,
}

/// Edges are ramped over this long so a burst starts and stops without a click.
const RAMP_MS: u32 = 5;

impl RingPattern {
    /// The tones sounded together while the ring is on, in Hz (whole numbers, so
    /// each tone repeats exactly every second and the phase needs no state).
    pub fn frequencies(self) -> &'static [u32] {
        match self {
            RingPattern::Ordinary => &[440, 480],
            RingPattern::EmergencyCallback => &[1000, 1300],
            RingPattern::CallWaiting => &[440],
        }
    }

    /// The cadence in milliseconds: on, off, on, off, ... then it repeats.
    pub fn cadence_ms(self) -> &'static [u32] {
        match self {
            RingPattern::Ordinary => &[2000, 4000],
            RingPattern::EmergencyCallback => &[250, 150, 250, 150, 250, 950],
            RingPattern::CallWaiting => &[300, 9700],
        }
    }

    /// Peak of each tone in 16-bit units: loud enough to be heard across a room,
    /// the call-waiting beep softer as it plays beside a conversation.
    fn amplitude(self) -> f64 {
        match self {
            RingPattern::CallWaiting => 4000.0,
            _ => 7000.0,
        }
    }

    pub fn period_ms(self) -> u32 {
        self.cadence_ms().iter().sum()
    }

    /// How loud the ring is `ms` into a period, 0.0 (off) to 1.0 (on), with ramps.
    fn envelope(self, ms_in_period: f64) -> f64 {
        let mut start = 0.0;
        for (i, &len) in self.cadence_ms().iter().enumerate() {
            let end = start + f64::from(len);
            if ms_in_period < end {
                if i % 2 == 1 {
                    return 0.0;
                }
                let ramp = f64::from(RAMP_MS);
                return ((ms_in_period - start) / ramp)
                    .min((end - ms_in_period) / ramp)
                    .clamp(0.0, 1.0);
            }
            start = end;
        }
        0.0
    }
}

/// An endless ring at `sample_rate`, from the start of its first burst.
#[derive(Debug, Clone)]
pub struct RingTone {
    pattern: RingPattern,
    sample_rate: u32,
    /// Samples since the start of the current period.
    position: u64,
}

impl RingTone {
    pub fn new(pattern: RingPattern, sample_rate: u32) -> Self {
        Self {
            pattern,
            sample_rate,
            position: 0,
        }
    }

    pub fn pattern(&self) -> RingPattern {
        self.pattern
    }

    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    pub fn fill(&mut self, buf: &mut [i16]) {
        let rate = u64::from(self.sample_rate);
        let period = rate * u64::from(self.pattern.period_ms()) / 1000;
        let amplitude = self.pattern.amplitude();
        for s in buf {
            let ms = self.position as f64 * 1000.0 / rate as f64;
            let gain = self.pattern.envelope(ms);
            *s = if gain == 0.0 {
                0
            } else {
                // Whole-Hz tones repeat every second: the phase is the position
                // within the second, which keeps it exact over hours of ringing.
                let in_second = (self.position % rate) as f64 / rate as f64;
                let sum: f64 = self
                    .pattern
                    .frequencies()
                    .iter()
                    .map(|&f| (TAU * f64::from(f) * in_second).sin())
                    .sum();
                (amplitude * gain * sum).round() as i16
            };
            self.position = (self.position + 1) % period.max(1);
        }
    }

    /// `n` samples of the ring.
    pub fn samples(&mut self, n: usize) -> Vec<i16> {
        let mut v = vec![0; n];
        self.fill(&mut v);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::level::Level;
    use crate::audio::tone::tone_ratio;

    const RATE: u32 = 8000;

    /// 100 ms windows of `seconds` of ring: (sounding, ratio at each frequency given).
    fn windows(pattern: RingPattern, seconds: u32, probe: &[f64]) -> Vec<(bool, Vec<f64>)> {
        let all = RingTone::new(pattern, RATE).samples((RATE * seconds) as usize);
        all.chunks(RATE as usize / 10)
            .map(|w| {
                (
                    Level::of(w).rms_dbfs > -60.0,
                    probe.iter().map(|&f| tone_ratio(w, RATE, f)).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn ordinary_ring_is_440_and_480_hz_two_seconds_on_four_off() {
        let w = windows(RingPattern::Ordinary, 12, &[440.0, 480.0, 1000.0]);
        let on: Vec<usize> = (0..w.len()).filter(|&i| w[i].0).collect();
        let expected: Vec<usize> = (0..20).chain(60..80).collect();
        assert_eq!(on, expected, "on in the first 2 s of each 6 s");
        for i in [1, 10, 18, 65] {
            let r = &w[i].1;
            assert!(
                (0.4..0.6).contains(&r[0]) && (0.4..0.6).contains(&r[1]),
                "{r:?}"
            );
            assert!(r[2] < 0.02, "{r:?}");
        }
    }

    #[test]
    fn emergency_callback_ring_is_faster_and_higher_than_the_ordinary_one() {
        let tone = RingTone::new(RingPattern::EmergencyCallback, RATE).samples(RATE as usize);
        // 50 ms windows: burst, gap, burst, gap, burst, then silence to 2 s.
        let sounding: Vec<bool> = tone
            .chunks(RATE as usize / 20)
            .map(|w| Level::of(w).rms_dbfs > -60.0)
            .collect();
        let expected: Vec<bool> = (0..20)
            .map(|i| matches!(i, 0..=4 | 8..=12 | 16..=19))
            .collect();
        assert_eq!(sounding, expected);
        let burst = &tone[200..1800];
        for f in [1000.0, 1300.0] {
            let r = tone_ratio(burst, RATE, f);
            assert!((0.4..0.6).contains(&r), "{f} Hz: {r}");
        }
        for f in [440.0, 480.0] {
            assert!(
                tone_ratio(burst, RATE, f) < 0.02,
                "{f} Hz in the callback ring"
            );
        }
        assert!(RingPattern::EmergencyCallback.period_ms() < RingPattern::Ordinary.period_ms());
    }

    #[test]
    fn call_waiting_is_one_short_440_hz_beep_every_ten_seconds() {
        let w = windows(RingPattern::CallWaiting, 20, &[440.0]);
        let on: Vec<usize> = (0..w.len()).filter(|&i| w[i].0).collect();
        assert_eq!(on, vec![0, 1, 2, 100, 101, 102]);
        assert!(w[1].1[0] > 0.95, "{:?}", w[1].1);
        let beep = RingTone::new(RingPattern::CallWaiting, RATE).samples(2400);
        let ring = RingTone::new(RingPattern::Ordinary, RATE).samples(2400);
        assert!(Level::of(&beep).rms_dbfs < Level::of(&ring).rms_dbfs - 3.0);
    }

    #[test]
    fn reads_of_any_size_give_the_same_ring_and_it_never_clips() {
        let whole = RingTone::new(RingPattern::EmergencyCallback, 48000).samples(96000 + 7);
        let mut gen = RingTone::new(RingPattern::EmergencyCallback, 48000);
        let mut pieces = Vec::new();
        for n in [960, 1, 4410, 90636] {
            pieces.extend(gen.samples(n));
        }
        assert!(pieces == whole, "pieces differ from one read");
        assert!(whole.iter().all(|s| s.unsigned_abs() < 15000));
        // Ramped edges: the first sample of a burst is silent, not a full step.
        assert_eq!(whole[0], 0);
    }
}
