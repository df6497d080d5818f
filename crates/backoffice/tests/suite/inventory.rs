//! N7 to N11: assignment, details, product type, the deletion queue, emergency safety.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use backoffice::leases::{LeaseOutcome, CALLBACK_WINDOW};
use backoffice::numbers::{Assignee, NumberStatus, NumberSupplier, ProductType, DELETION_QUEUE};
use backoffice::{Clock, Error};

use crate::connectors::trunk;
use crate::harness::{admin, backend_tests, Ctx, ACCOUNT};

backend_tests!(
    n07_assign_and_unassign_follow_the_product_type,
    n08_details_show_status_assignee_flags_history_and_emergency_use,
    n09_product_type_changes_only_unassigned_numbers_all_or_none,
    n10_only_unassigned_numbers_can_be_deleted,
    n10_deleted_number_waits_seven_days_then_is_released,
    n10_restore_within_seven_days_returns_the_number_as_it_was,
    n10_purge_happens_exactly_once_with_two_instances,
    n10_purge_resumes_after_a_crash_between_claim_and_release,
    n11_leased_number_cannot_be_unassigned_removed_or_deleted,
);

async fn n07_assign_and_unassign_follow_the_product_type(t: &Ctx) {
    let bc = t.owned(1, ProductType::BusinessCalling).await.remove(0);
    let vc = t.owned(1, ProductType::VoiceConnector).await.remove(0);
    let connector =
        t.bo.create_voice_connector(ACCOUNT, &trunk("main"))
            .await
            .unwrap();

    let err =
        t.bo.assign_to_voice_connector(ACCOUNT, &admin(), &bc, &connector.id)
            .await
            .unwrap_err();
    assert!(matches!(err, Error::Invalid { rule: "N7", .. }), "{err}");
    let err =
        t.bo.assign_to_user(ACCOUNT, &admin(), &vc, "agent-1")
            .await
            .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Invalid {
                field: "user_id",
                rule: "N7",
                ..
            }
        ),
        "{err}"
    );

    let s =
        t.bo.assign_to_user(ACCOUNT, &admin(), &bc, "agent-1")
            .await
            .unwrap();
    assert_eq!(
        (s.status, s.assignee),
        (
            NumberStatus::Assigned,
            Some(Assignee::User("agent-1".into()))
        )
    );
    let err =
        t.bo.assign_to_user(ACCOUNT, &admin(), &bc, "agent-2")
            .await
            .unwrap_err();
    assert!(
        matches!(err, Error::Conflict { rule: "N7", .. }),
        "at most one assignee: {err}"
    );

    t.bo.assign_to_voice_connector(ACCOUNT, &admin(), &vc, &connector.id)
        .await
        .unwrap();
    assert_eq!(
        t.bo.voice_connector(ACCOUNT, &connector.id)
            .await
            .unwrap()
            .numbers,
        vec![vc.clone()]
    );

    let s = t.bo.unassign(ACCOUNT, &admin(), &bc).await.unwrap();
    assert_eq!((s.status, s.assignee), (NumberStatus::Unassigned, None));
    let err = t.bo.unassign(ACCOUNT, &admin(), &bc).await.unwrap_err();
    assert!(matches!(err, Error::Conflict { rule: "N7", .. }), "{err}");
    let err =
        t.bo.assign_to_voice_connector(ACCOUNT, &admin(), &vc, "vc-nope")
            .await
            .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
}

async fn n08_details_show_status_assignee_flags_history_and_emergency_use(t: &Ctx) {
    let n = t.owned(1, ProductType::VoiceConnector).await.remove(0);
    t.bo.add_to_callback_pool(ACCOUNT, &admin(), std::slice::from_ref(&n))
        .await
        .unwrap();
    let LeaseOutcome::Leased(lease) = t.bo.take_lease(ACCOUNT, "agent-3").await.unwrap() else {
        panic!("the pool has a number")
    };
    let d = t.bo.number_details(ACCOUNT, &n).await.unwrap();
    assert_eq!(d.summary.status, NumberStatus::Unassigned);
    assert_eq!(d.summary.product_type, ProductType::VoiceConnector);
    assert_eq!(d.summary.assignee, None);
    assert!(d.calling_enabled);
    assert!(!d.sms_enabled);
    assert!(d.emergency.in_callback_pool);
    assert_eq!(d.emergency.active_lease, Some(lease));
    assert_eq!(
        d.history.len(),
        3,
        "ordered, provisioned, joined the pool: {:?}",
        d.history
    );
    assert!(d.history[2].detail.contains("callback pool"));
    let err =
        t.bo.number_details(ACCOUNT, "+19995550100")
            .await
            .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }));
}

