//! Spelling of digest algorithm names between the wire and rsipstack.
//!
//! RFC 7616 and RFC 8760 name the SIP digest algorithms `SHA-256` and `SHA-512-256`
//! (with `-sess` variants); rsipstack 0.7.14 only parses and writes `SHA256`/`SHA512`.
//! Unpatched, a standard `algorithm=SHA-256` challenge fails to parse and the
//! REGISTER or INVITE fails. This inspector renames the token on the way in (challenges)
//! and back on the way out (credentials). The name is not part of the hash, so the
//! digest itself is unchanged. `SHA-512-256` is a different algorithm that rsipstack
//! does not implement and is left alone (the request then fails rather than hashing
//! with the wrong function).

use rsipstack::sip::{Header, SipMessage};
use rsipstack::transaction::endpoint::MessageInspector;
use rsipstack::transport::SipAddr;

/// Wire spelling (RFC 7616) and rsipstack spelling.
const NAMES: &[(&str, &str)] = &[("SHA-256-sess", "SHA256-sess"), ("SHA-256", "SHA256")];

pub(crate) struct DigestAlgorithmNames;

impl MessageInspector for DigestAlgorithmNames {
    fn before_send(&self, mut msg: SipMessage, _dest: Option<&SipAddr>) -> SipMessage {
        for header in headers_mut(&mut msg) {
            match header {
                Header::Authorization(h) => {
                    if let Some(v) = rename(h.value(), Direction::ToWire) {
                        h.replace(v);
                    }
                }
                Header::ProxyAuthorization(h) => {
                    if let Some(v) = rename(h.value(), Direction::ToWire) {
                        h.replace(v);
                    }
                }
                _ => {}
            }
        }
        msg
    }

    fn after_received(&self, mut msg: SipMessage, _from: Option<&SipAddr>) -> SipMessage {
        for header in headers_mut(&mut msg) {
            match header {
                Header::WwwAuthenticate(h) => {
                    if let Some(v) = rename(h.value(), Direction::FromWire) {
                        h.replace(v);
                    }
                }
                Header::ProxyAuthenticate(h) => {
                    if let Some(v) = rename(h.value(), Direction::FromWire) {
                        h.replace(v);
                    }
                }
                _ => {}
            }
        }
        msg
    }
}

fn headers_mut(msg: &mut SipMessage) -> impl Iterator<Item = &mut Header> {
    match msg {
        SipMessage::Request(r) => r.headers.iter_mut(),
        SipMessage::Response(r) => r.headers.iter_mut(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    FromWire,
    ToWire,
}

/// The header value with its `algorithm=` token renamed, or `None` when nothing changes.
pub(crate) fn rename(value: &str, direction: Direction) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    let key = lower.find("algorithm=")?;
    // Only a parameter name: at the start or after a separator.
    if key > 0 && !matches!(lower.as_bytes()[key - 1], b' ' | b',' | b'\t') {
        return None;
    }
    let start = key + "algorithm=".len();
    let quoted = value[start..].starts_with('"');
    let token_start = start + usize::from(quoted);
    let token_end = value[token_start..]
        .find(|c: char| c == ',' || c == '"' || c.is_whitespace())
        .map_or(value.len(), |i| token_start + i);
    let token = &value[token_start..token_end];
    let renamed = NAMES.iter().find_map(|(wire, ours)| {
        let (from, to) = match direction {
            Direction::FromWire => (wire, ours),
            Direction::ToWire => (ours, wire),
        };
        token.eq_ignore_ascii_case(from).then_some(*to)
    })?;
    Some(format!(
        "{}{renamed}{}",
        &value[..token_start],
        &value[token_end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_renamed_for_rsipstack() {
        assert_eq!(
            rename(
                r#"Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth""#,
                Direction::FromWire
            )
            .as_deref(),
            Some(r#"Digest realm="r", nonce="n", algorithm=SHA256, qop="auth""#)
        );
        assert_eq!(
            rename(r#"Digest algorithm="sha-256-sess""#, Direction::FromWire).as_deref(),
            Some(r#"Digest algorithm="SHA256-sess""#)
        );
    }

    #[test]
    fn credentials_go_out_with_the_rfc_name() {
        assert_eq!(
            rename(
                r#"Digest username="u", algorithm=SHA256"#,
                Direction::ToWire
            )
            .as_deref(),
            Some(r#"Digest username="u", algorithm=SHA-256"#)
        );
    }

    #[test]
    fn md5_and_unknown_algorithms_are_untouched() {
        assert_eq!(rename(r#"Digest algorithm=MD5"#, Direction::FromWire), None);
        assert_eq!(
            rename(r#"Digest algorithm=SHA-512-256"#, Direction::FromWire),
            None
        );
        assert_eq!(
            rename(r#"Digest nonce="algorithm=SHA-256x""#, Direction::FromWire),
            None
        );
        assert_eq!(rename(r#"Digest realm="r""#, Direction::ToWire), None);
    }
}
