//! The `edge` binary over a back-office database it shares with another process: a
//! 911 from a registered agent reaches the carrier at the routing number with the
//! leased callback number.

mod common;

use std::net::UdpSocket;
use std::process::Stdio;
use std::time::Duration;

use common::{free_udp_port, re, Sipp, World, ACCOUNT, AGENT, REALM, ROUTING_NUMBER, SIP_PASSWORD};
use tokio::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edge_binary_routes_a_911_from_the_shared_database() {
    let world = World::seed(free_udp_port()).await;
    let mut carrier = Sipp::start(
        "carrier_expects_911_dnis.xml",
        free_udp_port(),
        &[
            ("ROUTING", re(ROUTING_NUMBER)),
            ("CALLBACK", re(&world.pool_number)),
        ],
        &[],
    )
    .await;
    let port = free_udp_port();
    let mut edge = Command::new(env!("CARGO_BIN_EXE_edge"))
        .args(["--database", &world.url])
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .args(["--account", ACCOUNT, "--realm", REALM])
        .args(["--carrier", &carrier.addr.to_string()])
        .env("RUST_LOG", "edge=warn,rsipstack=warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the edge binary starts");
    let addr = format!("127.0.0.1:{port}");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while UdpSocket::bind(&addr).is_ok() {
        assert!(
            edge.try_wait().expect("edge status").is_none(),
            "the edge exited"
        );
        assert!(
            tokio::time::Instant::now() < deadline,
            "the edge never listened"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut agent = Sipp::start(
        "agent_register_call.xml",
        free_udp_port(),
        &[
            ("USER", AGENT.into()),
            ("PASSWORD", SIP_PASSWORD.into()),
            ("DIALLED", "911".into()),
        ],
        &[&addr],
    )
    .await;
    agent.assert_passed().await;
    carrier.assert_passed().await;
    let _ = edge.kill().await;
}
