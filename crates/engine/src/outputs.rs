//! Carrying out the core's decisions, in the order it gave them.
//!
//! The first output of a 911 dial step is `SendInvite` (E2), and it is carried out
//! first: the INVITE task is spawned before anything else of the step runs. Effects
//! that need the back office (leases, supervisors' notifications) are answered here
//! with their failure while no back office is configured, so the core applies its
//! fallbacks (E5, E11) instead of waiting out its budgets.

use agent_core::{CallId, Callback, EmergencyInfo, Input, LeaseFailure, Millis, Output, Target};
use sip_ua::{InviteExtras, LocationByValue};
use wire::{CallState, CallbackWindowView};

use crate::calls::SipCommand;
use crate::engine::{Inner, Shared};
use crate::inbound;
use crate::offer::MediaPlan;
use crate::sip_link::Invite;
use media::sdp::Direction;

impl Shared {
    pub(crate) fn carry_out(&self, inner: &mut Inner, now: Millis, outputs: Vec<Output>) {
        for output in outputs {
            match output {
                Output::SendInvite {
                    call_id,
                    target,
                    emergency,
                } => self.send_invite(inner, now, call_id, target, emergency),
                Output::EndCall { call_id } => {
                    // A declined call stops ringing now, not when its SIP side is done.
                    if let Some(call) = inner.calls.get_mut(call_id) {
                        call.ringer = None;
                    }
                    let sip = inner.calls.get(call_id).and_then(|c| c.sip.clone());
                    let sent = sip.is_some_and(|s| s.send(SipCommand::End).is_ok());
                    if !sent {
                        // No SIP task (it failed or never started): the call is over here.
                        inner.follow_ups.push_back(Input::CallEvent {
                            call_id,
                            event: agent_core::CallEvent::Ended { by_remote: false },
                        });
                    }
                }
                Output::HoldCall { call_id } => {
                    set_state(inner, call_id, CallState::OnHold);
                    silence_if_needed(inner, call_id);
                    inbound::reinvite(inner, call_id, Direction::SendOnly);
                }
                Output::ResumeCall { call_id } => {
                    set_state(inner, call_id, CallState::Connected);
                    silence_if_needed(inner, call_id);
                    inbound::reinvite(inner, call_id, Direction::SendRecv);
                }
                Output::Ring {
                    call_id,
                    alert,
                    call_waiting,
                    ..
                } => inbound::ring(self, inner, call_id, alert, call_waiting),
                Output::AnswerCall { call_id } => inbound::answer(self, inner, call_id),
                Output::RejectInbound { call_id, reason } => {
                    inbound::reject(inner, call_id, reason);
                }
                Output::PerformControl { call_id, control } => {
                    if control == agent_core::Control::Mute {
                        if let Some(call) = inner.calls.get_mut(call_id) {
                            call.muted = !call.muted;
                        }
                        silence_if_needed(inner, call_id);
                    } else if control == agent_core::Control::Transfer {
                        let call = inner.calls.get_mut(call_id);
                        if let Some(call) = call {
                            match (call.transfer_to.take(), call.sip.as_ref()) {
                                (Some(target), Some(sip)) => {
                                    let _ = sip.send(SipCommand::Refer(target));
                                }
                                _ => {
                                    tracing::warn!(%call_id, "transfer without a target or SIP side")
                                }
                            }
                        }
                    } else {
                        tracing::info!(%call_id, ?control, "control accepted; not built yet");
                    }
                }
                Output::ShowControls {
                    call_id,
                    controls,
                    panel,
                } => {
                    if let Some(call) = inner.calls.get_mut(call_id) {
                        call.controls = controls;
                        if let Some(panel) = panel {
                            let dialled = call.remote.clone();
                            call.emergency = true;
                            call.set_panel(&panel, &dialled);
                        }
                    }
                }
                Output::CallbackNumber { call_id, callback } => {
                    if let Some(call) = inner.calls.get_mut(call_id) {
                        if let Some(panel) = &mut call.panel {
                            panel.callback_number =
                                callback.as_ref().map(|c| c.number.as_str().to_owned());
                            panel.callback_source =
                                callback.as_ref().map(|c| c.source.as_str().to_owned());
                        }
                    }
                }
                Output::CallbackWindowStarted { callback, until } => {
                    inner.callback_window = Some(CallbackWindowView {
                        number: number_of(callback.as_ref()),
                        until: until.0,
                    });
                }
                Output::CallbackWindowEnded { .. } => inner.callback_window = None,
                Output::CallFinished { call_id, keep } => {
                    if let Some(record) = keep.record() {
                        inner.history.append(record);
                    }
                    let test = inner
                        .calls
                        .get(call_id)
                        .filter(|c| {
                            c.emergency && c.remote == agent_core::EmergencyKind::Test.dialled()
                        })
                        .map(|c| wire::TestCallView {
                            at: now.0,
                            reached: c.answered_at.is_some(),
                        });
                    if let Some(test) = test {
                        inner.last_test = Some(test);
                        let dir = inner.data_dir().to_path_buf();
                        // Off the engine's thread: a file write never sits in a call step.
                        self.rt().spawn_blocking(move || {
                            if let Err(e) = crate::test_call::save(&dir, test) {
                                tracing::warn!(error = %e, "the 933 test result could not be saved");
                            }
                        });
                    }
                    if let Some(call) = inner.calls.get_mut(call_id) {
                        call.state = CallState::Ended;
                        call.ended_at = Some(now);
                        call.controls = agent_core::Controls::NONE;
                        call.sip = None;
                        call.media = None;
                        call.ringer = None;
                        if call.recorder.stop().is_some() {
                            call.recording = false;
                            inner.refresh_recordings();
                        }
                    }
                }
                Output::Persist(state) => {
                    inner.persist_seq += 1;
                    inner.pending_persist = Some((inner.persist_seq, state));
                }
                Output::PresenceChanged(p) => {
                    tracing::info!(presence = p.as_str(), "presence changed")
                }
                Output::RequestLease(request) => {
                    // The SIP edge takes the lease on the INVITE's way out (E5); the app
                    // asks nobody, so the core's fallback number goes in the INVITE
                    // and the edge replaces it.
                    tracing::info!(call_id = %request.call_id, "callback lease left to the SIP edge; the INVITE carries the E5 fallback");
                    inner.follow_ups.push_back(Input::LeaseFailed {
                        call_id: request.call_id,
                        reason: LeaseFailure::Unreachable,
                    });
                }
                Output::ReleaseLease { .. } => {
                    tracing::info!("callback lease release left to the SIP edge");
                }
                Output::Notify(n) => {
                    // Supervisors are alerted by the SIP edge as it routes the call
                    // (E11); the app itself has no channel to them.
                    tracing::info!(call_id = %n.call_id, "supervisors' alert left to the SIP edge");
                    inner
                        .follow_ups
                        .push_back(Input::NotificationFailed { call_id: n.call_id });
                }
                Output::NotificationUndelivered { call_id } => {
                    tracing::warn!(%call_id, "the app could not alert supervisors itself; only a SIP edge routing this call does");
                }
                Output::Readiness(r) => {
                    tracing::info!(ready = r.ready(), "emergency readiness changed")
                }
                Output::RecordingRefused { call_id, reason } => {
                    tracing::info!(%call_id, ?reason, "call not recorded");
                }
                Output::StopMedia { call_id } => {
                    // Dropping the stream stops it (and sends RTCP BYE) at once (E13).
                    if let Some(plan) = inner.calls.get_mut(call_id).and_then(|c| c.media.as_mut())
                    {
                        plan.stream = None;
                    }
                }
                Output::StartRecording { call_id } => {
                    let dir = inner.data_dir().to_path_buf();
                    if let Some(call) = inner.calls.get_mut(call_id) {
                        let path = crate::recording::path_for(&dir, now.0, &call.remote);
                        match call.recorder.start(&path) {
                            Ok(()) => call.recording = true,
                            Err(e) => {
                                tracing::error!(%call_id, error = %e, "the recording could not start");
                                call.problem = Some(wire::UiError::new(
                                    wire::ErrorCode::StorageUnavailable,
                                    format!("The call is not being recorded: {e}."),
                                ));
                            }
                        }
                    }
                }
            }
        }
    }

