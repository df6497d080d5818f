//! The softphone's configuration file, `softphone.toml` in the data folder (or the
//! file named by `--config`). Every section is optional: with no file the app runs
//! without a SIP account and says so on screen.
//!
//! Reading never stops the app: a file that cannot be parsed becomes a
//! `config_problem` in the view and the defaults apply (see [`load`]).

use std::net::SocketAddr;
use std::path::Path;

use agent_core::{CoreConfig, LocationPolicy, RecordingPolicy, E164};
use serde::Deserialize;
use sip_ua::{Credentials, Identity, Transport, UaConfig};
use wire::DispatchableAddress;

/// The file name looked for in the data folder.
pub const CONFIG_FILE: &str = "softphone.toml";

/// What the engine runs with.
#[derive(Clone, Debug, Default)]
pub struct EngineConfig {
    pub sip: Option<SipConfig>,
    pub core: CoreConfig,
    /// The site's dispatchable address, set by the administrator (E9, E10).
    pub location: Option<DispatchableAddress>,
    /// Ask the agent to confirm the address at every sign-in and network change (remote
    /// agents); off for a fixed desk whose address the administrator configured.
    pub confirm_location_at_sign_in: bool,
    pub audio: AudioConfig,
    /// The network's country check (E9).
    pub geolocation: crate::geolocation::GeolocationConfig,
    /// The back office's HTTP address (`[backoffice] url`), which the Supervisor
    /// panel signs in to.
    pub backoffice_url: Option<String>,
}

impl EngineConfig {
    /// The address our SDP names, for offers and answers alike: the configured bind
    /// address, else the local address that routes to the outbound proxy.
    pub(crate) fn media_ip(&self) -> std::net::IpAddr {
        let (bind, toward) = self
            .sip
            .as_ref()
            .map_or((std::net::Ipv4Addr::UNSPECIFIED.into(), None), |s| {
                (s.ua.bind.ip(), s.ua.outbound_proxy)
            });
        crate::offer::media_ip(bind, toward)
    }

    /// How WebRTC legs gather: on the media address, through the account's STUN and
    /// TURN servers, within `budget`.
    pub(crate) fn webrtc(&self, budget: std::time::Duration) -> media_net::WebRtcConfig {
        let mut config = media_net::WebRtcConfig::host(self.media_ip());
        if let Some(sip) = &self.sip {
            config.stun = sip.stun.clone();
            config.turn = sip.turn.clone();
        }
        config.gather_budget = budget;
        config
    }

    /// Whether our offers are WebRTC.
    pub(crate) fn offers_webrtc(&self) -> bool {
        self.sip
            .as_ref()
            .is_some_and(|s| s.offer_media == OfferMedia::Webrtc)
    }
}

/// Where call audio comes from and goes to, and where inbound calls ring.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AudioConfig {
    pub input: AudioDevice,
    pub output: AudioDevice,
    /// Often the desk speaker rather than the headset, so a ring is heard across
    /// the room.
    pub ringer: AudioDevice,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum AudioDevice {
    /// The system's default device (cpal).
    #[default]
    Default,
    /// A WAV file: played in (looping) as the microphone, or written as the speaker.
    /// For machines without a sound card, and for tests.
    File(std::path::PathBuf),
    /// A device the agent picked in the settings, by its stable id.
    Named(String),
}

/// The SIP account.
#[derive(Clone, Debug)]
pub struct SipConfig {
    pub ua: UaConfig,
    /// `sip:host[:port]`; no registration when absent (calls still go out).
    pub registrar: Option<String>,
    /// The host part of Request-URIs: `sip:<number>@<domain>`.
    pub domain: String,
    pub expires: u32,
    /// What our offers carry. Answers follow the peer's offer whatever this says.
    pub offer_media: OfferMedia,
    /// `stun:host:port`, for a server-reflexive candidate on WebRTC legs.
    pub stun: Option<String>,
    /// A TURN server, for a relay candidate on WebRTC legs.
    pub turn: Option<media_net::TurnServer>,
}

