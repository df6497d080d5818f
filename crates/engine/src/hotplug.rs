//! Devices coming and going, and the microphone's level for the settings panel.
//!
//! Hot-plug: a task polls the sound system's device list (on a blocking thread) and
//! [`media::audio::hotplug::diff`]s it. A chosen device that disappears falls back
//! to the system default for what comes next, the panel and the call's card say so,
//! and a call in progress goes on: its speaker follows the default
//! ([`FollowingSink`]).
//!
//! Level: pulled, not pushed. The panel asks about ten times a second while it is
//! open ([`crate::Engine::audio_level`]); nothing is measured or sent while it is
//! closed. During a call the call's own microphone tap measures every frame for
//! free; without a call, the first request opens the chosen microphone as a monitor
//! that closes itself a second after the panel stops asking.

use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use media::audio::hotplug::{diff, DeviceChange};
use media::audio::level::{Level, FLOOR_DBFS};
use media::audio::{AudioError, AudioSink, DeviceInfo, DeviceKind};
use tokio::runtime::Handle;

use crate::config::AudioDevice;
use crate::engine::Shared;
use crate::ringer::SoundSystem;

/// How often the device list is polled in the app.
pub(crate) const POLL: Duration = Duration::from_secs(2);
/// A level older than this is not live any more.
const FRESH: Duration = Duration::from_millis(300);
/// The monitor closes the microphone when the panel has not asked for this long.
const MONITOR_IDLE: Duration = Duration::from_secs(1);
const MONITOR_STEP: Duration = Duration::from_millis(100);

#[derive(Debug, Default)]
struct MeterState {
    level: Option<(Level, Instant)>,
    /// When a call's tap last measured: the monitor then steps aside.
    call_measured: Option<Instant>,
    last_asked: Option<Instant>,
    monitor_running: bool,
    devices_version: u32,
    notice: Option<String>,
}

/// The level and hot-plug news, shared with the audio path; cheap to clone.
#[derive(Debug, Default, Clone)]
pub(crate) struct Meter(Arc<Mutex<MeterState>>);

impl Meter {
    fn lock(&self) -> MutexGuard<'_, MeterState> {
        // A level and a counter cannot be left inconsistent by a panic.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A call's microphone frame.
    pub(crate) fn call_frame(&self, samples: &[i16]) {
        let level = Level::of(samples);
        let now = Instant::now();
        let mut m = self.lock();
        m.level = Some((level, now));
        m.call_measured = Some(now);
    }

    pub(crate) fn notice(&self) -> Option<String> {
        self.lock().notice.clone()
    }

    fn view(&self) -> wire::AudioLevelView {
        let m = self.lock();
        let live = m.level.filter(|(_, at)| at.elapsed() < FRESH);
        let round = |x: f64| (x * 10.0).round() / 10.0;
        wire::AudioLevelView {
            rms_dbfs: round(live.map_or(FLOOR_DBFS, |(l, _)| l.rms_dbfs)),
            peak_dbfs: round(live.map_or(FLOOR_DBFS, |(l, _)| l.peak_dbfs)),
            live: live.is_some(),
            devices_version: m.devices_version,
            notice: m.notice.clone(),
        }
    }
}

impl Shared {
    /// The level for the panel's meter; starts the monitor when no call measures.
    pub(crate) fn audio_level(&self) -> wire::AudioLevelView {
        let start_monitor = {
            let mut m = self.meter.lock();
            m.last_asked = Some(Instant::now());
            let call_measures = m.call_measured.is_some_and(|at| at.elapsed() < FRESH);
            let start = !call_measures && !m.monitor_running;
            m.monitor_running |= start;
            start
        };
        if start_monitor {
            let input = self.lock().config.audio.input.clone();
            spawn_monitor(self.meter.clone(), self.sound.clone(), input, self.rt());
        }
        self.meter.view()
    }

    fn on_device_changes(&self, changes: &[DeviceChange]) {
        let mut news = Vec::new();
        let mut fell_back = false;
        {
            let mut inner = self.lock();
            let audio = &mut inner.config.audio;
            for change in changes {
                match change {
                    DeviceChange::Added(d) => news.push(format!("{} connected", d.name)),
                    DeviceChange::Removed(d) => {
                        let chosen: Vec<&mut AudioDevice> = match d.kind {
                            DeviceKind::Input => vec![&mut audio.input],
                            DeviceKind::Output => vec![&mut audio.output, &mut audio.ringer],
                        };
                        let mut was_chosen = false;
                        for slot in chosen {
                            if *slot == AudioDevice::Named(d.id.clone()) {
                                *slot = AudioDevice::Default;
                                was_chosen = true;
                            }
                        }
                        fell_back |= was_chosen;
                        news.push(if was_chosen {
                            format!("{} removed — using Default", d.name)
                        } else {
                            format!("{} removed", d.name)
                        });
                    }
                    DeviceChange::DefaultChanged { .. } => {}
                }
            }
            if fell_back {
                let text = news.join("; ");
                for call in inner.calls.live_mut() {
                    call.problem = Some(wire::UiError::new(
                        wire::ErrorCode::AudioUnavailable,
                        format!("{text}; the call goes on."),
                    ));
                }
            }
        }
        tracing::info!(changes = changes.len(), fell_back, "sound devices changed");
        {
            let mut m = self.meter.lock();
            m.devices_version = m.devices_version.wrapping_add(1);
            if !news.is_empty() {
                m.notice = Some(news.join("; "));
            }
        }
        self.published();
    }
}

