//! Calls per second through the edge against kamailio (Debian package) as a stateful
//! relay on the same machine (issue 6's benchmark). sipp's built-in UAC places calls
//! (INVITE, 200, ACK, BYE) as the carrier to a Voice Connector number; the edge routes
//! them to the connector's origination route, sipp's built-in UAS. kamailio relays the
//! same calls statefully (`t_relay`) to the same kind of UAS. Both run on loopback with
//! the same call count and concurrency; the figure is calls / wall time, with the
//! failed calls reported beside it.
//!
//! `cargo bench -p edge --bench relay_vs_kamailio` (kamailio and sipp installed).

#[path = "../tests/common/mod.rs"]
mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{free_udp_port, World};
use tokio::process::{Child, Command};

const CALLS: u32 = 2000;
const CONCURRENCY: u32 = 10;

fn uas(port: u16) -> Child {
    Command::new("sipp")
        .args([
            "-sn",
            "uas",
            "-i",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-nostdin",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("sipp")
}

/// Runs the UAC against `target`; returns (calls per second, failed calls).
async fn run_uac(target: &str, port: u16, number: &str) -> (f64, u64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let stats = dir.path().join("stats.csv");
    let started = Instant::now();
    let status = Command::new("sipp")
        .args(["-sn", "uac", "-s", number, target])
        .args(["-i", "127.0.0.1", "-p", &port.to_string(), "-nostdin"])
        .args([
            "-m",
            &CALLS.to_string(),
            "-r",
            "100000",
            "-l",
            &CONCURRENCY.to_string(),
        ])
        .args(["-timeout", "120s", "-trace_stat", "-stf"])
        .arg(&stats)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .status()
        .await
        .expect("sipp uac");
    let took = started.elapsed();
    let text = std::fs::read_to_string(&stats).unwrap_or_default();
    let failed = failed_calls(&text);
    if !status.success() && failed == 0 {
        eprintln!("sipp exited with {status} against {target}");
    }
    (f64::from(CALLS) / took.as_secs_f64(), failed)
}

/// The `FailedCall(C)` column of sipp's last statistics line.
fn failed_calls(csv: &str) -> u64 {
    let mut lines = csv.lines();
    let Some(header) = lines.next() else { return 0 };
    let Some(col) = header.split(';').position(|h| h == "FailedCall(C)") else {
        return 0;
    };
    lines
        .last()
        .and_then(|l| l.split(';').nth(col))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

async fn kamailio(port: u16, uas_port: u16) -> (Child, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let cfg = format!(
        "#!KAMAILIO\ndebug=0\nlog_stderror=yes\nfork=yes\nchildren=2\n\
         listen=udp:127.0.0.1:{port}\n\
         mpath=\"/usr/lib/x86_64-linux-gnu/kamailio/modules/\"\n\
         loadmodule \"tm.so\"\nloadmodule \"sl.so\"\nloadmodule \"maxfwd.so\"\n\
         loadmodule \"pv.so\"\nloadmodule \"siputils.so\"\nloadmodule \"textops.so\"\n\
         request_route {{\n\
           if (!mf_process_maxfwd_header(\"10\")) {{ sl_send_reply(\"483\", \"Too Many Hops\"); exit; }}\n\
           if (is_method(\"ACK\") && !has_totag()) {{ if (t_check_trans()) {{ t_relay(); }} exit; }}\n\
           $du = \"sip:127.0.0.1:{uas_port}\";\n\
           t_relay();\n\
         }}\n"
    );
    let path = dir.path().join("kamailio.cfg");
    std::fs::write(&path, cfg).expect("kamailio.cfg");
    // -DD: stay in the foreground (the main process is our child; SIGTERM to it stops
    // its workers, see `stop_kamailio`), -E: log to stderr.
    let child = Command::new("kamailio")
        .arg("-f")
        .arg(&path)
        .arg("-w")
        .arg(dir.path())
        .args(["-DD", "-E"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("kamailio (Debian package kamailio)");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    (child, dir)
}

/// SIGTERM to kamailio's main process (its own pid only), which stops its children;
/// a SIGKILL would leave them running. SIGKILL only if it does not stop in time.
async fn stop_kamailio(kam: &mut Child) {
    if let Some(pid) = kam.id() {
        let _ = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .await;
        if tokio::time::timeout(Duration::from_secs(5), kam.wait())
            .await
            .is_ok()
        {
            return;
        }
    }
    let _ = kam.kill().await;
}

#[tokio::main]
async fn main() {
    // Per-call info logs would measure the terminal, not the edge.
    if std::env::var_os("RUST_LOG").is_none() {
        std::env::set_var("RUST_LOG", "edge=warn,rsipstack=warn");
    }
    // The edge.
    let uas_port = free_udp_port();
    let world = World::seed(uas_port).await;
    let mut uas_edge = uas(uas_port);
    let uac_port = free_udp_port();
    let carrier_source = format!("127.0.0.1:{uac_port}").parse().expect("address");
    let edge = world
        .edge(
            "127.0.0.1:9".parse().expect("address"),
            vec![carrier_source],
        )
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (edge_cps, edge_failed) =
        run_uac(&edge.local_addr().to_string(), uac_port, &world.pool_number).await;
    let _ = uas_edge.kill().await;
    edge.shutdown();

    // kamailio.
    let uas_port = free_udp_port();
    let mut uas_kam = uas(uas_port);
    let kam_port = free_udp_port();
    let (mut kam, _dir) = kamailio(kam_port, uas_port).await;
    let (kam_cps, kam_failed) =
        run_uac(&format!("127.0.0.1:{kam_port}"), free_udp_port(), "1000").await;
    stop_kamailio(&mut kam).await;
    let _ = uas_kam.kill().await;

    println!("calls (INVITE, 200, ACK, BYE): {CALLS}, concurrency {CONCURRENCY}, loopback");
    println!(
        "edge (B2BUA + back-office lookups, SQLite): {edge_cps:.0} calls/s, {edge_failed} failed"
    );
    println!(
        "kamailio 5 (stateful t_relay):              {kam_cps:.0} calls/s, {kam_failed} failed"
    );
    println!(
        "ratio edge/kamailio: {:.2} (goal >= 0.5)",
        edge_cps / kam_cps
    );
}
