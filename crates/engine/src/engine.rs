//! The engine: one policy core, its durable state, and the views it publishes.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use agent_core::{Core, CoreConfig, CoreError, DurableState, Input, Millis, Output};
use tokio::sync::broadcast;
use wire::{AgentView, ErrorCode, UiError};

use crate::convert::{presence_from_wire, presence_to_wire};
use crate::store::StateStore;

/// The app's runtime. Cheap to share behind an `Arc`; every method takes `&self`.
#[derive(Debug)]
pub struct Engine {
    inner: Mutex<Inner>,
    views: broadcast::Sender<AgentView>,
}

#[derive(Debug)]
struct Inner {
    core: Core,
    /// `None` when the data folder cannot be used: the engine then runs from memory.
    store: Option<StateStore>,
    data_dir: PathBuf,
    problem: Option<UiError>,
}

fn now() -> Millis {
    // A clock before 1970 is a broken machine, not a reason to stop a call: use zero.
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    Millis(ms)
}

impl Engine {
    /// Starts from the state saved in `data_dir`. Never fails: a folder that cannot be
    /// used, or a state file that cannot be read, is reported in the view and the log.
    pub fn start(data_dir: &Path) -> Engine {
        let now = now();
        let (store, state, problem) = load(data_dir, now);
        let (views, _) = broadcast::channel(64);
        let (core, restart_outputs) = resume(state, now);
        let mut inner = Inner {
            core,
            store,
            data_dir: data_dir.to_path_buf(),
            problem,
        };
        inner.carry_out(restart_outputs);
        Engine {
            inner: Mutex::new(inner),
            views,
        }
    }

    /// Every view published from now on (after each change).
    pub fn subscribe(&self) -> broadcast::Receiver<AgentView> {
        self.views.subscribe()
    }

    pub fn view(&self) -> AgentView {
        self.lock().view()
    }

    /// The agent picked a presence. The core may refuse it (an emergency call).
    pub fn set_presence(&self, presence: wire::Presence) -> Result<AgentView, UiError> {
        let mut inner = self.lock();
        let outputs = inner
            .core
            .handle(now(), Input::SetPresence(presence_from_wire(presence)))
            .map_err(refusal)?;
        inner.carry_out(outputs);
        let view = inner.view();
        drop(inner);
        // Nobody listening is fine: the caller gets the view as the reply anyway.
        let _ = self.views.send(view.clone());
        Ok(view)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock left the core in a state it returned from, so
        // carrying on with it is sound.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Inner {
    fn view(&self) -> AgentView {
        AgentView {
            presence: presence_to_wire(self.core.presence()),
            presence_locked: self.core.presence_locked(),
            data_dir: self.data_dir.display().to_string(),
            storage_problem: self.problem.clone(),
        }
    }

    fn carry_out(&mut self, outputs: Vec<Output>) {
        for output in outputs {
            match output {
                Output::Persist(state) => self.persist(&state),
                Output::PresenceChanged(p) => {
                    tracing::info!(presence = p.as_str(), "presence changed");
                }
                // Calls, leases and notifications are carried out once the engine
                // places calls (the calls issue); presence alone never produces them.
                other => tracing::warn!(output = ?other, "output not carried out yet"),
            }
        }
    }

    fn persist(&mut self, state: &DurableState) {
        let Some(store) = &self.store else { return };
        match store.save(&state.encode()) {
            Ok(()) => {
                // A save that works again clears an earlier save failure.
                if self
                    .problem
                    .as_ref()
                    .is_some_and(|p| p.code == ErrorCode::StorageUnavailable)
                {
                    self.problem = None;
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot save the agent's state");
                self.problem = Some(UiError::new(
                    ErrorCode::StorageUnavailable,
                    format!("{e}. Changes are kept until the app closes."),
                ));
            }
        }
    }
}

/// Starts the core from saved state and plays what the restart decided (for example
/// presence restored after an emergency call that a crash interrupted, E4).
fn resume(state: DurableState, now: Millis) -> (Core, Vec<Output>) {
    let mut core = Core::resume(CoreConfig::default(), state, now);
    let outputs = core.handle(now, Input::Tick).unwrap_or_else(|e| {
        tracing::error!(error = ?e, "the core refused its first tick");
        Vec::new()
    });
    (core, outputs)
}

/// Turns the core's refusal into a typed error the UI can branch on.
fn refusal(e: CoreError) -> UiError {
    match e {
        CoreError::PresenceLocked => UiError::new(
            ErrorCode::PresenceLocked,
            "Presence is locked during an emergency call; it comes back when the call ends.",
        ),
        other => UiError::new(ErrorCode::InvalidInput, format!("{other}")),
    }
}

/// Opens the store and reads the saved state, turning every failure into a problem
/// the agent can read, and a state the app can run from.
fn load(dir: &Path, now: Millis) -> (Option<StateStore>, DurableState, Option<UiError>) {
    let store = match StateStore::open(dir) {
        Ok(store) => store,
        Err(e) => {
            tracing::error!(error = %e, "data folder unusable; running from memory");
            let problem = UiError::new(
                ErrorCode::StorageUnavailable,
                format!("{e}. Settings will not be kept when the app closes."),
            );
            return (None, DurableState::default(), Some(problem));
        }
    };
    let text = match store.load() {
        Ok(None) => return (Some(store), DurableState::default(), None),
        Ok(Some(text)) => text,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the saved state");
            let problem = UiError::new(
                ErrorCode::StorageUnavailable,
                format!("{e}. Starting with default settings; the file is left as it is."),
            );
            // Saving over a file we could not read could destroy settings: don't.
            return (None, DurableState::default(), Some(problem));
        }
    };
    match DurableState::decode(&text) {
        Ok(state) => (Some(store), state, None),
        Err(why) => {
            let problem = match store.set_aside(now.0) {
                Ok(kept) => {
                    tracing::error!(%why, kept = %kept.display(), "saved state unreadable; set aside");
                    UiError::new(
                        ErrorCode::StorageCorrupt,
                        format!(
                            "The saved settings could not be read ({why}); they were kept as {} and defaults are in use.",
                            kept.display()
                        ),
                    )
                }
                Err(e) => {
                    tracing::error!(%why, error = %e, "saved state unreadable and cannot be set aside");
                    return (
                        None,
                        DurableState::default(),
                        Some(UiError::new(
                            ErrorCode::StorageCorrupt,
                            format!("The saved settings could not be read ({why}) nor set aside ({e}). Defaults are in use and nothing will be saved."),
                        )),
                    );
                }
            };
            (Some(store), DurableState::default(), Some(problem))
        }
    }
}
