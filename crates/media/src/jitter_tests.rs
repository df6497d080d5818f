use super::*;
use crate::quality::{estimate_mos, CodecImpairment};

fn pkt(seq: u16, ts: u32) -> RtpPacket {
    RtpPacket::new(0, seq, ts, 1, seq.to_be_bytes().to_vec())
}

fn buffer() -> JitterBuffer {
    JitterBuffer::new(JitterConfig::new(8000))
}

/// The sequence number of a played frame, or None for concealment/empty.
fn played(p: &Pop) -> Option<u16> {
    match p {
        Pop::Frame(f) => Some(f.sequence),
        _ => None,
    }
}

/// Deterministic pseudo-random numbers (SplitMix64) so the lossy runs are repeatable.
struct Rng(u64);

impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A sender emits `n` packets every 20 ms; each is lost with probability `loss` or
/// delayed by 20 ms plus up to `jitter_ms`; the receiver ticks every 20 ms at an
/// unrelated phase. Returns what every tick played and the buffer afterwards.
fn simulate(n: u32, loss: f64, jitter_ms: f64, seed: u64) -> (Vec<Pop>, JitterBuffer) {
    let mut rng = Rng(seed);
    let mut arrivals: Vec<(u64, RtpPacket)> = Vec::new();
    for i in 0..n {
        if rng.next_f64() < loss {
            continue;
        }
        let sent = u64::from(i) * 20;
        let arrival = sent + 20 + (rng.next_f64() * jitter_ms) as u64;
        arrivals.push((arrival, pkt(i as u16, i * 160)));
    }
    arrivals.sort_by_key(|(t, _)| *t);
    let mut jb = buffer();
    let mut pops = Vec::new();
    let mut next = arrivals.iter().peekable();
    let end = u64::from(n) * 20 + 1000;
    let mut now = 7;
    while now < end {
        while let Some((_, p)) = next.next_if(|(t, _)| *t <= now) {
            jb.push(p.clone(), now);
        }
        pops.push(jb.pop(now));
        now += 20;
    }
    (pops, jb)
}

#[test]
fn steady_stream_plays_every_frame_in_order_after_the_initial_delay() {
    let (pops, jb) = simulate(100, 0.0, 0.0, 1);
    let first = pops
        .iter()
        .position(|p| matches!(p, Pop::Frame(_)))
        .unwrap();
    assert!(pops[..first].iter().all(|p| *p == Pop::Empty));
    let seqs: Vec<u16> = pops[first..first + 100]
        .iter()
        .map(|p| played(p).unwrap())
        .collect();
    assert_eq!(seqs, (0..100).collect::<Vec<u16>>());
    assert_eq!(jb.counters().played, 100);
    assert_eq!(jb.stats().lost, 0);
}

#[test]
fn reordered_packets_play_in_sequence_order() {
    let mut jb = buffer();
    for (i, seq) in [1u16, 0, 3, 2, 4].into_iter().enumerate() {
        jb.push(pkt(seq, u32::from(seq) * 160), i as u64 * 20);
    }
    let mut out = Vec::new();
    for tick in 0..20u64 {
        out.extend(played(&jb.pop(tick * 20)));
    }
    assert_eq!(out, vec![0, 1, 2, 3, 4]);
}

#[test]
fn duplicates_are_dropped_whether_buffered_or_already_played() {
    let mut jb = buffer();
    assert_eq!(jb.push(pkt(0, 0), 0), PushOutcome::Buffered);
    assert_eq!(jb.push(pkt(0, 0), 1), PushOutcome::Duplicate);
    let mut now = 0;
    while played(&jb.pop(now)).is_none() {
        now += 20;
    }
    assert_eq!(jb.push(pkt(0, 0), now), PushOutcome::Duplicate);
    assert_eq!(jb.counters().duplicates, 2);
    assert_eq!(jb.stats().received, 1);
}

