//! Where the app keeps its data: `--data-dir PATH` on the command line, else the
//! `SOFTPHONE_DATA_DIR` environment variable, else the platform's app-data folder.
//! Tests always pass one of the first two, so they never touch a user's data.

use std::ffi::OsString;
use std::path::PathBuf;

use tauri::Manager;

pub const ENV_VAR: &str = "SOFTPHONE_DATA_DIR";

pub fn resolve(app: &tauri::AppHandle) -> PathBuf {
    if let Some(dir) = from_args(std::env::args_os().skip(1)) {
        return dir;
    }
    if let Some(dir) = std::env::var_os(ENV_VAR).filter(|v| !v.is_empty()) {
        return PathBuf::from(dir);
    }
    match app.path().app_data_dir() {
        Ok(dir) => dir,
        Err(e) => {
            // No home folder: the engine reports the folder as unusable and runs from
            // memory, which beats not starting at all.
            tracing::error!(error = %e, "no app-data folder on this system");
            PathBuf::from("")
        }
    }
}

/// Accepts `--data-dir PATH` and `--data-dir=PATH`.
fn from_args(args: impl IntoIterator<Item = OsString>) -> Option<PathBuf> {
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(value) = arg.to_str().and_then(|s| s.strip_prefix("--data-dir=")) {
            return Some(PathBuf::from(value));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn data_dir_flag_is_read_in_both_forms() {
        assert_eq!(
            from_args(args(&["--data-dir", "/tmp/a"])),
            Some(PathBuf::from("/tmp/a"))
        );
        assert_eq!(
            from_args(args(&["--verbose", "--data-dir=/tmp/b"])),
            Some(PathBuf::from("/tmp/b"))
        );
        assert_eq!(from_args(args(&["--verbose"])), None);
        assert_eq!(from_args(args(&["--data-dir"])), None);
    }
}
