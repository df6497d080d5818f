//! SRTP and SRTCP (RFC 3711) for SDES-keyed calls: AES_CM_128_HMAC_SHA1_80 and
//! AES_CM_128_HMAC_SHA1_32 (RFC 4568), sans-IO.
//!
//! [`SrtpContext`] is one direction of one call: build it from the master key and
//! salt of an `a=crypto` line ([`MasterKey::from_base64`]) and [`SrtpContext::protect_rtp`]
//! / [`SrtpContext::protect_rtcp`] what we send, or
//! [`SrtpContext::unprotect_rtp`] / [`SrtpContext::unprotect_rtcp`] what we receive.
//! Each SSRC keeps its own rollover counter (ROC) and replay window; a packet that fails
//! authentication or replays one already accepted is an [`SrtpError`] and changes no
//! state, so the caller just drops it.
//!
//! Key derivation rate is 0 (keys derived once), no MKI: what SDES offers in practice.

use std::collections::HashMap;

use aes::cipher::{KeyIvInit, StreamCipher};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use thiserror::Error;

type Aes128Ctr = ctr::Ctr128BE<aes::Aes128>;
type HmacSha1 = Hmac<Sha1>;

mod replay;
use replay::ReplayWindow;

/// Why a packet was not protected or unprotected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SrtpError {
    #[error("unknown SRTP suite {0:?}")]
    UnknownSuite(String),
    #[error("SDES key is not base64 of a 16-byte key and 14-byte salt")]
    BadKey,
    #[error("packet of {0} bytes is too short for its header and tag")]
    TooShort(usize),
    #[error("authentication tag does not match: tampered, or keyed differently")]
    AuthFailed,
    #[error("packet index {0} was already received or is too old (replay)")]
    Replayed(u64),
    #[error("not RTP/RTCP version 2")]
    BadVersion,
    #[error("too many SSRCs on one SRTP context")]
    TooManySources,
}

/// The crypto suites of `a=crypto` we implement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SrtpSuite {
    AesCm128HmacSha1_80,
    AesCm128HmacSha1_32,
}

impl SrtpSuite {
    pub fn from_name(name: &str) -> Result<Self, SrtpError> {
        match name {
            "AES_CM_128_HMAC_SHA1_80" => Ok(Self::AesCm128HmacSha1_80),
            "AES_CM_128_HMAC_SHA1_32" => Ok(Self::AesCm128HmacSha1_32),
            other => Err(SrtpError::UnknownSuite(other.to_owned())),
        }
    }

    /// Tag length on SRTP packets. SRTCP always uses 80 bits (RFC 4568 6.2).
    pub fn rtp_tag_len(self) -> usize {
        match self {
            Self::AesCm128HmacSha1_80 => 10,
            Self::AesCm128HmacSha1_32 => 4,
        }
    }
}

const RTCP_TAG_LEN: usize = 10;
/// A peer cycling through SSRCs must not grow our state without bound.
const MAX_SOURCES: usize = 32;

/// The master key and salt of one `inline:` key.
#[derive(Clone, PartialEq, Eq)]
pub struct MasterKey {
    pub key: [u8; 16],
    pub salt: [u8; 14],
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(<hidden>)")
    }
}

impl MasterKey {
    /// Decodes the base64 of `a=crypto:... inline:<this>`.
    pub fn from_base64(text: &str) -> Result<Self, SrtpError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| SrtpError::BadKey)?;
        Self::from_bytes(&bytes)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SrtpError> {
        if bytes.len() != 30 {
            return Err(SrtpError::BadKey);
        }
        let mut key = [0; 16];
        let mut salt = [0; 14];
        key.copy_from_slice(&bytes[..16]);
        salt.copy_from_slice(&bytes[16..]);
        Ok(Self { key, salt })
    }

    /// The base64 text for an `inline:` key, from 30 random bytes the caller drew.
    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode([&self.key[..], &self.salt[..]].concat())
    }
}

/// The session keys of one direction and one of RTP or RTCP (RFC 3711 4.3).
#[derive(Clone, PartialEq, Eq)]
pub struct SessionKeys {
    pub cipher_key: [u8; 16],
    pub auth_key: [u8; 20],
    pub salt: [u8; 14],
}

impl std::fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionKeys(<hidden>)")
    }
}

impl SessionKeys {
    /// Keys for SRTP (labels 0, 1, 2).
    pub fn rtp(master: &MasterKey) -> Self {
        Self::derive(master, 0)
    }

    /// Keys for SRTCP (labels 3, 4, 5).
    pub fn rtcp(master: &MasterKey) -> Self {
        Self::derive(master, 3)
    }

    fn derive(master: &MasterKey, first_label: u8) -> Self {
        let mut s = Self {
            cipher_key: [0; 16],
            auth_key: [0; 20],
            salt: [0; 14],
        };
        prf(master, first_label, &mut s.cipher_key);
        prf(master, first_label + 1, &mut s.auth_key);
        prf(master, first_label + 2, &mut s.salt);
        s
    }
}

