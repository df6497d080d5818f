//! The network's country check (E9), run beside the engine and never on the dial
//! path: at start, then again whenever the machine's network changes. Each fix goes to
//! the policy core as a `LocationVerdict`; a 911 dial reads only the verdict the core
//! already holds, so a slow or dead geolocation service cannot delay it.

use std::sync::Weak;
use std::time::Duration;

use agent_core::{CountryCheck, Input, LocationCheck, Readiness};
use location::{is_us_or_puerto_rico, CountryFix, FixSource, Geolocator, NetworkId, ServiceConfig};
use serde::Deserialize;
use wire::{CountryStatus, ReadinessView};

use crate::engine::Shared;

/// `[emergency.geolocation]` in softphone.toml.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeolocationConfig {
    /// The service's URL; `None` uses only the offline data.
    pub url: Option<String>,
    pub timeout: Duration,
    /// How often the network is looked at for a change.
    pub recheck: Duration,
}

impl Default for GeolocationConfig {
    fn default() -> Self {
        GeolocationConfig {
            url: None,
            timeout: Duration::from_secs(3),
            recheck: Duration::from_secs(30),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GeolocationSection {
    url: Option<String>,
    timeout_ms: Option<u64>,
    recheck_secs: Option<u64>,
}

impl GeolocationSection {
    pub(crate) fn into_config(self) -> Result<GeolocationConfig, String> {
        let mut config = GeolocationConfig::default();
        if let Some(url) = self.url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(format!(
                    "emergency.geolocation.url must be an http(s) URL, not {url:?}"
                ));
            }
            config.url = Some(url);
        }
        if let Some(ms) = self.timeout_ms {
            config.timeout = Duration::from_millis(ms.clamp(100, 30_000));
        }
        if let Some(secs) = self.recheck_secs {
            config.recheck = Duration::from_secs(secs.max(1));
        }
        Ok(config)
    }
}

/// Starts the check loop; it ends with the engine.
pub(crate) fn spawn(shared: Weak<Shared>, rt: &tokio::runtime::Handle, config: GeolocationConfig) {
    let service = config.url.clone().map(|url| ServiceConfig {
        url,
        timeout: config.timeout,
    });
    let geo = match Geolocator::new(service) {
        Ok(geo) => geo,
        Err(e) => {
            tracing::error!(error = %e, "the network's country cannot be checked");
            return;
        }
    };
    rt.spawn(async move {
        let mut network = NetworkId::current();
        loop {
            let fix = geo.check().await;
            match shared.upgrade() {
                Some(shared) => shared.country_fixed(fix),
                None => return,
            }
            loop {
                tokio::time::sleep(config.recheck).await;
                if shared.strong_count() == 0 {
                    return;
                }
                let now = NetworkId::current();
                if now != network {
                    tracing::info!("the network changed; checking its country again");
                    network = now;
                    match shared.upgrade() {
                        Some(shared) => shared.network_changed(),
                        None => return,
                    }
                    break;
                }
            }
        }
    });
}

impl Shared {
    /// The agent may have moved: where remote agents confirm their address at sign-in,
    /// they confirm it again now (RAY BAUM's Act), and until then the core knows no
    /// dispatchable address, so the indicator says so.
    pub(crate) fn network_changed(&self) {
        let check = {
            let mut inner = self.lock();
            if !inner.config.confirm_location_at_sign_in {
                return;
            }
            inner.address_confirmed = false;
            inner.address_reason =
                Some("Your network changed: confirm the address you are working from.".into());
            inner.location.dispatchable = None;
            inner.location.clone()
        };
        if let Err(e) = self.apply(Input::LocationVerdict(check)) {
            tracing::error!(error = ?e, "the core refused the location check");
        }
    }

