//! Media building blocks of the softphone, sans-IO: nothing here opens a socket,
//! reads a clock or spawns a task. The engine feeds bytes and times in and sends what
//! comes out, so every piece is tested in virtual time.
//!
//! # Modules and main types
//! - `rtp`: [`rtp::RtpPacket`] parse and write (RFC 3550), [`rtp::SequenceUnwrapper`].
//! - `rtcp`: [`rtcp::SenderReport`], [`rtcp::ReceiverReport`] with
//!   [`rtcp::ReportBlock`], [`rtcp::Bye`], compound packets through
//!   [`rtcp::parse_compound`] and [`rtcp::write_compound`].
//! - `stream`: [`stream::RtpSender`] (sequence, timestamps, marker, SR counts) and
//!   [`stream::SrTracker`] (LSR/DLSR for our report blocks).
//! - `g711`: mu-law and A-law companding ([`g711::ulaw_encode`], [`g711::alaw_decode`], ...).
//! - `codec`: the [`codec::AudioCodec`] trait (encode, decode, conceal) and
//!   [`codec::G711`] for PCMU and PCMA.
//! - `dtmf`: RFC 4733 [`dtmf::TelephoneEvent`], the packets of one key press
//!   ([`dtmf::digit_packets`]) and [`dtmf::DtmfReceiver`].
//! - `jitter`: [`jitter::JitterBuffer`]; push a packet with its arrival time, pop once
//!   per frame tick to get [`jitter::Pop::Frame`], `Concealed` or `Empty`.
//! - `quality`: [`quality::ReceiveStats`] (RFC 3550 jitter and loss, report blocks)
//!   and the E-model estimate [`quality::estimate_mos`].
//! - `sdp`: [`sdp::SessionDescription`] ([`sdp::parse`], `Display` writes it) and
//!   offer/answer in `sdp::negotiate` ([`sdp::negotiate::create_offer`],
//!   [`sdp::negotiate::answer`], [`sdp::negotiate::accept_answer`]) giving a
//!   [`sdp::negotiate::Negotiated`].
//! - `audio`: the device interface ([`audio::AudioBackend`], [`audio::AudioSource`],
//!   [`audio::AudioSink`]), the file and in-memory devices of `audio::file`
//!   ([`audio::file::FileBackend`], [`audio::file::MemorySource`],
//!   [`audio::file::MemorySink`], [`audio::file::WavFileSink`]), our own WAV reader
//!   and writer (`audio::wav`), [`audio::tone::ToneGenerator`] and the Goertzel
//!   detector [`audio::tone::tone_ratio`].
//!
//! Parsers return typed errors for anything a peer may send; none of them panics.
//!
//! # Not here yet (issue 5)
//! - Opus: a `codec::opus` module implementing [`codec::AudioCodec`] on the `opus`
//!   crate (0.4, bundles libopus and needs cmake), with FEC in `conceal`.
//! - Real audio devices: an `audio::cpal` module implementing [`audio::AudioBackend`]
//!   on cpal 0.18 (device list, hot-plug, level meter).
//! - SRTP (AES_CM_128_HMAC_SHA1_80/32 from the keys in [`sdp::negotiate::SrtpKeys`]),
//!   the RTP session that ties socket, [`stream::RtpSender`], jitter buffer, codec
//!   and RTCP timers together, and resampling between device and codec rates.
//!
//! Both native dependencies were left out on purpose: their builds are heavy on the
//! shared build machine.
pub mod audio;
pub mod codec;
pub mod dtmf;
pub mod g711;
pub mod jitter;
pub mod quality;
pub mod resample;
pub mod rtcp;
pub mod rtp;
pub mod sdp;
pub mod session;
pub mod srtp;
pub mod stream;
