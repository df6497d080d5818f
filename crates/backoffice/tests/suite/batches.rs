//! A2: batch operations racing each other: all or none, never a deadlock, never a
//! storage error.

use backoffice::numbers::{NumberStatus, ProductType};
use backoffice::Error;

use crate::harness::{admin, backend_tests, Ctx, ACCOUNT};

backend_tests!(a02_overlapping_batches_are_all_or_none_and_never_deadlock);

async fn a02_overlapping_batches_are_all_or_none_and_never_deadlock(t: &Ctx) {
    let n = t.owned(6, ProductType::VoiceConnector).await;
    let other = t.instance().await;
    for round in 0..4 {
        // Two administrators name overlapping numbers in opposite orders.
        let first: Vec<String> = n[..4].to_vec();
        let second: Vec<String> = n[2..].iter().rev().cloned().collect();
        let (a, b) = (t.bo.clone(), other.clone());
        let ta = tokio::spawn(async move { a.delete_numbers(ACCOUNT, &admin(), &first).await });
        let tb = tokio::spawn(async move { b.delete_numbers(ACCOUNT, &admin(), &second).await });
        let results = [ta.await.unwrap(), tb.await.unwrap()];
        let ok = results.iter().filter(|r| r.is_ok()).count();
        for r in &results {
            assert!(
                matches!(r, Ok(_) | Err(Error::Conflict { rule: "N10", .. })),
                "round {round}: {r:?}"
            );
        }
        assert_eq!(
            ok, 1,
            "round {round}: the overlap lets exactly one batch through"
        );
        let queued = t.bo.deletion_queue(ACCOUNT).await.unwrap().len();
        assert_eq!(
            queued, 4,
            "round {round}: one whole batch, nothing of the other"
        );
        t.bo.restore_numbers(ACCOUNT, &admin(), &n)
            .await
            .unwrap_err();
        let in_queue: Vec<String> =
            t.bo.deletion_queue(ACCOUNT)
                .await
                .unwrap()
                .into_iter()
                .map(|x| x.e164)
                .collect();
        t.bo.restore_numbers(ACCOUNT, &admin(), &in_queue)
            .await
            .unwrap();
    }
    // A number named twice in one batch is handled once.
    let twice = vec![n[0].clone(), n[0].clone()];
    let done =
        t.bo.delete_numbers(ACCOUNT, &admin(), &twice)
            .await
            .unwrap();
    assert!(done
        .iter()
        .all(|x| x.status == NumberStatus::DeleteInProgress));
    assert_eq!(t.bo.deletion_queue(ACCOUNT).await.unwrap().len(), 1);
}
