//! E6 end to end with real sipp peers: the emergency center's callback to the leased
//! number reaches the registered leasing agent inside the window, marked as an
//! emergency; after the window (the clock advanced past it) the same call goes to
//! the voice connector's origination route, not to the agent.

mod common;

use std::time::Duration;

use backoffice::leases::{LeaseOutcome, CALLBACK_WINDOW};
use common::{free_udp_port, re, Sipp, World, ACCOUNT, AGENT, SIP_PASSWORD};

const CENTER: &str = "+13125550911";

async fn register(world_edge: &str, agent_port: u16) {
    let mut agent = Sipp::start(
        "agent_register.xml",
        agent_port,
        &[("USER", AGENT.into()), ("PASSWORD", SIP_PASSWORD.into())],
        &[world_edge],
    )
    .await;
    agent.assert_passed().await;
}

async fn call_back(edge: &str, center_port: u16, number: &str) -> Sipp {
    Sipp::start(
        "center_calls_back.xml",
        center_port,
        &[("CENTER_RAW", CENTER.into())],
        &["-s", number, edge],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e06_callback_reaches_the_leasing_agent_only_inside_the_window() {
    let pbx_port = free_udp_port();
    let world = World::seed(pbx_port).await;
    let center_port = free_udp_port();
    let center_addr = format!("127.0.0.1:{center_port}").parse().expect("address");
    let edge = world
        .edge("127.0.0.1:9".parse().expect("address"), vec![center_addr])
        .await;
    let edge_addr = edge.local_addr().to_string();
    // The agent's 911 took the lease and ended: the window runs 60 minutes (E5).
    let LeaseOutcome::Leased(lease) = world.bo.take_lease(ACCOUNT, &world.agent_id).await.unwrap()
    else {
        panic!("the pool has a free number");
    };
    world.bo.end_call(ACCOUNT, &world.agent_id).await.unwrap();
    assert_eq!(lease.e164, world.pool_number);

    // Inside the window: the registered agent rings, at emergency priority.
    let agent_port = free_udp_port();
    register(&edge_addr, agent_port).await;
    let mut agent = Sipp::start(
        "agent_expects_callback.xml",
        agent_port,
        &[
            ("USER", AGENT.into()),
            ("CENTER", re(CENTER)),
            ("NUMBER", re(&world.pool_number)),
        ],
        &[],
    )
    .await;
    let mut center = call_back(&edge_addr, center_port, &world.pool_number).await;
    center.assert_passed().await;
    agent.assert_passed().await;

    // After the window: the same call reaches the origination route, not the agent,
    // although the agent registered again.
    world
        .clock
        .advance(CALLBACK_WINDOW + Duration::from_secs(60));
    register(&edge_addr, agent_port).await;
    assert_eq!(edge.contacts(&world.agent_id).len(), 1);
    let mut pbx = Sipp::start(
        "pbx_expects_call.xml",
        pbx_port,
        &[("NUMBER", re(&world.pool_number)), ("CENTER", re(CENTER))],
        &[],
    )
    .await;
    let mut center = call_back(&edge_addr, center_port, &world.pool_number).await;
    center.assert_passed().await;
    pbx.assert_passed().await;
}