fn list_all(sound: &SoundSystem) -> Vec<DeviceInfo> {
    let backend = sound.backend();
    let mut all = backend.devices(DeviceKind::Input).unwrap_or_default();
    all.extend(backend.devices(DeviceKind::Output).unwrap_or_default());
    all
}

/// Polls the device list every `every` until the engine is gone.
pub(crate) fn spawn(me: Weak<Shared>, rt: &Handle, every: Duration) {
    let Some(sound) = me.upgrade().map(|s| s.sound.clone()) else {
        return;
    };
    let blocking = rt.clone();
    rt.spawn(async move {
        let poll = |sound: SoundSystem| blocking.spawn_blocking(move || list_all(&sound));
        let mut before = poll(sound.clone()).await.unwrap_or_default();
        loop {
            tokio::time::sleep(every).await;
            if me.strong_count() == 0 {
                return;
            }
            let Ok(after) = poll(sound.clone()).await else {
                continue;
            };
            let changes = diff(&before, &after);
            if !changes.is_empty() {
                let Some(shared) = me.upgrade() else { return };
                shared.on_device_changes(&changes);
            }
            before = after;
        }
    });
}

fn spawn_monitor(meter: Meter, sound: SoundSystem, input: AudioDevice, rt: &Handle) {
    let blocking = rt.clone();
    rt.spawn(async move {
        let opened = blocking
            .spawn_blocking(move || crate::audio::open_source(&sound, &input))
            .await;
        let mut source = match opened {
            Ok(Ok(source)) => Some(source),
            _ => None,
        };
        let mut tick = tokio::time::interval(MONITOR_STEP);
        loop {
            tick.tick().await;
            {
                let m = meter.lock();
                let idle = m.last_asked.is_none_or(|at| at.elapsed() > MONITOR_IDLE);
                let call = m.call_measured.is_some_and(|at| at.elapsed() < FRESH);
                if idle || call {
                    break;
                }
            }
            // An unusable microphone leaves the meter not live; the panel says so.
            if let Some(source) = source.as_mut() {
                let mut buf = vec![0i16; (source.sample_rate() / 10) as usize];
                source.read(&mut buf);
                meter.lock().level = Some((Level::of(&buf), Instant::now()));
            }
        }
        drop(source);
        meter.lock().monitor_running = false;
    });
}

/// A call's speaker that follows the default device when its own goes away: the
/// first failed write opens the default on a blocking thread, and frames meanwhile
/// are dropped rather than blocking the media loop.
#[derive(Debug)]
pub(crate) struct FollowingSink {
    pub inner: Box<dyn AudioSink>,
    pub sound: SoundSystem,
    pub followed: bool,
    pub replacement: Arc<Mutex<Option<Box<dyn AudioSink>>>>,
}

impl AudioSink for FollowingSink {
    fn sample_rate(&self) -> u32 {
        self.inner.sample_rate()
    }

    fn write(&mut self, samples: &[i16]) -> Result<(), AudioError> {
        if let Some(next) = self
            .replacement
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            self.inner = next;
        }
        let result = self.inner.write(samples);
        if result.is_err() && !self.followed {
            self.followed = true;
            let (sound, slot, rate) = (
                self.sound.clone(),
                self.replacement.clone(),
                self.inner.sample_rate(),
            );
            let open = move || match sound.backend().open_sink(None, rate) {
                // Same rate only: the session resamples to the rate it started with.
                Ok(sink) if sink.sample_rate() == rate => {
                    *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(sink);
                }
                Ok(_) => tracing::warn!("the default speaker runs at another rate; playout stops"),
                Err(e) => tracing::warn!(error = %e, "no default speaker to follow; playout stops"),
            };
            match Handle::try_current() {
                Ok(rt) => drop(rt.spawn_blocking(open)),
                Err(_) => open(),
            }
            return Ok(());
        }
        // Lost frames while the default opens are a short gap, not a failure.
        if self.followed {
            return Ok(());
        }
        result
    }

    fn flush(&mut self) -> Result<(), AudioError> {
        self.inner.flush()
    }
}