    fn send_invite(
        &self,
        inner: &mut Inner,
        now: Millis,
        call_id: CallId,
        target: Target,
        emergency: Option<EmergencyInfo>,
    ) {
        let user = match &target {
            Target::Emergency(kind) => kind.dialled().to_owned(),
            Target::Number(n) => n.as_str().to_owned(),
        };
        let mut plan = MediaPlan::new(inner.config.media_ip(), call_id.0 ^ now.0);
        let sdp_offer = plan.offer(Direction::SendRecv);
        let extras = match &emergency {
            // A held lease, else the fallback: the INVITE never waits for a lease (E2,
            // E5); the edge swaps in the pool number when the lease arrives in time.
            Some(info) => InviteExtras::emergency(
                number_of(info.callback.as_ref().or(info.fallback_callback.as_ref())),
                info.location
                    .as_ref()
                    .and(inner.address.as_ref().map(crate::dispatchable::civic))
                    .map(|address| LocationByValue {
                        address,
                        method: "Manual".into(),
                        timestamp: rfc3339(now),
                    }),
            ),
            None => InviteExtras::default(),
        };
        let invite = Invite {
            call_id,
            user: user.clone(),
            sdp_offer,
            extras,
        };
        let mut plain_retry = None;
        let commands = if inner.config.offers_webrtc() {
            plain_retry = Some(invite.clone());
            let budget = if emergency.is_some() {
                EMERGENCY_WEBRTC_BUDGET
            } else {
                WEBRTC_BUDGET
            };
            let config = inner.config.webrtc(budget);
            let slot = plan.webrtc_slot();
            let make = async move {
                // The plain offer is the fallback: a call (above all a 911, E2) goes
                // out even when no WebRTC leg can be made in time.
                let made = tokio::time::timeout(
                    budget + OFFER_SET_UP,
                    media_net::WebRtcLeg::offer(&config),
                );
                match made.await {
                    Ok(Ok((leg, sdp))) => {
                        *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(leg);
                        Invite {
                            sdp_offer: sdp,
                            ..invite
                        }
                    }
                    Ok(Err(e)) => {
                        tracing::warn!(%call_id, error = %e, "no WebRTC leg; the call offers plain RTP");
                        invite
                    }
                    Err(_) => {
                        tracing::warn!(%call_id, "no WebRTC leg in time; the call offers plain RTP");
                        invite
                    }
                }
            };
            self.sip.invite_after(call_id, make, self.reports())
        } else {
            self.sip.invite(invite, self.reports())
        };
        if let Some(call) = inner.calls.get_mut(call_id) {
            call.remote = user;
            call.emergency = emergency.is_some();
            call.sip = Some(commands);
            call.media = Some(plan);
            call.plain_retry = plain_retry;
        }
    }
}

