//! The state machine: inputs in, outputs out.
//!
//! One step is `handle(now, input)`. Timers are lazy: the core keeps its deadlines
//! (the lease budget, the end of the callback window) and reports the earliest with
//! [`Core::poll_timeout`]; whatever input comes next, deadlines that have passed are
//! dealt with first. `Input::Tick` is the input to feed when nothing else happens.

mod calls;
mod dial;
mod inbound;
mod lease;

use crate::controls::Controls;
use crate::dial_plan::EmergencyKind;
use crate::durable::{ConversationKind, DurableState, OngoingEmergency};
use crate::emergency::{
    Callback, Location, LocationCheck, Notification, NotificationEvent, Readiness,
};
use crate::io::{CallId, CoreConfig, CoreError, EmergencyPanel, Input, Output, Target};
use crate::presence::Presence;
use crate::recording::{CallClass, Direction};
use crate::time::Millis;

/// What kind of call, for the policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CallKind {
    Ordinary,
    /// A dialled 911 or 933.
    Emergency(EmergencyKind),
    /// An inbound emergency callback (E6); an emergency conversation once answered.
    Callback,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CallState {
    /// Outbound, INVITE sent, nothing heard yet.
    Dialling,
    /// Outbound: the far end rings. Inbound: the agent's phone rings.
    Ringing,
    Active,
    Held,
}

#[derive(Clone)]
struct Call {
    id: CallId,
    direction: Direction,
    kind: CallKind,
    state: CallState,
    remote: String,
    started_at: Millis,
    answered_at: Option<Millis>,
    recorded: bool,
    /// The location on the emergency INVITE (E10), for the panel (E8).
    location_sent: Option<Location>,
}

impl std::fmt::Debug for Call {
    // `remote` is a phone number: kept out of Debug output (E7).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("id", &self.id)
            .field("direction", &self.direction)
            .field("kind", &self.kind)
            .field("state", &self.state)
            .field("started_at", &self.started_at)
            .field("answered_at", &self.answered_at)
            .field("recorded", &self.recorded)
            .finish_non_exhaustive()
    }
}

impl Call {
    /// E7: 911, 933 and emergency callbacks (answered or not) are emergency calls.
    fn class(&self) -> CallClass {
        match self.kind {
            CallKind::Ordinary => CallClass::Ordinary,
            CallKind::Emergency(_) | CallKind::Callback => CallClass::Emergency,
        }
    }

    /// E4/E7/E8 apply from the dial action for 911/933, from the answer for callbacks.
    fn is_emergency_conversation(&self) -> bool {
        match self.kind {
            CallKind::Emergency(_) => true,
            CallKind::Callback => self.answered_at.is_some(),
            CallKind::Ordinary => false,
        }
    }
}

/// Waiting for the back office's lease answer, until `deadline` (E5).
#[derive(Clone, Copy, Debug)]
struct LeaseWait {
    call_id: CallId,
    deadline: Millis,
}

/// The policy core. See the crate documentation for the contract.
#[derive(Debug)]
pub struct Core {
    config: CoreConfig,
    presence: Presence,
    /// `Some` while presence is forced to Do Not Disturb: the status to return to (E4).
    prior: Option<Presence>,
    calls: Vec<Call>,
    callback: Option<Callback>,
    window_until: Option<Millis>,
    lease_wait: Option<LeaseWait>,
    location: LocationCheck,
    /// Outputs decided outside a step (at resume, or by a deadline), delivered at the
    /// front of the next step's outputs (after the INVITE of an emergency dial, E2).
    pending: Vec<Output>,
    now: Millis,
}

