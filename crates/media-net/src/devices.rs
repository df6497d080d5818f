//! Real audio devices on cpal (ALSA on Linux): [`CpalBackend`] implements media's
//! [`AudioBackend`]. cpal calls us from its own audio thread; a short ring buffer
//! between that thread and the 20 ms media tick absorbs the difference in timing.
//! Devices are converted to mono 16-bit at the device's own rate; the media session
//! resamples to the codec.
//!
//! Hot-plug: [`watch_devices`] polls the device list and reports
//! [`DeviceChange`]s from media's sans-IO [`hotplug::diff`].

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{SampleFormat, StreamConfig};
use media::audio::hotplug::{self, DeviceChange};
use media::audio::{AudioBackend, AudioError, AudioSink, AudioSource, DeviceInfo, DeviceKind};
use tokio::sync::mpsc;
use tracing::warn;

/// How long the ring may hold: beyond this the oldest audio is dropped, so delay
/// never builds up behind a stalled reader.
const RING_MS: u32 = 200;
/// How long cpal may take to open a stream before we call the device unusable.
const OPEN_TIMEOUT: Duration = Duration::from_secs(2);

type Ring = Arc<Mutex<VecDeque<i16>>>;

fn lock(ring: &Ring) -> std::sync::MutexGuard<'_, VecDeque<i16>> {
    // A panic on the audio thread cannot leave a queue of samples inconsistent.
    ring.lock().unwrap_or_else(|e| e.into_inner())
}

fn device_error(device: &str, e: impl std::fmt::Display) -> AudioError {
    AudioError::Device {
        device: device.to_owned(),
        reason: e.to_string(),
    }
}

pub struct CpalBackend {
    host: cpal::Host,
}

impl std::fmt::Debug for CpalBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CpalBackend")
            .field("host", &self.host.id())
            .finish()
    }
}

impl Default for CpalBackend {
    fn default() -> Self {
        Self::new()
    }
}

impl CpalBackend {
    /// The system's default host (ALSA on Linux).
    pub fn new() -> Self {
        Self {
            host: cpal::default_host(),
        }
    }

    fn find(&self, kind: DeviceKind, id: Option<&str>) -> Result<cpal::Device, AudioError> {
        let Some(id) = id else {
            let default = match kind {
                DeviceKind::Input => self.host.default_input_device(),
                DeviceKind::Output => self.host.default_output_device(),
            };
            return default.ok_or(AudioError::NoDefaultDevice(kind));
        };
        let list = match kind {
            DeviceKind::Input => self.host.input_devices().map(|d| d.collect::<Vec<_>>()),
            DeviceKind::Output => self.host.output_devices().map(|d| d.collect::<Vec<_>>()),
        }
        .map_err(|e| device_error(id, e))?;
        list.into_iter()
            .find(|d| d.id().is_ok_and(|d| d.to_string() == id))
            .ok_or_else(|| AudioError::NoSuchDevice(id.to_owned()))
    }
}

fn describe(
    device: &cpal::Device,
    kind: DeviceKind,
    default_id: Option<&str>,
) -> Option<DeviceInfo> {
    let id = device.id().ok()?.to_string();
    let name = device
        .description()
        .map(|d| d.name().to_owned())
        .unwrap_or_else(|_| id.clone());
    Some(DeviceInfo {
        is_default: default_id == Some(id.as_str()),
        id,
        name,
        kind,
    })
}

impl AudioBackend for CpalBackend {
    fn devices(&self, kind: DeviceKind) -> Result<Vec<DeviceInfo>, AudioError> {
        let (list, default) = match kind {
            DeviceKind::Input => (
                self.host.input_devices().map(|d| d.collect::<Vec<_>>()),
                self.host.default_input_device(),
            ),
            DeviceKind::Output => (
                self.host.output_devices().map(|d| d.collect::<Vec<_>>()),
                self.host.default_output_device(),
            ),
        };
        let list = list.map_err(|e| device_error("(list)", e))?;
        let default_id = default.and_then(|d| d.id().ok()).map(|id| id.to_string());
        Ok(list
            .iter()
            .filter_map(|d| describe(d, kind, default_id.as_deref()))
            .collect())
    }

    fn open_source(&mut self, id: Option<&str>) -> Result<Box<dyn AudioSource>, AudioError> {
        let device = self.find(DeviceKind::Input, id)?;
        let label = id.unwrap_or("default input").to_owned();
        let supported = device
            .default_input_config()
            .map_err(|e| device_error(&label, e))?;
        let config: StreamConfig = supported.config();
        let rate = config.sample_rate;
        let channels = usize::from(config.channels.max(1));
        let ring: Ring = Arc::default();
        let cap = (rate * RING_MS / 1000) as usize;
        let push = {
            let ring = ring.clone();
            move |mono: &mut dyn Iterator<Item = i16>| {
                let mut q = lock(&ring);
                q.extend(mono);
                let excess = q.len().saturating_sub(cap);
                q.drain(..excess);
            }
        };
        let on_error = |e: cpal::Error| warn!(error = %e, "microphone stream error");
        let stream = match supported.sample_format() {
            SampleFormat::I16 => device.build_input_stream(
                config,
                move |data: &[i16], _: &_| {
                    push(&mut data.chunks(channels).map(|f| f[0]));
                },
                on_error,
                Some(OPEN_TIMEOUT),
            ),
            SampleFormat::F32 => device.build_input_stream(
                config,
                move |data: &[f32], _: &_| {
                    push(
                        &mut data
                            .chunks(channels)
                            .map(|f| (f[0].clamp(-1.0, 1.0) * 32767.0) as i16),
                    );
                },
                on_error,
                Some(OPEN_TIMEOUT),
            ),
            other => return Err(device_error(&label, format!("sample format {other:?}"))),
        }
        .map_err(|e| device_error(&label, e))?;
        stream.play().map_err(|e| device_error(&label, e))?;
        Ok(Box::new(CpalSource {
            _stream: stream,
            ring,
            rate,
        }))
    }