#[test]
fn packet_arriving_after_its_frame_was_concealed_is_dropped_as_late() {
    let mut jb = buffer();
    jb.push(pkt(0, 0), 0);
    jb.push(pkt(2, 320), 40);
    let pops: Vec<Pop> = (0..6).map(|k| jb.pop(k * 20)).collect();
    assert!(pops.contains(&Pop::Concealed), "{pops:?}");
    assert_eq!(jb.push(pkt(1, 160), 120), PushOutcome::Late);
    assert_eq!(jb.counters().late, 1);
    assert!(jb.effective_loss_ratio() > 0.0);
}

#[test]
fn missing_packet_is_concealed_in_its_slot_and_counted_as_lost() {
    let mut jb = buffer();
    for seq in [0u16, 1, 3, 4] {
        jb.push(pkt(seq, u32::from(seq) * 160), u64::from(seq) * 20);
    }
    let pops: Vec<Option<u16>> = (0..10).map(|k| played(&jb.pop(60 + k * 20))).collect();
    let start = pops.iter().position(Option::is_some).unwrap();
    assert_eq!(
        &pops[start..start + 5],
        &[Some(0), Some(1), None, Some(3), Some(4)]
    );
    assert_eq!(jb.stats().lost, 1);
}

#[test]
fn target_delay_grows_with_jitter_and_stays_within_bounds() {
    let (_, calm) = simulate(500, 0.0, 0.0, 2);
    let (_, jittery) = simulate(500, 0.0, 30.0, 2);
    let (_, wild) = simulate(500, 0.0, 1000.0, 2);
    assert_eq!(calm.target_delay_ms(), 20.0);
    assert!(
        jittery.target_delay_ms() > 40.0,
        "{}",
        jittery.target_delay_ms()
    );
    assert_eq!(wild.target_delay_ms(), 200.0);
}

#[test]
fn five_percent_loss_and_30ms_jitter_keep_playout_continuous_and_show_the_loss() {
    let (pops, jb) = simulate(3000, 0.05, 30.0, 0x5EED);
    let first = pops
        .iter()
        .position(|p| matches!(p, Pop::Frame(_)))
        .unwrap();
    let last = pops
        .iter()
        .rposition(|p| matches!(p, Pop::Frame(_)))
        .unwrap();
    // Every 20 ms tick between the first and the last frame yields audio: a frame or
    // a concealment, never a gap.
    let gaps = pops[first..=last]
        .iter()
        .filter(|p| **p == Pop::Empty)
        .count();
    assert_eq!(gaps, 0);
    let stats = jb.stats();
    assert!(
        (0.035..0.065).contains(&stats.loss_ratio),
        "loss {}",
        stats.loss_ratio
    );
    assert_eq!(stats.lost as u64, stats.expected - stats.received);
    assert!(
        stats.jitter_ms > 5.0 && stats.jitter_ms < 20.0,
        "jitter {}",
        stats.jitter_ms
    );
    let c = jb.counters();
    // Late drops are rare once the target has adapted: well under 1%.
    assert!(c.late < 30, "late {}", c.late);
    assert!(c.played + c.concealed >= (last - first + 1) as u64);
    let mos = estimate_mos(
        jb.target_delay_ms() + 40.0,
        jb.effective_loss_ratio(),
        CodecImpairment::G711_PLC,
    );
    let clean = estimate_mos(jb.target_delay_ms() + 40.0, 0.0, CodecImpairment::G711_PLC);
    assert!(mos < clean - 0.3 && mos > 3.0, "mos {mos} clean {clean}");
}

#[test]
fn silence_after_the_stream_stops_becomes_empty() {
    let (pops, _) = simulate(50, 0.0, 0.0, 3);
    assert_eq!(pops.last(), Some(&Pop::Empty));
}