impl Core {
    /// Starts from state persisted by an earlier run (or `DurableState::default()` on
    /// first start). Emergency conversations recorded in `state` died with the old
    /// process: they end now, presence is restored and the callback window starts
    /// (E4, E5). The outputs that announce this are returned by the next `handle`;
    /// `poll_timeout` asks for one at once.
    pub fn resume(config: CoreConfig, state: DurableState, now: Millis) -> Core {
        let mut core = Core {
            config,
            presence: state.presence,
            prior: state.prior_presence,
            calls: Vec::new(),
            callback: state.callback,
            window_until: state.window_until,
            lease_wait: None,
            location: LocationCheck::default(),
            pending: Vec::new(),
            now,
        };
        if !state.emergency_calls.is_empty() || core.prior.is_some() {
            let mut out = Vec::new();
            let until = if state.emergency_calls.is_empty() {
                core.window_until
            } else {
                Some(core.start_window(now))
            };
            let restored = core.restore_presence();
            out.push(Output::Persist(core.durable_state()));
            out.extend(restored.map(Output::PresenceChanged));
            if let Some(until) = until {
                out.push(Output::CallbackWindowStarted {
                    callback: core.callback.clone(),
                    until,
                });
            }
            for call in &state.emergency_calls {
                let kind = match call.kind {
                    ConversationKind::Real => EmergencyKind::Real,
                    ConversationKind::Test => EmergencyKind::Test,
                    ConversationKind::Callback => continue,
                };
                out.push(Output::Notify(Notification {
                    call_id: call.call_id,
                    kind,
                    at: now,
                    event: NotificationEvent::Ended {
                        window_until: until,
                    },
                }));
            }
            core.pending = out;
        }
        core
    }

    pub fn presence(&self) -> Presence {
        self.presence
    }

    /// Whether the agent may change presence now: not during an emergency
    /// conversation (E4).
    pub fn presence_locked(&self) -> bool {
        self.in_emergency_conversation()
    }

    /// The callback number the agent holds and the end of its window, if running.
    pub fn callback(&self) -> (Option<&Callback>, Option<Millis>) {
        (self.callback.as_ref(), self.window_until)
    }

    /// The emergency-readiness indicator (E9).
    pub fn readiness(&self) -> Readiness {
        Readiness::of(&self.location, self.config.location_policy)
    }

    pub fn config(&self) -> &CoreConfig {
        &self.config
    }

    /// The controls the UI may show for a call (E8); `None` for an unknown call.
    pub fn controls(&self, call_id: CallId) -> Option<Controls> {
        self.call(call_id).map(|c| self.controls_for(c))
    }

    pub fn durable_state(&self) -> DurableState {
        DurableState {
            presence: self.presence,
            prior_presence: self.prior,
            emergency_calls: self
                .calls
                .iter()
                .filter(|c| c.is_emergency_conversation())
                .map(|c| OngoingEmergency {
                    call_id: c.id,
                    kind: match c.kind {
                        CallKind::Emergency(EmergencyKind::Real) => ConversationKind::Real,
                        CallKind::Emergency(EmergencyKind::Test) => ConversationKind::Test,
                        _ => ConversationKind::Callback,
                    },
                    started_at: c.started_at,
                })
                .collect(),
            callback: self.callback.clone(),
            window_until: self.window_until,
        }
    }

    /// When the core wants a `Tick` at the latest (`None`: no deadline).
    pub fn poll_timeout(&self) -> Option<Millis> {
        if !self.pending.is_empty() {
            return Some(self.now);
        }
        let window = self
            .window_until
            .filter(|_| !self.in_emergency_conversation());
        [self.lease_wait.map(|w| w.deadline), window]
            .into_iter()
            .flatten()
            .min()
    }

