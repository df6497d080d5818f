//! What must survive a restart, and its text form.
//!
//! The engine writes [`DurableState::encode`] atomically to a file whenever the core
//! asks (`Output::Persist`) and hands [`DurableState::decode`] of it to `Core::resume`.
//! The format is ours, line-based and versioned, so a person can read it and no serde
//! is needed:
//!
//! ```text
//! agent-core-state 1
//! presence available
//! prior busy                       (while presence is forced, E4)
//! emergency 17 real 1700000000000  (one per emergency conversation: id kind start)
//! callback pool +13125550100       (the callback number, E5)
//! window 1700003600000             (end of the callback window, E5)
//! end
//! ```
//!
//! The `end` line makes a truncated file an error instead of a smaller state.
//! Decoding never panics; anything unexpected is a [`DecodeError`].

use std::fmt;

use crate::emergency::{Callback, CallbackSource};
use crate::number::E164;
use crate::presence::Presence;
use crate::time::Millis;
use crate::CallId;

const HEADER: &str = "agent-core-state 1";

/// An emergency conversation that was going on when the state was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConversationKind {
    /// A dialled 911.
    Real,
    /// A dialled 933.
    Test,
    /// An answered emergency callback (E6).
    Callback,
}

impl ConversationKind {
    const fn as_str(self) -> &'static str {
        match self {
            ConversationKind::Real => "real",
            ConversationKind::Test => "test",
            ConversationKind::Callback => "callback",
        }
    }

    fn parse(s: &str) -> Option<ConversationKind> {
        [
            ConversationKind::Real,
            ConversationKind::Test,
            ConversationKind::Callback,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OngoingEmergency {
    pub call_id: CallId,
    pub kind: ConversationKind,
    pub started_at: Millis,
}

/// What must survive a restart of the app.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct DurableState {
    /// The presence the agent has now (published).
    pub presence: Presence,
    /// The status to return to when the emergency conversation ends (E4).
    pub prior_presence: Option<Presence>,
    /// Emergency conversations in progress. After a restart they are gone with the
    /// process, and the core ends them (presence restored, window started).
    pub emergency_calls: Vec<OngoingEmergency>,
    /// The callback number the agent holds (E5).
    pub callback: Option<Callback>,
    /// When the callback window ends; `None` while no window is running.
    pub window_until: Option<Millis>,
}

/// Why a persisted state could not be read. `line` is 1-based.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub line: usize,
    pub reason: &'static str,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "agent-core state, line {}: {}", self.line, self.reason)
    }
}

impl std::error::Error for DecodeError {}

impl DurableState {
    pub fn encode(&self) -> String {
        let mut out = format!("{HEADER}\npresence {}\n", self.presence.as_str());
        if let Some(p) = self.prior_presence {
            out += &format!("prior {}\n", p.as_str());
        }
        for e in &self.emergency_calls {
            out += &format!(
                "emergency {} {} {}\n",
                e.call_id.0,
                e.kind.as_str(),
                e.started_at.0
            );
        }
        if let Some(c) = &self.callback {
            out += &format!("callback {} {}\n", c.source.as_str(), c.number);
        }
        if let Some(w) = self.window_until {
            out += &format!("window {}\n", w.0);
        }
        out + "end\n"
    }

