//! The last 933 test call (E9's readiness shows it): recorded when a test call ends,
//! kept in the data folder so the indicator still knows after a restart.

use std::path::Path;

use wire::TestCallView;

pub const TEST_CALL_FILE: &str = "last-933-test.txt";

/// `<ended at, ms> <reached|unreached>`; `None` when absent or unreadable (then the
/// indicator says "never", which invites a new test rather than hiding a failure).
pub(crate) fn load(dir: &Path) -> Option<TestCallView> {
    let text = std::fs::read_to_string(dir.join(TEST_CALL_FILE)).ok()?;
    let (at, outcome) = text.trim().split_once(' ')?;
    let reached = match outcome {
        "reached" => true,
        "unreached" => false,
        _ => return None,
    };
    Some(TestCallView {
        at: at.parse().ok()?,
        reached,
    })
}

pub(crate) fn save(dir: &Path, test: TestCallView) -> std::io::Result<()> {
    let outcome = if test.reached { "reached" } else { "unreached" };
    std::fs::write(dir.join(TEST_CALL_FILE), format!("{} {outcome}\n", test.at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_result_survives_a_restart_and_garbage_reads_as_never() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()), None);
        let t = TestCallView {
            at: 1_795_000_000_000,
            reached: false,
        };
        save(dir.path(), t).unwrap();
        assert_eq!(load(dir.path()), Some(t));
        std::fs::write(dir.path().join(TEST_CALL_FILE), "yesterday maybe").unwrap();
        assert_eq!(load(dir.path()), None);
    }
}
