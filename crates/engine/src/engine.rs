//! The engine: one policy core, its durable state, the calls, and the views it publishes.
//!
//! Every public method locks the state, feeds the core one input with the current
//! time, carries out what the core decided (follow-up inputs such as a lease failure
//! go through the core in the same step), then publishes the new view. SIP and timer
//! tasks come back through the same path, so the core sees one ordered event stream.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use agent_core::{
    CallEvent, CallId, Core, CoreError, CountryCheck, DurableState, Input, Location, LocationCheck,
    Millis,
};
use tokio::runtime::Handle;
use tokio::sync::{broadcast, Notify};
use wire::{
    AgentView, CallControl, CallState, ErrorCode, RegistrationState, RegistrationView, UiError,
};

use crate::calls::{control_from_wire, CallEntry, CallTable, SipCommand};
use crate::config::{self, EngineConfig};
use crate::convert::{presence_from_wire, presence_to_wire};
use crate::history::History;
use crate::sip_link::{failure_text, Reports, SipLink};
use crate::store::StateStore;

/// How the engine starts.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    pub data_dir: PathBuf,
    /// The configuration file; `None` is `softphone.toml` in the data folder.
    pub config_file: Option<PathBuf>,
    /// The sound devices: the system's, or an in-memory set in tests.
    pub sound: crate::ringer::SoundSystem,
    /// How often the device list is polled for hot-plug.
    pub device_poll: Duration,
}

impl EngineOptions {
    pub fn new(data_dir: &Path) -> Self {
        EngineOptions {
            data_dir: data_dir.to_path_buf(),
            config_file: None,
            sound: crate::ringer::SoundSystem::default(),
            device_poll: crate::hotplug::POLL,
        }
    }
}

/// The app's runtime. Cheap to clone; every method takes `&self`.
#[derive(Debug, Clone)]
pub struct Engine {
    shared: Arc<Shared>,
}

#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) state: Mutex<Inner>,
    views: broadcast::Sender<AgentView>,
    /// Wakes the timer task when the core's next deadline may have moved.
    wake: Arc<Notify>,
    pub(crate) sip: SipLink,
    pub(crate) me: Weak<Shared>,
    rt: Handle,
    pub(crate) sound: crate::ringer::SoundSystem,
    /// The microphone's level and the last hot-plug notice, outside the engine lock:
    /// the audio path writes the level every frame.
    pub(crate) meter: crate::hotplug::Meter,
    /// `None` when the data folder cannot be used: the engine then runs from memory.
    store: Option<StateStore>,
    /// The sequence number of the last state written: saves happen outside the
    /// engine lock, and this keeps an older state from overwriting a newer one.
    persisted: Mutex<u64>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) core: Core,
    /// The newest state to save, numbered; written after the lock is released so a
    /// step never waits on the disk while holding the engine (E2: the 911 INVITE's
    /// task must not queue behind an fsync).
    pub(crate) pending_persist: Option<(u64, DurableState)>,
    pub(crate) persist_seq: u64,
    pub(crate) history: History,
    pub(crate) calls: CallTable,
    pub(crate) config: EngineConfig,
    data_dir: PathBuf,
    pub(crate) problem: Option<UiError>,
    config_problem: Option<UiError>,
    registration: RegistrationView,
    pub(crate) callback_window: Option<wire::CallbackWindowView>,
    recordings: Vec<wire::RecordingView>,
    /// Inputs decided while carrying out outputs, fed to the core in the same step.
    pub(crate) follow_ups: VecDeque<Input>,
    /// The latest location check handed to the core: the confirmed address and the
    /// network's country (E9).
    pub(crate) location: LocationCheck,
    /// The geolocation's latest answer, for the readiness indicator's words.
    pub(crate) country_fix: Option<location::CountryFix>,
    /// The dispatchable address: the agent's last confirmed one, else the site's.
    pub(crate) address: Option<wire::DispatchableAddress>,
    /// Confirmed for this sign-in and network; only then does the core have it.
    pub(crate) address_confirmed: bool,
    pub(crate) address_reason: Option<String>,
    /// The last 933 test call.
    pub(crate) last_test: Option<wire::TestCallView>,
}

pub(crate) fn now() -> Millis {
    // A clock before 1970 is a broken machine, not a reason to stop a call: use zero.
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    Millis(ms)
}

