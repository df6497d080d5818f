//! The ringer, the level meter and hot-plug, through the engine with a real caller
//! (sipp as UAC) and the in-memory sound system: what each device received is read
//! back and checked by frequency (Goertzel).

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::{config_bound, free_sip_addr, wait_view, Sipp};
use engine::{Engine, EngineOptions, SoundSystem};
use media::audio::memory::MemoryBackend;
use media::audio::tone::tone_ratio;
use media::audio::DeviceKind;
use wire::CallState;

const RATE: u32 = 48_000;

fn sound() -> MemoryBackend {
    MemoryBackend::with(&[
        ("laptop-mic", "Laptop microphone", DeviceKind::Input),
        ("desk-speaker", "Desk speaker", DeviceKind::Output),
        ("usb-headset", "USB Headset", DeviceKind::Output),
    ])
}

/// An engine on the in-memory devices, its SIP socket on `bind` (none when `None`).
async fn engine_on(sound: &MemoryBackend, bind: Option<SocketAddr>) -> (Engine, tempfile::TempDir) {
    engine_via(sound, bind, free_sip_addr()).await
}

/// Like [`engine_on`], its calls going to `proxy`.
async fn engine_via(
    sound: &MemoryBackend,
    bind: Option<SocketAddr>,
    proxy: SocketAddr,
) -> (Engine, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("data dir");
    let config = bind.map_or(String::new(), |b| config_bound(proxy, b, ""));
    std::fs::write(dir.path().join("softphone.toml"), config).expect("config file");
    let mut options = EngineOptions::new(dir.path());
    options.sound = SoundSystem::memory(sound.clone());
    options.device_poll = Duration::from_millis(100);
    let engine = Engine::start(options, tokio::runtime::Handle::current());
    if let Some(bind) = bind {
        // Up to 10 s: on a machine busy with other builds the engine's start has been
        // seen to take more than 2 s.
        for _ in 0..500 {
            if std::net::UdpSocket::bind(bind).is_err() {
                return (engine, dir);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the engine's SIP socket never opened on {bind}");
    }
    (engine, dir)
}

async fn ringing_call(engine: &Engine) -> u32 {
    let view = wait_view(engine, "an inbound call rings", |v| {
        v.calls.iter().any(|c| c.state == CallState::Ringing)
    })
    .await;
    view.calls[0].id
}

async fn connected(engine: &Engine) {
    wait_view(engine, "the call is connected", |v| {
        v.calls.iter().any(|c| c.state == CallState::Connected)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inbound_call_rings_on_the_ringer_device_until_it_is_answered() {
    let devices = sound();
    let bind = free_sip_addr();
    let (engine, _dir) = engine_on(&devices, Some(bind)).await;
    let chosen = engine.set_audio_devices(
        None,
        Some("usb-headset".into()),
        Some("desk-speaker".into()),
    );
    assert_eq!(chosen.ringer.as_deref(), Some("desk-speaker"));
    let mut sipp = Sipp::call("inbound_answered_agent_hangs_up.xml", bind).await;

    let call = ringing_call(&engine).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let rung = devices.played("desk-speaker");
    assert!(
        rung.len() > RATE as usize / 2,
        "the ringer got {} samples in 1.2 s of ringing",
        rung.len()
    );
    // The first 2 s of the ordinary ring are 440 + 480 Hz, half the energy each.
    let window = &rung[RATE as usize / 10..RATE as usize / 5];
    for f in [440.0, 480.0] {
        let r = tone_ratio(window, RATE, f);
        assert!((0.4..0.6).contains(&r), "{f} Hz on the ringer: {r}");
    }
    assert!(
        devices.played("usb-headset").is_empty(),
        "the ring went to the call's speaker"
    );

    engine.answer(call).expect("answer");
    connected(&engine).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let at_answer = devices.played("desk-speaker").len();
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        devices.played("desk-speaker").len(),
        at_answer,
        "the ringer kept sounding after the answer"
    );
    assert!(
        !devices.played("usb-headset").is_empty(),
        "the call plays on the headset"
    );

    engine.hang_up(call).expect("hang up");
    sipp.assert_passed().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e06_the_emergency_centers_callback_rings_with_its_own_higher_faster_pattern() {
    let devices = sound();
    let bind = free_sip_addr();
    let mut psap = Sipp::serve("emergency_911.xml").await;
    let (engine, _dir) = engine_via(&devices, Some(bind), psap.addr).await;
    // A 911 call starts the callback window for the agent's number (E5).
    let id = engine.dial("911").expect("dial 911");
    wait_view(&engine, "the emergency call is connected", |v| {
        v.calls
            .iter()
            .any(|c| c.id == id && c.state == CallState::Connected)
    })
    .await;
    engine.hang_up(id).expect("hang up");
    wait_view(&engine, "the callback window runs", |v| {
        v.callback_window.is_some() && !v.presence_locked
    })
    .await;
    psap.assert_passed().await;
    let rung_before = devices.played("desk-speaker").len();

    let mut callback = Sipp::call_to(
        "inbound_to_service_answered_agent_hangs_up.xml",
        "+12065550100",
        bind,
    )
    .await;
    let view = wait_view(&engine, "the callback rings", |v| {
        v.calls.iter().any(|c| c.state == CallState::Ringing)
    })
    .await;
    let call = view
        .calls
        .iter()
        .find(|c| c.state == CallState::Ringing)
        .unwrap();
    assert!(call.emergency_callback, "E6: {call:?}");
    tokio::time::sleep(Duration::from_millis(700)).await;
    let rung = devices.played("desk-speaker")[rung_before..].to_vec();
    assert!(rung.len() > RATE as usize / 2, "{} samples", rung.len());
    // First burst (10-240 ms): 1000 + 1300 Hz, none of the ordinary ring's tones.
    let burst = &rung[RATE as usize / 100..RATE as usize * 24 / 100];
    for f in [1000.0, 1300.0] {
        let r = tone_ratio(burst, RATE, f);
        assert!((0.4..0.6).contains(&r), "{f} Hz in the callback ring: {r}");
    }
    assert!(tone_ratio(burst, RATE, 440.0) < 0.05);
    // Then the gap (260-390 ms) is silent: a cadence faster than 2 s on.
    let gap = &rung[RATE as usize * 26 / 100..RATE as usize * 39 / 100];
    assert!(
        gap.iter().all(|&s| s == 0),
        "the callback ring has no gap at 260-390 ms"
    );

    engine.answer(call.id).expect("answer");
    connected(&engine).await;
    engine.hang_up(call.id).expect("hang up");
    callback.assert_passed().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unusable_ringer_is_silence_and_a_message_and_the_call_is_still_answered() {
    let devices = sound();
    let bind = free_sip_addr();
    let (engine, _dir) = engine_on(&devices, Some(bind)).await;
    engine.set_audio_devices(None, None, Some("unplugged-bell".into()));
    let mut sipp = Sipp::call("inbound_answered_agent_hangs_up.xml", bind).await;

    let call = ringing_call(&engine).await;
    let view = wait_view(&engine, "the card says the ringer is silent", |v| {
        v.calls.iter().any(|c| {
            c.problem
                .as_ref()
                .is_some_and(|p| p.message.contains("ringer is silent"))
        })
    })
    .await;
    assert_eq!(view.calls[0].state, CallState::Ringing);
    engine.answer(call).expect("answer");
    connected(&engine).await;
    let answered = engine.view();
    assert!(
        answered.calls[0].problem.is_none(),
        "the silent ringer is forgotten once answered: {:?}",
        answered.calls[0].problem
    );
    engine.hang_up(call).expect("hang up");
    sipp.assert_passed().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_headset_pulled_out_mid_call_falls_back_to_the_default_and_the_call_goes_on() {
    let devices = sound();
    let bind = free_sip_addr();
    let (engine, _dir) = engine_on(&devices, Some(bind)).await;
    engine.set_audio_devices(None, Some("usb-headset".into()), None);
    let mut sipp = Sipp::call("inbound_answered_agent_hangs_up.xml", bind).await;
    let call = ringing_call(&engine).await;
    engine.answer(call).expect("answer");
    connected(&engine).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!devices.played("usb-headset").is_empty());
    // During a call the meter reads the call's own microphone (no second opening).
    let level = engine.audio_level();
    assert!(level.live, "{level:?}");
    assert!((level.rms_dbfs + 15.3).abs() < 0.5, "{level:?}");
    let speaker_before = devices.played("desk-speaker").len();

    devices.unplug("usb-headset", DeviceKind::Output);
    let view = wait_view(&engine, "the card says the headset went", |v| {
        v.calls.iter().any(|c| {
            c.problem
                .as_ref()
                .is_some_and(|p| p.message.contains("USB Headset removed — using Default"))
        })
    })
    .await;
    assert_eq!(
        view.calls[0].state,
        CallState::Connected,
        "the call goes on"
    );
    let listed = engine.audio_devices();
    assert_eq!(listed.output, None, "the choice fell back to the default");
    assert!(listed.outputs.iter().all(|d| d.id != "usb-headset"));
    assert_eq!(
        listed.notice.as_deref(),
        Some("USB Headset removed — using Default")
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    let grown = devices.played("desk-speaker").len() - speaker_before;
    assert!(
        grown > RATE as usize / 5,
        "the call's playout did not move to the default speaker ({grown} samples)"
    );
    assert_eq!(engine.view().calls[0].state, CallState::Connected);

    engine.hang_up(call).expect("hang up");
    sipp.assert_passed().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_level_meter_measures_the_microphone_only_while_it_is_asked_and_hot_plug_is_counted() {
    let devices = sound();
    let (engine, _dir) = engine_on(&devices, None).await;
    let first = engine.audio_level();
    assert!(!first.live, "nothing measured before the first request");

    let mut level = first;
    for _ in 0..30 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        level = engine.audio_level();
        if level.live {
            break;
        }
    }
    // The in-memory microphone plays a sine of peak 8000: RMS -15.3 dBFS.
    assert!(level.live, "{level:?}");
    assert!((level.rms_dbfs + 15.3).abs() < 0.5, "{level:?}");
    assert!((level.peak_dbfs + 12.3).abs() < 0.5, "{level:?}");

    // Not asked for a while: the monitor closed the microphone, the level is stale.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(!engine.audio_level().live);

    let version = engine.audio_level().devices_version;
    devices.plug("bt-headset", "Bluetooth headset", DeviceKind::Input);
    let mut seen = None;
    for _ in 0..30 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = engine.audio_level();
        if now.devices_version != version {
            seen = now.notice;
            break;
        }
    }
    assert_eq!(seen.as_deref(), Some("Bluetooth headset connected"));
    assert!(engine
        .audio_devices()
        .inputs
        .iter()
        .any(|d| d.id == "bt-headset"));
}

/// E11: a supervisor's unacknowledged alert sounds on the agent's ringer device with
/// the emergency pattern, and stops within a frame or two of the handle's drop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e11_the_supervisors_alert_sounds_on_the_ringer_until_it_is_dropped() {
    let devices = sound();
    let (engine, _dir) = engine_on(&devices, None).await;
    engine.set_audio_devices(
        None,
        Some("usb-headset".into()),
        Some("desk-speaker".into()),
    );
    let alarm = engine.sound_alarm();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let played = devices.played("desk-speaker");
    assert!(played.len() > RATE as usize / 4, "{} samples", played.len());
    let burst = &played[RATE as usize / 100..RATE as usize * 24 / 100];
    assert!(
        tone_ratio(burst, RATE, 1000.0) > 0.3,
        "the emergency pattern"
    );
    assert!(
        tone_ratio(burst, RATE, 440.0) < 0.05,
        "not an ordinary ring"
    );
    assert!(
        devices.played("usb-headset").is_empty(),
        "the alert is for the room: the ringer, not the headset"
    );

    drop(alarm);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let stopped_at = devices.played("desk-speaker").len();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        devices.played("desk-speaker").len(),
        stopped_at,
        "silent once dropped"
    );
}
