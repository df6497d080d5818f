//! The dial plan: what a typed or pasted dial string means (E1).
//!
//! Emergency strings are detected by our own code, before and instead of the
//! phonenumber crate: that crate does not know 911 and would happily treat it as the
//! start of a national number. Everything else is normalised to E.164 with it.
//!
//! Decisions, so nobody has to guess:
//! - Separators that people type or paste are ignored anywhere: any Unicode white
//!   space (tabs, new lines, no-break spaces), `-`, `.`, `(`, `)`, `/`, the Unicode
//!   dashes and minus, and the zero-width characters that come with copied text.
//! - Emergency forms are digit strings only: `911`, `933`, and, when the site has an
//!   outside-line prefix `P` (default `9`), `P911` and `P933`. So with the default
//!   prefix `9933` is the test call dialled with the prefix.
//! - Nothing else is an emergency string: not `9111`, `91`, `1911`, `0911`, `99911`,
//!   and nothing starting with `+` (`+911`, `+1911`): a `+` announces an international
//!   number, and `911` is never turned into `+1911`. `112` is not an emergency number
//!   in the US and is not detected either.
//! - For other numbers the outside-line prefix is dropped when what follows it is a
//!   valid number on its own; North American numbers have exactly 10 national digits,
//!   so this cannot change the meaning of a number dialled without the prefix.

use std::fmt;

use phonenumber::country::Id;
use phonenumber::Mode;

use crate::number::E164;

/// Which emergency call a dial string asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EmergencyKind {
    /// `911`: a real emergency call.
    Real,
    /// `933`: the emergency test call (reads back the address and number sent).
    Test,
}

impl EmergencyKind {
    /// What goes on the wire as the dialled number; the voice connector replaces it
    /// with the emergency routing number (E12).
    pub const fn dialled(self) -> &'static str {
        match self {
            EmergencyKind::Real => "911",
            EmergencyKind::Test => "933",
        }
    }
}

/// What a dial string means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dialled {
    Emergency(EmergencyKind),
    Number(E164),
}

/// Why a dial string was not accepted. Emergency forms never produce one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialError {
    /// Nothing but separators (or nothing at all).
    Empty,
    /// A letter or symbol that is not part of a phone number; vanity letters included.
    InvalidCharacter { ch: char },
    /// `+` anywhere but at the start.
    MisplacedPlus,
    /// Fewer digits than any number we can call.
    TooShort,
    /// More digits than any number we can call (E.164 has at most 15).
    TooLong,
    /// Digits of the right length that are not an assigned kind of number.
    NotAValidNumber,
}

impl fmt::Display for DialError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DialError::Empty => f.write_str("enter a number to call"),
            DialError::InvalidCharacter { ch } => {
                write!(
                    f,
                    "'{ch}' is not allowed in a phone number; use digits only"
                )
            }
            DialError::MisplacedPlus => f.write_str("'+' may only start a number"),
            DialError::TooShort => f.write_str("the number is too short"),
            DialError::TooLong => f.write_str("the number is too long"),
            DialError::NotAValidNumber => f.write_str("this is not a valid phone number"),
        }
    }
}

impl std::error::Error for DialError {}

/// A site's outside-line prefix was not 1 to 3 digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadPrefix;

impl fmt::Display for BadPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an outside-line prefix is 1 to 3 digits")
    }
}

impl std::error::Error for BadPrefix {}

/// The dial plan of a site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialPlan {
    outside_line_prefix: Option<String>,
    region: Id,
}

/// Fewer digits than this cannot be a number (the shortest national numbers we accept
/// are 7 digits long); more than this cannot either (prefix + IDD + 15 digits).
const MIN_DIGITS: usize = 7;
const MAX_DIGITS: usize = 20;

impl Default for DialPlan {
    /// Prefix `9`, region US (which also parses Puerto Rico's +1 787 and +1 939).
    fn default() -> Self {
        DialPlan {
            outside_line_prefix: Some("9".to_owned()),
            region: Id::US,
        }
    }
}

impl DialPlan {
    /// A plan with the given outside-line prefix (`None`: the site has none).
    pub fn with_prefix(prefix: Option<&str>) -> Result<DialPlan, BadPrefix> {
        let prefix = match prefix {
            None => None,
            Some(p) if (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) => {
                Some(p.to_owned())
            }
            Some(_) => return Err(BadPrefix),
        };
        Ok(DialPlan {
            outside_line_prefix: prefix,
            region: Id::US,
        })
    }

    pub fn outside_line_prefix(&self) -> Option<&str> {
        self.outside_line_prefix.as_deref()
    }

    /// Classifies a dial string. Never panics, whatever the input.
    pub fn classify(&self, input: &str) -> Result<Dialled, DialError> {
        let cleaned = clean(input)?;
        if !cleaned.plus {
            if let Some(kind) = self.emergency_kind(&cleaned.digits) {
                return Ok(Dialled::Emergency(kind));
            }
        }
        self.normalise(&cleaned).map(Dialled::Number)
    }

    /// Emergency detection on bare digits: exact matches only (see the module docs).
    fn emergency_kind(&self, digits: &str) -> Option<EmergencyKind> {
        let rest = match &self.outside_line_prefix {
            Some(p) if digits.len() == p.len() + 3 => digits.strip_prefix(p.as_str())?,
            _ => digits,
        };
        match rest {
            "911" => Some(EmergencyKind::Real),
            "933" => Some(EmergencyKind::Test),
            _ => None,
        }
    }

