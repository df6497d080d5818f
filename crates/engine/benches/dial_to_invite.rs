//! Dial action to INVITE on the wire, for 911 and for a normal number, side by side
//! with baresip's dial command on the same machine (issue 5's benchmark).
//!
//! A UDP socket of ours plays the far end: it timestamps each INVITE as it arrives and
//! answers 486 so the call ends at once. Our clock starts just before `Engine::dial`;
//! baresip's just before its `dial` command is written to its ctrl_tcp socket (the
//! cheapest way to drive it). Run with `cargo xtask bench` or
//! `cargo bench -p engine --bench dial_to_invite`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use engine::{Engine, EngineOptions};

const CALLS: usize = 1000;

/// The far end, on a thread of its own so an arrival is timestamped when it happens,
/// not when the dialling thread gets round to reading it: receives INVITEs, answers
/// each with 486, and reports each INVITE's arrival time.
struct FarEnd {
    addr: SocketAddr,
    arrivals: mpsc::Receiver<Instant>,
}

impl FarEnd {
    fn new() -> FarEnd {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind the far end");
        let addr = socket.local_addr().expect("addr");
        let (tx, arrivals) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 65535];
            while let Ok((n, from)) = socket.recv_from(&mut buf) {
                let at = Instant::now();
                let text = String::from_utf8_lossy(&buf[..n]);
                // Only a first INVITE counts; retransmissions and ACKs are skipped.
                if !text.starts_with("INVITE ") {
                    continue;
                }
                let _ = socket.send_to(busy_response(&text).as_bytes(), from);
                if tx.send(at).is_err() {
                    return;
                }
            }
        });
        FarEnd { addr, arrivals }
    }

    fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn next_invite(&self) -> Instant {
        self.arrivals
            .recv_timeout(Duration::from_secs(5))
            .expect("an INVITE within 5 s")
    }

    /// Forgets arrivals left over (retransmitted INVITEs) before the next series.
    fn drain(&self) {
        std::thread::sleep(Duration::from_millis(50));
        while self.arrivals.try_recv().is_ok() {}
    }
}

