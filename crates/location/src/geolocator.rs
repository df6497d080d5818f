//! The country check itself: the service within its budget, else the offline data,
//! else "unknown" with the reason in words.

use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use crate::answer::{parse_answer, ServiceAnswer};
use crate::route::{offline_country, route_address};

/// The geolocation service: a URL that answers the caller's country (or public address)
/// and how long it may take. Configurable because tenants run their own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceConfig {
    pub url: String,
    pub timeout: Duration,
}

/// Where a fix came from; shown to the agent beside the country.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixSource {
    /// The geolocation service answered in time.
    Service,
    /// The registries' country of the machine's route address (the service could not).
    Offline,
    /// Neither could tell.
    Unknown,
}

/// One answer to "which country is this network in".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountryFix {
    /// ISO 3166-1 alpha-2, upper case; `None` when unknown.
    pub country: Option<String>,
    pub source: FixSource,
    /// What happened, for the readiness indicator's text and the log. Never holds an
    /// address: those are personal data.
    pub detail: String,
}

/// The service could not be used as configured.
#[derive(Debug, thiserror::Error)]
pub enum GeoError {
    #[error("the geolocation client cannot start: {0}")]
    Client(String),
}

/// Runs country checks and keeps the last fix.
#[derive(Debug)]
pub struct Geolocator {
    service: Option<(ServiceConfig, reqwest::Client)>,
    last: Mutex<Option<CountryFix>>,
}

impl Geolocator {
    /// `None`: no service configured, only the offline data is used.
    pub fn new(service: Option<ServiceConfig>) -> Result<Geolocator, GeoError> {
        // Another part of the process may have chosen a provider first; either is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let service = match service {
            Some(config) => {
                let client = reqwest::Client::builder()
                    .timeout(config.timeout)
                    .connect_timeout(config.timeout)
                    .build()
                    .map_err(|e| GeoError::Client(e.to_string()))?;
                Some((config, client))
            }
            None => None,
        };
        Ok(Geolocator {
            service,
            last: Mutex::new(None),
        })
    }

    /// Asks, with the machine's current route address as the offline fallback.
    pub async fn check(&self) -> CountryFix {
        self.check_from(route_address()).await
    }

    /// Asks, with `route` as the address the offline fallback maps.
    pub async fn check_from(&self, route: Option<IpAddr>) -> CountryFix {
        let fix = match &self.service {
            Some((config, client)) => match ask(config, client).await {
                Ok(ServiceAnswer::Country(code)) => CountryFix {
                    country: Some(code),
                    source: FixSource::Service,
                    detail: "from the geolocation service".into(),
                },
                Ok(ServiceAnswer::Address(public)) => match offline_country(public) {
                    Some(code) => CountryFix {
                        country: Some(code),
                        source: FixSource::Service,
                        detail: "from the public address the geolocation service saw".into(),
                    },
                    None => offline(
                        route,
                        "the geolocation service's address has no registry country",
                    ),
                },
                Err(why) => offline(route, &why),
            },
            None => offline(route, "no geolocation service is configured"),
        };
        tracing::info!(country = ?fix.country, source = ?fix.source, detail = %fix.detail, "network country checked");
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some(fix.clone());
        fix
    }

    /// The last fix, without asking anyone: what a caller on a hot path may read.
    pub fn last(&self) -> Option<CountryFix> {
        self.last.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

async fn ask(config: &ServiceConfig, client: &reqwest::Client) -> Result<ServiceAnswer, String> {
    let seconds = config.timeout.as_secs_f64();
    // The client's timeout covers the exchange; this one also covers a server that
    // trickles its body, so the budget holds whatever the far end does.
    let exchange = async {
        let response = client.get(&config.url).send().await.map_err(|e| {
            if e.is_timeout() {
                format!("the geolocation service did not answer within {seconds:.1} s")
            } else {
                "the geolocation service cannot be reached".to_owned()
            }
        })?;
        if !response.status().is_success() {
            return Err(format!(
                "the geolocation service answered {}",
                response.status().as_u16()
            ));
        }
        let body = response
            .text()
            .await
            .map_err(|_| "the geolocation service's answer broke off".to_owned())?;
        parse_answer(&body)
            .ok_or_else(|| "the geolocation service's answer names no country".to_owned())
    };
    tokio::time::timeout(config.timeout, exchange)
        .await
        .unwrap_or_else(|_| {
            Err(format!(
                "the geolocation service did not answer within {seconds:.1} s"
            ))
        })
}

fn offline(route: Option<IpAddr>, why: &str) -> CountryFix {
    match route.and_then(offline_country) {
        Some(code) => CountryFix {
            country: Some(code),
            source: FixSource::Offline,
            detail: format!("{why}; country from the registries' offline data"),
        },
        None => CountryFix {
            country: None,
            source: FixSource::Unknown,
            detail: format!("{why}, and the offline data has no country for this network"),
        },
    }
}
