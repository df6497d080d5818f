//! Opening the call's audio devices, and starting its media stream when it connects.
//!
//! Devices never hold a call back: a device that cannot be opened is replaced by
//! silence (what the far end hears) and a discarding sink, the call goes on, and the
//! agent sees why on the call's card.

use agent_core::CallId;
use media::audio::file::{MemorySink, MemorySource, WavFileSink};
use media::audio::{AudioSink, AudioSource};
use wire::{CallQuality, ErrorCode, UiError};

use crate::calls::CallEntry;
use crate::config::{AudioConfig, AudioDevice};
use crate::engine::Shared;
use crate::hotplug::FollowingSink;
use crate::offer::StartLeg;
use crate::recording::{TapSink, TapSource};
use crate::ringer::SoundSystem;

/// The speaker side runs at 48 kHz; the session resamples to the codec's rate.
const PLAYOUT_RATE: u32 = 48_000;

fn named(device: &AudioDevice) -> Option<&str> {
    match device {
        AudioDevice::Named(id) => Some(id),
        _ => None,
    }
}

/// What the settings screen lists: the system's devices, the current choice and the
/// latest hot-plug news. Blocking (the sound system is asked): call it off the UI and
/// engine threads.
pub(crate) fn list_devices(
    sound: &SoundSystem,
    config: &AudioConfig,
    notice: Option<String>,
) -> wire::AudioDevicesView {
    use media::audio::DeviceKind;
    let backend = sound.backend();
    let mut problems = Vec::new();
    let mut list = |kind| match backend.devices(kind) {
        Ok(devices) => devices
            .into_iter()
            .map(|d| wire::AudioDeviceView {
                id: d.id,
                name: d.name,
                is_default: d.is_default,
            })
            .collect(),
        Err(e) => {
            problems.push(e.to_string());
            Vec::new()
        }
    };
    let inputs = list(DeviceKind::Input);
    let outputs = list(DeviceKind::Output);
    let shown = |d: &AudioDevice| match d {
        AudioDevice::Default => None,
        AudioDevice::Named(id) => Some(id.clone()),
        AudioDevice::File(path) => Some(format!("file:{}", path.display())),
    };
    if inputs.is_empty() && outputs.is_empty() && problems.is_empty() {
        problems.push("no sound devices were found; calls run without audio".into());
    }
    wire::AudioDevicesView {
        inputs,
        outputs,
        input: shown(&config.input),
        output: shown(&config.output),
        ringer: shown(&config.ringer),
        problem: (!problems.is_empty()).then(|| problems.join("; ")),
        notice,
    }
}

type Devices = (Box<dyn AudioSource>, Box<dyn AudioSink>, Option<String>);

/// The configured microphone: a WAV file played in a loop, or a device.
pub(crate) fn open_source(
    sound: &SoundSystem,
    device: &AudioDevice,
) -> Result<Box<dyn AudioSource>, String> {
    match device {
        AudioDevice::File(path) => MemorySource::from_wav_file(path)
            .map(|s| Box::new(s.looping()) as Box<dyn AudioSource>)
            .map_err(|e| format!("microphone file {}: {e}", path.display())),
        AudioDevice::Default | AudioDevice::Named(_) => {
            sound.backend().open_source(named(device)).map_err(|e| {
                tracing::warn!(error = %e, "microphone unusable");
                "no usable microphone".to_owned()
            })
        }
    }
}

fn open(sound: &SoundSystem, config: &AudioConfig) -> Devices {
    let mut problems = Vec::new();
    let source = open_source(sound, &config.input).unwrap_or_else(|e| {
        problems.push(e);
        Box::new(MemorySource::silence(PLAYOUT_RATE))
    });
    let sink: Box<dyn AudioSink> = match &config.output {
        AudioDevice::File(path) => match WavFileSink::create(path, PLAYOUT_RATE) {
            Ok(sink) => Box::new(sink),
            Err(e) => {
                problems.push(format!("speaker file {}: {e}", path.display()));
                Box::new(MemorySink::new(PLAYOUT_RATE).0)
            }
        },
        AudioDevice::Default | AudioDevice::Named(_) => match sound
            .backend()
            .open_sink(named(&config.output), PLAYOUT_RATE)
        {
            // A headset pulled out mid-call hands the call to the default speaker.
            Ok(sink) => Box::new(FollowingSink {
                inner: sink,
                sound: sound.clone(),
                followed: false,
                replacement: Default::default(),
            }),
            Err(e) => {
                tracing::warn!(error = %e, "speaker unusable");
                problems.push("no usable speaker".to_owned());
                Box::new(MemorySink::new(PLAYOUT_RATE).0)
            }
        },
    };
    let problem = (!problems.is_empty()).then(|| problems.join("; "));
    (source, sink, problem)
}

