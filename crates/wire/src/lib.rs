//! Edge types: the only types of the product that derive `Serialize`.
//!
//! Everything that crosses the Tauri IPC boundary or the back office's HTTP API is
//! declared here, once, and the UI's TypeScript declarations are generated from these
//! declarations by [`typescript_bindings`]. The checked-in file
//! `ui/src/generated/wire.ts` must equal its output; a test fails when it is stale, and
//! `cargo xtask gen-types` rewrites it.
//!
//! Main types: [`Presence`], [`AgentView`] (with [`CallView`], [`RegistrationView`],
//! [`HistoryEntry`]), [`SupervisorDeskView`], [`UiError`] with its [`ErrorCode`].

mod agent;
mod call;
mod demo;
mod error;
mod readiness;
mod supervisor;

pub use agent::{AgentView, Presence};
pub use call::{
    AudioDeviceView, AudioDevicesView, AudioLevelView, CallControl, CallDirection, CallQuality,
    CallState, CallView, CallbackWindowView, EmergencyPanelView, HistoryEntry, RecordingView,
    RegistrationState, RegistrationView,
};
pub use demo::{CenterReceivedView, DemoView};
pub use error::{ErrorCode, UiError};
pub use readiness::{
    CountryStatus, DispatchableAddress, LocationView, ReadinessView, TestCallView,
};
pub use supervisor::{AgentPresenceView, ConversationView, EmergencyAlertView, SupervisorDeskView};

use ts_rs::{Config, TS};

/// The path of the generated TypeScript file, relative to the workspace root.
pub const TYPESCRIPT_PATH: &str = "ui/src/generated/wire.ts";

/// The TypeScript declarations of every edge type, as one module.
pub fn typescript_bindings() -> String {
    // Integers are small (counts, milliseconds): plain `number` is what the UI wants.
    let cfg = Config::new().with_large_int("number");
    let decls = [
        Presence::decl(&cfg),
        ErrorCode::decl(&cfg),
        UiError::decl(&cfg),
        CallState::decl(&cfg),
        CallDirection::decl(&cfg),
        CallControl::decl(&cfg),
        EmergencyPanelView::decl(&cfg),
        CallQuality::decl(&cfg),
        CallView::decl(&cfg),
        RegistrationState::decl(&cfg),
        RegistrationView::decl(&cfg),
        HistoryEntry::decl(&cfg),
        CallbackWindowView::decl(&cfg),
        RecordingView::decl(&cfg),
        AudioDeviceView::decl(&cfg),
        AudioDevicesView::decl(&cfg),
        AudioLevelView::decl(&cfg),
        CountryStatus::decl(&cfg),
        TestCallView::decl(&cfg),
        ReadinessView::decl(&cfg),
        DispatchableAddress::decl(&cfg),
        LocationView::decl(&cfg),
        AgentView::decl(&cfg),
        CenterReceivedView::decl(&cfg),
        DemoView::decl(&cfg),
        EmergencyAlertView::decl(&cfg),
        ConversationView::decl(&cfg),
        AgentPresenceView::decl(&cfg),
        SupervisorDeskView::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from crates/wire by `cargo xtask gen-types`. Do not edit by hand.\n",
    );
    for decl in decls {
        out.push_str("\nexport ");
        out.push_str(&decl);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn generated_typescript_is_current() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(TYPESCRIPT_PATH);
        let on_disk = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        assert!(
            on_disk == typescript_bindings(),
            "{} is stale: run `cargo xtask gen-types`",
            path.display()
        );
    }
}
