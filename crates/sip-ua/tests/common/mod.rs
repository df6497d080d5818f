//! Test support: a real sipp on loopback, started per test on a free port with its own
//! scenario file from `tests/scenarios/`, always bounded in time and always killed.

#![allow(dead_code)] // each test binary uses a different subset

use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use sip_ua::{
    CallEvent, CivicAddress, CivicField, Credentials, EndedBy, Identity, IncomingCall,
    LocationByValue, RegistrationEvent, UaConfig, UaEvent, UaEvents, UserAgent,
};
use tokio::process::{Child, Command};

/// Every wait in these tests is bounded by this: a broken peer fails a test, it never
/// hangs the suite.
pub const WAIT: Duration = Duration::from_secs(10);

pub const USER: &str = "agent1001";
pub const PASSWORD: &str = "s3cret";

/// A running sipp. Killed (SIGKILL to its own pid, via `Child::kill`) when dropped.
pub struct Sipp {
    child: Child,
    pub addr: SocketAddr,
    dir: tempfile::TempDir,
    scenario: String,
    over: Over,
}

pub fn scenario_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/scenarios")
        .join(name)
}

/// How sipp talks: UDP, or TCP on one socket (`-t t1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Over {
    Udp,
    Tcp,
}

pub fn free_port(over: Over) -> u16 {
    match over {
        Over::Udp => UdpSocket::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .expect("an ephemeral UDP port")
            .port(),
        Over::Tcp => TcpListener::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .expect("an ephemeral TCP port")
            .port(),
    }
}

/// Whether `addr` is still free for `over`.
fn can_bind(addr: SocketAddr, over: Over) -> bool {
    match over {
        Over::Udp => UdpSocket::bind(addr).is_ok(),
        Over::Tcp => TcpListener::bind(addr).is_ok(),
    }
}

impl Sipp {
    /// Starts sipp as a server (UAS or registrar) running `scenario` for one call.
    pub async fn serve(scenario: &str) -> Sipp {
        Sipp::serve_over(scenario, Over::Udp).await
    }

    /// Like [`Sipp::serve`], over the given transport.
    pub async fn serve_over(scenario: &str, over: Over) -> Sipp {
        Sipp::start(scenario, over, free_port(over), &["-m", "1"]).await
    }

    /// sipp as a server on `port`, for any number of calls (each new Call-ID runs the
    /// scenario again) until it is killed or its global timeout ends it.
    pub async fn serve_many_on(scenario: &str, over: Over, port: u16) -> Sipp {
        Sipp::start(scenario, over, port, &[]).await
    }

    /// sipp as a UAC placing one call to `target` (the UA), with `service` as the
    /// Request-URI's user part (`[service]` in the scenario).
    pub async fn call(scenario: &str, target: SocketAddr, service: &str) -> Sipp {
        Sipp::call_over(scenario, Over::Udp, target, service).await
    }

    /// Like [`Sipp::call`], over the given transport.
    pub async fn call_over(scenario: &str, over: Over, target: SocketAddr, service: &str) -> Sipp {
        let target = target.to_string();
        Sipp::start(
            scenario,
            over,
            free_port(over),
            &["-m", "1", "-s", service, &target],
        )
        .await
    }

