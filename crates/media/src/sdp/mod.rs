//! SDP (RFC 4566) for audio calls, and the offer/answer rules of RFC 3264.
//!
//! The model keeps what a softphone decides on (connection, media lines, rtpmap/fmtp,
//! direction, SDES crypto of RFC 4568, ptime) as typed fields and every other
//! attribute as an [`Attribute`], so a description parsed from a peer writes back
//! without losing lines we do not interpret. [`parse`] gives a [`SdpError`] with the
//! line number for malformed input; [`SessionDescription`]'s `Display` writes it.
//! [`negotiate`] builds offers and answers.

use std::fmt;

use thiserror::Error;

pub mod negotiate;
mod parse;
mod write;

pub use parse::parse;

/// Whether an SDP body offers (or answers) WebRTC media: an audio line on
/// `UDP/TLS/RTP/SAVPF` (or `UDP/TLS/RTP/SAVP`) with a DTLS fingerprint. Read from the
/// text, so a body our parser would refuse is still told apart.
pub fn is_webrtc(sdp: &str) -> bool {
    let audio_on_dtls = sdp.lines().any(|l| {
        let l = l.trim();
        l.starts_with("m=audio ")
            && l.split_whitespace()
                .nth(2)
                .is_some_and(|p| p.starts_with("UDP/TLS/RTP/SAVP"))
    });
    audio_on_dtls && sdp.lines().any(|l| l.trim().starts_with("a=fingerprint:"))
}

/// Why a description was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SdpError {
    #[error("SDP line {line}: {fault}")]
    Malformed { line: usize, fault: SdpFault },
    #[error("SDP has no {0}= line")]
    Missing(char),
}

/// What was wrong with a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum SdpFault {
    #[error("not of the form <type>=<value>")]
    NotTypeValue,
    #[error("the first line must be v=0")]
    Version,
    #[error("bad o= line")]
    Origin,
    #[error("bad c= line")]
    Connection,
    #[error("bad t= line")]
    Timing,
    #[error("bad m= line")]
    Media,
    #[error("bad a=rtpmap")]
    Rtpmap,
    #[error("bad a=fmtp")]
    Fmtp,
    #[error("bad a=crypto")]
    Crypto,
    #[error("bad a=ptime")]
    Ptime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressType {
    Ip4,
    Ip6,
}

impl fmt::Display for AddressType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AddressType::Ip4 => "IP4",
            AddressType::Ip6 => "IP6",
        })
    }
}

/// `o=<username> <sess-id> <sess-version> IN <addrtype> <address>`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub username: String,
    /// Kept as text: peers send ids longer than 64 bits.
    pub session_id: String,
    /// Incremented by us on every new offer in the dialog (hold, resume).
    pub session_version: u64,
    pub address_type: AddressType,
    pub address: String,
}

/// `c=IN <addrtype> <address>`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub address_type: AddressType,
    pub address: String,
}

/// Media direction (RFC 3264 5.1); `Inactive` or `SendOnly` is how hold is signalled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

impl Direction {
    pub fn sends(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::SendOnly)
    }

    pub fn receives(self) -> bool {
        matches!(self, Direction::SendRecv | Direction::RecvOnly)
    }

    pub fn from_flags(send: bool, recv: bool) -> Self {
        match (send, recv) {
            (true, true) => Direction::SendRecv,
            (true, false) => Direction::SendOnly,
            (false, true) => Direction::RecvOnly,
            (false, false) => Direction::Inactive,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }

    fn from_attribute(name: &str) -> Option<Self> {
        Some(match name {
            "sendrecv" => Direction::SendRecv,
            "sendonly" => Direction::SendOnly,
            "recvonly" => Direction::RecvOnly,
            "inactive" => Direction::Inactive,
            _ => return None,
        })
    }
}

/// The transport protocol of an m= line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Protocol {
    RtpAvp,
    /// SRTP; keys by a=crypto (SDES) on SIP trunks.
    RtpSavp,
    Other(String),
}

impl Protocol {
    fn parse(s: &str) -> Self {
        match s {
            "RTP/AVP" => Protocol::RtpAvp,
            "RTP/SAVP" => Protocol::RtpSavp,
            other => Protocol::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Protocol::RtpAvp => "RTP/AVP",
            Protocol::RtpSavp => "RTP/SAVP",
            Protocol::Other(s) => s,
        }
    }
}

/// `a=rtpmap:<pt> <encoding>/<clock rate>[/<channels>]`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtpMap {
    pub payload_type: u8,
    pub encoding: String,
    pub clock_rate: u32,
    pub channels: Option<u8>,
}

