//! E12, E5, E10 end to end with real sipp peers: the agent registers and dials 911;
//! the carrier receives the INVITE at the emergency routing number with the leased
//! callback number in From and P-Asserted-Identity, the location kept; BYE flows
//! through. The sipp scenarios check every field and fail on a mismatch.

mod common;

use common::{free_udp_port, re, Sipp, World, AGENT, ROUTING_NUMBER, SIP_PASSWORD};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e12_911_reaches_the_carrier_at_the_routing_number_with_the_leased_callback() {
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
    let edge = world.edge(carrier.addr, Vec::new()).await;
    let edge_addr = edge.local_addr().to_string();
    let mut agent = Sipp::start(
        "agent_register_call.xml",
        free_udp_port(),
        &[
            ("USER", AGENT.into()),
            ("PASSWORD", SIP_PASSWORD.into()),
            ("DIALLED", "911".into()),
        ],
        &[&edge_addr],
    )
    .await;
    agent.assert_passed().await;
    carrier.assert_passed().await;
    // The lease the INVITE presented is the agent's (E5), and the agent is registered.
    let lease = world
        .bo
        .lease_of_agent(common::ACCOUNT, &world.agent_id)
        .await
        .expect("lease lookup")
        .expect("the 911 took a lease");
    assert_eq!(lease.e164, world.pool_number);
    assert_eq!(edge.contacts(&world.agent_id).len(), 1);
    // E11: the supervisors were alerted, with the callback number sent.
    let alerts = world
        .bo
        .emergency_alerts(common::ACCOUNT)
        .await
        .expect("alerts");
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].callback_number, world.pool_number);
    assert!(!alerts[0].test);
}
