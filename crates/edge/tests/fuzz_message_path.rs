//! Bad input on the edge's message path (issue 6, item 5): thousands of mutated SIP
//! datagrams (a deterministic mutator over real requests, so a failure replays) never
//! stop the edge or leave it stuck; and the header parsers the edge runs on untrusted
//! text never panic on any input.

mod common;

use std::time::Duration;

use common::{free_udp_port, World};
use edge::digest::Credentials;
use proptest::prelude::*;
use tokio::net::UdpSocket;

const SEEDS: &[&str] = &[
    "REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\n\
     From: <sip:agent1@127.0.0.1>;tag=a\r\nTo: <sip:agent1@127.0.0.1>\r\nCall-ID: f1\r\n\
     CSeq: 2 REGISTER\r\nContact: <sip:agent1@127.0.0.1:5070>;expires=300\r\n\
     Authorization: Digest username=\"agent1\", realm=\"acme.example\", nonce=\"19a.x\", \
     uri=\"sip:127.0.0.1\", response=\"00\", qop=auth, nc=00000001, cnonce=\"c\"\r\n\
     Content-Length: 0\r\n\r\n",
    "INVITE sip:911@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-2\r\n\
     From: <sip:agent1@127.0.0.1>;tag=b\r\nTo: <sip:911@127.0.0.1>\r\nCall-ID: f2\r\n\
     CSeq: 1 INVITE\r\nPriority: emergency\r\nGeolocation: <cid:l@a>\r\n\
     Proxy-Authorization: Digest username=\"agent1\", nonce=\"1.2\", response=\"3\"\r\n\
     Content-Type: multipart/mixed; boundary=b\r\nContent-Length: 20\r\n\r\n--b\r\n\r\nv=0\r\n--b--",
    "BYE sip:edge@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-3\r\n\
     From: <sip:a@b>;tag=c\r\nTo: <sip:d@e>;tag=f\r\nCall-ID: f3\r\nCSeq: 3 BYE\r\n\
     Content-Length: 0\r\n\r\n",
];

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut m = seed.to_vec();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(m.len());
        match rng.below(5) {
            0 => m[at] = rng.next() as u8,
            1 => {
                m.remove(at);
            }
            2 => m.insert(at, b"\r\n:;<>\"@ \0\xff"[rng.below(11)]),
            3 => m.truncate(at),
            _ => {
                // Duplicate a slice: repeated headers, long values.
                let end = (at + rng.below(64)).min(m.len());
                let piece = m[at..end].to_vec();
                m.splice(at..at, piece);
            }
        }
        if m.is_empty() {
            m.push(b'x');
        }
    }
    m
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fuzzed_datagrams_never_stop_the_edge() {
    let world = World::seed(free_udp_port()).await;
    let edge = world
        .edge("127.0.0.1:9".parse().expect("address"), Vec::new())
        .await;
    let sock = UdpSocket::bind("127.0.0.1:0").await.expect("socket");
    sock.connect(edge.local_addr()).await.expect("connect");
    let mut rng = Rng(0x5eed_cafe_f00d_0001);
    for i in 0..3000 {
        let seed = SEEDS[i % SEEDS.len()].as_bytes();
        sock.send(&mutate(&mut rng, seed)).await.expect("send");
        if i % 200 == 0 {
            // Let the edge keep up rather than measure the socket buffer.
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    // Still serving: an OPTIONS gets its 200 (answers to the fuzz may come first).
    let port = sock.local_addr().expect("address").port();
    let options = format!(
        "OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK-alive\r\n\
         From: <sip:probe@127.0.0.1>;tag=p\r\nTo: <sip:edge@127.0.0.1>\r\nCall-ID: alive-probe\r\n\
         CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
    );
    sock.send(options.as_bytes()).await.expect("send");
    let mut buf = vec![0u8; 8192];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let n = tokio::time::timeout(left, sock.recv(&mut buf))
            .await
            .expect("the edge answers the OPTIONS after the fuzz")
            .expect("recv");
        let text = String::from_utf8_lossy(&buf[..n]);
        if text.contains("alive-probe") {
            assert!(text.starts_with("SIP/2.0 200"), "{text}");
            break;
        }
    }
}

proptest! {
    #[test]
    fn digest_header_parser_never_panics(s in ".{0,300}") {
        let _ = Credentials::parse(&s);
        let _ = Credentials::parse(&format!("Digest {s}"));
    }

    #[test]
    fn dialled_number_classifier_never_panics(s in ".{0,40}") {
        let _ = edge::routing::classify(&s);
    }
}
