//! Benchmark of issue 4: taking an emergency callback lease with 100 agents racing.
//!
//! ```text
//! cargo run -p backoffice --example lease_bench                      # SQLite (temp file)
//! cargo run -p backoffice --example lease_bench -- postgres://u:p@127.0.0.1/empty_db
//! ```
//!
//! First each agent takes a lease alone, one after the other (the cost of one take);
//! then, each round, 100 agents ask for a lease at the same instant from a pool of 100
//! (the last one waits behind the 99 others). The latency of every request is recorded,
//! and the rate is leases per second of wall time. Between rounds the calls end and the clock
//! jumps past the callback window, so every round starts from a free pool. The run
//! fails if any number is ever given to two agents.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use backoffice::leases::{LeaseOutcome, CALLBACK_WINDOW};
use backoffice::numbers::{Actor, ProductType, SearchQuery};
use backoffice::{Backoffice, BuiltinSupplier, ManualClock, Store, Timestamp};

const AGENTS: usize = 100;
const ROUNDS: usize = 10;

#[tokio::main(flavor = "multi_thread")]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = std::env::args().nth(1).unwrap_or_else(|| {
        format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        )
    });
    let clock = ManualClock::new(Timestamp::from_millis(1_793_610_000_000));
    let store = Store::connect(&url).await?;
    let bo = Backoffice::new(
        store,
        Arc::new(clock.clone()),
        Arc::new(BuiltinSupplier::new()),
    );
    let account = "bench";
    let admin = Actor::new("bench");
    bo.create_account(account, "Benchmark").await?;
    bo.set_number_limit(account, 1000).await?;

    let mut pool = Vec::new();
    for state in [
        "WA", "CA", "TX", "NY", "FL", "OR", "IL", "MA", "CO", "AZ", "GA", "NV",
    ] {
        let mut q = SearchQuery::country("US");
        q.state = Some(state.into());
        q.limit = 100;
        pool.extend(bo.search_numbers(&q).await?.into_iter().map(|n| n.e164));
    }
    pool.truncate(AGENTS);
    anyhow::ensure!(
        pool.len() == AGENTS,
        "the catalogue has {} numbers for the pool",
        pool.len()
    );
    bo.place_order(account, &admin, ProductType::VoiceConnector, &pool)
        .await?;
    bo.complete_pending_orders().await?;
    bo.add_to_callback_pool(account, &admin, &pool).await?;

    // One agent at a time: the cost of a single take, nobody waiting for anybody.
    let mut alone = Vec::with_capacity(AGENTS * ROUNDS);
    for _ in 0..ROUNDS {
        let mut given = HashSet::new();
        for a in 0..AGENTS {
            let t = Instant::now();
            let outcome = bo.take_lease(account, &format!("agent-{a}")).await?;
            alone.push(t.elapsed());
            match outcome {
                LeaseOutcome::Leased(l) => {
                    anyhow::ensure!(given.insert(l.e164), "a number was leased twice")
                }
                LeaseOutcome::Fallback { reason, .. } => {
                    anyhow::bail!("fallback with a free pool: {reason:?}")
                }
            }
        }
        for a in 0..AGENTS {
            bo.end_call(account, &format!("agent-{a}")).await?;
        }
        clock.advance(CALLBACK_WINDOW + Duration::from_secs(1));
        bo.expire_leases().await?;
    }
    report(bo.store().backend(), "one agent at a time", alone, None);

    let mut samples = Vec::with_capacity(AGENTS * ROUNDS);
    let mut burst_time = Duration::ZERO;
    for _ in 0..ROUNDS {
        let began = Instant::now();
        let start = Arc::new(tokio::sync::Barrier::new(AGENTS));
        let mut tasks = Vec::new();
        for a in 0..AGENTS {
            let (bo, start) = (bo.clone(), start.clone());
            tasks.push(tokio::spawn(async move {
                start.wait().await;
                let t = Instant::now();
                let outcome = bo.take_lease("bench", &format!("agent-{a}")).await;
                (t.elapsed(), outcome)
            }));
        }
        let mut given = HashSet::new();
        let mut results = Vec::with_capacity(AGENTS);
        for task in tasks {
            results.push(task.await?);
        }
        burst_time += began.elapsed();
        for (took, outcome) in results {
            samples.push(took);
            match outcome? {
                LeaseOutcome::Leased(l) => {
                    anyhow::ensure!(given.insert(l.e164), "a number was leased twice")
                }
                LeaseOutcome::Fallback { reason, .. } => {
                    anyhow::bail!("fallback with a free pool: {reason:?}")
                }
            }
        }
        for a in 0..AGENTS {
            bo.end_call(account, &format!("agent-{a}")).await?;
        }
        clock.advance(CALLBACK_WINDOW + Duration::from_secs(1));
        // What the service's worker does every second.
        bo.expire_leases().await?;
    }
    report(
        bo.store().backend(),
        &format!("{AGENTS} agents racing"),
        samples,
        Some(burst_time),
    );
    Ok(())
}

fn report(
    backend: backoffice::Backend,
    what: &str,
    mut samples: Vec<Duration>,
    wall: Option<Duration>,
) {
    samples.sort();
    let pct = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    // Alone, the rate is of the time spent taking; racing, of the wall time.
    let rate = wall.unwrap_or_else(|| samples.iter().sum::<Duration>());
    println!(
        "{backend:?}, {what}: {} leases, 0 double leases; p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {:.0} leases/s",
        samples.len(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        samples[samples.len() - 1].as_secs_f64() * 1e3,
        samples.len() as f64 / rate.as_secs_f64(),
    );
}
