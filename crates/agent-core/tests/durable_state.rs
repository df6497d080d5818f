//! E4 and E5 rest on the durable state surviving restarts: its text form round-trips
//! for every state, and no input, however broken, makes decoding panic.

use agent_core::*;
use proptest::prelude::*;

fn presence() -> impl Strategy<Value = Presence> {
    prop::sample::select(Presence::ALL.to_vec())
}

fn state() -> impl Strategy<Value = DurableState> {
    let call = (any::<u64>(), 0..3u8, any::<u64>()).prop_map(|(id, k, t)| OngoingEmergency {
        call_id: CallId(id),
        kind: [
            ConversationKind::Real,
            ConversationKind::Test,
            ConversationKind::Callback,
        ][k as usize],
        started_at: Millis(t),
    });
    let callback = ("[1-9][0-9]{7,14}", 0..3u8).prop_map(|(digits, s)| Callback {
        number: E164::parse(&format!("+{digits}")).unwrap(),
        source: [
            CallbackSource::Pool,
            CallbackSource::AgentNumber,
            CallbackSource::SiteNumber,
        ][s as usize],
    });
    (
        presence(),
        prop::option::of(presence()),
        prop::collection::vec(call, 0..4),
        prop::option::of(callback),
        prop::option::of(any::<u64>()),
    )
        .prop_map(
            |(presence, prior_presence, emergency_calls, callback, window)| DurableState {
                presence,
                prior_presence,
                emergency_calls,
                callback,
                window_until: window.map(Millis),
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn e04_e05_every_durable_state_round_trips(s in state()) {
        prop_assert_eq!(DurableState::decode(&s.encode()), Ok(s));
    }

    #[test]
    fn e04_e05_decoding_never_panics(text in any::<String>()) {
        let _ = DurableState::decode(&text);
    }

    #[test]
    fn e04_e05_a_damaged_file_is_an_error_or_decodes_to_a_valid_state(
        s in state(), at in any::<prop::sample::Index>(), byte in any::<u8>()
    ) {
        // Flip one character: either an error, or a state that encodes back to the
        // very same text (never silently a different reading of the text).
        let mut text = s.encode().into_bytes();
        let i = at.index(text.len());
        text[i] = byte;
        if let Ok(text) = String::from_utf8(text) {
            if let Ok(decoded) = DurableState::decode(&text) {
                let again = decoded.encode();
                prop_assert!(again == text || again == format!("{text}\n"), "{:?} read as {:?}", text, decoded);
            }
        }
    }

    #[test]
    fn e04_e05_any_truncation_is_an_error(s in state(), at in any::<prop::sample::Index>()) {
        let text = s.encode();
        let cut = at.index(text.len() - 1);
        prop_assert!(DurableState::decode(&text[..cut]).is_err());
    }
}
