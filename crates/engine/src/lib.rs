//! The softphone's runtime around the policy core.
//!
//! [`Engine`] owns the [`agent_core::Core`], feeds it user actions, SIP news and timer
//! ticks with the current time, carries out what it decides (INVITEs through
//! `sip-ua`, history, durable state), and publishes [`wire::AgentView`] snapshots
//! through [`Engine::subscribe`]. The Tauri shell holds an [`Engine`] and turns each
//! command into one call on it.
//!
//! Main types: [`Engine`], [`EngineOptions`], [`EngineConfig`] (the `softphone.toml`
//! file, see [`config`]), [`StateStore`] (durable state, written atomically).
//!
//! The engine never fails to start: a data folder or configuration that cannot be
//! used becomes a problem in the view, the agent keeps working, and the log says why.

pub mod audio;
mod calls;
pub mod config;
mod convert;
mod dispatchable;
mod engine;
mod geolocation;
mod history;
mod hotplug;
mod inbound;
mod offer;
mod outputs;
mod recording;
mod ringer;
mod sip_link;
mod store;
mod test_call;

pub use config::{EngineConfig, CONFIG_FILE};
pub use dispatchable::LOCATION_FILE;
pub use engine::{Engine, EngineOptions};
pub use geolocation::GeolocationConfig;
pub use history::HISTORY_FILE;
pub use recording::RECORDINGS_DIR;
pub use ringer::{AlarmSound, SoundSystem};
pub use store::{StateStore, StoreError};
pub use test_call::TEST_CALL_FILE;
