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
    // E5: the call ended at the BYE, so the 60-minute window has started.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    let lease = loop {
        let l = world
            .bo
            .lease_of_agent(common::ACCOUNT, &world.agent_id)
            .await
            .expect("lease lookup")
            .expect("still leased inside the window");
        if l.call_ended_at.is_some() || tokio::time::Instant::now() > deadline {
            break l;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(
        lease.call_ended_at,
        Some(common::T0),
        "window starts at the end"
    );
    assert_eq!(
        lease.expires_at,
        common::T0.plus(backoffice::leases::CALLBACK_WINDOW)
    );
    assert_eq!(edge.contacts(&world.agent_id).len(), 1);
    // E11: the supervisors were alerted with the callback number sent; E13: the alert
    // shows the call as ended (marked just after the window starts, so wait for it).
    let alert = loop {
        let alerts = world
            .bo
            .emergency_alerts(common::ACCOUNT)
            .await
            .expect("alerts");
        assert_eq!(alerts.len(), 1);
        if alerts[0].ended_at.is_some() || tokio::time::Instant::now() > deadline {
            break alerts[0].clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(alert.callback_number, world.pool_number);
    assert!(!alert.test);
    assert_eq!(alert.ended_at, Some(common::T0));
}
