//! The Supervisor panel (issue 7 item 4): a [`supervisor::Desk`] whose alert sound
//! plays on the agent's ringer through the engine (E11), and whose views reach the UI
//! as the `supervisor-view` event.

use std::sync::{Arc, Mutex};

use engine::{AlarmSound, Engine};

/// The event carrying a fresh `wire::SupervisorDeskView` after every change.
pub const EVENT_SUPERVISOR_VIEW: &str = "supervisor-view";

/// Makes the desk, offering the configured back office (`[backoffice] url`) in its
/// sign-in form, and forwards its views.
pub fn start(app: tauri::AppHandle, engine: &Engine) -> supervisor::Desk {
    let default_url = engine.backoffice_url();
    let sounding: Arc<Mutex<Option<AlarmSound>>> = Arc::default();
    let engine = engine.clone();
    let hook: supervisor::AlarmHook = Arc::new(move |on| {
        let mut slot = sounding.lock().unwrap_or_else(|p| p.into_inner());
        // Dropping the handle silences the ringer.
        *slot = on.then(|| engine.sound_alarm());
    });
    let desk = supervisor::Desk::new(default_url, hook);
    crate::forward(app, desk.subscribe(), EVENT_SUPERVISOR_VIEW);
    desk
}
