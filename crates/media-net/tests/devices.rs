//! Real audio devices through cpal. This machine class (CI, servers) has no sound
//! card: opening a stream must then fail with a typed error, never panic, and the
//! file backend must keep working. Where ALSA lists cards, opening must succeed.

use std::time::Duration;

use media::audio::file::FileBackend;
use media::audio::tone::ToneGenerator;
use media::audio::{wav, AudioBackend, AudioError, DeviceKind};
use media_net::{watch_devices, CpalBackend};

fn has_sound_card() -> bool {
    std::fs::read_to_string("/proc/asound/cards")
        .map(|s| !s.trim().is_empty() && !s.contains("no soundcards"))
        .unwrap_or(false)
}

#[test]
fn cpal_without_a_sound_card_fails_with_a_typed_error_and_the_file_backend_still_works() {
    let mut cpal = CpalBackend::new();
    // Listing never panics, whatever the machine has.
    let inputs = cpal.devices(DeviceKind::Input);
    let outputs = cpal.devices(DeviceKind::Output);
    let source = cpal.open_source(None);
    let sink = cpal.open_sink(None, 48000);
    if has_sound_card() {
        assert!(inputs.is_ok() && outputs.is_ok());
        assert!(
            source.is_ok() || sink.is_ok(),
            "a card is listed but nothing opens"
        );
    } else {
        for result in [source.map(|_| ()), sink.map(|_| ())] {
            let err = result.expect_err("no sound card, yet a stream opened");
            assert!(
                matches!(
                    err,
                    AudioError::NoDefaultDevice(_) | AudioError::Device { .. }
                ),
                "{err:?}"
            );
            assert!(!err.to_string().is_empty());
        }
        assert!(matches!(
            cpal.open_source(Some("alsa:no-such-device")),
            Err(AudioError::NoSuchDevice(_) | AudioError::Device { .. })
        ));
    }

    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("mic.wav");
    let tone = ToneGenerator::new(1000.0, 16000, 5000).samples(1600);
    wav::write_file(&input, 16000, &tone).unwrap();
    let mut files = FileBackend::new(Some(input), dir.path().join("speaker.wav"));
    let mut mic = files.open_source(None).unwrap();
    let mut frame = vec![0i16; 320];
    assert_eq!(mic.read(&mut frame), 320);
    assert_eq!(frame, tone[..320]);
    let mut speaker = files.open_sink(None, 16000).unwrap();
    speaker.write(&frame).unwrap();
    speaker.flush().unwrap();
    assert_eq!(
        wav::read_file(&dir.path().join("speaker.wav"))
            .unwrap()
            .samples,
        frame
    );
}

#[tokio::test]
async fn device_watch_polls_without_panicking_and_stops_with_its_receiver() {
    let mut changes = watch_devices(Duration::from_millis(50));
    // Nothing is plugged in during the test, so nothing may be reported.
    let got = tokio::time::timeout(Duration::from_millis(300), changes.recv()).await;
    assert!(got.is_err(), "unexpected change {got:?}");
    drop(changes);
}
