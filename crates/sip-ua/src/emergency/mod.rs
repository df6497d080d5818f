//! What an INVITE carries beyond the SDP offer: [`InviteExtras`], and for an emergency
//! call (E10) the `Priority`, `P-Asserted-Identity`, `Geolocation` and
//! `Geolocation-Routing` headers with a PIDF-LO location in a `multipart/mixed` body
//! beside the SDP (RFC 6442).
//!
//! [`InviteContent::build`] turns extras into plain header pairs and body bytes. It
//! knows nothing of rsipstack, so the exact bytes are unit-tested here and the UA only
//! copies them onto the request.

pub mod multipart;
pub mod pidf;

use std::fmt;

use crate::error::SipUaError;
use crate::redact::redact;
use multipart::Part;
pub use pidf::{CivicAddress, CivicField, PidfLo};

/// The `Priority` header (RFC 3261 section 20.26).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Priority {
    Emergency,
    Urgent,
    Normal,
    NonUrgent,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Emergency => "emergency",
            Priority::Urgent => "urgent",
            Priority::Normal => "normal",
            Priority::NonUrgent => "non-urgent",
        }
    }
}

/// A location sent by value: the civic address plus what PIDF-LO needs around it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocationByValue {
    pub address: CivicAddress,
    /// `gp:method`, e.g. `Manual` for an address the agent confirmed.
    pub method: String,
    /// RFC 3339 time the agent last confirmed the address.
    pub timestamp: String,
}

/// Extras of one INVITE. [`InviteExtras::default`] is a plain call.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct InviteExtras {
    pub priority: Option<Priority>,
    /// The callback number (E.164, e.g. `+13125550100`) the PSAP should call back.
    /// When set, it is the user part of From and of `P-Asserted-Identity`.
    pub callback: Option<String>,
    /// The dispatchable location. `None` never holds the call back (E2): the INVITE
    /// then goes with the SDP alone and without `Geolocation` headers.
    pub location: Option<LocationByValue>,
}

impl InviteExtras {
    /// The extras of an emergency call (E10).
    pub fn emergency(callback: Option<String>, location: Option<LocationByValue>) -> Self {
        InviteExtras {
            priority: Some(Priority::Emergency),
            callback,
            location,
        }
    }
}

impl fmt::Debug for InviteExtras {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InviteExtras")
            .field("priority", &self.priority)
            .field("callback", &self.callback.as_deref().map(redact))
            .field("location", &self.location.is_some())
            .finish()
    }
}

/// Headers and body of an INVITE, ready to copy onto the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InviteContent {
    /// `(name, value)` pairs, in the order they are sent.
    pub headers: Vec<(String, String)>,
    pub content_type: String,
    pub body: Vec<u8>,
}

/// Where the random tokens of a body come from; fixed in tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tokens {
    pub boundary: String,
    /// Content-ID of the PIDF-LO part, without `cid:` or angle brackets.
    pub content_id: String,
}

impl InviteContent {
    /// `domain` is the host of the callback identity (the account's domain).
    pub fn build(
        sdp_offer: &str,
        extras: &InviteExtras,
        domain: &str,
        tokens: &Tokens,
    ) -> Result<InviteContent, SipUaError> {
        let mut headers = Vec::new();
        if let Some(priority) = extras.priority {
            headers.push(("Priority".to_owned(), priority.as_str().to_owned()));
        }
        if let Some(callback) = &extras.callback {
            check_user_part(callback)?;
            headers.push((
                "P-Asserted-Identity".to_owned(),
                format!("<sip:{callback}@{domain};user=phone>"),
            ));
        }
        let Some(location) = &extras.location else {
            return Ok(InviteContent {
                headers,
                content_type: "application/sdp".to_owned(),
                body: sdp_offer.as_bytes().to_vec(),
            });
        };
        let entity_user = extras.callback.as_deref().unwrap_or("anonymous");
        let pidf = PidfLo {
            entity: format!("pres:{entity_user}@{domain}"),
            device_id: "softphone".to_owned(),
            address: location.address.clone(),
            method: location.method.clone(),
            timestamp: location.timestamp.clone(),
        };
        let mp = multipart::build(
            &tokens.boundary,
            &[
                Part {
                    content_type: "application/sdp".to_owned(),
                    content_id: None,
                    body: sdp_offer.as_bytes().to_vec(),
                },
                Part {
                    content_type: "application/pidf+xml".to_owned(),
                    content_id: Some(tokens.content_id.clone()),
                    body: pidf.to_xml().into_bytes(),
                },
            ],
        )?;
        headers.push((
            "Geolocation".to_owned(),
            format!("<cid:{}>", tokens.content_id),
        ));
        headers.push(("Geolocation-Routing".to_owned(), "yes".to_owned()));
        Ok(InviteContent {
            headers,
            content_type: mp.content_type,
            body: mp.body,
        })
    }
}

