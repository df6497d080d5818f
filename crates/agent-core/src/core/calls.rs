//! Calls after the dial action: SIP events, answer, controls, and the end (E3, E7,
//! E8, E13).

use super::{Call, CallKind, CallState, Core};
use crate::controls::{Control, Controls};
use crate::emergency::{CallbackSource, LeaseRequest, Notification, NotificationEvent};
use crate::io::{CallEvent, CallId, CoreError, Output};
use crate::recording::{
    recording_allowed, CallClass, Direction, FinishedCall, Keep, RecordingPolicy,
};
use crate::time::Millis;

impl Core {
    /// Events for calls the core no longer knows (the agent hung up first) are normal
    /// and ignored.
    pub(super) fn call_event(
        &mut self,
        now: Millis,
        call_id: CallId,
        event: CallEvent,
        out: &mut Vec<Output>,
    ) {
        let Some(call) = self.call_mut(call_id) else {
            return;
        };
        match event {
            CallEvent::Ringing => {
                if call.state == CallState::Dialling {
                    call.state = CallState::Ringing;
                }
            }
            // Inbound calls are answered by the agent (`Input::Answer`), which is where
            // an emergency callback becomes an emergency conversation.
            CallEvent::Answered if call.direction == Direction::Outbound => {
                if matches!(call.state, CallState::Dialling | CallState::Ringing) {
                    call.state = CallState::Active;
                    call.answered_at = Some(now);
                    self.after_connect(call_id, out);
                }
            }
            CallEvent::Answered => {}
            CallEvent::Ended { .. } | CallEvent::Failed => self.finish_call(now, call_id, out),
        }
    }

    pub(super) fn hang_up(
        &mut self,
        now: Millis,
        call_id: CallId,
        out: &mut Vec<Output>,
    ) -> Result<(), CoreError> {
        if self.call(call_id).is_none() {
            return Err(CoreError::UnknownCall(call_id));
        }
        // The agent's action is the end: the core does not wait for SIP to confirm it,
        // so a lost BYE answer cannot leave presence forced.
        out.push(Output::EndCall { call_id });
        self.finish_call(now, call_id, out);
        Ok(())
    }

    pub(super) fn answer(
        &mut self,
        now: Millis,
        call_id: CallId,
        out: &mut Vec<Output>,
    ) -> Result<(), CoreError> {
        let call = self.call(call_id).ok_or(CoreError::UnknownCall(call_id))?;
        if call.direction != Direction::Inbound || call.state != CallState::Ringing {
            return Ok(());
        }
        let is_callback = call.kind == CallKind::Callback;
        // Answering would hold the emergency conversation (E3).
        if self.in_emergency_conversation() {
            return Err(CoreError::EmergencyCallInProgress);
        }
        self.hold_active_calls(out);
        out.push(Output::AnswerCall { call_id });
        if let Some(call) = self.call_mut(call_id) {
            call.state = CallState::Active;
            call.answered_at = Some(now);
        }
        if is_callback {
            // E6: answering is an emergency conversation: E4, E7, E8 apply.
            let forced = self.force_dnd();
            out.push(Output::Persist(self.durable_state()));
            out.extend(forced.map(Output::PresenceChanged));
            if let Some(cb) = self
                .callback
                .as_ref()
                .filter(|c| c.source == CallbackSource::Pool)
            {
                // The back office must not expire the lease during the conversation.
                let keep = Some(cb.number.clone());
                let deadline = now.plus(self.config.lease_budget);
                out.push(Output::RequestLease(LeaseRequest {
                    call_id,
                    keep,
                    deadline,
                }));
            }
        }
        self.after_connect(call_id, out);
        Ok(())
    }

    pub(super) fn call_control(
        &mut self,
        now: Millis,
        call_id: CallId,
        control: Control,
        out: &mut Vec<Output>,
    ) -> Result<(), CoreError> {
        let call = self.call(call_id).ok_or(CoreError::UnknownCall(call_id))?;
        if !self.controls_for(call).contains(control) {
            return Err(CoreError::ControlNotAllowed { call_id, control });
        }
        let new_state = match control {
            Control::EndCall => return self.hang_up(now, call_id, out),
            Control::Hold => {
                out.push(Output::HoldCall { call_id });
                CallState::Held
            }
            Control::Resume => {
                if self.in_emergency_conversation() {
                    return Err(CoreError::EmergencyCallInProgress);
                }
                self.hold_active_calls(out);
                out.push(Output::ResumeCall { call_id });
                CallState::Active
            }
            Control::Record => {
                out.push(Output::StartRecording { call_id });
                if let Some(c) = self.call_mut(call_id) {
                    c.recorded = true;
                }
                CallState::Active
            }
            other => {
                out.push(Output::PerformControl {
                    call_id,
                    control: other,
                });
                return Ok(());
            }
        };
        if let Some(c) = self.call_mut(call_id) {
            c.state = new_state;
        }
        self.show_controls(call_id, out);
        Ok(())
    }

