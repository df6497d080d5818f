//! E.164 validation shared by numbers (N4) and emergency routing numbers (V2).

use crate::error::{Error, Result};

/// Checks `value` is E.164: `+`, then 1 to 15 digits, the first not 0.
pub fn validate(field: &'static str, rule: &'static str, value: &str) -> Result<()> {
    let Some(digits) = value.strip_prefix('+') else {
        return Err(Error::invalid(
            field,
            rule,
            "an E.164 number starts with '+'",
        ));
    };
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(
            field,
            rule,
            "an E.164 number is '+' and 1 to 15 digits",
        ));
    }
    if digits.starts_with('0') {
        return Err(Error::invalid(
            field,
            rule,
            "the first digit of an E.164 number is not 0",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::validate;

    #[test]
    fn accepts_e164_and_refuses_the_rest() {
        for ok in ["+1", "+12065550143", "+123456789012345"] {
            assert!(validate("n", "V2", ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "+",
            "12065550143",
            "+0123",
            "+1234567890123456",
            "+1 206",
            "+1-206",
            "+1a",
        ] {
            assert!(validate("n", "V2", bad).is_err(), "{bad}");
        }
    }
}
