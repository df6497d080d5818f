//! The softphone's runtime around the policy core.
//!
//! [`Engine`] owns the [`agent_core::Core`], feeds it user actions with the current time,
//! carries out what it decides, and keeps its durable state in the data folder through
//! [`StateStore`]. The Tauri shell holds an [`Engine`] and turns each command into one
//! call on it; the UI receives [`wire::AgentView`] snapshots from [`Engine::subscribe`].
//!
//! The engine never fails to start: a data folder that cannot be used becomes a
//! `storage_problem` in the view, the agent keeps working, and the log says why.

mod convert;
mod engine;
mod store;

pub use engine::Engine;
pub use store::{StateStore, StoreError};
