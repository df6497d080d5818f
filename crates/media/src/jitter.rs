//! Adaptive jitter buffer, sans-IO: [`JitterBuffer::push`] a packet with its arrival
//! time, [`JitterBuffer::pop`] once per frame tick.
//!
//! # How playout works
//! Playout follows the sender's timestamps, not its sequence numbers: every tick plays
//! the media time `next_ts`, which advances one frame per tick. A packet is due when
//! its timestamp falls in the current frame; if none is due the tick is concealed. So
//! loss, reordering and silence (DTX) all come out as the same continuous stream, and a
//! packet whose frame has passed is dropped as late.
//!
//! The playout delay `d = now - next_ts - min_transit` (how long after its fastest
//! possible arrival a frame is played) is held between the target and target plus two
//! frames: when the target grows the buffer repeats a concealed tick without
//! advancing (stretch); when it shrinks it skips one frame, at most every 500 ms
//! (skips are audible, growth is not). The target is `frame + 3 * jitter` (RFC 3550
//! A.8 jitter), within the configured bounds; it rises at once and falls slowly.
//!
//! When the sender's timeline jumps (a new stream after hold, a relay switching
//! sources: transit far outside what jitter explains, or five late packets in a row),
//! playout restarts from the new packets instead of waiting or dropping them all.
//!
//! Assumes each packet carries one frame of `frame_ms`; the engine ticks at the
//! negotiated ptime.

use std::collections::{BTreeMap, VecDeque};

use crate::quality::{ReceiveStats, StatsSnapshot};
use crate::rtp::{RtpPacket, SequenceUnwrapper};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JitterConfig {
    pub clock_rate: u32,
    pub frame_ms: u32,
    pub min_delay_ms: u32,
    pub max_delay_ms: u32,
    /// After this long with nothing to play, [`Pop::Empty`] replaces concealment: the
    /// peer stopped sending (hold, DTX) and inventing audio would be wrong.
    pub idle_after_ms: u32,
    /// Most packets kept; a flood beyond it drops the oldest.
    pub capacity: usize,
}

impl JitterConfig {
    /// 20 ms frames at `clock_rate` (8000 for G.711, 48000 for Opus).
    pub fn new(clock_rate: u32) -> Self {
        Self {
            clock_rate,
            frame_ms: 20,
            min_delay_ms: 20,
            max_delay_ms: 200,
            idle_after_ms: 400,
            capacity: 100,
        }
    }
}

/// A frame ready to decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub sequence: u16,
    pub timestamp: u32,
    pub payload_type: u8,
    pub marker: bool,
    pub payload: Vec<u8>,
}

/// What one tick plays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pop {
    Frame(Frame),
    /// A frame is missing (lost, late or stretched): play concealment (PLC, Opus FEC).
    Concealed,
    /// Nothing to play: not started yet, or the peer has been silent for a while.
    Empty,
}

/// What became of a pushed packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushOutcome {
    Buffered,
    Duplicate,
    /// Its frame was already played or concealed.
    Late,
}

/// Counters of what the buffer did, beside the network statistics.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BufferCounters {
    pub played: u64,
    pub concealed: u64,
    pub late: u64,
    pub duplicates: u64,
    /// Frames skipped to shrink the delay, or dropped because the buffer was full.
    pub discarded: u64,
}

#[derive(Debug, Clone)]
struct Entry {
    ts_ms: f64,
    frame: Frame,
}

#[derive(Debug, Clone)]
pub struct JitterBuffer {
    config: JitterConfig,
    stats: ReceiveStats,
    counters: BufferCounters,
    seq: SequenceUnwrapper,
    /// Extended timestamp of the last packet, for unwrapping the 32-bit field.
    last_ts: Option<i64>,
    packets: BTreeMap<u64, Entry>,
    /// Transit times (arrival minus media time) of the last two seconds of packets.
    transits: VecDeque<f64>,
    min_transit: f64,
    last_transit: Option<f64>,
    /// Our own RFC 3550 A.8 jitter estimate in ms, restarted with the timeline (the
    /// statistics keep theirs, spikes included, as the RFC defines it).
    jitter_ms: f64,
    target_ms: f64,
    /// Media time of the next frame to play; `None` until the first packet.
    next_ts: Option<f64>,
    playing: bool,
    idle_ms: u32,
    consecutive_late: u32,
    since_shrink_ms: u32,
    recently_seen: VecDeque<u64>,
    /// The last pop concealed a frame that is missing (not a stretch), so the packet
    /// now at the head may carry its FEC copy.
    gap_concealed: bool,
}

/// How fast the target may fall, per packet: 2.5 ms a second at 50 packets a second.
const TARGET_RELEASE_MS: f64 = 0.05;

