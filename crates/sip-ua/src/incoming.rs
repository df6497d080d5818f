//! [`IncomingCall`]: what an INVITE from a peer says about the call, with its [`Call`].

use std::fmt;

use rsipstack::sip::prelude::{HeadersExt, ToTypedHeader};
use rsipstack::sip::Request;

use crate::call::Call;
use crate::redact::Redacted;

/// A call the peer placed to us, reported as [`crate::UaEvent::Incoming`]. The engine
/// then uses `call`: [`Call::ring`], [`Call::answer`] or [`Call::reject`]; a CANCEL
/// from the caller ends it with `Ended { by: Remote }`.
pub struct IncomingCall {
    pub call: Call,
    /// The user part of the From URI: the caller's number or name (empty when the
    /// URI has none, e.g. `sip:anonymous.invalid`).
    pub caller: String,
    /// The From header's display name, when there is one.
    pub caller_display_name: Option<String>,
    /// The user part of `P-Asserted-Identity`, when a trusted network sent one.
    pub asserted_caller: Option<String>,
    /// The user part of the To URI: the number the caller dialled. For a PSAP
    /// calling back, this is the callback number of the emergency call, which routes
    /// the call to the agent who placed it.
    pub dialled: String,
    /// The user part of the Request-URI: usually our Contact's user; some trunks put
    /// the dialled number here instead of in To.
    pub request_user: String,
    /// The SDP offer, `None` when the INVITE had none (our offer then goes in the
    /// 200 OK and the answer comes in the ACK).
    pub sdp_offer: Option<String>,
    /// The `Priority` header (`emergency`, `urgent`, ...), when present.
    pub priority: Option<String>,
    /// The user part of `P-Called-Party-ID` (RFC 3455): the number the caller dialled
    /// when a proxy put our contact in the Request-URI and To, as the SIP edge does.
    pub called_party: Option<String>,
    /// Where the INVITE came from: the top Via's `received`/`rport` (set by the
    /// transport from the packet's real source), else its sent-by. Lets the owner
    /// trust a mark (an emergency callback) only when its own proxy sent it.
    pub source: Option<std::net::SocketAddr>,
    /// The PIDF-LO location of an emergency INVITE (the `application/pidf+xml` part
    /// of its multipart body, E10), for a UA on the emergency center's side.
    pub location: Option<String>,
}

impl fmt::Debug for IncomingCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IncomingCall")
            .field("call_id", &self.call.call_id())
            .field("caller", &Redacted(&self.caller))
            .field("dialled", &Redacted(&self.dialled))
            .field("priority", &self.priority)
            .field("has_offer", &self.sdp_offer.is_some())
            .finish_non_exhaustive()
    }
}

/// The parts of an INVITE that [`IncomingCall`] carries, before the call exists.
#[derive(Debug, Default)]
pub(crate) struct InviteSummary {
    pub(crate) caller: String,
    pub(crate) caller_display_name: Option<String>,
    pub(crate) asserted_caller: Option<String>,
    pub(crate) dialled: String,
    pub(crate) request_user: String,
    pub(crate) sdp_offer: Option<String>,
    pub(crate) priority: Option<String>,
    pub(crate) called_party: Option<String>,
    pub(crate) source: Option<std::net::SocketAddr>,
    pub(crate) location: Option<String>,
}

impl InviteSummary {
    pub(crate) fn of(req: &Request) -> InviteSummary {
        let from = req.from_header().ok().and_then(|h| h.clone().typed().ok());
        let to = req.to_header().ok().and_then(|h| h.clone().typed().ok());
        let user_of = |uri: &rsipstack::sip::Uri| {
            uri.auth
                .as_ref()
                .map(|a| a.user.clone())
                .unwrap_or_default()
        };
        let content_type = header(req, "Content-Type").unwrap_or_default();
        let body = String::from_utf8_lossy(&req.body);
        // An emergency INVITE carries its SDP beside the PIDF-LO (RFC 6442).
        let parts = body_parts(content_type, &body);
        let part = |media: &str| {
            parts
                .iter()
                .find(|(t, b)| is_type(t, media) && !b.is_empty())
                .map(|(_, b)| b.clone())
        };
        InviteSummary {
            caller: from.as_ref().map(|f| user_of(&f.uri)).unwrap_or_default(),
            caller_display_name: from
                .and_then(|f| f.display_name)
                .map(|n| n.trim_matches('"').to_owned())
                .filter(|n| !n.is_empty()),
            asserted_caller: header(req, "P-Asserted-Identity").and_then(uri_user),
            dialled: to.map(|t| user_of(&t.uri)).unwrap_or_default(),
            request_user: user_of(&req.uri),
            sdp_offer: part("application/sdp"),
            location: part("application/pidf+xml"),
            priority: header(req, "Priority").map(|p| p.trim().to_owned()),
            called_party: header(req, "P-Called-Party-ID").and_then(uri_user),
            source: header(req, "Via").and_then(via_source),
        }
    }