impl Engine {
    /// Starts from the state saved in the data folder, on the tokio runtime `rt`. Never
    /// fails: a folder or configuration that cannot be used is reported in the view
    /// and the log, and the agent keeps what works.
    pub fn start(options: EngineOptions, rt: Handle) -> Engine {
        let now = now();
        let dir = options.data_dir;
        let (store, state, problem) = crate::store::load(&dir, now);
        let config_path = options
            .config_file
            .unwrap_or_else(|| dir.join(config::CONFIG_FILE));
        let (config, config_problem) = match config::load(&config_path) {
            Ok(c) => (c, None),
            Err(e) => {
                tracing::error!(error = %e, "configuration not usable; defaults apply");
                (
                    EngineConfig::default(),
                    Some(UiError::new(ErrorCode::InvalidInput, e.to_string())),
                )
            }
        };
        let registration = RegistrationView {
            state: if config.sip.is_some() {
                RegistrationState::Registering
            } else {
                RegistrationState::NotConfigured
            },
            account: config
                .sip
                .as_ref()
                .map(|s| format!("{}@{}", s.ua.identity.user, s.domain)),
            detail: None,
        };
        let (views, _) = broadcast::channel(64);
        let history = History::open(store.as_ref().map(|_| dir.as_path()));
        let core = Core::resume(config.core.clone(), state, now);
        let sip_config = config.sip.clone();
        // The configured address is the dispatchable location (E9); the network's
        // country check comes from the geolocation provider, not from here.
        let address = crate::dispatchable::load(&dir).or_else(|| config.location.clone());
        let (address_confirmed, address_reason) =
            match (config.confirm_location_at_sign_in, &address) {
                (true, _) => (
                    false,
                    Some("Confirm the address you are working from today.".to_owned()),
                ),
                (false, None) => (
                    false,
                    Some("No dispatchable address is set: enter where you are working.".to_owned()),
                ),
                (false, Some(_)) => (true, None),
            };
        let location = LocationCheck {
            dispatchable: address
                .as_ref()
                .filter(|_| address_confirmed)
                .map(dispatchable_location),
            country: CountryCheck::Unknown,
        };
        let geolocation = config.geolocation.clone();
        let shared = Arc::new_cyclic(|me: &Weak<Shared>| {
            let reports: Arc<dyn Reports> = Arc::new(WeakReports(me.clone()));
            Shared {
                state: Mutex::new(Inner {
                    core,
                    pending_persist: None,
                    persist_seq: 0,
                    history,
                    calls: CallTable::default(),
                    config,
                    data_dir: dir.clone(),
                    problem,
                    config_problem,
                    registration,
                    callback_window: None,
                    recordings: crate::recording::list(&dir),
                    follow_ups: VecDeque::new(),
                    location: location.clone(),
                    country_fix: None,
                    address,
                    address_confirmed,
                    address_reason,
                    last_test: crate::test_call::load(&dir),
                }),
                views,
                wake: Arc::new(Notify::new()),
                sip: SipLink::start(rt.clone(), sip_config, reports),
                me: me.clone(),
                rt: rt.clone(),
                sound: options.sound.clone(),
                meter: crate::hotplug::Meter::default(),
                store,
                persisted: Mutex::new(0),
            }
        });
        // The restart may have decided things (presence restored after an emergency
        // call a crash interrupted, E4): a first tick plays them.
        shared.apply(Input::Tick).unwrap_or_else(|e| {
            tracing::error!(error = ?e, "the core refused its first tick");
        });
        if let Err(e) = shared.apply(Input::LocationVerdict(location)) {
            tracing::error!(error = ?e, "the core refused the configured location");
        }
        crate::geolocation::spawn(Arc::downgrade(&shared), &rt, geolocation);
        // The phonenumber crate loads its metadata on first use (about 190 ms, see the
        // policy core's benchmark): pay that now, not on the agent's first dial.
        rt.spawn_blocking(|| {
            let _ = agent_core::DialPlan::default().classify("+12065550100");
        });
        rt.spawn(run_timer(Arc::downgrade(&shared), shared.wake.clone()));
        crate::hotplug::spawn(Arc::downgrade(&shared), &rt, options.device_poll);
        Engine { shared }
    }

    /// Every view published from now on (after each change).
    pub fn subscribe(&self) -> broadcast::Receiver<AgentView> {
        self.shared.views.subscribe()
    }

    pub fn view(&self) -> AgentView {
        self.shared.lock().view()
    }

