//! Cheap "is it up to date?" checks, so re-running a command does no needless work.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A short, stable digest (FNV-1a 64) of `bytes`, for stamp files.
pub fn digest(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// True when `output` exists and is newer than every file under `inputs`.
pub fn is_newer_than(output: &Path, inputs: impl IntoIterator<Item = PathBuf>) -> bool {
    let Some(built) = mtime(output) else {
        return false;
    };
    inputs
        .into_iter()
        .all(|input| newest(&input).is_none_or(|t| t <= built))
}

fn mtime(path: &Path) -> Option<SystemTime> {
    path.metadata().and_then(|m| m.modified()).ok()
}

/// The newest modification time of a file, or of any file under a folder.
fn newest(path: &Path) -> Option<SystemTime> {
    let meta = path.metadata().ok()?;
    if !meta.is_dir() {
        return meta.modified().ok();
    }
    std::fs::read_dir(path)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| newest(&e.path()))
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_changes_with_content() {
        assert_eq!(digest(b"abc"), digest(b"abc"));
        assert_ne!(digest(b"abc"), digest(b"abd"));
    }

    #[test]
    fn a_missing_output_is_never_fresh() {
        let dir = tempdir();
        assert!(!is_newer_than(&dir.join("nope"), [dir.clone()]));
    }

    fn tempdir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("xtask-fresh-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
