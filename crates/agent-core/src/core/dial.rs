//! The dial action (E1, E2, E3, E4, E5, E7, E8, E9, E10, E11).

use super::{Call, CallKind, CallState, Core, LeaseWait};
use crate::controls::Controls;
use crate::dial_plan::{Dialled, EmergencyKind};
use crate::emergency::{
    refused_country, Callback, CallbackSource, EmergencyInfo, LeaseRequest, Notification,
    NotificationEvent, Priority,
};
use crate::io::{CallId, CoreError, OtherCalls, Output, Target};
use crate::number::E164;
use crate::recording::{Direction, RecordingRefusal};
use crate::time::Millis;

impl Core {
    pub(super) fn dial(
        &mut self,
        now: Millis,
        call_id: CallId,
        dial_string: &str,
        out: &mut Vec<Output>,
    ) -> Result<(), CoreError> {
        match self.config.dial_plan.classify(dial_string)? {
            Dialled::Emergency(kind) => self.dial_emergency(now, call_id, kind, out),
            Dialled::Number(number) => self.dial_number(now, call_id, number, out),
        }
    }

    /// Everything here is decided from memory, without waiting for anyone: the INVITE
    /// is the first output, and the lookups (lease, notification) go out beside it.
    fn dial_emergency(
        &mut self,
        now: Millis,
        call_id: CallId,
        kind: EmergencyKind,
        out: &mut Vec<Output>,
    ) -> Result<(), CoreError> {
        // E9: the one exception to E2, and only on the tenant's explicit choice.
        if let Some(country) = refused_country(&self.location, self.config.location_policy) {
            return Err(CoreError::EmergencyRefused {
                country: country.to_owned(),
            });
        }
        // A reused id is an engine bug, but it must not stop a 911 (E2): the stale
        // entry is forgotten.
        self.calls.retain(|c| c.id != call_id);

        let location = self.location.dispatchable.clone();
        let info = EmergencyInfo {
            kind,
            priority: Priority::Emergency,
            location: location.clone(),
            callback: self.callback.clone(),
            fallback_callback: self.fallback_callback(),
        };
        out.push(Output::SendInvite {
            call_id,
            target: Target::Emergency(kind),
            emergency: Some(info),
        });
        // E11: same step, right after the INVITE, never before it.
        out.push(Output::Notify(Notification {
            call_id,
            kind,
            at: now,
            event: NotificationEvent::Started {
                callback: self.callback.clone(),
                location: location.clone(),
            },
        }));
        self.make_way_for_emergency(now, out);

        self.calls.push(Call {
            id: call_id,
            direction: Direction::Outbound,
            kind: CallKind::Emergency(kind),
            state: CallState::Dialling,
            remote: kind.dialled().to_owned(),
            started_at: now,
            answered_at: None,
            recorded: false,
            location_sent: location.clone(),
        });
        // E4, before the far end answers.
        let forced = self.force_dnd();
        out.push(Output::Persist(self.durable_state()));
        out.extend(forced.map(Output::PresenceChanged));

        out.push(self.lease_request(now, call_id));
        out.push(Output::RecordingRefused {
            call_id,
            reason: RecordingRefusal::EmergencyCall,
        });
        out.push(Output::ShowControls {
            call_id,
            controls: Controls::EMERGENCY,
            panel: self.call(call_id).map(|c| self.panel(c)),
        });
        let readiness = self.readiness();
        if !readiness.ready() {
            // E9 `warn`: the call is out; the agent sees what is missing.
            out.push(Output::Readiness(readiness));
        }
        Ok(())
    }

    /// E3: ordinary calls give way. A connected one is held (or ended, by site choice);
    /// one still ringing cannot be held and is ended. Emergency calls and ringing
    /// emergency callbacks are left alone.
    fn make_way_for_emergency(&mut self, now: Millis, out: &mut Vec<Output>) {
        let ordinary: Vec<(CallId, CallState)> = self
            .calls
            .iter()
            .filter(|c| c.kind == CallKind::Ordinary)
            .map(|c| (c.id, c.state))
            .collect();
        for (id, state) in ordinary {
            match (state, self.config.other_calls) {
                (CallState::Active, OtherCalls::Hold) => {
                    out.push(Output::HoldCall { call_id: id });
                    if let Some(c) = self.call_mut(id) {
                        c.state = CallState::Held;
                    }
                }
                (CallState::Held, OtherCalls::Hold) => {}
                _ => {
                    out.push(Output::EndCall { call_id: id });
                    self.finish_call(now, id, out);
                }
            }
        }
    }

    /// E5: keep the number held inside the window, else ask the pool, with a budget.
    fn lease_request(&mut self, now: Millis, call_id: CallId) -> Output {
        let deadline = now.plus(self.config.lease_budget);
        let keep = match &self.callback {
            Some(Callback {
                number,
                source: CallbackSource::Pool,
            }) => Some(number.clone()),
            _ => None,
        };
        if keep.is_none() {
            // A redial while an answer is awaited keeps the first deadline; the
            // fallback is then announced on the newest call.
            let deadline = self.lease_wait.map_or(deadline, |w| w.deadline);
            self.lease_wait = Some(LeaseWait { call_id, deadline });
        }
        Output::RequestLease(LeaseRequest {
            call_id,
            keep,
            deadline,
        })
    }

    /// E5's fallback order after the pool: the agent's own number, then the site's.
    pub(super) fn fallback_callback(&self) -> Option<Callback> {
        let agent = self.config.agent_number.clone().map(|number| Callback {
            number,
            source: CallbackSource::AgentNumber,
        });
        let site = self
            .config
            .site_callback_number
            .clone()
            .map(|number| Callback {
                number,
                source: CallbackSource::SiteNumber,
            });
        agent.or(site)
    }

    fn dial_number(
        &mut self,
        now: Millis,
        call_id: CallId,
        number: E164,
        out: &mut Vec<Output>,
    ) -> Result<(), CoreError> {
        if self.call(call_id).is_some() {
            return Err(CoreError::DuplicateCallId(call_id));
        }
        // E3: a new call would put the emergency call on hold.
        if self.in_emergency_conversation() {
            return Err(CoreError::EmergencyCallInProgress);
        }
        out.push(Output::SendInvite {
            call_id,
            target: Target::Number(number.clone()),
            emergency: None,
        });
        let active: Vec<CallId> = self
            .calls
            .iter()
            .filter(|c| c.state == CallState::Active)
            .map(|c| c.id)
            .collect();
        for id in active {
            out.push(Output::HoldCall { call_id: id });
            if let Some(c) = self.call_mut(id) {
                c.state = CallState::Held;
            }
        }
        let call = Call {
            id: call_id,
            direction: Direction::Outbound,
            kind: CallKind::Ordinary,
            state: CallState::Dialling,
            remote: number.as_str().to_owned(),
            started_at: now,
            answered_at: None,
            recorded: false,
            location_sent: None,
        };
        out.push(Output::ShowControls {
            call_id,
            controls: self.controls_for(&call),
            panel: None,
        });
        self.calls.push(call);
        Ok(())
    }
}
