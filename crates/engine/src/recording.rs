//! Call recordings: WAV files in `recordings/` of the data folder, one per recorded
//! call, mixing what the agent says and what the agent hears.
//!
//! Only the core's `StartRecording` starts a [`Recorder`], and the core never emits it
//! for an emergency call (E7), so an emergency call's audio has no way onto the disk.
//! The taps sit between the devices and the media stream from the start of every
//! call; they write nothing until the recorder is started.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use media::audio::file::WavFileSink;
use media::audio::{AudioError, AudioSink, AudioSource};
use media::resample::Resampler;
use wire::RecordingView;

/// The folder in the data folder.
pub const RECORDINGS_DIR: &str = "recordings";
/// Recordings are written at the playout rate.
const RATE: u32 = 48_000;

/// One call's recorder, shared by its two taps. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub(crate) struct Recorder(Arc<Mutex<Option<Mix>>>);

#[derive(Debug)]
struct Mix {
    near: VecDeque<i16>,
    far: VecDeque<i16>,
    out: WavFileSink,
    path: PathBuf,
    /// Microphone samples converted to the recording's rate.
    near_rate: Option<Resampler>,
}

impl Recorder {
    fn lock(&self) -> MutexGuard<'_, Option<Mix>> {
        // An audio thread that panicked mid-write leaves at worst a short file.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts writing to `path` (its folder is created).
    pub fn start(&self, path: &Path) -> Result<(), AudioError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let out = WavFileSink::create(path, RATE)?;
        *self.lock() = Some(Mix {
            near: VecDeque::new(),
            far: VecDeque::new(),
            out,
            path: path.to_path_buf(),
            near_rate: None,
        });
        Ok(())
    }

    /// Stops and closes the file; returns its path when a recording ran.
    pub fn stop(&self) -> Option<PathBuf> {
        let mix = self.lock().take()?;
        let Mix { mut out, path, .. } = mix;
        if let Err(e) = out.flush() {
            tracing::error!(error = %e, "the recording could not be completed");
        }
        Some(path)
    }

    fn near(&self, rate: u32, samples: &[i16]) {
        let mut guard = self.lock();
        let Some(mix) = guard.as_mut() else { return };
        if rate == RATE {
            mix.near.extend(samples);
        } else {
            let resampler = mix
                .near_rate
                .get_or_insert_with(|| Resampler::new(rate, RATE));
            let mut converted = Vec::new();
            let len = samples.len() * RATE as usize / rate as usize;
            resampler.process(samples, len, &mut converted);
            mix.near.extend(converted);
        }
        mix.drain();
    }

    fn far(&self, samples: &[i16]) {
        let mut guard = self.lock();
        let Some(mix) = guard.as_mut() else { return };
        mix.far.extend(samples);
        mix.drain();
    }
}

/// How far one side may run ahead of the other before it is written alone (a muted
/// or absent side must not hold the other back).
const MAX_SKEW: usize = RATE as usize / 5;

impl Mix {
    fn drain(&mut self) {
        let both = self.near.len().min(self.far.len());
        let mut mixed: Vec<i16> = self
            .near
            .drain(..both)
            .zip(self.far.drain(..both))
            .map(|(a, b)| ((i32::from(a) + i32::from(b)) / 2) as i16)
            .collect();
        for side in [&mut self.near, &mut self.far] {
            if side.len() > MAX_SKEW {
                let extra = side.len() - MAX_SKEW;
                mixed.extend(side.drain(..extra).map(|s| s / 2));
            }
        }
        if !mixed.is_empty() {
            if let Err(e) = self.out.write(&mixed) {
                tracing::error!(error = %e, "recording write failed");
            }
        }
    }
}

/// The microphone, with what it gives copied to the recorder.
#[derive(Debug)]
pub(crate) struct TapSource {
    pub inner: Box<dyn AudioSource>,
    pub recorder: Recorder,
    /// The settings panel's level meter reads the call's microphone from here.
    pub meter: crate::hotplug::Meter,
}

impl AudioSource for TapSource {
    fn sample_rate(&self) -> u32 {
        self.inner.sample_rate()
    }

