//! ICE with a real TURN and STUN server (coturn, Debian's `turnserver`, on loopback):
//! a leg given the TURN server and its long-term credentials allocates a relay
//! candidate (and a wrong password gets none, without holding the offer back); a leg
//! given the STUN server gathers a server-reflexive candidate. On one machine every
//! pair connects host to host, so which pair carries the audio is ICE's choice.

mod common;

use std::net::{SocketAddr, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::webrtc::{assert_connected, exchange_tones, Exchange};
use common::*;
use media_net::{TurnServer, WebRtcConfig, WebRtcLeg};

const USER: &str = "agent1001";
const PASSWORD: &str = "turn-secret-1234";

/// coturn on a free loopback port, stopped (by its own pid) on drop.
struct Coturn {
    child: Child,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Coturn {
    fn start() -> Coturn {
        let port = UdpSocket::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .expect("a free port")
            .port();
        let dir = tempfile::tempdir().expect("dir");
        let log = dir.path().join("turnserver.log");
        let child = Command::new("/usr/bin/turnserver")
            .args(["--listening-ip", "127.0.0.1", "--relay-ip", "127.0.0.1"])
            .args(["--listening-port", &port.to_string()])
            .args(["--min-port", "49152", "--max-port", "65535"])
            .args(["--realm", "softphone.test", "--lt-cred-mech"])
            .args(["--user", &format!("{USER}:{PASSWORD}")])
            .args([
                "--allow-loopback-peers",
                "--no-cli",
                "--no-tls",
                "--no-dtls",
            ])
            .args(["--simple-log", "--no-stdout-log", "--log-file"])
            .arg(&log)
            .arg("--pidfile")
            .arg(dir.path().join("turnserver.pid"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("turnserver (package coturn)");
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        // Ready once it answers a STUN binding request (RFC 5389: type 0x0001, no
        // attributes, the magic cookie, a transaction id).
        let probe = UdpSocket::bind("127.0.0.1:0").expect("a probe socket");
        probe
            .set_read_timeout(Some(Duration::from_millis(100)))
            .expect("timeout");
        let mut request = vec![0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42];
        request.extend_from_slice(b"softphone-t1");
        let mut answer = [0u8; 512];
        let answered = (0..50)
            .any(|_| probe.send_to(&request, addr).is_ok() && probe.recv_from(&mut answer).is_ok());
        assert!(answered, "coturn did not answer STUN on {addr} within 5 s");
        Coturn {
            child,
            addr,
            _dir: dir,
        }
    }
}

impl Drop for Coturn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn with_turn(turn: &Coturn, password: &str) -> WebRtcConfig {
    let mut config = WebRtcConfig::host(LOOPBACK);
    config.turn = Some(TurnServer {
        url: format!("turn:{}?transport=udp", turn.addr),
        username: USER.into(),
        credential: password.into(),
    });
    config.gather_budget = Duration::from_secs(5);
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leg_given_a_turn_server_allocates_a_relay_and_still_connects_and_carries_audio() {
    let turn = Coturn::start();
    let (mut caller, offer) = WebRtcLeg::offer(&with_turn(&turn, PASSWORD))
        .await
        .expect("offer");
    assert!(
        offer.contains("typ relay raddr"),
        "a relay candidate allocated on the TURN server:\n{offer}"
    );
    let (mut callee, answer) = WebRtcLeg::answer(&offer, &WebRtcConfig::host(LOOPBACK))
        .await
        .expect("answer");
    caller.accept_answer(&answer).await.expect("accepted");
    assert_connected(&mut caller, &mut callee).await;
    let Exchange {
        at_callee,
        at_caller,
        ..
    } = exchange_tones(caller, callee, 48000, 48000).await;
    assert!(
        at_callee > 0.9 && at_caller > 0.9,
        "callee heard {at_callee:.2}, caller heard {at_caller:.2}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_turn_password_gets_no_relay_and_the_offer_still_goes_out() {
    let turn = Coturn::start();
    let (_leg, offer) = WebRtcLeg::offer(&with_turn(&turn, PASSWORD))
        .await
        .expect("offer");
    assert!(
        offer.contains("typ relay"),
        "the right password allocates:\n{offer}"
    );
    let mut config = with_turn(&turn, "not-the-password");
    config.gather_budget = Duration::from_secs(2);
    let (_leg, offer) = WebRtcLeg::offer(&config).await.expect("offer");
    assert!(!offer.contains("typ relay"), "{offer}");
    assert!(
        offer.contains("typ host"),
        "host candidates still offered:\n{offer}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leg_given_a_stun_server_offers_a_server_reflexive_candidate() {
    let turn = Coturn::start();
    let mut config = WebRtcConfig::host(LOOPBACK);
    config.stun = Some(format!("stun:{}", turn.addr));
    config.gather_budget = Duration::from_secs(5);
    let (_leg, offer) = WebRtcLeg::offer(&config).await.expect("offer");
    assert!(offer.contains("typ host"), "{offer}");
    assert!(
        offer.contains("typ srflx"),
        "a server-reflexive candidate:\n{offer}"
    );
}
