//! Two legs on loopback, with memory devices: audio, SRTP, loss, hold, DTMF, garbage.

mod common;

use std::time::Duration;

use common::*;
use media::sdp::negotiate::CodecPreference;
use media::sdp::Direction;

async fn tone_crosses_both_ways(
    setup: CallSetup,
) -> (media::session::MediaStats, media::session::MediaStats) {
    let call = start_call(setup).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // Judge while both still run: the half second before the last 100 ms.
    let heard_a = call.heard_by_a.samples();
    let heard_b = call.heard_by_b.samples();
    let ra = tone_presence(steady(&heard_a, call.rate_a), call.rate_a, 1000.0);
    let rb = tone_presence(steady(&heard_b, call.rate_b), call.rate_b, 1000.0);
    let (a, b) = (call.a.stop().await, call.b.stop().await);
    assert!(
        ra > 0.9 && rb > 0.9,
        "A heard {ra:.2}, B heard {rb:.2}; {a:?} {b:?}"
    );
    assert!(
        a.packets_received > 50 && b.packets_received > 50,
        "{a:?} {b:?}"
    );
    (a, b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pcmu_tone_sent_by_each_end_is_heard_at_the_other() {
    tone_crosses_both_ways(CallSetup::new(vec![CodecPreference::pcmu()])).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pcma_tone_sent_by_each_end_is_heard_at_the_other() {
    tone_crosses_both_ways(CallSetup::new(vec![CodecPreference::pcma()])).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opus_tone_sent_by_each_end_is_heard_at_the_other() {
    let mut setup = CallSetup::new(vec![CodecPreference::opus()]);
    setup.rate_b = 16000;
    tone_crosses_both_ways(setup).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn srtp_call_carries_the_tone_for_opus_and_pcmu_with_no_auth_failures() {
    for prefs in [vec![CodecPreference::opus()], vec![CodecPreference::pcmu()]] {
        let mut setup = CallSetup::new(prefs);
        setup.srtp = true;
        let (a, b) = tone_crosses_both_ways(setup).await;
        assert_eq!((a.auth_failures, b.auth_failures), (0, 0));
        assert!(a.rtcp_received > 0 && b.rtcp_received > 0, "SRTCP crossed");
    }
}

/// From 600 ms to 100 ms before the end of a recording.
/// The longest run of exact zeros: a gap in playout.
fn longest_silence(samples: &[i16]) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for &s in samples {
        run = if s == 0 { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lossy_jittery_relay_keeps_playout_continuous_and_stats_show_the_loss() {
    for prefs in [vec![CodecPreference::pcmu()], vec![CodecPreference::opus()]] {
        let mut setup = CallSetup::new(prefs.clone());
        setup.rate_b = 8000;
        setup.rtcp_mux = true;
        setup.relay = Some(RelayConfig {
            loss: 0.05,
            jitter_ms: 30,
            seed: 0x5EED,
        });
        let call = start_call(setup).await;
        tokio::time::sleep(Duration::from_secs(6)).await;
        let stats_b = call.b.stats();
        let (a, _) = (call.a.stop().await, call.b.stop().await);
        let heard = call.heard_by_b.samples();
        // After the first second, never more than 60 ms of silence in a row.
        let steady = &heard[8000..];
        let gap = longest_silence(steady);
        assert!(
            gap < 480,
            "{}: {gap} silent samples in a row",
            prefs[0].encoding
        );
        assert!(tone_presence(tail(&heard, 8000, 2000), 8000, 1000.0) > 0.8);
        // About 5% lost (plus what came too late to play).
        assert!(
            (2.0..=12.0).contains(&stats_b.loss_percent),
            "loss {:.1}%",
            stats_b.loss_percent
        );
        assert!(
            stats_b.jitter_ms > 5.0,
            "jitter {:.1} ms",
            stats_b.jitter_ms
        );
        assert!((2.5..4.4).contains(&stats_b.mos), "MOS {:.2}", stats_b.mos);
        // A hears about its own loss from B's reports.
        let remote = a.remote_loss_percent.expect("a report block arrived");
        assert!(remote < 20.0, "{remote}");
        assert!(a.round_trip_ms.is_some(), "{a:?}");
        println!(
            "{}: loss {:.1}%, jitter {:.1} ms, MOS {:.2}, longest gap {} ms",
            prefs[0].encoding,
            stats_b.loss_percent,
            stats_b.jitter_ms,
            stats_b.mos,
            gap / 8
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hold_stops_audio_and_resume_brings_it_back_both_ways_and_dtmf_arrives() {
    let mut call = start_call(CallSetup::new(vec![CodecPreference::pcmu()])).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    // Inactive on both sides: neither plays anything.
    call.a.set_direction(Direction::Inactive);
    call.b.set_direction(Direction::Inactive);
    tokio::time::sleep(Duration::from_millis(900)).await;
    let held_a = call.heard_by_a.samples();
    let held_b = call.heard_by_b.samples();
    assert!(tail(&held_a, call.rate_a, 300).iter().all(|&s| s == 0));
    assert!(tail(&held_b, call.rate_b, 300).iter().all(|&s| s == 0));
    let sent_on_hold = call.a.stats().packets_sent;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(call.a.stats().packets_sent, sent_on_hold);
    // A resumes through a re-INVITE's outcome, B by its direction alone.
    let mut resumed = call.negotiated_a.clone();
    resumed.direction = Direction::SendRecv;
    call.a.update_remote(resumed).await.unwrap();
    call.b.set_direction(Direction::SendRecv);
    let mut bad = call.negotiated_a.clone();
    bad.remote_address = "not-an-ip".into();
    assert!(call.a.update_remote(bad).await.is_err());
    tokio::time::sleep(Duration::from_millis(800)).await;
    let ra = tone_presence(
        tail(&call.heard_by_a.samples(), call.rate_a, 300),
        call.rate_a,
        1000.0,
    );
    let rb = tone_presence(
        tail(&call.heard_by_b.samples(), call.rate_b, 300),
        call.rate_b,
        1000.0,
    );
    assert!(
        ra > 0.9 && rb > 0.9,
        "after resume A heard {ra:.2}, B heard {rb:.2}"
    );

    for d in "12*#".chars() {
        call.a.send_dtmf(d).await.unwrap();
    }
    call.b.send_dtmf('7').await.unwrap();
    let mut heard = String::new();
    while heard.len() < 4 {
        let d = tokio::time::timeout(Duration::from_secs(3), call.b.next_digit())
            .await
            .expect("digits in time")
            .unwrap();
        heard.push(d);
    }
    assert_eq!(heard, "12*#");
    let back = tokio::time::timeout(Duration::from_secs(3), call.a.next_digit()).await;
    assert_eq!(back.unwrap(), Some('7'));
    assert!(call.a.send_dtmf('x').await.is_err());
    call.a.stop().await;
    call.b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_datagrams_do_not_crash_a_leg_and_audio_continues() {
    let call = start_call(CallSetup::new(vec![CodecPreference::pcma()])).await;
    let target = tokio::net::UdpSocket::bind((LOOPBACK, 0)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(call.a.stats().packets_received > 0);
    let mut rng = Rng(42);
    let ports = call.ports_a;
    for i in 0..2000u32 {
        let len = (rng.next_f64() * 300.0) as usize;
        let mut junk: Vec<u8> = (0..len).map(|_| (rng.next_f64() * 256.0) as u8).collect();
        if i % 3 == 0 && len > 12 {
            junk[0] = 0x80; // looks like RTP v2
        }
        if i % 5 == 0 && len > 2 {
            junk[0] = 0x80;
            junk[1] = 200; // looks like an SR
        }
        for p in &ports {
            let _ = target.send_to(&junk, p).await;
        }
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    let a = call.a.stop().await;
    call.b.stop().await;
    assert!(a.malformed > 100 && a.rtcp_dropped > 100, "{a:?}");
    let heard = call.heard_by_a.samples();
    assert!(tone_presence(tail(&heard, call.rate_a, 400), call.rate_a, 1000.0) > 0.9);
}
