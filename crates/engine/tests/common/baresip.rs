//! A headless baresip on loopback answering automatically: it plays a tone WAV as its
//! microphone (aufile) and records what it decodes (sndfile). Killed by its own pid.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use media::audio::tone::ToneGenerator;
use media::audio::wav;
use tokio::process::{Child, Command};

/// The tone baresip plays.
pub const THEIR_TONE: f64 = 600.0;

pub struct Baresip {
    child: Child,
    pub dir: tempfile::TempDir,
    pub addr: std::net::SocketAddr,
}

impl Baresip {
    /// baresip answering calls to `user`.
    pub async fn start(user: &str) -> Baresip {
        let dir = tempfile::tempdir().expect("dir");
        let input = dir.path().join("in.wav");
        let tone = ToneGenerator::new(THEIR_TONE, 48000, 8000).samples(48000 * 20);
        wav::write_file(&input, 48000, &tone).expect("tone file");
        let port = std::net::UdpSocket::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .expect("port")
            .port();
        let config = format!(
            "poll_method epoll\nsip_listen 127.0.0.1:{port}\n\
             audio_source aufile,{input}\naudio_player aubridge,nowhere\n\
             audio_alert aubridge,nowhere\nausrc_srate 48000\nausrc_channels 1\n\
             module_path /usr/lib/baresip/modules\nmodule g711.so\nmodule opus.so\n\
             module aufile.so\nmodule aubridge.so\nmodule sndfile.so\nmodule account.so\n\
             module menu.so\nsnd_path {dir}\nopus_stereo no\nopus_sprop_stereo no\n",
            input = input.display(),
            dir = dir.path().display(),
        );
        std::fs::write(dir.path().join("config"), config).expect("config");
        std::fs::write(
            dir.path().join("accounts"),
            format!("<sip:{user}@127.0.0.1>;regint=0;answermode=auto\n"),
        )
        .expect("accounts");
        let log = std::fs::File::create(dir.path().join("baresip.log")).expect("log");
        let child = Command::new("baresip")
            .arg("-f")
            .arg(dir.path())
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .expect("baresip (Debian package baresip)");
        let mut b = Baresip {
            child,
            dir,
            addr: std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        };
        let deadline = tokio::time::Instant::now() + super::WAIT;
        while !b.log().contains("baresip is ready") {
            if let Ok(Some(status)) = b.child.try_wait() {
                panic!("baresip exited with {status}:\n{}", b.log());
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "baresip not ready:\n{}",
                b.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        b
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("baresip.log")).unwrap_or_default()
    }

    /// What baresip decoded from us, as sndfile recorded it.
    pub fn decoded(&self) -> (u32, Vec<i16>) {
        let path = std::fs::read_dir(self.dir.path())
            .expect("dir")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| {
                let n = p
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                n.starts_with("dump-") && n.ends_with("-dec.wav")
            })
            .unwrap_or_else(|| panic!("no sndfile dump:\n{}", self.log()));
        first_channel(&path)
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// First channel of a 16-bit WAV, read to the end of the file whatever the header's
/// sizes say (a recorder still running may not have fixed them).
pub fn first_channel(path: &Path) -> (u32, Vec<i16>) {
    let bytes = std::fs::read(path).expect("wav");
    if let Ok(w) = wav::read(&bytes) {
        return (w.sample_rate, w.samples);
    }
    let find = |tag: &[u8]| bytes.windows(4).position(|w| w == tag).expect("chunk");
    let fmt = find(b"fmt ") + 8;
    let channels = usize::from(u16::from_le_bytes([bytes[fmt + 2], bytes[fmt + 3]]));
    let rate = u32::from_le_bytes(bytes[fmt + 4..fmt + 8].try_into().expect("rate"));
    let data = find(b"data") + 8;
    let samples = bytes[data..]
        .chunks_exact(2 * channels)
        .map(|c| i16::from_le_bytes([c[0], c[1]]))
        .collect();
    (rate, samples)
}

pub fn wav_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}
