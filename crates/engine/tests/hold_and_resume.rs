//! Hold and resume against real peers. The engine calls the peer (each end plays its
//! own tone; both are heard before the hold), holds with a sendonly re-INVITE (the
//! peer answers recvonly and must go quiet: we hear no tone from it), resumes with a
//! sendrecv one, and audio must flow again. Captures are read by offset: what a
//! recorder had written when the resume was confirmed is set aside and only what came
//! after is analysed.
//!
//! With linphonec both directions are proven by tone after the resume. baresip 1.0
//! cannot record what it decodes after a hold (see `Baresip::decoded`), so there the
//! way back to it is proven by its RTCP figures.

mod common;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use common::baresip::{first_channel_since, Baresip, THEIR_TONE};
use common::linphone::{Linphonec, LINPHONE_TONE};
use common::{config_for, engine_with, wait_view};
use engine::Engine;
use media::audio::tone::{tone_ratio, ToneGenerator};
use media::audio::wav;
use wire::{CallControl, CallState};

const OUR_TONE: f64 = 1000.0;

/// Our side of one call: the microphone plays [`OUR_TONE`], the speaker is a WAV file.
struct Agent {
    engine: Engine,
    id: u32,
    speaker: PathBuf,
    _files: tempfile::TempDir,
    _data: tempfile::TempDir,
}

impl Agent {
    async fn call(peer: SocketAddr) -> Agent {
        let files = tempfile::tempdir().unwrap();
        let mic = files.path().join("mic.wav");
        let speaker = files.path().join("speaker.wav");
        let tone = ToneGenerator::new(OUR_TONE, 48000, 8000).samples(48000 * 10);
        wav::write_file(&mic, 48000, &tone).unwrap();
        let audio = format!(
            "[audio]\ninput = \"{}\"\noutput = \"{}\"\n",
            mic.display(),
            speaker.display()
        );
        let (engine, data) = engine_with(&config_for(peer, &audio));
        let id = engine.dial("+12065550142").expect("dial");
        let agent = Agent {
            engine,
            id,
            speaker,
            _files: files,
            _data: data,
        };
        agent
            .reach(CallState::Connected, "the call is connected")
            .await;
        agent
    }

    async fn reach(&self, state: CallState, what: &str) {
        wait_view(&self.engine, what, |v| {
            v.calls.iter().any(|c| c.id == self.id && c.state == state)
        })
        .await;
    }

    fn heard_len(&self) -> u64 {
        std::fs::metadata(&self.speaker).map_or(0, |m| m.len())
    }

    /// What we heard since the speaker file was `from` bytes long.
    fn heard_since(&self, from: u64) -> (u32, Vec<i16>) {
        first_channel_since(&self.speaker, from)
    }

    /// Holds, lets what was in flight drain, and returns what we heard over the next
    /// two seconds, with `peer_mark` (the peer's recording length) at both ends of them.
    async fn hold_and_listen(&self, peer_mark: impl Fn() -> u64) -> ((u32, Vec<i16>), u64, u64) {
        self.engine
            .call_control(self.id, CallControl::Hold)
            .expect("hold");
        self.reach(CallState::OnHold, "the call is on hold").await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let from = self.heard_len();
        let peer_from = peer_mark();
        tokio::time::sleep(Duration::from_secs(2)).await;
        let peer_to = peer_mark();
        (self.heard_since(from), peer_from, peer_to)
    }

    /// Resumes; returns the speaker file's length once the resume is confirmed.
    async fn resume(&self) -> u64 {
        self.engine
            .call_control(self.id, CallControl::Resume)
            .expect("resume");
        self.reach(CallState::Connected, "the call is resumed")
            .await;
        self.heard_len()
    }

    async fn hang_up(&self) {
        let view = self.engine.view();
        assert!(
            view.calls[0].problem.is_none(),
            "{:?}",
            view.calls[0].problem
        );
        self.engine.hang_up(self.id).expect("hang up");
        self.reach(CallState::Ended, "the call ended").await;
    }
}

