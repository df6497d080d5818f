//! A real PostgreSQL server on loopback for the back office's tests: Debian's cluster,
//! started if it is down, with a test role that may create databases.

use std::process::Command;

use anyhow::{bail, Context};

use crate::exec;

const ROLE: &str = "softphone";

/// Starts the local cluster if needed and returns an admin URL for the test role.
pub fn ensure_server() -> anyhow::Result<String> {
    let (version, port, running) = cluster()?;
    if !running {
        exec::step(
            "start PostgreSQL",
            privileged(&["pg_ctlcluster", &version, "main", "start"]),
        )?;
    }
    let exists = psql(
        &port,
        &format!("SELECT 1 FROM pg_roles WHERE rolname = '{ROLE}'"),
    )?;
    if exists.trim() != "1" {
        psql(
            &port,
            &format!("CREATE ROLE {ROLE} LOGIN PASSWORD '{ROLE}' CREATEDB"),
        )?;
        println!("    created the PostgreSQL role {ROLE}");
    }
    let url = format!("postgres://{ROLE}:{ROLE}@127.0.0.1:{port}/postgres");
    println!(
        "==> PostgreSQL: {}",
        url.replace(&format!(":{ROLE}@"), ":***@")
    );
    Ok(url)
}

/// A fresh, empty database owned by the test role (dropped first if it exists), for
/// the benchmarks; returns its URL.
pub fn fresh_database(name: &str) -> anyhow::Result<String> {
    let admin = ensure_server()?;
    let (_, port, _) = cluster()?;
    psql(&port, &format!("DROP DATABASE IF EXISTS {name}"))?;
    psql(&port, &format!("CREATE DATABASE {name} OWNER {ROLE}"))?;
    Ok(admin.replace("/postgres", &format!("/{name}")))
}

/// The first cluster of `pg_lsclusters`: (version, port, running), creating one if the
/// package left none.
fn cluster() -> anyhow::Result<(String, String, bool)> {
    for attempt in 0..2 {
        let (_, out) = exec::output({
            let mut c = Command::new("pg_lsclusters");
            c.arg("--no-header");
            c
        })
        .context("pg_lsclusters (package postgresql)")?;
        if let Some(line) = out.lines().find(|l| !l.trim().is_empty()) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            if cols.len() >= 4 {
                return Ok((cols[0].into(), cols[2].into(), cols[3] == "online"));
            }
        }
        if attempt == 0 {
            let version = newest_installed_version()?;
            exec::step(
                "create a PostgreSQL cluster",
                privileged(&["pg_createcluster", &version, "main"]),
            )?;
        }
    }
    bail!("no PostgreSQL cluster could be found or created")
}

fn newest_installed_version() -> anyhow::Result<String> {
    let mut versions: Vec<u32> = std::fs::read_dir("/usr/lib/postgresql")
        .context("/usr/lib/postgresql (package postgresql)")?
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    versions.sort_unstable();
    versions
        .last()
        .map(u32::to_string)
        .context("no PostgreSQL server version installed")
}

/// Runs SQL as the `postgres` superuser over the local socket.
fn psql(port: &str, sql: &str) -> anyhow::Result<String> {
    let cmd = as_postgres(&["psql", "-p", port, "-tAc", sql]);
    let shown = exec::describe(&cmd);
    let (ok, out) = exec::output(cmd)?;
    if !ok {
        bail!("{shown} failed");
    }
    Ok(out)
}

fn as_postgres(args: &[&str]) -> Command {
    let mut cmd = if exec::is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]);
        c
    } else {
        let mut c = Command::new("sudo");
        c.args(["-u", "postgres"]);
        c
    };
    cmd.args(args).current_dir("/");
    cmd
}

fn privileged(args: &[&str]) -> Command {
    let mut cmd = exec::privileged(args[0]);
    cmd.args(&args[1..]);
    cmd
}
