//! The engine's SIP side: starts the user agent, keeps the registration, sends
//! INVITEs and runs one task per call that turns SIP news into core inputs.
//!
//! Nothing here holds the engine's lock across an await: tasks report back through
//! [`Reports`], which locks, feeds the core and carries out what it decides.

use std::sync::Arc;

use agent_core::CallId;
use sip_ua::{
    Account, Call, CallEvent as SipEvent, FailReason, IncomingCall, InviteExtras,
    RegistrationEvent, SipUaError, UaEvent, UserAgent,
};
use tokio::runtime::Handle;
use tokio::sync::{mpsc, watch};
use wire::{ErrorCode, RegistrationState, RegistrationView, UiError};

use crate::calls::SipCommand;
use crate::config::SipConfig;

/// Where the user agent stands; invites wait while it is `Starting`.
#[derive(Clone, Debug)]
pub(crate) enum UaSlot {
    NotConfigured,
    Starting,
    Ready(UserAgent),
    Failed(String),
}

/// What SIP tasks tell the engine. Implemented by the engine's shared state.
pub(crate) trait Reports: Send + Sync + 'static {
    fn call_event(&self, call_id: CallId, event: SipEvent);
    fn call_failed_to_start(&self, call_id: CallId, error: UiError);
    fn registration(&self, view: RegistrationView);
    /// A new inbound call; the engine takes it over (its own task drives it).
    fn incoming(&self, call: IncomingCall);
    /// The peer answered our re-INVITE (hold, resume), or it failed.
    fn reinvite_answered(&self, call_id: CallId, answer: Result<String, String>);
}

/// One INVITE to send.
#[derive(Debug, Clone)]
pub(crate) struct Invite {
    pub call_id: CallId,
    /// The user part of the Request-URI: `911`, `933` or an E.164 number.
    pub user: String,
    pub sdp_offer: String,
    pub extras: InviteExtras,
}

#[derive(Debug)]
pub(crate) struct SipLink {
    rt: Handle,
    ua: watch::Receiver<UaSlot>,
    domain: Option<String>,
}

impl SipLink {
    /// Starts the user agent in the background (it binds a socket); calls dialled
    /// meanwhile wait for it rather than fail.
    pub fn start(rt: Handle, config: Option<SipConfig>, reports: Arc<dyn Reports>) -> SipLink {
        let Some(config) = config else {
            let (_, ua) = watch::channel(UaSlot::NotConfigured);
            return SipLink {
                rt,
                ua,
                domain: None,
            };
        };
        let (tx, ua) = watch::channel(UaSlot::Starting);
        let domain = Some(config.domain.clone());
        rt.spawn(run_user_agent(config, tx, reports));
        SipLink { rt, ua, domain }
    }

    /// Sends the INVITE from a task of its own and returns at once; the call's
    /// commands go through the returned sender.
    /// `sip:<user>@<domain>` on the account's domain.
    pub fn uri_for(&self, user: &str) -> Option<String> {
        self.domain.as_ref().map(|d| format!("sip:{user}@{d}"))
    }

    /// Like [`SipLink::invite`] for an INVITE whose offer takes a moment to make (a
    /// WebRTC offer gathers its candidates first): the call's commands are taken at
    /// once, the INVITE goes out from a task as soon as `make` yields it.
    pub fn invite_after(
        &self,
        call_id: CallId,
        make: impl std::future::Future<Output = Invite> + Send + 'static,
        reports: Arc<dyn Reports>,
    ) -> mpsc::UnboundedSender<SipCommand> {
        let (commands, rx) = mpsc::unbounded_channel();
        let domain = self.domain.clone().unwrap_or_default();
        let ua = self.ua.clone();
        self.rt.spawn(async move {
            let invite = make.await;
            debug_assert_eq!(invite.call_id, call_id);
            run_call(invite, domain, ua, rx, reports).await;
        });
        commands
    }

