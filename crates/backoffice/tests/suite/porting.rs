//! N6: porting existing US numbers in.

use std::time::Duration;

use backoffice::numbers::{CarrierEvent, Loa, NumberStatus, PortNumber, PortState, ProductType};
use backoffice::{Clock, Error};

use crate::harness::{admin, backend_tests, Ctx, ACCOUNT};

backend_tests!(
    n06_port_in_goes_submitted_foc_completed_and_numbers_reach_the_inventory,
    n06_one_complete_letter_per_losing_carrier,
    n06_exception_resubmission_and_cancellation,
    n06_port_in_counts_against_the_limit,
);

/// Numbers of the 555-0100..0199 range, kept for fiction: never anyone's line.
fn numbers(carriers: &[(&str, &str)]) -> Vec<PortNumber> {
    carriers
        .iter()
        .map(|(e164, carrier)| PortNumber {
            e164: (*e164).into(),
            carrier: (*carrier).into(),
        })
        .collect()
}

fn loa(carrier: &str) -> Loa {
    Loa {
        carrier: carrier.into(),
        authorized_name: "Jane Roe".into(),
        billing_telephone_number: "+12065550100".into(),
        service_address: "1 Main St, Seattle, WA 98101".into(),
        account_number: "AC-99812".into(),
    }
}

const DAY: Duration = Duration::from_secs(24 * 3600);

async fn n06_port_in_goes_submitted_foc_completed_and_numbers_reach_the_inventory(t: &Ctx) {
    let n = numbers(&[("+12065550142", "Lumen"), ("+18335550143", "Verizon")]);
    let req =
        t.bo.submit_port_in(
            ACCOUNT,
            &admin(),
            ProductType::VoiceConnector,
            &n,
            &[loa("Lumen"), loa("Verizon")],
        )
        .await
        .unwrap();
    assert_eq!(req.state, PortState::Submitted);
    assert_eq!(req.loas.len(), 2);
    let inv = t.bo.inventory(ACCOUNT).await.unwrap();
    assert!(
        inv.iter()
            .all(|x| x.status == NumberStatus::PortinInProgress),
        "{inv:?}"
    );

    let err =
        t.bo.record_carrier_event(ACCOUNT, &admin(), &req.id, &CarrierEvent::Completed)
            .await
            .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Conflict {
                field: "state",
                rule: "N6",
                ..
            }
        ),
        "{err}"
    );
    let past = CarrierEvent::FirmOrderCommitment { at: t.clock.now() };
    let err =
        t.bo.record_carrier_event(ACCOUNT, &admin(), &req.id, &past)
            .await
            .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Invalid {
                field: "foc_at",
                ..
            }
        ),
        "{err}"
    );
    let foc = t.clock.now().plus(14 * DAY);
    let req =
        t.bo.record_carrier_event(
            ACCOUNT,
            &admin(),
            &req.id,
            &CarrierEvent::FirmOrderCommitment { at: foc },
        )
        .await
        .unwrap();
    assert_eq!(
        (req.state, req.foc_at),
        (PortState::FirmOrderCommitment, Some(foc))
    );

    t.clock.advance(13 * DAY);
    let err =
        t.bo.record_carrier_event(ACCOUNT, &admin(), &req.id, &CarrierEvent::Completed)
            .await
            .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Conflict {
                field: "foc_at",
                ..
            }
        ),
        "not before the date: {err}"
    );
    t.clock.advance(DAY);
    let req =
        t.bo.record_carrier_event(ACCOUNT, &admin(), &req.id, &CarrierEvent::Completed)
            .await
            .unwrap();
    assert_eq!(req.state, PortState::Completed);
    let inv = t.bo.inventory(ACCOUNT).await.unwrap();
    assert_eq!(inv.len(), 2);
    assert!(inv
        .iter()
        .all(|x| x.status == NumberStatus::Unassigned
            && x.product_type == ProductType::VoiceConnector));
    let tf = inv.iter().find(|x| x.e164 == "+18335550143").unwrap();
    assert!(tf.toll_free);
    let h =
        t.bo.number_details(ACCOUNT, "+12065550142")
            .await
            .unwrap()
            .history;
    let steps: Vec<_> = h.iter().map(|e| (e.from, e.to)).collect();
    assert_eq!(
        steps,
        vec![
            (None, NumberStatus::PortinInProgress),
            (
                Some(NumberStatus::PortinInProgress),
                NumberStatus::Unassigned
            )
        ]
    );
    let err =
        t.bo.cancel_port_in(ACCOUNT, &admin(), &req.id)
            .await
            .unwrap_err();
    assert!(matches!(err, Error::Conflict { rule: "N6", .. }), "{err}");
}

