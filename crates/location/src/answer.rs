//! What a geolocation service says, parsed without I/O.
//!
//! Services differ: some answer a JSON object with the country (`country_code`,
//! `countryCode` or `country`), some only the caller's public address (`ip`), some a
//! bare two-letter code. All three are accepted; anything else is refused rather than
//! guessed, because a wrong "US" would hide a real problem from the agent.

/// One service answer, understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServiceAnswer {
    /// An ISO 3166-1 alpha-2 code, upper case.
    Country(String),
    /// Only the public address; the caller maps it with the offline data.
    Address(std::net::IpAddr),
}

/// Reads a service's body. `None` when it names neither a country nor an address.
pub fn parse_answer(body: &str) -> Option<ServiceAnswer> {
    let body = body.trim();
    if let Ok(serde_json::Value::Object(fields)) = serde_json::from_str(body) {
        for key in ["country_code", "countryCode", "country"] {
            if let Some(code) = fields.get(key).and_then(|v| v.as_str()).and_then(code_of) {
                return Some(ServiceAnswer::Country(code));
            }
        }
        return fields
            .get("ip")
            .and_then(|v| v.as_str())
            .and_then(|ip| ip.parse().ok())
            .map(ServiceAnswer::Address);
    }
    code_of(body).map(ServiceAnswer::Country)
}

fn code_of(text: &str) -> Option<String> {
    let text = text.trim();
    (text.len() == 2 && text.chars().all(|c| c.is_ascii_alphabetic()))
        .then(|| text.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn country(code: &str) -> Option<ServiceAnswer> {
        Some(ServiceAnswer::Country(code.into()))
    }

    #[test]
    fn json_with_a_country_field_in_any_of_the_common_names() {
        assert_eq!(parse_answer(r#"{"country_code":"US"}"#), country("US"));
        assert_eq!(parse_answer(r#"{"countryCode":"pr"}"#), country("PR"));
        assert_eq!(
            parse_answer(r#"{"country":"CA","ip":"1.2.3.4"}"#),
            country("CA")
        );
    }

    #[test]
    fn json_with_only_the_address_asks_for_the_offline_mapping() {
        assert_eq!(
            parse_answer(r#"{"ip":"8.8.8.8"}"#),
            Some(ServiceAnswer::Address("8.8.8.8".parse().unwrap()))
        );
    }

    #[test]
    fn a_bare_code_with_a_newline_is_a_country() {
        assert_eq!(parse_answer("us\n"), country("US"));
    }

    #[test]
    fn anything_else_is_refused_not_guessed() {
        for body in [
            "",
            "United States",
            r#"{"country":"United States"}"#,
            r#"{"ip":"not an address"}"#,
            "<html>captive portal</html>",
            "U1",
        ] {
            assert_eq!(parse_answer(body), None, "{body}");
        }
    }
}