/// AES-CM PRF with key derivation rate 0: x = label at byte 7 of the key id, XORed
/// into the master salt, then the keystream from IV = x * 2^16.
fn prf(master: &MasterKey, label: u8, out: &mut [u8]) {
    let mut iv = [0u8; 16];
    iv[..14].copy_from_slice(&master.salt);
    iv[7] ^= label;
    out.fill(0);
    Aes128Ctr::new(&master.key.into(), &iv.into()).apply_keystream(out);
}

/// The AES-CM IV of RFC 3711 4.1.1: (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16).
fn packet_iv(salt: &[u8; 14], ssrc: u32, index: u64) -> [u8; 16] {
    let mut iv = [0u8; 16];
    iv[..14].copy_from_slice(salt);
    for (b, s) in iv[4..8].iter_mut().zip(ssrc.to_be_bytes()) {
        *b ^= s;
    }
    for (b, s) in iv[8..14].iter_mut().zip(&index.to_be_bytes()[2..]) {
        *b ^= s;
    }
    iv
}

/// XORs the keystream for (`ssrc`, `index`) into `data`.
pub fn apply_keystream(keys: &SessionKeys, ssrc: u32, index: u64, data: &mut [u8]) {
    let iv = packet_iv(&keys.salt, ssrc, index);
    Aes128Ctr::new(&keys.cipher_key.into(), &iv.into()).apply_keystream(data);
}

fn mac(keys: &SessionKeys, parts: &[&[u8]]) -> HmacSha1 {
    let mut m = HmacSha1::new_from_slice(&keys.auth_key).expect("HMAC takes any key length");
    for p in parts {
        m.update(p);
    }
    m
}

/// Per-SSRC state of a direction.
#[derive(Debug, Clone, Default)]
struct Source {
    /// Highest 48-bit SRTP index accepted (or sent) and the window behind it.
    rtp: ReplayWindow,
    /// SRTCP index: next to send, or the replay window of what we received.
    rtcp: ReplayWindow,
    next_rtcp_index: u32,
    /// Sending: the ROC and the last sequence number sent.
    send_index: Option<u64>,
}

/// One direction of SRTP/SRTCP under one master key.
#[derive(Debug, Clone)]
pub struct SrtpContext {
    suite: SrtpSuite,
    rtp: SessionKeys,
    rtcp: SessionKeys,
    sources: HashMap<u32, Source>,
}

impl SrtpContext {
    pub fn new(suite: SrtpSuite, master: &MasterKey) -> Self {
        Self {
            suite,
            rtp: SessionKeys::rtp(master),
            rtcp: SessionKeys::rtcp(master),
            sources: HashMap::new(),
        }
    }

    /// From an SDP suite name and base64 key.
    pub fn from_sdes(suite: &str, key_base64: &str) -> Result<Self, SrtpError> {
        Ok(Self::new(
            SrtpSuite::from_name(suite)?,
            &MasterKey::from_base64(key_base64)?,
        ))
    }

    fn source(&mut self, ssrc: u32) -> Result<&mut Source, SrtpError> {
        if !self.sources.contains_key(&ssrc) && self.sources.len() >= MAX_SOURCES {
            return Err(SrtpError::TooManySources);
        }
        Ok(self.sources.entry(ssrc).or_default())
    }

    /// Encrypts and authenticates one RTP packet (the whole datagram).
    pub fn protect_rtp(&mut self, packet: &[u8]) -> Result<Vec<u8>, SrtpError> {
        let header = rtp_header_len(packet)?;
        let seq = u16::from_be_bytes([packet[2], packet[3]]);
        let ssrc = be32(&packet[8..12]);
        let src = self.source(ssrc)?;
        // The ROC counts wraps of what we send; RFC 3711 3.3.1 has the sender keep it.
        let index = match src.send_index {
            None => u64::from(seq),
            Some(last) => nearest_index(last, seq),
        };
        src.send_index = Some(src.send_index.map_or(index, |l| l.max(index)));
        let mut out = packet.to_vec();
        apply_keystream(&self.rtp, ssrc, index, &mut out[header..]);
        let roc = ((index >> 16) as u32).to_be_bytes();
        let tag = mac(&self.rtp, &[&out, &roc]).finalize().into_bytes();
        out.extend_from_slice(&tag[..self.suite.rtp_tag_len()]);
        Ok(out)
    }

