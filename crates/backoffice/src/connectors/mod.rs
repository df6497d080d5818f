//! Voice connectors (V1): the tenant's SIP trunks, with their emergency calling
//! configuration (V2, E12). Validation lives beside the types so that every path into
//! storage checks the same way and names the field and the rule (A2).

mod service;

use std::net::IpAddr;

use crate::e164;
use crate::error::{Error, Result};
use crate::numbers::string_enum;

string_enum!(
    /// Transport of an origination route. Spelt as SIP spells them (and as stored).
    #[allow(clippy::upper_case_acronyms)]
    Protocol { UDP, TCP, TLS }
);

/// Calls from the tenant to the public network.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Termination {
    pub enabled: bool,
    /// Source networks allowed to send calls, as CIDR (`203.0.113.0/24`).
    pub allowed_networks: Vec<String>,
    /// ISO 3166 alpha-2 codes of the countries that may be called.
    pub calling_countries: Vec<String>,
    /// E.164 caller number used when a call carries none.
    pub default_caller: Option<String>,
    /// SIP digest credentials the tenant's PBX authenticates with (besides its source
    /// network). Replaced whole on update; see [`SipCredential`].
    pub credentials: Vec<SipCredential>,
}

/// A termination credential (V1). The password is write-only: the service keeps only
/// the SHA-256 digest HA1 of `username:realm:password` (RFC 8760), what a SIP edge
/// needs to check a digest, so it is never shown again after it is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipCredential {
    pub username: String,
    /// Set when creating or changing it; `None` keeps the stored one (on update) and is
    /// what reading a connector gives.
    pub password: Option<String>,
}

/// How many credentials a connector may have.
pub const MAX_CREDENTIALS: usize = 10;

/// One destination for calls from the public network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub host: String,
    pub port: u16,
    pub protocol: Protocol,
    /// 1 (first) to 99.
    pub priority: u8,
    /// 1 to 99: share among routes of equal priority.
    pub weight: u8,
}

/// Calls from the public network to the tenant.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origination {
    pub enabled: bool,
    pub routes: Vec<Route>,
}

/// What an administrator sets on a voice connector (V1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceConnectorSettings {
    pub name: String,
    pub termination: Termination,
    pub origination: Origination,
}

/// V2 / E12: where emergency calls go, for the United States, sent by DNIS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmergencyConfig {
    /// Replaces `911`.
    pub emergency_routing_number: String,
    /// Replaces `933`.
    pub test_routing_number: Option<String>,
    /// Must be `US`.
    pub country: String,
    /// Must be `DNIS`.
    pub call_send_method: String,
}

impl EmergencyConfig {
    /// A US, DNIS configuration.
    pub fn us(emergency_routing_number: &str, test_routing_number: Option<&str>) -> Self {
        Self {
            emergency_routing_number: emergency_routing_number.into(),
            test_routing_number: test_routing_number.map(Into::into),
            country: "US".into(),
            call_send_method: "DNIS".into(),
        }
    }

    /// V2: E.164 numbers, country US, method DNIS.
    pub fn validate(&self) -> Result<()> {
        e164::validate(
            "emergency_routing_number",
            "V2",
            &self.emergency_routing_number,
        )?;
        if let Some(t) = &self.test_routing_number {
            e164::validate("test_routing_number", "V2", t)?;
            if *t == self.emergency_routing_number {
                return Err(Error::invalid(
                    "test_routing_number",
                    "V2",
                    "must differ from the emergency routing number",
                ));
            }
        }
        if self.country != "US" {
            return Err(Error::invalid(
                "country",
                "V2",
                "emergency routing numbers are supported for the United States (US) only",
            ));
        }
        if self.call_send_method != "DNIS" {
            return Err(Error::invalid(
                "call_send_method",
                "V2",
                "the call send method is DNIS",
            ));
        }
        Ok(())
    }
}

/// A voice connector as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceConnector {
    pub id: String,
    pub settings: VoiceConnectorSettings,
    pub emergency: Option<EmergencyConfig>,
    /// Numbers assigned to it (N7).
    pub numbers: Vec<String>,
}

