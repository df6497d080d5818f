//! N10: the deletion queue. A deleted number waits 7 days, can be restored as it was,
//! then is released exactly once.
//!
//! Exactly once, across restarts and instances: a purge first *claims* due numbers with
//! one conditional `UPDATE ... WHERE status = 'DeleteInProgress' AND purge_at <= now
//! RETURNING`, which moves them to ReleaseInProgress. Only one transaction can make that
//! change for a row (PostgreSQL re-checks the condition after waiting on the row lock;
//! SQLite serializes writers), so only one instance releases a given number. A crash
//! after the claim leaves the number in ReleaseInProgress, and the next purge retries
//! it; the supplier's release is idempotent.

use std::time::Duration;

use sqlx::Row;

use super::events::{load_locked, record_event, set_status};
use super::{lock_order, Actor, NumberStatus, NumberSummary, DELETION_QUEUE};
use crate::error::{Error, Result};
use crate::leases::refuse_if_leased;
use crate::redact::Redacted;
use crate::service::Backoffice;

/// A ReleaseInProgress number older than this is taken to belong to a crashed purge.
const STALE_RELEASE: Duration = Duration::from_secs(10 * 60);

/// What one purge run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PurgeReport {
    /// Numbers released for good by this run.
    pub released: Vec<String>,
    /// Numbers whose release failed (now ReleaseFailed).
    pub failed: Vec<String>,
}

const PURGER: &str = "system:purger";

impl Backoffice {
    /// N10, N11: moves Unassigned numbers to the deletion queue, all or none.
    pub async fn delete_numbers(
        &self,
        account: &str,
        actor: &Actor,
        numbers: &[String],
    ) -> Result<Vec<NumberSummary>> {
        if numbers.is_empty() {
            return Err(Error::invalid("numbers", "N10", "name at least one number"));
        }
        let now = self.now();
        let purge_at = now.plus(DELETION_QUEUE);
        let mut tx = self.store.begin_write().await?;
        for e164 in &lock_order(numbers) {
            let n = load_locked(&self.store, &mut tx, account, e164).await?;
            refuse_if_leased(&self.store, &mut tx, e164, now, "deleted").await?;
            if n.status != NumberStatus::Unassigned {
                return Err(Error::conflict(
                    "numbers",
                    "N10",
                    format!(
                        "only Unassigned numbers can be deleted; one is {}",
                        n.status
                    ),
                ));
            }
            let pooled: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM callback_pool WHERE e164 = $1")
                    .bind(e164)
                    .fetch_one(&mut *tx)
                    .await?;
            if pooled > 0 {
                return Err(Error::conflict(
                    "numbers",
                    "V3",
                    "remove the number from the callback pool first",
                ));
            }
            sqlx::query("UPDATE numbers SET restore_status = $1, deleted_at = $2, purge_at = $3 WHERE e164 = $4")
                .bind(n.status.as_str())
                .bind(now.as_millis())
                .bind(purge_at.as_millis())
                .bind(e164)
                .execute(&mut *tx)
                .await?;
            set_status(
                &mut tx,
                &n,
                NumberStatus::DeleteInProgress,
                now,
                &actor.0,
                "deleted; in the deletion queue",
            )
            .await?;
        }
        tx.commit().await?;
        let mut out = Vec::new();
        for e164 in numbers {
            out.push(self.summary(account, e164).await?);
        }
        Ok(out)
    }

