//! Two legs calling each other on loopback, and a lossy relay between them.
#![allow(dead_code)]

pub mod baresip;
pub mod webrtc;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use media::audio::file::{MemorySink, Recording};
use media::audio::tone::ToneGenerator;
use media::sdp::negotiate::{accept_answer, answer, create_offer, CodecPreference, Negotiated};
use media::sdp::{AddressType, Origin};
use media_net::{LegOptions, MediaHandle, MediaLeg};
use tokio::net::UdpSocket;

pub const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

pub fn origin() -> Origin {
    Origin {
        username: "-".into(),
        session_id: "1".into(),
        session_version: 1,
        address_type: AddressType::Ip4,
        address: "127.0.0.1".into(),
    }
}

/// Offer from A, answer from B: what each side negotiated.
pub async fn negotiate(
    a: &MediaLeg,
    b: &MediaLeg,
    prefs: Vec<CodecPreference>,
    srtp: bool,
    rtcp_mux: bool,
) -> (Negotiated, Negotiated) {
    let mut local_a = a.local_media(prefs.clone(), srtp);
    let mut local_b = b.local_media(prefs, srtp);
    local_a.rtcp_mux = rtcp_mux;
    local_b.rtcp_mux = rtcp_mux;
    let offer = create_offer(&local_a, origin());
    // Through text, as on the wire.
    let offer = media::sdp::parse(&offer.to_string()).unwrap();
    let (answer_sdp, neg_b) = answer(&offer, &local_b, origin()).unwrap();
    let answer_sdp = media::sdp::parse(&answer_sdp.to_string()).unwrap();
    let neg_a = accept_answer(&offer, &answer_sdp, &local_a).unwrap();
    (neg_a, neg_b)
}

/// A running call between two legs, each playing a 1 kHz tone and recording.
pub struct Call {
    pub a: MediaHandle,
    pub b: MediaHandle,
    pub heard_by_a: Recording,
    pub heard_by_b: Recording,
    pub rate_a: u32,
    pub rate_b: u32,
    /// A's RTP and RTCP sockets.
    pub ports_a: [SocketAddr; 2],
    /// What A negotiated (as started).
    pub negotiated_a: Negotiated,
}

pub struct CallSetup {
    pub prefs: Vec<CodecPreference>,
    pub srtp: bool,
    pub rate_a: u32,
    pub rate_b: u32,
    pub options: LegOptions,
    /// Offer and accept rtcp-mux.
    pub rtcp_mux: bool,
    /// Put a relay between the legs: each sends to it and it forwards.
    pub relay: Option<RelayConfig>,
}

impl CallSetup {
    pub fn new(prefs: Vec<CodecPreference>) -> Self {
        Self {
            prefs,
            srtp: false,
            rate_a: 48000,
            rate_b: 8000,
            options: LegOptions {
                rtcp_min_interval_ms: 1000,
                ..LegOptions::default()
            },
            rtcp_mux: false,
            relay: None,
        }
    }
}

pub async fn start_call(setup: CallSetup) -> Call {
    let leg_a = MediaLeg::bind(LOOPBACK).await.unwrap();
    let leg_b = MediaLeg::bind(LOOPBACK).await.unwrap();
    let (mut neg_a, mut neg_b) =
        negotiate(&leg_a, &leg_b, setup.prefs, setup.srtp, setup.rtcp_mux).await;
    if let Some(relay) = setup.relay {
        let (to_b, to_a) = start_relay(leg_a.local_addr(), leg_b.local_addr(), relay).await;
        neg_a.remote_port = to_b.port();
        neg_b.remote_port = to_a.port();
    }
    let ports_a = [leg_a.local_addr(), leg_a.rtcp_addr()];
    let (sink_a, heard_by_a) = MemorySink::new(setup.rate_a);
    let (sink_b, heard_by_b) = MemorySink::new(setup.rate_b);
    let negotiated_a = neg_a.clone();
    let a = leg_a
        .start_with(
            neg_a,
            Box::new(ToneGenerator::new(1000.0, setup.rate_a, 8000)),
            Box::new(sink_a),
            setup.options.clone(),
        )
        .unwrap();
    let b = leg_b
        .start_with(
            neg_b,
            Box::new(ToneGenerator::new(1000.0, setup.rate_b, 8000)),
            Box::new(sink_b),
            setup.options,
        )
        .unwrap();
    Call {
        a,
        b,
        heard_by_a,
        heard_by_b,
        rate_a: setup.rate_a,
        rate_b: setup.rate_b,
        ports_a,
        negotiated_a,
    }
}

/// The last `ms` of a recording.
pub fn tail(samples: &[i16], rate: u32, ms: u32) -> &[i16] {
    let n = (rate * ms / 1000) as usize;
    &samples[samples.len().saturating_sub(n)..]
}

/// The half second of a recording before its last 100 ms: what both ends heard once
/// the call had settled, while it still ran.
pub fn steady(samples: &[i16], rate: u32) -> &[i16] {
    let end = samples.len().saturating_sub((rate / 10) as usize);
    tail(&samples[..end], rate, 500)
}

/// The share of 10 ms windows in which the tone dominates (Goertzel ratio above
/// 0.5). Short windows judge each stretch of audio on its own, so a frame concealed
/// on a busy test machine costs a window or two, not the whole measurement.
pub fn tone_presence(samples: &[i16], rate: u32, frequency: f64) -> f64 {
    let window = (rate / 100) as usize;
    let windows: Vec<&[i16]> = samples.chunks_exact(window).collect();
    if windows.is_empty() {
        return 0.0;
    }
    let toned = windows
        .iter()
        .filter(|w| media::audio::tone::tone_ratio(w, rate, frequency) > 0.5)
        .count();
    toned as f64 / windows.len() as f64
}

#[derive(Debug, Clone, Copy)]
pub struct RelayConfig {
    pub loss: f64,
    /// Extra delay drawn uniformly from 0..=2 * jitter_ms, so packets reorder.
    pub jitter_ms: u64,
    pub seed: u64,
}

/// SplitMix64: the same loss pattern on every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Two relay sockets: what arrives on the first goes to `b`, on the second to `a`,
/// each datagram dropped with probability `loss` or delayed. Only the RTP port is
/// relayed: use rtcp-mux with it. Returns (to_b, to_a).
pub async fn start_relay(
    a: SocketAddr,
    b: SocketAddr,
    config: RelayConfig,
) -> (SocketAddr, SocketAddr) {
    let to_b = UdpSocket::bind((LOOPBACK, 0)).await.unwrap();
    let to_a = UdpSocket::bind((LOOPBACK, 0)).await.unwrap();
    let addrs = (to_b.local_addr().unwrap(), to_a.local_addr().unwrap());
    tokio::spawn(relay_one_way(to_b, b, config));
    tokio::spawn(relay_one_way(
        to_a,
        a,
        RelayConfig {
            seed: config.seed ^ 0xFFFF,
            ..config
        },
    ));
    addrs
}

async fn relay_one_way(socket: UdpSocket, to: SocketAddr, config: RelayConfig) {
    let socket = std::sync::Arc::new(socket);
    let mut rng = Rng(config.seed);
    let mut buf = vec![0u8; 2048];
    while let Ok((n, _)) = socket.recv_from(&mut buf).await {
        if rng.next_f64() < config.loss {
            continue;
        }
        let delay = (rng.next_f64() * 2.0 * config.jitter_ms as f64) as u64;
        let data = buf[..n].to_vec();
        let s = socket.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(delay)).await;
            let _ = s.send_to(&data, to).await;
        });
    }
}