    fn country_fixed(&self, fix: CountryFix) {
        let check = {
            let mut inner = self.lock();
            inner.location.country = country_check(&fix);
            inner.country_fix = Some(fix);
            inner.location.clone()
        };
        if let Err(e) = self.apply(Input::LocationVerdict(check)) {
            tracing::error!(error = ?e, "the core refused the location check");
        }
    }
}

/// Only the service's word counts as verified: the registries record where an
/// address block was assigned, not where it is used, so an offline "elsewhere" stays
/// Unknown (a warning, never a refusal under the `refuse` policy).
pub(crate) fn country_check(fix: &CountryFix) -> CountryCheck {
    match (&fix.country, fix.source) {
        (Some(code), _) if is_us_or_puerto_rico(code) => CountryCheck::UsOrPuertoRico,
        (Some(code), FixSource::Service) => CountryCheck::Outside {
            country: code.clone(),
        },
        _ => CountryCheck::Unknown,
    }
}

/// The indicator: the core's readiness, with the fix's story and what to do.
pub(crate) fn readiness_view(
    r: &Readiness,
    check: &LocationCheck,
    fix: Option<&CountryFix>,
    last_test: Option<wire::TestCallView>,
) -> ReadinessView {
    let mut problems = Vec::new();
    if !r.location_confirmed {
        problems.push(
            "No dispatchable address is confirmed: set it so a 911 call says where you are."
                .to_owned(),
        );
    }
    let (status, country) = match &check.country {
        CountryCheck::UsOrPuertoRico => (
            CountryStatus::UsOrPuertoRico,
            fix.and_then(|f| f.country.clone()),
        ),
        CountryCheck::Outside { country } => {
            problems.push(format!(
                "This network is in {country}, outside the US and Puerto Rico: 911 from here may not reach a US emergency center."
            ));
            (CountryStatus::Outside, Some(country.clone()))
        }
        CountryCheck::Unknown => {
            match fix {
                None => problems.push("The network's country is being checked.".to_owned()),
                Some(f) => problems.push(format!(
                    "The network's country is unknown ({}). 911 calls still go out.",
                    f.detail
                )),
            }
            (CountryStatus::Unknown, fix.and_then(|f| f.country.clone()))
        }
    };
    if last_test.is_some_and(|t| !t.reached) {
        problems.push(
            "The last 933 test call did not reach the test center: ask your administrator to check the emergency route."
                .to_owned(),
        );
    }
    if r.calls_refused {
        problems.push(
            "Your organization does not place 911 calls from outside the US and Puerto Rico: use a local phone for emergencies."
                .to_owned(),
        );
    }
    ReadinessView {
        ready: r.ready() && last_test.is_none_or(|t| t.reached),
        location_confirmed: r.location_confirmed,
        country_status: status,
        country,
        country_source: fix.map_or_else(|| "not checked yet".to_owned(), |f| f.detail.clone()),
        calls_refused: r.calls_refused,
        problems,
        last_test,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(country: Option<&str>, source: FixSource) -> CountryFix {
        CountryFix {
            country: country.map(str::to_owned),
            source,
            detail: "test".into(),
        }
    }

    #[test]
    fn us_and_puerto_rico_pass_from_any_source_e9() {
        for source in [FixSource::Service, FixSource::Offline] {
            assert_eq!(
                country_check(&fix(Some("US"), source)),
                CountryCheck::UsOrPuertoRico
            );
            assert_eq!(
                country_check(&fix(Some("PR"), source)),
                CountryCheck::UsOrPuertoRico
            );
        }
    }

    #[test]
    fn only_the_service_can_place_the_network_outside_e9() {
        assert_eq!(
            country_check(&fix(Some("CA"), FixSource::Service)),
            CountryCheck::Outside {
                country: "CA".into()
            }
        );
        assert_eq!(
            country_check(&fix(Some("CA"), FixSource::Offline)),
            CountryCheck::Unknown
        );
        assert_eq!(
            country_check(&fix(None, FixSource::Unknown)),
            CountryCheck::Unknown
        );
    }

    #[test]
    fn a_bad_url_in_the_configuration_is_refused_with_its_key() {
        let section = GeolocationSection {
            url: Some("ftp://geo.example".into()),
            timeout_ms: None,
            recheck_secs: None,
        };
        let err = section.into_config().unwrap_err();
        assert!(err.contains("emergency.geolocation.url"), "{err}");
    }
}
