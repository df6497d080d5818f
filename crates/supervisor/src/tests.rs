use serde_json::json;

use super::*;

fn alert(ack: Option<&str>, ended: Option<i64>) -> Value {
    json!({"id": "a1", "agent_id": "u1", "agent_name": "agnes", "started_at_ms": 1,
           "ended_at_ms": ended, "callback_number": "+12065550142",
           "location": "1 Main St, Seattle, WA 98101", "test": false,
           "acknowledged_by": ack})
}

fn call(id: &str, state: &str) -> Value {
    json!({"call_id": id, "agent_id": "u2", "agent_name": "bob", "direction": "Inbound",
           "state": state, "queue": "sales", "recording": false, "duration_ms": 0})
}

#[test]
fn s01_the_view_follows_snapshot_call_changes_and_removals() {
    let mut v = SupervisorView::default();
    v.apply(
        &json!({"type": "snapshot", "at_ms": 0, "calls": [call("c1", "Ringing")],
                    "presence": [{"agent_id": "u2", "agent_name": "bob",
                                  "status": "Available", "since_ms": 0}],
                    "alerts": []}),
    )
    .unwrap();
    assert_eq!(v.conversations.len(), 1);
    v.apply(&json!({"type": "call", "call": call("c1", "Talking")}))
        .unwrap();
    v.apply(&json!({"type": "call", "call": call("c2", "Ringing")}))
        .unwrap();
    assert_eq!(
        v.conversations
            .iter()
            .map(|c| c.state.as_str())
            .collect::<Vec<_>>(),
        ["Talking", "Ringing"]
    );
    v.apply(&json!({"type": "call_removed", "call_id": "c1"}))
        .unwrap();
    assert_eq!(v.conversations[0].call_id, "c2");
    v.apply(&json!({"type": "presence", "presence": {"agent_id": "u2",
                    "agent_name": "bob", "status": "Busy", "since_ms": 5}}))
        .unwrap();
    assert_eq!(
        (v.presence.len(), v.presence[0].status.as_str()),
        (1, "Busy")
    );
}

#[test]
fn e11_the_alarm_sounds_until_acknowledged_even_after_the_call_ended() {
    let mut v = SupervisorView::default();
    assert!(!v.alarm());
    v.apply(&json!({"type": "alerts", "alerts": [alert(None, None)]}))
        .unwrap();
    assert!(v.alarm());
    v.apply(&json!({"type": "alerts", "alerts": [alert(None, Some(9))]}))
        .unwrap();
    assert!(
        v.alarm(),
        "an ended call's alert still sounds until acknowledged"
    );
    v.apply(&json!({"type": "alerts", "alerts": [alert(Some("sam"), Some(9))]}))
        .unwrap();
    assert!(!v.alarm());
}

#[test]
fn a_malformed_known_message_is_an_error_and_an_unknown_type_is_ignored() {
    let mut v = SupervisorView::default();
    let e = v
        .apply(&json!({"type": "alerts", "alerts": [{"id": 3}]}))
        .unwrap_err();
    assert!(e.to_string().contains("`alerts`"), "{e}");
    v.apply(&json!({"type": "something_new"})).unwrap();
    assert_eq!(v, SupervisorView::default());
}