/// This many late packets in a row restart playout (100 ms at 20 ms frames).
const LATE_RUN_RESTART: u32 = 5;

/// How many played or late sequence numbers are remembered to recognise duplicates.
const SEEN_MEMORY: usize = 64;

impl JitterBuffer {
    pub fn new(config: JitterConfig) -> Self {
        Self {
            config,
            stats: ReceiveStats::new(config.clock_rate),
            counters: BufferCounters::default(),
            seq: SequenceUnwrapper::default(),
            last_ts: None,
            packets: BTreeMap::new(),
            transits: VecDeque::new(),
            min_transit: 0.0,
            last_transit: None,
            jitter_ms: 0.0,
            // Start at one frame: on a clean path that is all the delay needed, and the
            // target rises at once with the first jitter it sees (fast attack).
            target_ms: f64::from(config.min_delay_ms.max(config.frame_ms))
                .min(f64::from(config.max_delay_ms)),
            next_ts: None,
            playing: false,
            idle_ms: 0,
            consecutive_late: 0,
            since_shrink_ms: u32::MAX,
            recently_seen: VecDeque::new(),
            gap_concealed: false,
        }
    }

    pub fn stats(&self) -> StatsSnapshot {
        self.stats.snapshot()
    }

    /// Receive statistics, for building RTCP report blocks.
    pub fn receive_stats_mut(&mut self) -> &mut ReceiveStats {
        &mut self.stats
    }

    pub fn counters(&self) -> BufferCounters {
        self.counters
    }

    /// Current target playout delay.
    pub fn target_delay_ms(&self) -> f64 {
        self.target_ms
    }

    /// Loss as the listener hears it: network loss plus packets that came too late or
    /// were skipped to shrink the delay.
    pub fn effective_loss_ratio(&self) -> f64 {
        let s = self.stats.snapshot();
        if s.expected == 0 {
            return 0.0;
        }
        let missing = s.lost.max(0) as u64 + self.counters.late + self.counters.discarded;
        (missing as f64 / s.expected as f64).min(1.0)
    }

    pub fn push(&mut self, packet: RtpPacket, arrival_ms: u64) -> PushOutcome {
        let ext = self.seq.unwrap(packet.sequence);
        if self.packets.contains_key(&ext) || self.recently_seen.contains(&ext) {
            self.counters.duplicates += 1;
            return PushOutcome::Duplicate;
        }
        self.stats.record(ext, packet.timestamp, arrival_ms);
        let ts_ms = self.unwrap_ts(packet.timestamp);
        let transit = arrival_ms as f64 - ts_ms;

        // A jump far beyond any jitter means the sender restarted its timeline (new
        // stream after hold, a relay switching sources): start over from this packet.
        // Earlier than the fastest packet ever is never jitter, so that side needs
        // less; smaller jumps the other way show up as a run of late packets below.
        let max_delay = f64::from(self.config.max_delay_ms);
        if !self.transits.is_empty()
            && (transit < self.min_transit - max_delay
                || transit > self.min_transit + 2.0 * max_delay + 1000.0)
        {
            self.restart_timeline();
        }
        self.transits.push_back(transit);
        if self.transits.len() > (2000 / self.config.frame_ms.max(1)) as usize {
            self.transits.pop_front();
        }
        self.min_transit = self.transits.iter().copied().fold(f64::INFINITY, f64::min);
        if let Some(last) = self.last_transit {
            self.jitter_ms += ((transit - last).abs() - self.jitter_ms) / 16.0;
        }
        self.last_transit = Some(transit);
        // Fast attack, slow release: the A.8 estimate is noisy, and a target that
        // follows it down at once makes the buffer stretch and skip back and forth.
        let wanted = f64::from(self.config.frame_ms) + 3.0 * self.jitter_ms;
        self.target_ms = wanted.max(self.target_ms - TARGET_RELEASE_MS).clamp(
            f64::from(self.config.min_delay_ms),
            f64::from(self.config.max_delay_ms),
        );

        let half = f64::from(self.config.frame_ms) / 2.0;
        if self.playing && self.next_ts.is_some_and(|next| ts_ms < next - half) {
            self.consecutive_late += 1;
            if self.consecutive_late < LATE_RUN_RESTART {
                self.remember(ext);
                self.counters.late += 1;
                return PushOutcome::Late;
            }
            // Everything has been late for a while: the sender's timeline moved back
            // (or the path got much slower). Waiting for the window of transits to
            // forget would take seconds of silence; start over from this packet.
            self.restart_timeline();
            self.transits.push_back(transit);
            self.min_transit = transit;
            self.last_transit = Some(transit);
        }
        self.consecutive_late = 0;
        if !self.playing && self.next_ts.is_none_or(|next| ts_ms < next) {
            // Before playout starts the earliest packet sets where it starts.
            self.next_ts = Some(ts_ms);
        }
        if self.packets.len() >= self.config.capacity {
            self.packets.pop_first();
            self.counters.discarded += 1;
        }
        let frame = Frame {
            sequence: packet.sequence,
            timestamp: packet.timestamp,
            payload_type: packet.payload_type,
            marker: packet.marker,
            payload: packet.payload,
        };
        self.packets.insert(ext, Entry { ts_ms, frame });
        PushOutcome::Buffered
    }

