//! E5, E6 across edge instances: a lease taken by one edge's 911 lives in the shared
//! database, so a second edge (its own back-office instance and connections) routes
//! the emergency center's callback to the leasing agent registered there. On a SQLite
//! file and on PostgreSQL (the multi-instance deployment).

mod common;

use common::{
    free_udp_port, re, Sipp, TestDb, World, ACCOUNT, AGENT, ROUTING_NUMBER, SIP_PASSWORD,
};

const CENTER: &str = "+13125550911";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_e06_second_edge_routes_the_callback_of_a_lease_the_first_edge_took() {
    second_edge_routes_the_callback(TestDb::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_e06_second_edge_routes_the_callback_of_a_lease_the_first_edge_took() {
    second_edge_routes_the_callback(TestDb::postgres().await).await;
}

async fn second_edge_routes_the_callback(db: TestDb) {
    let world = World::seed_on(db, &[free_udp_port()], true).await;
    // Edge 1: the agent's 911 takes the lease.
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
    let edge1 = world.edge(carrier.addr, Vec::new()).await;
    let mut agent = Sipp::start(
        "agent_register_call.xml",
        free_udp_port(),
        &[
            ("USER", AGENT.into()),
            ("PASSWORD", SIP_PASSWORD.into()),
            ("DIALLED", "911".into()),
        ],
        &[&edge1.local_addr().to_string()],
    )
    .await;
    agent.assert_passed().await;
    carrier.assert_passed().await;
    edge1.shutdown();

    // Edge 2, another instance on the same database: the agent registers there and
    // the center's callback reaches it.
    let center_port = free_udp_port();
    let center_addr = format!("127.0.0.1:{center_port}").parse().expect("address");
    let edge2 = world
        .edge_on(
            world.instance().await,
            "127.0.0.1:9".parse().expect("address"),
            vec![center_addr],
        )
        .await;
    let edge2_addr = edge2.local_addr().to_string();
    let agent_port = free_udp_port();
    let mut register = Sipp::start(
        "agent_register.xml",
        agent_port,
        &[("USER", AGENT.into()), ("PASSWORD", SIP_PASSWORD.into())],
        &[&edge2_addr],
    )
    .await;
    register.assert_passed().await;
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
    let mut center = Sipp::start(
        "center_calls_back.xml",
        center_port,
        &[("CENTER_RAW", CENTER.into())],
        &["-s", &world.pool_number, &edge2_addr],
    )
    .await;
    center.assert_passed().await;
    agent.assert_passed().await;
    assert!(world
        .bo
        .lease_of_agent(ACCOUNT, &world.agent_id)
        .await
        .unwrap()
        .is_some());
}
