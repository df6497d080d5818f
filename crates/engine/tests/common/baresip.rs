//! A headless baresip on loopback answering automatically: it plays a tone WAV as its
//! microphone (aufile) and records what it decodes (sndfile). Its events (DTMF
//! received, call state) are read from the ctrl_tcp module. Killed by its own pid.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use media::audio::tone::ToneGenerator;
use media::audio::wav;
use tokio::io::AsyncReadExt;
use tokio::process::{Child, Command};

/// The tone baresip plays.
pub const THEIR_TONE: f64 = 600.0;

pub struct Baresip {
    child: Child,
    pub dir: tempfile::TempDir,
    pub addr: std::net::SocketAddr,
    /// Everything ctrl_tcp sent: netstrings of JSON events.
    events: Arc<Mutex<String>>,
}

impl Baresip {
    /// baresip answering calls to `user`.
    ///
    /// baresip binds its SIP port for UDP and TCP and the next one for TLS; a port
    /// found free for UDP may still be taken for those by another test, so a start
    /// that fails on "Address already in use" is tried again on fresh ports.
    pub async fn start(user: &str) -> Baresip {
        let mut last = String::new();
        for _ in 0..5 {
            match Self::try_start(user).await {
                Ok(b) => return b,
                Err(log) if log.contains("Address already in use") => last = log,
                Err(log) => panic!("baresip did not start:\n{log}"),
            }
        }
        panic!("baresip found no free port in 5 tries:\n{last}");
    }

    async fn try_start(user: &str) -> Result<Baresip, String> {
        let dir = tempfile::tempdir().expect("dir");
        let input = dir.path().join("in.wav");
        // aufile stops at the end of its file; a call with hold and resume runs long.
        let tone = ToneGenerator::new(THEIR_TONE, 48000, 8000).samples(48000 * 60);
        wav::write_file(&input, 48000, &tone).expect("tone file");
        let port = std::net::UdpSocket::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .expect("port")
            .port();
        let ctrl = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .expect("port")
            .port();
        let config = format!(
            "poll_method epoll\nsip_listen 127.0.0.1:{port}\n\
             audio_source aufile,{input}\naudio_player aubridge,nowhere\n\
             audio_alert aubridge,nowhere\nausrc_srate 48000\nausrc_channels 1\n\
             module_path /usr/lib/baresip/modules\nmodule g711.so\nmodule opus.so\n\
             module aufile.so\nmodule aubridge.so\nmodule sndfile.so\nmodule account.so\n\
             module menu.so\nmodule ctrl_tcp.so\nctrl_tcp_listen 127.0.0.1:{ctrl}\n\
             snd_path {dir}\nopus_stereo no\nopus_sprop_stereo no\n",
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
            events: Arc::default(),
        };
        let deadline = tokio::time::Instant::now() + super::WAIT;
        while !b.log().contains("baresip is ready") {
            if let Ok(Some(status)) = b.child.try_wait() {
                return Err(format!("exited with {status}:\n{}", b.log()));
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "baresip not ready:\n{}",
                b.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", ctrl))
            .await
            .unwrap_or_else(|e| panic!("ctrl_tcp: {e}\n{}", b.log()));
        let events = b.events.clone();
        tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = stream.read(&mut buf).await {
                let text = String::from_utf8_lossy(&buf[..n]);
                events.lock().unwrap().push_str(&text);
            }
        });
        Ok(b)
    }

    /// ctrl_tcp's events so far, as received (netstrings of JSON objects).
    pub fn events(&self) -> String {
        self.events.lock().unwrap().clone()
    }

    /// The keys of baresip's `CALL_DTMF_START` events so far, in order.
    pub fn dtmf_received(&self) -> String {
        self.events()
            .split("\"type\":\"CALL_DTMF_START\"")
            .skip(1)
            .filter_map(|event| {
                let param = event.split("\"param\":\"").nth(1)?;
                param.chars().next()
            })
            .collect()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("baresip.log")).unwrap_or_default()
    }

    /// How many RTP packets from us baresip counted, by its latest RTCP figures
    /// (`CALL_RTCP` events come every few seconds); 0 before the first.
    pub fn packets_received(&self) -> u64 {
        const KEY: &str = "\"rx\":{\"sent\":";
        let events = self.events();
        let Some(at) = events.rfind(KEY) else {
            return 0;
        };
        let digits: String = events[at + KEY.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().unwrap_or(0)
    }

    /// What baresip decoded from us, as sndfile recorded it. baresip 1.0 drops its
    /// decode-side filters (sndfile's recorder) when a re-offer is not sendrecv and
    /// never rebuilds them (audio_decoder_set resets the chain, aufilt_setup only
    /// builds when both chains are empty): after a hold this stops growing.
    pub fn decoded(&self) -> (u32, Vec<i16>) {
        first_channel(&self.decoded_path())
    }

    /// What baresip decoded so far, while the call runs (the header is not final).
    pub fn decoded_so_far(&self) -> (u32, Vec<i16>) {
        first_channel_to_end(&self.decoded_path())
    }

    fn decoded_path(&self) -> PathBuf {
        std::fs::read_dir(self.dir.path())
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
            .unwrap_or_else(|| panic!("no sndfile dump:\n{}", self.log()))
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
    samples_to_end(&bytes, 0)
}

/// First channel of a 16-bit WAV still being written: everything after the `data`
/// chunk's start, whatever the header says (a running writer has not fixed it yet).
pub fn first_channel_to_end(path: &Path) -> (u32, Vec<i16>) {
    samples_to_end(&std::fs::read(path).expect("wav"), 0)
}

/// First channel of a 16-bit WAV from the frame at byte `from` of the file (the
/// file's length at some earlier moment) to the end: what was written since.
pub fn first_channel_since(path: &Path, from: u64) -> (u32, Vec<i16>) {
    samples_to_end(&std::fs::read(path).expect("wav"), from)
}

fn samples_to_end(bytes: &[u8], from: u64) -> (u32, Vec<i16>) {
    let find = |tag: &[u8]| bytes.windows(4).position(|w| w == tag).expect("chunk");
    let fmt = find(b"fmt ") + 8;
    let channels = usize::from(u16::from_le_bytes([bytes[fmt + 2], bytes[fmt + 3]]));
    let rate = u32::from_le_bytes(bytes[fmt + 4..fmt + 8].try_into().expect("rate"));
    let data = find(b"data") + 8;
    let frame = 2 * channels;
    let from = usize::try_from(from).expect("offset").max(data);
    let start = data + (from - data) / frame * frame;
    let samples = bytes[start.min(bytes.len())..]
        .chunks_exact(frame)
        .map(|c| i16::from_le_bytes([c[0], c[1]]))
        .collect();
    (rate, samples)
}

pub fn wav_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}