#[test]
fn playout_continues_across_sequence_and_timestamp_wrap() {
    let mut jb = buffer();
    let mut out = Vec::new();
    for i in 0..40u32 {
        let seq = 65520u16.wrapping_add(i as u16);
        let ts = (u32::MAX - 1600).wrapping_add(i * 160);
        jb.push(pkt(seq, ts), u64::from(i) * 20);
        out.extend(played(&jb.pop(u64::from(i) * 20 + 10)));
    }
    assert!(out.len() >= 35, "{out:?}");
    assert!(
        out.windows(2).all(|w| w[1] == w[0].wrapping_add(1)),
        "{out:?}"
    );
    assert_eq!(jb.counters().concealed, 0);
}

#[test]
fn sender_timeline_jump_restarts_playout_instead_of_waiting_for_it() {
    let mut jb = buffer();
    let mut now = 0;
    for i in 0..10u16 {
        jb.push(pkt(i, u32::from(i) * 160), now);
        jb.pop(now);
        now += 20;
    }
    // After a hold the peer resumes with a timestamp ten minutes ahead.
    let mut after = Vec::new();
    for i in 0..10u32 {
        jb.push(pkt(10 + i as u16, 4_800_000 + i * 160), now);
        after.extend(played(&jb.pop(now)));
        now += 20;
    }
    assert!(after.len() >= 6, "{after:?}");
}

#[test]
fn flood_beyond_capacity_drops_the_oldest() {
    let mut jb = JitterBuffer::new(JitterConfig {
        capacity: 5,
        ..JitterConfig::new(8000)
    });
    for i in 0..8u16 {
        jb.push(pkt(i, u32::from(i) * 160), 0);
    }
    assert_eq!(jb.counters().discarded, 3);
    let mut now = 0;
    let first = loop {
        if let Some(s) = played(&jb.pop(now)) {
            break s;
        }
        now += 20;
    };
    assert_eq!(first, 3);
}

#[test]
fn skipped_telephone_event_packets_do_not_count_as_loss() {
    let mut jb = buffer();
    for seq in 0..10u16 {
        if (4..7).contains(&seq) {
            assert_eq!(jb.skip(seq), PushOutcome::Buffered);
        } else {
            jb.push(pkt(seq, u32::from(seq) * 160), u64::from(seq) * 20);
        }
    }
    assert_eq!(jb.skip(5), PushOutcome::Duplicate);
    let stats = jb.stats();
    assert_eq!((stats.expected, stats.received, stats.lost), (10, 10, 0));
}

/// Plays a steady stream whose sender timestamps shift by `shift_ms` after packet 50;
/// returns how many of the 50 packets after the shift were played.
fn played_after_timeline_shift(shift_ms: i64) -> usize {
    let mut jb = buffer();
    let mut played_after = 0;
    for i in 0..100u32 {
        let mut ts = i64::from(i) * 160;
        if i >= 50 {
            ts += shift_ms * 8;
        }
        let now = u64::from(i) * 20;
        jb.push(pkt(i as u16, ts as u32), now);
        if let Pop::Frame(f) = jb.pop(now + 10) {
            if f.sequence >= 50 {
                played_after += 1;
            }
        }
    }
    played_after
}

#[test]
fn sender_timeline_moving_back_restarts_after_a_short_run_of_late_packets() {
    // 600 ms back: below the jump threshold, so without the late-run restart every
    // packet would be late until the transit window forgot (2 s). With it: four late,
    // a rebuffer of the target delay, and the last few still buffered at the end.
    let played = played_after_timeline_shift(-600);
    assert!(played >= 35, "{played} of 50 played");
}

#[test]
fn sender_timeline_moving_forward_restarts_at_once() {
    let played = played_after_timeline_shift(600);
    assert!(played >= 45, "{played} of 50 played");
}

