//! The fuzz layer of `cargo xtask test`: the SIP edge's fuzz target
//! (`crates/edge/fuzz`, a cargo-fuzz layout) built on the stable toolchain with the
//! sanitizer-coverage flags cargo-fuzz passes, then run by libFuzzer for a bounded
//! time from the seed messages. A crash or a failed invariant fails the layer and
//! leaves the input under `<target>/edge-fuzz/artifacts/` to replay.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context};

use crate::exec;

/// Long enough to pass a few hundred thousand inputs through the message path, short
/// enough not to weigh on the run.
const SECONDS: u32 = 30;

/// The coverage instrumentation libFuzzer steers by (what `cargo fuzz build
/// --sanitizer none` passes), plus the `fuzzing` cfg and the checks of a debug build.
const RUSTFLAGS: &str = "-Cpasses=sancov-module \
    -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
    -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares \
    --cfg fuzzing -Cdebug-assertions -Coverflow-checks";

pub fn run() -> anyhow::Result<()> {
    let root = crate::root();
    let project = root.join("crates/edge/fuzz");
    let out = crate::target_dir().join("edge-fuzz");
    let host = host_triple()?;
    // An explicit --target keeps the flags off build scripts and proc macros, which
    // must not be instrumented (they load into the compiler).
    let mut build = exec::cargo(&[
        "build",
        "--locked",
        "--target",
        &host,
        "--bin",
        "message_path",
    ]);
    build
        .current_dir(&project)
        .env("CARGO_TARGET_DIR", &out)
        .env("RUSTFLAGS", RUSTFLAGS)
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    exec::step("build the edge's fuzz target", build)?;

    let corpus = out.join("corpus");
    let artifacts = out.join("artifacts");
    for dir in [&corpus, &artifacts] {
        std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    }
    copy_seeds(&project.join("seeds"), &corpus)?;
    let mut fuzz = Command::new(out.join(&host).join("debug/message_path"));
    fuzz.arg(&corpus)
        .arg(format!("-max_total_time={SECONDS}"))
        .arg("-timeout=10")
        .arg("-rss_limit_mb=4096")
        .arg("-print_final_stats=1")
        .arg(format!("-artifact_prefix={}/", artifacts.display()));
    exec::step(
        &format!("fuzz the edge's message path for {SECONDS}s"),
        fuzz,
    )
    .with_context(|| {
        format!(
            "the edge's fuzz target found a failing input; it is in {}",
            artifacts.display()
        )
    })?;
    Ok(())
}

fn host_triple() -> anyhow::Result<String> {
    let (ok, out) = exec::output({
        let mut c = Command::new("rustc");
        c.arg("-vV");
        c
    })?;
    match out.lines().find_map(|l| l.strip_prefix("host: ")) {
        Some(host) if ok => Ok(host.trim().to_owned()),
        _ => bail!("rustc -vV named no host triple:\n{out}"),
    }
}

/// The checked-in seeds join whatever corpus earlier runs grew (kept in the target
/// folder, so a warm machine starts from more coverage).
fn copy_seeds(seeds: &Path, corpus: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(seeds).with_context(|| format!("read {}", seeds.display()))? {
        let path = entry?.path();
        let name = path.file_name().context("a seed file name")?;
        std::fs::copy(&path, corpus.join(name))
            .with_context(|| format!("copy seed {}", path.display()))?;
    }
    Ok(())
}
