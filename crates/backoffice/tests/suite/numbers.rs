//! N1 to N5: search, orders and the inventory limit.

use std::collections::HashSet;

use backoffice::numbers::{NumberStatus, OrderNumberStatus, OrderStatus, ProductType, SearchQuery};
use backoffice::Error;

use crate::harness::{admin, backend_tests, Ctx, ACCOUNT};

backend_tests!(
    n01_toll_free_numbers_are_only_voice_connector_numbers,
    n02_every_status_change_is_recorded_with_time_and_actor,
    n03_search_by_area_code_city_state_and_toll_free_prefix,
    n03_search_leaves_out_numbers_already_held,
    n04_order_completes_asynchronously_with_a_status_per_number,
    n04_bad_order_is_refused_and_changes_nothing,
    n05_order_past_the_limit_is_refused_whole,
    n05_deletion_queue_and_pending_orders_count_against_the_limit,
    n05_racing_orders_never_pass_the_limit,
);

async fn toll_free(t: &Ctx, prefix: &str, count: usize) -> Vec<String> {
    let mut q = SearchQuery::country("US");
    q.toll_free_prefix = Some(prefix.into());
    q.limit = count;
    t.bo.search_numbers(&q)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.e164)
        .collect()
}

async fn n01_toll_free_numbers_are_only_voice_connector_numbers(t: &Ctx) {
    let tf = toll_free(t, "888", 1).await;
    let err =
        t.bo.place_order(ACCOUNT, &admin(), ProductType::BusinessCalling, &tf)
            .await
            .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Invalid {
                field: "product_type",
                rule: "N1",
                ..
            }
        ),
        "{err}"
    );
    assert!(t.bo.inventory(ACCOUNT).await.unwrap().is_empty());
    assert!(t.bo.orders(ACCOUNT).await.unwrap().is_empty());

    t.bo.place_order(ACCOUNT, &admin(), ProductType::VoiceConnector, &tf)
        .await
        .unwrap();
    t.bo.complete_pending_orders().await.unwrap();
    let err =
        t.bo.change_product_type(ACCOUNT, &admin(), &tf, ProductType::BusinessCalling)
            .await
            .unwrap_err();
    assert!(matches!(err, Error::Invalid { rule: "N1", .. }), "{err}");
    let inv = t.bo.inventory(ACCOUNT).await.unwrap();
    assert_eq!(inv[0].product_type, ProductType::VoiceConnector);
    assert!(inv[0].toll_free);
}

async fn n02_every_status_change_is_recorded_with_time_and_actor(t: &Ctx) {
    let n = t.free_local_numbers(1).await;
    let t_order = backoffice::Clock::now(&t.clock);
    t.bo.place_order(ACCOUNT, &admin(), ProductType::BusinessCalling, &n)
        .await
        .unwrap();
    t.clock.advance(std::time::Duration::from_secs(30));
    t.bo.complete_pending_orders().await.unwrap();
    t.clock.advance(std::time::Duration::from_secs(30));
    t.bo.assign_to_user(ACCOUNT, &admin(), &n[0], "agent-7")
        .await
        .unwrap();
    t.bo.unassign(
        ACCOUNT,
        &backoffice::numbers::Actor::new("admin:bob"),
        &n[0],
    )
    .await
    .unwrap();
    t.bo.delete_numbers(ACCOUNT, &admin(), &n).await.unwrap();
    t.bo.restore_numbers(ACCOUNT, &admin(), &n).await.unwrap();

    let h = t.bo.number_details(ACCOUNT, &n[0]).await.unwrap().history;
    let steps: Vec<(Option<NumberStatus>, NumberStatus)> =
        h.iter().map(|e| (e.from, e.to)).collect();
    use NumberStatus::*;
    assert_eq!(
        steps,
        vec![
            (None, AcquireInProgress),
            (Some(AcquireInProgress), Unassigned),
            (Some(Unassigned), Assigned),
            (Some(Assigned), Unassigned),
            (Some(Unassigned), DeleteInProgress),
            (Some(DeleteInProgress), Unassigned),
        ]
    );
    assert_eq!(h[0].at, t_order);
    assert_eq!(h[1].at, t_order.plus(std::time::Duration::from_secs(30)));
    assert_eq!(h[0].actor, "admin:alice");
    assert_eq!(h[1].actor, "system:orders");
    assert_eq!(h[3].actor, "admin:bob");
    assert!(h[2].detail.contains("agent-7"), "{}", h[2].detail);
}

