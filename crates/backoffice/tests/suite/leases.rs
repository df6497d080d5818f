//! E5, E6: emergency callback leases.

use std::collections::HashSet;
use std::time::Duration;

use backoffice::leases::{FallbackReason, Lease, LeaseOutcome, CALLBACK_WINDOW};
use backoffice::numbers::ProductType;
use backoffice::{Clock, Error};

use crate::harness::{admin, backend_tests, Ctx, ACCOUNT};

backend_tests!(
    e05_lease_is_idempotent_per_agent,
    e05_lease_is_never_given_to_two_agents,
    e05_window_is_sixty_minutes_from_the_end_of_the_call,
    e05_fallback_is_reported_when_no_pool_number_can_be_had,
    e05_leases_survive_a_restart,
    e06_callback_finds_the_agent_holding_the_number,
    e05_racing_agents_take_over_expired_leases_without_error,
    e05_a_site_window_replaces_the_sixty_minutes_for_every_instance_that_ends_the_call,
);

async fn pool(t: &Ctx, size: usize) -> Vec<String> {
    let n = t.owned(size, ProductType::VoiceConnector).await;
    t.bo.add_to_callback_pool(ACCOUNT, &admin(), &n)
        .await
        .unwrap();
    n
}

fn leased(o: LeaseOutcome) -> Lease {
    match o {
        LeaseOutcome::Leased(l) => l,
        other => panic!("expected a lease: {other:?}"),
    }
}

async fn e05_lease_is_idempotent_per_agent(t: &Ctx) {
    pool(t, 3).await;
    let first = leased(t.bo.take_lease(ACCOUNT, "agent-1").await.unwrap());
    let again = leased(t.bo.take_lease(ACCOUNT, "agent-1").await.unwrap());
    assert_eq!(again.e164, first.e164);
    assert_eq!(t.bo.callback_pool_status(ACCOUNT).await.unwrap().leased, 1);
    // Dialling again inside the window, after the first call ended: same number, and
    // the window waits for the new call to end.
    t.bo.end_call(ACCOUNT, "agent-1").await.unwrap();
    t.clock.advance(Duration::from_secs(50 * 60));
    let third = leased(t.bo.take_lease(ACCOUNT, "agent-1").await.unwrap());
    assert_eq!(third.e164, first.e164);
    assert_eq!(third.call_ended_at, None);
    t.clock.advance(Duration::from_secs(30 * 60));
    assert_eq!(
        t.bo.lease_for_number(&first.e164)
            .await
            .unwrap()
            .map(|l| l.agent_id),
        Some("agent-1".into())
    );
    let err = t.bo.take_lease(ACCOUNT, "").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Invalid {
                field: "agent_id",
                rule: "E5",
                ..
            }
        ),
        "{err}"
    );
}

async fn e05_lease_is_never_given_to_two_agents(t: &Ctx) {
    let numbers = pool(t, 5).await;
    let other = t.instance().await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let bo = if i % 2 == 0 {
            t.bo.clone()
        } else {
            other.clone()
        };
        // Each agent asks twice at once: idempotence under a race too.
        let agent = format!("agent-{}", i % 12);
        tasks.push(tokio::spawn(async move {
            (agent.clone(), bo.take_lease(ACCOUNT, &agent).await)
        }));
    }
    let mut by_agent: std::collections::HashMap<String, HashSet<String>> = Default::default();
    let mut fallbacks = 0;
    for task in tasks {
        match task.await.unwrap() {
            (agent, Ok(LeaseOutcome::Leased(l))) => {
                assert_eq!(l.agent_id, agent);
                by_agent.entry(agent).or_default().insert(l.e164);
            }
            (
                _,
                Ok(LeaseOutcome::Fallback {
                    reason: FallbackReason::PoolExhausted,
                    ..
                }),
            ) => fallbacks += 1,
            (_, other) => panic!("{other:?}"),
        }
    }
    assert_eq!(by_agent.len(), 5, "five numbers, five agents served");
    assert!(
        by_agent.values().all(|s| s.len() == 1),
        "one number per agent: {by_agent:?}"
    );
    let given: HashSet<&String> = by_agent.values().flatten().collect();
    assert_eq!(given.len(), 5, "no number given to two agents");
    assert!(given.iter().all(|n| numbers.contains(n)));
    assert!(fallbacks >= 12, "{fallbacks}");
    let s = t.bo.callback_pool_status(ACCOUNT).await.unwrap();
    assert_eq!((s.leased, s.free), (5, 0));
}

async fn e05_window_is_sixty_minutes_from_the_end_of_the_call(t: &Ctx) {
    pool(t, 1).await;
    let lease = leased(t.bo.take_lease(ACCOUNT, "agent-1").await.unwrap());
    assert_eq!(lease.call_ended_at, None);
    // A two-hour call does not eat the window.
    t.clock.advance(Duration::from_secs(2 * 3600));
    assert!(t
        .bo
        .lease_of_agent(ACCOUNT, "agent-1")
        .await
        .unwrap()
        .is_some());
    let ended = t.bo.end_call(ACCOUNT, "agent-1").await.unwrap();
    assert_eq!(ended.call_ended_at, Some(t.clock.now()));
    assert_eq!(ended.expires_at, t.clock.now().plus(CALLBACK_WINDOW));
    t.clock.advance(CALLBACK_WINDOW - Duration::from_secs(1));
    assert!(t.bo.lease_for_number(&lease.e164).await.unwrap().is_some());
    assert!(matches!(
        t.bo.take_lease(ACCOUNT, "agent-2").await.unwrap(),
        LeaseOutcome::Fallback { .. }
    ));
    t.clock.advance(Duration::from_secs(1));
    assert_eq!(
        t.bo.lease_for_number(&lease.e164).await.unwrap(),
        None,
        "expired: back in the pool"
    );
    let next = leased(t.bo.take_lease(ACCOUNT, "agent-2").await.unwrap());
    assert_eq!(next.e164, lease.e164);
    assert!(matches!(
        t.bo.end_call(ACCOUNT, "agent-1").await,
        Err(Error::NotFound { .. })
    ));
    t.bo.end_call(ACCOUNT, "agent-2").await.unwrap();
    t.clock.advance(CALLBACK_WINDOW);
    assert_eq!(t.bo.expire_leases().await.unwrap(), 1);
    assert_eq!(t.bo.callback_pool_status(ACCOUNT).await.unwrap().free, 1);
}

