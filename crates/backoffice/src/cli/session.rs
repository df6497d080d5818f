//! The saved sign-in: `{ "url": ..., "token": ... }` in the session file, readable by
//! its owner only. `BACKOFFICE_TOKEN` overrides the saved token (for scripts).

use std::path::PathBuf;

use anyhow::Context;
use serde::{Deserialize, Serialize};

pub const DEFAULT_URL: &str = "http://127.0.0.1:8080";

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Saved {
    pub url: Option<String>,
    pub token: Option<String>,
}

/// `BACKOFFICE_SESSION`, else `$XDG_CONFIG_HOME/backoffice/session.json`, else
/// `~/.config/backoffice/session.json`.
pub fn path() -> anyhow::Result<PathBuf> {
    if let Some(p) = std::env::var_os("BACKOFFICE_SESSION") {
        return Ok(p.into());
    }
    let config = match std::env::var_os("XDG_CONFIG_HOME") {
        Some(c) => PathBuf::from(c),
        None => PathBuf::from(
            std::env::var_os("HOME").context("neither BACKOFFICE_SESSION nor HOME is set")?,
        )
        .join(".config"),
    };
    Ok(config.join("backoffice").join("session.json"))
}

pub fn load() -> anyhow::Result<Saved> {
    let p = path()?;
    match std::fs::read(&p) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .with_context(|| format!("reading the session file {}", p.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Saved::default()),
        Err(e) => Err(e).with_context(|| format!("reading the session file {}", p.display())),
    }
}

pub fn save(saved: &Saved) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let p = path()?;
    if let Some(dir) = p.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    // 0600: the token is as good as the password for 12 hours.
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&p)
        .with_context(|| format!("writing the session file {}", p.display()))?;
    f.write_all(&serde_json::to_vec_pretty(saved)?)?;
    Ok(())
}

pub fn forget() -> anyhow::Result<()> {
    let p = path()?;
    match std::fs::remove_file(&p) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("removing {}", p.display()))
        }
        _ => Ok(()),
    }
}

/// A secret from `var`, else the first line of standard input.
pub fn secret(var: &str, what: &str) -> anyhow::Result<String> {
    if let Ok(v) = std::env::var(var) {
        return Ok(v);
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .with_context(|| format!("reading the {what} from standard input"))?;
    let line = line.trim_end_matches(['\r', '\n']).to_owned();
    anyhow::ensure!(
        !line.is_empty(),
        "no {what}: set {var} or give it on standard input"
    );
    Ok(line)
}