/// How long a WebRTC offer may gather candidates: an emergency call's INVITE waits at
/// most this much for it, plus [`OFFER_SET_UP`] (E2; host candidates take a few
/// milliseconds, a STUN or TURN server may not answer at all).
const EMERGENCY_WEBRTC_BUDGET: std::time::Duration = std::time::Duration::from_millis(250);
pub(crate) const WEBRTC_BUDGET: std::time::Duration = std::time::Duration::from_secs(2);
/// Beyond gathering, building the peer connection; past it the plain offer goes.
const OFFER_SET_UP: std::time::Duration = std::time::Duration::from_millis(100);

/// The microphone reaches the far end only on a connected, unmuted call. A held
/// customer must not hear the agent: our hold offer is sendonly (RFC 3264 leaves the
/// door open for music on hold), so the stream itself is muted: no audio packets, RTCP
/// goes on, the RTP clock keeps running.
pub(crate) fn silence_if_needed(inner: &mut Inner, call_id: CallId) {
    if let Some(call) = inner.calls.get(call_id) {
        if let Some(stream) = call.media.as_ref().and_then(|m| m.stream.as_ref()) {
            stream.set_muted(call.muted || call.state == CallState::OnHold);
        }
    }
}

fn set_state(inner: &mut Inner, call_id: CallId, state: CallState) {
    if let Some(call) = inner.calls.get_mut(call_id) {
        call.state = state;
    }
}

fn number_of(callback: Option<&Callback>) -> Option<String> {
    callback.map(|c| c.number.as_str().to_owned())
}

/// `2026-11-22T08:30:00Z` for PIDF-LO's timestamp, without a date crate: the
/// civil-from-days conversion of Howard Hinnant's date algorithms.
pub(crate) fn rfc3339(at: Millis) -> String {
    let secs = at.0 / 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(rfc3339(Millis(0)), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(Millis(951_782_400_000)), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(Millis(1_795_336_245_000)), "2026-11-22T08:30:45Z");
    }
}
