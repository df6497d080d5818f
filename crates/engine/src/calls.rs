//! The engine's table of calls: what the UI shows of each one, and the channel to the
//! task that speaks SIP for it.

use std::collections::BTreeMap;

use agent_core::{CallId, Control, Controls, EmergencyPanel, Millis};
use tokio::sync::mpsc;
use wire::{CallControl, CallDirection, CallState, CallView, EmergencyPanelView, UiError};

/// What the engine asks a call's SIP task to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SipCommand {
    /// BYE after an answer; before one, CANCEL (outbound) or 603 Decline (inbound).
    End,
    /// 180 Ringing for an inbound call.
    Ring,
    /// 200 OK with our SDP answer.
    Answer(String),
    /// A final refusal of an inbound call (486, 480...).
    Reject(u16),
    /// A re-INVITE with this offer (hold, resume).
    Reinvite(String),
    /// Our answer to the peer's re-INVITE; `None` refuses it (488).
    AnswerReoffer(Option<String>),
    /// A digit by SIP INFO.
    Dtmf(char),
    /// Blind transfer (REFER) to this SIP URI.
    Refer(String),
}

/// How long an ended call stays on screen with its outcome.
pub(crate) const LINGER: Millis = Millis(4000);

#[derive(Debug)]
pub(crate) struct CallEntry {
    pub direction: CallDirection,
    pub remote: String,
    pub state: CallState,
    pub emergency: bool,
    pub emergency_callback: bool,
    pub muted: bool,
    pub started_at: Millis,
    pub answered_at: Option<Millis>,
    pub ended_at: Option<Millis>,
    pub controls: Controls,
    pub panel: Option<EmergencyPanelView>,
    pub outcome: Option<UiError>,
    /// `None` until the SIP side exists (or when it never will).
    pub sip: Option<mpsc::UnboundedSender<SipCommand>>,
    /// Our side of offer/answer and the RTP port it names.
    pub media: Option<crate::offer::MediaPlan>,
    /// The peer's offer of an inbound call, answered when the agent answers.
    pub remote_offer: Option<String>,
    pub problem: Option<UiError>,
    /// Shared with the audio taps; writes only once started (StartRecording).
    pub recorder: crate::recording::Recorder,
    pub recording: bool,
    /// Where the agent asked to transfer the call, until the core allows it.
    pub transfer_to: Option<String>,
    /// The ring on the ringer device while the call rings; dropped, it stops.
    pub ringer: Option<crate::ringer::Ringing>,
    /// The same INVITE with our plain offer, while our WebRTC offer is out: a peer
    /// that refuses WebRTC (488, 606, 415) gets this at once, an emergency call too.
    pub plain_retry: Option<crate::sip_link::Invite>,
}

impl CallEntry {
    pub fn outbound(remote: String, now: Millis) -> Self {
        CallEntry {
            direction: CallDirection::Outbound,
            remote,
            state: CallState::Dialling,
            emergency: false,
            emergency_callback: false,
            muted: false,
            started_at: now,
            answered_at: None,
            ended_at: None,
            controls: Controls::NONE,
            panel: None,
            outcome: None,
            sip: None,
            media: None,
            remote_offer: None,
            problem: None,
            transfer_to: None,
            ringer: None,
            plain_retry: None,
            recorder: crate::recording::Recorder::default(),
            recording: false,
        }
    }

    pub fn inbound(remote: String, now: Millis) -> Self {
        CallEntry {
            direction: CallDirection::Inbound,
            state: CallState::Ringing,
            ..CallEntry::outbound(remote, now)
        }
    }

    pub fn view(&self, id: CallId) -> CallView {
        CallView {
            // Ids count up from 1 per app run; u32 is years of calls.
            id: id.0 as u32,
            direction: self.direction,
            remote: self.remote.clone(),
            state: self.state,
            emergency: self.emergency,
            emergency_callback: self.emergency_callback,
            muted: self.muted,
            recording: self.recording,
            started_at: self.started_at.0,
            answered_at: self.answered_at.map(|m| m.0),
            controls: self.controls.iter().map(control_to_wire).collect(),
            panel: self.panel.clone(),
            outcome: self.outcome.clone(),
            quality: crate::audio::quality(self),
            problem: self.problem.clone(),
        }
    }

    /// Takes the core's panel, keeping what only the engine knows (the dialled digits).
    pub fn set_panel(&mut self, panel: &EmergencyPanel, dialled: &str) {
        let route = self.panel.as_ref().and_then(|p| p.route.clone());
        self.panel = Some(EmergencyPanelView {
            callback_number: panel
                .callback
                .as_ref()
                .map(|c| c.number.as_str().to_owned()),
            callback_source: panel
                .callback
                .as_ref()
                .map(|c| c.source.as_str().to_owned()),
            location: panel.location.as_ref().map(|l| l.display.clone()),
            dialled: dialled.to_owned(),
            route,
        });
    }