    /// Checks and decrypts one SRTP packet. On any error nothing changes.
    pub fn unprotect_rtp(&mut self, packet: &[u8]) -> Result<Vec<u8>, SrtpError> {
        let tag_len = self.suite.rtp_tag_len();
        if packet.len() < tag_len {
            return Err(SrtpError::TooShort(packet.len()));
        }
        let (body, tag) = packet.split_at(packet.len() - tag_len);
        let header = rtp_header_len(body)?;
        let seq = u16::from_be_bytes([body[2], body[3]]);
        let ssrc = be32(&body[8..12]);
        if !self.sources.contains_key(&ssrc) && self.sources.len() >= MAX_SOURCES {
            return Err(SrtpError::TooManySources);
        }
        let window = self.sources.get(&ssrc).map(|s| &s.rtp);
        let index = match window.and_then(ReplayWindow::highest) {
            Some(highest) => nearest_index(highest, seq),
            None => u64::from(seq),
        };
        if window.is_some_and(|w| !w.is_fresh(index)) {
            return Err(SrtpError::Replayed(index));
        }
        let roc = ((index >> 16) as u32).to_be_bytes();
        mac(&self.rtp, &[body, &roc])
            .verify_truncated_left(tag)
            .map_err(|_| SrtpError::AuthFailed)?;
        let mut out = body.to_vec();
        apply_keystream(&self.rtp, ssrc, index, &mut out[header..]);
        self.source(ssrc)?.rtp.accept(index);
        Ok(out)
    }

    /// Encrypts and authenticates one RTCP compound (RFC 3711 3.4): everything after
    /// the first 8 bytes is encrypted, then E flag and index, then an 80-bit tag.
    pub fn protect_rtcp(&mut self, packet: &[u8]) -> Result<Vec<u8>, SrtpError> {
        if packet.len() < 8 {
            return Err(SrtpError::TooShort(packet.len()));
        }
        if packet[0] >> 6 != 2 {
            return Err(SrtpError::BadVersion);
        }
        let ssrc = be32(&packet[4..8]);
        let src = self.source(ssrc)?;
        let index = src.next_rtcp_index;
        src.next_rtcp_index = (index + 1) & 0x7FFF_FFFF;
        let mut out = packet.to_vec();
        apply_keystream(&self.rtcp, ssrc, u64::from(index), &mut out[8..]);
        out.extend_from_slice(&(index | 0x8000_0000).to_be_bytes());
        let tag = mac(&self.rtcp, &[&out]).finalize().into_bytes();
        out.extend_from_slice(&tag[..RTCP_TAG_LEN]);
        Ok(out)
    }

    /// Checks and decrypts one SRTCP packet. On any error nothing changes.
    pub fn unprotect_rtcp(&mut self, packet: &[u8]) -> Result<Vec<u8>, SrtpError> {
        if packet.len() < 8 + 4 + RTCP_TAG_LEN {
            return Err(SrtpError::TooShort(packet.len()));
        }
        let (body, tag) = packet.split_at(packet.len() - RTCP_TAG_LEN);
        if body[0] >> 6 != 2 {
            return Err(SrtpError::BadVersion);
        }
        mac(&self.rtcp, &[body])
            .verify_truncated_left(tag)
            .map_err(|_| SrtpError::AuthFailed)?;
        let (compound, e_index) = body.split_at(body.len() - 4);
        let e_index = be32(e_index);
        let index = u64::from(e_index & 0x7FFF_FFFF);
        let ssrc = be32(&compound[4..8]);
        if self
            .sources
            .get(&ssrc)
            .is_some_and(|s| !s.rtcp.is_fresh(index))
        {
            return Err(SrtpError::Replayed(index));
        }
        let mut out = compound.to_vec();
        if e_index & 0x8000_0000 != 0 {
            apply_keystream(&self.rtcp, ssrc, index, &mut out[8..]);
        }
        self.source(ssrc)?.rtcp.accept(index);
        Ok(out)
    }
}

/// The 48-bit index whose low 16 bits are `seq` nearest to `reference` (RFC 3711
/// 3.3.1's ROC estimate: ROC-1, ROC or ROC+1, whichever is closest).
fn nearest_index(reference: u64, seq: u16) -> u64 {
    let delta = i64::from(seq.wrapping_sub(reference as u16) as i16);
    reference.saturating_add_signed(delta)
}

/// Length of the RTP header (fixed part, CSRCs, extension): what SRTP leaves in clear.
fn rtp_header_len(buf: &[u8]) -> Result<usize, SrtpError> {
    if buf.len() < 12 {
        return Err(SrtpError::TooShort(buf.len()));
    }
    if buf[0] >> 6 != 2 {
        return Err(SrtpError::BadVersion);
    }
    let mut len = 12 + usize::from(buf[0] & 0x0F) * 4;
    if buf[0] & 0x10 != 0 {
        if buf.len() < len + 4 {
            return Err(SrtpError::TooShort(buf.len()));
        }
        len += 4 + usize::from(u16::from_be_bytes([buf[len + 2], buf[len + 3]])) * 4;
    }
    if buf.len() < len {
        return Err(SrtpError::TooShort(buf.len()));
    }
    Ok(len)
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

#[cfg(test)]
mod tests;