async fn n09_product_type_changes_only_unassigned_numbers_all_or_none(t: &Ctx) {
    let n = t.owned(2, ProductType::BusinessCalling).await;
    t.bo.assign_to_user(ACCOUNT, &admin(), &n[1], "agent-1")
        .await
        .unwrap();
    let err =
        t.bo.change_product_type(ACCOUNT, &admin(), &n, ProductType::VoiceConnector)
            .await
            .unwrap_err();
    assert!(matches!(err, Error::Conflict { rule: "N9", .. }), "{err}");
    let inv = t.bo.inventory(ACCOUNT).await.unwrap();
    assert!(
        inv.iter()
            .all(|x| x.product_type == ProductType::BusinessCalling),
        "nothing changed"
    );

    t.bo.unassign(ACCOUNT, &admin(), &n[1]).await.unwrap();
    let changed =
        t.bo.change_product_type(ACCOUNT, &admin(), &n, ProductType::VoiceConnector)
            .await
            .unwrap();
    assert!(changed
        .iter()
        .all(|x| x.product_type == ProductType::VoiceConnector));
    let last =
        t.bo.number_details(ACCOUNT, &n[0])
            .await
            .unwrap()
            .history
            .pop()
            .unwrap();
    assert_eq!(
        last.detail,
        "product type BusinessCalling -> VoiceConnector"
    );
}

async fn n10_only_unassigned_numbers_can_be_deleted(t: &Ctx) {
    let n = t.owned(2, ProductType::BusinessCalling).await;
    t.bo.assign_to_user(ACCOUNT, &admin(), &n[1], "agent-1")
        .await
        .unwrap();
    let err =
        t.bo.delete_numbers(ACCOUNT, &admin(), &n)
            .await
            .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Conflict {
                field: "numbers",
                rule: "N10",
                ..
            }
        ),
        "{err}"
    );
    assert!(
        t.bo.deletion_queue(ACCOUNT).await.unwrap().is_empty(),
        "all or none"
    );
    assert_eq!(
        t.bo.number_details(ACCOUNT, &n[0])
            .await
            .unwrap()
            .summary
            .status,
        NumberStatus::Unassigned
    );
}

async fn n10_deleted_number_waits_seven_days_then_is_released(t: &Ctx) {
    let n = t.owned(1, ProductType::BusinessCalling).await;
    let deleted_at = t.clock.now();
    t.bo.delete_numbers(ACCOUNT, &admin(), &n).await.unwrap();
    let queue = t.bo.deletion_queue(ACCOUNT).await.unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].purge_at, Some(deleted_at.plus(DELETION_QUEUE)));
    assert!(t.bo.inventory(ACCOUNT).await.unwrap().is_empty());

    t.clock.advance(DELETION_QUEUE - Duration::from_secs(1));
    assert!(t.bo.purge_due().await.unwrap().released.is_empty());
    assert!(t.supplier.releases().is_empty());
    t.clock.advance(Duration::from_secs(1));
    assert_eq!(t.bo.purge_due().await.unwrap().released, n);
    assert_eq!(t.supplier.releases(), n);
    assert!(t.bo.deletion_queue(ACCOUNT).await.unwrap().is_empty());
    assert!(t.bo.purge_due().await.unwrap().released.is_empty(), "once");
    let err =
        t.bo.restore_numbers(ACCOUNT, &admin(), &n)
            .await
            .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
}

