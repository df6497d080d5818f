//! Installing what the project needs on a fresh Debian or Ubuntu machine, and nothing
//! when it is already there (so a second run costs a few milliseconds).

use std::process::Command;

use anyhow::Context;

use crate::exec;
use crate::fresh;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Run,
    Test,
}

/// Libraries the Tauri app links against, and cmake for libopus.
const BUILD: &[&str] = &[
    "build-essential",
    "pkg-config",
    "cmake",
    "libssl-dev",
    "libgtk-3-dev",
    "libwebkit2gtk-4.1-dev",
    "libjavascriptcoregtk-4.1-dev",
    "libsoup-3.0-dev",
    "librsvg2-dev",
    // cpal's ALSA backend (media-net's real audio devices).
    "libasound2-dev",
    // `cargo xtask run` on a machine without a display opens the app under Xvfb.
    "xvfb",
    "xauth",
];

/// The real peers and servers the tests use.
const TEST: &[&str] = &[
    "webkit2gtk-driver",
    "postgresql",
    // sipp: the SIP peer (registrar, UAS, UAC) of the sip-ua interop tests.
    "sip-tester",
    // baresip: the real SIP/RTP peer of media-net's interop tests (PCMU, Opus).
    "baresip",
    // linphonec: the second real peer of the engine's call tests (audio both ways).
    "linphone-cli",
    // xwininfo and import: the window test finds the app's window and photographs it.
    "x11-utils",
    "imagemagick",
    // The web console's tests drive headless Chromium through chromedriver.
    "chromium",
    "chromium-driver",
    // kamailio: the stateful relay the SIP edge's throughput is compared with.
    "kamailio",
    // coturn: the TURN and STUN server of the WebRTC legs' ICE tests.
    "coturn",
];

pub fn system_packages(purpose: Purpose) -> anyhow::Result<()> {
    let mut wanted: Vec<&str> = BUILD.to_vec();
    if purpose == Purpose::Test {
        wanted.extend_from_slice(TEST);
    }
    let missing: Vec<&str> = wanted.into_iter().filter(|p| !is_installed(p)).collect();
    if missing.is_empty() {
        println!("==> system packages: all present");
        return Ok(());
    }
    println!("==> system packages missing: {}", missing.join(" "));
    exec::step("apt-get update", apt(&["update", "-q"]))?;
    let mut args = vec!["install", "-y", "-q", "--no-install-recommends"];
    args.extend(missing);
    exec::step("apt-get install", apt(&args))
}

fn apt(args: &[&str]) -> Command {
    let mut cmd = exec::privileged("apt-get");
    cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
    cmd
}

fn is_installed(package: &str) -> bool {
    let mut cmd = Command::new("dpkg-query");
    cmd.args(["-W", "-f=${Status}", package]);
    matches!(exec::output(cmd), Ok((true, out)) if out.contains("install ok installed"))
}

/// `npm ci` in ui/, only when package-lock.json changed since the last install.
pub fn ui_packages() -> anyhow::Result<()> {
    npm_packages("ui", "ui")
}

/// `npm ci` in `dir`, only when its package-lock.json changed since the last install
/// (a digest of it is kept in node_modules).
fn npm_packages(dir: &str, what: &str) -> anyhow::Result<()> {
    let root = crate::root().join(dir);
    let lock = std::fs::read(root.join("package-lock.json"))
        .with_context(|| format!("{dir}/package-lock.json"))?;
    let stamp = root.join("node_modules/.xtask-lock-stamp");
    let want = fresh::digest(&lock);
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(want.as_str()) {
        println!("==> {what} packages: up to date");
        return Ok(());
    }
    exec::step(
        &format!("install {what} packages"),
        exec::npm_in(dir, &["ci", "--no-audit", "--no-fund"]),
    )?;
    std::fs::write(&stamp, want).context("cannot write the npm stamp")?;
    Ok(())
}

/// The browser peer of the WebRTC interop tests (JsSIP bundled by esbuild):
/// `npm ci` when its lock changed, and a build when the bundle is older than its
/// source.
pub fn browser_peer() -> anyhow::Result<()> {
    const DIR: &str = "tests/browser-peer";
    npm_packages(DIR, "browser-peer")?;
    let dir = crate::root().join(DIR);
    let sources = ["peer.js", "package-lock.json"].map(|s| dir.join(s));
    if fresh::is_newer_than(&dir.join("dist/peer.js"), sources) {
        println!("==> browser peer: up to date");
        return Ok(());
    }
    exec::step(
        "build the browser peer",
        exec::npm_in(DIR, &["run", "build"]),
    )
}

/// `npm run build` unless ui/dist is newer than every UI source.
pub fn ui_build() -> anyhow::Result<()> {
    let ui = crate::root().join("ui");
    // The older of the two pages: a build that predates the console's entry is stale.
    let built = ["dist/index.html", "dist/console.html"]
        .map(|p| ui.join(p))
        .into_iter()
        .min_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .unwrap_or_else(|| ui.join("dist/index.html"));
    let sources = [
        "src",
        "index.html",
        "console.html",
        "package-lock.json",
        "vite.config.ts",
        "svelte.config.js",
        "tsconfig.json",
    ];
    if fresh::is_newer_than(&built, sources.iter().map(|s| ui.join(s))) {
        println!("==> ui build: up to date");
        return Ok(());
    }
    exec::step("build the ui", exec::npm(&["run", "build"]))
}