/// A callback number goes into a URI unescaped, so only the characters of a
/// telephone-subscriber (RFC 3966 global number digits) are let through.
pub(crate) fn check_user_part(number: &str) -> Result<(), SipUaError> {
    let ok = !number.is_empty()
        && number
            .chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || (i == 0 && c == '+'));
    if ok {
        Ok(())
    } else {
        Err(SipUaError::InvalidNumber(redact(number)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDP: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";

    fn tokens() -> Tokens {
        Tokens {
            boundary: "sp-boundary".into(),
            content_id: "loc1@example.com".into(),
        }
    }

    fn location() -> LocationByValue {
        LocationByValue {
            address: CivicAddress::new("US")
                .with(CivicField::Hno, "123")
                .with(CivicField::Rd, "Main"),
            method: "Manual".into(),
            timestamp: "2026-11-22T06:00:00Z".into(),
        }
    }

    #[test]
    fn plain_call_is_sdp_only() {
        let c =
            InviteContent::build(SDP, &InviteExtras::default(), "example.com", &tokens()).unwrap();
        assert!(c.headers.is_empty());
        assert_eq!(c.content_type, "application/sdp");
        assert_eq!(c.body, SDP.as_bytes());
    }

    #[test]
    fn emergency_without_location_has_no_geolocation() {
        let extras = InviteExtras::emergency(Some("+13125550100".into()), None);
        let c = InviteContent::build(SDP, &extras, "example.com", &tokens()).unwrap();
        assert_eq!(
            c.headers,
            vec![
                ("Priority".to_owned(), "emergency".to_owned()),
                (
                    "P-Asserted-Identity".to_owned(),
                    "<sip:+13125550100@example.com;user=phone>".to_owned()
                ),
            ]
        );
        assert_eq!(c.content_type, "application/sdp");
    }

    #[test]
    fn emergency_with_location_is_multipart_referenced_by_cid() {
        let extras = InviteExtras::emergency(Some("+13125550100".into()), Some(location()));
        let c = InviteContent::build(SDP, &extras, "example.com", &tokens()).unwrap();
        assert_eq!(c.content_type, "multipart/mixed;boundary=sp-boundary");
        assert_eq!(
            c.headers[2],
            ("Geolocation".into(), "<cid:loc1@example.com>".into())
        );
        assert_eq!(c.headers[3], ("Geolocation-Routing".into(), "yes".into()));
        let body = String::from_utf8(c.body).unwrap();
        let pidf = PidfLo {
            entity: "pres:+13125550100@example.com".into(),
            device_id: "softphone".into(),
            address: location().address,
            method: "Manual".into(),
            timestamp: "2026-11-22T06:00:00Z".into(),
        }
        .to_xml();
        assert_eq!(
            body,
            format!(
                "--sp-boundary\r\nContent-Type: application/sdp\r\n\r\n{SDP}\r\n\
                 --sp-boundary\r\nContent-Type: application/pidf+xml\r\n\
                 Content-ID: <loc1@example.com>\r\n\r\n{pidf}\r\n--sp-boundary--\r\n"
            )
        );
    }

    #[test]
    fn a_callback_that_is_not_a_number_is_refused() {
        let extras = InviteExtras::emergency(Some("+1312>x".into()), None);
        let err = InviteContent::build(SDP, &extras, "example.com", &tokens()).unwrap_err();
        assert!(matches!(err, SipUaError::InvalidNumber(_)), "{err:?}");
    }

    #[test]
    fn debug_redacts_the_callback() {
        let extras = InviteExtras::emergency(Some("+13125550100".into()), Some(location()));
        let shown = format!("{extras:?}");
        assert!(!shown.contains("3125550100"), "{shown}");
    }
}