    pub fn invite(
        &self,
        invite: Invite,
        reports: Arc<dyn Reports>,
    ) -> mpsc::UnboundedSender<SipCommand> {
        let (commands, rx) = mpsc::unbounded_channel();
        let domain = self.domain.clone().unwrap_or_default();
        let ready = match &*self.ua.borrow() {
            UaSlot::Ready(ua) => Some(ua.clone()),
            _ => None,
        };
        let Some(ua) = ready else {
            // Still starting (or not there): a task waits for it and reports.
            self.rt
                .spawn(run_call(invite, domain, self.ua.clone(), rx, reports));
            return commands;
        };
        // The user agent is up: the INVITE's transaction starts here, in the dial
        // step, rather than from a task that first has to be scheduled. On a busy
        // machine that wake-up was the largest part of the 911 dial's tail (E2).
        let _runtime = self.rt.enter();
        let call_id = invite.call_id;
        match start(&ua, &invite, &domain) {
            Ok(call) => {
                self.rt.spawn(drive_call(call_id, call, rx, reports));
            }
            // Reported from a task: the caller holds the engine's lock, which the
            // report takes.
            Err(error) => {
                self.rt
                    .spawn(async move { reports.call_failed_to_start(call_id, error) });
            }
        }
        commands
    }
}

async fn run_user_agent(config: SipConfig, slot: watch::Sender<UaSlot>, reports: Arc<dyn Reports>) {
    let account_name = format!("{}@{}", config.ua.identity.user, config.domain);
    let (ua, mut events) = match UserAgent::start(config.ua.clone()).await {
        Ok(started) => started,
        Err(e) => {
            tracing::error!(error = %e, "SIP user agent could not start");
            let detail = format!("SIP could not start: {e}");
            reports.registration(RegistrationView {
                state: RegistrationState::Failed,
                account: Some(account_name),
                detail: Some(detail.clone()),
            });
            let _ = slot.send(UaSlot::Failed(detail));
            return;
        }
    };
    let _ = slot.send(UaSlot::Ready(ua.clone()));
    let registering = match (config.registrar.clone(), config.ua.credentials.clone()) {
        (Some(registrar), Some(credentials)) => {
            reports.registration(RegistrationView {
                state: RegistrationState::Registering,
                account: Some(account_name.clone()),
                detail: None,
            });
            let account = Account::new(&registrar, credentials, config.expires);
            match ua.register(account) {
                Ok(()) => true,
                Err(e) => {
                    reports.registration(RegistrationView {
                        state: RegistrationState::Failed,
                        account: Some(account_name.clone()),
                        detail: Some(e.to_string()),
                    });
                    false
                }
            }
        }
        (Some(_), None) => {
            tracing::warn!("a registrar is configured without a password; not registering");
            false
        }
        _ => false,
    };
    if !registering {
        reports.registration(RegistrationView {
            state: RegistrationState::OutboundOnly,
            account: Some(account_name.clone()),
            detail: Some(
                "no registrar configured: calls go out, none come in unless routed here".into(),
            ),
        });
    }
    while let Some(event) = events.next().await {
        let event = match event {
            UaEvent::Incoming(incoming) => {
                reports.incoming(*incoming);
                continue;
            }
            UaEvent::Registration(event) => event,
        };
        let (state, detail) = match event {
            RegistrationEvent::Registered { .. } => (RegistrationState::Registered, None),
            RegistrationEvent::Rejected { code } => (
                RegistrationState::Failed,
                Some(format!("the registrar refused the account ({code})")),
            ),
            RegistrationEvent::Unreachable { error } | RegistrationEvent::Lost { error } => (
                RegistrationState::Failed,
                Some(format!(
                    "the registrar cannot be reached ({error}); retrying"
                )),
            ),
            RegistrationEvent::Unregistered => (RegistrationState::Registering, None),
        };
        reports.registration(RegistrationView {
            state,
            account: Some(account_name.clone()),
            detail,
        });
    }
}

async fn run_call(
    invite: Invite,
    domain: String,
    mut ua: watch::Receiver<UaSlot>,
    commands: mpsc::UnboundedReceiver<SipCommand>,
    reports: Arc<dyn Reports>,
) {
    let call_id = invite.call_id;
    let ua = match ua.wait_for(|s| !matches!(s, UaSlot::Starting)).await {
        Ok(slot) => slot.clone(),
        Err(_) => UaSlot::Failed("the SIP side stopped".into()),
    };
    let ua = match ua {
        UaSlot::Ready(ua) => ua,
        UaSlot::NotConfigured => {
            let error = UiError::new(
                ErrorCode::NotConfigured,
                "No SIP account is configured, so the call cannot go out. Add one in softphone.toml.",
            );
            return reports.call_failed_to_start(call_id, error);
        }
        UaSlot::Failed(why) => {
            return reports.call_failed_to_start(call_id, UiError::new(ErrorCode::Network, why));
        }
        UaSlot::Starting => unreachable!("waited until the user agent left Starting"),
    };
    match start(&ua, &invite, &domain) {
        Ok(call) => drive_call(call_id, call, commands, reports).await,
        Err(error) => reports.call_failed_to_start(call_id, error),
    }
}

