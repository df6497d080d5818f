//! Running the steps of a command: each is announced, timed, and fails loudly.

use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context};

/// A `cargo` command run from the workspace root with the same toolchain as xtask.
pub fn cargo(args: &[&str]) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(args).current_dir(crate::root());
    cmd
}

/// An `npm` command run in `ui/`.
pub fn npm(args: &[&str]) -> Command {
    npm_in("ui", args)
}

/// An `npm` command run in `dir` (relative to the workspace root).
pub fn npm_in(dir: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new("npm");
    cmd.args(args).current_dir(crate::root().join(dir));
    cmd
}

/// Runs `cmd` with inherited output, printing what runs and how long it took.
pub fn step(what: &str, mut cmd: Command) -> anyhow::Result<()> {
    println!("==> {what}: {}", describe(&cmd));
    let started = Instant::now();
    let status = cmd
        .status()
        .with_context(|| format!("cannot start: {}", describe(&cmd)))?;
    let secs = started.elapsed().as_secs_f32();
    if !status.success() {
        bail!("{what} failed ({status}) after {secs:.1}s");
    }
    println!("    {what}: ok in {secs:.1}s");
    Ok(())
}

/// Runs `cmd`, returning its stdout, printing nothing (for queries such as dpkg).
pub fn output(mut cmd: Command) -> anyhow::Result<(bool, String)> {
    let out = cmd
        .output()
        .with_context(|| format!("cannot start: {}", describe(&cmd)))?;
    Ok((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

pub fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// `program` run as root: directly when we are root, else through sudo.
pub fn privileged(program: &str) -> Command {
    if is_root() {
        Command::new(program)
    } else {
        let mut c = Command::new("sudo");
        c.arg(program);
        c
    }
}

/// True when this process runs as root (then apt and PostgreSQL need no sudo).
pub fn is_root() -> bool {
    let mut id = Command::new("id");
    id.arg("-u");
    output(id)
        .map(|(_, out)| out.trim() == "0")
        .unwrap_or(false)
}
