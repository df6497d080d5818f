//! The whole softphone stack against linphonec, a second real peer: the engine dials
//! it, it answers automatically; our file "microphone" plays 1 kHz and linphonec's
//! (file mode) plays 800 Hz. Each end must hear the other's tone, and the call's
//! quality figures must show that our side received linphonec's RTP.

mod common;

use std::time::Duration;

use common::baresip::first_channel;
use common::linphone::{Linphonec, LINPHONE_TONE};
use common::{config_for, engine_with, wait_view};
use media::audio::tone::{tone_ratio, ToneGenerator};
use media::audio::wav;
use wire::CallState;

const OUR_TONE: f64 = 1000.0;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_to_linphonec_carries_audio_both_ways_and_shows_its_quality() {
    let mut linphone = Linphonec::start().await;
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
        "[audio]\ninput = \"{}\"\noutput = \"{}\"\n",
        mic.display(),
        speaker.display()
    );
    let (engine, _dir) = engine_with(&config_for(linphone.addr, &audio));

    let id = engine.dial("+12065550142").expect("dial");
    wait_view(&engine, "the call is connected", |v| {
        v.calls
            .iter()
            .any(|c| c.id == id && c.state == CallState::Connected)
    })
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    // The figures come from what we received: no RTP from linphonec, no MOS.
    let view = wait_view(&engine, "quality figures", |v| {
        v.calls
            .iter()
            .any(|c| c.quality.as_ref().is_some_and(|q| q.mos > 1.0))
    })
    .await;
    let quality = view.calls[0].quality.clone().unwrap();
    assert!(
        view.calls[0].problem.is_none(),
        "{:?}",
        view.calls[0].problem
    );

    engine.hang_up(id).expect("hang up");
    wait_view(&engine, "the call ended", |v| {
        v.calls.iter().all(|c| c.state == CallState::Ended)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (rate, heard) = first_channel(&speaker);
    assert!(
        heard.len() > rate as usize * 2,
        "we recorded {} samples",
        heard.len()
    );
    let last = &heard[heard.len() - rate as usize..];
    let r = tone_ratio(last, rate, LINPHONE_TONE);
    assert!(
        r > 0.7,
        "we heard linphonec's tone at {r:.2}\n{}",
        linphone.log()
    );
    let (rate, theirs) = linphone.heard().await;
    assert!(
        theirs.len() > rate as usize * 2,
        "linphonec recorded {} samples\n{}",
        theirs.len(),
        linphone.log()
    );
    let last = &theirs[theirs.len() - rate as usize..];
    let theirs_ratio = tone_ratio(last, rate, OUR_TONE);
    assert!(
        theirs_ratio > 0.7,
        "linphonec heard our tone at {theirs_ratio:.2}\n{}",
        linphone.log()
    );

    println!("engine <-> linphonec: we heard {r:.2}, it heard {theirs_ratio:.2}; {quality:?}");
    linphone.stop().await;
}
