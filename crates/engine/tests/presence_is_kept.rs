//! The engine keeps the agent's presence in the data folder, and a data folder it
//! cannot use is reported, never a crash and never a silent loss.

use engine::{Engine, EngineOptions};
use std::fs;
use wire::{ErrorCode, Presence};

fn start(dir: &std::path::Path) -> Engine {
    Engine::start(EngineOptions::new(dir), tokio::runtime::Handle::current())
}

#[tokio::test]
async fn presence_is_kept_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let first = start(dir.path());
    assert_eq!(first.view().presence, Presence::Available);
    assert_eq!(
        first.set_presence(Presence::Away).unwrap().presence,
        Presence::Away
    );
    drop(first);

    let second = start(dir.path());
    let view = second.view();
    assert_eq!(view.presence, Presence::Away);
    assert_eq!(view.storage_problem, None);
}

#[tokio::test]
async fn a_change_is_published_to_subscribers() {
    let dir = tempfile::tempdir().unwrap();
    let engine = start(dir.path());
    let mut rx = engine.subscribe();
    engine.set_presence(Presence::DoNotDisturb).unwrap();
    assert_eq!(rx.try_recv().unwrap().presence, Presence::DoNotDisturb);
}

#[tokio::test]
async fn a_corrupt_state_file_is_set_aside_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("agent-state.txt"), "\u{0}garbage").unwrap();

    let engine = start(dir.path());
    let view = engine.view();
    assert_eq!(view.presence, Presence::Available);
    let problem = view.storage_problem.expect("the agent is told");
    assert_eq!(problem.code, ErrorCode::StorageCorrupt);

    // The unreadable file is kept for inspection, not overwritten.
    let kept: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("agent-state.corrupt-"))
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        fs::read_to_string(dir.path().join(&kept[0])).unwrap(),
        "\u{0}garbage"
    );

    // New changes are saved again.
    engine.set_presence(Presence::Busy).unwrap();
    drop(engine);
    assert_eq!(start(dir.path()).view().presence, Presence::Busy);
}

#[tokio::test]
async fn a_data_folder_that_is_a_file_runs_from_memory_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let not_a_folder = dir.path().join("data");
    fs::write(&not_a_folder, "I am a file").unwrap();

    let engine = start(&not_a_folder);
    let problem = engine.view().storage_problem.expect("the agent is told");
    assert_eq!(problem.code, ErrorCode::StorageUnavailable);
    assert!(
        problem.message.contains("not a folder"),
        "{}",
        problem.message
    );

    // The agent can still work; the file is untouched.
    assert_eq!(
        engine.set_presence(Presence::Busy).unwrap().presence,
        Presence::Busy
    );
    assert_eq!(fs::read_to_string(&not_a_folder).unwrap(), "I am a file");
}

#[tokio::test]
async fn an_unreadable_state_file_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    // A folder where the state file should be: reading it fails on every platform,
    // even as root (where permission bits would not stop us).
    fs::create_dir(dir.path().join("agent-state.txt")).unwrap();

    let engine = start(dir.path());
    assert_eq!(
        engine.view().storage_problem.map(|p| p.code),
        Some(ErrorCode::StorageUnavailable)
    );
    engine.set_presence(Presence::Offline).unwrap();
    assert!(dir.path().join("agent-state.txt").is_dir());
}

#[tokio::test]
async fn a_failed_save_is_reported_and_cleared_when_saving_works_again() {
    let dir = tempfile::tempdir().unwrap();
    let engine = start(dir.path());
    // A folder in place of the temporary file makes the next save fail.
    let blocker = dir.path().join("agent-state.txt.tmp");
    fs::create_dir(&blocker).unwrap();
    let view = engine.set_presence(Presence::Busy).unwrap();
    assert_eq!(view.presence, Presence::Busy);
    assert_eq!(
        view.storage_problem.map(|p| p.code),
        Some(ErrorCode::StorageUnavailable)
    );

    fs::remove_dir(&blocker).unwrap();
    let view = engine.set_presence(Presence::Away).unwrap();
    assert_eq!(view.storage_problem, None);
    drop(engine);
    assert_eq!(start(dir.path()).view().presence, Presence::Away);
}
