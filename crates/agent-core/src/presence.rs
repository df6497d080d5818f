//! The agent's presence as the tenant sees it.

/// The statuses an agent can hold. The order is the order the UI lists them in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Presence {
    #[default]
    Available,
    Busy,
    Away,
    DoNotDisturb,
    Offline,
}

impl Presence {
    pub const ALL: [Presence; 5] = [
        Presence::Available,
        Presence::Busy,
        Presence::Away,
        Presence::DoNotDisturb,
        Presence::Offline,
    ];

    /// A stable name, used by the engine's persisted state and its logs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Presence::Available => "available",
            Presence::Busy => "busy",
            Presence::Away => "away",
            Presence::DoNotDisturb => "do_not_disturb",
            Presence::Offline => "offline",
        }
    }

    /// The inverse of [`Presence::as_str`].
    pub fn parse(s: &str) -> Option<Presence> {
        Presence::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_presence_round_trips_through_its_stable_name() {
        for p in Presence::ALL {
            assert_eq!(Presence::parse(p.as_str()), Some(p));
        }
        assert_eq!(Presence::parse("on_holiday"), None);
    }
}