    async fn start(scenario: &str, over: Over, port: u16, extra: &[&str]) -> Sipp {
        let dir = tempfile::tempdir().expect("temp dir for sipp logs");
        let path = scenario_path(scenario);
        assert!(path.exists(), "scenario {} is missing", path.display());
        let mut cmd = Command::new("sipp");
        cmd.arg("-sf")
            .arg(&path)
            .args(["-i", "127.0.0.1", "-p", &port.to_string()])
            .args(["-nostdin"])
            .args(["-t", if over == Over::Tcp { "t1" } else { "u1" }])
            // sipp's own limit, a little past ours, so it also ends on its own.
            .args(["-timeout", "15s", "-timeout_error"])
            .arg("-trace_err")
            .arg("-error_file")
            .arg(dir.path().join("errors.log"))
            .arg("-trace_logs")
            .arg("-log_file")
            .arg(dir.path().join("actions.log"))
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::from(
                std::fs::File::create(dir.path().join("screen.log")).expect("screen log"),
            ))
            .stderr(Stdio::from(
                std::fs::File::create(dir.path().join("stderr.log")).expect("stderr log"),
            ))
            .kill_on_drop(true);
        let child = match cmd.spawn() {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
                "sipp is not installed: these interop tests need the Debian package \
                 `sip-tester` (apt-get install -y sip-tester; `cargo xtask` installs it)"
            ),
            Err(e) => panic!("cannot start sipp: {e}"),
        };
        let mut sipp = Sipp {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            dir,
            scenario: scenario.to_owned(),
            over,
        };
        sipp.wait_listening().await;
        sipp
    }

    /// Stops sipp now (SIGKILL to its own pid) and waits for it to be gone, so its
    /// port is free again.
    pub async fn kill(&mut self) {
        let _ = self.child.kill().await;
    }

    /// sipp is ready once its port is taken: binding it ourselves then fails.
    async fn wait_listening(&mut self) {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if !can_bind(self.addr, self.over) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "sipp exited before listening ({status}):\n{}",
                    self.diagnostics()
                );
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "sipp did not open {} in time:\n{}",
                self.addr,
                self.diagnostics()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// `sip:user@127.0.0.1:port`.
    pub fn uri(&self, user: &str) -> String {
        format!("sip:{user}@{}", self.addr)
    }

    /// Waits for sipp to finish its one call and returns its exit status; kills it and
    /// fails the test if it takes longer than [`WAIT`].
    pub async fn exit_status(&mut self) -> ExitStatus {
        match tokio::time::timeout(WAIT, self.child.wait()).await {
            Ok(status) => status.expect("wait for sipp"),
            Err(_) => {
                let _ = self.child.kill().await;
                panic!(
                    "sipp ({}) did not finish within {WAIT:?}:\n{}",
                    self.scenario,
                    self.diagnostics()
                );
            }
        }
    }

    /// Asserts that sipp ran its scenario to the end (exit status 0).
    pub async fn assert_passed(&mut self) {
        let status = self.exit_status().await;
        assert!(
            status.success(),
            "sipp scenario {} failed ({status}):\n{}",
            self.scenario,
            self.diagnostics()
        );
    }

    /// The lines sipp wrote with `<log>` actions.
    pub fn action_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("actions.log")).unwrap_or_default()
    }

    /// What sipp said, for failure messages.
    pub fn diagnostics(&self) -> String {
        let mut out = String::new();
        for name in ["errors.log", "stderr.log", "actions.log", "screen.log"] {
            let text = std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
            if !text.trim().is_empty() {
                // The screen log is long; its end holds the counters.
                let tail: String = if name == "screen.log" && text.len() > 4000 {
                    text[text.len() - 4000..].to_owned()
                } else {
                    text
                };
                out.push_str(&format!("--- sipp {name} ---\n{tail}\n"));
            }
        }
        out
    }
}

pub fn config() -> UaConfig {
    let mut config = UaConfig::udp(
        "127.0.0.1:0".parse().expect("loopback address"),
        Identity {
            user: USER.to_owned(),
            domain: "127.0.0.1".to_owned(),
            display_name: Some("Agent".to_owned()),
        },
    );
    config.credentials = Some(credentials());
    config
}

pub fn credentials() -> Credentials {
    Credentials {
        username: USER.to_owned(),
        password: PASSWORD.to_owned(),
    }
}

pub async fn start_ua() -> (UserAgent, UaEvents) {
    UserAgent::start(config()).await.expect("start the UA")
}

pub const SDP_OFFER: &str = "v=0\r\n\
o=- 1 1 IN IP4 127.0.0.1\r\n\
s=-\r\n\
c=IN IP4 127.0.0.1\r\n\
t=0 0\r\n\
m=audio 40000 RTP/AVP 0 101\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=sendrecv\r\n";

/// The next call event, or a test failure after [`WAIT`].
pub async fn next_call_event(call: &mut sip_ua::Call, sipp: &Sipp) -> CallEvent {
    match tokio::time::timeout(WAIT, call.next_event()).await {
        Ok(Some(event)) => event,
        Ok(None) => panic!("call events ended early:\n{}", sipp.diagnostics()),
        Err(_) => panic!("no call event within {WAIT:?}:\n{}", sipp.diagnostics()),
    }
}