    /// The agent confirmed (or corrected) where they are (E9). Refused with the field
    /// named when the address is not one responders could drive to.
    pub fn confirm_location(
        &self,
        address: &wire::DispatchableAddress,
    ) -> Result<AgentView, UiError> {
        let address = crate::dispatchable::validate(address)?;
        let check = {
            let mut inner = self.shared.lock();
            inner.location.dispatchable = Some(dispatchable_location(&address));
            inner.address = Some(address.clone());
            inner.address_confirmed = true;
            inner.address_reason = None;
            inner.location.clone()
        };
        self.shared
            .apply(Input::LocationVerdict(check))
            .map_err(refusal)?;
        let saved = self
            .shared
            .store
            .as_ref()
            .map(|_| crate::dispatchable::save(&self.shared.lock().data_dir, &address));
        if let Some(Err(e)) = saved {
            // The confirmation holds for this run; the next sign-in asks again.
            tracing::warn!(error = %e, "the confirmed location could not be saved");
        }
        Ok(self.view())
    }

    /// The agent picked a presence. The core may refuse it (an emergency call).
    pub fn set_presence(&self, presence: wire::Presence) -> Result<AgentView, UiError> {
        self.shared
            .apply(Input::SetPresence(presence_from_wire(presence)))
            .map_err(refusal)?;
        Ok(self.view())
    }

    /// The agent dialled `dial_string` (digits as typed; `911` and `933` included).
    /// Returns the new call's id; the INVITE is already on its way (E2).
    pub fn dial(&self, dial_string: &str) -> Result<u32, UiError> {
        let mut inner = self.shared.lock();
        let call_id = inner.calls.next_id();
        let now = now();
        inner.calls.insert(
            call_id,
            CallEntry::outbound(dial_string.trim().to_owned(), now),
        );
        let result = self.shared.run(
            &mut inner,
            now,
            Input::Dial {
                call_id,
                dial_string: dial_string.to_owned(),
            },
        );
        if let Err(e) = result {
            // Refused: the call never existed.
            inner.calls.remove(call_id);
            return Err(refusal(e));
        }
        drop(inner);
        self.shared.published();
        Ok(call_id.0 as u32)
    }

    /// End call: hang up, cancel while it rings, or withdraw a failed call's card.
    pub fn hang_up(&self, call: u32) -> Result<AgentView, UiError> {
        let call_id = CallId(u64::from(call));
        {
            let mut inner = self.shared.lock();
            let ended =
                inner.calls.get(call_id).ok_or_else(|| unknown(call))?.state == CallState::Ended;
            if ended {
                // Already over: the agent dismisses the card.
                inner.calls.remove(call_id);
            } else {
                self.shared
                    .run(&mut inner, now(), Input::HangUp { call_id })
                    .map_err(refusal)?;
            }
        }
        self.shared.published();
        Ok(self.view())
    }

    /// The agent answers a ringing inbound call.
    pub fn answer(&self, call: u32) -> Result<AgentView, UiError> {
        let call_id = CallId(u64::from(call));
        self.shared
            .apply(Input::Answer { call_id })
            .map_err(refusal)?;
        Ok(self.view())
    }

    /// A keypad digit during a call, when the core offers the dial pad (E8). Sent by
    /// SIP INFO; RFC 4733 events go with the media session.
    pub fn send_dtmf(&self, call: u32, digit: char) -> Result<(), UiError> {
        let call_id = CallId(u64::from(call));
        let mut inner = self.shared.lock();
        let allowed = inner
            .core
            .controls(call_id)
            .ok_or_else(|| unknown(call))?
            .contains(agent_core::Control::Dialpad);
        if !allowed {
            return Err(UiError::new(
                ErrorCode::NotAllowed,
                "The keypad is not available for this call.",
            ));
        }
        if !matches!(digit, '0'..='9' | '*' | '#' | 'A'..='D') {
            return Err(UiError::new(
                ErrorCode::InvalidInput,
                format!("{digit:?} is not a keypad digit."),
            ));
        }
        let call = inner.calls.get_mut(call_id).ok_or_else(|| unknown(call))?;
        // RFC 4733 in the media when both sides agreed to it; SIP INFO otherwise.
        if let Some(plan) = &mut call.media {
            let in_media = plan
                .negotiated
                .as_ref()
                .is_some_and(|n| n.telephone_event.is_some());
            match (in_media, &plan.stream) {
                (true, Some(stream)) => {
                    let _rt = self.shared.rt().enter();
                    return stream.queue_dtmf(digit).map_err(|e| {
                        UiError::new(
                            ErrorCode::AudioUnavailable,
                            format!("The digit was not sent: {e}."),
                        )
                    });
                }
                (true, None) => {
                    plan.pending_dtmf.push(digit);
                    return Ok(());
                }
                (false, _) => {}
            }
        }
        let sip = call.sip.clone();
        match sip {
            Some(sip) if sip.send(SipCommand::Dtmf(digit)).is_ok() => Ok(()),
            _ => Err(UiError::new(
                ErrorCode::Network,
                "The call has no SIP side to send the digit on.",
            )),
        }
    }

