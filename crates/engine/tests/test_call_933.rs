//! The 933 test call's result in the readiness indicator (E9): a test that reaches the
//! test center counts, one that fails is a problem to fix, and both survive a restart.

mod common;

use common::{config_for, engine_with, wait_view, Sipp};
use wire::CallState;

#[tokio::test]
async fn a_933_test_that_fails_shows_as_a_readiness_problem_until_one_succeeds() {
    let mut busy = Sipp::serve("busy.xml").await;
    let (engine, dir) = engine_with(&config_for(busy.addr, ""));
    assert_eq!(engine.view().readiness.last_test, None, "never tested yet");
    let id = engine.dial("933").expect("dial 933");
    let view = wait_view(&engine, "the failed test is recorded", |v| {
        v.readiness.last_test.is_some()
    })
    .await;
    busy.assert_passed().await;
    let test = view.readiness.last_test.expect("test");
    assert!(!test.reached);
    assert!(!view.readiness.ready);
    assert!(
        view.readiness
            .problems
            .iter()
            .any(|p| p.contains("933 test call did not reach")),
        "{:?}",
        view.readiness.problems
    );
    let _ = engine.hang_up(id);
    // The result is written off the engine's thread: wait for the file.
    let file = dir.path().join(engine::TEST_CALL_FILE);
    for _ in 0..100 {
        if file.exists() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    drop(engine);

    // A restart still knows; then a test that is answered clears the problem.
    let mut answers = Sipp::serve("answer_then_our_bye.xml").await;
    std::fs::write(
        dir.path().join("softphone.toml"),
        config_for(answers.addr, ""),
    )
    .unwrap();
    let engine = engine::Engine::start(
        engine::EngineOptions::new(dir.path()),
        tokio::runtime::Handle::current(),
    );
    assert_eq!(engine.view().readiness.last_test, Some(test));
    let id = engine.dial("933").expect("dial 933 again");
    wait_view(&engine, "the test call is answered", |v| {
        v.calls
            .iter()
            .any(|c| c.id == id && c.state == CallState::Connected)
    })
    .await;
    engine.hang_up(id).expect("hang up");
    let view = wait_view(&engine, "the good test is recorded", |v| {
        v.readiness.last_test.is_some_and(|t| t.reached)
    })
    .await;
    answers.assert_passed().await;
    assert!(
        !view.readiness.problems.iter().any(|p| p.contains("933")),
        "{:?}",
        view.readiness.problems
    );
}
