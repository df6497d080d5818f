//! Demo mode, the embedded default: with no configuration (no `--config`, no
//! `SOFTPHONE_CONFIG`, no `softphone.toml` in the data folder) the app starts its
//! built-in site ([`demo::DemoWorld`]: the back office, its SIP edge and a built-in
//! carrier and emergency provider, on loopback) and points the engine at it through a
//! generated `demo-softphone.toml`. `--no-demo` starts the app bare instead.

use std::path::{Path, PathBuf};

use demo::DemoWorld;
use wire::{CenterReceivedView, DemoView, ErrorCode, UiError};

/// The generated configuration of demo mode, rewritten at every start (the edge's
/// port changes).
pub const DEMO_CONFIG: &str = "demo-softphone.toml";

/// The app's demo site, when it runs one.
#[derive(Debug, Default)]
pub struct DemoState(pub Option<DemoWorld>);

/// Starts demo mode when nothing configures the app; returns the site and the
/// configuration file to give the engine. A failure leaves the app bare, with a log.
pub fn start_if_unconfigured(
    dir: &Path,
    config_file: Option<&Path>,
) -> Option<(DemoWorld, PathBuf)> {
    let configured = config_file.is_some() || dir.join(engine::CONFIG_FILE).exists();
    let refused = std::env::args_os().any(|a| a == "--no-demo");
    if configured || refused {
        return None;
    }
    let world = match tauri::async_runtime::block_on(DemoWorld::start(dir)) {
        Ok(world) => world,
        Err(e) => {
            tracing::error!(error = %e, "demo mode could not start; the app runs without an account");
            return None;
        }
    };
    let path = dir.join(DEMO_CONFIG);
    if let Err(e) = std::fs::write(&path, config_text(&world)) {
        tracing::error!(error = %e, "demo mode: cannot write its configuration");
        return None;
    }
    tracing::warn!(
        "demo mode: calls go to the built-in provider; no real emergency center is reached"
    );
    Some((world, path))
}

fn config_text(world: &DemoWorld) -> String {
    let a = &world.account;
    format!(
        "# Written by the app in demo mode at every start; not read otherwise.\n\
         [sip]\nuser = \"{user}\"\ndomain = \"{realm}\"\npassword = \"{password}\"\n\
         registrar = \"sip:{edge}\"\noutbound_proxy = \"{edge}\"\nbind = \"127.0.0.1:0\"\n\n\
         [agent]\nnumber = \"{number}\"\n\n\
         [backoffice]\nurl = \"{backoffice}\"\n",
        user = a.user,
        realm = a.realm,
        password = a.password,
        edge = a.edge,
        number = a.agent_number,
        backoffice = world.backoffice_url(),
    )
}

/// What the banner shows; `None` outside demo mode.
pub fn view(state: &DemoState) -> Option<DemoView> {
    let world = state.0.as_ref()?;
    let last_received = world.provider.records().pop().map(|r| CenterReceivedView {
        routing_number: r.routing_number,
        test: r.test,
        callback: r.callback,
        location_sent: r.location.is_some(),
    });
    Some(DemoView {
        callback_number: world.account.pool_number.clone(),
        last_received,
        supervisor_username: world.account.supervisor.clone(),
        supervisor_password: world.account.supervisor_password.clone(),
    })
}

/// The built-in center calls the callback number back (E6).
pub async fn call_back(state: &DemoState) -> Result<(), UiError> {
    let world = state
        .0
        .as_ref()
        .ok_or_else(|| UiError::new(ErrorCode::NotAllowed, "The app is not in demo mode."))?;
    world
        .provider
        .call_back(&world.account.pool_number)
        .await
        .map_err(|e| {
            UiError::new(
                ErrorCode::Network,
                format!("The built-in center could not call back: {e}"),
            )
        })
}
