//! Inbound calls: a new INVITE becomes a call in the table, its own SIP task, and an
//! `Input::Inbound` for the core, which decides to ring, to turn it away, or (E6) to
//! ring through Do Not Disturb for the emergency center's callback.

use agent_core::{Alert, CallId, Input, E164};
use tokio::sync::mpsc;

use crate::calls::{CallEntry, SipCommand};
use crate::engine::{now, Inner, Shared};
use crate::offer::MediaPlan;
use crate::sip_link::drive_call;

impl Shared {
    pub(crate) fn on_incoming(&self, incoming: sip_ua::IncomingCall) {
        let sip_ua::IncomingCall {
            call,
            caller,
            asserted_caller,
            dialled,
            sdp_offer,
            priority,
            called_party,
            source,
            ..
        } = incoming;
        let remote = asserted_caller.unwrap_or(caller);
        let (commands, rx) = mpsc::unbounded_channel();
        let call_id = {
            let mut inner = self.lock();
            let now = now();
            let call_id = inner.calls.next_id();
            let mut entry = CallEntry::inbound(remote.clone(), now);
            entry.sip = Some(commands);
            entry.remote_offer = sdp_offer;
            inner.calls.insert(call_id, entry);
            let proxy = inner.config.sip.as_ref().and_then(|s| s.ua.outbound_proxy);
            let emergency_callback =
                is_edge_callback(priority.as_deref(), called_party.as_deref(), source, proxy);
            // Behind a proxy the number dialled travels in P-Called-Party-ID; To then
            // names our contact.
            let to = called_party.as_deref().unwrap_or(&dialled);
            let input = Input::Inbound {
                call_id,
                from: remote,
                to: E164::parse(to).ok(),
                emergency_callback,
            };
            if let Err(e) = self.run(&mut inner, now, input) {
                tracing::error!(%call_id, error = ?e, "the core refused an inbound call");
                inner.calls.remove(call_id);
                let _ = call.reject(500);
                return;
            }
            call_id
        };
        self.rt()
            .spawn(drive_call(call_id, call, rx, self.reports()));
        self.published();
    }
}

/// E6's verdict is the back office's to give: its SIP edge marks the emergency
/// center's callback to a number leased to this agent, inside the window, with
/// `Priority: emergency` beside the number dialled in P-Called-Party-ID. The mark counts
/// only when our own proxy sent the INVITE: anyone else reaching our contact directly
/// must not ring through Do Not Disturb. (The core also recognises a callback to the
/// number it presented itself, whoever relays it.)
pub(crate) fn is_edge_callback(
    priority: Option<&str>,
    called_party: Option<&str>,
    source: Option<std::net::SocketAddr>,
    proxy: Option<std::net::SocketAddr>,
) -> bool {
    let marked = priority.is_some_and(|p| p.eq_ignore_ascii_case("emergency"));
    marked && called_party.is_some() && proxy.is_some() && source == proxy
}

/// Ring: 180 toward the caller, the card shows the alert, and the ringer sounds
/// (the emergency callback's own pattern, E6; a short beep while on another call).
pub(crate) fn ring(
    shared: &Shared,
    inner: &mut Inner,
    call_id: CallId,
    alert: Alert,
    call_waiting: bool,
) {
    let device = inner.config.audio.ringer.clone();
    if let Some(call) = inner.calls.get_mut(call_id) {
        call.state = wire::CallState::Ringing;
        call.emergency_callback = alert == Alert::EmergencyCallback;
        send(call.sip.as_ref(), SipCommand::Ring);
        let pattern = crate::ringer::pattern(alert, call_waiting);
        call.ringer = Some(crate::ringer::start(shared, call_id, pattern, device));
    }
}

/// Answer: our SDP answer to the caller's offer, in a 200 OK.
pub(crate) fn answer(shared: &Shared, inner: &mut Inner, call_id: CallId) {
    let ip = inner.config.media_ip();
    let webrtc = inner.config.webrtc(crate::outputs::WEBRTC_BUDGET);
    let now = now();
    let audio = inner.config.audio.clone();
    let Some(call) = inner.calls.get_mut(call_id) else {
        return;
    };
    call.ringer = None;
    // A silent ringer no longer matters once the call is answered.
    if call
        .problem
        .as_ref()
        .is_some_and(|p| p.message.starts_with(crate::ringer::SILENT_RINGER))
    {
        call.problem = None;
    }
    if let Some(offer) = call
        .remote_offer
        .take_if(|offer| media_net::is_webrtc_offer(offer))
    {
        answer_webrtc(shared, call_id, offer, webrtc, now);
        return;
    }
    let mut plan = MediaPlan::new(ip, call_id.0 ^ now.0);
    let sdp = match call.remote_offer.take() {
        Some(offer) => match plan.answer(&offer) {
            Ok(answer) => answer,
            Err(why) => {
                // Nothing we can play: say so (488) rather than answer into silence.
                tracing::warn!(%call_id, %why, "the caller's offer cannot be used");
                send(call.sip.as_ref(), SipCommand::Reject(488));
                return;
            }
        },
        // No offer in the INVITE: ours goes in the 200 and the answer in the ACK.
        None => plan.offer(media::sdp::Direction::SendRecv),
    };
    call.media = Some(plan);
    call.state = wire::CallState::Connected;
    call.answered_at = Some(now);
    send(call.sip.as_ref(), SipCommand::Answer(sdp));
    crate::audio::start_stream(shared, call_id, call, &audio);
}

