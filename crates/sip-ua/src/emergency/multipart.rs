//! `multipart/mixed` bodies (RFC 2046 section 5.1) for an INVITE that carries the SDP
//! offer and a PIDF-LO location side by side (RFC 6442).
//!
//! Written by hand rather than with a MIME crate: the shape is fixed (two parts) and the
//! bytes must be exactly what the emergency network's SBCs expect, which the unit tests
//! pin down.

use crate::error::SipUaError;

/// One body part: its content type, an optional Content-ID (without angle brackets)
/// and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub content_type: String,
    pub content_id: Option<String>,
    pub body: Vec<u8>,
}

/// A complete `multipart/mixed` body and the Content-Type header value that goes with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Multipart {
    pub content_type: String,
    pub body: Vec<u8>,
}

/// Builds the body. The boundary must not occur in any part, or a receiver would cut
/// the part short there; that is refused rather than sent.
pub fn build(boundary: &str, parts: &[Part]) -> Result<Multipart, SipUaError> {
    // RFC 2046: 1 to 70 characters from a restricted set; we allow the safe subset that
    // needs no quoting in the Content-Type parameter.
    let boundary_ok = !boundary.is_empty()
        && boundary.len() <= 70
        && boundary
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"'()+_,-./:=?".contains(&b));
    if !boundary_ok {
        return Err(SipUaError::Body(format!(
            "bad multipart boundary {boundary:?}"
        )));
    }
    let delimiter = format!("--{boundary}");
    let mut body = Vec::new();
    for part in parts {
        if contains(&part.body, delimiter.as_bytes()) {
            return Err(SipUaError::Body("a body part contains the boundary".into()));
        }
        body.extend_from_slice(delimiter.as_bytes());
        body.extend_from_slice(b"\r\nContent-Type: ");
        body.extend_from_slice(part.content_type.as_bytes());
        body.extend_from_slice(b"\r\n");
        if let Some(id) = &part.content_id {
            body.extend_from_slice(format!("Content-ID: <{id}>\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(&part.body);
        // The CRLF before the next delimiter belongs to the delimiter (RFC 2046), so a
        // part that already ends in CRLF (SDP always does) keeps its own line end.
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(delimiter.as_bytes());
    body.extend_from_slice(b"--\r\n");
    Ok(Multipart {
        content_type: format!("multipart/mixed;boundary={boundary}"),
        body,
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(ct: &str, id: Option<&str>, body: &str) -> Part {
        Part {
            content_type: ct.into(),
            content_id: id.map(Into::into),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn two_parts_are_framed_exactly() {
        let m = build(
            "b1",
            &[
                part("application/sdp", None, "v=0\r\n"),
                part("application/pidf+xml", Some("loc@x"), "<p/>"),
            ],
        )
        .unwrap();
        assert_eq!(m.content_type, "multipart/mixed;boundary=b1");
        assert_eq!(
            String::from_utf8(m.body).unwrap(),
            "--b1\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n\r\n\
             --b1\r\nContent-Type: application/pidf+xml\r\nContent-ID: <loc@x>\r\n\r\n<p/>\r\n\
             --b1--\r\n"
        );
    }

    #[test]
    fn boundary_inside_a_part_is_refused() {
        let err = build("b1", &[part("text/plain", None, "x\r\n--b1\r\n")]).unwrap_err();
        assert!(matches!(err, SipUaError::Body(_)), "{err:?}");
    }

    #[test]
    fn boundary_needing_quotes_is_refused() {
        assert!(build("a b", &[]).is_err());
        assert!(build("", &[]).is_err());
        assert!(build(&"x".repeat(71), &[]).is_err());
    }
}