impl VoiceConnectorSettings {
    /// V1: every field in range; enabled directions usable.
    pub fn validate(&self) -> Result<()> {
        let name = self.name.trim();
        if name.is_empty() || name.len() > 100 {
            return Err(Error::invalid("name", "V1", "1 to 100 characters"));
        }
        let t = &self.termination;
        for net in &t.allowed_networks {
            validate_cidr(net)?;
        }
        for c in &t.calling_countries {
            if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(Error::invalid(
                    "calling_countries",
                    "V1",
                    "ISO 3166 alpha-2 codes such as US",
                ));
            }
        }
        if let Some(d) = &t.default_caller {
            e164::validate("default_caller", "V1", d)?;
        }
        validate_credentials(&t.credentials)?;
        if t.enabled && t.allowed_networks.is_empty() {
            return Err(Error::invalid(
                "allowed_networks",
                "V1",
                "enabled termination needs at least one allowed network",
            ));
        }
        if t.enabled && t.calling_countries.is_empty() {
            return Err(Error::invalid(
                "calling_countries",
                "V1",
                "enabled termination needs at least one country",
            ));
        }
        let o = &self.origination;
        if o.routes.len() > 10 {
            return Err(Error::invalid("routes", "V1", "at most 10 routes"));
        }
        if o.enabled && o.routes.is_empty() {
            return Err(Error::invalid(
                "routes",
                "V1",
                "enabled origination needs at least one route",
            ));
        }
        for r in &o.routes {
            let host_ok = !r.host.is_empty()
                && r.host.len() <= 253
                && r.host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:".contains(&b));
            if !host_ok {
                return Err(Error::invalid(
                    "routes.host",
                    "V1",
                    "a host name or IP address",
                ));
            }
            if r.port == 0 {
                return Err(Error::invalid("routes.port", "V1", "1 to 65535"));
            }
            if !(1..=99).contains(&r.priority) {
                return Err(Error::invalid("routes.priority", "V1", "1 to 99"));
            }
            if !(1..=99).contains(&r.weight) {
                return Err(Error::invalid("routes.weight", "V1", "1 to 99"));
            }
        }
        Ok(())
    }
}

fn validate_credentials(creds: &[SipCredential]) -> Result<()> {
    if creds.len() > MAX_CREDENTIALS {
        return Err(Error::invalid(
            "termination.credentials",
            "V1",
            "at most 10 credentials",
        ));
    }
    for (i, c) in creds.iter().enumerate() {
        let name_ok = (1..=32).contains(&c.username.len())
            && c.username
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
        if !name_ok {
            return Err(Error::invalid(
                "termination.credentials.username",
                "V1",
                "1 to 32 letters, digits, '.', '_' or '-'",
            ));
        }
        if creds[..i].iter().any(|o| o.username == c.username) {
            return Err(Error::invalid(
                "termination.credentials.username",
                "V1",
                format!("`{}` is given twice", c.username),
            ));
        }
        if let Some(p) = &c.password {
            let strong = (12..=64).contains(&p.len())
                && p.bytes().all(|b| b.is_ascii_graphic())
                && p.bytes().any(|b| b.is_ascii_lowercase())
                && p.bytes().any(|b| b.is_ascii_uppercase())
                && p.bytes().any(|b| b.is_ascii_digit());
            if !strong {
                return Err(Error::invalid(
                    "termination.credentials.password",
                    "V1",
                    "12 to 64 printable ASCII characters with a lower-case letter, an upper-case letter and a digit",
                ));
            }
        }
    }
    Ok(())
}

fn validate_cidr(net: &str) -> Result<()> {
    let bad = || {
        Error::invalid(
            "allowed_networks",
            "V1",
            "CIDR notation such as 203.0.113.0/24",
        )
    };
    let (addr, bits) = net.split_once('/').ok_or_else(bad)?;
    let addr: IpAddr = addr.parse().map_err(|_| bad())?;
    let bits: u8 = bits.parse().map_err(|_| bad())?;
    let max = if addr.is_ipv4() { 32 } else { 128 };
    if bits > max {
        return Err(bad());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v02_config_validation_names_each_field() {
        assert!(EmergencyConfig::us("+12065550100", Some("+12065550101"))
            .validate()
            .is_ok());
        let field = |c: EmergencyConfig| match c.validate() {
            Err(Error::Invalid {
                field, rule: "V2", ..
            }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(EmergencyConfig::us("911", None)),
            "emergency_routing_number"
        );
        assert_eq!(
            field(EmergencyConfig::us("+12065550100", Some("+0123"))),
            "test_routing_number"
        );
        let mut c = EmergencyConfig::us("+12065550100", None);
        c.country = "CA".into();
        assert_eq!(field(c), "country");
        let mut c = EmergencyConfig::us("+12065550100", None);
        c.call_send_method = "SIP".into();
        assert_eq!(field(c), "call_send_method");
    }

    #[test]
    fn v01_cidr_validation() {
        assert!(validate_cidr("203.0.113.0/24").is_ok());
        assert!(validate_cidr("2001:db8::/32").is_ok());
        for bad in ["203.0.113.0", "203.0.113.0/33", "host/24", "1.2.3.4/x"] {
            assert!(validate_cidr(bad).is_err(), "{bad}");
        }
    }
}
