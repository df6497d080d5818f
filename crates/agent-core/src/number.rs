//! Phone numbers in E.164 form, with a `Debug` that never shows the whole number.
//!
//! E7 says ordinary logs never carry emergency numbers. The easiest leak is `{:?}` in a
//! log line, so `Debug` on every type that holds a number shows only its last two
//! digits. `Display` and [`E164::as_str`] give the full number for the wire.

use std::fmt;

/// A phone number in E.164 form: `+`, a country code and at most 15 digits in all.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct E164(String);

/// Why a string is not an E.164 number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotE164;

impl fmt::Display for NotE164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not an E.164 number (expected + and 8 to 15 digits)")
    }
}

impl std::error::Error for NotE164 {}

impl E164 {
    /// Checks the shape only (`+`, first digit 1-9, 8 to 15 digits). Used for numbers
    /// that were already normalised once (configuration, persisted state, back-office
    /// answers): a later change of the numbering metadata must not make a persisted
    /// callback number unreadable after a restart.
    pub fn parse(s: &str) -> Result<E164, NotE164> {
        let digits = s.strip_prefix('+').ok_or(NotE164)?;
        let shape_ok = (8..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        if shape_ok {
            Ok(E164(s.to_owned()))
        } else {
            Err(NotE164)
        }
    }

    /// For numbers the dial plan has just produced with the phonenumber crate.
    pub(crate) fn from_normalised(s: String) -> E164 {
        debug_assert!(E164::parse(&s).is_ok(), "dial plan produced a bad E.164");
        E164(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number with all but its last two digits masked, for logs.
    pub fn redacted(&self) -> String {
        let keep = 2.min(self.0.len());
        let (head, tail) = self.0.split_at(self.0.len() - keep);
        format!("+{}{tail}", "*".repeat(head.len().saturating_sub(1)))
    }
}

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "E164({})", self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_is_checked() {
        assert!(E164::parse("+13125550100").is_ok());
        for bad in [
            "13125550100",
            "+0312555010",
            "+1312",
            "+1312555010012345",
            "+1312a550100",
            "",
        ] {
            assert_eq!(E164::parse(bad), Err(NotE164), "{bad}");
        }
    }

    #[test]
    fn debug_hides_all_but_the_last_two_digits() {
        let n = E164::parse("+13125550187").unwrap();
        let shown = format!("{n:?}");
        assert_eq!(shown, "E164(+*********87)");
        assert!(!shown.contains("555"));
        assert_eq!(n.to_string(), "+13125550187");
    }
}
