//! E11: the alert sound. While a supervisor has an unacknowledged alert, the emergency
//! pattern of the engine's ringer ([`RingPattern::EmergencyCallback`]) plays on a
//! speaker; dropping the [`Alarm`] stops it within a frame. The device is opened on a
//! blocking thread, as the ringer does (ALSA may take seconds to say no).

use std::time::Duration;

use media::audio::ring::{RingPattern, RingTone};
use media::audio::AudioBackend;
use tokio::sync::oneshot;

/// The rate asked of the device; the tone follows whatever rate it opens at.
const RATE: u32 = 48_000;
const FRAME: Duration = Duration::from_millis(20);

/// A sounding alarm; dropping it stops the sound.
#[derive(Debug)]
pub struct Alarm {
    _stop: oneshot::Sender<()>,
}

impl Alarm {
    /// Starts sounding on `device` (`None`: the default speaker) of `backend`. A device
    /// that cannot be opened leaves the alarm silent and is logged by the caller's
    /// view (the alert still shows on screen).
    pub fn start(mut backend: Box<dyn AudioBackend + Send>, device: Option<String>) -> Self {
        let (stop_tx, mut stop) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let opened =
                tokio::task::spawn_blocking(move || backend.open_sink(device.as_deref(), RATE))
                    .await;
            let Ok(Ok(mut sink)) = opened else { return };
            let mut tone = RingTone::new(RingPattern::EmergencyCallback, sink.sample_rate());
            let mut frame = vec![0i16; (sink.sample_rate() / 50) as usize];
            let mut tick = tokio::time::interval(FRAME);
            loop {
                tokio::select! {
                    _ = &mut stop => break,
                    _ = tick.tick() => {
                        tone.fill(&mut frame);
                        if sink.write(&frame).is_err() { break; }
                    }
                }
            }
            let _ = sink.flush();
        });
        Alarm { _stop: stop_tx }
    }
}
