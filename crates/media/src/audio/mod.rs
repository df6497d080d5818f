//! Audio devices behind an interface, so a machine without a sound card runs the
//! whole stack: [`AudioBackend`] lists and opens devices, an [`AudioSource`] gives
//! microphone samples, an [`AudioSink`] takes speaker samples.
//!
//! Implementations here: [`file::FileBackend`] (plays a WAV in, records what it hears
//! to a WAV), [`file::MemorySource`] and [`file::MemorySink`] for tests, and
//! [`tone::ToneGenerator`] as a source. [`tone::goertzel_power`] and
//! [`tone::tone_ratio`] check that a known tone crossed a call. [`ring::RingTone`]
//! generates the ringer's sounds; [`memory::MemoryBackend`] is a device list a test
//! can plug devices into and pull them out of.
//!
//! The real devices (cpal) implement [`AudioBackend`] in the `media-net` crate, as
//! they run threads; what they need that can be decided without a device is here:
//! [`level::Level`] (the meter) and [`hotplug::diff`] (what changed between two polls
//! of the device list).

use thiserror::Error;

pub mod file;
pub mod hotplug;
pub mod level;
pub mod memory;
pub mod ring;
pub mod tone;
pub mod wav;

#[derive(Debug, Error)]
pub enum AudioError {
    #[error("no audio device {0:?}")]
    NoSuchDevice(String),
    #[error("device {device:?} cannot run at {rate} Hz (it runs at {actual} Hz)")]
    UnsupportedRate {
        device: String,
        rate: u32,
        actual: u32,
    },
    #[error(transparent)]
    Wav(#[from] wav::WavError),
    #[error("audio I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("no default {0:?} device")]
    NoDefaultDevice(DeviceKind),
    /// The sound system refused (no card, device busy or gone, unsupported format).
    #[error("audio device {device:?} could not be used: {reason}")]
    Device { device: String, reason: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceKind {
    /// Microphones.
    Input,
    /// Speakers, headsets, the ringer.
    Output,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// Stable id to store in settings.
    pub id: String,
    /// What the settings screen shows.
    pub name: String,
    pub kind: DeviceKind,
    pub is_default: bool,
}

/// Where call audio comes from. Samples are mono 16-bit at [`Self::sample_rate`].
pub trait AudioSource: Send + std::fmt::Debug {
    fn sample_rate(&self) -> u32;
    /// Fills all of `buf` with the next samples and returns how many of them are real
    /// audio; the rest is silence (a file that ended, a device that underran). A
    /// call always needs a full frame, so the buffer is never left short.
    fn read(&mut self, buf: &mut [i16]) -> usize;
}

/// Where call audio goes. Samples are mono 16-bit at [`Self::sample_rate`].
pub trait AudioSink: Send + std::fmt::Debug {
    fn sample_rate(&self) -> u32;
    fn write(&mut self, samples: &[i16]) -> Result<(), AudioError>;
    /// Makes everything written so far durable (a file device rewrites its header).
    fn flush(&mut self) -> Result<(), AudioError> {
        Ok(())
    }
}

/// Lists and opens devices.
pub trait AudioBackend: std::fmt::Debug {
    fn devices(&self, kind: DeviceKind) -> Result<Vec<DeviceInfo>, AudioError>;
    /// Opens a microphone; `None` is the default one. It runs at its own rate.
    fn open_source(&mut self, id: Option<&str>) -> Result<Box<dyn AudioSource>, AudioError>;
    /// Opens a speaker; `None` is the default one.
    fn open_sink(
        &mut self,
        id: Option<&str>,
        sample_rate: u32,
    ) -> Result<Box<dyn AudioSink>, AudioError>;
}
