//! Inbound calls, and the emergency callback's way through (E6).

use super::{Call, CallKind, CallState, Core};
use crate::emergency::Priority;
use crate::io::{Alert, CallId, CoreError, Output, RejectReason};
use crate::number::E164;
use crate::presence::Presence;
use crate::recording::Direction;
use crate::time::Millis;

impl Core {
    pub(super) fn inbound(
        &mut self,
        now: Millis,
        call_id: CallId,
        from: String,
        to: Option<E164>,
        flagged: bool,
        out: &mut Vec<Output>,
    ) -> Result<(), CoreError> {
        if self.call(call_id).is_some() {
            return Err(CoreError::DuplicateCallId(call_id));
        }
        if flagged || self.is_our_callback_number(to.as_ref()) {
            // E6: presence, capacity and routing do not apply. Another call makes it
            // call waiting, never a busy signal.
            let call_waiting = !self.calls.is_empty();
            out.push(Output::Ring {
                call_id,
                alert: Alert::EmergencyCallback,
                priority: Priority::Emergency,
                call_waiting,
            });
            self.calls
                .push(ringing(call_id, CallKind::Callback, from, now));
            return Ok(());
        }
        let refusal = if self.in_emergency_conversation() {
            Some(RejectReason::EmergencyInProgress)
        } else if self.presence != Presence::Available {
            Some(RejectReason::Presence(self.presence))
        } else if !self.calls.is_empty() {
            Some(RejectReason::Busy)
        } else {
            None
        };
        match refusal {
            Some(reason) => out.push(Output::RejectInbound { call_id, reason }),
            None => {
                out.push(Output::Ring {
                    call_id,
                    alert: Alert::Normal,
                    priority: Priority::Normal,
                    call_waiting: false,
                });
                self.calls
                    .push(ringing(call_id, CallKind::Ordinary, from, now));
            }
        }
        Ok(())
    }

    /// Our own view, beside the back office's flag: a call to the number we hold,
    /// during an emergency conversation or inside the window. Either one is enough,
    /// so a disagreement between the two clocks errs on the side of the caller.
    fn is_our_callback_number(&self, to: Option<&E164>) -> bool {
        let held = matches!((to, &self.callback), (Some(to), Some(cb)) if *to == cb.number);
        held && (self.window_until.is_some() || self.in_emergency_conversation())
    }
}

fn ringing(id: CallId, kind: CallKind, remote: String, now: Millis) -> Call {
    Call {
        id,
        direction: Direction::Inbound,
        kind,
        state: CallState::Ringing,
        remote,
        started_at: now,
        answered_at: None,
        recorded: false,
        location_sent: None,
    }
}