async fn n03_search_by_area_code_city_state_and_toll_free_prefix(t: &Ctx) {
    let mut q = SearchQuery::country("US");
    q.area_code = Some("206".into());
    q.limit = 5;
    let r = t.bo.search_numbers(&q).await.unwrap();
    assert_eq!(r.len(), 5);
    assert!(r
        .iter()
        .all(|n| n.e164.starts_with("+1206") && n.city.as_deref() == Some("Seattle")));

    let mut q = SearchQuery::country("US");
    q.state = Some("TX".into());
    q.limit = 100;
    let r = t.bo.search_numbers(&q).await.unwrap();
    assert!(r.len() > 12, "Texas has several area codes: {}", r.len());
    assert!(r
        .iter()
        .all(|n| n.state.as_deref() == Some("TX") && !n.toll_free));

    let mut q = SearchQuery::country("US");
    q.city = Some("boston".into());
    let r = t.bo.search_numbers(&q).await.unwrap();
    assert!(!r.is_empty() && r.iter().all(|n| n.e164.starts_with("+1617")));

    for prefix in backoffice::numbers::TOLL_FREE_PREFIXES {
        let r = toll_free(t, prefix, 3).await;
        assert_eq!(r.len(), 3, "{prefix}");
        assert!(r.iter().all(|n| n.starts_with(&format!("+1{prefix}"))));
    }

    let r =
        t.bo.search_numbers(&SearchQuery::country("GB"))
            .await
            .unwrap();
    assert!(
        !r.is_empty()
            && r.iter()
                .all(|n| n.e164.starts_with("+44") && n.country == "GB")
    );

    let mut q = SearchQuery::country("US");
    q.area_code = Some("20".into());
    let err = t.bo.search_numbers(&q).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Invalid {
                field: "area_code",
                rule: "N3",
                ..
            }
        ),
        "{err}"
    );
}

async fn n03_search_leaves_out_numbers_already_held(t: &Ctx) {
    let mut q = SearchQuery::country("US");
    q.area_code = Some("512".into());
    q.limit = 100;
    let before = t.bo.search_numbers(&q).await.unwrap();
    let taken = vec![before[0].e164.clone(), before[1].e164.clone()];
    t.bo.place_order(ACCOUNT, &admin(), ProductType::BusinessCalling, &taken)
        .await
        .unwrap();
    let after = t.bo.search_numbers(&q).await.unwrap();
    assert_eq!(after.len(), before.len() - 2);
    assert!(after.iter().all(|n| !taken.contains(&n.e164)));
}

async fn n04_order_completes_asynchronously_with_a_status_per_number(t: &Ctx) {
    let n = t.free_local_numbers(3).await;
    t.supplier.fail_provisioning(&n[1]);
    let order =
        t.bo.place_order(ACCOUNT, &admin(), ProductType::BusinessCalling, &n)
            .await
            .unwrap();
    assert_eq!(order.status, OrderStatus::Processing);
    assert!(order
        .numbers
        .iter()
        .all(|x| x.status == OrderNumberStatus::Processing));
    assert_eq!(t.bo.pending_numbers(ACCOUNT).await.unwrap().len(), 3);

    let done = t.bo.complete_pending_orders().await.unwrap();
    assert_eq!(done, vec![order.id.clone()]);
    let order = t.bo.order(ACCOUNT, &order.id).await.unwrap();
    assert_eq!(order.status, OrderStatus::Partial);
    assert!(order.completed_at.is_some());
    let failed: Vec<_> = order
        .numbers
        .iter()
        .filter(|x| x.status == OrderNumberStatus::Failed)
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].e164, n[1]);
    assert!(!failed[0].reason.is_empty());
    assert!(t.bo.pending_numbers(ACCOUNT).await.unwrap().is_empty());
    let inv = t.bo.inventory(ACCOUNT).await.unwrap();
    let status_of = |e: &str| inv.iter().find(|x| x.e164 == e).map(|x| x.status);
    assert_eq!(status_of(&n[0]), Some(NumberStatus::Unassigned));
    assert_eq!(status_of(&n[1]), Some(NumberStatus::AcquireFailed));

    // Completing again (a second instance, a retry) changes nothing.
    assert!(t.bo.complete_pending_orders().await.unwrap().is_empty());
    assert_eq!(t.bo.order(ACCOUNT, &order.id).await.unwrap(), order);

    // A number not in the supplier's catalogue fails; an all-failed order is Failed.
    let order =
        t.bo.place_order(
            ACCOUNT,
            &admin(),
            ProductType::VoiceConnector,
            &["+12065550000".to_owned()],
        )
        .await
        .unwrap();
    t.bo.complete_pending_orders().await.unwrap();
    assert_eq!(
        t.bo.order(ACCOUNT, &order.id).await.unwrap().status,
        OrderStatus::Failed
    );
    assert_eq!(t.bo.orders(ACCOUNT).await.unwrap().len(), 2);
}