    pub(crate) fn into_incoming(self, call: Call) -> IncomingCall {
        IncomingCall {
            call,
            caller: self.caller,
            caller_display_name: self.caller_display_name,
            asserted_caller: self.asserted_caller,
            dialled: self.dialled,
            request_user: self.request_user,
            sdp_offer: self.sdp_offer,
            priority: self.priority,
            called_party: self.called_party,
            source: self.source,
            location: self.location,
        }
    }
}

fn is_type(content_type: &str, media: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case(media))
}

/// The body as (Content-Type, content) parts: itself when it is not multipart, else
/// each part of a `multipart/mixed` body (RFC 2046) split on its boundary.
fn body_parts(content_type: &str, body: &str) -> Vec<(String, String)> {
    if !is_type(content_type, "multipart/mixed") {
        return vec![(content_type.to_owned(), body.to_owned())];
    }
    let Some(boundary) = content_type.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
    }) else {
        return Vec::new();
    };
    let delimiter = format!("--{boundary}");
    body.split(delimiter.as_str())
        .skip(1)
        .take_while(|p| !p.starts_with("--"))
        .filter_map(|part| {
            let part = part.strip_prefix("\r\n").unwrap_or(part);
            let (head, content) = part
                .split_once("\r\n\r\n")
                .or_else(|| part.split_once("\n\n"))?;
            let ctype = head.lines().find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.trim()
                    .eq_ignore_ascii_case("Content-Type")
                    .then(|| value.trim().to_owned())
            })?;
            let content = content.strip_suffix("\r\n").unwrap_or(content);
            Some((ctype, content.to_owned()))
        })
        .collect()
}

/// The sender of a request from its top Via: `received` and `rport` when the
/// transport stamped them (it does whenever the packet's source differs from the
/// sent-by), else the sent-by itself.
fn via_source(via: &str) -> Option<std::net::SocketAddr> {
    let top = via.split(',').next()?;
    let mut parts = top.split(';');
    let sent_by = parts.next()?.split_whitespace().nth(1)?;
    let (mut host, mut port) = match sent_by.rsplit_once(':') {
        Some((h, p)) => (h.to_owned(), p.parse().ok()?),
        None => (sent_by.to_owned(), 5060u16),
    };
    for p in parts {
        match p.trim().split_once('=') {
            Some(("received", v)) => host = v.trim().to_owned(),
            Some(("rport", v)) => port = v.trim().parse().ok()?,
            _ => {}
        }
    }
    format!("{host}:{port}").parse().ok()
}

fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers
        .iter()
        .find(|h| h.name().eq_ignore_ascii_case(name))
        .map(|h| h.value())
}

