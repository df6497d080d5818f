//! N6 storage and state machine: submission, letters, carrier events, cancellation.

use sqlx::Row;

use super::{
    decode, pending_note, validate, CarrierEvent, Loa, PortNumber, PortRequest, PortState,
};
use crate::clock::Timestamp;
use crate::e164;
use crate::error::{Error, Result};
use crate::numbers::events::{load_locked, record_event, set_status};
use crate::numbers::supplier::is_toll_free;
use crate::numbers::{Actor, NumberStatus, ProductType};
use crate::redact::Redacted;
use crate::service::Backoffice;
use crate::storage::{new_id, Store, Tx};

impl Backoffice {
    /// N6: submits a port-in request; refused whole, changing nothing, on bad input, a
    /// number already held, or the limit (N5). Starts PendingDocuments when a letter is
    /// incomplete, else Submitted.
    pub async fn submit_port_in(
        &self,
        account: &str,
        actor: &Actor,
        product_type: ProductType,
        numbers: &[PortNumber],
        loas: &[Loa],
    ) -> Result<PortRequest> {
        validate(product_type, numbers, loas)?;
        let note = pending_note(loas);
        let state = if note.is_empty() {
            PortState::Submitted
        } else {
            PortState::PendingDocuments
        };
        let id = new_id("port");
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        self.reserve_within_limit(&mut tx, account, numbers.len())
            .await?;
        sqlx::query(
            "INSERT INTO port_requests (id, account_id, product_type, state, note, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(&id)
        .bind(account)
        .bind(product_type.as_str())
        .bind(state.as_str())
        .bind(&note)
        .bind(&actor.0)
        .bind(now.as_millis())
        .execute(&mut *tx)
        .await?;
        for l in loas {
            write_loa(&mut tx, &id, l).await?;
        }
        for n in numbers {
            sqlx::query(
                "DELETE FROM numbers WHERE e164 = $1 AND status IN ('AcquireFailed', 'Cancelled')",
            )
            .bind(&n.e164)
            .execute(&mut *tx)
            .await?;
            let inserted = sqlx::query(
                "INSERT INTO numbers (e164, account_id, country, toll_free, product_type, status, order_id, updated_at) \
                 VALUES ($1, $2, 'US', $3, $4, 'PortinInProgress', $5, $6)",
            )
            .bind(&n.e164)
            .bind(account)
            .bind(i64::from(is_toll_free(&n.e164)))
            .bind(product_type.as_str())
            .bind(&id)
            .bind(now.as_millis())
            .execute(&mut *tx)
            .await
            .map_err(Error::from);
            if let Err(e) = inserted {
                return Err(if e.is_unique_violation() {
                    Error::conflict(
                        "numbers",
                        "N6",
                        format!("{} is already held", Redacted(&n.e164)),
                    )
                } else {
                    e
                });
            }
            sqlx::query("INSERT INTO port_numbers (request_id, e164, carrier) VALUES ($1, $2, $3)")
                .bind(&id)
                .bind(&n.e164)
                .bind(n.carrier.trim())
                .execute(&mut *tx)
                .await?;
            let detail = format!("port-in {id}");
            record_event(
                &mut tx,
                &n.e164,
                account,
                now,
                &actor.0,
                None,
                NumberStatus::PortinInProgress,
                &detail,
            )
            .await?;
        }
        tx.commit().await?;
        self.port_request(account, &id).await
    }

    /// N6: replaces the letter for one carrier; a PendingDocuments request whose letters
    /// are all complete becomes Submitted.
    pub async fn update_loa(&self, account: &str, id: &str, loa: &Loa) -> Result<PortRequest> {
        if !loa.billing_telephone_number.is_empty() {
            e164::validate(
                "loas.billing_telephone_number",
                "N6",
                &loa.billing_telephone_number,
            )?;
        }
        let mut tx = self.store.begin_write().await?;
        let (state, _) = lock_request(&self.store, &mut tx, account, id).await?;
        if !matches!(
            state,
            PortState::Submitted | PortState::PendingDocuments | PortState::Exception
        ) {
            return Err(Error::conflict(
                "state",
                "N6",
                format!("letters cannot change once the request is {state}"),
            ));
        }
        let gone = sqlx::query("DELETE FROM port_loas WHERE request_id = $1 AND carrier = $2")
            .bind(id)
            .bind(loa.carrier.trim())
            .execute(&mut *tx)
            .await?;
        if gone.rows_affected() == 0 {
            return Err(Error::invalid(
                "loas.carrier",
                "N6",
                "no number of this request leaves that carrier",
            ));
        }
        write_loa(&mut tx, id, loa).await?;
        let note = pending_note(&read_loas(&mut tx, id).await?);
        let next = match (state, note.is_empty()) {
            (PortState::PendingDocuments, true) => PortState::Submitted,
            (PortState::Submitted, false) => PortState::PendingDocuments,
            (s, _) => s,
        };
        self.set_port_state(&mut tx, id, next, None, &note).await?;
        tx.commit().await?;
        self.port_request(account, id).await
    }

    /// N6: the carrier side advances a request (see the module doc).
    pub async fn record_carrier_event(
        &self,
        account: &str,
        actor: &Actor,
        id: &str,
        event: &CarrierEvent,
    ) -> Result<PortRequest> {
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let (state, foc_at) = lock_request(&self.store, &mut tx, account, id).await?;
        let refuse = || {
            Error::conflict(
                "state",
                "N6",
                format!("a request in {state} cannot take {event:?}"),
            )
        };
        match event {
            CarrierEvent::FirmOrderCommitment { at } => {
                if !matches!(state, PortState::Submitted | PortState::FirmOrderCommitment) {
                    return Err(refuse());
                }
                if *at <= now {
                    return Err(Error::invalid(
                        "foc_at",
                        "N6",
                        "the firm order commitment date is in the future",
                    ));
                }
                self.set_port_state(&mut tx, id, PortState::FirmOrderCommitment, Some(*at), "")
                    .await?;
            }
            CarrierEvent::Completed => {
                if state != PortState::FirmOrderCommitment {
                    return Err(refuse());
                }
                if foc_at.is_some_and(|t| now < t) {
                    return Err(Error::conflict(
                        "foc_at",
                        "N6",
                        "the port completes on its firm order commitment date",
                    ));
                }
                self.set_port_state(&mut tx, id, PortState::Completed, foc_at, "")
                    .await?;
                self.move_port_numbers(&mut tx, account, id, NumberStatus::Unassigned, &actor.0)
                    .await?;
            }
            CarrierEvent::Exception { reason } => {
                if !matches!(state, PortState::Submitted | PortState::FirmOrderCommitment) {
                    return Err(refuse());
                }
                if reason.trim().is_empty() {
                    return Err(Error::invalid(
                        "reason",
                        "N6",
                        "say what the carrier refused",
                    ));
                }
                self.set_port_state(&mut tx, id, PortState::Exception, None, reason)
                    .await?;
            }
        }
        tx.commit().await?;
        self.port_request(account, id).await
    }

    /// N6: resubmits a request in Exception (after its letters were fixed).
    pub async fn resubmit_port_in(&self, account: &str, id: &str) -> Result<PortRequest> {
        let mut tx = self.store.begin_write().await?;
        let (state, _) = lock_request(&self.store, &mut tx, account, id).await?;
        if state != PortState::Exception {
            return Err(Error::conflict(
                "state",
                "N6",
                format!("only a request in Exception is resubmitted; this is {state}"),
            ));
        }
        let note = pending_note(&read_loas(&mut tx, id).await?);
        let next = if note.is_empty() {
            PortState::Submitted
        } else {
            PortState::PendingDocuments
        };
        self.set_port_state(&mut tx, id, next, None, &note).await?;
        tx.commit().await?;
        self.port_request(account, id).await
    }

    /// N6: cancels a request that has not completed; its numbers become Cancelled.
    pub async fn cancel_port_in(
        &self,
        account: &str,
        actor: &Actor,
        id: &str,
    ) -> Result<PortRequest> {
        let mut tx = self.store.begin_write().await?;
        let (state, _) = lock_request(&self.store, &mut tx, account, id).await?;
        if matches!(state, PortState::Completed | PortState::Cancelled) {
            return Err(Error::conflict(
                "state",
                "N6",
                format!("the request is already {state}"),
            ));
        }
        self.set_port_state(
            &mut tx,
            id,
            PortState::Cancelled,
            None,
            "cancelled by the tenant",
        )
        .await?;
        self.move_port_numbers(&mut tx, account, id, NumberStatus::Cancelled, &actor.0)
            .await?;
        tx.commit().await?;
        self.port_request(account, id).await
    }

    async fn set_port_state(
        &self,
        tx: &mut Tx,
        id: &str,
        state: PortState,
        foc_at: Option<Timestamp>,
        note: &str,
    ) -> Result<()> {
        sqlx::query("UPDATE port_requests SET state = $1, foc_at = $2, note = $3, updated_at = $4 WHERE id = $5")
            .bind(state.as_str())
            .bind(foc_at.map(Timestamp::as_millis))
            .bind(note)
            .bind(self.now().as_millis())
            .bind(id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    async fn move_port_numbers(
        &self,
        tx: &mut Tx,
        account: &str,
        id: &str,
        to: NumberStatus,
        actor: &str,
    ) -> Result<()> {
        let numbers: Vec<String> =
            sqlx::query_scalar("SELECT e164 FROM port_numbers WHERE request_id = $1 ORDER BY e164")
                .bind(id)
                .fetch_all(&mut **tx)
                .await?;
        for e164 in numbers {
            let n = load_locked(&self.store, tx, account, &e164).await?;
            if n.status == NumberStatus::PortinInProgress {
                set_status(tx, &n, to, self.now(), actor, &format!("port-in {id}")).await?;
            }
        }
        Ok(())
    }

    /// N6: the account's port-in requests, newest first.
    pub async fn port_requests(&self, account: &str) -> Result<Vec<PortRequest>> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM port_requests WHERE account_id = $1 ORDER BY created_at DESC, id",
        )
        .bind(account)
        .fetch_all(self.store.pool())
        .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.port_request(account, &id).await?);
        }
        Ok(out)
    }

    /// N6: one request with its numbers and letters.
    pub async fn port_request(&self, account: &str, id: &str) -> Result<PortRequest> {
        let mut conn = self.store.pool().acquire().await?;
        let row = sqlx::query("SELECT product_type, state, foc_at, note FROM port_requests WHERE id = $1 AND account_id = $2")
            .bind(id)
            .bind(account)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| Error::not_found("port-in request", id))?;
        let numbers = sqlx::query(
            "SELECT e164, carrier FROM port_numbers WHERE request_id = $1 ORDER BY e164",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(PortNumber {
                e164: r.try_get(0)?,
                carrier: r.try_get(1)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let loas = read_loas(&mut conn, id).await?;
        Ok(PortRequest {
            id: id.to_owned(),
            product_type: row.try_get::<String, _>(0)?.parse().map_err(decode)?,
            state: row.try_get::<String, _>(1)?.parse().map_err(decode)?,
            foc_at: row
                .try_get::<Option<i64>, _>(2)?
                .map(Timestamp::from_millis),
            note: row.try_get(3)?,
            numbers,
            loas,
        })
    }
}

async fn lock_request(
    store: &Store,
    tx: &mut Tx,
    account: &str,
    id: &str,
) -> Result<(PortState, Option<Timestamp>)> {
    let sql = format!(
        "SELECT state, foc_at FROM port_requests WHERE id = $1 AND account_id = $2{}",
        store.for_update()
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(account)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| Error::not_found("port-in request", id))?;
    let state = row.try_get::<String, _>(0)?.parse().map_err(decode)?;
    Ok((
        state,
        row.try_get::<Option<i64>, _>(1)?
            .map(Timestamp::from_millis),
    ))
}

async fn write_loa(tx: &mut Tx, id: &str, l: &Loa) -> Result<()> {
    sqlx::query(
        "INSERT INTO port_loas (request_id, carrier, authorized_name, billing_telephone_number, service_address, \
         account_number) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(l.carrier.trim())
    .bind(l.authorized_name.trim())
    .bind(l.billing_telephone_number.trim())
    .bind(l.service_address.trim())
    .bind(l.account_number.trim())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn read_loas(conn: &mut sqlx::AnyConnection, id: &str) -> Result<Vec<Loa>> {
    sqlx::query(
        "SELECT carrier, authorized_name, billing_telephone_number, service_address, account_number \
         FROM port_loas WHERE request_id = $1 ORDER BY carrier",
    )
    .bind(id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok(Loa {
            carrier: r.try_get(0)?,
            authorized_name: r.try_get(1)?,
            billing_telephone_number: r.try_get(2)?,
            service_address: r.try_get(3)?,
            account_number: r.try_get(4)?,
        })
    })
    .collect()
}