    /// The sound devices, the current choice and the latest hot-plug news.
    /// Blocking: the sound system is asked.
    pub fn audio_devices(&self) -> wire::AudioDevicesView {
        let config = self.shared.lock().config.audio.clone();
        crate::audio::list_devices(&self.shared.sound, &config, self.shared.meter.notice())
    }

    /// Chooses the microphone, speaker and ringer by id (`None`: the system default).
    /// The speaker and microphone take effect from the next call, the ringer from
    /// the next ring.
    pub fn set_audio_devices(
        &self,
        input: Option<String>,
        output: Option<String>,
        ringer: Option<String>,
    ) -> wire::AudioDevicesView {
        use crate::config::AudioDevice;
        let device = |id: Option<String>| id.map_or(AudioDevice::Default, AudioDevice::Named);
        let config = {
            let mut inner = self.shared.lock();
            inner.config.audio.input = device(input);
            inner.config.audio.output = device(output);
            inner.config.audio.ringer = device(ringer);
            inner.config.audio.clone()
        };
        tracing::info!("audio devices chosen");
        crate::audio::list_devices(&self.shared.sound, &config, self.shared.meter.notice())
    }

    /// The microphone's level for the settings panel's meter, asked about ten times
    /// a second while the panel is open. Never blocks: a microphone to measure is
    /// opened in the background when no call is up.
    pub fn audio_level(&self) -> wire::AudioLevelView {
        self.shared.audio_level()
    }

    /// E11: a supervisor's unacknowledged alert sounds on the ringer device (the one
    /// heard across the room) until the returned handle is dropped.
    pub fn sound_alarm(&self) -> crate::ringer::AlarmSound {
        let device = self.shared.lock().config.audio.ringer.clone();
        crate::ringer::alarm(&self.shared, device)
    }

    /// The back office the Supervisor panel signs in to (`[backoffice] url`).
    pub fn backoffice_url(&self) -> Option<String> {
        self.shared.lock().config.backoffice_url.clone()
    }

    /// Blind transfer to `number` (as the agent typed it). The core decides whether
    /// transfer is allowed for this call (never for an emergency one, E8).
    pub fn transfer(&self, call: u32, number: &str) -> Result<AgentView, UiError> {
        let call_id = CallId(u64::from(call));
        {
            let mut inner = self.shared.lock();
            let user = match inner.core.config().dial_plan.classify(number) {
                Ok(agent_core::Dialled::Number(n)) => n.as_str().to_owned(),
                Ok(agent_core::Dialled::Emergency(_)) => {
                    return Err(UiError::new(
                        ErrorCode::InvalidInput,
                        "Emergency numbers are dialled, not transferred to.",
                    ))
                }
                Err(e) => return Err(UiError::new(ErrorCode::InvalidInput, e.to_string())),
            };
            let target = self.shared.sip.uri_for(&user).ok_or_else(|| {
                UiError::new(ErrorCode::NotConfigured, "No SIP account is configured.")
            })?;
            let entry = inner.calls.get_mut(call_id).ok_or_else(|| unknown(call))?;
            entry.transfer_to = Some(target);
            entry.problem = None;
            let result = self.shared.run(
                &mut inner,
                now(),
                Input::CallControl {
                    call_id,
                    control: agent_core::Control::Transfer,
                },
            );
            if let Some(entry) = inner.calls.get_mut(call_id) {
                entry.transfer_to = None;
            }
            result.map_err(refusal)?;
        }
        self.shared.published();
        Ok(self.view())
    }