/// Reads call events until `want` matches one, failing on a final event that does not.
pub async fn wait_for(
    call: &mut sip_ua::Call,
    sipp: &Sipp,
    want: impl Fn(&CallEvent) -> bool,
) -> CallEvent {
    loop {
        let event = next_call_event(call, sipp).await;
        if want(&event) {
            return event;
        }
        assert!(
            !matches!(event, CallEvent::Failed { .. } | CallEvent::Ended { .. }),
            "unexpected final event {event:?}:\n{}",
            sipp.diagnostics()
        );
    }
}

/// The next UA event, or a test failure after [`WAIT`].
pub async fn next_ua_event(events: &mut UaEvents, sipp: &Sipp) -> UaEvent {
    match tokio::time::timeout(WAIT, events.next()).await {
        Ok(Some(event)) => event,
        Ok(None) => panic!("UA events ended:\n{}", sipp.diagnostics()),
        Err(_) => panic!("no UA event within {WAIT:?}:\n{}", sipp.diagnostics()),
    }
}

/// The next UA event, which must be an incoming call.
pub async fn next_incoming(events: &mut UaEvents, sipp: &Sipp) -> IncomingCall {
    match next_ua_event(events, sipp).await {
        UaEvent::Incoming(call) => *call,
        other => panic!("expected an incoming call, got {other:?}"),
    }
}

/// Our SDP answer to sipp's offers.
pub const SDP_ANSWER: &str = "v=0\r\n\
o=- 2 1 IN IP4 127.0.0.1\r\n\
s=-\r\n\
c=IN IP4 127.0.0.1\r\n\
t=0 0\r\n\
m=audio 50000 RTP/AVP 0\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=sendrecv\r\n";

/// The next UA event, which must be a registration event.
pub async fn next_registration(events: &mut UaEvents, sipp: &Sipp) -> RegistrationEvent {
    match next_ua_event(events, sipp).await {
        UaEvent::Registration(event) => event,
        other => panic!("expected a registration event, got {other:?}"),
    }
}

/// Checks a SHA-256 digest (RFC 7616, qop=auth) that a scenario logged as
/// `AUTH <header value>`, by recomputing it from the logged fields and our password.
pub fn assert_sha256_digest(action_log: &str, method: &str) {
    use sha2::{Digest, Sha256};
    let header = action_log
        .lines()
        .find_map(|l| l.split_once("AUTH ").map(|(_, h)| h.trim().to_owned()))
        .unwrap_or_else(|| panic!("sipp logged no credentials:\n{action_log}"));
    let param = |name: &str| -> String {
        let at = header
            .find(&format!("{name}="))
            .unwrap_or_else(|| panic!("no {name} in {header}"));
        let rest = &header[at + name.len() + 1..];
        match rest.strip_prefix('"') {
            Some(quoted) => quoted.split('"').next().unwrap_or_default().to_owned(),
            None => rest.split([',', ' ']).next().unwrap_or_default().to_owned(),
        }
    };
    assert_eq!(param("username"), USER, "{header}");
    assert_eq!(param("algorithm"), "SHA-256", "{header}");
    let hex = |s: String| -> String {
        Sha256::digest(s.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let ha1 = hex(format!("{USER}:{}:{PASSWORD}", param("realm")));
    let ha2 = hex(format!("{method}:{}", param("uri")));
    let expected = hex(format!(
        "{ha1}:{}:{}:{}:{}:{ha2}",
        param("nonce"),
        param("nc"),
        param("cnonce"),
        param("qop")
    ));
    assert_eq!(param("response"), expected, "digest of {header}");
}

// Emergency call helpers, shared by the emergency and logging tests.

pub const CALLBACK: &str = "+13125550100";

pub fn location() -> LocationByValue {
    LocationByValue {
        address: CivicAddress::new("US")
            .with(CivicField::A1, "IL")
            .with(CivicField::A3, "Chicago")
            .with(CivicField::Rd, "Main")
            .with(CivicField::Sts, "St")
            .with(CivicField::Hno, "123")
            .with(CivicField::Nam, "Smith & Sons"),
        method: "Manual".to_owned(),
        timestamp: "2026-11-22T06:00:00Z".to_owned(),
    }
}

/// Answer, BYE, end: what the scenario expects of a call whatever its checks said.
pub async fn complete_call(call: &mut sip_ua::Call, sipp: &Sipp) {
    wait_for(call, sipp, |e| matches!(e, CallEvent::Answered { .. })).await;
    call.bye().await.expect("BYE");
    assert_eq!(
        next_call_event(call, sipp).await,
        CallEvent::Ended { by: EndedBy::Local }
    );
}
