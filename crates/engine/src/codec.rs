//! The text form of the core's durable state in the data folder.

use agent_core::{DurableState, Presence};

const HEADER: &str = "softphone-agent-state v1";

pub(crate) fn encode(state: &DurableState) -> String {
    format!("{HEADER}\npresence={}\n", state.presence.as_str())
}

pub(crate) fn decode(text: &str) -> Result<DurableState, String> {
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return Err("unknown format".into());
    }
    let mut state = DurableState::default();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| format!("line without '=': {line:?}"))?;
        match key {
            "presence" => {
                state.presence =
                    Presence::parse(value).ok_or_else(|| format!("unknown presence {value:?}"))?;
            }
            other => return Err(format!("unknown field {other:?}")),
        }
    }
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_presence_survives_encode_and_decode() {
        for presence in Presence::ALL {
            let state = DurableState { presence };
            assert_eq!(decode(&encode(&state)), Ok(state));
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_default() {
        assert!(decode("").is_err());
        assert!(decode("\u{0}\u{1}binary").is_err());
        assert!(decode(&format!("{HEADER}\npresence=sleeping\n")).is_err());
        assert!(decode(&format!("{HEADER}\nno equals sign\n")).is_err());
    }
}