async fn n10_restore_within_seven_days_returns_the_number_as_it_was(t: &Ctx) {
    let n = t.owned(2, ProductType::VoiceConnector).await;
    t.bo.delete_numbers(ACCOUNT, &admin(), &n).await.unwrap();
    t.clock.advance(DELETION_QUEUE - Duration::from_secs(60));
    let back =
        t.bo.restore_numbers(ACCOUNT, &admin(), &n[..1])
            .await
            .unwrap();
    assert_eq!(back[0].status, NumberStatus::Unassigned);
    assert_eq!(back[0].product_type, ProductType::VoiceConnector);
    assert_eq!(back[0].purge_at, None);
    t.clock.advance(Duration::from_secs(60));
    let err =
        t.bo.restore_numbers(ACCOUNT, &admin(), &n[1..])
            .await
            .unwrap_err();
    assert!(matches!(err, Error::Conflict { rule: "N10", .. }), "{err}");
    let err =
        t.bo.restore_numbers(ACCOUNT, &admin(), &n[..1])
            .await
            .unwrap_err();
    assert!(
        matches!(err, Error::Conflict { rule: "N10", .. }),
        "not in the queue: {err}"
    );
    assert_eq!(t.bo.purge_due().await.unwrap().released, n[1..].to_vec());
}

async fn n10_purge_happens_exactly_once_with_two_instances(t: &Ctx) {
    let n = t.owned(10, ProductType::BusinessCalling).await;
    t.bo.delete_numbers(ACCOUNT, &admin(), &n).await.unwrap();
    t.clock.advance(DELETION_QUEUE);
    let other = t.instance().await;
    let mut tasks = Vec::new();
    for i in 0..6 {
        let bo = if i % 2 == 0 {
            t.bo.clone()
        } else {
            other.clone()
        };
        tasks.push(tokio::spawn(async move { bo.purge_due().await }));
    }
    let mut released = Vec::new();
    for task in tasks {
        released.extend(task.await.unwrap().unwrap().released);
    }
    released.sort();
    let mut want = n.clone();
    want.sort();
    assert_eq!(released, want, "each number released by exactly one run");
    let mut calls = t.supplier.releases();
    calls.sort();
    assert_eq!(calls, want, "the supplier was asked once per number");
    for e164 in &n {
        let h = t.bo.number_details(ACCOUNT, e164).await.unwrap_err();
        assert!(matches!(h, Error::NotFound { .. }));
    }
}

/// A supplier whose release never answers: the service "dies" in the middle.
#[derive(Debug)]
struct HangingRelease;

impl NumberSupplier for HangingRelease {
    fn search<'a>(
        &'a self,
        _: &'a backoffice::numbers::SearchQuery,
    ) -> backoffice::numbers::BoxFuture<
        'a,
        backoffice::Result<Vec<backoffice::numbers::AvailableNumber>>,
    > {
        Box::pin(async { Ok(Vec::new()) })
    }
    fn provision<'a>(
        &'a self,
        n: &'a [String],
    ) -> backoffice::numbers::BoxFuture<'a, backoffice::Result<Vec<Result<(), String>>>> {
        Box::pin(async move { Ok(n.iter().map(|_| Ok(())).collect()) })
    }
    fn release<'a>(
        &'a self,
        _: &'a str,
    ) -> backoffice::numbers::BoxFuture<'a, backoffice::Result<()>> {
        Box::pin(std::future::pending())
    }
}

async fn n10_purge_resumes_after_a_crash_between_claim_and_release(t: &Ctx) {
    let n = t.owned(1, ProductType::BusinessCalling).await;
    t.bo.delete_numbers(ACCOUNT, &admin(), &n).await.unwrap();
    t.clock.advance(DELETION_QUEUE);
    let doomed = t.instance_with(Arc::new(HangingRelease)).await;
    let run = tokio::time::timeout(Duration::from_millis(500), doomed.purge_due()).await;
    assert!(run.is_err(), "the release hangs after the claim");
    doomed.store().close().await;
    assert_eq!(
        t.bo.number_details(ACCOUNT, &n[0])
            .await
            .unwrap()
            .summary
            .status,
        NumberStatus::ReleaseInProgress
    );

    // A healthy instance does not steal a fresh claim, but takes over a stale one.
    assert!(t.bo.purge_due().await.unwrap().released.is_empty());
    t.clock.advance(Duration::from_secs(11 * 60));
    assert_eq!(t.bo.purge_due().await.unwrap().released, n);
    assert_eq!(t.supplier.releases(), n);
}

