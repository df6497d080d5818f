//! Interop with a real peer: baresip (Debian package) on loopback, headless. We call
//! it with sip-ua, it answers automatically; our leg sends a 1 kHz tone and baresip
//! plays a 600 Hz WAV file (aufile). baresip's sndfile module records what it
//! decoded; we check our tone there, and its tone in what we played.

mod common;

use std::time::Duration;

use common::baresip::{dial, read_first_channel, Baresip, Dialled, THEIR_TONE};
use common::*;
use media::audio::file::MemorySink;
use media::audio::tone::{tone_ratio, ToneGenerator};
use media::sdp::negotiate::CodecPreference;
use media_net::LegOptions;

const OUR_TONE: f64 = 1000.0;

async fn call_baresip(pref: CodecPreference, input_rate: u32, srtp: bool) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("media_net=debug,sip_ua=info,rsipstack=warn")
        .with_test_writer()
        .try_init();
    let baresip = Baresip::start(input_rate, srtp).await;
    let Dialled {
        ua,
        call,
        leg,
        negotiated,
    } = dial(&baresip, pref.clone(), srtp).await;
    let (sink, heard) = MemorySink::new(48000);
    let handle = leg
        .start_with(
            negotiated,
            Box::new(ToneGenerator::new(OUR_TONE, 48000, 8000)),
            Box::new(sink),
            LegOptions::default(),
        )
        .unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let stats = handle.stats();
    call.bye().await.unwrap();
    let final_stats = handle.stop().await;
    // Let baresip close its recording after the BYE.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let log = baresip.log();
    let dump = baresip.decoded_wav();
    let _dir = baresip.stop().await;
    ua.shutdown();

    let heard = heard.samples();
    let ours = tone_ratio(tail(&heard, 48000, 1000), 48000, THEIR_TONE);
    assert!(
        ours > 0.7,
        "{}: we heard baresip's tone at {ours:.2}; {stats:?}\n{log}",
        pref.encoding
    );
    let (rate, theirs) = read_first_channel(&dump);
    assert!(
        theirs.len() > rate as usize * 2,
        "{} samples at {rate}:\n{log}",
        theirs.len()
    );
    let last = &theirs[theirs.len() - rate as usize..];
    let r = tone_ratio(last, rate, OUR_TONE);
    assert!(
        r > 0.7,
        "{}: baresip heard our tone at {r:.2}\n{log}",
        pref.encoding
    );
    // No audio packet may be dropped. (baresip's lone RTCP APP keepalive, in clear
    // and with SRTP once more protected, and its lone BYE at hang-up are not valid
    // compounds (RFC 3550 A.2): they count in rtcp_dropped.)
    assert!(
        final_stats.packets_received > 100
            && final_stats.malformed == 0
            && final_stats.auth_failures == 0,
        "{final_stats:?}"
    );
    println!(
        "{}: we heard {ours:.2}, baresip heard {r:.2}; {final_stats:?}",
        pref.encoding
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baresip_hears_our_pcmu_tone_and_we_hear_its() {
    call_baresip(CodecPreference::pcmu(), 8000, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baresip_with_mandatory_sdes_srtp_hears_our_pcmu_tone_and_we_hear_its() {
    call_baresip(CodecPreference::pcmu(), 8000, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baresip_hears_our_opus_tone_and_we_hear_its() {
    call_baresip(CodecPreference::opus(), 48000, false).await;
}
