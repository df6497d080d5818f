//! Two WebRTC legs of one call: connected, then each playing its tone to the other.

use std::time::Duration;

use media::audio::file::MemorySink;
use media::audio::tone::ToneGenerator;
use media::session::MediaStats;
use media_net::{LegOptions, MediaHandle, WebRtcLeg, WebRtcState};

use super::{steady, tone_presence};

/// How long ICE and DTLS may take on a busy machine.
pub const CONNECT_WITHIN: Duration = Duration::from_secs(15);

/// Both legs report ICE and DTLS up.
pub async fn assert_connected(caller: &mut WebRtcLeg, callee: &mut WebRtcLeg) {
    assert_eq!(
        caller.connected(CONNECT_WITHIN).await,
        WebRtcState::Connected
    );
    assert_eq!(
        callee.connected(CONNECT_WITHIN).await,
        WebRtcState::Connected
    );
}

/// Starts `leg` playing a tone of `hz`, its speaker a memory sink at `rate`.
pub async fn start_tone(
    leg: WebRtcLeg,
    hz: f64,
    rate: u32,
) -> (MediaHandle, media::audio::file::Recording) {
    let (sink, heard) = MemorySink::new(rate);
    let stream = leg
        .start(
            Box::new(ToneGenerator::new(hz, rate, 8000)),
            Box::new(sink),
            LegOptions::default(),
        )
        .await
        .expect("the stream starts");
    (stream, heard)
}

/// What a call of two seconds carried: the share of the steady part in which each
/// side heard the other's tone, and both streams' final statistics.
pub struct Exchange {
    pub at_callee: f64,
    pub at_caller: f64,
    pub caller: MediaStats,
    pub callee: MediaStats,
}

/// The caller plays 1 kHz at `caller_rate`, the callee 600 Hz at `callee_rate`, for
/// two seconds; then both stop.
pub async fn exchange_tones(
    caller: WebRtcLeg,
    callee: WebRtcLeg,
    caller_rate: u32,
    callee_rate: u32,
) -> Exchange {
    let (a, heard_by_caller) = start_tone(caller, 1000.0, caller_rate).await;
    let (b, heard_by_callee) = start_tone(callee, 600.0, callee_rate).await;
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let at_callee = tone_presence(
        steady(&heard_by_callee.samples(), callee_rate),
        callee_rate,
        1000.0,
    );
    let at_caller = tone_presence(
        steady(&heard_by_caller.samples(), caller_rate),
        caller_rate,
        600.0,
    );
    Exchange {
        at_callee,
        at_caller,
        caller: a.stop().await,
        callee: b.stop().await,
    }
}