/// The user part of the first `sip:`, `sips:` or `tel:` URI in a header value such
/// as `"Name" <sip:+13125550100@host>, <tel:+13125550100>`.
pub(crate) fn uri_user(value: &str) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    let (start, tel) = ["sip:", "sips:", "tel:"]
        .iter()
        .filter_map(|s| lower.find(s).map(|at| (at + s.len(), *s == "tel:")))
        .min()?;
    let rest = &value[start..];
    let end = rest
        .find(|c| matches!(c, '>' | ';' | ',' | '?') || (!tel && c == '@'))
        .unwrap_or(rest.len());
    let user = &rest[..end];
    // A sip URI without '@' has no user part.
    let has_user = tel || rest[end..].starts_with('@');
    (has_user && !user.is_empty()).then(|| user.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asserted_identity_user_is_taken_from_sip_or_tel() {
        assert_eq!(
            uri_user("\"PSAP\" <sip:+13125550100@psap.example;user=phone>").as_deref(),
            Some("+13125550100")
        );
        assert_eq!(
            uri_user("<tel:+13125550100;phone-context=x>").as_deref(),
            Some("+13125550100")
        );
        assert_eq!(uri_user("<sip:psap.example>"), None);
        assert_eq!(uri_user("garbage"), None);
    }

    #[test]
    fn an_invite_is_summarised() {
        let text = "INVITE sip:agent1001@127.0.0.1:5070 SIP/2.0\r\n\
            Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\r\n\
            From: \"Jane Roe\" <sip:+13125550199@127.0.0.1>;tag=1\r\n\
            To: <sip:+13125550100@127.0.0.1>\r\n\
            Call-ID: c1\r\n\
            CSeq: 1 INVITE\r\n\
            Priority: emergency\r\n\
            P-Asserted-Identity: <sip:+13125550199@psap.example>\r\n\
            Content-Type: application/sdp\r\n\
            Content-Length: 4\r\n\r\nv=0\n";
        let req = Request::try_from(text).expect("a valid INVITE");
        let s = InviteSummary::of(&req);
        assert_eq!(s.caller, "+13125550199");
        assert_eq!(s.caller_display_name.as_deref(), Some("Jane Roe"));
        assert_eq!(s.asserted_caller.as_deref(), Some("+13125550199"));
        assert_eq!(s.dialled, "+13125550100");
        assert_eq!(s.request_user, "agent1001");
        assert_eq!(s.priority.as_deref(), Some("emergency"));
        assert_eq!(s.sdp_offer.as_deref(), Some("v=0\n"));
    }

    #[test]
    fn the_edges_emergency_callback_names_the_dialled_number_and_its_real_source() {
        // The edge's leg to an agent: our contact in the Request-URI and To, the
        // callback number in P-Called-Party-ID; the Via claims another address than
        // the packet came from, which the transport stamped as received/rport.
        let text = "INVITE sip:agent1001@127.0.0.1:5070 SIP/2.0\r\n\
            Via: SIP/2.0/UDP 10.1.1.1:5060;branch=z9hG4bK2;received=127.0.0.1;rport=5090\r\n\
            From: <sip:+13125550199@127.0.0.1>;tag=2\r\n\
            To: <sip:agent1001@127.0.0.1:5070>\r\n\
            Call-ID: c2\r\n\
            CSeq: 1 INVITE\r\n\
            Priority: emergency\r\n\
            P-Called-Party-ID: <sip:+14255550123@127.0.0.1;user=phone>\r\n\
            Content-Length: 0\r\n\r\n";
        let req = Request::try_from(text).expect("a valid INVITE");
        let s = InviteSummary::of(&req);
        assert_eq!(s.dialled, "agent1001");
        assert_eq!(s.called_party.as_deref(), Some("+14255550123"));
        assert_eq!(s.source, Some("127.0.0.1:5090".parse().unwrap()));
        assert_eq!(
            via_source("SIP/2.0/UDP 127.0.0.1:5060;branch=z9"),
            Some("127.0.0.1:5060".parse().unwrap())
        );
        assert_eq!(via_source("garbage"), None);
    }

    #[test]
    fn an_emergency_invites_multipart_body_gives_its_sdp_and_its_location() {
        let body = "--b1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\nm=audio 4000 RTP/AVP 0\r\n\
                    \r\n--b1\r\nContent-Type: application/pidf+xml\r\nContent-ID: <l@x>\r\n\r\n\
                    <presence><ca:country>US</ca:country></presence>\r\n--b1--\r\n";
        let parts = body_parts("multipart/mixed; boundary=\"b1\"", body);
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert_eq!(parts[0].0, "application/sdp");
        assert!(parts[0].1.starts_with("v=0\r\nm=audio 4000"));
        assert_eq!(parts[1].0, "application/pidf+xml");
        assert!(parts[1].1.contains("<ca:country>US</ca:country>"));
        // No boundary: nothing is guessed.
        assert!(body_parts("multipart/mixed", body).is_empty());
        // A plain SDP body is its own single part.
        assert_eq!(body_parts("application/sdp", "v=0").len(), 1);
    }
}