    /// N10: moves numbers from the deletion queue back to the inventory as they were,
    /// all or none; refused once their 7 days have passed.
    pub async fn restore_numbers(
        &self,
        account: &str,
        actor: &Actor,
        numbers: &[String],
    ) -> Result<Vec<NumberSummary>> {
        if numbers.is_empty() {
            return Err(Error::invalid("numbers", "N10", "name at least one number"));
        }
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        for e164 in &lock_order(numbers) {
            let n = load_locked(&self.store, &mut tx, account, e164).await?;
            if n.status != NumberStatus::DeleteInProgress {
                return Err(Error::conflict(
                    "numbers",
                    "N10",
                    format!("the number is {}, not in the deletion queue", n.status),
                ));
            }
            if n.purge_at.is_some_and(|t| t <= now) {
                return Err(Error::conflict(
                    "numbers",
                    "N10",
                    "its 7 days in the deletion queue have passed",
                ));
            }
            let back = n.restore_status.unwrap_or(NumberStatus::Unassigned);
            sqlx::query("UPDATE numbers SET restore_status = NULL, deleted_at = NULL, purge_at = NULL WHERE e164 = $1")
                .bind(e164)
                .execute(&mut *tx)
                .await?;
            set_status(
                &mut tx,
                &n,
                back,
                now,
                &actor.0,
                "restored from the deletion queue",
            )
            .await?;
        }
        tx.commit().await?;
        let mut out = Vec::new();
        for e164 in numbers {
            out.push(self.summary(account, e164).await?);
        }
        Ok(out)
    }

    /// N10: releases every number whose 7 days are over, exactly once (see the module
    /// doc). Safe to run from several instances at the same time, and after a crash.
    pub async fn purge_due(&self) -> Result<PurgeReport> {
        let now = self.now();
        let stale = now.as_millis() - i64::try_from(STALE_RELEASE.as_millis()).unwrap_or(i64::MAX);
        let mut tx = self.store.begin_write().await?;
        let claimed = sqlx::query(
            "UPDATE numbers SET status = 'ReleaseInProgress', updated_at = $1 \
             WHERE (status = 'DeleteInProgress' AND purge_at <= $1) \
                OR (status = 'ReleaseInProgress' AND updated_at <= $2) \
             RETURNING e164, account_id, restore_status",
        )
        .bind(now.as_millis())
        .bind(stale)
        .fetch_all(&mut *tx)
        .await?;
        let mut work = Vec::with_capacity(claimed.len());
        for row in &claimed {
            let (e164, account): (String, String) = (row.try_get(0)?, row.try_get(1)?);
            // A retried claim has restore_status already cleared; record only first claims.
            if row.try_get::<Option<String>, _>(2)?.is_some() {
                record_event(
                    &mut tx,
                    &e164,
                    &account,
                    now,
                    PURGER,
                    Some(NumberStatus::DeleteInProgress),
                    NumberStatus::ReleaseInProgress,
                    "7 days in the deletion queue are over",
                )
                .await?;
                sqlx::query("UPDATE numbers SET restore_status = NULL WHERE e164 = $1")
                    .bind(&e164)
                    .execute(&mut *tx)
                    .await?;
            }
            work.push((e164, account));
        }
        tx.commit().await?;

        let mut report = PurgeReport::default();
        for (e164, account) in work {
            let released = self.supplier.release(&e164).await;
            let mut tx = self.store.begin_write().await?;
            match released {
                Ok(()) => {
                    let gone = sqlx::query(
                        "DELETE FROM numbers WHERE e164 = $1 AND status = 'ReleaseInProgress'",
                    )
                    .bind(&e164)
                    .execute(&mut *tx)
                    .await?;
                    if gone.rows_affected() == 1 {
                        record_event(
                            &mut tx,
                            &e164,
                            &account,
                            self.now(),
                            PURGER,
                            Some(NumberStatus::ReleaseInProgress),
                            NumberStatus::ReleaseInProgress,
                            "released for good",
                        )
                        .await?;
                        tracing::info!(number = %Redacted(&e164), "number released for good");
                        report.released.push(e164);
                    }
                }
                Err(e) => {
                    sqlx::query("UPDATE numbers SET status = 'ReleaseFailed' WHERE e164 = $1 AND status = 'ReleaseInProgress'")
                        .bind(&e164)
                        .execute(&mut *tx)
                        .await?;
                    record_event(
                        &mut tx,
                        &e164,
                        &account,
                        self.now(),
                        PURGER,
                        Some(NumberStatus::ReleaseInProgress),
                        NumberStatus::ReleaseFailed,
                        &e.to_string(),
                    )
                    .await?;
                    tracing::warn!(number = %Redacted(&e164), error = %e, "release failed");
                    report.failed.push(e164);
                }
            }
            tx.commit().await?;
        }
        Ok(report)
    }
}
