//! The state machine: inputs in, outputs out.

use crate::{Millis, Presence};

/// Something that happened, told to the core.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// The agent picked a presence status in the UI.
    SetPresence(Presence),
}

/// Something the core decided; the engine carries it out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// The agent's presence is now this; publish it (UI, back office).
    PresenceChanged(Presence),
    /// Write this state durably before acting on anything that follows it.
    Persist(DurableState),
}

/// Why the core refused an input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PresenceError {
    /// Presence is locked while an emergency conversation lasts (E4).
    LockedByEmergency,
}

/// What must survive a restart of the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DurableState {
    pub presence: Presence,
}

impl Default for DurableState {
    fn default() -> Self {
        DurableState {
            presence: Presence::Available,
        }
    }
}

/// The policy core. See the crate documentation for the contract.
#[derive(Debug)]
pub struct Core {
    presence: Presence,
    last_seen: Millis,
}

impl Core {
    /// Starts from state persisted by an earlier run (or the default on first start).
    pub fn resume(state: DurableState, now: Millis) -> Self {
        Core {
            presence: state.presence,
            last_seen: now,
        }
    }

    pub fn presence(&self) -> Presence {
        self.presence
    }

    /// Whether the agent may change presence now.
    pub fn presence_locked(&self) -> bool {
        false
    }

    pub fn durable_state(&self) -> DurableState {
        DurableState {
            presence: self.presence,
        }
    }

    /// Feeds one input at time `now` and returns what to do, in order.
    pub fn handle(&mut self, now: Millis, input: Input) -> Result<Vec<Output>, PresenceError> {
        self.last_seen = self.last_seen.max(now);
        match input {
            Input::SetPresence(p) => {
                if self.presence_locked() {
                    return Err(PresenceError::LockedByEmergency);
                }
                if p == self.presence {
                    return Ok(Vec::new());
                }
                self.presence = p;
                Ok(vec![
                    Output::Persist(self.durable_state()),
                    Output::PresenceChanged(p),
                ])
            }
        }
    }
}
