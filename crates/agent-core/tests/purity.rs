//! The core stays sans-IO: no async runtime, no serde, no clock, no sockets. The
//! dependency list is checked through `cargo metadata`; the sources are scanned for
//! the calls clippy's `disallowed-methods` (clippy.toml) also forbids, so the rule
//! holds even where clippy is not run.

use std::path::Path;
use std::process::Command;

const FORBIDDEN_DEPS: [&str; 7] = [
    "tokio",
    "async-std",
    "smol",
    "futures",
    "serde",
    "chrono",
    "time",
];

#[test]
fn normal_dependencies_hold_no_runtime_serde_or_clock() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
            "--manifest-path",
        ])
        .arg(&manifest)
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&output.stdout).expect("metadata is JSON");
    let package = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == "agent-core")
        .expect("agent-core in the workspace");
    // `kind` is null for normal dependencies, "dev" or "build" otherwise.
    let normal: Vec<&str> = package["dependencies"]
        .as_array()
        .expect("dependencies")
        .iter()
        .filter(|d| d["kind"].is_null() || d["kind"] == "build")
        .map(|d| d["name"].as_str().expect("name"))
        .collect();
    assert!(
        normal.contains(&"phonenumber"),
        "the metadata was read: {normal:?}"
    );
    for dep in normal {
        assert!(
            !FORBIDDEN_DEPS
                .iter()
                .any(|f| dep == *f || dep.starts_with(&format!("{f}-"))),
            "agent-core must not depend on {dep}"
        );
    }
}

#[test]
fn sources_read_no_clock_and_open_no_socket() {
    let forbidden = [
        "SystemTime::now",
        "Instant::now",
        "std::net",
        "std::thread",
        "std::fs",
        "tokio",
        "async fn",
    ];
    let mut files = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    let mut scanned = 0;
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        scanned += 1;
        for word in forbidden {
            assert!(!text.contains(word), "{} uses {word}", path.display());
        }
    }
    assert!(scanned >= 10, "scanned {scanned} files");
}

/// The whole resolved graph, not only the direct dependencies: no async runtime or
/// clock crate may come in through a dependency either. serde does come in, through
/// the phonenumber crate's embedded metadata (the issue asks for phonenumber); the
/// core's own types never derive it, and nothing else may bring it.
#[test]
fn resolved_graph_holds_no_runtime_or_clock_and_serde_only_through_phonenumber() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let tree = |extra: &[&str]| -> String {
        let output = Command::new(&cargo)
            .args([
                "tree",
                "--offline",
                "-e",
                "normal",
                "--prefix",
                "none",
                "--manifest-path",
            ])
            .arg(&manifest)
            .args(["-p", "agent-core"])
            .args(extra)
            .output()
            .expect("cargo tree runs");
        assert!(
            output.status.success(),
            "cargo tree failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let all = tree(&[]);
    let names: Vec<&str> = all
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(names.contains(&"phonenumber"), "the graph was read: {all}");
    for forbidden in [
        "tokio",
        "async-std",
        "smol",
        "futures",
        "chrono",
        "time",
        "mio",
    ] {
        assert!(
            !names.contains(&forbidden),
            "{forbidden} entered agent-core's graph:\n{all}"
        );
    }
    if names.contains(&"serde") {
        // Every path from serde up to agent-core passes through phonenumber.
        let inverted = tree(&["-i", "serde", "--depth", "100"]);
        assert!(
            inverted.lines().any(|l| l.starts_with("agent-core")),
            "serde is in the graph, so a path to agent-core exists:\n{inverted}"
        );
        let without_phonenumber = tree(&["-i", "serde", "--prune", "phonenumber"]);
        assert!(
            !without_phonenumber
                .lines()
                .any(|l| l.starts_with("agent-core")),
            "serde reaches agent-core other than through phonenumber:\n{without_phonenumber}"
        );
    }
}