    /// Feeds one input at time `now` and returns what to do, in order.
    ///
    /// On `Err` nothing was decided and nothing is to be done; outputs owed from
    /// deadlines stay queued for the next call.
    pub fn handle(&mut self, now: Millis, input: Input) -> Result<Vec<Output>, CoreError> {
        // A wall clock may step back; the core's time never does.
        let now = now.max(self.now);
        self.now = now;
        self.expire(now);
        let mut out = Vec::new();
        match input {
            Input::SetPresence(p) => self.set_presence(p, &mut out)?,
            Input::Dial {
                call_id,
                dial_string,
            } => self.dial(now, call_id, &dial_string, &mut out)?,
            Input::HangUp { call_id } => self.hang_up(now, call_id, &mut out)?,
            Input::Answer { call_id } => self.answer(now, call_id, &mut out)?,
            Input::CallControl { call_id, control } => {
                self.call_control(now, call_id, control, &mut out)?
            }
            Input::CallEvent { call_id, event } => self.call_event(now, call_id, event, &mut out),
            Input::Inbound {
                call_id,
                from,
                to,
                emergency_callback,
            } => self.inbound(now, call_id, from, to, emergency_callback, &mut out)?,
            Input::LeaseGranted { call_id, number } => {
                self.lease_granted(call_id, number, &mut out)
            }
            Input::LeaseFailed { call_id, reason: _ } => self.lease_failed(call_id, &mut out),
            Input::NotificationFailed { call_id } => {
                out.push(Output::NotificationUndelivered { call_id })
            }
            Input::LocationVerdict(check) => self.location_verdict(check, &mut out),
            Input::Tick => {}
        }
        // Owed outputs go first, except that an emergency INVITE is always the very
        // first output of its step (E2).
        let at = match out.first() {
            Some(Output::SendInvite {
                target: Target::Emergency(_),
                ..
            }) => 1,
            _ => 0,
        };
        out.splice(at..at, self.pending.drain(..));
        Ok(out)
    }

    fn set_presence(&mut self, p: Presence, out: &mut Vec<Output>) -> Result<(), CoreError> {
        if self.presence_locked() {
            return Err(CoreError::PresenceLocked);
        }
        if p != self.presence {
            self.presence = p;
            out.push(Output::Persist(self.durable_state()));
            out.push(Output::PresenceChanged(p));
        }
        Ok(())
    }

    fn location_verdict(&mut self, check: LocationCheck, out: &mut Vec<Output>) {
        let before = self.readiness();
        self.location = check;
        let after = self.readiness();
        if after != before {
            out.push(Output::Readiness(after));
        }
    }

    fn in_emergency_conversation(&self) -> bool {
        self.calls.iter().any(Call::is_emergency_conversation)
    }

    fn call(&self, id: CallId) -> Option<&Call> {
        self.calls.iter().find(|c| c.id == id)
    }

    fn call_mut(&mut self, id: CallId) -> Option<&mut Call> {
        self.calls.iter_mut().find(|c| c.id == id)
    }

    /// E4: force Do Not Disturb, remembering the status to return to. A second
    /// emergency conversation keeps the first one's prior status.
    fn force_dnd(&mut self) -> Option<Presence> {
        if self.prior.is_none() {
            self.prior = Some(self.presence);
        }
        (self.presence != Presence::DoNotDisturb).then(|| {
            self.presence = Presence::DoNotDisturb;
            Presence::DoNotDisturb
        })
    }

    /// E4: back to the prior status; returns the new presence if it changed.
    fn restore_presence(&mut self) -> Option<Presence> {
        let prior = self.prior.take()?;
        (prior != self.presence).then(|| {
            self.presence = prior;
            prior
        })
    }

    /// E5: the window counts from the end of the (last) emergency conversation and is
    /// never shortened by a later one.
    fn start_window(&mut self, now: Millis) -> Millis {
        let until = now.plus(self.config.callback_window);
        let until = self.window_until.map_or(until, |w| w.max(until));
        self.window_until = Some(until);
        until
    }

    /// E8's read-only panel: what the emergency center receives. For a dialled call
    /// the location is the one sent on its INVITE, not a later verdict.
    fn panel(&self, call: &Call) -> EmergencyPanel {
        let location = match call.kind {
            CallKind::Emergency(_) => call.location_sent.clone(),
            _ => self.location.dispatchable.clone(),
        };
        EmergencyPanel {
            callback: self.callback.clone(),
            location,
        }
    }
}
