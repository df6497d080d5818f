//! Media-path figures: what our code adds to a call's latency, and its CPU time per
//! call-second, for PCMU and Opus with a 48 kHz device; then the same call against
//! baresip with both processes' CPU side by side. Run with
//! `cargo bench -p media-net --bench media_path`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::baresip::{dial, Baresip, Dialled};
use common::{start_call, CallSetup};
use media::audio::file::MemorySink;
use media::audio::tone::ToneGenerator;
use media::sdp::negotiate::{CodecPreference, Negotiated};
use media::sdp::{Codec, Direction};
use media::session::{MediaSession, SessionConfig, Transmit};

const DEVICE_RATE: u32 = 48000;
const FRAME: usize = 960;

fn negotiated(pref: &CodecPreference) -> Negotiated {
    let codec = Codec {
        payload_type: pref.offer_payload_type,
        encoding: pref.encoding.clone(),
        clock_rate: pref.clock_rate,
        channels: pref.channels,
        fmtp: pref.fmtp.clone(),
    };
    Negotiated {
        remote_address: "127.0.0.1".into(),
        remote_port: 4000,
        receive_codecs: vec![codec.clone()],
        codec,
        telephone_event: None,
        direction: Direction::SendRecv,
        srtp: None,
        rtcp_mux: false,
    }
}

fn session(pref: &CodecPreference, ssrc: u32) -> MediaSession {
    MediaSession::new(SessionConfig {
        negotiated: negotiated(pref),
        capture_rate: DEVICE_RATE,
        playout_rate: DEVICE_RATE,
        ssrc,
        initial_sequence: 1,
        initial_timestamp: 0,
        unix_offset_ms: 0,
        rtcp_min_interval_ms: 5000,
        cname: "bench".into(),
        ptime_ms: 20,
    })
    .unwrap()
}

/// One direction in virtual time with no network delay: a tone starts at
/// `onset_s`; the latency is where it starts in the playout, devices excluded.
/// Also returns the processing time per frame of the send and receive paths.
fn one_way(pref: &CodecPreference, onset_s: u64) -> (f64, Duration, Duration) {
    let mut tx = session(pref, 1);
    let mut rx = session(pref, 2);
    let mut tone = ToneGenerator::new(1000.0, DEVICE_RATE, 8000);
    let onset_tick = onset_s * 50;
    let (mut send_time, mut recv_time) = (Duration::ZERO, Duration::ZERO);
    let mut played: Vec<i16> = Vec::new();
    let ticks = onset_tick + 50;
    for tick in 0..ticks {
        let now = tick * 20;
        let frame = if tick >= onset_tick {
            tone.samples(FRAME)
        } else {
            vec![0; FRAME]
        };
        let t0 = Instant::now();
        let out = tx.on_capture(now, &frame);
        let t1 = Instant::now();
        for t in out {
            if let Transmit::Rtp(d) = t {
                let _ = rx.on_datagram(now, &d);
            }
        }
        played.extend(rx.poll_playout(now));
        let t2 = Instant::now();
        send_time += t1 - t0;
        recv_time += t2 - t1;
    }
    let captured_at = onset_tick as usize * FRAME;
    let heard_at = played
        .iter()
        .position(|s| s.unsigned_abs() > 2000)
        .unwrap_or(played.len());
    let latency_ms = (heard_at as f64 - captured_at as f64) / f64::from(DEVICE_RATE / 1000);
    (
        latency_ms,
        send_time / ticks as u32,
        recv_time / ticks as u32,
    )
}

/// CPU time of a process (user + system), from /proc/<pid>/stat.
fn cpu_time(pid: &str) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
    // utime and stime are fields 14 and 15 (11 and 12 after the command).
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // USER_HZ is 100 on Linux.
    Duration::from_millis(ticks * 10)
}

async fn two_legs_cpu(pref: &CodecPreference, seconds: u64) -> Duration {
    let mut setup = CallSetup::new(vec![pref.clone()]);
    setup.rate_b = DEVICE_RATE;
    let before = cpu_time("self");
    let call = start_call(setup).await;
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    call.a.stop().await;
    call.b.stop().await;
    (cpu_time("self") - before) / (2 * seconds as u32)
}

async fn against_baresip(
    pref: &CodecPreference,
    input_rate: u32,
    seconds: u64,
) -> (Duration, Duration) {
    let baresip = Baresip::start(input_rate, false).await;
    let pid = baresip.child.id().unwrap().to_string();
    let Dialled {
        ua,
        call,
        leg,
        negotiated,
    } = dial(&baresip, pref.clone(), false).await;
    let (sink, _heard) = MemorySink::new(DEVICE_RATE);
    let handle = leg
        .start(
            negotiated,
            Box::new(ToneGenerator::new(1000.0, DEVICE_RATE, 8000)),
            Box::new(sink),
        )
        .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (ours0, theirs0) = (cpu_time("self"), cpu_time(&pid));
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    let (ours1, theirs1) = (cpu_time("self"), cpu_time(&pid));
    call.bye().await.unwrap();
    handle.stop().await;
    ua.shutdown();
    baresip.stop().await;
    (
        (ours1 - ours0) / seconds as u32,
        (theirs1 - theirs0) / seconds as u32,
    )
}

fn main() {
    let prefs = [
        (CodecPreference::pcmu(), 8000),
        (CodecPreference::opus(), 48000),
    ];
    println!("== One way, our code only (virtual time, no network, 48 kHz device) ==");
    for (pref, _) in &prefs {
        let (early, send, recv) = one_way(pref, 1);
        let (settled, _, _) = one_way(pref, 20);
        println!(
            "{:5}: capture->RTP {:>6.1} us/frame, RTP->playout {:>6.1} us/frame; \
             capture->playout {early:.1} ms at 1 s, {settled:.1} ms at 20 s (goal <= 40 ms)",
            pref.encoding,
            send.as_secs_f64() * 1e6,
            recv.as_secs_f64() * 1e6,
        );
        let per_call_second = (send + recv) * 50;
        println!(
            "{:5}: CPU of one session, both directions: {:.2} ms per call-second",
            pref.encoding,
            per_call_second.as_secs_f64() * 1e3
        );
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    println!("== Real loop: two legs on loopback UDP, one process ==");
    for (pref, _) in &prefs {
        let per_leg = rt.block_on(two_legs_cpu(pref, 5));
        println!(
            "{:5}: {:.1} ms CPU per leg per call-second (tokio, sockets, tone source included)",
            pref.encoding,
            per_leg.as_secs_f64() * 1e3
        );
    }
    println!("== Against baresip 1.0 (loopback), CPU per call-second ==");
    for (pref, rate) in &prefs {
        let (ours, theirs) = rt.block_on(against_baresip(pref, *rate, 5));
        println!(
            "{:5}: ours {:.1} ms (sip-ua and tokio included), baresip {:.1} ms, ratio ours/baresip {:.2}",
            pref.encoding,
            ours.as_secs_f64() * 1e3,
            theirs.as_secs_f64() * 1e3,
            ours.as_secs_f64() / theirs.as_secs_f64().max(1e-3)
        );
    }
}
