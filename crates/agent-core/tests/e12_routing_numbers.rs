//! E12 belongs to the back office's voice connector (it swaps the dialled 911 or 933
//! for the emergency routing numbers). The core's share is to send the dialled
//! string as is, so that swap has something to match.

mod common;

use agent_core::*;
use common::*;

#[test]
fn e12_the_invite_targets_the_dialled_911_or_933_for_the_voice_connector() {
    for (s, dialled) in [("9-911", "911"), ("933", "933")] {
        let mut h = Harness::new();
        let (_, out) = h.dial(s);
        match invite_of(&out).0 {
            Target::Emergency(kind) => assert_eq!(kind.dialled(), dialled),
            other => panic!("{other:?}"),
        }
    }
}