/// The last second of `samples` is `tone`, and there is at least a second of it.
fn assert_tone(samples: &[i16], rate: u32, tone: f64, what: &str, log: &str) -> f64 {
    let second = &samples[samples.len().saturating_sub(rate as usize)..];
    let r = tone_ratio(second, rate, tone);
    assert!(
        samples.len() >= rate as usize && r > 0.7,
        "{what}: {tone} Hz at {r:.2} over {} samples\n{log}",
        samples.len()
    );
    r
}

fn assert_quiet(held: &(u32, Vec<i16>), tone: f64, log: &str) {
    let r = tone_ratio(&held.1, held.0, tone);
    assert!(
        r < 0.2,
        "on hold we still heard the peer's {tone} Hz at {r:.2} over {} samples\n{log}",
        held.1.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hold_silences_baresip_and_resume_brings_its_audio_back_while_ours_keeps_reaching_it() {
    let baresip = Baresip::start("+12065550142").await;
    let agent = Agent::call(baresip.addr).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (rate, heard) = agent.heard_since(0);
    assert_tone(
        &heard,
        rate,
        THEIR_TONE,
        "before hold we heard",
        &baresip.log(),
    );
    let (rate, theirs) = baresip.decoded_so_far();
    assert_tone(
        &theirs,
        rate,
        OUR_TONE,
        "before hold baresip heard",
        &baresip.log(),
    );

    let (held, _, _) = agent.hold_and_listen(|| 0).await;
    assert_quiet(&held, THEIR_TONE, &baresip.log());

    let from = agent.resume().await;
    let packets_at_resume = baresip.packets_received();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (rate, heard) = agent.heard_since(from);
    assert_tone(
        &heard,
        rate,
        THEIR_TONE,
        "after resume we heard",
        &baresip.log(),
    );
    // The way back: baresip keeps counting our packets in its RTCP figures.
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
    println!(
        "baresip: held {} samples heard; baresip counted {packets_at_resume} packets at \
         resume, {} later",
        held.1.len(),
        baresip.packets_received()
    );
    agent.hang_up().await;
    baresip.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_hold_linphonec_hears_nothing_of_us_and_after_resume_both_hear_each_other() {
    let mut linphone = Linphonec::start().await;
    let agent = Agent::call(linphone.addr).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (rate, heard) = agent.heard_since(0);
    assert_tone(
        &heard,
        rate,
        LINPHONE_TONE,
        "before hold we heard",
        &linphone.log(),
    );

    let (held, peer_held_from, peer_held_to) =
        agent.hold_and_listen(|| linphone.recorded_len()).await;
    assert_quiet(&held, LINPHONE_TONE, &linphone.log());

    let from = agent.resume().await;
    let theirs_from = linphone.recorded_len();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (rate, heard) = agent.heard_since(from);
    let ours = assert_tone(
        &heard,
        rate,
        LINPHONE_TONE,
        "after resume we heard",
        &linphone.log(),
    );
    agent.hang_up().await;

    // linphonec's recorder finishes its file at the hang-up.
    let (rate, theirs) = linphone.heard_since(theirs_from).await;
    let log = linphone.log();
    // While held, the customer must not hear the agent: our side sends silence.
    let (_, from_hold) = linphone.heard_since(peer_held_from).await;
    let (_, after_hold) = linphone.heard_since(peer_held_to).await;
    // linphonec writes what it decodes, so nothing (or silence) may be there; before
    // the engine silenced held calls this span held a full 1000 Hz tone.
    let while_held = &from_hold[..from_hold.len().saturating_sub(after_hold.len())];
    let leaked = if while_held.is_empty() {
        0.0
    } else {
        tone_ratio(while_held, rate, OUR_TONE)
    };
    assert!(
        leaked < 0.2,
        "on hold linphonec still heard our {OUR_TONE} Hz at {leaked:.2} over {} samples\n{log}",
        while_held.len()
    );
    let r = assert_tone(
        &theirs,
        rate,
        OUR_TONE,
        "after resume linphonec heard",
        &log,
    );
    println!(
        "linphonec: held {} samples heard; after resume we heard {ours:.2}, it heard {r:.2}",
        held.1.len()
    );
    linphone.stop().await;
}
