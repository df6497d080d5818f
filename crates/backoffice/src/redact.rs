//! Phone numbers are personal data (E7, DESIGN "Invariants"): logs see them only through
//! this wrapper, which keeps the last two digits so an operator can still correlate.

use std::fmt;

/// Displays a phone number as `+*********12`.
#[derive(Clone, Copy)]
pub struct Redacted<'a>(pub &'a str);

impl fmt::Display for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let chars: Vec<char> = self.0.chars().collect();
        let keep = chars.len().min(2);
        let hidden = chars.len() - keep;
        if chars.first() == Some(&'+') && hidden > 0 {
            f.write_str("+")?;
            for _ in 1..hidden {
                f.write_str("*")?;
            }
        } else {
            for _ in 0..hidden {
                f.write_str("*")?;
            }
        }
        chars[hidden..].iter().try_for_each(|c| write!(f, "{c}"))
    }
}

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::Redacted;

    #[test]
    fn keeps_only_the_last_two_digits() {
        assert_eq!(Redacted("+12065550143").to_string(), "+*********43");
        assert_eq!(Redacted("7").to_string(), "7");
        assert_eq!(Redacted("").to_string(), "");
    }
}
