//! An in-memory sound system for tests: a device list that can be changed while the
//! app runs (a headset plugged in, pulled out), microphones that play a tone, and
//! speakers whose every sample can be read back by device id.
//!
//! Clones share the same devices, so a test keeps one and hands another to the app.
//! A device that is unplugged fails the writes of the sinks opened on it, as a real
//! device that went away does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use super::file::Recording;
use super::tone::ToneGenerator;
use super::{AudioBackend, AudioError, AudioSink, AudioSource, DeviceInfo, DeviceKind};

/// What the in-memory microphones play: a 1 kHz tone, so a level meter moves.
pub const MICROPHONE_TONE_HZ: f64 = 1000.0;
const RATE: u32 = 48_000;

#[derive(Debug, Default)]
struct Devices {
    list: Vec<DeviceInfo>,
    /// Everything written to each output, by device id, across every opening.
    played: HashMap<String, Recording>,
}

#[derive(Debug, Clone, Default)]
pub struct MemoryBackend(Arc<Mutex<Devices>>);

impl MemoryBackend {
    fn lock(&self) -> MutexGuard<'_, Devices> {
        // A test thread that panicked leaves a list that is still a list.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A backend with these devices; the first of each kind is the default.
    pub fn with(devices: &[(&str, &str, DeviceKind)]) -> Self {
        let backend = MemoryBackend::default();
        for &(id, name, kind) in devices {
            backend.plug(id, name, kind);
        }
        backend
    }

    /// Adds a device; it becomes the default when it is the only one of its kind.
    pub fn plug(&self, id: &str, name: &str, kind: DeviceKind) {
        let mut d = self.lock();
        let is_default = !d.list.iter().any(|x| x.kind == kind);
        d.list.push(DeviceInfo {
            id: id.to_owned(),
            name: name.to_owned(),
            kind,
            is_default,
        });
    }

    /// Removes a device; the default moves to the first remaining one of its kind.
    pub fn unplug(&self, id: &str, kind: DeviceKind) {
        let mut d = self.lock();
        d.list.retain(|x| !(x.id == id && x.kind == kind));
        if !d.list.iter().any(|x| x.kind == kind && x.is_default) {
            if let Some(first) = d.list.iter_mut().find(|x| x.kind == kind) {
                first.is_default = true;
            }
        }
    }

    /// Everything played to the output `id` so far (empty if never opened).
    pub fn played(&self, id: &str) -> Vec<i16> {
        self.lock()
            .played
            .get(id)
            .map(Recording::samples)
            .unwrap_or_default()
    }

    fn resolve(&self, kind: DeviceKind, id: Option<&str>) -> Result<String, AudioError> {
        let d = self.lock();
        let found = d
            .list
            .iter()
            .find(|x| x.kind == kind && id.map_or(x.is_default, |id| x.id == id));
        match (found, id) {
            (Some(x), _) => Ok(x.id.clone()),
            (None, Some(id)) => Err(AudioError::NoSuchDevice(id.to_owned())),
            (None, None) => Err(AudioError::NoDefaultDevice(kind)),
        }
    }
}

impl AudioBackend for MemoryBackend {
    fn devices(&self, kind: DeviceKind) -> Result<Vec<DeviceInfo>, AudioError> {
        Ok(self
            .lock()
            .list
            .iter()
            .filter(|x| x.kind == kind)
            .cloned()
            .collect())
    }

    fn open_source(&mut self, id: Option<&str>) -> Result<Box<dyn AudioSource>, AudioError> {
        self.resolve(DeviceKind::Input, id)?;
        Ok(Box::new(ToneGenerator::new(MICROPHONE_TONE_HZ, RATE, 8000)))
    }

    fn open_sink(
        &mut self,
        id: Option<&str>,
        sample_rate: u32,
    ) -> Result<Box<dyn AudioSink>, AudioError> {
        let id = self.resolve(DeviceKind::Output, id)?;
        let mut d = self.lock();
        let recording = d.played.entry(id.clone()).or_default().clone();
        Ok(Box::new(PluggedSink {
            id,
            rate: sample_rate,
            recording,
            backend: self.clone(),
        }))
    }
}

/// A sink that records into its device's shared recording while the device is there.
#[derive(Debug)]
struct PluggedSink {
    id: String,
    rate: u32,
    recording: Recording,
    backend: MemoryBackend,
}

impl AudioSink for PluggedSink {
    fn sample_rate(&self) -> u32 {
        self.rate
    }

    fn write(&mut self, samples: &[i16]) -> Result<(), AudioError> {
        let present = self
            .backend
            .lock()
            .list
            .iter()
            .any(|x| x.kind == DeviceKind::Output && x.id == self.id);
        if !present {
            return Err(AudioError::Device {
                device: self.id.clone(),
                reason: "unplugged".into(),
            });
        }
        self.recording.append(samples);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sink_records_by_device_until_it_is_unplugged_and_the_default_moves() {
        let backend = MemoryBackend::with(&[
            ("speaker", "Speaker", DeviceKind::Output),
            ("headset", "Headset", DeviceKind::Output),
        ]);
        let mut app = backend.clone();
        let mut headset = app.open_sink(Some("headset"), 8000).unwrap();
        headset.write(&[1, 2, 3]).unwrap();
        assert_eq!(backend.played("headset"), vec![1, 2, 3]);
        assert!(backend.played("speaker").is_empty());

        backend.unplug("speaker", DeviceKind::Output);
        let outputs = app.devices(DeviceKind::Output).unwrap();
        assert_eq!(outputs.len(), 1);
        assert!(outputs[0].is_default, "the default moved to the headset");
        backend.unplug("headset", DeviceKind::Output);
        assert!(headset.write(&[4]).is_err());
        assert!(matches!(
            app.open_sink(None, 8000),
            Err(AudioError::NoDefaultDevice(DeviceKind::Output))
        ));
    }

    #[test]
    fn a_microphone_plays_its_tone_and_unknown_devices_are_refused() {
        let mut app = MemoryBackend::with(&[("mic", "Mic", DeviceKind::Input)]);
        let mut mic = app.open_source(None).unwrap();
        let mut frame = [0i16; 960];
        assert_eq!(mic.read(&mut frame), 960);
        assert!(super::super::tone::tone_ratio(&frame, RATE, MICROPHONE_TONE_HZ) > 0.9);
        assert!(matches!(
            app.open_source(Some("gone")),
            Err(AudioError::NoSuchDevice(_))
        ));
    }
}
