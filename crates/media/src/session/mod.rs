//! One call's audio stream, sans-IO: [`MediaSession`] ties codec, [`RtpSender`],
//! jitter buffer, SRTP, RTCP and DTMF together. It never reads a clock or a socket:
//! the driver calls [`MediaSession::on_capture`] with each captured frame and
//! [`MediaSession::poll_playout`] once per frame tick, hands it every datagram with
//! [`MediaSession::on_datagram`], and sends the [`Transmit`]s it gets back.
//!
//! Times are milliseconds on the driver's monotonic clock; the wall clock RTCP needs
//! is that plus [`SessionConfig::unix_offset_ms`].
//!
//! Received datagrams are demultiplexed as RFC 5761 4 says (payload type 64..=95 is
//! RTCP), so RTCP is understood on either socket; what we send goes to the RTCP port
//! unless offer/answer agreed on rtcp-mux ([`Negotiated::rtcp_mux`]).

use thiserror::Error;

use crate::codec::{self, AudioCodec, CodecError};
use crate::dtmf::{digit_packets, DtmfError, DtmfReceiver, DtmfTiming};
use crate::jitter::{JitterBuffer, JitterConfig, Pop};
use crate::resample::Resampler;
use crate::rtcp::RtcpError;
use crate::rtp::{RtpError, RtpPacket};
use crate::sdp::negotiate::Negotiated;
use crate::sdp::Direction;
use crate::srtp::{SrtpContext, SrtpError};
use crate::stream::{RtpSender, SrTracker};

mod control;
mod stats;

pub use stats::{MediaStats, RtcpSchedule};

