//! Where the agent's network is, for the emergency-readiness check (E9 in
//! `EMERGENCY.md`).
//!
//! Main types: [`Geolocator`] asks a configurable geolocation service ([`ServiceConfig`],
//! an HTTPS URL and a time budget) for the network's country, falls back to the
//! registries' country of the machine's own route address ([`offline_country`], the
//! iptocc data) when the service is down, slow or unsure, and keeps the last
//! [`CountryFix`] for whoever asks synchronously. [`NetworkId`] tells the caller when the
//! network changed, so the check (and the agent's address confirmation) runs again.
//!
//! Nothing here is ever on the dial path: the engine runs the lookup at start and on
//! network changes, and hands the policy core a verdict; a 911 dial reads only the
//! verdict the core already has.

mod answer;
mod geolocator;
mod route;

pub use answer::{parse_answer, ServiceAnswer};
pub use geolocator::{CountryFix, FixSource, Geolocator, ServiceConfig};
pub use route::{offline_country, route_address, NetworkId};

/// ISO 3166-1 alpha-2 codes for which an emergency call reaches a US 911 center.
pub fn is_us_or_puerto_rico(code: &str) -> bool {
    matches!(code, "US" | "PR")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_united_states_and_puerto_rico_pass_e9() {
        assert!(is_us_or_puerto_rico("US"));
        assert!(is_us_or_puerto_rico("PR"));
        for other in ["CA", "MX", "GB", "VI", "GU", ""] {
            assert!(!is_us_or_puerto_rico(other), "{other}");
        }
    }
}