    fn open_sink(
        &mut self,
        id: Option<&str>,
        _sample_rate: u32,
    ) -> Result<Box<dyn AudioSink>, AudioError> {
        // The device runs at its own rate; the session resamples to it.
        let device = self.find(DeviceKind::Output, id)?;
        let label = id.unwrap_or("default output").to_owned();
        let supported = device
            .default_output_config()
            .map_err(|e| device_error(&label, e))?;
        let config: StreamConfig = supported.config();
        let rate = config.sample_rate;
        let channels = usize::from(config.channels.max(1));
        let ring: Ring = Arc::default();
        let pull = {
            let ring = ring.clone();
            move |frames: usize| -> Vec<i16> {
                let mut q = lock(&ring);
                let n = frames.min(q.len());
                let mut out: Vec<i16> = q.drain(..n).collect();
                out.resize(frames, 0);
                out
            }
        };
        let on_error = |e: cpal::Error| warn!(error = %e, "speaker stream error");
        let stream = match supported.sample_format() {
            SampleFormat::I16 => device.build_output_stream(
                config,
                move |data: &mut [i16], _: &_| {
                    let mono = pull(data.len() / channels);
                    for (frame, s) in data.chunks_mut(channels).zip(mono) {
                        frame.fill(s);
                    }
                },
                on_error,
                Some(OPEN_TIMEOUT),
            ),
            SampleFormat::F32 => device.build_output_stream(
                config,
                move |data: &mut [f32], _: &_| {
                    let mono = pull(data.len() / channels);
                    for (frame, s) in data.chunks_mut(channels).zip(mono) {
                        frame.fill(f32::from(s) / 32768.0);
                    }
                },
                on_error,
                Some(OPEN_TIMEOUT),
            ),
            other => return Err(device_error(&label, format!("sample format {other:?}"))),
        }
        .map_err(|e| device_error(&label, e))?;
        stream.play().map_err(|e| device_error(&label, e))?;
        Ok(Box::new(CpalSink {
            _stream: stream,
            ring,
            rate,
            cap: (rate * RING_MS / 1000) as usize,
        }))
    }
}

struct CpalSource {
    _stream: cpal::Stream,
    ring: Ring,
    rate: u32,
}

impl std::fmt::Debug for CpalSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CpalSource")
            .field("rate", &self.rate)
            .finish()
    }
}

impl AudioSource for CpalSource {
    fn sample_rate(&self) -> u32 {
        self.rate
    }

    fn read(&mut self, buf: &mut [i16]) -> usize {
        let mut q = lock(&self.ring);
        let n = buf.len().min(q.len());
        for (dst, src) in buf.iter_mut().zip(q.drain(..n)) {
            *dst = src;
        }
        buf[n..].fill(0);
        n
    }
}

struct CpalSink {
    _stream: cpal::Stream,
    ring: Ring,
    rate: u32,
    cap: usize,
}

impl std::fmt::Debug for CpalSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CpalSink")
            .field("rate", &self.rate)
            .finish()
    }
}

impl AudioSink for CpalSink {
    fn sample_rate(&self) -> u32 {
        self.rate
    }

    fn write(&mut self, samples: &[i16]) -> Result<(), AudioError> {
        let mut q = lock(&self.ring);
        q.extend(samples);
        let excess = q.len().saturating_sub(self.cap);
        q.drain(..excess);
        Ok(())
    }
}

/// Polls both device lists every `every` and sends what changed. Stops when the
/// receiver is dropped. Enumeration blocks, so it runs on tokio's blocking pool.
pub fn watch_devices(every: Duration) -> mpsc::UnboundedReceiver<DeviceChange> {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let list = || {
            let backend = CpalBackend::new();
            let mut all = backend.devices(DeviceKind::Input).unwrap_or_default();
            all.extend(backend.devices(DeviceKind::Output).unwrap_or_default());
            all
        };
        let mut before = tokio::task::spawn_blocking(list).await.unwrap_or_default();
        loop {
            tokio::time::sleep(every).await;
            if tx.is_closed() {
                return;
            }
            let after = tokio::task::spawn_blocking(list).await.unwrap_or_default();
            for change in hotplug::diff(&before, &after) {
                if tx.send(change).is_err() {
                    return;
                }
            }
            before = after;
        }
    });
    rx
}
