//! V3: the tenant's emergency callback pool: which Voice Connector numbers serve as
//! temporary callback numbers, and how many are free.

use super::refuse_if_leased;
use crate::error::{Error, Result};
use crate::numbers::{record_event, Actor, NumberStatus, ProductType};
use crate::service::Backoffice;

/// The pool's size and free count (V3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    pub size: i64,
    pub leased: i64,
    pub free: i64,
    /// Fewer than a fifth of the pool (and at least one number) is free: administrators
    /// are warned before emergencies fall back to agents' own numbers.
    pub running_low: bool,
}

impl Backoffice {
    /// V3: adds Voice Connector numbers of the inventory to the callback pool, all or
    /// none. Adding a member again changes nothing.
    pub async fn add_to_callback_pool(
        &self,
        account: &str,
        actor: &Actor,
        numbers: &[String],
    ) -> Result<PoolStatus> {
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        for e164 in &crate::numbers::lock_order(numbers) {
            let n = crate::numbers::events_load_locked(&self.store, &mut tx, account, e164).await?;
            if n.product_type != ProductType::VoiceConnector {
                return Err(Error::invalid(
                    "numbers",
                    "V3",
                    "only Voice Connector numbers serve in the callback pool",
                ));
            }
            if !matches!(n.status, NumberStatus::Unassigned | NumberStatus::Assigned) {
                return Err(Error::conflict(
                    "numbers",
                    "V3",
                    format!("a number in status {} cannot join the pool", n.status),
                ));
            }
            let added = sqlx::query(
                "INSERT INTO callback_pool (e164, account_id, added_at) VALUES ($1, $2, $3) ON CONFLICT (e164) DO NOTHING",
            )
            .bind(e164)
            .bind(account)
            .bind(now.as_millis())
            .execute(&mut *tx)
            .await?;
            if added.rows_affected() == 1 {
                record_event(
                    &mut tx,
                    e164,
                    account,
                    now,
                    &actor.0,
                    Some(n.status),
                    n.status,
                    "joined the emergency callback pool",
                )
                .await?;
            }
        }
        tx.commit().await?;
        self.callback_pool_status(account).await
    }

    /// V3, N11: takes numbers out of the pool, all or none; refused for a number whose
    /// lease is active.
    pub async fn remove_from_callback_pool(
        &self,
        account: &str,
        actor: &Actor,
        numbers: &[String],
    ) -> Result<PoolStatus> {
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        for e164 in &crate::numbers::lock_order(numbers) {
            let n = crate::numbers::events_load_locked(&self.store, &mut tx, account, e164).await?;
            refuse_if_leased(
                &self.store,
                &mut tx,
                e164,
                now,
                "removed from the callback pool",
            )
            .await?;
            // Only an expired lease can be left here (the check above holds the pool row).
            sqlx::query("DELETE FROM leases WHERE e164 = $1 AND expires_at <= $2")
                .bind(e164)
                .bind(now.as_millis())
                .execute(&mut *tx)
                .await?;
            let removed =
                sqlx::query("DELETE FROM callback_pool WHERE e164 = $1 AND account_id = $2")
                    .bind(e164)
                    .bind(account)
                    .execute(&mut *tx)
                    .await?;
            if removed.rows_affected() == 1 {
                record_event(
                    &mut tx,
                    e164,
                    account,
                    now,
                    &actor.0,
                    Some(n.status),
                    n.status,
                    "left the emergency callback pool",
                )
                .await?;
            }
        }
        tx.commit().await?;
        self.callback_pool_status(account).await
    }

    /// V3: the pool's size and free count now.
    pub async fn callback_pool_status(&self, account: &str) -> Result<PoolStatus> {
        let size: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM callback_pool WHERE account_id = $1")
                .bind(account)
                .fetch_one(self.store.pool())
                .await?;
        let leased: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM leases WHERE account_id = $1 AND expires_at > $2",
        )
        .bind(account)
        .bind(self.now().as_millis())
        .fetch_one(self.store.pool())
        .await?;
        let free = size - leased;
        let running_low = free * 5 < size || free == 0;
        if running_low {
            tracing::warn!(size, free, "emergency callback pool running low");
        }
        Ok(PoolStatus {
            size,
            leased,
            free,
            running_low,
        })
    }

    /// V3: whether `e164` is in the pool.
    pub(crate) async fn in_callback_pool(&self, e164: &str) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM callback_pool WHERE e164 = $1")
            .bind(e164)
            .fetch_one(self.store.pool())
            .await?;
        Ok(n > 0)
    }
}
