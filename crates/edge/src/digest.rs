//! SIP digest authentication, server side (RFC 3261 22.4, RFC 2617 with `qop=auth`),
//! MD5 against the HA1 the back office keeps. Sans-IO: the time is an input.
//!
//! Nonces are stateless: `<issued ms in hex>.<MD5(secret:issued)>`, so any edge task
//! (or a restarted edge with the same secret) can check one, and a nonce older than
//! [`NONCE_LIFETIME_MS`] is stale (the client retries with the new challenge).

use md5::{Digest, Md5};

use backoffice::Timestamp;

/// How long a nonce is accepted.
pub const NONCE_LIFETIME_MS: i64 = 5 * 60 * 1000;

/// Why a credential was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DigestError {
    #[error("no usable Digest credentials")]
    Malformed,
    #[error("unsupported digest algorithm")]
    Algorithm,
    #[error("nonce not issued by this edge")]
    ForeignNonce,
    #[error("nonce expired")]
    Stale,
    #[error("wrong realm")]
    Realm,
    #[error("wrong response")]
    Mismatch,
}

/// The fields of an `Authorization` (or `Proxy-Authorization`) header.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Credentials {
    pub username: String,
    pub realm: String,
    pub nonce: String,
    pub uri: String,
    pub response: String,
    pub algorithm: Option<String>,
    pub qop: Option<String>,
    pub nc: Option<String>,
    pub cnonce: Option<String>,
}