    /// Accounts for a packet of this stream that is not played from here: a
    /// telephone-event (RFC 4733) packet goes to the DTMF receiver instead, but it
    /// used a sequence number, and leaving it out would show up as loss.
    pub fn skip(&mut self, sequence: u16) -> PushOutcome {
        let ext = self.seq.unwrap(sequence);
        if self.packets.contains_key(&ext) || self.recently_seen.contains(&ext) {
            self.counters.duplicates += 1;
            return PushOutcome::Duplicate;
        }
        self.remember(ext);
        self.stats.record_sequence(ext);
        PushOutcome::Buffered
    }

    /// After [`Pop::Concealed`] for a missing frame: the buffered packet of the frame
    /// right after it, whose in-band FEC (Opus) can rebuild the missing one. `None`
    /// when that packet has not arrived, or when the tick only stretched the delay
    /// (nothing is missing then; the next frame is still to be played normally).
    pub fn fec_source(&self) -> Option<&Frame> {
        if !self.gap_concealed {
            return None;
        }
        let next = self.next_ts?;
        let half = f64::from(self.config.frame_ms) / 2.0;
        self.packets
            .first_key_value()
            .filter(|(_, e)| (e.ts_ms - next).abs() < half)
            .map(|(_, e)| &e.frame)
    }

    /// Plays one frame tick at `now_ms`. Call once per `frame_ms`.
    pub fn pop(&mut self, now_ms: u64) -> Pop {
        self.gap_concealed = false;
        let Some(mut next) = self.next_ts else {
            return Pop::Empty;
        };
        let frame = f64::from(self.config.frame_ms);
        let delay = now_ms as f64 - next - self.min_transit;
        if !self.playing {
            if delay < self.target_ms {
                return Pop::Empty;
            }
            self.playing = true;
        } else if delay < self.target_ms {
            // Stretch: conceal now, play this frame one tick later.
            self.counters.concealed += 1;
            return Pop::Concealed;
        } else if delay > self.target_ms + 2.0 * frame && self.since_shrink_ms >= 500 {
            next += frame;
            self.since_shrink_ms = 0;
        }
        self.since_shrink_ms = self.since_shrink_ms.saturating_add(self.config.frame_ms);
        self.next_ts = Some(next + frame);

        // Frames whose time has passed (skipped by a shrink) are not played late.
        while let Some(entry) = self.packets.first_entry() {
            if entry.get().ts_ms >= next - frame / 2.0 {
                break;
            }
            entry.remove();
            self.counters.discarded += 1;
        }
        let due = self
            .packets
            .first_key_value()
            .is_some_and(|(_, e)| e.ts_ms < next + frame / 2.0);
        if due {
            let (ext, entry) = self.packets.pop_first().expect("checked above");
            self.remember(ext);
            self.counters.played += 1;
            self.idle_ms = 0;
            return Pop::Frame(entry.frame);
        }
        self.idle_ms = self.idle_ms.saturating_add(self.config.frame_ms);
        if self.packets.is_empty() && self.idle_ms > self.config.idle_after_ms {
            return Pop::Empty;
        }
        self.counters.concealed += 1;
        self.gap_concealed = true;
        Pop::Concealed
    }

    /// Remembers a packet that left the buffer (played or late), so a copy of it is
    /// recognised as a duplicate rather than counted again.
    fn remember(&mut self, ext: u64) {
        self.recently_seen.push_back(ext);
        if self.recently_seen.len() > SEEN_MEMORY {
            self.recently_seen.pop_front();
        }
    }

    fn unwrap_ts(&mut self, ts: u32) -> f64 {
        let ext = match self.last_ts {
            None => i64::from(ts),
            Some(last) => last + i64::from(ts.wrapping_sub(last as u32) as i32),
        };
        self.last_ts = Some(ext);
        ext as f64 * 1000.0 / f64::from(self.config.clock_rate)
    }

    fn restart_timeline(&mut self) {
        self.counters.discarded += self.packets.len() as u64;
        self.packets.clear();
        self.transits.clear();
        self.last_transit = None;
        self.jitter_ms = 0.0;
        self.next_ts = None;
        self.playing = false;
        self.idle_ms = 0;
    }
}

#[cfg(test)]
#[path = "jitter_tests.rs"]
mod tests;
