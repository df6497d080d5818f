//! The commands the UI may call. Each is one call onto the engine; the capability file
//! `capabilities/main.json` grants exactly these.

use std::sync::Arc;

use engine::Engine;
use tauri::State;
use wire::{AgentView, Presence, UiError};

#[tauri::command]
pub fn agent_view(engine: State<'_, Arc<Engine>>) -> AgentView {
    engine.view()
}

#[tauri::command]
pub fn set_presence(
    engine: State<'_, Arc<Engine>>,
    presence: Presence,
) -> Result<AgentView, UiError> {
    engine.set_presence(presence)
}
