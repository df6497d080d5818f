//! DTMF by SIP INFO: the `application/dtmf-relay` body we send and the bodies we
//! accept (`application/dtmf-relay`, and the bare digit of `application/dtmf`).

use std::time::Duration;

use crate::error::SipUaError;

/// One DTMF key: `0-9`, `*`, `#` or `A-D` (stored upper case).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DtmfDigit(char);

impl DtmfDigit {
    /// Checks a key; lower-case `a-d` are taken as `A-D`.
    pub fn new(c: char) -> Result<DtmfDigit, SipUaError> {
        let c = c.to_ascii_uppercase();
        if c.is_ascii_digit() || matches!(c, '*' | '#' | 'A'..='D') {
            Ok(DtmfDigit(c))
        } else {
            Err(SipUaError::InvalidDtmf(c))
        }
    }

    pub fn as_char(self) -> char {
        self.0
    }
}

/// `Signal=5\r\nDuration=160\r\n` (the duration in milliseconds).
pub(crate) fn relay_body(digit: DtmfDigit, duration: Duration) -> Vec<u8> {
    format!(
        "Signal={}\r\nDuration={}\r\n",
        digit.0,
        duration.as_millis()
    )
    .into_bytes()
}

/// The digit an INFO body carries, for the content types we take. Some phones send
/// the RFC 4733 event number (10 for `*`, 11 for `#`, 12-15 for `A-D`) as the signal.
pub(crate) fn parse(content_type: &str, body: &[u8]) -> Option<DtmfDigit> {
    let text = std::str::from_utf8(body).ok()?;
    let media = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let signal = match media.as_str() {
        "application/dtmf-relay" => text.lines().find_map(|line| {
            let (name, value) = line.split_once('=')?;
            name.trim()
                .eq_ignore_ascii_case("signal")
                .then(|| value.trim())
        })?,
        "application/dtmf" => text.trim(),
        _ => return None,
    };
    let event = match signal {
        "10" => '*',
        "11" => '#',
        "12" => 'A',
        "13" => 'B',
        "14" => 'C',
        "15" => 'D',
        one if one.chars().count() == 1 => one.chars().next()?,
        _ => return None,
    };
    DtmfDigit::new(event).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dtmf_digits_outside_the_keypad_are_refused() {
        for bad in ['E', 'x', ' ', '\u{e9}'] {
            assert!(matches!(
                DtmfDigit::new(bad),
                Err(SipUaError::InvalidDtmf(_))
            ));
        }
        assert_eq!(DtmfDigit::new('b').map(DtmfDigit::as_char).ok(), Some('B'));
        assert_eq!(DtmfDigit::new('#').map(DtmfDigit::as_char).ok(), Some('#'));
    }

    #[test]
    fn relay_body_has_signal_and_duration_in_ms() {
        let body = relay_body(DtmfDigit('5'), Duration::from_millis(160));
        assert_eq!(body, b"Signal=5\r\nDuration=160\r\n");
    }

    #[test]
    fn info_bodies_parse_in_both_forms() {
        let relay = b"Signal= 7\r\nDuration= 250\r\n";
        assert_eq!(parse("application/dtmf-relay", relay), Some(DtmfDigit('7')));
        assert_eq!(
            parse("Application/DTMF-Relay; x=y", b"signal=11\r\n"),
            Some(DtmfDigit('#'))
        );
        assert_eq!(parse("application/dtmf", b"*\r\n"), Some(DtmfDigit('*')));
        assert_eq!(parse("application/dtmf-relay", b"Signal=Z\r\n"), None);
        assert_eq!(parse("application/dtmf-relay", b"Duration=1\r\n"), None);
        assert_eq!(parse("text/plain", b"Signal=1\r\n"), None);
        assert_eq!(parse("application/dtmf-relay", &[0xff, 0xfe]), None);
    }
}