/// `a=fmtp:<pt> <parameters>`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fmtp {
    pub payload_type: u8,
    pub params: String,
}

/// `a=crypto:<tag> <suite> <key-params> [<session-params>]` (RFC 4568).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crypto {
    pub tag: u32,
    pub suite: String,
    /// As sent, e.g. `inline:<base64 key||salt>|2^20|1:32`.
    pub key_params: String,
    pub session_params: Vec<String>,
}

impl Crypto {
    /// The base64 key and salt of an `inline:` key, without lifetime or MKI.
    pub fn inline_key(&self) -> Option<&str> {
        let rest = self.key_params.strip_prefix("inline:")?;
        Some(rest.split('|').next().unwrap_or(rest))
    }
}

/// Any attribute we do not model, kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub name: String,
    pub value: Option<String>,
}

/// One m= section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaDescription {
    pub media: String,
    /// 0 means the stream is rejected or disabled.
    pub port: u16,
    pub protocol: Protocol,
    /// Payload type numbers for RTP, kept as text for other protocols.
    pub formats: Vec<String>,
    pub connection: Option<Connection>,
    pub rtpmaps: Vec<RtpMap>,
    pub fmtps: Vec<Fmtp>,
    pub direction: Option<Direction>,
    pub crypto: Vec<Crypto>,
    pub ptime: Option<u32>,
    pub attributes: Vec<Attribute>,
}

/// A codec as an m= line offers it: its payload type resolved through rtpmap, or
/// through the static table of RFC 3551 when there is no rtpmap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Codec {
    pub payload_type: u8,
    pub encoding: String,
    pub clock_rate: u32,
    /// 1 when the line does not say.
    pub channels: u8,
    pub fmtp: Option<String>,
}

impl Codec {
    pub fn is(&self, encoding: &str, clock_rate: u32, channels: u8) -> bool {
        self.encoding.eq_ignore_ascii_case(encoding)
            && self.clock_rate == clock_rate
            && self.channels == channels
    }

    pub fn is_telephone_event(&self) -> bool {
        self.encoding.eq_ignore_ascii_case("telephone-event")
    }
}

/// Static audio payload types of RFC 3551 that a peer may list without rtpmap.
fn static_payload(pt: u8) -> Option<(&'static str, u32)> {
    Some(match pt {
        0 => ("PCMU", 8000),
        3 => ("GSM", 8000),
        8 => ("PCMA", 8000),
        9 => ("G722", 8000),
        18 => ("G729", 8000),
        _ => return None,
    })
}

impl MediaDescription {
    /// The codecs of this line in the order listed; formats with neither rtpmap nor
    /// a static meaning are left out (we could not use them anyway).
    pub fn codecs(&self) -> Vec<Codec> {
        self.formats
            .iter()
            .filter_map(|f| f.parse::<u8>().ok())
            .filter_map(|pt| {
                let fmtp = self
                    .fmtps
                    .iter()
                    .find(|f| f.payload_type == pt)
                    .map(|f| f.params.clone());
                if let Some(map) = self.rtpmaps.iter().find(|m| m.payload_type == pt) {
                    return Some(Codec {
                        payload_type: pt,
                        encoding: map.encoding.clone(),
                        clock_rate: map.clock_rate,
                        channels: map.channels.unwrap_or(1),
                        fmtp,
                    });
                }
                let (name, rate) = static_payload(pt)?;
                Some(Codec {
                    payload_type: pt,
                    encoding: name.to_owned(),
                    clock_rate: rate,
                    channels: 1,
                    fmtp,
                })
            })
            .collect()
    }
}

/// A whole description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionDescription {
    pub origin: Origin,
    pub session_name: String,
    pub connection: Option<Connection>,
    /// `t=<start> <stop>`; `0 0` for calls.
    pub timing: (u64, u64),
    /// Session-level direction, the default for media lines without their own.
    pub direction: Option<Direction>,
    pub attributes: Vec<Attribute>,
    pub media: Vec<MediaDescription>,
}

impl SessionDescription {
    /// The direction in force for a media line: its own, else the session's, else
    /// sendrecv (RFC 4566 6).
    pub fn media_direction(&self, media: &MediaDescription) -> Direction {
        media
            .direction
            .or(self.direction)
            .unwrap_or(Direction::SendRecv)
    }

    /// The connection in force for a media line: its own, else the session's.
    pub fn media_connection<'a>(&'a self, media: &'a MediaDescription) -> Option<&'a Connection> {
        media.connection.as_ref().or(self.connection.as_ref())
    }
}

#[cfg(test)]
mod tests;
