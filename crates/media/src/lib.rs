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
//! - `codec`: the [`codec::AudioCodec`] trait (encode, fallible decode, conceal with
//!   the next packet for FEC), [`codec::G711`] for PCMU and PCMA,
//!   [`codec::opus::OpusCodec`] (libopus through the `opus` crate: 48 kHz mono,
//!   20 ms, in-band FEC, loss hint) and [`codec::for_sdp`] to pick one.
//! - `dtmf`: RFC 4733 [`dtmf::TelephoneEvent`], the packets of one key press
//!   ([`dtmf::digit_packets`]) and [`dtmf::DtmfReceiver`].
//! - `jitter`: [`jitter::JitterBuffer`]; push a packet with its arrival time, pop once
//!   per frame tick to get [`jitter::Pop::Frame`], `Concealed` or `Empty`;
//!   [`jitter::JitterBuffer::fec_source`] gives the packet after a missing one.
//! - `srtp`: SRTP/SRTCP of RFC 3711 for SDES keys, [`srtp::SrtpContext`]
//!   (AES_CM_128_HMAC_SHA1_80 and _32, ROC across sequence wrap, replay window,
//!   [`srtp::SrtpError`] on authentication failure).
//! - `resample`: [`resample::Resampler`], polyphase windowed sinc between the device
//!   rate and the codec rate.
//! - `session`: [`session::MediaSession`], one call's audio stream built from a
//!   [`sdp::negotiate::Negotiated`]: captured frames in, [`session::Transmit`]
//!   datagrams out (RTP, RTCP SR/RR on RFC 3550 timing, SRTP when negotiated);
//!   datagrams in, playout frames out; DTMF, mute, hold, re-INVITE updates and
//!   [`session::MediaStats`] (jitter, loss, round trip, MOS). No clock, no socket.
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
//!   detector [`audio::tone::tone_ratio`], the level meter [`audio::level::Level`]
//!   and the hot-plug diff [`audio::hotplug::diff`].
//!
//! Parsers return typed errors for anything a peer may send; none of them panics.
//!
//! # Elsewhere
//! The socket loop ([`session::MediaSession`] on tokio UDP sockets) and the real audio
//! devices (cpal) are in the `media-net` crate: both do I/O and run threads.
//!
//! # Not here yet
//! - Comfort noise (RFC 3389) and DTX: mute sends nothing.
//! - Opus at ptimes other than 20 ms in one packet (a 40/60 ms packet is cut to one
//!   frame), stereo, and the long-event procedure of RFC 4733.
//! - SRTP key derivation rates other than 0, MKI, AEAD (GCM) suites and DTLS-SRTP.
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
