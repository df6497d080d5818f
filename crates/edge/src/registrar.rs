//! Contact bindings of registered users (RFC 3261 10), in memory and per edge
//! instance, with expiry in the injected time. Sans-IO: the caller authenticates the
//! REGISTER (see [`crate::digest`]) and passes the time in.

use std::collections::HashMap;
use std::net::SocketAddr;

use backoffice::Timestamp;

/// Shortest registration accepted (423 Interval Too Brief below it).
pub const MIN_EXPIRES_S: u32 = 60;
/// Longest registration granted; longer requests are shortened to it.
pub const MAX_EXPIRES_S: u32 = 3600;

/// The WebSocket connection a registration came over. Requests for such a contact
/// must go back over that same connection (RFC 7118 5): a browser cannot be dialled,
/// and its Contact names a `*.invalid` host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flow {
    /// The connection's far end, as the edge's transport layer keys it.
    pub peer: SocketAddr,
    /// A browser-like endpoint, which takes WebRTC media only: its Contact has no
    /// reachable host (`*.invalid`, RFC 7118 5) or says `+sip.ice` (RFC 5768).
    pub webrtc_only: bool,
}

impl Flow {
    /// Whether a WebSocket contact is a browser-like WebRTC endpoint.
    pub fn contact_is_webrtc_only(contact: &str) -> bool {
        let lower = contact.to_ascii_lowercase();
        let host = lower
            .split_once('@')
            .map_or(lower.as_str(), |(_, h)| h)
            .split([';', '>', ':', '?'])
            .next()
            .unwrap_or_default();
        host.ends_with(".invalid") || lower.contains("+sip.ice")
    }
}

/// One registered contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The Contact URI as the UA gave it.
    pub contact: String,
    /// Set when the contact is reachable only over the connection it registered on.
    pub flow: Option<Flow>,
    pub expires_at: Timestamp,
}

/// What a REGISTER did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterOutcome {
    /// Bound (or refreshed) for this many seconds.
    Bound {
        granted_s: u32,
    },
    Removed,
    /// 423, with the Min-Expires to send.
    TooBrief {
        min_s: u32,
    },
}

/// The bindings of every user this edge registered, by user id.
#[derive(Debug, Default)]
pub struct Registrar {
    bindings: HashMap<String, Vec<Binding>>,
}

impl Registrar {
    pub fn new() -> Self {
        Self::default()
    }

    /// Binds (expires > 0) or removes (expires = 0) `contact` for `user_id`; a
    /// refresh over a new connection moves the binding to it.
    pub fn register(
        &mut self,
        user_id: &str,
        contact: &str,
        flow: Option<Flow>,
        expires_s: u32,
        now: Timestamp,
    ) -> RegisterOutcome {
        let list = self.bindings.entry(user_id.to_owned()).or_default();
        list.retain(|b| b.expires_at > now);
        if expires_s == 0 {
            list.retain(|b| b.contact != contact);
            return RegisterOutcome::Removed;
        }
        if expires_s < MIN_EXPIRES_S {
            return RegisterOutcome::TooBrief {
                min_s: MIN_EXPIRES_S,
            };
        }
        let granted_s = expires_s.min(MAX_EXPIRES_S);
        let expires_at = now.plus(std::time::Duration::from_secs(u64::from(granted_s)));
        match list.iter_mut().find(|b| b.contact == contact) {
            Some(b) => {
                b.expires_at = expires_at;
                b.flow = flow;
            }
            None => list.push(Binding {
                contact: contact.to_owned(),
                flow,
                expires_at,
            }),
        }
        RegisterOutcome::Bound { granted_s }
    }

    /// The contacts of `user_id` still valid at `now`, the most recently refreshed
    /// (latest expiry) first.
    pub fn contacts(&self, user_id: &str, now: Timestamp) -> Vec<Binding> {
        let mut live: Vec<Binding> = self
            .bindings
            .get(user_id)
            .map(|l| l.iter().filter(|b| b.expires_at > now).cloned().collect())
            .unwrap_or_default();
        live.sort_by_key(|b| std::cmp::Reverse(b.expires_at));
        live
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Timestamp = Timestamp::from_millis(1_793_610_000_000);

    fn at(s: i64) -> Timestamp {
        Timestamp::from_millis(T.as_millis() + s * 1000)
    }

    #[test]
    fn bindings_expire_in_injected_time_and_refresh() {
        let mut r = Registrar::new();
        let c = "sip:agent1@127.0.0.1:5070";
        assert_eq!(
            r.register("u1", c, None, 300, T),
            RegisterOutcome::Bound { granted_s: 300 }
        );
        assert_eq!(r.contacts("u1", at(299)).len(), 1);
        assert!(r.contacts("u1", at(300)).is_empty(), "expired at its end");
        r.register("u1", c, None, 300, at(200));
        assert_eq!(r.contacts("u1", at(450))[0].contact, c, "refreshed");
        assert_eq!(
            r.register("u1", c, None, 0, at(451)),
            RegisterOutcome::Removed
        );
        assert!(r.contacts("u1", at(452)).is_empty());
    }

    #[test]
    fn a_websocket_binding_keeps_its_flow_and_a_refresh_moves_it() {
        let mut r = Registrar::new();
        let c = "sip:x7k2@df7jal23ls0d.invalid;transport=ws";
        let first = Flow {
            peer: "127.0.0.1:40001".parse().unwrap(),
            webrtc_only: true,
        };
        let second = Flow {
            peer: "127.0.0.1:40002".parse().unwrap(),
            webrtc_only: true,
        };
        r.register("u1", c, Some(first), 300, T);
        assert_eq!(r.contacts("u1", at(1))[0].flow, Some(first));
        r.register("u1", c, Some(second), 300, at(10));
        let live = r.contacts("u1", at(11));
        assert_eq!(live.len(), 1, "one contact, not two");
        assert_eq!(live[0].flow, Some(second));
    }

    #[test]
    fn a_browsers_contact_is_told_from_a_softphones() {
        assert!(Flow::contact_is_webrtc_only(
            "sip:x7k2@df7jal23ls0d.invalid;transport=ws"
        ));
        assert!(Flow::contact_is_webrtc_only(
            "<sip:a@10.0.0.5:5060;transport=ws>;+sip.ice"
        ));
        assert!(!Flow::contact_is_webrtc_only(
            "sip:agent1@127.0.0.1:5070;transport=ws"
        ));
        assert!(!Flow::contact_is_webrtc_only(
            "sip:agent1@invalid.example.com"
        ));
    }

    #[test]
    fn too_brief_and_too_long_registrations() {
        let mut r = Registrar::new();
        assert_eq!(
            r.register("u1", "sip:a@h", None, 10, T),
            RegisterOutcome::TooBrief { min_s: 60 }
        );
        assert_eq!(
            r.register("u1", "sip:a@h", None, 86_400, T),
            RegisterOutcome::Bound { granted_s: 3600 }
        );
    }
}
