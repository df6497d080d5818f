//! The edge's first look at untrusted bytes, without I/O: what the server does to a
//! datagram before any lookup (rsipstack's parse and `received`/`rport` stamping,
//! RFC 4475's version and CSeq checks, the Request-URI's classification, the
//! Contact and digest headers). [`screen`] runs that whole path on one datagram so a
//! fuzzer (`crates/edge/fuzz`, run briefly by `cargo xtask test`) can drive exactly the
//! code the edge runs on what a peer sends, and the server calls the same functions.

use std::net::SocketAddr;

use rsipstack::sip::prelude::HeadersExt;
use rsipstack::sip::transport::Transport;
use rsipstack::sip::{Method, Request, SipMessage, StatusCode, Version};
use rsipstack::transport::SipConnection;

use crate::digest::Credentials;
use crate::routing::{classify, Dialled};

/// What the edge would make of one datagram before it touches the back office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screened {
    /// Not SIP: dropped without an answer, as rsipstack's UDP loop does.
    Dropped,
    /// A response (routed by its transaction, or dropped when it has none).
    Response(u16),
    /// A request refused at once with this status (RFC 4475: 505 or 400).
    Refused(u16),
    /// A request the server goes on to handle.
    Request(RequestFacts),
}

/// The facts of a well-formed request that the routing core and registrar read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFacts {
    pub method: String,
    pub dialled: Dialled,
    pub in_dialog: bool,
    pub source: Option<SocketAddr>,
    /// The Contact's URI and expires parameter, when the Contact parses.
    pub contact: Option<(String, Option<u32>)>,
    /// Whether an Authorization or Proxy-Authorization header parses as a digest.
    pub digest_parses: bool,
}

/// Runs the edge's message path on `datagram`, as if it came from `from` over UDP.
pub fn screen(datagram: &[u8], from: SocketAddr) -> Screened {
    let Ok(msg) = SipMessage::try_from(datagram) else {
        return Screened::Dropped;
    };
    let Ok(msg) = SipConnection::update_msg_received(msg, from, Transport::Udp) else {
        return Screened::Dropped;
    };
    let req = match msg {
        SipMessage::Response(r) => return Screened::Response(u16::from(r.status_code)),
        SipMessage::Request(req) => req,
    };
    if let Some(status) = malformed(&req) {
        return Screened::Refused(u16::from(status));
    }
    let digest_parses = ["Authorization", "Proxy-Authorization"]
        .iter()
        .filter_map(|name| header(&req, name))
        .any(|value| Credentials::parse(value).is_ok());
    Screened::Request(RequestFacts {
        method: req.method.to_string(),
        dialled: classify(req.uri.user().unwrap_or_default()),
        in_dialog: has_to_tag(&req),
        source: source(&req),
        contact: header(&req, "Contact").and_then(parse_contact),
        digest_parses,
    })
}

/// RFC 4475: another version (505), a CSeq naming another method (400).
pub(crate) fn malformed(req: &Request) -> Option<StatusCode> {
    if req.version != Version::V2 {
        return Some(StatusCode::from(505));
    }
    match req.cseq_header().and_then(|c| c.method()) {
        Ok(m) if m == req.method => None,
        _ if req.method == Method::Ack => None,
        _ => Some(StatusCode::BadRequest),
    }
}

/// A To tag means the request belongs to a dialog (or claims to).
pub(crate) fn has_to_tag(req: &Request) -> bool {
    req.to_header()
        .ok()
        .and_then(|to| to.tag().ok().flatten())
        .is_some()
}

/// The value of the first header called `name` (case-insensitive).
pub(crate) fn header<'r>(req: &'r Request, name: &str) -> Option<&'r str> {
    req.headers
        .iter()
        .find(|h| h.name().eq_ignore_ascii_case(name))
        .map(|h| h.value())
}

/// `<uri>;expires=N` (or a bare URI) into the URI and its expires parameter.
pub(crate) fn parse_contact(value: &str) -> Option<(String, Option<u32>)> {
    let value = value.trim();
    let (uri, params) = match value.find('<') {
        Some(start) => {
            let end = value[start..].find('>')? + start;
            (&value[start + 1..end], &value[end + 1..])
        }
        None => value.split_once(';').unwrap_or((value, "")),
    };
    if !uri.starts_with("sip:") {
        return None;
    }
    let expires = params
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.eq_ignore_ascii_case("expires"))
        .and_then(|(_, v)| v.trim().parse().ok());
    Some((uri.to_owned(), expires))
}

/// The address a request came from: the top Via's `received`/`rport`, else its
/// sent-by. On UDP rsipstack sets both from the datagram's real source whenever the
/// sent-by differs from it, so a sender cannot claim the carrier's address
/// (`tests/outbound_and_auth.rs` checks this).
pub(crate) fn source(req: &Request) -> Option<SocketAddr> {
    let via = header(req, "Via")?;
    let mut parts = via.split(';');
    let sent_by = parts.next()?.split_whitespace().nth(1)?;
    let (mut host, mut port) = match sent_by.rsplit_once(':') {
        Some((h, p)) => (h.to_owned(), p.parse().ok()?),
        None => (sent_by.to_owned(), 5060u16),
    };
    for p in parts {
        match p.trim().split_once('=') {
            Some(("received", v)) => host = v.to_owned(),
            Some(("rport", v)) => port = v.parse().ok()?,
            _ => {}
        }
    }
    format!("{host}:{port}").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FROM: &str = "127.0.0.1:5070";

    fn screen_text(text: &str) -> Screened {
        screen(text.as_bytes(), FROM.parse().unwrap())
    }

    #[test]
    fn a_911_invite_is_screened_as_an_emergency_request_from_its_real_source() {
        let s = screen_text(
            "INVITE sip:911@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.9.9.9:5060;branch=z9hG4bK-1\r\n\
             From: <sip:a@b>;tag=1\r\nTo: <sip:911@127.0.0.1>\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n\
             Contact: <sip:a@127.0.0.1:5070>\r\nContent-Length: 0\r\n\r\n",
        );
        let Screened::Request(facts) = s else {
            panic!("{s:?}")
        };
        assert_eq!(facts.dialled, Dialled::Emergency);
        assert!(!facts.in_dialog);
        // The Via claimed 10.9.9.9; the datagram came from loopback.
        assert_eq!(facts.source, Some(FROM.parse().unwrap()));
        assert_eq!(facts.contact, Some(("sip:a@127.0.0.1:5070".into(), None)));
    }

    #[test]
    fn rfc4475_wrong_version_and_mismatched_cseq_are_refused() {
        let head = |line: &str, cseq: &str| {
            format!(
                "{line}\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-2\r\nFrom: <sip:a@b>;tag=1\r\n\
                 To: <sip:b@c>\r\nCall-ID: c\r\nCSeq: {cseq}\r\nContent-Length: 0\r\n\r\n"
            )
        };
        assert_eq!(
            screen_text(&head("OPTIONS sip:b@c SIP/7.0", "1 OPTIONS")),
            Screened::Refused(505)
        );
        assert_eq!(
            screen_text(&head("OPTIONS sip:b@c SIP/2.0", "1 INVITE")),
            Screened::Refused(400)
        );
    }

    #[test]
    fn garbage_and_responses_never_reach_the_request_path() {
        assert_eq!(screen_text("\u{0}\u{1}garbage"), Screened::Dropped);
        let response =
            "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-3\r\n\
                        From: <sip:a@b>;tag=1\r\nTo: <sip:b@c>;tag=2\r\nCall-ID: c\r\n\
                        CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
        assert_eq!(screen_text(response), Screened::Response(180));
    }
}