    /// A call control (mute, hold, resume, record...). The core decides whether it
    /// is allowed for this call (E8).
    pub fn call_control(&self, call: u32, control: CallControl) -> Result<AgentView, UiError> {
        let call_id = CallId(u64::from(call));
        if control == CallControl::EndCall {
            return self.hang_up(call);
        }
        self.shared
            .apply(Input::CallControl {
                call_id,
                control: control_from_wire(control),
            })
            .map_err(refusal)?;
        Ok(self.view())
    }
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock left the core in a state it returned from, so
        // carrying on with it is sound.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// One input, start to finish, then the new view to every subscriber.
    pub(crate) fn apply(&self, input: Input) -> Result<(), CoreError> {
        let mut inner = self.lock();
        self.run(&mut inner, now(), input)?;
        drop(inner);
        self.published();
        Ok(())
    }

    /// Feeds `input` and every follow-up it causes to the core. Only the first input
    /// can be refused; a refused follow-up is a fault of ours and is logged.
    pub(crate) fn run(
        &self,
        inner: &mut Inner,
        now: Millis,
        input: Input,
    ) -> Result<(), CoreError> {
        // Media sockets are created in the step (the 911 offer needs its port), and
        // tokio sockets need the runtime's reactor, whichever thread calls.
        let _rt = self.rt.enter();
        let outputs = inner.core.handle(now, input)?;
        self.carry_out(inner, now, outputs);
        while let Some(next) = inner.follow_ups.pop_front() {
            match inner.core.handle(now, next) {
                Ok(outputs) => self.carry_out(inner, now, outputs),
                Err(e) => tracing::error!(error = ?e, "the core refused a follow-up input"),
            }
        }
        self.wake.notify_one();
        Ok(())
    }

    pub(crate) fn published(&self) {
        self.save_pending();
        let view = self.lock().view();
        // Nobody listening is fine: callers get the view as their reply anyway.
        let _ = self.views.send(view);
    }

    pub(crate) fn rt(&self) -> &Handle {
        &self.rt
    }

    pub(crate) fn reports(&self) -> Arc<dyn Reports> {
        Arc::new(WeakReports(self.me.clone()))
    }
}

impl Inner {
    pub(crate) fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub(crate) fn refresh_recordings(&mut self) {
        self.recordings = crate::recording::list(&self.data_dir);
    }

    pub(crate) fn view(&self) -> AgentView {
        AgentView {
            presence: presence_to_wire(self.core.presence()),
            presence_locked: self.core.presence_locked(),
            data_dir: self.data_dir.display().to_string(),
            storage_problem: self.problem.clone(),
            calls: self.calls.views(),
            registration: self.registration.clone(),
            history: self.history.entries().to_vec(),
            callback_window: self.callback_window.clone(),
            recordings: self.recordings.clone(),
            config_problem: self.config_problem.clone(),
            readiness: crate::geolocation::readiness_view(
                &self.core.readiness(),
                &self.location,
                self.country_fix.as_ref(),
                self.last_test,
            ),
            location: wire::LocationView {
                address: self.address.clone(),
                confirmed: self.address_confirmed,
                needs_confirmation: !self.address_confirmed,
                reason: self.address_reason.clone(),
            },
        }
    }
}

impl Shared {
    /// Writes the newest pending state, outside the engine lock, and records the
    /// outcome as the view's storage problem (or clears an earlier one).
    fn save_pending(&self) {
        let Some((seq, state)) = self.lock().pending_persist.take() else {
            return;
        };
        let Some(store) = &self.store else { return };
        let mut last = self.persisted.lock().unwrap_or_else(|e| e.into_inner());
        if seq <= *last {
            return;
        }
        let result = store.save(&state.encode());
        *last = seq;
        drop(last);
        let mut inner = self.lock();
        match result {
            Ok(()) => {
                // A save that works again clears an earlier save failure.
                if inner
                    .problem
                    .as_ref()
                    .is_some_and(|p| p.code == ErrorCode::StorageUnavailable)
                {
                    inner.problem = None;
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot save the agent's state");
                inner.problem = Some(UiError::new(
                    ErrorCode::StorageUnavailable,
                    format!("{e}. Changes are kept until the app closes."),
                ));
            }
        }
    }
}

/// SIP tasks hold this, not the engine: a task outliving the engine finds nobody home.
#[derive(Debug)]
struct WeakReports(Weak<Shared>);

impl Reports for WeakReports {
    fn call_event(&self, call_id: CallId, event: sip_ua::CallEvent) {
        let Some(shared) = self.0.upgrade() else {
            return;
        };
        shared.on_sip_event(call_id, event);
    }

