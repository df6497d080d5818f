//! A headless linphonec (Debian package linphone-cli) on loopback answering
//! automatically, in its own HOME and configuration file, driven over its stdin: in
//! file mode it plays a tone WAV instead of a microphone and records what it would have
//! played into a WAV. Killed by its own pid.

use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use media::audio::tone::ToneGenerator;
use media::audio::wav;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, ChildStdin, Command};

/// The tone linphonec plays.
pub const LINPHONE_TONE: f64 = 800.0;

pub struct Linphonec {
    child: Child,
    stdin: ChildStdin,
    pub dir: tempfile::TempDir,
    pub addr: SocketAddr,
    /// What linphonec printed on stdout: command answers and call states.
    output: Arc<Mutex<String>>,
}

fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("a free UDP port")
        .port()
}

impl Linphonec {
    pub async fn start() -> Linphonec {
        let dir = tempfile::tempdir().expect("dir");
        let tone = ToneGenerator::new(LINPHONE_TONE, 48000, 8000).samples(48000 * 60);
        wav::write_file(&dir.path().join("in.wav"), 48000, &tone).expect("tone file");
        let port = free_udp_port();
        // Fixed SIP and RTP ports on loopback, no TCP/TLS listeners, no echo
        // canceller (it would eat a steady tone).
        let config = format!(
            "[sip]\nsip_port={port}\nsip_tcp_port=0\nsip_tls_port=0\nbind_address=127.0.0.1\n\
             [rtp]\naudio_rtp_port={rtp}\n[sound]\necho_cancellation=0\n",
            rtp = free_udp_port(),
        );
        std::fs::write(dir.path().join("linphonerc"), config).expect("config");
        // Without its database folder liblinphone never starts its SIP transports.
        std::fs::create_dir_all(dir.path().join(".local/share/linphone")).expect("db dir");
        let log = std::fs::File::create(dir.path().join("stderr.log")).expect("log");
        let mut child = Command::new("linphonec")
            .arg("-c")
            .arg(dir.path().join("linphonerc"))
            .arg("-a")
            .env("HOME", dir.path())
            .current_dir(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .expect("linphonec (Debian package linphone-cli)");
        let stdin = child.stdin.take().expect("stdin");
        let mut stdout = child.stdout.take().expect("stdout");
        let output: Arc<Mutex<String>> = Arc::default();
        let sink = output.clone();
        tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = stdout.read(&mut buf).await {
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let mut l = Linphonec {
            child,
            stdin,
            dir,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            output,
        };
        l.command(
            "soundcard use files",
            "Using wav files instead of soundcard",
        )
        .await;
        let (play, record) = (l.path("in.wav"), l.path("heard.wav"));
        l.send(&format!("play {}", play.display())).await;
        l.send(&format!("record {}", record.display())).await;
        // Commands run in order: once this one is answered, the two above are done.
        l.command("autoanswer enable", "Auto answer enabled").await;
        l.wait("SIP port bound", |l| UdpSocket::bind(l.addr).is_err())
            .await;
        l
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    async fn send(&mut self, line: &str) {
        self.stdin
            .write_all(format!("{line}\n").as_bytes())
            .await
            .expect("linphonec's stdin");
    }

    async fn command(&mut self, line: &str, answer: &str) {
        self.send(line).await;
        self.wait(answer, |l| l.output().contains(answer)).await;
    }

    async fn wait(&mut self, what: &str, done: impl Fn(&Linphonec) -> bool) {
        let deadline = tokio::time::Instant::now() + super::WAIT;
        while !done(self) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("linphonec exited with {status}:\n{}", self.log());
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "linphonec: no {what}\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }

    /// stdout, then the tail of stderr (liblinphone's own log), for failure messages.
    pub fn log(&self) -> String {
        let stderr = std::fs::read_to_string(self.path("stderr.log")).unwrap_or_default();
        let tail = &stderr[stderr.len().saturating_sub(4000)..];
        format!("--- stdout ---\n{}\n--- stderr ---\n{tail}", self.output())
    }

    /// What linphonec recorded of the call (what it decoded from us). Its recorder
    /// writes the WAV header when the call ends: call this after the hang-up.
    pub async fn heard(&mut self) -> (u32, Vec<i16>) {
        self.heard_since(0).await
    }

    /// How long linphonec's recording file is now, in bytes (0 before the call).
    pub fn recorded_len(&self) -> u64 {
        std::fs::metadata(self.path("heard.wav")).map_or(0, |m| m.len())
    }

    /// What linphonec recorded after its file was `from` bytes long (see
    /// [`Linphonec::recorded_len`]). Its recorder writes the WAV header (same size as
    /// the placeholder) when the call ends: call this after the hang-up.
    pub async fn heard_since(&mut self, from: u64) -> (u32, Vec<i16>) {
        let path = self.path("heard.wav");
        let has_header = |p: &std::path::Path| {
            std::fs::read(p).is_ok_and(|b| b.windows(4).any(|w| w == b"fmt "))
        };
        self.wait("recording closed", |_| has_header(&path)).await;
        assert!(
            self.recorded_len() >= from,
            "linphonec's recording restarted: {} bytes, {from} before\n{}",
            self.recorded_len(),
            self.log()
        );
        super::baresip::first_channel_since(&path, from)
    }

    pub async fn stop(mut self) {
        self.send("quit").await;
        if tokio::time::timeout(Duration::from_secs(5), self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.kill().await;
        }
    }
}
