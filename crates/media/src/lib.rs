//! Media building blocks of the softphone, sans-IO: nothing here opens a socket,
//! reads a clock or spawns a task. The engine feeds bytes and times in and sends what
//! comes out, so every piece is tested in virtual time.
//!
//! # Modules and main types
//! - `rtp`: [`rtp::RtpPacket`] parse and write (RFC 3550), [`rtp::SequenceUnwrapper`].
//! - `rtcp`: [`rtcp::SenderReport`], [`rtcp::ReceiverReport`] with
//!   [`rtcp::ReportBlock`], [`rtcp::Bye`], compound packets through
//!   [`rtcp::parse_compound`] and [`rtcp::write_compound`].
//! - `g711`: mu-law and A-law companding ([`g711::ulaw_encode`], [`g711::alaw_decode`], ...).
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
//!
//! Parsers return typed errors for anything a peer may send; none of them panics.
pub mod dtmf;
pub mod g711;
pub mod jitter;
pub mod quality;
pub mod rtcp;
pub mod rtp;
pub mod sdp;