fn md5_hex(text: &str) -> String {
    Md5::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Credentials {
    /// Parses `Digest k="v", k=v, ...`; quoted values may hold commas.
    pub fn parse(header: &str) -> Result<Self, DigestError> {
        let rest = header
            .trim()
            .strip_prefix("Digest")
            .ok_or(DigestError::Malformed)?;
        let mut c = Credentials::default();
        let mut chars = rest.chars().peekable();
        loop {
            while chars
                .peek()
                .is_some_and(|ch| *ch == ',' || ch.is_whitespace())
            {
                chars.next();
            }
            let key: String = chars.by_ref().take_while(|ch| *ch != '=').collect();
            if key.is_empty() {
                break;
            }
            let value: String = if chars.peek() == Some(&'"') {
                chars.next();
                let v = chars.by_ref().take_while(|ch| *ch != '"').collect();
                v
            } else {
                chars.by_ref().take_while(|ch| *ch != ',').collect()
            };
            let value = value.trim().to_owned();
            match key.trim().to_ascii_lowercase().as_str() {
                "username" => c.username = value,
                "realm" => c.realm = value,
                "nonce" => c.nonce = value,
                "uri" => c.uri = value,
                "response" => c.response = value.to_ascii_lowercase(),
                "algorithm" => c.algorithm = Some(value),
                "qop" => c.qop = Some(value),
                "nc" => c.nc = Some(value),
                "cnonce" => c.cnonce = Some(value),
                _ => {}
            }
        }
        if c.username.is_empty() || c.nonce.is_empty() || c.response.is_empty() {
            return Err(DigestError::Malformed);
        }
        Ok(c)
    }
}

/// Issues and checks digest challenges for one realm.
#[derive(Debug, Clone)]
pub struct DigestAuthority {
    realm: String,
    secret: String,
}

impl DigestAuthority {
    /// `secret` keys the nonces; keep it private to the edge.
    pub fn new(realm: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            realm: realm.into(),
            secret: secret.into(),
        }
    }

    pub fn realm(&self) -> &str {
        &self.realm
    }

    fn nonce_at(&self, issued_ms: i64) -> String {
        let mac = md5_hex(&format!("{}:{issued_ms:x}", self.secret));
        format!("{issued_ms:x}.{mac}")
    }

    /// The value of a `WWW-Authenticate` / `Proxy-Authenticate` header.
    pub fn challenge(&self, now: Timestamp, stale: bool) -> String {
        let stale = if stale { ", stale=true" } else { "" };
        format!(
            "Digest realm=\"{}\", nonce=\"{}\", algorithm=MD5, qop=\"auth\"{stale}",
            self.realm,
            self.nonce_at(now.as_millis())
        )
    }

    /// Checks `creds` for a request `method`, given the user's stored MD5 `ha1`.
    pub fn verify(
        &self,
        creds: &Credentials,
        method: &str,
        ha1: &str,
        now: Timestamp,
    ) -> Result<(), DigestError> {
        if creds
            .algorithm
            .as_deref()
            .is_some_and(|a| !a.eq_ignore_ascii_case("MD5"))
        {
            return Err(DigestError::Algorithm);
        }
        if creds.realm != self.realm {
            return Err(DigestError::Realm);
        }
        let (issued, _) = creds
            .nonce
            .split_once('.')
            .ok_or(DigestError::ForeignNonce)?;
        let issued = i64::from_str_radix(issued, 16).map_err(|_| DigestError::ForeignNonce)?;
        if self.nonce_at(issued) != creds.nonce {
            return Err(DigestError::ForeignNonce);
        }
        let ha2 = md5_hex(&format!("{method}:{}", creds.uri));
        let expected = match (&creds.qop, &creds.nc, &creds.cnonce) {
            (Some(qop), Some(nc), Some(cnonce)) if qop == "auth" => {
                md5_hex(&format!("{ha1}:{}:{nc}:{cnonce}:{qop}:{ha2}", creds.nonce))
            }
            (None, _, _) => md5_hex(&format!("{ha1}:{}:{ha2}", creds.nonce)),
            _ => return Err(DigestError::Malformed),
        };
        if expected != creds.response {
            return Err(DigestError::Mismatch);
        }
        // Checked last: a stale but otherwise right answer earns `stale=true`, which
        // makes the client retry silently instead of asking for a password.
        if now.as_millis().saturating_sub(issued) > NONCE_LIFETIME_MS || issued > now.as_millis() {
            return Err(DigestError::Stale);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Timestamp = Timestamp::from_millis(1_793_610_000_000);

    fn answer(auth: &DigestAuthority, now: Timestamp, password: &str) -> Credentials {
        let challenge = auth.challenge(now, false);
        let nonce = challenge
            .split("nonce=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_owned();
        let ha1 = backoffice::md5_ha1("agent1", auth.realm(), password);
        let ha2 = md5_hex("REGISTER:sip:edge");
        let response = md5_hex(&format!("{ha1}:{nonce}:00000001:abc:auth:{ha2}"));
        let header = format!(
            "Digest username=\"agent1\", realm=\"{}\", nonce=\"{nonce}\", uri=\"sip:edge\", \
             response=\"{response}\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"abc\"",
            auth.realm()
        );
        Credentials::parse(&header).unwrap()
    }

    #[test]
    fn md5_digest_with_qop_auth_is_accepted_and_a_wrong_password_is_not() {
        let auth = DigestAuthority::new("acme", "k");
        let ha1 = backoffice::md5_ha1("agent1", "acme", "right-password");
        let good = answer(&auth, T, "right-password");
        assert_eq!(auth.verify(&good, "REGISTER", &ha1, T), Ok(()));
        let bad = answer(&auth, T, "wrong-password");
        assert_eq!(
            auth.verify(&bad, "REGISTER", &ha1, T),
            Err(DigestError::Mismatch)
        );
        // The same answer for another method does not pass.
        assert_eq!(
            auth.verify(&good, "INVITE", &ha1, T),
            Err(DigestError::Mismatch)
        );
    }

    #[test]
    fn old_nonces_are_stale_and_forged_ones_foreign() {
        let auth = DigestAuthority::new("acme", "k");
        let ha1 = backoffice::md5_ha1("agent1", "acme", "right-password");
        let good = answer(&auth, T, "right-password");
        let later = Timestamp::from_millis(T.as_millis() + NONCE_LIFETIME_MS + 1);
        assert_eq!(
            auth.verify(&good, "REGISTER", &ha1, later),
            Err(DigestError::Stale)
        );
        let other = DigestAuthority::new("acme", "another secret");
        assert_eq!(
            other.verify(&good, "REGISTER", &ha1, T),
            Err(DigestError::ForeignNonce)
        );
    }

    #[test]
    fn malformed_headers_are_refused() {
        for h in ["", "Basic abc", "Digest", "Digest username=\"a\""] {
            assert_eq!(Credentials::parse(h), Err(DigestError::Malformed), "{h}");
        }
    }
}
