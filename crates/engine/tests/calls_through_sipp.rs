//! The engine places real calls through a real SIP peer (sipp) and runs the policy core
//! on what happens: the emergency INVITE (E2, E10), history (E7), failures in words.

mod common;

use common::{assert_nothing_kept, config_for, engine_with, wait_view, Sipp};
use wire::{CallState, ErrorCode, Presence, RegistrationState};

#[tokio::test]
async fn a_normal_call_is_answered_hung_up_and_kept_in_history() {
    let mut sipp = Sipp::serve("answer_then_our_bye.xml").await;
    let (engine, dir) = engine_with(&config_for(sipp.addr, ""));
    let id = engine.dial("+1 (206) 555-0142").expect("dial");
    let view = wait_view(&engine, "the call is connected", |v| {
        v.calls
            .iter()
            .any(|c| c.id == id && c.state == CallState::Connected)
    })
    .await;
    let call = &view.calls[0];
    assert_eq!(call.remote, "+12065550142");
    assert!(!call.emergency && call.answered_at.is_some());
    assert!(call.controls.contains(&wire::CallControl::Hold));
    assert_eq!(view.presence, Presence::Available);

    engine.hang_up(id).expect("hang up");
    let view = wait_view(&engine, "the call ended", |v| {
        v.calls.iter().all(|c| c.state == CallState::Ended)
    })
    .await;
    sipp.assert_passed().await;
    assert_eq!(view.history.len(), 1, "{:?}", view.history);
    assert_eq!(view.history[0].remote, "+12065550142");
    assert!(view.history[0].answered_at.is_some());
    let file = std::fs::read_to_string(dir.path().join(engine::HISTORY_FILE)).unwrap();
    assert_eq!(file.lines().count(), 1);
}

#[tokio::test]
async fn e2_e7_e10_a_dialled_911_carries_priority_callback_and_location_and_is_neither_kept_nor_recorded(
) {
    let mut sipp = Sipp::serve("emergency_911.xml").await;
    // The tenant records every call; E7 still forbids it for this one.
    let config = config_for(sipp.addr, "[recording]\npolicy = \"always\"\n");
    let (engine, dir) = engine_with(&config);
    let id = engine.dial("911").expect("dial 911");
    let view = wait_view(&engine, "the emergency call is connected", |v| {
        v.calls
            .iter()
            .any(|c| c.id == id && c.state == CallState::Connected)
    })
    .await;
    // E4 and E8: Do Not Disturb, locked; only device settings and End call.
    assert_eq!(view.presence, Presence::DoNotDisturb);
    assert!(view.presence_locked);
    let call = &view.calls[0];
    assert!(call.emergency);
    assert_eq!(
        call.controls,
        vec![wire::CallControl::AudioDevices, wire::CallControl::EndCall]
    );
    let panel = call.panel.as_ref().expect("the emergency panel");
    assert_eq!(panel.callback_number.as_deref(), Some("+12065550100"));
    assert_eq!(panel.callback_source.as_deref(), Some("agent"));
    assert_eq!(
        panel.location.as_deref(),
        Some("400 Pine St, floor 3, Seattle, WA 98101, US")
    );
    let refused = engine.set_presence(Presence::Available).unwrap_err();
    assert_eq!(refused.code, ErrorCode::PresenceLocked);

    engine.hang_up(id).expect("hang up");
    let view = wait_view(&engine, "presence is back", |v| {
        v.presence == Presence::Available && !v.presence_locked
    })
    .await;
    sipp.assert_passed().await;
    // E7: no history; E5: the callback window runs.
    assert_nothing_kept(&view, dir.path());
    let window = view.callback_window.expect("the callback window");
    assert_eq!(window.number.as_deref(), Some("+12065550100"));
}

#[tokio::test]
async fn a_busy_callee_is_shown_as_busy_and_presence_is_untouched() {
    let mut sipp = Sipp::serve("busy.xml").await;
    let (engine, _dir) = engine_with(&config_for(sipp.addr, ""));
    let id = engine.dial("+12065550143").expect("dial");
    let view = wait_view(&engine, "the call failed", |v| {
        v.calls.iter().any(|c| c.id == id && c.outcome.is_some())
    })
    .await;
    sipp.assert_passed().await;
    assert_eq!(
        view.calls[0].outcome.as_ref().unwrap().code,
        ErrorCode::Busy
    );
    assert_eq!(view.presence, Presence::Available);
    // The agent dismisses the failed call's card.
    let view = engine.hang_up(id).expect("dismiss");
    assert!(view.calls.is_empty());
}

#[tokio::test]
async fn without_a_sip_account_a_call_fails_with_not_configured() {
    let (engine, _dir) = engine_with("");
    assert_eq!(
        engine.view().registration.state,
        RegistrationState::NotConfigured
    );
    let id = engine.dial("+12065550144").expect("dial is accepted");
    let view = wait_view(&engine, "the call failed", |v| {
        v.calls.iter().any(|c| c.id == id && c.outcome.is_some())
    })
    .await;
    assert_eq!(
        view.calls[0].outcome.as_ref().unwrap().code,
        ErrorCode::NotConfigured
    );
}

#[tokio::test]
async fn a_number_that_is_not_one_is_refused_and_no_call_appears() {
    let (engine, _dir) = engine_with("");
    let err = engine.dial("call mom").unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(engine.view().calls.is_empty());
}

#[tokio::test]
async fn a_broken_configuration_file_is_reported_and_the_app_runs() {
    let (engine, _dir) = engine_with("[sip]\nuser = 3\n");
    let view = engine.view();
    let problem = view.config_problem.expect("the problem is shown");
    assert!(
        problem.message.contains("softphone.toml"),
        "{}",
        problem.message
    );
    assert_eq!(view.registration.state, RegistrationState::NotConfigured);
}

#[tokio::test]
async fn a_blind_transfer_sends_refer_to_the_number_and_ends_our_leg_on_success() {
    let mut sipp = Sipp::serve("transfer_refer.xml").await;
    let (engine, _dir) = engine_with(&config_for(sipp.addr, ""));
    let id = engine.dial("+12065550142").expect("dial");
    wait_view(&engine, "the call is connected", |v| {
        v.calls
            .iter()
            .any(|c| c.id == id && c.state == CallState::Connected)
    })
    .await;
    let err = engine.transfer(id, "not a number").unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    engine.transfer(id, "+1 206 555 0177").expect("transfer");
    let view = wait_view(&engine, "our leg ended", |v| {
        v.calls.iter().all(|c| c.state == CallState::Ended)
    })
    .await;
    sipp.assert_passed().await;
    // (No sound card here: an audio problem is expected; a transfer problem is not.)
    assert!(
        view.calls[0]
            .problem
            .as_ref()
            .is_none_or(|p| p.code != ErrorCode::Rejected),
        "{:?}",
        view.calls[0].problem
    );
}

#[tokio::test]
async fn an_emergency_call_cannot_be_transferred_e8() {
    let mut sipp = Sipp::serve("emergency_911.xml").await;
    let (engine, _dir) = engine_with(&config_for(sipp.addr, ""));
    let id = engine.dial("911").expect("dial");
    wait_view(&engine, "connected", |v| {
        v.calls
            .iter()
            .any(|c| c.id == id && c.state == CallState::Connected)
    })
    .await;
    let err = engine.transfer(id, "+12065550177").unwrap_err();
    assert_eq!(err.code, ErrorCode::NotAllowed);
    engine.hang_up(id).expect("hang up");
    sipp.assert_passed().await;
}