/// Why a session could not start, or why a datagram was dropped.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum SessionError {
    #[error(transparent)]
    Codec(#[from] CodecError),
    #[error(transparent)]
    Srtp(#[from] SrtpError),
    #[error(transparent)]
    Rtp(#[from] RtpError),
    #[error(transparent)]
    Rtcp(#[from] RtcpError),
    #[error(transparent)]
    Dtmf(#[from] DtmfError),
    #[error("payload type {0} was not negotiated")]
    UnknownPayloadType(u8),
    #[error("telephone-event was not negotiated")]
    NoTelephoneEvent,
}

/// How the driver sets a session up. Random values (SSRC, first sequence number and
/// timestamp; RFC 3550 5.1) come from the driver: the session has no RNG.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    pub negotiated: Negotiated,
    /// Rate of the microphone frames given to [`MediaSession::on_capture`].
    pub capture_rate: u32,
    /// Rate of the frames [`MediaSession::poll_playout`] returns.
    pub playout_rate: u32,
    pub ssrc: u32,
    pub initial_sequence: u16,
    pub initial_timestamp: u32,
    /// Unix time in ms at the driver's time 0, for RTCP's NTP timestamps.
    pub unix_offset_ms: u64,
    /// RFC 3550's minimum RTCP interval (5 s); tests shorten it.
    pub rtcp_min_interval_ms: u64,
    /// Our CNAME for RTCP SDES.
    pub cname: String,
    pub ptime_ms: u32,
}

/// A datagram to send, and on which socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transmit {
    Rtp(Vec<u8>),
    Rtcp(Vec<u8>),
}

/// What a received datagram was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    Audio,
    /// A new DTMF digit (RFC 4733); repeats of the same key press are `Event`.
    Digit(char),
    Event,
    Rtcp,
    /// Media while we do not receive (hold): counted, not played.
    Ignored,
}

/// A receive decoder per payload type, as the peer may switch between the
/// negotiated codecs; each has its resampler to the playout rate.
#[derive(Debug)]
struct Decoder {
    payload_type: u8,
    codec: Box<dyn AudioCodec>,
    resampler: Resampler,
}

#[derive(Debug)]
pub struct MediaSession {
    config: SessionConfig,
    direction: Direction,
    muted: bool,
    encoder: Box<dyn AudioCodec>,
    capture_resampler: Resampler,
    sender: RtpSender,
    decoders: Vec<Decoder>,
    /// Index into `decoders` of the last one that played, for concealment.
    last_decoder: usize,
    jitter: JitterBuffer,
    srtp_send: Option<SrtpContext>,
    srtp_receive: Option<SrtpContext>,
    dtmf_receiver: DtmfReceiver,
    /// Packets of the digit being sent, one per tick, and the ticks it has taken.
    dtmf_queue: std::collections::VecDeque<char>,
    dtmf_sending: Option<(Vec<RtpPacket>, usize, u32)>,
    sr_tracker: SrTracker,
    rtcp: RtcpSchedule,
    remote_ssrc: Option<u32>,
    counters: stats::Counters,
    scratch: Vec<i16>,
}

impl MediaSession {
    pub fn new(config: SessionConfig) -> Result<Self, SessionError> {
        let n = &config.negotiated;
        let encoder = codec::for_sdp(&n.codec)?;
        let mut decoders = Vec::new();
        for c in std::iter::once(&n.codec).chain(&n.receive_codecs) {
            if decoders
                .iter()
                .any(|d: &Decoder| d.payload_type == c.payload_type)
            {
                continue;
            }
            // A codec we cannot run in the receive list is left out; its packets
            // will be dropped as unknown.
            if let Ok(codec) = codec::for_sdp(c) {
                decoders.push(Decoder {
                    payload_type: c.payload_type,
                    resampler: Resampler::new(codec.sample_rate(), config.playout_rate),
                    codec,
                });
            }
        }
        let (srtp_send, srtp_receive) = match &n.srtp {
            Some(keys) => (
                Some(SrtpContext::from_sdes(&keys.suite, &keys.local_key)?),
                Some(SrtpContext::from_sdes(&keys.suite, &keys.remote_key)?),
            ),
            None => (None, None),
        };
        let mut jitter_config = JitterConfig::new(encoder.clock_rate());
        jitter_config.frame_ms = config.ptime_ms;
        Ok(Self {
            direction: n.direction,
            muted: false,
            capture_resampler: Resampler::new(config.capture_rate, encoder.sample_rate()),
            encoder,
            sender: RtpSender::new(
                config.ssrc,
                config.initial_sequence,
                config.initial_timestamp,
            ),
            decoders,
            last_decoder: 0,
            jitter: JitterBuffer::new(jitter_config),
            srtp_send,
            srtp_receive,
            dtmf_receiver: DtmfReceiver::default(),
            dtmf_queue: Default::default(),
            dtmf_sending: None,
            sr_tracker: SrTracker::default(),
            rtcp: RtcpSchedule::new(config.rtcp_min_interval_ms, config.ssrc),
            remote_ssrc: None,
            counters: stats::Counters::default(),
            scratch: Vec::new(),
            config,
        })
    }

    /// Samples per frame at the capture rate: what [`Self::on_capture`] expects.
    pub fn capture_frame_len(&self) -> usize {
        (self.config.capture_rate * self.config.ptime_ms / 1000) as usize
    }

    /// Samples per frame at the playout rate: what [`Self::poll_playout`] returns.
    pub fn playout_frame_len(&self) -> usize {
        (self.config.playout_rate * self.config.ptime_ms / 1000) as usize
    }

    fn codec_frame_len(&self) -> usize {
        (self.encoder.sample_rate() * self.config.ptime_ms / 1000) as usize
    }

    fn clock_units_per_frame(&self) -> u32 {
        self.encoder.clock_rate() * self.config.ptime_ms / 1000
    }

    /// One captured frame (`capture_frame_len` samples) at `now_ms`: returns what to
    /// send, audio (or a DTMF packet in its place) and RTCP when due.
    pub fn on_capture(&mut self, now_ms: u64, pcm: &[i16]) -> Vec<Transmit> {
        let mut out = Vec::new();
        let units = self.clock_units_per_frame();
        let codec_len = self.codec_frame_len();
        self.scratch.clear();
        self.capture_resampler
            .process(pcm, codec_len, &mut self.scratch);
        if !self.direction.sends() {
            self.sender.skip(units);
        } else if let Some(packet) = self.next_dtmf_packet(units) {
            self.push_rtp(&packet, &mut out);
        } else if self.muted {
            // Muted sends nothing (no comfort noise is negotiated); the timestamp
            // keeps running so the far end sees the gap as silence, not loss.
            self.sender.skip(units);
        } else {
            let mut payload = Vec::new();
            self.encoder.encode(&self.scratch, &mut payload);
            if payload.is_empty() {
                self.sender.skip(units);
            } else {
                let pt = self.config.negotiated.codec.payload_type;
                let packet = self.sender.audio(pt, payload, units);
                self.push_rtp(&packet, &mut out);
            }
        }
        if self.rtcp.due(now_ms) {
            if let Some(t) = self.report(now_ms, false) {
                out.push(t);
            }
        }
        out
    }

    fn next_dtmf_packet(&mut self, units: u32) -> Option<RtpPacket> {
        if self.dtmf_sending.is_none() {
            let digit = self.dtmf_queue.pop_front()?;
            let event = self.config.negotiated.telephone_event.as_ref()?;
            let timing = DtmfTiming {
                interval_ms: self.config.ptime_ms,
                clock_rate: event.clock_rate,
                ..DtmfTiming::default()
            };
            let packets = digit_packets(digit, timing).ok()?;
            let packets = self.sender.event(event.payload_type, &packets);
            self.dtmf_sending = Some((packets, 0, 0));
        }
        let (packets, next, ticks) = self.dtmf_sending.as_mut()?;
        let packet = packets.get(*next).cloned();
        *next += 1;
        *ticks += 1;
        if *next >= packets.len() {
            let ticks = *ticks;
            self.dtmf_sending = None;
            // The event's time replaced audio; the next audio packet comes after it.
            self.sender.skip(units * ticks);
        }
        packet
    }

    fn push_rtp(&mut self, packet: &RtpPacket, out: &mut Vec<Transmit>) {
        let Ok(bytes) = packet.to_bytes() else {
            return;
        };
        let bytes = match self.srtp_send.as_mut() {
            Some(ctx) => match ctx.protect_rtp(&bytes) {
                Ok(b) => b,
                Err(_) => return,
            },
            None => bytes,
        };
        self.counters.packets_sent += 1;
        self.counters.bytes_sent += bytes.len() as u64;
        self.rtcp.note_sent();
        out.push(Transmit::Rtp(bytes));
    }

    /// A datagram from the peer, on either socket, at `now_ms`.
    pub fn on_datagram(&mut self, now_ms: u64, data: &[u8]) -> Result<Received, SessionError> {
        if data.len() >= 2 && (192..=223).contains(&data[1]) {
            let result = self.on_rtcp(now_ms, data).map(|()| Received::Rtcp);
            if result.is_err() {
                self.counters.rtcp_dropped += 1;
            }
            return result;
        }
        let result = self.on_rtp(now_ms, data);
        match &result {
            Err(SessionError::Srtp(SrtpError::AuthFailed | SrtpError::Replayed(_))) => {
                self.counters.auth_failures += 1
            }
            Err(_) => self.counters.malformed += 1,
            Ok(_) => {}
        }
        result
    }

    fn on_rtp(&mut self, now_ms: u64, data: &[u8]) -> Result<Received, SessionError> {
        let plain;
        let data = match self.srtp_receive.as_mut() {
            Some(ctx) => {
                plain = ctx.unprotect_rtp(data)?;
                &plain[..]
            }
            None => data,
        };
        let packet = RtpPacket::parse(data)?;
        self.counters.packets_received += 1;
        self.counters.bytes_received += data.len() as u64;
        if !self.direction.receives() {
            return Ok(Received::Ignored);
        }
        self.remote_ssrc = Some(packet.ssrc);
        let event_pt = self
            .config
            .negotiated
            .telephone_event
            .as_ref()
            .map(|e| e.payload_type);
        if Some(packet.payload_type) == event_pt {
            self.jitter.skip(packet.sequence);
            return Ok(
                match self
                    .dtmf_receiver
                    .receive(packet.timestamp, &packet.payload)?
                {
                    Some(d) => Received::Digit(d),
                    None => Received::Event,
                },
            );
        }
        if !self
            .decoders
            .iter()
            .any(|d| d.payload_type == packet.payload_type)
        {
            return Err(SessionError::UnknownPayloadType(packet.payload_type));
        }
        self.jitter.push(packet, now_ms);
        Ok(Received::Audio)
    }

    /// One frame for the speaker (`playout_frame_len` samples), once per tick.
    pub fn poll_playout(&mut self, now_ms: u64) -> Vec<i16> {
        let out_len = self.playout_frame_len();
        let mut out = Vec::with_capacity(out_len);
        let frame_ms = self.config.ptime_ms as usize;
        let mut pcm = Vec::new();
        let pop = self.jitter.pop(now_ms);
        let index = match &pop {
            Pop::Frame(f) => self
                .decoders
                .iter()
                .position(|d| d.payload_type == f.payload_type)
                .unwrap_or(self.last_decoder),
            _ => self.last_decoder,
        };
        let Some(decoder) = self.decoders.get_mut(index) else {
            out.resize(out_len, 0);
            return out;
        };
        let samples = decoder.codec.sample_rate() as usize * frame_ms / 1000;
        match pop {
            Pop::Frame(f) => {
                self.last_decoder = index;
                if decoder.codec.decode(&f.payload, &mut pcm).is_err() {
                    self.counters.malformed += 1;
                    pcm.clear();
                    decoder.codec.conceal(samples, None, &mut pcm);
                }
            }
            Pop::Concealed => {
                let next = self.jitter.fec_source().map(|f| f.payload.as_slice());
                decoder.codec.conceal(samples, next, &mut pcm);
            }
            Pop::Empty => {}
        }
        // A codec gives exactly one frame; anything else (a peer's 10 ms or 60 ms
        // packets) is cut or padded so the speaker's timing never drifts.
        pcm.resize(samples, 0);
        decoder.resampler.process(&pcm, out_len, &mut out);
        out
    }
}

#[cfg(test)]
mod tests;