    fn read(&mut self, buf: &mut [i16]) -> usize {
        let n = self.inner.read(buf);
        self.recorder.near(self.inner.sample_rate(), buf);
        self.meter.call_frame(buf);
        n
    }
}

/// The speaker, with what it plays copied to the recorder.
#[derive(Debug)]
pub(crate) struct TapSink {
    pub inner: Box<dyn AudioSink>,
    pub recorder: Recorder,
}

impl AudioSink for TapSink {
    fn sample_rate(&self) -> u32 {
        self.inner.sample_rate()
    }

    fn write(&mut self, samples: &[i16]) -> Result<(), AudioError> {
        self.recorder.far(samples);
        self.inner.write(samples)
    }

    fn flush(&mut self) -> Result<(), AudioError> {
        self.inner.flush()
    }
}

/// `recordings/<time>-<remote>.wav`; the remote party keeps only characters that are
/// safe in a file name.
pub(crate) fn path_for(data_dir: &Path, started_ms: u64, remote: &str) -> PathBuf {
    let who: String = remote
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '+')
        .take(32)
        .collect();
    let stamp = crate::outputs::rfc3339(agent_core::Millis(started_ms))
        .replace([':', '-'], "")
        .replace('T', "-")
        .trim_end_matches('Z')
        .to_owned();
    data_dir
        .join(RECORDINGS_DIR)
        .join(format!("{stamp}-{who}.wav"))
}

/// The recordings in the data folder, newest first.
pub(crate) fn list(data_dir: &Path) -> Vec<RecordingView> {
    let Ok(entries) = std::fs::read_dir(data_dir.join(RECORDINGS_DIR)) else {
        return Vec::new();
    };
    let mut list: Vec<RecordingView> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "wav"))
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            Some(RecordingView {
                file_name: e.file_name().to_string_lossy().into_owned(),
                path: e.path().display().to_string(),
                size_bytes: meta.len(),
            })
        })
        .collect();
    list.sort_by(|a, b| b.file_name.cmp(&a.file_name));
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use media::audio::file::{MemorySink, MemorySource};
    use media::audio::wav;

    #[test]
    fn nothing_is_written_until_the_recorder_starts_then_both_sides_are_mixed() {
        let dir = tempfile::tempdir().unwrap();
        let rec = Recorder::default();
        let mut mic = TapSource {
            inner: Box::new(MemorySource::new(RATE, vec![1000; 9600])),
            recorder: rec.clone(),
            meter: crate::hotplug::Meter::default(),
        };
        let mut speaker = TapSink {
            inner: Box::new(MemorySink::new(RATE).0),
            recorder: rec.clone(),
        };
        let mut frame = vec![0; 960];
        mic.read(&mut frame);
        speaker.write(&[3000; 960]).unwrap();
        let path = dir.path().join("recordings/a.wav");
        rec.start(&path).unwrap();
        for _ in 0..4 {
            mic.read(&mut frame);
            speaker.write(&[3000; 960]).unwrap();
        }
        assert_eq!(rec.stop(), Some(path.clone()));
        let w = wav::read(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(w.samples.len(), 4 * 960, "only what came after the start");
        assert!(
            w.samples.iter().all(|&s| s == 2000),
            "the mean of both sides"
        );
        assert_eq!(rec.stop(), None);
    }

    #[test]
    fn a_silent_side_does_not_hold_the_other_back() {
        let dir = tempfile::tempdir().unwrap();
        let rec = Recorder::default();
        let path = dir.path().join("b.wav");
        rec.start(&path).unwrap();
        for _ in 0..20 {
            rec.far(&[4000; 960]);
        }
        rec.stop();
        let w = wav::read(&std::fs::read(&path).unwrap()).unwrap();
        assert!(
            w.samples.len() >= 20 * 960 - MAX_SKEW,
            "{}",
            w.samples.len()
        );
    }

    #[test]
    fn file_names_carry_the_time_and_a_safe_remote() {
        let p = path_for(Path::new("/d"), 1_795_336_245_000, "+1 (206) 555/0142");
        assert_eq!(
            p,
            Path::new("/d/recordings/20261122-083045-+12065550142.wav")
        );
    }
}