async fn n06_one_complete_letter_per_losing_carrier(t: &Ctx) {
    let two = numbers(&[("+12065550150", "Lumen"), ("+12065550151", "Comcast")]);
    let vc = ProductType::VoiceConnector;
    /// (numbers, letters, product type, refused field, rule)
    type Case = (
        Vec<PortNumber>,
        Vec<Loa>,
        ProductType,
        &'static str,
        &'static str,
    );
    let bad: Vec<Case> = vec![
        (two.clone(), vec![loa("Lumen")], vc, "loas", "N6"),
        (
            two.clone(),
            vec![loa("Lumen"), loa("Comcast"), loa("AT&T")],
            vc,
            "loas",
            "N6",
        ),
        (
            two.clone(),
            vec![loa("Lumen"), loa("Lumen"), loa("Comcast")],
            vc,
            "loas",
            "N6",
        ),
        (
            numbers(&[("+442079460010", "BT")]),
            vec![loa("BT")],
            vc,
            "numbers",
            "N6",
        ),
        (
            numbers(&[("+18885550152", "Lumen")]),
            vec![loa("Lumen")],
            ProductType::BusinessCalling,
            "product_type",
            "N1",
        ),
        (
            numbers(&[("+12065550153", " ")]),
            vec![],
            vc,
            "numbers.carrier",
            "N6",
        ),
        (vec![], vec![], vc, "numbers", "N6"),
    ];
    for (n, l, pt, want_field, want_rule) in bad {
        match t.bo.submit_port_in(ACCOUNT, &admin(), pt, &n, &l).await {
            Err(Error::Invalid { field, rule, .. }) => {
                assert_eq!((field, rule), (want_field, want_rule))
            }
            other => panic!("{want_field}: {other:?}"),
        }
    }
    let mut wrong_btn = loa("Comcast");
    wrong_btn.billing_telephone_number = "206-555-0100".into();
    let err =
        t.bo.submit_port_in(ACCOUNT, &admin(), vc, &two, &[loa("Lumen"), wrong_btn])
            .await
            .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Invalid {
                field: "loas.billing_telephone_number",
                ..
            }
        ),
        "{err}"
    );
    assert!(
        t.bo.inventory(ACCOUNT).await.unwrap().is_empty(),
        "refusals change nothing"
    );

    let mut incomplete = loa("Comcast");
    incomplete.account_number.clear();
    let req =
        t.bo.submit_port_in(ACCOUNT, &admin(), vc, &two, &[loa("Lumen"), incomplete])
            .await
            .unwrap();
    assert_eq!(req.state, PortState::PendingDocuments);
    assert!(
        req.note.contains("Comcast") && req.note.contains("account_number"),
        "{}",
        req.note
    );
    let foc = CarrierEvent::FirmOrderCommitment {
        at: t.clock.now().plus(DAY),
    };
    let err =
        t.bo.record_carrier_event(ACCOUNT, &admin(), &req.id, &foc)
            .await
            .unwrap_err();
    assert!(matches!(err, Error::Conflict { rule: "N6", .. }), "{err}");
    let err =
        t.bo.update_loa(ACCOUNT, &req.id, &loa("AT&T"))
            .await
            .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Invalid {
                field: "loas.carrier",
                ..
            }
        ),
        "{err}"
    );
    let req =
        t.bo.update_loa(ACCOUNT, &req.id, &loa("Comcast"))
            .await
            .unwrap();
    assert_eq!((req.state, req.note.as_str()), (PortState::Submitted, ""));
}

