//! The engine's SIP side: starts the user agent, keeps the registration, sends
//! INVITEs and runs one task per call that turns SIP news into core inputs.
//!
//! Nothing here holds the engine's lock across an await: tasks report back through
//! [`Reports`], which locks, feeds the core and carries out what it decides.

use std::sync::Arc;

use agent_core::CallId;
use sip_ua::{
    Account, CallEvent as SipEvent, FailReason, InviteExtras, RegistrationEvent, UaEvent, UserAgent,
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
}

/// One INVITE to send.
#[derive(Debug)]
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
    pub fn invite(
        &self,
        invite: Invite,
        reports: Arc<dyn Reports>,
    ) -> mpsc::UnboundedSender<SipCommand> {
        let (commands, rx) = mpsc::unbounded_channel();
        let ua = self.ua.clone();
        let domain = self.domain.clone().unwrap_or_default();
        self.rt.spawn(run_call(invite, domain, ua, rx, reports));
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
    let Some(registrar) = config.registrar.clone() else {
        return;
    };
    let Some(credentials) = config.ua.credentials.clone() else {
        tracing::warn!("a registrar is configured without a password; not registering");
        return;
    };
    reports.registration(RegistrationView {
        state: RegistrationState::Registering,
        account: Some(account_name.clone()),
        detail: None,
    });
    let account = Account {
        registrar,
        credentials,
        expires: config.expires,
    };
    if let Err(e) = ua.register(account) {
        reports.registration(RegistrationView {
            state: RegistrationState::Failed,
            account: Some(account_name),
            detail: Some(e.to_string()),
        });
        return;
    }
    while let Some(UaEvent::Registration(event)) = events.next().await {
        let (state, detail) = match event {
            RegistrationEvent::Registered { .. } => (RegistrationState::Registered, None),
            RegistrationEvent::Rejected { code } => (
                RegistrationState::Failed,
                Some(format!("the registrar refused the account ({code})")),
            ),
            RegistrationEvent::Unreachable { error } => (
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
    mut commands: mpsc::UnboundedReceiver<SipCommand>,
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
    let target = format!("sip:{}@{}", invite.user, domain);
    let mut call = match ua.invite(&target, &invite.sdp_offer, invite.extras).await {
        Ok(call) => call,
        Err(e) => {
            tracing::warn!(%call_id, error = %e, "INVITE could not be sent");
            let error = UiError::new(
                ErrorCode::Network,
                format!("The call could not be sent: {e}"),
            );
            return reports.call_failed_to_start(call_id, error);
        }
    };
    let mut answered = false;
    let mut commands_open = true;
    loop {
        tokio::select! {
            event = call.next_event() => {
                let Some(event) = event else { break };
                answered |= matches!(event, SipEvent::Answered { .. });
                let last = matches!(event, SipEvent::Failed { .. } | SipEvent::Ended { .. });
                reports.call_event(call_id, event);
                if last { break }
            }
            command = commands.recv(), if commands_open => match command {
                Some(SipCommand::End) => {
                    let result = if answered { call.bye().await } else { call.cancel().await };
                    if let Err(e) = result {
                        tracing::warn!(%call_id, error = %e, "ending the call failed");
                    }
                }
                None => commands_open = false,
            },
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
