//! A small harness that drives the core in virtual time, the way the engine does:
//! every `Persist` is written through `encode` (so a restart reads what a real file
//! would hold), and time jumps from deadline to deadline.
#![allow(dead_code)] // each test file uses a different part of it

use agent_core::*;

pub const T0: Millis = Millis(1_700_000_000_000);

pub fn num(s: &str) -> E164 {
    E164::parse(s).expect("test number")
}

pub fn pool_number() -> E164 {
    num("+13125550199")
}

pub fn agent_number() -> E164 {
    num("+13125550142")
}

pub fn site_number() -> E164 {
    num("+13125550100")
}

pub fn location() -> Location {
    Location {
        id: "loc-1".into(),
        display: "1 Main St, Floor 3, Chicago IL".into(),
    }
}

/// The configuration most tests use: both fallbacks known.
pub fn config() -> CoreConfig {
    CoreConfig {
        agent_number: Some(agent_number()),
        site_callback_number: Some(site_number()),
        ..CoreConfig::default()
    }
}

pub struct Harness {
    pub core: Core,
    pub config: CoreConfig,
    pub now: Millis,
    /// The persisted file, as the engine would hold it.
    pub saved: String,
    next_id: u64,
}

impl Harness {
    pub fn new() -> Harness {
        Harness::with(config())
    }

    pub fn with(config: CoreConfig) -> Harness {
        let saved = DurableState::default().encode();
        Harness {
            core: Core::resume(config.clone(), DurableState::default(), T0),
            config,
            now: T0,
            saved,
            next_id: 1,
        }
    }

    /// Starts with presence `p` and a passing location check.
    pub fn ready(p: Presence) -> Harness {
        let mut h = Harness::new();
        h.step(Input::SetPresence(p));
        h.step(Input::LocationVerdict(LocationCheck {
            dispatchable: Some(location()),
            country: CountryCheck::UsOrPuertoRico,
        }));
        h
    }

    pub fn try_step(&mut self, input: Input) -> Result<Vec<Output>, CoreError> {
        let before = self.core.durable_state();
        let result = self.core.handle(self.now, input);
        match &result {
            Ok(out) => {
                for o in out {
                    if let Output::Persist(state) = o {
                        self.saved = state.encode();
                    }
                }
            }
            // A refused input changes nothing.
            Err(_) => assert_eq!(
                self.core.durable_state(),
                before,
                "refused input changed the state"
            ),
        }
        result
    }

    pub fn step(&mut self, input: Input) -> Vec<Output> {
        let what = format!("{input:?}");
        self.try_step(input)
            .unwrap_or_else(|e| panic!("{what} refused: {e}"))
    }

    pub fn new_id(&mut self) -> CallId {
        self.next_id += 1;
        CallId(self.next_id)
    }

    pub fn dial(&mut self, dial_string: &str) -> (CallId, Vec<Output>) {
        let call_id = self.new_id();
        let out = self.step(Input::Dial {
            call_id,
            dial_string: dial_string.into(),
        });
        (call_id, out)
    }

    pub fn event(&mut self, call_id: CallId, event: CallEvent) -> Vec<Output> {
        self.step(Input::CallEvent { call_id, event })
    }

    pub fn inbound(&mut self, to: Option<E164>, flagged: bool) -> (CallId, Vec<Output>) {
        let call_id = self.new_id();
        let from = "+12125550123".to_owned();
        let out = self.step(Input::Inbound {
            call_id,
            from,
            to,
            emergency_callback: flagged,
        });
        (call_id, out)
    }

    /// Lets `d` of virtual time pass, waking the core at each deadline on the way.
    pub fn advance(&mut self, d: Millis) -> Vec<Output> {
        let target = self.now.plus(d);
        let mut all = Vec::new();
        let mut last_tick = None;
        while let Some(at) = self.core.poll_timeout().filter(|t| *t <= target) {
            // A deadline that a tick at that very time does not clear would spin the
            // engine's timer loop forever.
            assert_ne!(
                last_tick,
                Some(at),
                "the core asks again for a tick at {at:?}"
            );
            last_tick = Some(at);
            self.now = at.max(self.now);
            all.extend(self.step(Input::Tick));
        }
        self.now = target;
        all.extend(self.step(Input::Tick));
        all
    }

    /// The app stops and starts again from the saved file, `after` later.
    pub fn restart(&mut self, after: Millis) -> Vec<Output> {
        self.now = self.now.plus(after);
        let state = DurableState::decode(&self.saved).expect("saved state decodes");
        self.core = Core::resume(self.config.clone(), state, self.now);
        self.step(Input::Tick)
    }
}

/// Index of the first output matching `pred`; panics with the outputs if none.
pub fn pos(out: &[Output], pred: impl Fn(&Output) -> bool) -> usize {
    out.iter()
        .position(pred)
        .unwrap_or_else(|| panic!("no such output in {out:#?}"))
}

pub fn has(out: &[Output], pred: impl Fn(&Output) -> bool) -> bool {
    out.iter().any(pred)
}

pub fn invite_of(out: &[Output]) -> (&Target, Option<&EmergencyInfo>) {
    match out.first() {
        Some(Output::SendInvite {
            target, emergency, ..
        }) => (target, emergency.as_ref()),
        other => panic!("first output is not an INVITE: {other:?} in {out:#?}"),
    }
}

pub fn presence_changes(out: &[Output]) -> Vec<Presence> {
    out.iter()
        .filter_map(|o| match o {
            Output::PresenceChanged(p) => Some(*p),
            _ => None,
        })
        .collect()
}

pub fn window_started(out: &[Output]) -> Option<(Option<Callback>, Millis)> {
    out.iter().find_map(|o| match o {
        Output::CallbackWindowStarted { callback, until } => Some((callback.clone(), *until)),
        _ => None,
    })
}
