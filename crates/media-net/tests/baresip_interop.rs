//! Interop with a real peer: baresip (Debian package) on loopback, headless. We call
//! it with sip-ua, it answers automatically; our leg sends a 1 kHz tone and baresip
//! plays a 600 Hz WAV file (aufile). baresip's sndfile module records what it
//! decoded; we check our tone there, and its tone in what we played.

mod common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use common::*;
use media::audio::file::MemorySink;
use media::audio::tone::{tone_ratio, ToneGenerator};
use media::audio::wav;
use media::sdp::negotiate::{accept_answer, create_offer, CodecPreference};
use media_net::{LegOptions, MediaLeg};
use sip_ua::{CallEvent, Identity, InviteExtras, UaConfig, UserAgent};
use tokio::process::{Child, Command};

const OUR_TONE: f64 = 1000.0;
const THEIR_TONE: f64 = 600.0;
/// Every wait is bounded: a broken peer fails the test, it never hangs it.
const WAIT: Duration = Duration::from_secs(10);

/// A baresip process in its own config folder. Killed by its own pid and waited for.
struct Baresip {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl Baresip {
    async fn start(input_rate: u32) -> Baresip {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.wav");
        let tone =
            ToneGenerator::new(THEIR_TONE, input_rate, 8000).samples(input_rate as usize * 20);
        wav::write_file(&input, input_rate, &tone).unwrap();
        // A free port for its SIP listener (released just before baresip takes it).
        let port = std::net::UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let d = dir.path().display();
        let config = format!(
            "poll_method epoll\n\
             sip_listen 127.0.0.1:{port}\n\
             audio_source aufile,{input}\n\
             audio_player aubridge,nowhere\n\
             audio_alert aubridge,nowhere\n\
             ausrc_srate {input_rate}\n\
             ausrc_channels 1\n\
             module_path /usr/lib/baresip/modules\n\
             module g711.so\n\
             module opus.so\n\
             module aufile.so\n\
             module aubridge.so\n\
             module sndfile.so\n\
             module account.so\n\
             module menu.so\n\
             snd_path {d}\n\
             opus_stereo no\n\
             opus_sprop_stereo no\n",
            input = input.display(),
        );
        std::fs::write(dir.path().join("config"), config).unwrap();
        std::fs::write(
            dir.path().join("accounts"),
            "<sip:bob@127.0.0.1>;regint=0;answermode=auto\n",
        )
        .unwrap();
        let log = std::fs::File::create(dir.path().join("baresip.log")).unwrap();
        let child = Command::new("baresip")
            .arg("-f")
            .arg(dir.path())
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .expect("baresip is installed (apt package baresip)");
        let mut b = Baresip { child, dir, port };
        b.wait_ready().await;
        b
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("baresip.log")).unwrap_or_default()
    }

    async fn wait_ready(&mut self) {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if self.log().contains("baresip is ready") {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("baresip exited with {status}:\n{}", self.log());
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "baresip not ready:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The WAV sndfile wrote of what baresip decoded from us.
    fn decoded_wav(&self) -> PathBuf {
        std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                name.starts_with("dump-") && name.ends_with("-dec.wav")
            })
            .unwrap_or_else(|| panic!("no decoded dump from sndfile:\n{}", self.log()))
    }

    async fn stop(mut self) -> tempfile::TempDir {
        // SIGKILL to its own pid (Child::kill), then reap it.
        self.child.kill().await.unwrap();
        self.dir
    }
}

/// First channel of a 16-bit PCM WAV, read up to the end of the file whatever the
/// header's sizes say (a recorder killed mid-call may not have fixed them).
fn read_first_channel(path: &Path) -> (u32, Vec<i16>) {
    let bytes = std::fs::read(path).unwrap();
    if let Ok(w) = wav::read(&bytes) {
        return (w.sample_rate, w.samples);
    }
    let find = |tag: &[u8]| bytes.windows(4).position(|w| w == tag).unwrap();
    let fmt = find(b"fmt ") + 8;
    let channels = usize::from(u16::from_le_bytes([bytes[fmt + 2], bytes[fmt + 3]]));
    let rate = u32::from_le_bytes(bytes[fmt + 4..fmt + 8].try_into().unwrap());
    let data = find(b"data") + 8;
    let samples = bytes[data..]
        .chunks_exact(2 * channels)
        .map(|c| i16::from_le_bytes([c[0], c[1]]))
        .collect();
    (rate, samples)
}

