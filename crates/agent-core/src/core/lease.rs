//! The callback lease and its window over time (E5): answers from the back office,
//! the budget running out, and the window's end.

use super::{CallKind, Core};
use crate::emergency::{Callback, CallbackSource, Notification, NotificationEvent};
use crate::io::{CallId, Output};
use crate::number::E164;
use crate::time::Millis;

impl Core {
    pub(super) fn lease_granted(&mut self, call_id: CallId, number: E164, out: &mut Vec<Output>) {
        let waiting = self.lease_wait.is_some_and(|w| w.call_id == call_id);
        if waiting {
            self.lease_wait = None;
        }
        let already = matches!(&self.callback, Some(cb) if cb.number == number && cb.source == CallbackSource::Pool);
        if already {
            return; // the number we hold was kept, as asked
        }
        let useful = waiting || self.in_emergency_conversation() || self.window_until.is_some();
        if !useful {
            // An answer after the window: nobody will call back on it any more.
            out.push(Output::ReleaseLease { number });
            return;
        }
        // Taken even after the budget ran out: the lease exists, and a callback to it
        // must reach this agent (E6).
        self.set_callback(
            call_id,
            Some(Callback {
                number,
                source: CallbackSource::Pool,
            }),
            out,
        );
    }

    pub(super) fn lease_failed(&mut self, call_id: CallId, out: &mut Vec<Output>) {
        // A failed renewal keeps the number we hold: the center already has it.
        if self.lease_wait.is_some_and(|w| w.call_id == call_id) {
            self.lease_wait = None;
            self.fall_back(call_id, out);
        }
    }

    /// Deadlines that have passed, in time order of their effects.
    pub(super) fn expire(&mut self, now: Millis) {
        let mut out = Vec::new();
        if let Some(w) = self.lease_wait.filter(|w| w.deadline <= now) {
            self.lease_wait = None;
            self.fall_back(w.call_id, &mut out);
        }
        let window_over = self.window_until.is_some_and(|u| u <= now);
        if window_over && !self.in_emergency_conversation() {
            self.window_until = None;
            let callback = self.callback.take();
            out.push(Output::Persist(self.durable_state()));
            if let Some(cb) = callback
                .as_ref()
                .filter(|c| c.source == CallbackSource::Pool)
            {
                out.push(Output::ReleaseLease {
                    number: cb.number.clone(),
                });
            }
            out.push(Output::CallbackWindowEnded { callback });
        }
        self.pending.append(&mut out);
    }

    /// No pool number in time: the agent's own number, else the site's (E5). A number
    /// already held (an earlier fallback) stays.
    fn fall_back(&mut self, call_id: CallId, out: &mut Vec<Output>) {
        if self.callback.is_some() {
            return;
        }
        let fallback = self.fallback_callback();
        self.set_callback(call_id, fallback, out);
    }

    /// Announces a (new) callback number everywhere it shows: the call's panel, the
    /// supervisors' alert, and the running window.
    fn set_callback(&mut self, call_id: CallId, callback: Option<Callback>, out: &mut Vec<Output>) {
        self.callback = callback.clone();
        out.push(Output::Persist(self.durable_state()));
        out.push(Output::CallbackNumber {
            call_id,
            callback: callback.clone(),
        });
        if let Some(CallKind::Emergency(kind)) = self.call(call_id).map(|c| c.kind) {
            out.push(Output::Notify(Notification {
                call_id,
                kind,
                at: self.now,
                event: NotificationEvent::CallbackNumber(callback.clone()),
            }));
        }
        let conversations: Vec<CallId> = self
            .calls
            .iter()
            .filter(|c| c.is_emergency_conversation())
            .map(|c| c.id)
            .collect();
        for id in conversations {
            self.show_controls(id, out);
        }
        if let (Some(until), false) = (self.window_until, self.in_emergency_conversation()) {
            out.push(Output::CallbackWindowStarted { callback, until });
        }
    }
}
