//! WebRTC against the plain RTP path, side by side in one run: call set-up time (from
//! the first offer to the callee's speaker playing the caller's tone) and CPU per
//! call-second (both ends in this process, Opus both ways). Run with
//! `cargo bench -p media-net --bench webrtc_setup`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{negotiate, tone_presence, LOOPBACK};
use media::audio::file::{MemorySink, Recording};
use media::audio::tone::ToneGenerator;
use media::sdp::negotiate::CodecPreference;
use media_net::{LegOptions, MediaHandle, MediaLeg, WebRtcConfig, WebRtcLeg};

const RATE: u32 = 48000;
const SET_UPS: usize = 20;
const CONCURRENT_CALLS: usize = 4;
const CPU_SECONDS: u64 = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Path {
    Plain,
    WebRtc,
}

struct Running {
    caller: MediaHandle,
    callee: MediaHandle,
    heard_by_callee: Recording,
}

fn tone() -> Box<ToneGenerator> {
    Box::new(ToneGenerator::new(1000.0, RATE, 8000))
}

/// Both ends of one call, from the first offer to both streams running.
async fn set_up(path: Path) -> Running {
    let (sink_a, _) = MemorySink::new(RATE);
    let (sink_b, heard_by_callee) = MemorySink::new(RATE);
    let options = LegOptions::default;
    let (caller, callee) = match path {
        Path::Plain => {
            let a = MediaLeg::bind(LOOPBACK).await.unwrap();
            let b = MediaLeg::bind(LOOPBACK).await.unwrap();
            let (na, nb) = negotiate(&a, &b, vec![CodecPreference::opus()], false, false).await;
            (
                a.start_with(na, tone(), Box::new(sink_a), options())
                    .unwrap(),
                b.start_with(nb, tone(), Box::new(sink_b), options())
                    .unwrap(),
            )
        }
        Path::WebRtc => {
            let config = WebRtcConfig::host(LOOPBACK);
            let (a, offer) = WebRtcLeg::offer(&config).await.unwrap();
            let (b, answer) = WebRtcLeg::answer(&offer, &config).await.unwrap();
            a.accept_answer(&answer).await.unwrap();
            (
                a.start(tone(), Box::new(sink_a), options()).await.unwrap(),
                b.start(tone(), Box::new(sink_b), options()).await.unwrap(),
            )
        }
    };
    Running {
        caller,
        callee,
        heard_by_callee,
    }
}

/// Until the callee's last 40 ms are the caller's tone.
async fn until_audio_flows(call: &Running) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let heard = call.heard_by_callee.samples();
        let last = &heard[heard.len().saturating_sub((RATE / 25) as usize)..];
        if last.len() == (RATE / 25) as usize && tone_presence(last, RATE, 1000.0) > 0.99 {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    false
}

async fn set_up_times(path: Path) -> Vec<f64> {
    let mut times = Vec::with_capacity(SET_UPS);
    for _ in 0..SET_UPS {
        let started = Instant::now();
        let call = set_up(path).await;
        assert!(until_audio_flows(&call).await, "{path:?}: no audio");
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        call.caller.stop().await;
        call.callee.stop().await;
    }
    times.sort_by(f64::total_cmp);
    times
}

/// This process's user and system CPU time, from /proc (clock ticks of 10 ms).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // Fields after the command name in parentheses; utime and stime are 14 and 15.
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<u64> = after
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    Duration::from_millis((fields[11] + fields[12]) * 10)
}

/// CPU milliseconds per call-second with `CONCURRENT_CALLS` calls running.
async fn cpu_per_call_second(path: Path) -> f64 {
    let mut calls = Vec::new();
    for _ in 0..CONCURRENT_CALLS {
        let call = set_up(path).await;
        assert!(until_audio_flows(&call).await, "{path:?}: no audio");
        calls.push(call);
    }
    let before = cpu_time();
    tokio::time::sleep(Duration::from_secs(CPU_SECONDS)).await;
    let used = cpu_time() - before;
    for call in calls {
        call.caller.stop().await;
        call.callee.stop().await;
    }
    used.as_secs_f64() * 1000.0 / (CONCURRENT_CALLS as f64 * CPU_SECONDS as f64)
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let plain = set_up_times(Path::Plain).await;
    let webrtc = set_up_times(Path::WebRtc).await;
    println!("call set-up, first offer to the caller's tone at the callee ({SET_UPS} calls each, loopback):");
    for (name, t) in [("plain RTP", &plain), ("WebRTC", &webrtc)] {
        println!(
            "  {name:<10} p50 {:>6.1} ms  p95 {:>6.1} ms  max {:>6.1} ms",
            pct(t, 0.5),
            pct(t, 0.95),
            t[t.len() - 1]
        );
    }
    println!(
        "  WebRTC / plain: p50 {:.2}x, p95 {:.2}x",
        pct(&webrtc, 0.5) / pct(&plain, 0.5),
        pct(&webrtc, 0.95) / pct(&plain, 0.95)
    );
    let cpu_plain = cpu_per_call_second(Path::Plain).await;
    let cpu_webrtc = cpu_per_call_second(Path::WebRtc).await;
    println!("CPU per call-second, both ends, Opus, {CONCURRENT_CALLS} calls for {CPU_SECONDS} s:");
    println!("  plain RTP  {cpu_plain:>6.2} ms");
    println!("  WebRTC     {cpu_webrtc:>6.2} ms");
    println!("  WebRTC / plain: {:.2}x", cpu_webrtc / cpu_plain);
}
