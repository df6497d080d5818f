//! JSON shapes of voice connectors (V1) and their emergency configuration (V2).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::connectors::{
    EmergencyConfig, Origination, Route, SipCredential, Termination, VoiceConnector,
    VoiceConnectorSettings,
};

/// What a stored password reads as: it is never shown again (V1).
pub const PASSWORD_MASK: &str = "********";

/// A termination credential. On input, `password` sets or changes it; omitted (or the
/// mask) keeps the stored one. On output it is always the mask.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct CredentialIo {
    pub username: String,
    #[serde(default)]
    #[schema(example = "********")]
    pub password: Option<String>,
}
use crate::error::{Error, Result};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RouteIo {
    pub host: String,
    pub port: u16,
    /// UDP, TCP or TLS.
    pub protocol: String,
    pub priority: u8,
    pub weight: u8,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct TerminationIo {
    pub enabled: bool,
    #[serde(default)]
    pub allowed_networks: Vec<String>,
    #[serde(default)]
    pub calling_countries: Vec<String>,
    pub default_caller: Option<String>,
    /// SIP digest credentials; the whole list replaces the stored one.
    #[serde(default)]
    pub credentials: Vec<CredentialIo>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct OriginationIo {
    pub enabled: bool,
    #[serde(default)]
    pub routes: Vec<RouteIo>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct SettingsIo {
    pub name: String,
    pub termination: TerminationIo,
    pub origination: OriginationIo,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct EmergencyIo {
    pub emergency_routing_number: String,
    pub test_routing_number: Option<String>,
    pub country: String,
    pub call_send_method: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub(super) struct ConnectorOut {
    pub id: String,
    #[serde(flatten)]
    pub settings: SettingsIo,
    pub emergency: Option<EmergencyIo>,
    pub numbers: Vec<String>,
}

impl SettingsIo {
    pub fn into_domain(self) -> Result<VoiceConnectorSettings> {
        let routes =
            self.origination
                .routes
                .into_iter()
                .map(|r| {
                    Ok(Route {
                        host: r.host,
                        port: r.port,
                        protocol: r.protocol.parse().map_err(|_| {
                            Error::invalid("routes.protocol", "V1", "UDP, TCP or TLS")
                        })?,
                        priority: r.priority,
                        weight: r.weight,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
        Ok(VoiceConnectorSettings {
            name: self.name,
            termination: Termination {
                enabled: self.termination.enabled,
                allowed_networks: self.termination.allowed_networks,
                calling_countries: self.termination.calling_countries,
                default_caller: self.termination.default_caller,
                credentials: self
                    .termination
                    .credentials
                    .into_iter()
                    .map(|c| SipCredential {
                        username: c.username,
                        password: c.password.filter(|p| p != PASSWORD_MASK),
                    })
                    .collect(),
            },
            origination: Origination {
                enabled: self.origination.enabled,
                routes,
            },
        })
    }
}

impl From<EmergencyIo> for EmergencyConfig {
    fn from(e: EmergencyIo) -> Self {
        Self {
            emergency_routing_number: e.emergency_routing_number,
            test_routing_number: e.test_routing_number,
            country: e.country,
            call_send_method: e.call_send_method,
        }
    }
}

impl From<VoiceConnector> for ConnectorOut {
    fn from(vc: VoiceConnector) -> Self {
        let s = vc.settings;
        Self {
            id: vc.id,
            settings: SettingsIo {
                name: s.name,
                termination: TerminationIo {
                    enabled: s.termination.enabled,
                    allowed_networks: s.termination.allowed_networks,
                    calling_countries: s.termination.calling_countries,
                    default_caller: s.termination.default_caller,
                    credentials: s
                        .termination
                        .credentials
                        .into_iter()
                        .map(|c| CredentialIo {
                            username: c.username,
                            password: Some(PASSWORD_MASK.to_owned()),
                        })
                        .collect(),
                },
                origination: OriginationIo {
                    enabled: s.origination.enabled,
                    routes: s
                        .origination
                        .routes
                        .into_iter()
                        .map(|r| RouteIo {
                            host: r.host,
                            port: r.port,
                            protocol: r.protocol.as_str().to_owned(),
                            priority: r.priority,
                            weight: r.weight,
                        })
                        .collect(),
                },
            },
            emergency: vc.emergency.map(|e| EmergencyIo {
                emergency_routing_number: e.emergency_routing_number,
                test_routing_number: e.test_routing_number,
                country: e.country,
                call_send_method: e.call_send_method,
            }),
            numbers: vc.numbers,
        }
    }
}