/// A WebRTC offer is answered by a peer connection, which needs a moment to gather
/// its candidates (bounded by its budget): off the engine lock, then the 200 OK goes
/// out and the stream starts as for any call. An emergency callback (E6) offered as
/// WebRTC waits for this too, within the same budget.
fn answer_webrtc(
    shared: &Shared,
    call_id: CallId,
    offer: String,
    config: media_net::WebRtcConfig,
    now: agent_core::Millis,
) {
    let me = shared.me.clone();
    shared.rt().spawn(async move {
        let answered = media_net::WebRtcLeg::answer(&offer, &config).await;
        let ip = config.bind_ip;
        let Some(shared) = me.upgrade() else { return };
        {
            let mut inner = shared.lock();
            let audio = inner.config.audio.clone();
            // A caller who gave up while we gathered: the call has ended; the leg is
            // dropped (and closed) here, nothing is answered.
            let Some(call) = inner
                .calls
                .get_mut(call_id)
                .filter(|c| c.state == wire::CallState::Ringing && c.sip.is_some())
            else {
                return;
            };
            match answered {
                Ok((leg, sdp)) => {
                    call.media = Some(MediaPlan::webrtc(ip, call_id.0 ^ now.0, leg));
                    call.state = wire::CallState::Connected;
                    call.answered_at = Some(now);
                    send(call.sip.as_ref(), SipCommand::Answer(sdp));
                    crate::audio::start_stream(&shared, call_id, call, &audio);
                }
                Err(e) => {
                    tracing::warn!(%call_id, error = %e, "the caller's WebRTC offer cannot be used");
                    send(call.sip.as_ref(), SipCommand::Reject(488));
                }
            }
        }
        shared.published();
    });
}

/// Turn the call away: 486 when busy, 480 when presence says not now.
pub(crate) fn reject(inner: &mut Inner, call_id: CallId, reason: agent_core::RejectReason) {
    let code = match reason {
        agent_core::RejectReason::Presence(_) => 480,
        agent_core::RejectReason::Busy | agent_core::RejectReason::EmergencyInProgress => 486,
    };
    // The call never rang here, so it leaves no card; the queued reject still
    // reaches its SIP task after the sender is dropped.
    if let Some(call) = inner.calls.remove(call_id) {
        send(call.sip.as_ref(), SipCommand::Reject(code));
    }
}

/// Hold (`sendonly`) or resume (`sendrecv`) by re-INVITE.
pub(crate) fn reinvite(inner: &mut Inner, call_id: CallId, direction: media::sdp::Direction) {
    let Some(call) = inner.calls.get_mut(call_id) else {
        return;
    };
    if let Some(plan) = call.media.as_mut() {
        if plan.is_webrtc() {
            // Our offers are plain RTP; on a WebRTC call hold stays in our stream.
            if let Some(stream) = &plan.stream {
                stream.set_direction(direction);
            }
            return;
        }
        let offer = plan.offer(direction);
        send(call.sip.as_ref(), SipCommand::Reinvite(offer));
    }
}

fn send(sip: Option<&mpsc::UnboundedSender<SipCommand>>, command: SipCommand) {
    if let Some(sip) = sip {
        let _ = sip.send(command);
    }
}

#[cfg(test)]
mod tests {
    use super::is_edge_callback;

    #[test]
    fn e06_only_our_proxys_emergency_mark_rings_through_do_not_disturb() {
        let proxy = Some("127.0.0.1:5060".parse().unwrap());
        let elsewhere = Some("127.0.0.1:6000".parse().unwrap());
        let number = Some("+14255550123");
        assert!(is_edge_callback(Some("emergency"), number, proxy, proxy));
        assert!(is_edge_callback(Some("Emergency"), number, proxy, proxy));
        assert!(!is_edge_callback(
            Some("emergency"),
            number,
            elsewhere,
            proxy
        ));
        assert!(!is_edge_callback(Some("emergency"), number, None, proxy));
        assert!(!is_edge_callback(Some("emergency"), number, proxy, None));
        assert!(!is_edge_callback(Some("urgent"), number, proxy, proxy));
        assert!(!is_edge_callback(None, number, proxy, proxy));
        assert!(!is_edge_callback(Some("emergency"), None, proxy, proxy));
    }
}