async fn n11_leased_number_cannot_be_unassigned_removed_or_deleted(t: &Ctx) {
    let n = t.owned(2, ProductType::VoiceConnector).await;
    let connector =
        t.bo.create_voice_connector(ACCOUNT, &trunk("main"))
            .await
            .unwrap();
    t.bo.assign_to_voice_connector(ACCOUNT, &admin(), &n[0], &connector.id)
        .await
        .unwrap();
    t.bo.add_to_callback_pool(ACCOUNT, &admin(), &n)
        .await
        .unwrap();
    for agent in ["agent-8", "agent-9"] {
        assert!(matches!(
            t.bo.take_lease(ACCOUNT, agent).await.unwrap(),
            LeaseOutcome::Leased(_)
        ));
    }
    t.clock.advance(Duration::from_secs(20 * 60));
    for agent in ["agent-8", "agent-9"] {
        t.bo.end_call(ACCOUNT, agent).await.unwrap();
    }
    let until = t.clock.now().plus(CALLBACK_WINDOW);

    let err = t.bo.unassign(ACCOUNT, &admin(), &n[0]).await.unwrap_err();
    match &err {
        Error::LeaseActive {
            until: u,
            rule: "N11",
            action: "unassigned",
            ..
        } => assert_eq!(*u, until),
        other => panic!("{other:?}"),
    }
    let text = err.to_string();
    assert!(
        text.contains("until") && text.contains(&until.to_string()),
        "says until when: {text}"
    );
    assert!(!text.contains(&n[0][2..]), "the number is redacted: {text}");
    let err =
        t.bo.delete_numbers(ACCOUNT, &admin(), &n[1..])
            .await
            .unwrap_err();
    assert!(
        matches!(
            err,
            Error::LeaseActive {
                rule: "N11",
                action: "deleted",
                ..
            }
        ),
        "{err}"
    );
    let err =
        t.bo.change_product_type(ACCOUNT, &admin(), &n[1..], ProductType::BusinessCalling)
            .await
            .unwrap_err();
    assert!(
        matches!(
            err,
            Error::LeaseActive {
                rule: "N11",
                action: "changed",
                ..
            }
        ),
        "{err}"
    );
    let err =
        t.bo.assign_to_voice_connector(ACCOUNT, &admin(), &n[1], &connector.id)
            .await
            .unwrap_err();
    assert!(
        matches!(err, Error::LeaseActive { rule: "N11", .. }),
        "{err}"
    );
    let err =
        t.bo.remove_from_callback_pool(ACCOUNT, &admin(), &n)
            .await
            .unwrap_err();
    assert!(
        matches!(err, Error::LeaseActive { rule: "N11", .. }),
        "{err}"
    );
    // Nothing changed by the refusals.
    let d0 = t.bo.number_details(ACCOUNT, &n[0]).await.unwrap().summary;
    let d1 = t.bo.number_details(ACCOUNT, &n[1]).await.unwrap().summary;
    assert_eq!(d0.status, NumberStatus::Assigned);
    assert_eq!(
        (d1.status, d1.product_type),
        (NumberStatus::Unassigned, ProductType::VoiceConnector)
    );

    t.clock.advance(CALLBACK_WINDOW);
    t.bo.unassign(ACCOUNT, &admin(), &n[0]).await.unwrap();
    t.bo.remove_from_callback_pool(ACCOUNT, &admin(), &n)
        .await
        .unwrap();
    t.bo.delete_numbers(ACCOUNT, &admin(), &n).await.unwrap();
    let q: HashSet<_> =
        t.bo.deletion_queue(ACCOUNT)
            .await
            .unwrap()
            .into_iter()
            .map(|x| x.e164)
            .collect();
    assert_eq!(q, n.iter().cloned().collect());
}
