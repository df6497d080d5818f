//! The commands the UI may call. Each is one call onto the engine; the capability file
//! `capabilities/main.json` grants exactly these.

use std::sync::Arc;

use engine::Engine;
use supervisor::Desk;
use tauri::State;
use wire::{
    AgentView, AudioDevicesView, AudioLevelView, CallControl, DemoView, DispatchableAddress,
    Presence, SupervisorDeskView, UiError,
};

use crate::demo_mode::{self, DemoState};

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

/// Places a call; returns its id at once (the INVITE is already on its way).
#[tauri::command]
pub fn dial(engine: State<'_, Arc<Engine>>, number: String) -> Result<u32, UiError> {
    engine.dial(&number)
}

#[tauri::command]
pub fn hang_up(engine: State<'_, Arc<Engine>>, call: u32) -> Result<AgentView, UiError> {
    engine.hang_up(call)
}

#[tauri::command]
pub fn call_control(
    engine: State<'_, Arc<Engine>>,
    call: u32,
    control: CallControl,
) -> Result<AgentView, UiError> {
    engine.call_control(call, control)
}

/// Answers a ringing inbound call.
#[tauri::command]
pub fn answer(engine: State<'_, Arc<Engine>>, call: u32) -> Result<AgentView, UiError> {
    engine.answer(call)
}

/// A keypad digit during a call (DTMF).
#[tauri::command]
pub fn send_dtmf(engine: State<'_, Arc<Engine>>, call: u32, digit: char) -> Result<(), UiError> {
    engine.send_dtmf(call, digit)
}

/// Blind transfer of a call to a number.
#[tauri::command]
pub fn transfer(
    engine: State<'_, Arc<Engine>>,
    call: u32,
    number: String,
) -> Result<AgentView, UiError> {
    engine.transfer(call, &number)
}

/// The sound devices and the current choice. The sound system may be slow to answer,
/// so it is asked on a blocking thread, never on the UI's.
#[tauri::command]
pub async fn audio_devices(engine: State<'_, Arc<Engine>>) -> Result<AudioDevicesView, UiError> {
    let engine = Arc::clone(&engine);
    tauri::async_runtime::spawn_blocking(move || engine.audio_devices())
        .await
        .map_err(|e| UiError::new(wire::ErrorCode::Internal, e.to_string()))
}

/// Chooses the microphone, speaker and ringer (`None`: the system default).
#[tauri::command]
pub async fn set_audio_devices(
    engine: State<'_, Arc<Engine>>,
    input: Option<String>,
    output: Option<String>,
    ringer: Option<String>,
) -> Result<AudioDevicesView, UiError> {
    let engine = Arc::clone(&engine);
    tauri::async_runtime::spawn_blocking(move || engine.set_audio_devices(input, output, ringer))
        .await
        .map_err(|e| UiError::new(wire::ErrorCode::Internal, e.to_string()))
}

/// The agent confirmed or corrected the dispatchable address (E9); it is saved in the
/// data folder, hence a blocking thread.
#[tauri::command]
pub async fn confirm_location(
    engine: State<'_, Arc<Engine>>,
    address: DispatchableAddress,
) -> Result<AgentView, UiError> {
    let engine = Arc::clone(&engine);
    tauri::async_runtime::spawn_blocking(move || engine.confirm_location(&address))
        .await
        .map_err(|e| UiError::new(wire::ErrorCode::Internal, e.to_string()))?
}

/// The microphone's level for the device panel's meter, polled about ten times a
/// second while the panel is open. Never blocks: it reads what the audio path measured.
#[tauri::command]
pub fn audio_level(engine: State<'_, Arc<Engine>>) -> AudioLevelView {
    engine.audio_level()
}

/// Demo mode's banner: `None` when the app runs against a configured account.
#[tauri::command]
pub fn demo_status(demo: State<'_, DemoState>) -> Option<DemoView> {
    demo_mode::view(&demo)
}

/// Demo mode: the built-in emergency center calls the callback number back (E6).
#[tauri::command]
pub async fn demo_call_back(demo: State<'_, DemoState>) -> Result<(), UiError> {
    demo_mode::call_back(&demo).await
}

/// The Supervisor panel: signed out (with the configured back office) or live.
#[tauri::command]
pub fn supervisor_view(desk: State<'_, Desk>) -> SupervisorDeskView {
    desk.view()
}

/// Signs in to the back office as a supervisor or administrator (A1).
#[tauri::command]
pub async fn supervisor_sign_in(
    desk: State<'_, Desk>,
    url: String,
    username: String,
    password: String,
) -> Result<SupervisorDeskView, UiError> {
    desk.sign_in(&url, &username, &password).await
}

/// E11: acknowledges an emergency alert; its sound stops once the feed confirms it.
#[tauri::command]
pub async fn supervisor_acknowledge(desk: State<'_, Desk>, alert: String) -> Result<(), UiError> {
    desk.acknowledge(&alert).await
}

#[tauri::command]
pub fn supervisor_sign_out(desk: State<'_, Desk>) -> SupervisorDeskView {
    desk.sign_out()
}
