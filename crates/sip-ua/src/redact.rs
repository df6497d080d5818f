//! Redaction of personal data for logs: phone numbers and the user part of SIP URIs.
//!
//! Everything the UA logs about a party goes through [`Redacted`], so a number never
//! reaches a log file in clear (DESIGN: personal data is logged only through a
//! redacting wrapper).

use std::fmt;

/// A number or URI shown with all but the last two characters of its user part masked.
#[derive(Clone, Copy)]
pub struct Redacted<'a>(pub &'a str);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(self.0))
    }
}

/// Masks the user part of `sip:user@host` (or the whole string when it has no `@`),
/// keeping the last two characters so two calls can still be told apart in a log.
pub fn redact(s: &str) -> String {
    let (prefix, user, rest) = match s.find('@') {
        Some(at) => {
            let start = s[..at].find(':').map_or(0, |c| c + 1);
            (&s[..start], &s[start..at], &s[at..])
        }
        None => ("", s, ""),
    };
    let keep = user.chars().count().min(2);
    let masked = user.chars().count() - keep;
    let tail: String = user.chars().skip(masked).collect();
    format!("{prefix}{}{tail}{rest}", "*".repeat(masked))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_only_two_digits() {
        assert_eq!(redact("+13125550100"), "**********00");
        assert_eq!(
            redact("sip:+13125550100@sbc.example"),
            "sip:**********00@sbc.example"
        );
        assert_eq!(Redacted("911").to_string(), "*11");
    }
}
