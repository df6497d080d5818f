//! Location readiness (E9), as far as the core decides anything about it.
//!
//! The `location` crate asks the agent for the address, runs the geolocation lookups
//! and writes PIDF-LO. The core only gets the verdict and decides two things with it:
//! whether a location goes on the INVITE, and whether the tenant's `refuse` policy
//! applies.

use std::fmt;

/// The agent-confirmed dispatchable location, opaque to the core.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Location {
    /// The engine's key for the full civic address (kept by the `location` crate).
    pub id: String,
    /// The address as the agent's read-only panel shows it (E8).
    pub display: String,
}

impl fmt::Debug for Location {
    // Addresses never go to ordinary logs (E7).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Location")
            .field("id", &self.id)
            .field("display", &"<redacted>")
            .finish()
    }
}

/// The country check on the agent's network.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CountryCheck {
    /// The United States or Puerto Rico: the check passes.
    UsOrPuertoRico,
    /// Verified to be outside the US and Puerto Rico; ISO 3166 code. The engine sends
    /// this only for a verified result; anything doubtful is `Unknown`.
    Outside { country: String },
    /// Not known (service down, offline fallback unsure, not checked yet).
    Unknown,
}

/// The latest verdict of the location check.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LocationCheck {
    pub dispatchable: Option<Location>,
    pub country: CountryCheck,
}

impl Default for LocationCheck {
    fn default() -> Self {
        LocationCheck {
            dispatchable: None,
            country: CountryCheck::Unknown,
        }
    }
}

/// The tenant's choice for a location outside the US and Puerto Rico.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum LocationPolicy {
    /// Warn and let the call out (the default; E9).
    #[default]
    Warn,
    /// Refuse emergency calls from a location verified to be outside.
    Refuse,
}

/// The emergency-readiness indicator the UI always shows (E9).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Readiness {
    pub location_confirmed: bool,
    pub country: CountryCheck,
    /// Emergency calls would be refused right now (policy `refuse` and outside).
    pub calls_refused: bool,
}

impl Readiness {
    pub(crate) fn of(check: &LocationCheck, policy: LocationPolicy) -> Readiness {
        Readiness {
            location_confirmed: check.dispatchable.is_some(),
            country: check.country.clone(),
            calls_refused: refused_country(check, policy).is_some(),
        }
    }

    /// Everything in order: nothing to warn about.
    pub fn ready(&self) -> bool {
        self.location_confirmed && self.country == CountryCheck::UsOrPuertoRico
    }
}

/// The country that makes the `refuse` policy apply, if it does.
pub(crate) fn refused_country(check: &LocationCheck, policy: LocationPolicy) -> Option<&str> {
    match (&check.country, policy) {
        (CountryCheck::Outside { country }, LocationPolicy::Refuse) => Some(country),
        _ => None,
    }
}
