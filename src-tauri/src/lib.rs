//! The desktop app: a thin Tauri shell over [`engine::Engine`].
//!
//! Each command is a one-liner onto the engine (or the Supervisor panel's
//! [`supervisor::Desk`]); their view changes are forwarded to the UI as the
//! `agent-view` and `supervisor-view` events. Everything else (policy, storage, calls) lives
//! in the crates below the engine, so the shell can be read in one sitting.

mod commands;
mod data_dir;
mod demo_mode;
mod supervisor_desk;
mod window_place;

use std::sync::Arc;

use tauri::{Emitter, Manager};
use tokio::sync::broadcast::error::RecvError;

/// The event carrying a fresh `wire::AgentView` to the UI after every change.
pub const EVENT_AGENT_VIEW: &str = "agent-view";

pub fn run() {
    init_logging();
    let result = tauri::Builder::default()
        .setup(|app| {
            let dir = data_dir::resolve(app.handle());
            tracing::info!(data_dir = %dir.display(), "starting");
            let mut config_file = data_dir::config_file();
            let demo = demo_mode::start_if_unconfigured(&dir, config_file.as_deref());
            let demo = demo.map(|(world, config)| {
                config_file = Some(config);
                world
            });
            app.manage(demo_mode::DemoState(demo));
            let options = engine::EngineOptions {
                config_file,
                ..engine::EngineOptions::new(&dir)
            };
            let rt = tauri::async_runtime::handle().inner().clone();
            let engine = Arc::new(engine::Engine::start(options, rt));
            if let Some(window) = app.get_webview_window("main") {
                window_place::keep(&window, &dir);
            }
            forward(app.handle().clone(), engine.subscribe(), EVENT_AGENT_VIEW);
            let desk = supervisor_desk::start(app.handle().clone(), &engine);
            app.manage(desk);
            app.manage(engine);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::agent_view,
            commands::set_presence,
            commands::dial,
            commands::hang_up,
            commands::call_control,
            commands::answer,
            commands::send_dtmf,
            commands::transfer,
            commands::audio_devices,
            commands::set_audio_devices,
            commands::confirm_location,
            commands::audio_level,
            commands::demo_status,
            commands::demo_call_back,
            commands::supervisor_view,
            commands::supervisor_sign_in,
            commands::supervisor_acknowledge,
            commands::supervisor_sign_out
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!(error = %e, "the app could not run");
        eprintln!("softphone: the app could not run: {e}");
        std::process::exit(1);
    }
}

/// Sends every view published on `views` to the UI as `event`, until the sender is gone.
pub(crate) fn forward<T>(
    app: tauri::AppHandle,
    mut views: tokio::sync::broadcast::Receiver<T>,
    event: &'static str,
) where
    T: serde::Serialize + Clone + Send + 'static,
{
    tauri::async_runtime::spawn(async move {
        loop {
            match views.recv().await {
                Ok(view) => {
                    if let Err(e) = app.emit(event, view) {
                        tracing::warn!(error = %e, event, "cannot send the view to the UI");
                    }
                }
                // Missing a few intermediate views is harmless: each one is whole.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            }
        }
    });
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("SOFTPHONE_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // rsipstack logs whole SIP messages, numbers included, at info: hold it at warn
    // whatever the user asked for, so personal data stays out of the log.
    let filter = match sip_ua::RSIPSTACK_LOG_FILTER.parse() {
        Ok(directive) => filter.add_directive(directive),
        Err(_) => filter,
    };
    // A second init (tests that call run twice) is not an error worth stopping for.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
