//! `cargo xtask test`: every test layer, in order from cheapest to dearest, with counts.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context};

use crate::{exec, fuzz, postgres, setup};

const LAYERS: &[&str] = &["fmt", "ui", "clippy", "rust", "fuzz", "e2e"];

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    passed: u64,
    failed: u64,
    ignored: u64,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.ignored += other.ignored;
    }
}

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let layers: Vec<&str> = match args {
        [] => LAYERS.to_vec(),
        [flag, layer] if flag == "--only" && LAYERS.contains(&layer.as_str()) => {
            vec![layer.as_str()]
        }
        _ => bail!("usage: cargo xtask test [--only {}]", LAYERS.join("|")),
    };
    let started = Instant::now();
    setup::system_packages(setup::Purpose::Test)?;
    setup::ui_packages()?;
    // The app embeds ui/dist at compile time, so every Rust layer needs it built.
    setup::ui_build()?;
    setup::browser_peer()?;

    let mut report: Vec<(&str, Counts)> = Vec::new();
    for layer in layers {
        let counts = match layer {
            "fmt" => {
                exec::step(
                    "rustfmt check",
                    exec::cargo(&["fmt", "--all", "--", "--check"]),
                )?;
                None
            }
            "ui" => {
                exec::step("ui type check", exec::npm(&["run", "check"]))?;
                exec::step("ui lint", exec::npm(&["run", "lint"]))?;
                Some(counted("ui unit tests (vitest)", exec::npm(&["test"]))?)
            }
            "clippy" => {
                exec::step(
                    "clippy",
                    exec::cargo(&[
                        "clippy",
                        "--workspace",
                        "--all-targets",
                        "--",
                        "-D",
                        "warnings",
                    ]),
                )?;
                None
            }
            "rust" => {
                let pg = postgres::ensure_server()?;
                let mut cmd = exec::cargo(&["test", "--workspace", "--exclude", "system-tests"]);
                cmd.env("BACKOFFICE_TEST_PG_URL", pg);
                Some(counted("rust unit, scenario and integration tests", cmd)?)
            }
            "fuzz" => {
                fuzz::run()?;
                // One target, run to its time limit without a failing input.
                Some(Counts {
                    passed: 1,
                    ..Counts::default()
                })
            }
            "e2e" => {
                exec::step("build the app", exec::cargo(&["build", "-p", "softphone"]))?;
                exec::step(
                    "build the back office and the SIP edge",
                    exec::cargo(&["build", "-p", "backoffice", "-p", "edge"]),
                )?;
                let cmd = isolated(exec::cargo(&["test", "-p", "system-tests"]));
                Some(counted(
                    "end-to-end tests (app under Xvfb via WebDriver)",
                    cmd,
                )?)
            }
            _ => unreachable!("layers are checked above"),
        };
        if let Some(c) = counts {
            report.push((layer, c));
        }
    }

    let mut total = Counts::default();
    println!("\n==> summary ({:.0}s)", started.elapsed().as_secs_f32());
    for (layer, c) in &report {
        println!("    {layer:<6} {} passed, {} failed", c.passed, c.failed);
        total.add(*c);
    }
    println!("{} passed, {} failed", total.passed, total.failed);
    if total.ignored > 0 {
        bail!(
            "{} tests are ignored: this project runs every test",
            total.ignored
        );
    }
    Ok(())
}

/// Runs `cmd` in a PID namespace of its own when we may (as root, with unshare), so
/// that no process the end-to-end tests start (Xvfb, the driver, the app, WebKit's
/// helpers) can outlive the run or signal anything outside it.
fn isolated(cmd: Command) -> Command {
    let unshare_works = exec::is_root()
        && exec::output({
            let mut c = Command::new("unshare");
            c.args(["--pid", "--fork", "--mount-proc", "true"]);
            c
        })
        .is_ok_and(|(ok, _)| ok);
    if !unshare_works {
        return cmd;
    }
    let mut wrapped = Command::new("unshare");
    wrapped
        .args(["--pid", "--fork", "--mount-proc", "--"])
        .arg(cmd.get_program())
        .args(cmd.get_args());
    if let Some(dir) = cmd.get_current_dir() {
        wrapped.current_dir(dir);
    }
    for (key, value) in cmd.get_envs() {
        match value {
            Some(v) => wrapped.env(key, v),
            None => wrapped.env_remove(key),
        };
    }
    wrapped
}

/// Runs a test command, echoing its output and adding up the counts it reports.
fn counted(what: &str, mut cmd: Command) -> anyhow::Result<Counts> {
    println!("==> {what}: {}", exec::describe(&cmd));
    let started = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .env("FORCE_COLOR", "0")
        .spawn()
        .with_context(|| format!("cannot start: {}", exec::describe(&cmd)))?;
    let mut counts = Counts::default();
    let stdout = child.stdout.take().context("no stdout")?;
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        println!("{line}");
        counts.add(parse_counts(&strip_ansi(&line)));
    }
    let status = child.wait()?;
    let secs = started.elapsed().as_secs_f32();
    if !status.success() {
        bail!("{what} failed ({status}) after {secs:.1}s");
    }
    if counts.passed == 0 {
        bail!("{what} ran no test");
    }
    println!("    {what}: {} passed in {secs:.1}s", counts.passed);
    Ok(counts)
}

/// Reads cargo's `test result: ok. 3 passed; 0 failed; 0 ignored; ...` and vitest's
/// `Tests  12 passed (12)` lines.
fn parse_counts(line: &str) -> Counts {
    let line = line.trim();
    let number_before = |word: &str| -> u64 {
        line.split([';', '|', '('])
            .filter_map(|part| part.trim().strip_suffix(word))
            .filter_map(|n| n.trim().rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    };
    if line.starts_with("test result:") || line.starts_with("Tests ") {
        Counts {
            passed: number_before("passed"),
            failed: number_before("failed"),
            ignored: number_before("ignored") + number_before("skipped"),
        }
    } else {
        Counts::default()
    }
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // Skip to the end of the escape sequence (a letter).
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_result_lines_are_counted() {
        let c = parse_counts(
            "test result: ok. 12 passed; 1 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.01s",
        );
        assert_eq!((c.passed, c.failed, c.ignored), (12, 1, 2));
    }

    #[test]
    fn vitest_lines_are_counted() {
        let c = parse_counts(&strip_ansi("      \u{1b}[2mTests\u{1b}[22m  \u{1b}[1m\u{1b}[32m21 passed\u{1b}[39m\u{1b}[22m\u{1b}[90m (21)\u{1b}[39m"));
        assert_eq!((c.passed, c.failed), (21, 0));
        let c = parse_counts("Tests  3 failed | 18 passed (21)");
        assert_eq!((c.passed, c.failed), (18, 3));
    }

    #[test]
    fn other_lines_count_nothing() {
        let c = parse_counts("test foo::bar ... ok");
        assert_eq!((c.passed, c.failed, c.ignored), (0, 0, 0));
    }
}
