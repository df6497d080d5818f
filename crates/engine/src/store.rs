//! The agent's durable state on disk: one small text file, replaced atomically.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use agent_core::{DurableState, Millis};
use wire::{ErrorCode, UiError};

const STATE_FILE: &str = "agent-state.txt";

/// Why the data folder could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the data folder {path} cannot be created or opened: {source}")]
    Open { path: PathBuf, source: io::Error },
    #[error("the data folder {path} is not a folder")]
    NotADirectory { path: PathBuf },
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },
    #[error("cannot save {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
}

/// The data folder's state file. Writes go to a temporary file that is synced and then
/// renamed over the old one, so a crash leaves either the old or the new state, never
/// half of one.
#[derive(Debug, Clone)]
pub struct StateStore {
    dir: PathBuf,
}

impl StateStore {
    /// Opens (creating if needed) the data folder.
    pub fn open(dir: &Path) -> Result<StateStore, StoreError> {
        if dir.exists() && !dir.is_dir() {
            return Err(StoreError::NotADirectory {
                path: dir.to_path_buf(),
            });
        }
        fs::create_dir_all(dir).map_err(|source| StoreError::Open {
            path: dir.to_path_buf(),
            source,
        })?;
        Ok(StateStore {
            dir: dir.to_path_buf(),
        })
    }

    pub fn state_path(&self) -> PathBuf {
        self.dir.join(STATE_FILE)
    }

    /// The saved state, or `None` on a first start.
    pub fn load(&self) -> Result<Option<String>, StoreError> {
        let path = self.state_path();
        match fs::read_to_string(&path) {
            Ok(s) => Ok(Some(s)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StoreError::Read { path, source }),
        }
    }

    pub fn save(&self, contents: &str) -> Result<(), StoreError> {
        let path = self.state_path();
        let tmp = self.dir.join(format!("{STATE_FILE}.tmp"));
        let write = || -> io::Result<()> {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(contents.as_bytes())?;
            f.sync_all()?;
            fs::rename(&tmp, &path)?;
            // The rename is durable only once the folder itself is synced.
            fs::File::open(&self.dir)?.sync_all()
        };
        write().map_err(|source| StoreError::Write {
            path: path.clone(),
            source,
        })
    }

    /// Moves an unreadable state file aside, so that it is kept for inspection and is
    /// not overwritten by the next save. Returns where it went.
    pub fn set_aside(&self, now_ms: u64) -> Result<PathBuf, StoreError> {
        let from = self.state_path();
        let to = self.dir.join(format!("agent-state.corrupt-{now_ms}.txt"));
        fs::rename(&from, &to).map_err(|source| StoreError::Write { path: from, source })?;
        Ok(to)
    }
}

/// Opens the store and reads the saved state, turning every failure into a problem
/// the agent can read, and a state the app can run from.
pub(crate) fn load(dir: &Path, now: Millis) -> (Option<StateStore>, DurableState, Option<UiError>) {
    let store = match StateStore::open(dir) {
        Ok(store) => store,
        Err(e) => {
            tracing::error!(error = %e, "data folder unusable; running from memory");
            let problem = UiError::new(
                ErrorCode::StorageUnavailable,
                format!("{e}. Settings will not be kept when the app closes."),
            );
            return (None, DurableState::default(), Some(problem));
        }
    };
    let text = match store.load() {
        Ok(None) => return (Some(store), DurableState::default(), None),
        Ok(Some(text)) => text,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the saved state");
            let problem = UiError::new(
                ErrorCode::StorageUnavailable,
                format!("{e}. Starting with default settings; the file is left as it is."),
            );
            // Saving over a file we could not read could destroy settings: don't.
            return (None, DurableState::default(), Some(problem));
        }
    };
    match DurableState::decode(&text) {
        Ok(state) => (Some(store), state, None),
        Err(why) => {
            let problem = match store.set_aside(now.0) {
                Ok(kept) => {
                    tracing::error!(%why, kept = %kept.display(), "saved state unreadable; set aside");
                    UiError::new(
                        ErrorCode::StorageCorrupt,
                        format!(
                            "The saved settings could not be read ({why}); they were kept as {} and defaults are in use.",
                            kept.display()
                        ),
                    )
                }
                Err(e) => {
                    tracing::error!(%why, error = %e, "saved state unreadable and cannot be set aside");
                    return (
                        None,
                        DurableState::default(),
                        Some(UiError::new(
                            ErrorCode::StorageCorrupt,
                            format!("The saved settings could not be read ({why}) nor set aside ({e}). Defaults are in use and nothing will be saved."),
                        )),
                    );
                }
            };
            (Some(store), DurableState::default(), Some(problem))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_state_is_loaded_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::open(dir.path()).unwrap();
        assert_eq!(store.load().unwrap(), None);
        store.save("v1\npresence=busy\n").unwrap();
        assert_eq!(
            store.load().unwrap().as_deref(),
            Some("v1\npresence=busy\n")
        );
        assert!(!dir.path().join("agent-state.txt.tmp").exists());
    }

    #[test]
    fn a_file_in_place_of_the_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-folder");
        fs::write(&file, "x").unwrap();
        assert!(matches!(
            StateStore::open(&file),
            Err(StoreError::NotADirectory { .. })
        ));
    }

    #[test]
    fn set_aside_keeps_the_bad_file_and_frees_the_name() {
        let dir = tempfile::tempdir().unwrap();
        let store = StateStore::open(dir.path()).unwrap();
        fs::write(store.state_path(), "garbage").unwrap();
        let kept = store.set_aside(42).unwrap();
        assert_eq!(fs::read_to_string(kept).unwrap(), "garbage");
        assert_eq!(store.load().unwrap(), None);
    }
}
