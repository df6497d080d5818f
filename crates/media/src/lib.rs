//! Media building blocks of the softphone, sans-IO: nothing here opens a socket,
//! reads a clock or spawns a task. The engine feeds bytes and times in and sends what
//! comes out.
//!
//! - [`rtp`]: [`rtp::RtpPacket`] parse/write (RFC 3550), [`rtp::SequenceUnwrapper`].
//! - [`rtcp`]: [`rtcp::SenderReport`], [`rtcp::ReceiverReport`], [`rtcp::Bye`] and
//!   compound packets ([`rtcp::parse_compound`], [`rtcp::write_compound`]).
//! - [`g711`]: mu-law and A-law companding.
//! - [`dtmf`]: RFC 4733 [`dtmf::TelephoneEvent`], [`dtmf::digit_packets`],
//!   [`dtmf::DtmfReceiver`].
//! - [`jitter`]: [`jitter::JitterBuffer`] (push a packet with its arrival time, pop
//!   once per frame tick: [`jitter::Pop::Frame`], `Concealed` or `Empty`).
//! - [`quality`]: [`quality::ReceiveStats`] (RFC 3550 jitter and loss, report blocks)
//!   and the E-model MOS estimate [`quality::estimate_mos`].
//!
//! Parsers return typed errors for anything a peer may send; none of them panics.
pub mod dtmf;
pub mod g711;
pub mod jitter;
pub mod quality;
pub mod rtcp;
pub mod rtp;
