//! Benchmark of issue 4: provisioning orders per second (N4, N5).
//!
//! ```text
//! cargo run --release -p backoffice --example order_bench                  # SQLite (temp file)
//! cargo run --release -p backoffice --example order_bench -- postgres://u:p@127.0.0.1/empty_db
//! ```
//!
//! Eight administrators of one account place orders at the same time: first orders of a
//! single number, then batches of ten. Every order passes the inventory limit check
//! (N5), which serialises the account's orders, so this measures the real contention.
//! Then the worker's completion turns every number Unassigned. The run fails if any
//! number is missing from the inventory or present twice.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use backoffice::numbers::{Actor, NumberStatus, ProductType, SearchQuery};
use backoffice::{Backoffice, BuiltinSupplier, ManualClock, Store, Timestamp};

const ADMINS: usize = 8;
const SINGLES: usize = 160;
const BATCHES: usize = 16;
const BATCH: usize = 10;

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
    let bo = Backoffice::new(
        Store::connect(&url).await?,
        Arc::new(clock),
        Arc::new(BuiltinSupplier::new()),
    );
    let account = "bench";
    bo.create_account(account, "Benchmark").await?;
    bo.set_number_limit(account, 10_000).await?;

    let want = SINGLES + BATCHES * BATCH;
    let mut numbers = Vec::new();
    for area in 200..1000u32 {
        let mut q = SearchQuery::country("US");
        q.area_code = Some(area.to_string());
        q.limit = 100;
        numbers.extend(bo.search_numbers(&q).await?.into_iter().map(|n| n.e164));
    }
    numbers.truncate(want);
    anyhow::ensure!(
        numbers.len() == want,
        "the catalogue has {} local numbers, {want} needed",
        numbers.len()
    );
    let (singles, batched) = numbers.split_at(SINGLES);
    let singles: Vec<Vec<String>> = singles.iter().map(|n| vec![n.clone()]).collect();
    let batches: Vec<Vec<String>> = batched.chunks(BATCH).map(<[String]>::to_vec).collect();

    println!("{:?}:", bo.store().backend());
    race(&bo, "single-number orders", singles).await?;
    race(&bo, "orders of 10 numbers", batches).await?;

    let t = Instant::now();
    bo.complete_pending_orders().await?;
    let took = t.elapsed();
    let inventory = bo.inventory(account).await?;
    let held: HashSet<&str> = inventory
        .iter()
        .filter(|n| n.status == NumberStatus::Unassigned)
        .map(|n| n.e164.as_str())
        .collect();
    anyhow::ensure!(
        inventory.len() == want
            && held.len() == want
            && numbers.iter().all(|n| held.contains(n.as_str())),
        "the inventory holds {} numbers ({} Unassigned), {want} were ordered",
        inventory.len(),
        held.len()
    );
    println!(
        "  completion: {want} numbers in {:.0} ms ({:.0} numbers/s), every one Unassigned once",
        took.as_secs_f64() * 1e3,
        want as f64 / took.as_secs_f64()
    );
    Ok(())
}

/// Places `orders` from [`ADMINS`] concurrent administrators; prints latency and rate.
async fn race(bo: &Backoffice, what: &str, orders: Vec<Vec<String>>) -> anyhow::Result<()> {
    let count = orders.len();
    let queue = Arc::new(std::sync::Mutex::new(orders));
    let start = Arc::new(tokio::sync::Barrier::new(ADMINS));
    let began = Instant::now();
    let mut tasks = Vec::new();
    for a in 0..ADMINS {
        let (bo, queue, start) = (bo.clone(), queue.clone(), start.clone());
        tasks.push(tokio::spawn(async move {
            let admin = Actor::new(format!("admin-{a}"));
            start.wait().await;
            let mut samples: Vec<Duration> = Vec::new();
            loop {
                let next = queue.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.pop();
                let Some(numbers) = next else { break };
                let t = Instant::now();
                bo.place_order("bench", &admin, ProductType::BusinessCalling, &numbers)
                    .await?;
                samples.push(t.elapsed());
            }
            anyhow::Ok(samples)
        }));
    }
    let mut samples = Vec::with_capacity(count);
    for task in tasks {
        samples.extend(task.await??);
    }
    let wall = began.elapsed();
    samples.sort();
    let pct = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    println!(
        "  {what}: {count} by {ADMINS} admins in {:.0} ms: {:.0} orders/s; p50 {:.2} ms, p99 {:.2} ms",
        wall.as_secs_f64() * 1e3,
        count as f64 / wall.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
    );
    Ok(())
}