async fn n06_exception_resubmission_and_cancellation(t: &Ctx) {
    let n = numbers(&[("+13035550160", "Lumen")]);
    let req =
        t.bo.submit_port_in(
            ACCOUNT,
            &admin(),
            ProductType::BusinessCalling,
            &n,
            &[loa("Lumen")],
        )
        .await
        .unwrap();
    let exception = CarrierEvent::Exception {
        reason: "service address does not match".into(),
    };
    let req =
        t.bo.record_carrier_event(ACCOUNT, &admin(), &req.id, &exception)
            .await
            .unwrap();
    assert_eq!(
        (req.state, req.note.as_str()),
        (PortState::Exception, "service address does not match")
    );
    let err =
        t.bo.record_carrier_event(ACCOUNT, &admin(), &req.id, &exception)
            .await
            .unwrap_err();
    assert!(matches!(err, Error::Conflict { rule: "N6", .. }), "{err}");
    let mut fixed = loa("Lumen");
    fixed.service_address = "2 Main St, Denver, CO 80202".into();
    t.bo.update_loa(ACCOUNT, &req.id, &fixed).await.unwrap();
    let req = t.bo.resubmit_port_in(ACCOUNT, &req.id).await.unwrap();
    assert_eq!(req.state, PortState::Submitted);
    assert_eq!(req.loas, vec![fixed]);

    let req =
        t.bo.cancel_port_in(ACCOUNT, &admin(), &req.id)
            .await
            .unwrap();
    assert_eq!(req.state, PortState::Cancelled);
    let d = t.bo.number_details(ACCOUNT, "+13035550160").await.unwrap();
    assert_eq!(d.summary.status, NumberStatus::Cancelled);
    let err =
        t.bo.record_carrier_event(ACCOUNT, &admin(), &req.id, &CarrierEvent::Completed)
            .await
            .unwrap_err();
    assert!(
        matches!(err, Error::Conflict { rule: "N6", .. }),
        "a late event cannot revive it: {err}"
    );
    // A cancelled number may be ported again.
    t.bo.submit_port_in(
        ACCOUNT,
        &admin(),
        ProductType::BusinessCalling,
        &n,
        &[loa("Lumen")],
    )
    .await
    .unwrap();
}

async fn n06_port_in_counts_against_the_limit(t: &Ctx) {
    t.bo.set_number_limit(ACCOUNT, 2).await.unwrap();
    let three = numbers(&[
        ("+14045550170", "Lumen"),
        ("+14045550171", "Lumen"),
        ("+14045550172", "Lumen"),
    ]);
    let err =
        t.bo.submit_port_in(
            ACCOUNT,
            &admin(),
            ProductType::BusinessCalling,
            &three,
            &[loa("Lumen")],
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::LimitReached {
                limit: 2,
                held: 0,
                requested: 3,
                ..
            }
        ),
        "{err}"
    );
    let req =
        t.bo.submit_port_in(
            ACCOUNT,
            &admin(),
            ProductType::BusinessCalling,
            &three[..2],
            &[loa("Lumen")],
        )
        .await
        .unwrap();
    let one = t.free_local_numbers(1).await;
    let err =
        t.bo.place_order(ACCOUNT, &admin(), ProductType::BusinessCalling, &one)
            .await
            .unwrap_err();
    assert!(
        matches!(err, Error::LimitReached { held: 2, .. }),
        "pending port-ins count: {err}"
    );
    t.bo.cancel_port_in(ACCOUNT, &admin(), &req.id)
        .await
        .unwrap();
    t.bo.place_order(ACCOUNT, &admin(), ProductType::BusinessCalling, &one)
        .await
        .unwrap();
}