async fn e05_fallback_is_reported_when_no_pool_number_can_be_had(t: &Ctx) {
    let own = t.owned(1, ProductType::BusinessCalling).await.remove(0);
    t.bo.assign_to_user(ACCOUNT, &admin(), &own, "agent-1")
        .await
        .unwrap();
    match t.bo.take_lease(ACCOUNT, "agent-1").await.unwrap() {
        LeaseOutcome::Fallback {
            reason: FallbackReason::NoPool,
            agent_number,
        } => assert_eq!(agent_number, Some(own)),
        other => panic!("{other:?}"),
    }
    pool(t, 1).await;
    leased(t.bo.take_lease(ACCOUNT, "agent-2").await.unwrap());
    match t.bo.take_lease(ACCOUNT, "agent-3").await.unwrap() {
        LeaseOutcome::Fallback {
            reason: FallbackReason::PoolExhausted,
            agent_number: None,
        } => {}
        other => panic!("{other:?}"),
    }
}

async fn e05_leases_survive_a_restart(t: &Ctx) {
    pool(t, 2).await;
    let lease = leased(t.bo.take_lease(ACCOUNT, "agent-1").await.unwrap());
    t.bo.end_call(ACCOUNT, "agent-1").await.unwrap();
    t.bo.store().close().await;
    let restarted = t.instance().await;
    let found = restarted
        .lease_for_number(&lease.e164)
        .await
        .unwrap()
        .expect("still leased");
    assert_eq!(found.agent_id, "agent-1");
    let again = leased(restarted.take_lease(ACCOUNT, "agent-1").await.unwrap());
    assert_eq!(
        again.e164, lease.e164,
        "the same agent keeps the same number after a restart"
    );
}

async fn e06_callback_finds_the_agent_holding_the_number(t: &Ctx) {
    let numbers = pool(t, 2).await;
    let lease = leased(t.bo.take_lease(ACCOUNT, "agent-7").await.unwrap());
    let holder =
        t.bo.lease_for_number(&lease.e164)
            .await
            .unwrap()
            .expect("leased");
    assert_eq!(
        (holder.agent_id.as_str(), holder.account_id.as_str()),
        ("agent-7", ACCOUNT)
    );
    let free = numbers.iter().find(|n| **n != lease.e164).unwrap();
    assert_eq!(
        t.bo.lease_for_number(free).await.unwrap(),
        None,
        "a free pool number routes as usual"
    );
    t.bo.end_call(ACCOUNT, "agent-7").await.unwrap();
    t.clock.advance(CALLBACK_WINDOW);
    assert_eq!(
        t.bo.lease_for_number(&lease.e164).await.unwrap(),
        None,
        "after the window"
    );
}

/// Leases expired but not yet swept, and every agent asking again at once: the takers
/// must not trip over each other's old rows (this deadlocked on PostgreSQL before the
/// expired rows were swept in one statement).
async fn e05_racing_agents_take_over_expired_leases_without_error(t: &Ctx) {
    pool(t, 10).await;
    let other = t.instance().await;
    for round in 0..4 {
        let mut tasks = Vec::new();
        for a in 0..10 {
            let bo = if a % 2 == 0 {
                t.bo.clone()
            } else {
                other.clone()
            };
            // Each round shifts who asks first, so old numbers change hands.
            let agent = format!("agent-{}", (a + round) % 10);
            tasks.push(tokio::spawn(
                async move { bo.take_lease(ACCOUNT, &agent).await },
            ));
        }
        let mut given = HashSet::new();
        for task in tasks {
            let lease = leased(
                task.await
                    .unwrap()
                    .unwrap_or_else(|e| panic!("round {round}: {e}")),
            );
            assert!(
                given.insert(lease.e164),
                "round {round}: a number leased twice"
            );
        }
        for a in 0..10 {
            t.bo.end_call(ACCOUNT, &format!("agent-{a}")).await.unwrap();
        }
        t.clock.advance(CALLBACK_WINDOW);
    }
}

/// The window is the service's setting (the edge's `--callback-window-secs`): the
/// instance that ends the call fixes the expiry, and every instance reads it.
async fn e05_a_site_window_replaces_the_sixty_minutes_for_every_instance_that_ends_the_call(
    t: &Ctx,
) {
    pool(t, 1).await;
    let edge = t
        .instance()
        .await
        .with_callback_window(Duration::from_secs(90));
    let lease = leased(edge.take_lease(ACCOUNT, "agent-1").await.unwrap());
    let ended = edge.end_call(ACCOUNT, "agent-1").await.unwrap();
    assert_eq!(
        ended.expires_at,
        t.clock.now().plus(Duration::from_secs(90))
    );
    t.clock.advance(Duration::from_secs(89));
    assert!(t.bo.lease_for_number(&lease.e164).await.unwrap().is_some());
    t.clock.advance(Duration::from_secs(2));
    assert!(
        t.bo.lease_for_number(&lease.e164).await.unwrap().is_none(),
        "after the site's window the number routes normally (E6)"
    );
}