    /// E12: what the proxy said of the emergency call's route, in the panel's words.
    pub fn set_route(&mut self, said: &str) {
        let words = match said.split_once('=') {
            Some(("routing-number", number)) => {
                format!("to the routing number {number}")
            }
            _ if said == "as-dialled" => {
                "to the carrier as dialled: no emergency routing is configured".to_owned()
            }
            _ => return,
        };
        if let Some(panel) = self.panel.as_mut() {
            panel.route = Some(words);
        }
    }
}

/// Calls by id, in the order they started.
#[derive(Debug, Default)]
pub(crate) struct CallTable {
    calls: BTreeMap<CallId, CallEntry>,
    next: u64,
}

impl CallTable {
    pub fn next_id(&mut self) -> CallId {
        self.next += 1;
        CallId(self.next)
    }

    pub fn insert(&mut self, id: CallId, entry: CallEntry) {
        self.calls.insert(id, entry);
    }

    pub fn get_mut(&mut self, id: CallId) -> Option<&mut CallEntry> {
        self.calls.get_mut(&id)
    }

    pub fn remove(&mut self, id: CallId) -> Option<CallEntry> {
        self.calls.remove(&id)
    }

    pub fn get(&self, id: CallId) -> Option<&CallEntry> {
        self.calls.get(&id)
    }

    /// Drops calls that ended more than [`LINGER`] ago; true when any went.
    pub fn expire(&mut self, now: Millis) -> bool {
        let before = self.calls.len();
        self.calls
            .retain(|_, c| c.ended_at.is_none_or(|end| now.0 < end.0 + LINGER.0));
        before != self.calls.len()
    }

    /// When the next ended call leaves the screen.
    pub fn next_expiry(&self) -> Option<Millis> {
        self.calls
            .values()
            .filter_map(|c| c.ended_at.map(|e| Millis(e.0 + LINGER.0)))
            .min()
    }

    /// Calls that have not ended (ringing, dialling, connected, held).
    pub fn live_mut(&mut self) -> impl Iterator<Item = &mut CallEntry> {
        self.calls.values_mut().filter(|c| c.ended_at.is_none())
    }

    /// True while any call's media runs: its quality figures change by the second.
    pub fn streaming(&self) -> bool {
        self.calls
            .values()
            .any(|c| c.media.as_ref().is_some_and(|m| m.stream.is_some()))
    }

    pub fn views(&self) -> Vec<CallView> {
        self.calls.iter().map(|(id, c)| c.view(*id)).collect()
    }
}

pub(crate) fn control_to_wire(c: Control) -> CallControl {
    match c {
        Control::AudioDevices => CallControl::AudioDevices,
        Control::EndCall => CallControl::EndCall,
        Control::Mute => CallControl::Mute,
        Control::Hold => CallControl::Hold,
        Control::Resume => CallControl::Resume,
        Control::Transfer => CallControl::Transfer,
        Control::Consult => CallControl::Consult,
        Control::Conference => CallControl::Conference,
        Control::Park => CallControl::Park,
        Control::Dialpad => CallControl::Dialpad,
        Control::Notes => CallControl::Notes,
        Control::WrapUp => CallControl::WrapUp,
        Control::Record => CallControl::Record,
    }
}

pub(crate) fn control_from_wire(c: CallControl) -> Control {
    match c {
        CallControl::AudioDevices => Control::AudioDevices,
        CallControl::EndCall => Control::EndCall,
        CallControl::Mute => Control::Mute,
        CallControl::Hold => Control::Hold,
        CallControl::Resume => Control::Resume,
        CallControl::Transfer => Control::Transfer,
        CallControl::Consult => Control::Consult,
        CallControl::Conference => Control::Conference,
        CallControl::Park => Control::Park,
        CallControl::Dialpad => Control::Dialpad,
        CallControl::Notes => Control::Notes,
        CallControl::WrapUp => Control::WrapUp,
        CallControl::Record => Control::Record,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_map_both_ways_without_loss() {
        for c in Control::ALL {
            assert_eq!(control_from_wire(control_to_wire(c)), c);
        }
    }

    #[test]
    fn an_ended_call_lingers_then_leaves() {
        let mut t = CallTable::default();
        let id = t.next_id();
        let mut e = CallEntry::outbound("+1".into(), Millis(0));
        e.ended_at = Some(Millis(1000));
        t.insert(id, e);
        assert_eq!(t.next_expiry(), Some(Millis(1000 + LINGER.0)));
        assert!(!t.expire(Millis(1000 + LINGER.0 - 1)));
        assert!(t.expire(Millis(1000 + LINGER.0)));
        assert!(t.views().is_empty());
    }
}