/// Hands the INVITE to the transport; a refusal comes back in the agent's words.
fn start(ua: &UserAgent, invite: &Invite, domain: &str) -> Result<Call, UiError> {
    let target = format!("sip:{}@{}", invite.user, domain);
    ua.start_invite(&target, &invite.sdp_offer, invite.extras.clone())
        .map_err(|e| {
            tracing::warn!(call_id = %invite.call_id, error = %e, "INVITE could not be sent");
            UiError::new(
                ErrorCode::Network,
                format!("The call could not be sent: {e}"),
            )
        })
}

/// Runs one call until its last event: SIP news go to the engine, the engine's
/// commands go to SIP. Shared by both directions.
pub(crate) async fn drive_call(
    call_id: CallId,
    mut call: Call,
    mut commands: mpsc::UnboundedReceiver<SipCommand>,
    reports: Arc<dyn Reports>,
) {
    // `answered`: the dialog is confirmed (2xx received, or our 2xx ACKed).
    // `answer_sent`: our 200 is out but not yet ACKed; RFC 3261 15 forbids a BYE
    // until the ACK comes, so an End meanwhile waits for it.
    let mut answered = false;
    let mut answer_sent = false;
    let mut end_pending = false;
    let mut commands_open = true;
    loop {
        tokio::select! {
            event = call.next_event() => {
                let Some(event) = event else { break };
                let confirmed = matches!(event, SipEvent::Answered { .. });
                answered |= confirmed;
                let last = matches!(event, SipEvent::Failed { .. } | SipEvent::Ended { .. });
                reports.call_event(call_id, event);
                if last { break }
                if confirmed && std::mem::take(&mut end_pending) {
                    if let Err(e) = call.bye().await {
                        tracing::warn!(%call_id, error = %e, "BYE failed");
                    }
                }
            }
            command = commands.recv(), if commands_open => match command {
                Some(SipCommand::Reinvite(sdp)) => {
                    let answer = call.reinvite(&sdp).await.map_err(|e| e.to_string());
                    reports.reinvite_answered(call_id, answer);
                }
                Some(SipCommand::End) if answer_sent && !answered => end_pending = true,
                Some(command) => {
                    answer_sent |= matches!(command, SipCommand::Answer(_));
                    if let Err(e) = carry_out(&call, command, answered).await {
                        tracing::warn!(%call_id, error = %e, "SIP request failed");
                    }
                }
                None => commands_open = false,
            },
        }
    }
}

async fn carry_out(call: &Call, command: SipCommand, answered: bool) -> Result<(), SipUaError> {
    match command {
        SipCommand::End if answered => call.bye().await,
        // Declining a call that rings here.
        SipCommand::End if call.direction() == sip_ua::Direction::Incoming => call.reject(603),
        SipCommand::End => call.cancel().await,
        SipCommand::Ring => call.ring(),
        SipCommand::Answer(sdp) => call.answer(&sdp),
        SipCommand::Reject(code) => call.reject(code),
        SipCommand::Reinvite(sdp) => call.reinvite(&sdp).await.map(drop),
        SipCommand::AnswerReoffer(Some(sdp)) => call.answer_reoffer(&sdp).await,
        SipCommand::AnswerReoffer(None) => call.refuse_reoffer().await,
        SipCommand::Refer(target) => call.refer(&target).await,
        SipCommand::Dtmf(digit) => {
            call.send_info_dtmf(digit, std::time::Duration::from_millis(160))
                .await
        }
    }
}

/// The words the agent reads for a failed call.
pub(crate) fn failure_text(reason: &FailReason) -> UiError {
    match reason {
        FailReason::Busy => UiError::new(ErrorCode::Busy, "The line is busy."),
        FailReason::NotFound => UiError::new(ErrorCode::NotFound, "That number does not exist."),
        FailReason::Unavailable => UiError::new(
            ErrorCode::Unavailable,
            "The person called cannot take calls right now.",
        ),
        FailReason::Timeout => {
            UiError::new(ErrorCode::Timeout, "No answer from the network in time.")
        }
        FailReason::Rejected(code) => UiError::new(
            ErrorCode::Rejected,
            format!("The call was refused ({code})."),
        ),
        FailReason::Network(why) => UiError::new(
            ErrorCode::Network,
            format!("The network could not carry the call: {why}"),
        ),
    }
}