    pub fn decode(s: &str) -> Result<DurableState, DecodeError> {
        let mut lines = s.split('\n').enumerate().map(|(i, l)| (i + 1, l));
        match lines.next() {
            Some((_, HEADER)) => {}
            _ => return Err(err(1, "not an agent-core state of version 1")),
        }
        let mut presence = None;
        let mut state = DurableState::default();
        let mut ended = false;
        for (n, line) in lines.by_ref() {
            let fields: Vec<&str> = line.split(' ').collect();
            match fields.as_slice() {
                ["end"] => {
                    ended = true;
                    break;
                }
                ["presence", p] => set_once(&mut presence, parse_presence(n, p)?, n)?,
                ["prior", p] => set_once(&mut state.prior_presence, parse_presence(n, p)?, n)?,
                ["emergency", id, kind, start] => state.emergency_calls.push(OngoingEmergency {
                    call_id: CallId(parse_u64(n, id)?),
                    kind: ConversationKind::parse(kind)
                        .ok_or(err(n, "unknown conversation kind"))?,
                    started_at: Millis(parse_u64(n, start)?),
                }),
                ["callback", source, number] => {
                    let cb = Callback {
                        source: CallbackSource::parse(source)
                            .ok_or(err(n, "unknown callback source"))?,
                        number: E164::parse(number).map_err(|_| err(n, "bad callback number"))?,
                    };
                    set_once(&mut state.callback, cb, n)?;
                }
                ["window", until] => {
                    set_once(&mut state.window_until, Millis(parse_u64(n, until)?), n)?
                }
                _ => return Err(err(n, "unknown line")),
            }
        }
        if !ended {
            return Err(err(s.split('\n').count(), "truncated: no end line"));
        }
        // Only the final newline may follow `end`.
        if let Some((n, rest)) = lines.find(|(_, l)| !l.is_empty()) {
            let _ = rest;
            return Err(err(n, "text after the end line"));
        }
        state.presence = presence.ok_or(err(1, "no presence line"))?;
        Ok(state)
    }
}

fn err(line: usize, reason: &'static str) -> DecodeError {
    DecodeError { line, reason }
}

fn set_once<T>(slot: &mut Option<T>, value: T, line: usize) -> Result<(), DecodeError> {
    if slot.is_some() {
        return Err(err(line, "repeated line"));
    }
    *slot = Some(value);
    Ok(())
}

fn parse_presence(line: usize, s: &str) -> Result<Presence, DecodeError> {
    Presence::parse(s).ok_or(err(line, "unknown presence"))
}

fn parse_u64(line: usize, s: &str) -> Result<u64, DecodeError> {
    // `u64::from_str` accepts a leading '+' and zeros; the format has one spelling
    // per value, so a damaged file is not read as some other valid one.
    let canonical = s == "0" || !s.starts_with('0');
    if s.is_empty() || !canonical || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err(line, "expected a number"));
    }
    s.parse().map_err(|_| err(line, "number out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> DurableState {
        DurableState {
            presence: Presence::DoNotDisturb,
            prior_presence: Some(Presence::Away),
            emergency_calls: vec![
                OngoingEmergency {
                    call_id: CallId(7),
                    kind: ConversationKind::Real,
                    started_at: Millis(1_700_000_000_000),
                },
                OngoingEmergency {
                    call_id: CallId(u64::MAX),
                    kind: ConversationKind::Callback,
                    started_at: Millis(0),
                },
            ],
            callback: Some(Callback {
                number: E164::parse("+13125550100").unwrap(),
                source: CallbackSource::Pool,
            }),
            window_until: Some(Millis(1_700_003_600_000)),
        }
    }

    #[test]
    fn round_trips() {
        for state in [DurableState::default(), full()] {
            assert_eq!(DurableState::decode(&state.encode()), Ok(state));
        }
    }

    #[test]
    fn every_truncation_is_an_error() {
        let text = full().encode();
        // Cutting anywhere before the end line's newline loses data or the end line.
        let cut_limit = text.len() - 1;
        for cut in 0..cut_limit {
            assert!(
                DurableState::decode(&text[..cut]).is_err(),
                "cut at {cut}: {:?}",
                &text[..cut]
            );
        }
    }

    #[test]
    fn garbage_is_an_error() {
        for bad in [
            "",
            "hello",
            "agent-core-state 2\npresence available\nend\n",
            "agent-core-state 1\nend\n",
            "agent-core-state 1\npresence sleepy\nend\n",
            "agent-core-state 1\npresence available\npresence busy\nend\n",
            "agent-core-state 1\npresence available\nwindow +5\nend\n",
            "agent-core-state 1\npresence available\nwindow 05\nend\n",
            "agent-core-state 1\npresence available\nwindow 99999999999999999999999\nend\n",
            "agent-core-state 1\npresence available\ncallback pool 911\nend\n",
            "agent-core-state 1\npresence available\nemergency 1 real\nend\n",
            "agent-core-state 1\npresence available\nend\nmore\n",
            "agent-core-state 1\r\npresence available\r\nend\r\n",
        ] {
            assert!(DurableState::decode(bad).is_err(), "{bad:?}");
        }
    }
}
