//! A headless baresip in a temp config folder: SIP on a loopback port, auto-answer,
//! aufile as microphone (a tone WAV), sndfile recording what it decodes.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use media::audio::tone::ToneGenerator;
use media::audio::wav;
use media::sdp::negotiate::{accept_answer, create_offer, CodecPreference, Negotiated};
use media_net::MediaLeg;
use sip_ua::{Call, CallEvent, Identity, InviteExtras, UaConfig, UserAgent};
use tokio::process::{Child, Command};

use super::{origin, LOOPBACK};

/// The tone baresip plays.
pub const THEIR_TONE: f64 = 600.0;
/// Every wait is bounded: a broken peer fails the test, it never hangs it.
pub const WAIT: Duration = Duration::from_secs(10);

/// A baresip process in its own config folder. Killed by its own pid and waited for.
pub struct Baresip {
    pub child: Child,
    pub dir: tempfile::TempDir,
    pub port: u16,
}

impl Baresip {
    /// baresip playing a tone WAV at `input_rate`; with `srtp` it insists on SDES-SRTP.
    ///
    /// baresip binds its SIP port for UDP and TCP and the next one for TLS; a port
    /// found free for UDP may still be taken for those by another test, so a start
    /// that fails on "Address already in use" is tried again on a fresh port.
    pub async fn start(input_rate: u32, srtp: bool) -> Baresip {
        let mut last = String::new();
        for _ in 0..5 {
            match Self::try_start(input_rate, srtp).await {
                Ok(b) => return b,
                Err(log) if log.contains("Address already in use") => last = log,
                Err(log) => panic!("baresip did not start:\n{log}"),
            }
        }
        panic!("baresip found no free port in 5 tries:\n{last}");
    }

    async fn try_start(input_rate: u32, srtp: bool) -> Result<Baresip, String> {
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
             module srtp.so\n\
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
            format!(
                "<sip:bob@127.0.0.1>;regint=0;answermode=auto{}\n",
                if srtp { ";mediaenc=srtp-mand" } else { "" }
            ),
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
        b.wait_ready().await?;
        Ok(b)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("baresip.log")).unwrap_or_default()
    }

    /// Ready, or the log of a baresip that exited (a hang past `WAIT` panics).
    async fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if self.log().contains("baresip is ready") {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("exited with {status}:\n{}", self.log()));
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
    pub fn decoded_wav(&self) -> PathBuf {
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

    pub async fn stop(mut self) -> tempfile::TempDir {
        // SIGKILL to its own pid (Child::kill), then reap it.
        self.child.kill().await.unwrap();
        self.dir
    }
}

/// First channel of a 16-bit PCM WAV, read up to the end of the file whatever the
/// header's sizes say (a recorder killed mid-call may not have fixed them).
pub fn read_first_channel(path: &Path) -> (u32, Vec<i16>) {
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

/// A call to baresip, answered, with our leg bound but not started.
pub struct Dialled {
    pub ua: UserAgent,
    pub call: Call,
    pub leg: MediaLeg,
    pub negotiated: Negotiated,
}

/// Calls baresip through sip-ua with an offer for `pref` only, and reads its answer.
pub async fn dial(baresip: &Baresip, pref: CodecPreference, srtp: bool) -> Dialled {
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
    let local = leg.local_media(vec![pref.clone()], srtp);
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
    Dialled {
        ua,
        call,
        leg,
        negotiated,
    }
}
