//! The ringer: while an inbound call rings, a generated ring sound
//! ([`media::audio::ring::RingTone`]) plays on the ringer device the agent chose.
//!
//! The device is opened on a blocking thread (ALSA may take seconds to say no), so
//! neither the engine lock nor the 180 Ringing waits for it. The ring stops when its
//! [`Ringing`] handle is dropped: the call was answered, declined, cancelled or
//! ended. A ringer that cannot be opened is silence and a line on the call's card,
//! never a failed call.

use std::sync::Arc;
use std::time::Duration;

use agent_core::{Alert, CallId};
use media::audio::file::WavFileSink;
use media::audio::ring::{RingPattern, RingTone};
use media::audio::{AudioBackend, AudioError, AudioSink};
use tokio::sync::oneshot;
use wire::{ErrorCode, UiError};

use crate::config::AudioDevice;
use crate::engine::Shared;

/// Where the engine's sound devices come from: the system's (cpal) or, for tests and
/// machines without a sound card, an in-memory one. A fresh backend is made for each
/// use, on the blocking thread that uses it.
#[derive(Clone)]
pub struct SoundSystem(Arc<dyn Fn() -> Box<dyn AudioBackend> + Send + Sync>);

impl std::fmt::Debug for SoundSystem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SoundSystem")
    }
}

impl Default for SoundSystem {
    fn default() -> Self {
        SoundSystem(Arc::new(|| Box::new(media_net::CpalBackend::new())))
    }
}

impl SoundSystem {
    /// An in-memory sound system; the caller keeps a clone to plug devices in and
    /// out and to read what each output played.
    pub fn memory(backend: media::audio::memory::MemoryBackend) -> Self {
        SoundSystem(Arc::new(move || Box::new(backend.clone())))
    }

    pub(crate) fn backend(&self) -> Box<dyn AudioBackend> {
        (self.0)()
    }
}

/// The rate asked of the ringer; a real device runs at its own, and the ring is
/// generated at whatever rate the opened sink reports.
const RING_RATE: u32 = 48_000;
/// One write per 20 ms, like the call's playout: the device's buffer stays short,
/// so the ring stops within a frame of the answer.
const FRAME: Duration = Duration::from_millis(20);

/// Which sound a ringing call makes: the emergency center's callback (E6) always
/// has its own, a second call while on one only beeps.
pub(crate) fn pattern(alert: Alert, call_waiting: bool) -> RingPattern {
    match (alert, call_waiting) {
        (Alert::EmergencyCallback, _) => RingPattern::EmergencyCallback,
        (Alert::Normal, true) => RingPattern::CallWaiting,
        (Alert::Normal, false) => RingPattern::Ordinary,
    }
}

/// How the card's line about a silent ringer starts; the answer clears it.
pub(crate) const SILENT_RINGER: &str = "The ringer is silent";

/// A ring in progress; dropping it stops the ring.
#[derive(Debug)]
pub(crate) struct Ringing {
    _stop: oneshot::Sender<()>,
}

fn open(sound: &SoundSystem, device: &AudioDevice) -> Result<Box<dyn AudioSink>, AudioError> {
    match device {
        AudioDevice::File(path) => Ok(Box::new(WavFileSink::create(path, RING_RATE)?)),
        AudioDevice::Default => sound.backend().open_sink(None, RING_RATE),
        AudioDevice::Named(id) => sound.backend().open_sink(Some(id), RING_RATE),
    }
}

/// Starts ringing `call_id` with `pattern` on `device`.
pub(crate) fn start(
    shared: &Shared,
    call_id: CallId,
    pattern: RingPattern,
    device: AudioDevice,
) -> Ringing {
    let me = shared.me.clone();
    sound(shared, pattern, device, move |why| {
        report(&me, call_id, why)
    })
}

/// A supervisor's emergency alert sounding (E11); dropping it stops the sound.
#[derive(Debug)]
pub struct AlarmSound {
    _ringing: Ringing,
}

