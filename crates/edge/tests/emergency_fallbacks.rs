//! E12's test number and its fallback without configuration, and E5's budget, end to end with real sipp peers: 933 goes to
//! the test routing number and alerts as a test; when the lease cannot be had within
//! the budget (the database's write lock is held by someone else), the 911 still
//! leaves at once with the agent's own number as the callback.

mod common;

use std::time::{Duration, Instant};

use sqlx::Connection;

use common::{free_udp_port, re, Sipp, World, AGENT, ROUTING_NUMBER, SIP_PASSWORD};

/// Runs one emergency call of the agent through a fresh edge; the carrier checks the
/// routing number and the callback. Returns how long the agent's scenario took.
async fn emergency_call(world: &World, dialled: &str, routing: &str, callback: &str) -> Duration {
    let mut carrier = Sipp::start(
        "carrier_expects_911_dnis.xml",
        free_udp_port(),
        &[("ROUTING", re(routing)), ("CALLBACK", re(callback))],
        &[],
    )
    .await;
    let edge = world.edge(carrier.addr, Vec::new()).await;
    let started = Instant::now();
    let mut agent = Sipp::start(
        "agent_register_call.xml",
        free_udp_port(),
        &[
            ("USER", AGENT.into()),
            ("PASSWORD", SIP_PASSWORD.into()),
            ("DIALLED", dialled.into()),
        ],
        &[&edge.local_addr().to_string()],
    )
    .await;
    agent.assert_passed().await;
    let took = started.elapsed();
    carrier.assert_passed().await;
    took
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e12_933_reaches_the_test_routing_number_and_alerts_as_a_test() {
    let world = World::seed(free_udp_port()).await;
    let took = emergency_call(
        &world,
        "933",
        common::TEST_ROUTING_NUMBER,
        &world.pool_number,
    )
    .await;
    eprintln!(
        "933 with the lease in budget: agent scenario took {took:?} (includes 300 ms of talk)"
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let alerts = loop {
        let alerts = world.bo.emergency_alerts(common::ACCOUNT).await.unwrap();
        if !alerts.is_empty() || tokio::time::Instant::now() > deadline {
            break alerts;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(alerts.len(), 1);
    assert!(alerts[0].test, "933 is marked as a test (E11)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e05_lease_over_budget_falls_back_to_the_agents_number_at_once() {
    let world = World::seed(free_udp_port()).await;
    // Another writer holds SQLite's write lock: take_lease waits on it (busy timeout
    // 30 s), far past the edge's 200 ms budget. Readers are not blocked (WAL).
    let mut blocker = sqlx::SqliteConnection::connect(&world.url)
        .await
        .expect("second connection");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut blocker)
        .await
        .expect("write lock");
    let took = emergency_call(&world, "911", ROUTING_NUMBER, &world.agent_number).await;
    eprintln!(
        "911 with the lease over budget: agent scenario took {took:?} (includes 300 ms of talk)"
    );
    // Register, 407, call, 300 ms of talk, BYE: well under the 30 s the lease would
    // have waited.
    assert!(took < Duration::from_secs(5), "{took:?}");
    sqlx::query("ROLLBACK")
        .execute(&mut blocker)
        .await
        .expect("release");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e12_without_configuration_911_goes_to_the_carrier_as_dialled() {
    let world = World::seed_with(free_udp_port(), false).await;
    // The carrier's own emergency handling gets 911 itself, with the leased callback.
    emergency_call(&world, "911", "911", &world.pool_number).await;
}

/// E5, E13: an emergency call the agent abandons while it rings (CANCEL) cancels the
/// carrier's leg too, and its end still starts the callback window.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e13_cancelled_911_cancels_the_carrier_leg_and_starts_the_window() {
    let world = World::seed(free_udp_port()).await;
    let mut carrier =
        Sipp::start("carrier_rings_until_cancel.xml", free_udp_port(), &[], &[]).await;
    let edge = world.edge(carrier.addr, Vec::new()).await;
    let mut agent = Sipp::start(
        "agent_cancels_while_ringing.xml",
        free_udp_port(),
        &[
            ("USER", AGENT.into()),
            ("PASSWORD", SIP_PASSWORD.into()),
            ("DIALLED", "911".into()),
        ],
        &[&edge.local_addr().to_string()],
    )
    .await;
    agent.assert_passed().await;
    carrier.assert_passed().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let lease = loop {
        let lease = world
            .bo
            .lease_of_agent(common::ACCOUNT, &world.agent_id)
            .await
            .unwrap()
            .expect("the 911 took a lease");
        if lease.call_ended_at.is_some() || tokio::time::Instant::now() > deadline {
            break lease;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(lease.call_ended_at, Some(common::T0));
}
