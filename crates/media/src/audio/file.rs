//! File and in-memory audio devices: what tests and machines without a sound card
//! use in place of cpal.

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::wav::{self, header};
use super::{AudioBackend, AudioError, AudioSink, AudioSource, DeviceInfo, DeviceKind};

/// Plays samples from memory, then silence (or again from the start if looping).
#[derive(Debug, Clone)]
pub struct MemorySource {
    sample_rate: u32,
    samples: Vec<i16>,
    pos: usize,
    looping: bool,
}

impl MemorySource {
    pub fn new(sample_rate: u32, samples: Vec<i16>) -> Self {
        Self {
            sample_rate,
            samples,
            pos: 0,
            looping: false,
        }
    }

    /// A microphone that hears nothing, for machines with no input at all.
    pub fn silence(sample_rate: u32) -> Self {
        Self::new(sample_rate, Vec::new())
    }

    /// Plays a WAV file (16-bit PCM mono, any rate).
    pub fn from_wav_file(path: &Path) -> Result<Self, AudioError> {
        let w = wav::read_file(path)?;
        Ok(Self::new(w.sample_rate, w.samples))
    }

    pub fn looping(mut self) -> Self {
        self.looping = true;
        self
    }

    /// True once every sample has been played (never for a looping source).
    pub fn finished(&self) -> bool {
        !self.looping && self.pos >= self.samples.len()
    }
}

impl AudioSource for MemorySource {
    fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    fn read(&mut self, buf: &mut [i16]) -> usize {
        let mut filled = 0;
        while filled < buf.len() && !self.samples.is_empty() {
            if self.pos >= self.samples.len() {
                if !self.looping {
                    break;
                }
                self.pos = 0;
            }
            let n = (buf.len() - filled).min(self.samples.len() - self.pos);
            buf[filled..filled + n].copy_from_slice(&self.samples[self.pos..self.pos + n]);
            filled += n;
            self.pos += n;
        }
        buf[filled..].fill(0);
        filled
    }
}

/// What a [`MemorySink`] heard; a handle that stays with the test while the sink
/// itself is handed to the engine.
#[derive(Debug, Clone, Default)]
pub struct Recording(Arc<Mutex<Vec<i16>>>);

impl Recording {
    pub fn samples(&self) -> Vec<i16> {
        // A panic while holding the lock cannot leave a Vec<i16> half-written in a
        // way that matters here, so a poisoned lock still yields the samples.
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Adds samples, as a sink recording into this handle does.
    pub fn append(&self, samples: &[i16]) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(samples);
    }
}

/// Records into memory.
#[derive(Debug, Clone)]
pub struct MemorySink {
    sample_rate: u32,
    recording: Recording,
}

impl MemorySink {
    pub fn new(sample_rate: u32) -> (Self, Recording) {
        let recording = Recording::default();
        (
            Self {
                sample_rate,
                recording: recording.clone(),
            },
            recording,
        )
    }
}

impl AudioSink for MemorySink {
    fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    fn write(&mut self, samples: &[i16]) -> Result<(), AudioError> {
        self.recording.append(samples);
        Ok(())
    }
}

/// Records to a WAV file as it goes. The header is rewritten on every flush, so the
/// file is a valid WAV after each one, even if the process dies later.
#[derive(Debug)]
pub struct WavFileSink {
    file: File,
    sample_rate: u32,
    samples: usize,
}

impl WavFileSink {
    pub fn create(path: &Path, sample_rate: u32) -> Result<Self, AudioError> {
        let mut file = File::create(path)?;
        file.write_all(&header(sample_rate, 0))?;
        Ok(Self {
            file,
            sample_rate,
            samples: 0,
        })
    }
}

impl AudioSink for WavFileSink {
    fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    fn write(&mut self, samples: &[i16]) -> Result<(), AudioError> {
        let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
        self.file.write_all(&bytes)?;
        self.samples += samples.len();
        Ok(())
    }

    fn flush(&mut self) -> Result<(), AudioError> {
        self.file.seek(SeekFrom::Start(0))?;
        self.file
            .write_all(&header(self.sample_rate, self.samples))?;
        self.file.seek(SeekFrom::End(0))?;
        self.file.flush()?;
        Ok(())
    }
}

impl Drop for WavFileSink {
    fn drop(&mut self) {
        // Best effort: an error here has nowhere to go; callers who care flush first.
        let _ = self.flush();
    }
}

/// A backend of one input (a WAV file, or silence) and one output (a WAV file).
#[derive(Debug, Clone)]
pub struct FileBackend {
    input: Option<PathBuf>,
    output: PathBuf,
}

const FILE_INPUT: &str = "file-input";
const SILENT_INPUT: &str = "silence";
const FILE_OUTPUT: &str = "file-output";
/// The rate of the silent microphone: Opus's, so nothing needs resampling.
const SILENCE_RATE: u32 = 48000;

impl FileBackend {
    pub fn new(input: Option<PathBuf>, output: PathBuf) -> Self {
        Self { input, output }
    }
}