/// E11: the emergency pattern on the ringer device, until the handle is dropped. A
/// ringer that cannot sound is logged: the alert still shows on screen.
pub(crate) fn alarm(shared: &Shared, device: AudioDevice) -> AlarmSound {
    let ringing = sound(shared, RingPattern::EmergencyCallback, device, |why| {
        tracing::warn!(error = %why, "the supervisor's alert cannot sound; it shows on screen");
    });
    AlarmSound { _ringing: ringing }
}

/// Plays `pattern` on `device` until the handle drops; `on_silent` hears why when
/// no device can sound.
fn sound(
    shared: &Shared,
    pattern: RingPattern,
    device: AudioDevice,
    on_silent: impl Fn(&str) + Send + 'static,
) -> Ringing {
    let (stop_tx, mut stop) = oneshot::channel::<()>();
    let sound = shared.sound.clone();
    let rt = shared.rt().clone();
    shared.rt().spawn(async move {
        let opened = {
            let (sound, device) = (sound.clone(), device.clone());
            rt.spawn_blocking(move || open(&sound, &device)).await
        };
        let mut sink = match opened {
            Ok(Ok(sink)) => sink,
            Ok(Err(e)) => return on_silent(&e.to_string()),
            Err(e) => return on_silent(&e.to_string()),
        };
        let mut tone = RingTone::new(pattern, sink.sample_rate());
        let mut frame = vec![0i16; (sink.sample_rate() / 50) as usize];
        let mut tick = tokio::time::interval(FRAME);
        let mut fell_back = false;
        loop {
            tokio::select! {
                // Resolves (with an error) once the handle is dropped.
                _ = &mut stop => break,
                _ = tick.tick() => {
                    tone.fill(&mut frame);
                    if let Err(e) = sink.write(&frame) {
                        // The ringer went away mid-ring (a headset pulled out): ring
                        // on the default device once, else ring in silence.
                        if fell_back || device == AudioDevice::Default {
                            on_silent(&e.to_string());
                            break;
                        }
                        fell_back = true;
                        let sound = sound.clone();
                        match rt.spawn_blocking(move || open(&sound, &AudioDevice::Default)).await {
                            Ok(Ok(default)) => {
                                tone = RingTone::new(pattern, default.sample_rate());
                                frame = vec![0i16; (default.sample_rate() / 50) as usize];
                                sink = default;
                            }
                            _ => {
                                on_silent(&e.to_string());
                                break;
                            }
                        }
                    }
                }
            }
        }
        let _ = sink.flush();
    });
    Ringing { _stop: stop_tx }
}

/// The ringer is silent: say so on the call's card. The call rings on screen.
fn report(me: &std::sync::Weak<Shared>, call_id: CallId, why: &str) {
    tracing::warn!(%call_id, error = %why, "the ringer cannot sound; the call rings on screen");
    let Some(shared) = me.upgrade() else { return };
    {
        let mut inner = shared.lock();
        let Some(call) = inner.calls.get_mut(call_id) else {
            return;
        };
        if call.state != wire::CallState::Ringing {
            return;
        }
        call.problem = Some(UiError::new(
            ErrorCode::AudioUnavailable,
            format!("{SILENT_RINGER} ({why}); the call rings on screen."),
        ));
    }
    shared.published();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e06_the_emergency_callback_has_its_own_ring_even_during_another_call() {
        assert_eq!(
            pattern(Alert::EmergencyCallback, false),
            RingPattern::EmergencyCallback
        );
        assert_eq!(
            pattern(Alert::EmergencyCallback, true),
            RingPattern::EmergencyCallback
        );
        assert_eq!(pattern(Alert::Normal, false), RingPattern::Ordinary);
        assert_eq!(pattern(Alert::Normal, true), RingPattern::CallWaiting);
        // What the two rings sound like differs in pitch and cadence (see the
        // media crate's ring tests); here: their first 100 ms already differ.
        let ordinary = RingTone::new(RingPattern::Ordinary, 8000).samples(800);
        let callback = RingTone::new(RingPattern::EmergencyCallback, 8000).samples(800);
        let at = |s: &[i16], f| media::audio::tone::tone_ratio(&s[80..], 8000, f);
        assert!(at(&ordinary, 440.0) > 0.4 && at(&callback, 440.0) < 0.05);
        assert!(at(&callback, 1000.0) > 0.3 && at(&ordinary, 1000.0) < 0.05);
    }
}
