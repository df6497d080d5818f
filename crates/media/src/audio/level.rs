//! The level meter: RMS and peak of a frame in dBFS (0 dBFS is a full-scale square
//! wave; a full-scale sine has an RMS of -3.01 dBFS).

/// What the meter shows for silence, instead of minus infinity.
pub const FLOOR_DBFS: f64 = -96.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Level {
    pub rms_dbfs: f64,
    pub peak_dbfs: f64,
}

fn dbfs(linear: f64) -> f64 {
    if linear <= 0.0 {
        FLOOR_DBFS
    } else {
        (20.0 * (linear / 32768.0).log10()).max(FLOOR_DBFS)
    }
}

impl Level {
    pub fn of(samples: &[i16]) -> Level {
        if samples.is_empty() {
            return Level {
                rms_dbfs: FLOOR_DBFS,
                peak_dbfs: FLOOR_DBFS,
            };
        }
        let energy: f64 = samples.iter().map(|&s| f64::from(s).powi(2)).sum();
        let peak = samples
            .iter()
            .map(|&s| i32::from(s).abs())
            .max()
            .unwrap_or(0);
        Level {
            rms_dbfs: dbfs((energy / samples.len() as f64).sqrt()),
            peak_dbfs: dbfs(f64::from(peak)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::tone::ToneGenerator;

    #[test]
    fn full_scale_sine_is_minus_3_dbfs_rms_and_0_peak() {
        let tone = ToneGenerator::new(1000.0, 48000, 32767).samples(4800);
        let l = Level::of(&tone);
        assert!((l.rms_dbfs + 3.01).abs() < 0.05, "{l:?}");
        assert!(l.peak_dbfs.abs() < 0.01, "{l:?}");
    }

    #[test]
    fn half_amplitude_is_6_db_lower() {
        let full = Level::of(&ToneGenerator::new(440.0, 8000, 20000).samples(8000));
        let half = Level::of(&ToneGenerator::new(440.0, 8000, 10000).samples(8000));
        assert!((full.rms_dbfs - half.rms_dbfs - 6.02).abs() < 0.05);
        assert!((full.peak_dbfs - half.peak_dbfs - 6.02).abs() < 0.05);
    }

    #[test]
    fn silence_and_empty_frames_sit_at_the_floor_and_minimum_sample_is_full_scale() {
        assert_eq!(Level::of(&[0; 160]).rms_dbfs, FLOOR_DBFS);
        assert_eq!(Level::of(&[]).peak_dbfs, FLOOR_DBFS);
        assert_eq!(Level::of(&[i16::MIN]).peak_dbfs, 0.0);
        assert!(Level::of(&[1]).rms_dbfs > FLOOR_DBFS);
    }
}