async fn n04_bad_order_is_refused_and_changes_nothing(t: &Ctx) {
    let n = t.free_local_numbers(2).await;
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec![], "numbers"),
        (vec!["2065550100".into()], "numbers"),
        (vec!["+1 206 555 0100".into()], "numbers"),
        (vec![n[0].clone(), n[0].clone()], "numbers"),
    ];
    for (numbers, want) in cases {
        match t
            .bo
            .place_order(ACCOUNT, &admin(), ProductType::BusinessCalling, &numbers)
            .await
        {
            Err(Error::Invalid {
                field, rule: "N4", ..
            }) => assert_eq!(field, want),
            other => panic!("{numbers:?}: {other:?}"),
        }
    }
    t.bo.place_order(ACCOUNT, &admin(), ProductType::BusinessCalling, &n[..1])
        .await
        .unwrap();
    // n[1] is free but n[0] is held: the whole order is refused.
    let err =
        t.bo.place_order(
            ACCOUNT,
            &admin(),
            ProductType::BusinessCalling,
            &[n[1].clone(), n[0].clone()],
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Conflict {
                field: "numbers",
                rule: "N4",
                ..
            }
        ),
        "{err}"
    );
    assert!(
        !err.to_string().contains(&n[0][2..]),
        "the error shows the number redacted: {err}"
    );
    assert_eq!(t.bo.orders(ACCOUNT).await.unwrap().len(), 1);
    assert_eq!(t.bo.inventory(ACCOUNT).await.unwrap().len(), 1);
}

async fn n05_order_past_the_limit_is_refused_whole(t: &Ctx) {
    assert_eq!(t.bo.account(ACCOUNT).await.unwrap().number_limit, 25);
    let n = t.free_local_numbers(26).await;
    t.bo.place_order(ACCOUNT, &admin(), ProductType::BusinessCalling, &n[..20])
        .await
        .unwrap();
    let err =
        t.bo.place_order(ACCOUNT, &admin(), ProductType::BusinessCalling, &n[20..26])
            .await
            .unwrap_err();
    match &err {
        Error::LimitReached {
            limit: 25,
            held: 20,
            requested: 6,
            rule: "N5",
        } => {}
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("at most 25"), "{err}");
    assert_eq!(t.bo.inventory(ACCOUNT).await.unwrap().len(), 20);
    assert_eq!(t.bo.orders(ACCOUNT).await.unwrap().len(), 1);
    t.bo.place_order(ACCOUNT, &admin(), ProductType::BusinessCalling, &n[20..25])
        .await
        .unwrap();
    assert_eq!(t.bo.inventory(ACCOUNT).await.unwrap().len(), 25);
}

async fn n05_deletion_queue_and_pending_orders_count_against_the_limit(t: &Ctx) {
    t.bo.set_number_limit(ACCOUNT, 3).await.unwrap();
    let owned = t.owned(1, ProductType::BusinessCalling).await;
    t.bo.delete_numbers(ACCOUNT, &admin(), &owned)
        .await
        .unwrap();
    let more = t.free_local_numbers(3).await;
    t.bo.place_order(ACCOUNT, &admin(), ProductType::BusinessCalling, &more[..1])
        .await
        .unwrap();
    // One in the deletion queue, one pending: two more would make four.
    let err =
        t.bo.place_order(ACCOUNT, &admin(), ProductType::BusinessCalling, &more[1..3])
            .await
            .unwrap_err();
    assert!(
        matches!(
            err,
            Error::LimitReached {
                held: 2,
                requested: 2,
                ..
            }
        ),
        "{err}"
    );
    // Once the queued number is released for good, it no longer counts.
    t.clock.advance(backoffice::numbers::DELETION_QUEUE);
    assert_eq!(t.bo.purge_due().await.unwrap().released, owned);
    t.bo.place_order(ACCOUNT, &admin(), ProductType::BusinessCalling, &more[1..3])
        .await
        .unwrap();
}

async fn n05_racing_orders_never_pass_the_limit(t: &Ctx) {
    let n = t.free_local_numbers(60).await;
    let other = t.instance().await;
    let mut tasks = Vec::new();
    for (i, pair) in n.chunks(2).enumerate() {
        // Half the orders go through a second instance with its own connections.
        let bo = if i % 2 == 0 {
            t.bo.clone()
        } else {
            other.clone()
        };
        let pair = pair.to_vec();
        tasks.push(tokio::spawn(async move {
            bo.place_order(ACCOUNT, &admin(), ProductType::BusinessCalling, &pair)
                .await
        }));
    }
    let (mut ok, mut refused) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => ok += 1,
            Err(Error::LimitReached { .. }) => refused += 1,
            Err(e) => panic!("unexpected: {e}"),
        }
    }
    assert_eq!((ok, refused), (12, 18), "25 fits twelve orders of two");
    let held = t.bo.inventory(ACCOUNT).await.unwrap();
    assert_eq!(held.len(), 24);
    let distinct: HashSet<_> = held.iter().map(|x| &x.e164).collect();
    assert_eq!(distinct.len(), 24);
}
