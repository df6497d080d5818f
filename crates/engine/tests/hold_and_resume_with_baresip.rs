//! Hold and resume against a real peer: the engine calls baresip (each end plays its
//! own tone, both heard before the hold), puts the call on hold with a sendonly
//! re-INVITE (baresip answers recvonly and must go quiet), resumes it with a sendrecv
//! one, and baresip's tone must be back in the audio we captured after the resume,
//! while baresip keeps receiving our RTP. Captures are read by sample offset: what the
//! recorder had written when the resume was confirmed is set aside, only what came
//! after is analysed. (baresip 1.0 cannot record what it decodes after a hold; see
//! `Baresip::decoded`.)

mod common;

use std::path::Path;
use std::time::Duration;

use common::baresip::{first_channel_to_end, Baresip, THEIR_TONE};
use common::{config_for, engine_with, wait_view};
use media::audio::tone::{tone_ratio, ToneGenerator};
use media::audio::wav;
use wire::{CallControl, CallState};

const OUR_TONE: f64 = 1000.0;

/// The tone ratio of the last second of `samples[from..]`, with how many samples
/// there were after `from`.
fn last_second_after(samples: &[i16], rate: u32, from: usize, tone: f64) -> (f64, usize) {
    let after = samples.get(from..).unwrap_or_default();
    let second = &after[after.len().saturating_sub(rate as usize)..];
    (tone_ratio(second, rate, tone), after.len())
}

fn heard_so_far(speaker: &Path) -> (u32, Vec<i16>) {
    first_channel_to_end(speaker)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hold_silences_baresip_and_resume_brings_its_audio_back_while_ours_keeps_reaching_it() {
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
        "[audio]\ninput = \"{}\"\noutput = \"{}\"\n",
        mic.display(),
        speaker.display()
    );
    let (engine, _dir) = engine_with(&config_for(baresip.addr, &audio));

    let id = engine.dial("+12065550142").expect("dial");
    let connected = |state: CallState| {
        move |v: &wire::AgentView| v.calls.iter().any(|c| c.id == id && c.state == state)
    };
    wait_view(
        &engine,
        "the call is connected",
        connected(CallState::Connected),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;

    // Before hold: both ways, as in the plain call test.
    let (rate, heard) = heard_so_far(&speaker);
    let (r, _) = last_second_after(&heard, rate, 0, THEIR_TONE);
    assert!(
        r > 0.7,
        "before hold we heard baresip at {r:.2}\n{}",
        baresip.log()
    );
    let (brate, theirs) = baresip.decoded_so_far();
    let (r, _) = last_second_after(&theirs, brate, 0, OUR_TONE);
    assert!(
        r > 0.7,
        "before hold baresip heard us at {r:.2}\n{}",
        baresip.log()
    );

    engine.call_control(id, CallControl::Hold).expect("hold");
    wait_view(&engine, "the call is on hold", connected(CallState::OnHold)).await;
    // What was in flight (jitter buffers, the re-INVITE's round trip) drains first.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let held_from = heard_so_far(&speaker).1.len();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (rate, heard) = heard_so_far(&speaker);
    let during_hold = &heard[held_from.min(heard.len())..];
    // baresip answered our sendonly offer recvonly, so it must send us nothing.
    let held_ratio = tone_ratio(during_hold, rate, THEIR_TONE);
    assert!(
        held_ratio < 0.2,
        "on hold we still heard baresip's tone at {held_ratio:.2} over {} samples\n{}",
        during_hold.len(),
        baresip.log()
    );

    engine
        .call_control(id, CallControl::Resume)
        .expect("resume");
    wait_view(
        &engine,
        "the call is resumed",
        connected(CallState::Connected),
    )
    .await;
    // Offsets taken once the resume is confirmed: only later audio is analysed.
    let heard_from = heard_so_far(&speaker).1.len();
    let packets_at_resume = baresip.packets_received();
    tokio::time::sleep(Duration::from_secs(3)).await;

    // baresip -> us: its tone is back, in audio written after the resume.
    let (rate, heard) = heard_so_far(&speaker);
    let (r, n) = last_second_after(&heard, rate, heard_from, THEIR_TONE);
    assert!(
        n >= rate as usize && r > 0.7,
        "after resume we heard baresip's tone at {r:.2} over {n} new samples\n{}",
        baresip.log()
    );
    // us -> baresip: baresip 1.0 stops recording what it decodes at the hold (see
    // `Baresip::decoded`), so after the resume its own RTCP figures are the proof:
    // it keeps counting our packets.
    let deadline = tokio::time::Instant::now() + common::WAIT;
    while baresip.packets_received() <= packets_at_resume {
        assert!(
            tokio::time::Instant::now() < deadline,
            "after resume baresip's RTCP shows no new packets from us (still {})\n{}",
            baresip.packets_received(),
            baresip.events()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let view = engine.view();
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
    println!(
        "held: {} samples heard, tone {held_ratio:.2}; baresip counted {packets_at_resume} \
         packets at resume, {} later",
        during_hold.len(),
        baresip.packets_received()
    );
    baresip.stop().await;
}