proptest::proptest! {
    /// Whatever order, timing and duplication packets arrive in, nothing panics and
    /// every pushed packet is accounted for exactly once.
    #[test]
    fn arbitrary_arrivals_never_panic_and_every_packet_is_accounted_for(
        events in proptest::collection::vec((0u16..200, 0u32..400, 0u64..200, proptest::bool::ANY), 0..300)
    ) {
        let mut jb = buffer();
        let mut now = 0u64;
        let mut buffered = 0u64;
        let mut late = 0u64;
        let mut duplicates = 0u64;
        for (seq, ts_frames, advance, tick) in events {
            now += advance;
            match jb.push(pkt(seq, ts_frames * 160), now) {
                PushOutcome::Buffered => buffered += 1,
                PushOutcome::Late => late += 1,
                PushOutcome::Duplicate => duplicates += 1,
            }
            if tick {
                jb.pop(now);
            }
        }
        let c = jb.counters();
        proptest::prop_assert_eq!(c.late, late);
        proptest::prop_assert_eq!(c.duplicates, duplicates);
        // Buffered packets are played, discarded, or still waiting.
        let waiting = buffered - c.played - c.discarded;
        proptest::prop_assert!(waiting <= JitterConfig::new(8000).capacity as u64);
    }
}

#[test]
fn fec_source_is_the_packet_after_a_missing_frame_and_nothing_after_a_stretch() {
    let mut jb = buffer();
    // Packets 0, 1, 3, 4 arrive on time; 2 is lost.
    let mut now = 0;
    for (seq, ts) in [(0u16, 0u32), (1, 160)] {
        jb.push(pkt(seq, ts), now);
        now += 20;
    }
    assert_eq!(jb.fec_source(), None, "nothing concealed yet");
    let mut seen = Vec::new();
    for (seq, ts) in [(3u16, 480u32), (4, 640), (5, 800)] {
        jb.push(pkt(seq, ts), now);
        let pop = jb.pop(now);
        seen.push((played(&pop), jb.fec_source().map(|f| f.sequence)));
        now += 20;
    }
    for _ in 0..3 {
        let pop = jb.pop(now);
        seen.push((played(&pop), jb.fec_source().map(|f| f.sequence)));
        now += 20;
    }
    // Frame 2 is concealed, and packet 3 (buffered) carries its FEC copy.
    let concealed_gap = seen.iter().position(|(p, _)| p.is_none()).unwrap();
    assert_eq!(seen[concealed_gap].1, Some(3), "{seen:?}");
    assert_eq!(seen[concealed_gap + 1].0, Some(3), "{seen:?}");

    // A stretch (the target grew) conceals without anything missing: no FEC source.
    let mut jb = buffer();
    // Every packet takes 0 ms except 6, which takes 70 ms: the jitter estimate jumps.
    let arrivals: Vec<(u64, u16)> = (0..12u16)
        .map(|i| (u64::from(i) * 20 + if i == 6 { 70 } else { 0 }, i))
        .collect();
    let mut trace = Vec::new();
    for tick in 0..16u64 {
        let now = tick * 20 + 1;
        for &(_, seq) in arrivals
            .iter()
            .filter(|(at, _)| *at <= now && *at + 20 > now)
        {
            jb.push(pkt(seq, u32::from(seq) * 160), now);
        }
        let pop = jb.pop(now);
        trace.push((played(&pop), jb.fec_source().map(|f| f.sequence)));
    }
    // Frame 6 missing at tick 7: packet 7 is the FEC source, then plays normally.
    assert_eq!(trace[7], (None, Some(7)), "{trace:?}");
    assert_eq!(trace[8], (Some(7), None), "{trace:?}");
    // Packet 6's late arrival raised the target: tick 10 stretches while packet 9 is
    // buffered, so nothing is missing and there is no FEC source; 9 plays later.
    assert_eq!(trace[10], (None, None), "{trace:?}");
    let nine = trace.iter().position(|(p, _)| *p == Some(9)).unwrap();
    assert!(nine > 10, "{trace:?}");
    assert_eq!(jb.counters().late, 1);
}
