//! V1: a call from the carrier to a Voice Connector number goes to the connector's
//! origination routes in priority order; a route that answers 503 gives way to the
//! next, and the caller only ever sees the call answered.

mod common;

use common::{free_udp_port, re, Sipp, TestDb, World};

const CENTER: &str = "+13125550000";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v01_a_failing_origination_route_gives_way_to_the_next() {
    let (down_port, up_port) = (free_udp_port(), free_udp_port());
    let world = World::seed_on(TestDb::sqlite(), &[down_port, up_port], true).await;
    let caller_port = free_udp_port();
    let caller_addr = format!("127.0.0.1:{caller_port}").parse().expect("address");
    let edge = world
        .edge("127.0.0.1:9".parse().expect("address"), vec![caller_addr])
        .await;
    let mut down = Sipp::start("pbx_unavailable.xml", down_port, &[], &[]).await;
    let mut up = Sipp::start(
        "pbx_expects_call.xml",
        up_port,
        &[("NUMBER", re(&world.pool_number)), ("CENTER", re(CENTER))],
        &[],
    )
    .await;
    let mut caller = Sipp::start(
        "center_calls_back.xml",
        caller_port,
        &[("CENTER_RAW", CENTER.into())],
        &["-s", &world.pool_number, &edge.local_addr().to_string()],
    )
    .await;
    caller.assert_passed().await;
    up.assert_passed().await;
    down.assert_passed().await;
}