    /// The controls of a call, from its kind and state (E8) and the tenant's
    /// recording setting.
    pub(super) fn controls_for(&self, call: &Call) -> Controls {
        if call.is_emergency_conversation() {
            return Controls::EMERGENCY;
        }
        match (call.state, call.direction) {
            (CallState::Ringing, Direction::Inbound) => Controls::NONE.with(Control::EndCall),
            (CallState::Dialling | CallState::Ringing, _) => Controls::NORMAL_DIALLING,
            (CallState::Held, _) => Controls::NORMAL_HELD,
            (CallState::Active, _) => {
                let on_demand = self.config.recording == RecordingPolicy::OnDemand;
                if on_demand && !call.recorded {
                    Controls::NORMAL_ACTIVE.with(Control::Record)
                } else {
                    Controls::NORMAL_ACTIVE
                }
            }
        }
    }

    pub(super) fn show_controls(&self, call_id: CallId, out: &mut Vec<Output>) {
        if let Some(call) = self.call(call_id) {
            let panel = call.is_emergency_conversation().then(|| self.panel(call));
            out.push(Output::ShowControls {
                call_id,
                controls: self.controls_for(call),
                panel,
            });
        }
    }

    /// A call just connected: recording decision (E7) and its controls (E8).
    fn after_connect(&mut self, call_id: CallId, out: &mut Vec<Output>) {
        let Some(call) = self.call(call_id) else {
            return;
        };
        let class = call.class();
        match recording_allowed(class, self.config.recording) {
            Ok(()) if self.config.recording == RecordingPolicy::Always => {
                out.push(Output::StartRecording { call_id });
                if let Some(c) = self.call_mut(call_id) {
                    c.recorded = true;
                }
            }
            Err(reason) if class == CallClass::Emergency => {
                out.push(Output::RecordingRefused { call_id, reason });
            }
            _ => {}
        }
        self.show_controls(call_id, out);
    }

    fn hold_active_calls(&mut self, out: &mut Vec<Output>) {
        for call in self
            .calls
            .iter_mut()
            .filter(|c| c.state == CallState::Active)
        {
            call.state = CallState::Held;
            out.push(Output::HoldCall { call_id: call.id });
        }
    }

    /// The end of a call, by either side (E13): media stops, and for the last
    /// emergency conversation presence returns (E4), the callback window starts (E5)
    /// and the supervisors' alert shows the call as ended (E11).
    pub(super) fn finish_call(&mut self, now: Millis, call_id: CallId, out: &mut Vec<Output>) {
        let Some(pos) = self.calls.iter().position(|c| c.id == call_id) else {
            return;
        };
        let call = self.calls.remove(pos);
        out.push(Output::StopMedia { call_id });
        if call.is_emergency_conversation() {
            let last = !self.in_emergency_conversation();
            let until = last.then(|| self.start_window(now));
            let restored = if last { self.restore_presence() } else { None };
            out.push(Output::Persist(self.durable_state()));
            out.extend(restored.map(Output::PresenceChanged));
            if let Some(until) = until {
                out.push(Output::CallbackWindowStarted {
                    callback: self.callback.clone(),
                    until,
                });
            }
            if let CallKind::Emergency(kind) = call.kind {
                out.push(Output::Notify(Notification {
                    call_id,
                    kind,
                    at: now,
                    event: NotificationEvent::Ended {
                        window_until: until,
                    },
                }));
            }
        }
        let class = call.class();
        let keep = Keep::decide(FinishedCall {
            call_id,
            class,
            direction: call.direction,
            remote: &call.remote,
            started_at: call.started_at,
            answered_at: call.answered_at,
            ended_at: now,
            recorded: call.recorded,
        });
        out.push(Output::CallFinished { call_id, keep });
    }
}