async fn call_baresip(pref: CodecPreference, input_rate: u32) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("media_net=debug,sip_ua=info,rsipstack=warn")
        .with_test_writer()
        .try_init();
    let baresip = Baresip::start(input_rate).await;
    let (ua, _events) = UserAgent::start(UaConfig::udp(
        "127.0.0.1:0".parse().unwrap(),
        Identity {
            user: "agent".into(),
            domain: "127.0.0.1".into(),
            display_name: None,
        },
    ))
    .await
    .unwrap();
    let leg = MediaLeg::bind(LOOPBACK).await.unwrap();
    let local = leg.local_media(vec![pref.clone()], false);
    let offer = create_offer(&local, origin());
    let target = format!("sip:bob@127.0.0.1:{}", baresip.port);
    let mut call = ua
        .invite(&target, &offer.to_string(), InviteExtras::default())
        .await
        .unwrap();
    let answer_sdp = tokio::time::timeout(WAIT, async {
        loop {
            match call.next_event().await {
                Some(CallEvent::Answered { sdp }) => return sdp,
                Some(CallEvent::Failed { reason }) => panic!("call failed: {reason:?}"),
                Some(_) => continue,
                None => panic!("call ended before an answer"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no answer from baresip:\n{}", baresip.log()));
    let answer = media::sdp::parse(&answer_sdp).unwrap();
    let negotiated = accept_answer(&offer, &answer, &local).unwrap();
    assert!(
        negotiated
            .codec
            .encoding
            .eq_ignore_ascii_case(&pref.encoding),
        "{negotiated:?}"
    );
    let (sink, heard) = MemorySink::new(48000);
    let handle = leg
        .start_with(
            negotiated,
            Box::new(ToneGenerator::new(OUR_TONE, 48000, 8000)),
            Box::new(sink),
            LegOptions::default(),
        )
        .unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let stats = handle.stats();
    call.bye().await.unwrap();
    let final_stats = handle.stop().await;
    // Let baresip close its recording after the BYE.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let log = baresip.log();
    let dump = baresip.decoded_wav();
    let _dir = baresip.stop().await;
    ua.shutdown();

    let heard = heard.samples();
    let ours = tone_ratio(tail(&heard, 48000, 1000), 48000, THEIR_TONE);
    assert!(
        ours > 0.7,
        "{}: we heard baresip's tone at {ours:.2}; {stats:?}\n{log}",
        pref.encoding
    );
    let (rate, theirs) = read_first_channel(&dump);
    assert!(
        theirs.len() > rate as usize * 2,
        "{} samples at {rate}:\n{log}",
        theirs.len()
    );
    let last = &theirs[theirs.len() - rate as usize..];
    let r = tone_ratio(last, rate, OUR_TONE);
    assert!(
        r > 0.7,
        "{}: baresip heard our tone at {r:.2}\n{log}",
        pref.encoding
    );
    // baresip opens with a lone RTCP APP packet (a NAT keepalive), which is not a
    // valid compound (RFC 3550 A.2) and is dropped; no audio packet may be.
    assert!(
        final_stats.packets_received > 100 && final_stats.malformed <= 1,
        "{final_stats:?}"
    );
    println!(
        "{}: we heard {ours:.2}, baresip heard {r:.2}; {final_stats:?}",
        pref.encoding
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baresip_hears_our_pcmu_tone_and_we_hear_its() {
    call_baresip(CodecPreference::pcmu(), 8000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baresip_hears_our_opus_tone_and_we_hear_its() {
    call_baresip(CodecPreference::opus(), 48000).await;
}