    fn call_failed_to_start(&self, call_id: CallId, error: UiError) {
        let Some(shared) = self.0.upgrade() else {
            return;
        };
        {
            let mut inner = shared.lock();
            if let Some(call) = inner.calls.get_mut(call_id) {
                call.outcome = Some(error);
            }
            let input = Input::CallEvent {
                call_id,
                event: CallEvent::Failed,
            };
            if let Err(e) = shared.run(&mut inner, now(), input) {
                tracing::warn!(%call_id, error = ?e, "failure of an unknown call");
            }
        }
        shared.published();
    }

    fn registration(&self, view: RegistrationView) {
        let Some(shared) = self.0.upgrade() else {
            return;
        };
        shared.lock().registration = view;
        shared.published();
    }

    fn incoming(&self, call: sip_ua::IncomingCall) {
        let Some(shared) = self.0.upgrade() else {
            // No engine: turn the caller away rather than leave it ringing nowhere.
            let _ = call.call.reject(480);
            return;
        };
        shared.on_incoming(call);
    }

    fn reinvite_answered(&self, call_id: CallId, answer: Result<String, String>) {
        let Some(shared) = self.0.upgrade() else {
            return;
        };
        let mut inner = shared.lock();
        let Some(call) = inner.calls.get_mut(call_id) else {
            return;
        };
        match (answer, call.media.as_mut()) {
            (Ok(sdp), Some(media)) => media.accept_answer(&sdp),
            (Ok(_), None) => {}
            (Err(why), _) => tracing::warn!(%call_id, %why, "re-INVITE failed; the call goes on"),
        }
    }
}

impl Shared {
    fn on_sip_event(&self, call_id: CallId, event: sip_ua::CallEvent) {
        use sip_ua::CallEvent as Sip;
        if let Sip::CallbackPresented { number } = &event {
            return self.callback_presented(call_id, number);
        }
        if let Sip::RoutePresented { route } = &event {
            if let Some(call) = self.lock().calls.get_mut(call_id) {
                call.set_route(route);
            }
            return self.published();
        }
        {
            let mut inner = self.lock();
            let now = now();
            let audio = inner.config.audio.clone();
            let input = {
                let Some(call) = inner.calls.get_mut(call_id) else {
                    return;
                };
                match event {
                    Sip::Trying | Sip::CallbackPresented { .. } | Sip::RoutePresented { .. } => {
                        return
                    }
                    Sip::Ringing { .. } => {
                        call.state = CallState::Ringing;
                        CallEvent::Ringing
                    }
                    Sip::Answered { sdp } => {
                        if call.direction == wire::CallDirection::Inbound {
                            // Our 200 was ACKed: the core already counts it answered.
                            return;
                        }
                        if let Some(media) = call.media.as_mut() {
                            media.accept_answer(&sdp);
                        }
                        // Media starts before the core hears of the answer: audio
                        // never waits on policy.
                        crate::audio::start_stream(self, call_id, call, &audio);
                        call.state = CallState::Connected;
                        call.answered_at = Some(now);
                        CallEvent::Answered
                    }
                    Sip::Failed { reason } => {
                        let refused_webrtc =
                            matches!(reason, sip_ua::FailReason::Rejected(415 | 488 | 606))
                                && call.media.as_ref().is_some_and(|m| m.webrtc_offered());
                        if let Some(invite) = call.plain_retry.take().filter(|_| refused_webrtc) {
                            // The peer takes plain RTP only: the same INVITE with our
                            // plain offer, at once (an emergency call too, E2).
                            tracing::info!(%call_id, "WebRTC refused by the peer; calling again with plain RTP");
                            if let Some(media) = call.media.as_mut() {
                                media.drop_webrtc();
                            }
                            call.sip = Some(self.sip.invite(invite, self.reports()));
                            return;
                        }
                        call.outcome = Some(failure_text(&reason));
                        CallEvent::Failed
                    }
                    Sip::Ended { by } => CallEvent::Ended {
                        by_remote: by == sip_ua::EndedBy::Remote,
                    },
                    Sip::Reoffer { sdp } => {
                        // The peer holds, resumes or moves its media: answer from our
                        // side of the call; an offer we cannot use is refused (488).
                        let answer = call.media.as_mut().and_then(|m| match m.answer(&sdp) {
                            Ok(answer) => Some(answer),
                            Err(why) => {
                                tracing::warn!(%call_id, %why, "the peer's re-offer cannot be used");
                                None
                            }
                        });
                        if let Some(sip) = &call.sip {
                            let _ = sip.send(SipCommand::AnswerReoffer(answer));
                        }
                        return;
                    }
                    Sip::Dtmf(_) => {
                        tracing::info!(%call_id, "DTMF digit received");
                        return;
                    }
                    Sip::Transfer(state) => {
                        tracing::info!(%call_id, ?state, "transfer progress");
                        // Success ends our leg (sip-ua sends the BYE); a failure leaves
                        // the call with the agent, who must know.
                        if let sip_ua::TransferState::Failed(code) = state {
                            call.problem = Some(UiError::new(
                                ErrorCode::Rejected,
                                format!(
                                    "The transfer failed ({code}); the caller is still with you."
                                ),
                            ));
                        }
                        return;
                    }
                }
            };
            if let Err(e) = self.run(
                &mut inner,
                now,
                Input::CallEvent {
                    call_id,
                    event: input,
                },
            ) {
                tracing::warn!(%call_id, error = ?e, "SIP news the core did not take");
            }
        }
        self.published();
    }
}

impl Shared {
    /// E5: our proxy (the back office's edge) presented `number` to the emergency
    /// center; it may have leased another number than the one the core knew when the
    /// INVITE left. The core takes it as the lease, so the panel shows what the center
    /// really has and a callback to it is recognised (E6).
    fn callback_presented(&self, call_id: CallId, number: &str) {
        let Ok(number) = agent_core::E164::parse(number) else {
            tracing::warn!(%call_id, "the proxy named a callback number that is not E.164");
            return;
        };
        {
            let mut inner = self.lock();
            if let Err(e) = self.run(&mut inner, now(), Input::LeaseGranted { call_id, number }) {
                tracing::warn!(%call_id, error = ?e, "the core did not take the presented callback");
            }
        }
        self.published();
    }
}

/// Feeds the core `Tick` at its deadlines and drops ended calls from the screen.
/// It holds the engine only weakly, so dropping the last `Engine` stops it.
async fn run_timer(shared: Weak<Shared>, wake: Arc<Notify>) {
    loop {
        let deadline = {
            let Some(strong) = shared.upgrade() else {
                return;
            };
            let inner = strong.lock();
            // While media runs, refresh the view every second for the quality figures.
            let refresh = inner.calls.streaming().then(|| Millis(now().0 + 1000));
            [
                inner.core.poll_timeout(),
                inner.calls.next_expiry(),
                refresh,
            ]
            .into_iter()
            .flatten()
            .min()
        };
        // Without a deadline, look again now and then: the engine may be gone.
        let wait = deadline.map_or(Duration::from_secs(1), |d| {
            Duration::from_millis(d.0.saturating_sub(now().0))
        });
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = wake.notified() => continue,
        }
        if deadline.is_none() {
            continue;
        }
        let Some(strong) = shared.upgrade() else {
            return;
        };
        {
            let mut inner = strong.lock();
            let now = now();
            inner.calls.expire(now);
            if let Err(e) = strong.run(&mut inner, now, Input::Tick) {
                tracing::error!(error = ?e, "the core refused a tick");
            }
        }
        strong.published();
    }
}

/// Turns the core's refusal into a typed error the UI can branch on.
fn refusal(e: CoreError) -> UiError {
    match e {
        CoreError::PresenceLocked => UiError::new(
            ErrorCode::PresenceLocked,
            "Presence is locked during an emergency call; it comes back when the call ends.",
        ),
        CoreError::Dial(d) => UiError::new(ErrorCode::InvalidInput, d.to_string()),
        CoreError::UnknownCall(id) => {
            UiError::new(ErrorCode::UnknownCall, format!("There is no call {id}."))
        }
        other => UiError::new(ErrorCode::NotAllowed, other.to_string()),
    }
}

fn unknown(call: u32) -> UiError {
    UiError::new(ErrorCode::UnknownCall, format!("There is no call {call}."))
}

/// The core's view of a confirmed address: one line for the screen and the panel.
pub(crate) fn dispatchable_location(a: &wire::DispatchableAddress) -> Location {
    Location {
        id: "confirmed".into(),
        display: crate::dispatchable::one_line(a),
    }
}
