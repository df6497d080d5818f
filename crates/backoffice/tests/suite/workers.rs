//! N4, N10, E5 driven by the service itself: no one calls the steps by hand.

use std::time::Duration;

use backoffice::numbers::{NumberStatus, OrderStatus, ProductType, DELETION_QUEUE};

use crate::harness::{admin, backend_tests, Ctx, ACCOUNT};

backend_tests!(n10_the_service_completes_orders_and_purges_by_itself);

/// Polls `check` until it holds, for at most five seconds of real time.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..500 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("{what} did not happen within 5 s");
}

async fn n10_the_service_completes_orders_and_purges_by_itself(t: &Ctx) {
    let workers = t.bo.spawn_workers(Duration::from_millis(20));
    let n = t.free_local_numbers(2).await;
    let order =
        t.bo.place_order(ACCOUNT, &admin(), ProductType::BusinessCalling, &n)
            .await
            .unwrap();
    eventually("order completion", || async {
        t.bo.order(ACCOUNT, &order.id).await.unwrap().status == OrderStatus::Successful
    })
    .await;
    t.bo.delete_numbers(ACCOUNT, &admin(), &n[..1])
        .await
        .unwrap();
    t.clock.advance(DELETION_QUEUE);
    eventually("purge", || async {
        t.bo.deletion_queue(ACCOUNT).await.unwrap().is_empty()
    })
    .await;
    workers.stop().await;
    assert_eq!(t.supplier.releases(), n[..1].to_vec());
    let inv = t.bo.inventory(ACCOUNT).await.unwrap();
    assert_eq!(inv.len(), 1);
    assert_eq!(inv[0].status, NumberStatus::Unassigned);
}