/// The media our offers carry: plain RTP (SIP trunks, desk phones, most PBXs), or
/// WebRTC (ICE, DTLS-SRTP; a WebRTC platform, a browser on the edge).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OfferMedia {
    #[default]
    Rtp,
    Webrtc,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not valid: {message}")]
    Invalid { path: String, message: String },
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    sip: Option<SipSection>,
    agent: Option<AgentSection>,
    emergency: Option<EmergencySection>,
    recording: Option<RecordingSection>,
    audio: Option<AudioSection>,
    backoffice: Option<BackofficeSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BackofficeSection {
    /// `http://host:port` or `https://...`.
    url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AudioSection {
    /// `"default"` or the path of a WAV file.
    input: Option<String>,
    output: Option<String>,
    ringer: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SipSection {
    user: String,
    domain: String,
    password: Option<String>,
    /// The digest user name, when it differs from `user`.
    auth_user: Option<String>,
    display_name: Option<String>,
    registrar: Option<String>,
    outbound_proxy: Option<SocketAddr>,
    #[serde(default = "default_bind")]
    bind: SocketAddr,
    #[serde(default)]
    transport: TransportName,
    #[serde(default = "default_expires")]
    expires: u32,
    #[serde(default)]
    media: OfferMedia,
    stun: Option<String>,
    turn: Option<TurnSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TurnSection {
    url: String,
    username: String,
    password: String,
}

fn default_bind() -> SocketAddr {
    SocketAddr::from(([0, 0, 0, 0], 0))
}

fn default_expires() -> u32 {
    600
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum TransportName {
    #[default]
    Udp,
    Tcp,
    Ws,
    Wss,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AgentSection {
    number: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EmergencySection {
    site_callback_number: Option<String>,
    location_policy: Option<String>,
    /// Seconds; the callback window after an emergency call (60 minutes by default).
    callback_window_secs: Option<u64>,
    /// Milliseconds the core waits for a callback lease before a fallback (E5).
    lease_budget_ms: Option<u64>,
    location: Option<AddressSection>,
    confirm_location_at_sign_in: Option<bool>,
    geolocation: Option<crate::geolocation::GeolocationSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddressSection {
    country: String,
    state: String,
    city: String,
    street: String,
    number: String,
    zip: String,
    floor: Option<String>,
    room: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordingSection {
    policy: String,
}

/// Reads `path`. A missing file is the empty configuration, not an error.
pub fn load(path: &Path) -> Result<EngineConfig, ConfigError> {
    let shown = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(EngineConfig::default()),
        Err(source) => {
            return Err(ConfigError::Read {
                path: shown,
                source,
            })
        }
    };
    parse(&text).map_err(|message| ConfigError::Invalid {
        path: shown,
        message,
    })
}

/// Parses the text of a configuration file.
pub fn parse(text: &str) -> Result<EngineConfig, String> {
    let file: File = toml::from_str(text).map_err(|e| e.message().to_owned())?;
    let mut config = EngineConfig::default();
    if let Some(agent) = file.agent {
        config.core.agent_number = number(agent.number, "agent.number")?;
    }
    if let Some(em) = file.emergency {
        config.core.site_callback_number =
            number(em.site_callback_number, "emergency.site_callback_number")?;
        config.core.location_policy = match em.location_policy.as_deref() {
            None | Some("warn") => LocationPolicy::Warn,
            Some("refuse") => LocationPolicy::Refuse,
            Some(other) => {
                return Err(format!(
                    "emergency.location_policy must be \"warn\" or \"refuse\", not {other:?}"
                ))
            }
        };
        if let Some(secs) = em.callback_window_secs {
            config.core.callback_window = agent_core::Millis(secs.saturating_mul(1000));
        }
        if let Some(ms) = em.lease_budget_ms {
            config.core.lease_budget = agent_core::Millis(ms);
        }
        if let Some(geo) = em.geolocation {
            config.geolocation = geo.into_config()?;
        }
        config.location = em.location.map(address).transpose()?;
        config.confirm_location_at_sign_in = em.confirm_location_at_sign_in.unwrap_or(false);
    }
    if let Some(rec) = file.recording {
        config.core.recording = match rec.policy.as_str() {
            "never" => RecordingPolicy::Never,
            "on-demand" => RecordingPolicy::OnDemand,
            "always" => RecordingPolicy::Always,
            other => {
                return Err(format!(
                    "recording.policy must be \"never\", \"on-demand\" or \"always\", not {other:?}"
                ))
            }
        };
    }
    if let Some(audio) = file.audio {
        let device = |v: Option<String>| match v.as_deref() {
            None | Some("default") => AudioDevice::Default,
            Some(path) => AudioDevice::File(path.into()),
        };
        config.audio = AudioConfig {
            input: device(audio.input),
            output: device(audio.output),
            ringer: device(audio.ringer),
        };
    }
    if let Some(bo) = file.backoffice {
        let url = bo.url.trim_end_matches('/');
        if !(url.starts_with("http://") || url.starts_with("https://")) || url.contains(' ') {
            return Err(
                "backoffice.url must be an http:// or https:// address such as https://backoffice.example.com"
                    .into(),
            );
        }
        config.backoffice_url = Some(url.to_owned());
    }
    if let Some(sip) = file.sip {
        config.sip = Some(sip_config(sip)?);
    }
    Ok(config)
}

fn number(value: Option<String>, field: &str) -> Result<Option<E164>, String> {
    value
        .map(|v| {
            E164::parse(&v)
                .map_err(|_| format!("{field} must be an E.164 number such as +12065550100"))
        })
        .transpose()
}

fn address(a: AddressSection) -> Result<DispatchableAddress, String> {
    let address = DispatchableAddress {
        number: a.number,
        street: a.street,
        city: a.city,
        state: a.state,
        zip: a.zip,
        floor: a.floor,
        room: a.room,
        country: a.country,
    };
    crate::dispatchable::validate(&address).map_err(|e| {
        format!(
            "emergency.location.{}: {}",
            e.field.unwrap_or_default(),
            e.message
        )
    })
}

fn sip_config(s: SipSection) -> Result<SipConfig, String> {
    if s.domain.is_empty() || s.domain.contains(['@', ' ', ';']) {
        return Err("sip.domain must be a host name or address".into());
    }
    if let Some(r) = &s.registrar {
        if !r.starts_with("sip:") {
            return Err("sip.registrar must be a SIP URI such as sip:pbx.example.com".into());
        }
    }
    let identity = Identity {
        user: s.user.clone(),
        domain: s.domain.clone(),
        display_name: s.display_name,
    };
    let mut ua = UaConfig::udp(s.bind, identity);
    ua.transport = match s.transport {
        TransportName::Udp => Transport::Udp,
        TransportName::Tcp => Transport::Tcp,
        TransportName::Ws => Transport::Ws,
        TransportName::Wss => Transport::Wss,
    };
    ua.outbound_proxy = s.outbound_proxy;
    ua.credentials = s.password.map(|password| Credentials {
        username: s.auth_user.unwrap_or_else(|| s.user.clone()),
        password,
    });
    if let Some(stun) = &s.stun {
        if !stun.starts_with("stun:") {
            return Err("sip.stun must be a STUN URI such as stun:stun.example.com:3478".into());
        }
    }
    if let Some(turn) = &s.turn {
        if !turn.url.starts_with("turn:") {
            return Err(
                "sip.turn.url must be a TURN URI such as turn:turn.example.com:3478".into(),
            );
        }
    }
    Ok(SipConfig {
        ua,
        registrar: s.registrar,
        domain: s.domain,
        expires: s.expires,
        offer_media: s.media,
        stun: s.stun,
        turn: s.turn.map(|t| media_net::TurnServer {
            url: t.url,
            username: t.username,
            credential: t.password,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_is_the_default_configuration() {
        let c = parse("").unwrap();
        assert!(c.sip.is_none() && c.location.is_none());
        assert_eq!(c.core, CoreConfig::default());
    }

    #[test]
    fn a_full_file_sets_account_numbers_policies_and_location() {
        let c = parse(
            r#"
            [sip]
            user = "agent1"
            domain = "pbx.test"
            password = "pw"
            registrar = "sip:127.0.0.1:5070"
            outbound_proxy = "127.0.0.1:5070"
            transport = "tcp"
            [agent]
            number = "+12065550100"
            [emergency]
            site_callback_number = "+12065550199"
            location_policy = "refuse"
            callback_window_secs = 120
            [emergency.location]
            country = "US"
            state = "WA"
            city = "Seattle"
            street = "Pine St"
            number = "400"
            zip = "98101"
            floor = "3"
            [recording]
            policy = "always"
            [audio]
            input = "/tmp/in.wav"
            ringer = "/tmp/ring.wav"
            "#,
        )
        .unwrap();
        let sip = c.sip.unwrap();
        assert_eq!(sip.ua.transport, Transport::Tcp);
        assert_eq!(sip.ua.credentials.unwrap().username, "agent1");
        assert_eq!(sip.registrar.as_deref(), Some("sip:127.0.0.1:5070"));
        assert_eq!(c.core.agent_number.unwrap().as_str(), "+12065550100");
        assert_eq!(c.core.location_policy, LocationPolicy::Refuse);
        assert_eq!(c.core.recording, RecordingPolicy::Always);
        assert_eq!(c.audio.input, AudioDevice::File("/tmp/in.wav".into()));
        assert_eq!(c.audio.output, AudioDevice::Default);
        assert_eq!(c.audio.ringer, AudioDevice::File("/tmp/ring.wav".into()));
        assert_eq!(c.core.callback_window, agent_core::Millis(120_000));
        assert_eq!(
            crate::dispatchable::one_line(&c.location.unwrap()),
            "400 Pine St, floor 3, Seattle, WA 98101, US"
        );
        assert!(!c.confirm_location_at_sign_in);
    }

    #[test]
    fn the_back_office_url_is_kept_without_a_trailing_slash_and_must_be_http() {
        let c = parse("[backoffice]\nurl = \"http://127.0.0.1:8080/\"").unwrap();
        assert_eq!(c.backoffice_url.as_deref(), Some("http://127.0.0.1:8080"));
        assert!(parse("").unwrap().backoffice_url.is_none());
        let e = parse("[backoffice]\nurl = \"ftp://bo\"").unwrap_err();
        assert!(e.contains("backoffice.url"), "{e}");
    }

    #[test]
    fn bad_values_name_the_field() {
        for (text, field) in [
            ("[agent]\nnumber = \"12345\"", "agent.number"),
            (
                "[emergency]\nlocation_policy = \"maybe\"",
                "location_policy",
            ),
            ("[recording]\npolicy = \"sometimes\"", "recording.policy"),
            (
                "[emergency.location]\ncountry = \"US\"\nstate = \"WA\"\ncity = \"Seattle\"\nstreet = \"Pine St\"\nnumber = \"400\"\nzip = \"981\"",
                "emergency.location.zip",
            ),
            (
                "[sip]\nuser = \"a\"\ndomain = \"x\"\nregistrar = \"http://x\"",
                "sip.registrar",
            ),
            (
                "[sip]\nuser = \"a\"\ndomain = \"x\"\ncolour = \"red\"",
                "colour",
            ),
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.contains(field), "{err:?} should name {field}");
        }
    }
}