    fn normalise(&self, cleaned: &Cleaned) -> Result<E164, DialError> {
        let digits = cleaned.digits.as_str();
        if digits.len() < MIN_DIGITS {
            return Err(DialError::TooShort);
        }
        if digits.len() > MAX_DIGITS {
            return Err(DialError::TooLong);
        }
        if cleaned.plus {
            return self.parse_valid(&format!("+{digits}"));
        }
        let without_prefix = self
            .outside_line_prefix
            .as_deref()
            .and_then(|p| digits.strip_prefix(p))
            .filter(|rest| rest.len() >= MIN_DIGITS);
        if let Some(rest) = without_prefix {
            if let Ok(n) = self.parse_valid(rest) {
                return Ok(n);
            }
        }
        self.parse_valid(digits)
    }

    /// Hands a cleaned string (digits, maybe a leading `+`) to the phonenumber crate.
    fn parse_valid(&self, s: &str) -> Result<E164, DialError> {
        let parsed = phonenumber::parse(Some(self.region), s).map_err(|e| match e {
            phonenumber::ParseError::TooShortNsn | phonenumber::ParseError::TooShortAfterIdd => {
                DialError::TooShort
            }
            phonenumber::ParseError::TooLong => DialError::TooLong,
            _ => DialError::NotAValidNumber,
        })?;
        if !phonenumber::is_valid(&parsed) {
            return Err(DialError::NotAValidNumber);
        }
        let e164 = parsed.format().mode(Mode::E164).to_string();
        E164::parse(&e164).map_err(|_| DialError::NotAValidNumber)?;
        Ok(E164::from_normalised(e164))
    }
}

struct Cleaned {
    plus: bool,
    digits: String,
}

/// Characters that come with pasted text and mean nothing in a number.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '.' | '(' | ')' | '/' | '\u{2010}'
                ..='\u{2015}'
                    | '\u{2212}'
                    | '\u{200B}'
                    | '\u{200C}'
                    | '\u{200D}'
                    | '\u{2060}'
                    | '\u{FEFF}'
        )
}

fn clean(input: &str) -> Result<Cleaned, DialError> {
    let mut plus = false;
    let mut digits = String::new();
    for c in input.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if c == '+' {
            if plus || !digits.is_empty() {
                return Err(DialError::MisplacedPlus);
            }
            plus = true;
        } else if !is_separator(c) {
            return Err(DialError::InvalidCharacter { ch: c });
        }
    }
    if digits.is_empty() {
        return Err(DialError::Empty);
    }
    Ok(Cleaned { plus, digits })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> DialPlan {
        DialPlan::default()
    }

    fn number(s: &str) -> Dialled {
        Dialled::Number(E164::parse(s).unwrap())
    }

    #[test]
    fn us_and_puerto_rico_numbers_become_e164() {
        let p = plan();
        assert_eq!(p.classify("(312) 555-0100"), Ok(number("+13125550100")));
        assert_eq!(p.classify("+1 312 555 0100"), Ok(number("+13125550100")));
        assert_eq!(p.classify("1-312-555-0100"), Ok(number("+13125550100")));
        assert_eq!(p.classify("787 722 1234"), Ok(number("+17877221234")));
        assert_eq!(p.classify("+1 939 240 1234"), Ok(number("+19392401234")));
    }

    #[test]
    fn the_outside_line_prefix_is_dropped_for_ordinary_numbers() {
        assert_eq!(
            plan().classify("9 1 312 555 0100"),
            Ok(number("+13125550100"))
        );
        assert_eq!(
            plan().classify("9 312 555 0100"),
            Ok(number("+13125550100"))
        );
        // 919 is an area code: without a prefix the number keeps its 9.
        assert_eq!(plan().classify("919 555 0100"), Ok(number("+19195550100")));
    }

    #[test]
    fn international_numbers_with_idd_or_plus() {
        assert_eq!(
            plan().classify("+44 20 7946 0958"),
            Ok(number("+442079460958"))
        );
        assert_eq!(
            plan().classify("011 44 20 7946 0958"),
            Ok(number("+442079460958"))
        );
    }

    #[test]
    fn invalid_input_gives_a_typed_error() {
        let p = plan();
        assert_eq!(p.classify(""), Err(DialError::Empty));
        assert_eq!(p.classify(" - . "), Err(DialError::Empty));
        assert_eq!(
            p.classify("1-800-FLOWERS"),
            Err(DialError::InvalidCharacter { ch: 'F' })
        );
        assert_eq!(
            p.classify("*67"),
            Err(DialError::InvalidCharacter { ch: '*' })
        );
        assert_eq!(p.classify("1+312"), Err(DialError::MisplacedPlus));
        assert_eq!(p.classify("91"), Err(DialError::TooShort));
        assert_eq!(p.classify("9111"), Err(DialError::TooShort));
        assert_eq!(p.classify("123456789012345678901"), Err(DialError::TooLong));
        assert_eq!(p.classify("312 055 0100"), Err(DialError::NotAValidNumber));
        assert_eq!(p.classify("911 555 1234"), Err(DialError::NotAValidNumber));
    }

    #[test]
    fn prefix_must_be_one_to_three_digits() {
        assert!(DialPlan::with_prefix(Some("8")).is_ok());
        assert!(DialPlan::with_prefix(None).is_ok());
        assert_eq!(DialPlan::with_prefix(Some("")), Err(BadPrefix));
        assert_eq!(DialPlan::with_prefix(Some("9a")), Err(BadPrefix));
        assert_eq!(DialPlan::with_prefix(Some("9999")), Err(BadPrefix));
    }
}
