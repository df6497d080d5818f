//! The agent's dispatchable address (E9, E10): checked before it is accepted, kept in
//! the data folder so the next sign-in starts from it, and turned into the civic
//! fields of the PIDF-LO the emergency INVITE carries.

use std::path::{Path, PathBuf};

use sip_ua::{CivicAddress, CivicField};
use wire::{DispatchableAddress, UiError};

/// The last address the agent confirmed, in the data folder.
pub const LOCATION_FILE: &str = "location.toml";

/// Trims and normalises `a`, or names the first field that is wrong. Responders drive
/// to this address, so nothing is guessed: a ZIP that is not five digits is refused.
pub(crate) fn validate(a: &DispatchableAddress) -> Result<DispatchableAddress, UiError> {
    let required = |field: &str, value: &str, what: &str| {
        let v = value.trim().to_owned();
        if v.is_empty() {
            Err(UiError::invalid_field(field, format!("Enter the {what}.")))
        } else {
            Ok(v)
        }
    };
    let number = required("number", &a.number, "house number")?;
    let street = required("street", &a.street, "street")?;
    let city = required("city", &a.city, "city")?;
    let state = a.state.trim().to_ascii_uppercase();
    if state.len() != 2 || !state.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(UiError::invalid_field(
            "state",
            "Enter the two-letter state code, such as WA.",
        ));
    }
    let zip = a.zip.trim().to_owned();
    if !is_zip(&zip) {
        return Err(UiError::invalid_field(
            "zip",
            "Enter a five-digit ZIP code (or ZIP+4, such as 98101-1234).",
        ));
    }
    let country = a.country.trim().to_ascii_uppercase();
    if !matches!(country.as_str(), "US" | "PR") {
        return Err(UiError::invalid_field(
            "country",
            "911 reaches US emergency centers only: the address must be in the US or Puerto Rico.",
        ));
    }
    let optional = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    Ok(DispatchableAddress {
        number,
        street,
        city,
        state,
        zip,
        floor: optional(&a.floor),
        room: optional(&a.room),
        country,
    })
}

fn is_zip(zip: &str) -> bool {
    let digits = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_digit());
    match zip.split_once('-') {
        None => digits(zip, 5),
        Some((five, four)) => digits(five, 5) && digits(four, 4),
    }
}

/// The address on one line, for the agent's screen and the emergency panel.
pub(crate) fn one_line(a: &DispatchableAddress) -> String {
    let mut line = format!("{} {}", a.number, a.street);
    if let Some(floor) = &a.floor {
        line.push_str(&format!(", floor {floor}"));
    }
    if let Some(room) = &a.room {
        line.push_str(&format!(", room {room}"));
    }
    line.push_str(&format!(
        ", {}, {} {}, {}",
        a.city, a.state, a.zip, a.country
    ));
    line
}

/// RFC 5139 civic fields for the PIDF-LO (E10).
pub(crate) fn civic(a: &DispatchableAddress) -> CivicAddress {
    let mut civic = CivicAddress::new(&a.country)
        .with(CivicField::A1, &a.state)
        .with(CivicField::A3, &a.city)
        .with(CivicField::Rd, &a.street)
        .with(CivicField::Hno, &a.number)
        .with(CivicField::Pc, &a.zip);
    if let Some(floor) = &a.floor {
        civic = civic.with(CivicField::Flr, floor);
    }
    if let Some(room) = &a.room {
        civic = civic.with(CivicField::Room, room);
    }
    civic
}

fn file(dir: &Path) -> PathBuf {
    dir.join(LOCATION_FILE)
}

/// The last confirmed address; `None` when there is none or it cannot be read (the
/// agent is then asked afresh, which is the safe side).
pub(crate) fn load(dir: &Path) -> Option<DispatchableAddress> {
    let text = std::fs::read_to_string(file(dir)).ok()?;
    match toml::from_str::<DispatchableAddress>(&text) {
        Ok(a) => validate(&a).ok(),
        Err(e) => {
            tracing::warn!(error = %e.message(), "the saved location cannot be read; asking again");
            None
        }
    }
}

/// Keeps the confirmed address for the next sign-in.
pub(crate) fn save(dir: &Path, a: &DispatchableAddress) -> std::io::Result<()> {
    let text = toml::to_string(a).map_err(std::io::Error::other)?;
    let tmp = dir.join(format!("{LOCATION_FILE}.tmp"));
    std::fs::write(&tmp, text)?;
    std::fs::rename(tmp, file(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn pine_st() -> DispatchableAddress {
        DispatchableAddress {
            number: " 400 ".into(),
            street: "Pine St".into(),
            city: "Seattle".into(),
            state: "wa".into(),
            zip: "98101".into(),
            floor: Some("3".into()),
            room: Some("  ".into()),
            country: "us".into(),
        }
    }

    #[test]
    fn a_good_address_is_trimmed_and_normalised() {
        let a = validate(&pine_st()).unwrap();
        assert_eq!(a.number, "400");
        assert_eq!(a.state, "WA");
        assert_eq!(a.country, "US");
        assert_eq!(a.room, None, "a blank room is no room");
        assert_eq!(one_line(&a), "400 Pine St, floor 3, Seattle, WA 98101, US");
        assert_eq!(civic(&a).fields.len(), 6);
    }

    #[test]
    fn each_wrong_field_is_named_e9() {
        type Break = fn(&mut DispatchableAddress);
        let cases: [(&str, Break); 6] = [
            ("street", |a| a.street = " ".into()),
            ("number", |a| a.number.clear()),
            ("city", |a| a.city.clear()),
            ("state", |a| a.state = "Washington".into()),
            ("zip", |a| a.zip = "9810".into()),
            ("country", |a| a.country = "CA".into()),
        ];
        for (field, break_it) in cases {
            let mut a = pine_st();
            break_it(&mut a);
            let err = validate(&a).unwrap_err();
            assert_eq!(err.field.as_deref(), Some(field), "{}", err.message);
        }
    }

    #[test]
    fn zip_plus_four_and_puerto_rico_are_accepted() {
        let mut a = pine_st();
        a.zip = "00901-1234".into();
        a.country = "PR".into();
        a.state = "PR".into();
        assert!(validate(&a).is_ok());
    }

    #[test]
    fn a_saved_address_comes_back_and_a_damaged_file_asks_again() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()), None);
        let a = validate(&pine_st()).unwrap();
        save(dir.path(), &a).unwrap();
        assert_eq!(load(dir.path()), Some(a));
        std::fs::write(dir.path().join(LOCATION_FILE), "number = ").unwrap();
        assert_eq!(load(dir.path()), None);
    }
}
