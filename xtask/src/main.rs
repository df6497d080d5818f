//! The project's commands, so that a fresh machine needs only Rust, Node and npm.
//!
//! - `cargo xtask run [-- APP ARGS]`: install what is missing, build the UI and the app,
//!   open the app.
//! - `cargo xtask test [--only LAYER]`: install what is missing and run every test layer.
//! - `cargo xtask bench`: run the benchmarks and print their figures.
//! - `cargo xtask gen-types`: rewrite the UI's TypeScript types from the Rust edge types.
//! - `cargo xtask setup`: only install what is missing.

mod exec;
mod fresh;
mod fuzz;
mod postgres;
mod setup;
mod test;

use std::path::PathBuf;

use anyhow::{bail, Context};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_default();
    let rest: Vec<String> = args.collect();
    match command.as_str() {
        "run" => run(&rest),
        "test" => test::run(&rest),
        "gen-types" => gen_types(),
        "bench" => bench(),
        "setup" => {
            setup::system_packages(setup::Purpose::Test)?;
            setup::ui_packages()
        }
        "" | "help" | "--help" | "-h" => {
            println!("{}", USAGE);
            Ok(())
        }
        other => bail!("unknown command {other:?}\n{USAGE}"),
    }
}

/// Every benchmark, each printing its own figures (the README keeps the last ones).
fn bench() -> anyhow::Result<()> {
    setup::system_packages(setup::Purpose::Test)?;
    exec::step(
        "benchmark: policy core dial step",
        exec::cargo(&["bench", "-p", "agent-core", "--bench", "dial_step"]),
    )?;
    exec::step(
        "benchmark: dial to INVITE on the wire, against baresip",
        exec::cargo(&["bench", "-p", "engine", "--bench", "dial_to_invite"]),
    )?;
    exec::step(
        "benchmark: media path latency and CPU, against baresip",
        exec::cargo(&["bench", "-p", "media-net", "--bench", "media_path"]),
    )?;
    exec::step(
        "benchmark: WebRTC call set-up and CPU, against the plain RTP path",
        exec::cargo(&["bench", "-p", "media-net", "--bench", "webrtc_setup"]),
    )?;
    exec::step(
        "benchmark: calls per second through the SIP edge, against kamailio",
        exec::cargo(&["bench", "-p", "edge", "--bench", "relay_vs_kamailio"]),
    )?;
    for example in ["lease_bench", "order_bench"] {
        let run = ["run", "--release", "-p", "backoffice", "--example", example];
        exec::step(
            &format!("benchmark: back office {example} on SQLite"),
            exec::cargo(&run),
        )?;
        let pg = postgres::fresh_database(&format!("softphone_{example}"))?;
        let mut cmd = exec::cargo(&run);
        cmd.args(["--", &pg]);
        exec::step(
            &format!("benchmark: back office {example} on PostgreSQL"),
            cmd,
        )?;
    }
    Ok(())
}

const USAGE: &str =
    "usage: cargo xtask <run [-- APP ARGS] | test [--only LAYER] | gen-types | setup>
layers: fmt, ui, clippy, rust, fuzz, e2e (default: all, in that order)";

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

/// The cargo target folder in use (it may live outside the clone, as on CI).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

fn gen_types() -> anyhow::Result<()> {
    let path = root().join(wire::TYPESCRIPT_PATH);
    std::fs::write(&path, wire::typescript_bindings())
        .with_context(|| format!("cannot write {}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(())
}

fn run(rest: &[String]) -> anyhow::Result<()> {
    setup::system_packages(setup::Purpose::Run)?;
    setup::ui_packages()?;
    setup::ui_build()?;
    exec::step("build the app", exec::cargo(&["build", "-p", "softphone"]))?;
    let app = target_dir().join("debug/softphone");
    let app_args: Vec<&str> = rest
        .iter()
        .map(String::as_str)
        .skip_while(|a| *a == "--")
        .collect();
    let has_display =
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    let mut cmd = if has_display {
        std::process::Command::new(&app)
    } else {
        println!("no DISPLAY or WAYLAND_DISPLAY: opening the app on a virtual display (xvfb-run)");
        let mut c = std::process::Command::new("xvfb-run");
        c.args(["-a", "-s", "-screen 0 1280x1024x24"]).arg(&app);
        c
    };
    cmd.args(&app_args);
    println!("==> open the app: {}", app.display());
    let status = cmd.status().context("cannot start the app")?;
    if !status.success() {
        bail!("the app exited with {status}");
    }
    Ok(())
}
