//! Device settings: the list comes from the sound system (with the reason when it is
//! empty, as on a machine without a sound card), and a choice applies to the next call.

mod common;

use common::engine_with;

#[tokio::test]
async fn devices_are_listed_with_a_reason_when_there_are_none_and_a_choice_is_kept() {
    let (engine, _dir) = engine_with("");
    let listed = engine.audio_devices();
    assert!(
        listed.problem.is_some() || !(listed.inputs.is_empty() && listed.outputs.is_empty()),
        "an empty list must say why: {listed:?}"
    );
    assert_eq!(
        (listed.input.as_deref(), listed.output.as_deref()),
        (None, None)
    );

    let chosen = engine.set_audio_devices(Some("usb-headset-mic".into()), None, None);
    assert_eq!(chosen.input.as_deref(), Some("usb-headset-mic"));
    assert_eq!(chosen.output, None, "None keeps the system default");
    assert_eq!(
        engine.audio_devices().input.as_deref(),
        Some("usb-headset-mic")
    );
}

#[tokio::test]
async fn file_devices_from_the_configuration_are_shown_as_files() {
    let (engine, _dir) = engine_with("[audio]\ninput = \"/tmp/tone.wav\"\n");
    assert_eq!(
        engine.audio_devices().input.as_deref(),
        Some("file:/tmp/tone.wav")
    );
}