impl AudioBackend for FileBackend {
    fn devices(&self, kind: DeviceKind) -> Result<Vec<DeviceInfo>, AudioError> {
        let (id, name) = match (kind, &self.input) {
            (DeviceKind::Input, Some(p)) => (FILE_INPUT, format!("WAV file {}", p.display())),
            (DeviceKind::Input, None) => (SILENT_INPUT, "Silence".to_owned()),
            (DeviceKind::Output, _) => (FILE_OUTPUT, format!("WAV file {}", self.output.display())),
        };
        Ok(vec![DeviceInfo {
            id: id.to_owned(),
            name,
            kind,
            is_default: true,
        }])
    }

    fn open_source(&mut self, id: Option<&str>) -> Result<Box<dyn AudioSource>, AudioError> {
        match (id, &self.input) {
            (None | Some(FILE_INPUT), Some(path)) => {
                Ok(Box::new(MemorySource::from_wav_file(path)?))
            }
            (None | Some(SILENT_INPUT), None) => Ok(Box::new(MemorySource::silence(SILENCE_RATE))),
            (Some(other), _) => Err(AudioError::NoSuchDevice(other.to_owned())),
        }
    }

    fn open_sink(
        &mut self,
        id: Option<&str>,
        sample_rate: u32,
    ) -> Result<Box<dyn AudioSink>, AudioError> {
        match id {
            None | Some(FILE_OUTPUT) => {
                Ok(Box::new(WavFileSink::create(&self.output, sample_rate)?))
            }
            Some(other) => Err(AudioError::NoSuchDevice(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path in the temp folder unique to this process and test.
    fn temp(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("media-{}-{name}.wav", std::process::id()))
    }

    #[test]
    fn memory_source_plays_its_samples_then_silence() {
        let mut src = MemorySource::new(8000, vec![1, 2, 3, 4, 5]);
        let mut buf = [9i16; 4];
        assert_eq!(src.read(&mut buf), 4);
        assert_eq!(buf, [1, 2, 3, 4]);
        assert_eq!(src.read(&mut buf), 1);
        assert_eq!(buf, [5, 0, 0, 0]);
        assert!(src.finished());
        assert_eq!(src.read(&mut buf), 0);
        assert_eq!(buf, [0; 4]);
    }

    #[test]
    fn looping_source_starts_again() {
        let mut src = MemorySource::new(8000, vec![1, 2, 3]).looping();
        let mut buf = [0i16; 7];
        assert_eq!(src.read(&mut buf), 7);
        assert_eq!(buf, [1, 2, 3, 1, 2, 3, 1]);
        assert!(!src.finished());
    }

    #[test]
    fn memory_sink_recording_is_visible_through_the_handle() {
        let (mut sink, recording) = MemorySink::new(16000);
        sink.write(&[1, 2]).unwrap();
        sink.write(&[3]).unwrap();
        assert_eq!(recording.samples(), vec![1, 2, 3]);
        assert_eq!(sink.sample_rate(), 16000);
    }

    #[test]
    fn file_backend_plays_a_wav_in_and_records_what_it_hears() {
        let input = temp("in");
        let output = temp("out");
        let played: Vec<i16> = (0..480).map(|i| (i * 50) as i16).collect();
        wav::write_file(&input, 48000, &played).unwrap();

        let mut backend = FileBackend::new(Some(input.clone()), output.clone());
        assert_eq!(
            backend.devices(DeviceKind::Input).unwrap()[0].id,
            FILE_INPUT
        );
        let mut mic = backend.open_source(None).unwrap();
        assert_eq!(mic.sample_rate(), 48000);
        let mut speaker = backend.open_sink(Some(FILE_OUTPUT), 48000).unwrap();
        let mut frame = [0i16; 160];
        for _ in 0..4 {
            mic.read(&mut frame);
            speaker.write(&frame).unwrap();
        }
        speaker.flush().unwrap();
        let heard = wav::read_file(&output).unwrap();
        assert_eq!(heard.sample_rate, 48000);
        assert_eq!(&heard.samples[..480], &played[..]);
        assert_eq!(&heard.samples[480..], &[0; 160]);
        drop(speaker);
        let _ = std::fs::remove_file(input);
        let _ = std::fs::remove_file(output);
    }

    #[test]
    fn file_backend_without_input_offers_silence_and_refuses_unknown_devices() {
        let output = temp("silent");
        let mut backend = FileBackend::new(None, output.clone());
        let devices = backend.devices(DeviceKind::Input).unwrap();
        assert_eq!(devices[0].id, SILENT_INPUT);
        let mut mic = backend.open_source(None).unwrap();
        let mut frame = [7i16; 10];
        assert_eq!(mic.read(&mut frame), 0);
        assert_eq!(frame, [0; 10]);
        assert!(matches!(
            backend.open_source(Some("usb-headset")),
            Err(AudioError::NoSuchDevice(_))
        ));
        assert!(matches!(
            backend.open_sink(Some("hdmi"), 8000),
            Err(AudioError::NoSuchDevice(_))
        ));
        let _ = std::fs::remove_file(output);
    }

    #[test]
    fn dropped_file_sink_leaves_a_valid_wav() {
        let output = temp("drop");
        {
            let mut sink = WavFileSink::create(&output, 8000).unwrap();
            sink.write(&[10, 20, 30]).unwrap();
        }
        assert_eq!(wav::read_file(&output).unwrap().samples, vec![10, 20, 30]);
        let _ = std::fs::remove_file(output);
    }
}
