//! The whole softphone stack against a real peer: the engine dials baresip, which
//! answers automatically; our file "microphone" plays 1 kHz and baresip's plays 600 Hz.
//! Each end must hear the other's tone, and the call's quality figures must show.

mod common;

use std::time::Duration;

use common::baresip::{first_channel, Baresip, THEIR_TONE};
use common::{config_for, engine_with, wait_view};
use media::audio::tone::{tone_ratio, ToneGenerator};
use media::audio::wav;
use wire::CallState;

const OUR_TONE: f64 = 1000.0;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_to_baresip_carries_opus_audio_both_ways_shows_its_quality_and_is_recorded() {
    let baresip = Baresip::start("+12065550142").await;
    let files = tempfile::tempdir().unwrap();
    let mic = files.path().join("mic.wav");
    let speaker = files.path().join("speaker.wav");
    wav::write_file(
        &mic,
        48000,
        &ToneGenerator::new(OUR_TONE, 48000, 8000).samples(48000 * 10),
    )
    .unwrap();
    let audio = format!(
        "[recording]\npolicy = \"always\"\n[audio]\ninput = \"{}\"\noutput = \"{}\"\n",
        mic.display(),
        speaker.display()
    );
    let (engine, _dir) = engine_with(&config_for(baresip.addr, &audio));

    let id = engine.dial("+12065550142").expect("dial");
    wait_view(&engine, "the call is connected", |v| {
        v.calls
            .iter()
            .any(|c| c.id == id && c.state == CallState::Connected)
    })
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let view = wait_view(&engine, "quality figures", |v| {
        v.calls
            .iter()
            .any(|c| c.quality.as_ref().is_some_and(|q| q.mos > 1.0))
    })
    .await;
    let call = &view.calls[0];
    let quality = call.quality.clone().unwrap();
    assert_eq!(quality.codec.to_lowercase(), "opus", "{quality:?}");
    assert!(call.problem.is_none(), "{:?}", call.problem);
    assert!(call.recording, "the policy says always");
    engine.hang_up(id).expect("hang up");
    let view = wait_view(&engine, "the call ended and its recording is listed", |v| {
        v.calls.iter().all(|c| c.state == CallState::Ended) && !v.recordings.is_empty()
    })
    .await;
    assert!(view.history[0].recorded);
    let (rate, recorded) = first_channel(std::path::Path::new(&view.recordings[0].path));
    assert!(
        recorded.len() > rate as usize * 2,
        "{} samples recorded",
        recorded.len()
    );
    let last = &recorded[recorded.len() - rate as usize..];
    for tone in [OUR_TONE, THEIR_TONE] {
        let r = tone_ratio(last, rate, tone);
        assert!(r > 0.2, "the recording holds the {tone} Hz side at {r:.2}");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    let (rate, heard) = first_channel(&speaker);
    assert!(
        heard.len() > rate as usize * 2,
        "we recorded {} samples",
        heard.len()
    );
    let last = &heard[heard.len() - rate as usize..];
    let ours = tone_ratio(last, rate, THEIR_TONE);
    assert!(
        ours > 0.7,
        "we heard baresip's tone at {ours:.2}\n{}",
        baresip.log()
    );
    let (rate, theirs) = baresip.decoded();
    assert!(
        theirs.len() > rate as usize * 2,
        "baresip decoded {} samples",
        theirs.len()
    );
    let last = &theirs[theirs.len() - rate as usize..];
    let r = tone_ratio(last, rate, OUR_TONE);
    assert!(
        r > 0.7,
        "baresip heard our tone at {r:.2}\n{}",
        baresip.log()
    );
    println!("engine <-> baresip over Opus: {quality:?}");
    baresip.stop().await;
}