fn busy_response(invite: &str) -> String {
    let header = |name: &str| -> Vec<&str> {
        invite
            .lines()
            .filter(|l| {
                l.split(':')
                    .next()
                    .is_some_and(|h| h.trim().eq_ignore_ascii_case(name))
            })
            .collect()
    };
    let mut out = String::from("SIP/2.0 486 Busy Here\r\n");
    for via in header("Via") {
        out.push_str(via);
        out.push_str("\r\n");
    }
    for name in ["From", "Call-ID", "CSeq"] {
        for line in header(name) {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    for to in header("To") {
        out.push_str(to);
        out.push_str(";tag=bench\r\n");
    }
    out.push_str("Content-Length: 0\r\n\r\n");
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn report(name: &str, mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let (p50, p99) = (percentile(&samples, 0.5), percentile(&samples, 0.99));
    println!(
        "{name:<28} n={:<5} p50 {:>8.3} ms   p99 {:>8.3} ms   max {:>8.3} ms",
        samples.len(),
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        samples[samples.len() - 1].as_secs_f64() * 1e3
    );
    (p50, p99)
}

fn ours(rt: &tokio::runtime::Runtime, far: &FarEnd, dialled: &str) -> Vec<Duration> {
    let dir = tempfile::tempdir().expect("data dir");
    let config = format!(
        "[sip]\nuser = \"bench\"\ndomain = \"127.0.0.1\"\nbind = \"127.0.0.1:0\"\n\
         outbound_proxy = \"{}\"\n[agent]\nnumber = \"+12065550100\"\n",
        far.addr()
    );
    std::fs::write(dir.path().join("softphone.toml"), config).expect("config");
    let engine = rt.block_on(async {
        Engine::start(
            EngineOptions::new(dir.path()),
            tokio::runtime::Handle::current(),
        )
    });
    // The UA binds in the background, and phonenumber loads its metadata on first
    // use: one call each warms both, as the app does at start.
    let mut samples = Vec::with_capacity(CALLS);
    for i in 0..=CALLS {
        let start = Instant::now();
        let id = engine.dial(dialled).expect("dial");
        let arrived = far.next_invite();
        if i > 0 {
            samples.push(arrived - start);
        }
        // Let the 486 end the call, then clear its card.
        let deadline = Instant::now() + Duration::from_secs(5);
        while !engine
            .view()
            .calls
            .iter()
            .any(|c| c.id == id && c.state == wire::CallState::Ended)
        {
            assert!(Instant::now() < deadline, "call {id} did not end");
            std::thread::sleep(Duration::from_micros(200));
        }
        engine.hang_up(id).expect("dismiss");
    }
    far.drain();
    samples
}

/// baresip 1.0 with ctrl_tcp, no audio device, answering nothing.
struct Baresip {
    child: Child,
    ctrl: TcpStream,
    _dir: tempfile::TempDir,
}

impl Baresip {
    fn start() -> Option<Baresip> {
        let dir = tempfile::tempdir().expect("baresip dir");
        let free = || {
            std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("port")
                .port()
        };
        // baresip also listens for SIP over TLS on sip_port + 1.
        let sip_port = free();
        let ctrl_port = std::iter::repeat_with(free)
            .find(|p| p.abs_diff(sip_port) > 1)
            .expect("a control port");
        let config = format!(
            "module_path /usr/lib/baresip/modules\n\
             sip_listen 127.0.0.1:{sip_port}\n\
             audio_player aufile,/dev/null\naudio_source ausine,440\n\
             audio_alert aufile,/dev/null\n\
             module menu.so\nmodule ctrl_tcp.so\nctrl_tcp_listen 127.0.0.1:{ctrl_port}\n\
             module g711.so\nmodule aufile.so\nmodule ausine.so\nmodule account.so\n"
        );
        std::fs::write(dir.path().join("config"), config).expect("config");
        std::fs::write(
            dir.path().join("accounts"),
            "<sip:bench@127.0.0.1>;regint=0\n",
        )
        .expect("accounts");
        std::fs::write(dir.path().join("contacts"), "").expect("contacts");
        let child = Command::new("baresip")
            .arg("-f")
            .arg(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(ctrl) = TcpStream::connect(("127.0.0.1", ctrl_port)) {
                ctrl.set_nodelay(true).ok();
                ctrl.set_read_timeout(Some(Duration::from_millis(1))).ok();
                return Some(Baresip {
                    child,
                    ctrl,
                    _dir: dir,
                });
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn dial(&mut self, uri: &str) {
        let json = format!("{{\"command\":\"dial\",\"params\":\"{uri}\",\"token\":\"b\"}}");
        let netstring = format!("{}:{json},", json.len());
        self.ctrl
            .write_all(netstring.as_bytes())
            .expect("ctrl_tcp write");
    }

    /// Hang up the call so the next dial starts clean, and drop replies.
    fn hang_up(&mut self) {
        let json = "{\"command\":\"hangup\",\"params\":\"\",\"token\":\"h\"}";
        let _ = self
            .ctrl
            .write_all(format!("{}:{json},", json.len()).as_bytes());
        let mut sink = [0u8; 4096];
        while self.ctrl.read(&mut sink).is_ok_and(|n| n > 0) {}
    }
}

impl Drop for Baresip {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn baresip(far: &FarEnd, user: &str) -> Option<Vec<Duration>> {
    let mut b = Baresip::start()?;
    let uri = format!("sip:{user}@{}", far.addr());
    let mut samples = Vec::with_capacity(CALLS);
    for i in 0..=CALLS {
        let start = Instant::now();
        b.dial(&uri);
        let arrived = far.next_invite();
        if i > 0 {
            samples.push(arrived - start);
        }
        b.hang_up();
    }
    far.drain();
    Some(samples)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let far = FarEnd::new();
    println!("dial action -> INVITE on the wire, {CALLS} calls each, loopback");
    let (_, e911) = report("softphone 911", ours(&rt, &far, "911"));
    let (_, normal) = report("softphone +12065550142", ours(&rt, &far, "+12065550142"));
    match baresip(&far, "+12065550142") {
        Some(samples) => {
            let (_, theirs) = report("baresip 1.0 (ctrl_tcp dial)", samples);
            println!(
                "p99 ratio baresip/softphone: 911 {:.1}x, normal {:.1}x",
                theirs.as_secs_f64() / e911.as_secs_f64(),
                theirs.as_secs_f64() / normal.as_secs_f64()
            );
        }
        None => panic!("baresip could not be started (Debian package baresip)"),
    }
}