/// Starts the call's stream on its agreed media with the configured devices. The
/// devices are opened on a blocking thread (ALSA may take seconds to say no): the
/// engine lock is never held meanwhile, and the stream is attached to the call only
/// if the call still wants media by then.
pub(crate) fn start_stream(
    shared: &Shared,
    call_id: CallId,
    call: &mut CallEntry,
    config: &AudioConfig,
) {
    let Some(leg) = call.media.as_mut().and_then(|m| m.take_for_start()) else {
        return;
    };
    let config = config.clone();
    let sound = shared.sound.clone();
    let meter = shared.meter.clone();
    let recorder = call.recorder.clone();
    let me = shared.me.clone();
    let rt = shared.rt().clone();
    shared.rt().spawn_blocking(move || {
        let (source, sink, problem) = open(&sound, &config);
        // Taps on both sides: the recorder writes only once the core starts it.
        let source = Box::new(TapSource {
            inner: source,
            recorder: recorder.clone(),
            meter,
        });
        let sink = Box::new(TapSink {
            inner: sink,
            recorder,
        });
        let started = match leg {
            StartLeg::Rtp(leg, negotiated) => {
                let _rt = rt.enter();
                leg.start(*negotiated, source, sink)
                    .map_err(|e| e.to_string())
            }
            // On this blocking thread, not a runtime worker: waiting here is allowed.
            StartLeg::WebRtc(leg) => rt
                .block_on(leg.start(source, sink, media_net::LegOptions::default()))
                .map_err(|e| e.to_string()),
        };
        let problem = match (problem, &started) {
            (p, Ok(_)) => p,
            (Some(p), Err(e)) => Some(format!("{p}; media: {e}")),
            (None, Err(e)) => Some(format!("media: {e}")),
        };
        let Some(shared) = me.upgrade() else { return };
        {
            let mut inner = shared.lock();
            let Some(call) = inner.calls.get_mut(call_id) else {
                return;
            };
            if let Some(e) = &problem {
                tracing::warn!(%call_id, error = %e, "call audio incomplete; the call goes on");
                call.problem = Some(UiError::new(
                    ErrorCode::AudioUnavailable,
                    format!("Audio problem, the call goes on: {e}."),
                ));
            }
            // A call that ended or stopped its media meanwhile drops the new stream.
            let (Some(plan), Ok(stream)) = (call.media.as_mut(), started) else {
                return;
            };
            for digit in plan.pending_dtmf.drain(..) {
                if let Err(e) = stream.queue_dtmf(digit) {
                    tracing::warn!(%call_id, error = %e, "a digit typed early was not sent");
                }
            }
            plan.stream = Some(stream);
            crate::outputs::silence_if_needed(&mut inner, call_id);
        }
        shared.published();
    });
}

/// The quality indicator's figures, while a stream runs.
pub(crate) fn quality(call: &CallEntry) -> Option<CallQuality> {
    let plan = call.media.as_ref()?;
    let stats = plan.stream.as_ref()?.stats();
    Some(CallQuality {
        mos: (stats.mos * 10.0).round() / 10.0,
        jitter_ms: (stats.jitter_ms * 10.0).round() / 10.0,
        loss_percent: (stats.loss_percent * 10.0).round() / 10.0,
        round_trip_ms: stats.round_trip_ms.map(f64::round),
        // The agent (and whoever helps them) sees which kind of leg carries the call.
        codec: match (plan.codec().unwrap_or_default(), plan.is_webrtc()) {
            (codec, true) => format!("{codec} · WebRTC"),
            (codec, false) => codec.to_owned(),
        },
    })
}
