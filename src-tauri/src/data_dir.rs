//! Where the app keeps its data: `--data-dir PATH` on the command line, else the
//! `SOFTPHONE_DATA_DIR` environment variable, else the platform's app-data folder.
//! Tests always pass one of the first two, so they never touch a user's data.
//!
//! The configuration file is `--config PATH`, else `SOFTPHONE_CONFIG`, else
//! `softphone.toml` in the data folder (the engine's default).

use std::ffi::OsString;
use std::path::PathBuf;

use tauri::Manager;

pub const ENV_VAR: &str = "SOFTPHONE_DATA_DIR";
pub const CONFIG_ENV_VAR: &str = "SOFTPHONE_CONFIG";

/// The configuration file named on the command line or in the environment.
pub fn config_file() -> Option<PathBuf> {
    flag_value(std::env::args_os().skip(1), "--config").or_else(|| {
        std::env::var_os(CONFIG_ENV_VAR)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
}

pub fn resolve(app: &tauri::AppHandle) -> PathBuf {
    if let Some(dir) = flag_value(std::env::args_os().skip(1), "--data-dir") {
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

/// Accepts `FLAG PATH` and `FLAG=PATH`.
fn flag_value(args: impl IntoIterator<Item = OsString>, flag: &str) -> Option<PathBuf> {
    let mut args = args.into_iter();
    let prefix = format!("{flag}=");
    while let Some(arg) = args.next() {
        if arg == flag {
            return args.next().map(PathBuf::from);
        }
        if let Some(value) = arg.to_str().and_then(|s| s.strip_prefix(prefix.as_str())) {
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
    fn flags_are_read_in_both_forms() {
        assert_eq!(
            flag_value(
                args(&["--config=/tmp/c.toml", "--data-dir", "/tmp/a"]),
                "--data-dir"
            ),
            Some(PathBuf::from("/tmp/a"))
        );
        assert_eq!(
            flag_value(args(&["--verbose", "--data-dir=/tmp/b"]), "--data-dir"),
            Some(PathBuf::from("/tmp/b"))
        );
        assert_eq!(
            flag_value(args(&["--config", "/tmp/c.toml"]), "--config"),
            Some(PathBuf::from("/tmp/c.toml"))
        );
        assert_eq!(flag_value(args(&["--verbose"]), "--data-dir"), None);
        assert_eq!(flag_value(args(&["--data-dir"]), "--data-dir"), None);
    }
}
