//! Mapping between the core's types and the edge types. The core stays free of serde;
//! the edge types stay free of policy.

pub(crate) fn presence_to_wire(p: agent_core::Presence) -> wire::Presence {
    use agent_core::Presence as P;
    match p {
        P::Available => wire::Presence::Available,
        P::Busy => wire::Presence::Busy,
        P::Away => wire::Presence::Away,
        P::DoNotDisturb => wire::Presence::DoNotDisturb,
        P::Offline => wire::Presence::Offline,
    }
}

pub(crate) fn presence_from_wire(p: wire::Presence) -> agent_core::Presence {
    use agent_core::Presence as P;
    match p {
        wire::Presence::Available => P::Available,
        wire::Presence::Busy => P::Busy,
        wire::Presence::Away => P::Away,
        wire::Presence::DoNotDisturb => P::DoNotDisturb,
        wire::Presence::Offline => P::Offline,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_maps_both_ways_without_loss() {
        for p in agent_core::Presence::ALL {
            assert_eq!(presence_from_wire(presence_to_wire(p)), p);
        }
    }
}
