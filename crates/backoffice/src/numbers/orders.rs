//! Search (N3) and orders (N4) under the inventory limit (N5).
//!
//! An order's numbers enter `numbers` at once as AcquireInProgress: the pending list is
//! those rows, they count against the limit from the first moment, and the primary key
//! on the number refuses a second order for it. Completion is asynchronous: the
//! supplier is asked outside any transaction, then each number moves on exactly once
//! (a conditional update), so a completion run twice, or by two instances, is harmless.

use std::collections::HashSet;

use sqlx::Row;

use super::events::record_event;
use super::supplier::{country_of, is_toll_free};
use super::{Actor, AvailableNumber, NumberStatus, ProductType, SearchQuery};
use crate::clock::Timestamp;
use crate::e164;
use crate::error::{Error, Result};
use crate::redact::Redacted;
use crate::service::Backoffice;
use crate::storage::{new_id, Tx};

/// The most numbers one order may hold.
const MAX_ORDER: usize = 100;

/// N4: an order's overall status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderStatus {
    Processing,
    Successful,
    Partial,
    Failed,
}

/// N4: one number's status within an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderNumberStatus {
    Processing,
    Successful,
    Failed,
}

/// One number of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderNumber {
    pub e164: String,
    pub status: OrderNumberStatus,
    /// Why it failed; empty otherwise.
    pub reason: String,
}

/// A provisioning order (N4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub id: String,
    pub product_type: ProductType,
    pub status: OrderStatus,
    pub created_by: String,
    pub created_at: Timestamp,
    pub completed_at: Option<Timestamp>,
    pub numbers: Vec<OrderNumber>,
}

fn order_status(s: &str) -> Result<OrderStatus> {
    Ok(match s {
        "Processing" => OrderStatus::Processing,
        "Successful" => OrderStatus::Successful,
        "Partial" => OrderStatus::Partial,
        "Failed" => OrderStatus::Failed,
        other => {
            return Err(Error::Storage(sqlx::Error::Decode(
                format!("order status {other}").into(),
            )))
        }
    })
}

fn number_status(s: &str) -> Result<OrderNumberStatus> {
    Ok(match s {
        "Processing" => OrderNumberStatus::Processing,
        "Successful" => OrderNumberStatus::Successful,
        "Failed" => OrderNumberStatus::Failed,
        other => {
            return Err(Error::Storage(sqlx::Error::Decode(
                format!("number status {other}").into(),
            )))
        }
    })
}

impl Backoffice {
    /// N3: available numbers answering `query`, without those anyone already holds.
    pub async fn search_numbers(&self, query: &SearchQuery) -> Result<Vec<AvailableNumber>> {
        query.validate()?;
        let held: HashSet<String> = sqlx::query_scalar("SELECT e164 FROM numbers")
            .fetch_all(self.store.pool())
            .await?
            .into_iter()
            .collect();
        let mut wider = query.clone();
        wider.limit = query.limit.saturating_add(held.len());
        let mut found = self.supplier.search(&wider).await?;
        found.retain(|n| !held.contains(&n.e164));
        found.truncate(query.limit);
        Ok(found)
    }

    /// N4, N5: orders `numbers` for `product_type`. Refused whole, changing nothing, when
    /// any number is malformed, held already, toll-free for Business Calling (N1), or
    /// when the account would pass its limit.
    pub async fn place_order(
        &self,
        account: &str,
        actor: &Actor,
        product_type: ProductType,
        numbers: &[String],
    ) -> Result<Order> {
        if numbers.is_empty() || numbers.len() > MAX_ORDER {
            return Err(Error::invalid(
                "numbers",
                "N4",
                format!("an order holds 1 to {MAX_ORDER} numbers"),
            ));
        }
        let mut seen = HashSet::new();
        for n in numbers {
            e164::validate("numbers", "N4", n)?;
            if !seen.insert(n) {
                return Err(Error::invalid(
                    "numbers",
                    "N4",
                    format!("{} appears twice", Redacted(n)),
                ));
            }
            if is_toll_free(n) && product_type != ProductType::VoiceConnector {
                return Err(Error::invalid(
                    "product_type",
                    "N1",
                    "toll-free numbers can only be Voice Connector numbers",
                ));
            }
        }
        let now = self.now();
        let id = new_id("ord");
        let mut tx = self.store.begin_write().await?;
        self.reserve_within_limit(&mut tx, account, numbers.len())
            .await?;
        sqlx::query(
            "INSERT INTO orders (id, account_id, product_type, status, created_by, created_at) \
             VALUES ($1, $2, $3, 'Processing', $4, $5)",
        )
        .bind(&id)
        .bind(account)
        .bind(product_type.as_str())
        .bind(&actor.0)
        .bind(now.as_millis())
        .execute(&mut *tx)
        .await?;
        for n in numbers {
            // A number whose earlier acquisition failed may be ordered again.
            sqlx::query(
                "DELETE FROM numbers WHERE e164 = $1 AND status IN ('AcquireFailed', 'Cancelled')",
            )
            .bind(n)
            .execute(&mut *tx)
            .await?;
            let inserted = sqlx::query(
                "INSERT INTO numbers (e164, account_id, country, toll_free, product_type, status, order_id, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, 'AcquireInProgress', $6, $7)",
            )
            .bind(n)
            .bind(account)
            .bind(country_of(n))
            .bind(i64::from(is_toll_free(n)))
            .bind(product_type.as_str())
            .bind(&id)
            .bind(now.as_millis())
            .execute(&mut *tx)
            .await
            .map_err(Error::from);
            if let Err(e) = inserted {
                return Err(if e.is_unique_violation() {
                    Error::conflict("numbers", "N4", format!("{} is already held", Redacted(n)))
                } else {
                    e
                });
            }
            sqlx::query(
                "INSERT INTO order_numbers (order_id, e164, status) VALUES ($1, $2, 'Processing')",
            )
            .bind(&id)
            .bind(n)
            .execute(&mut *tx)
            .await?;
            record_event(
                &mut tx,
                n,
                account,
                now,
                &actor.0,
                None,
                NumberStatus::AcquireInProgress,
                &format!("order {id}"),
            )
            .await?;
        }
        tx.commit().await?;
        tracing::info!(order = %id, count = numbers.len(), "order placed");
        self.order(account, &id).await
    }

    /// N4: completes every order still Processing (the asynchronous side of ordering;
    /// run by a background task, or by hand in tests). Returns the orders completed.
    pub async fn complete_pending_orders(&self) -> Result<Vec<String>> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM orders WHERE status = 'Processing' ORDER BY created_at",
        )
        .fetch_all(self.store.pool())
        .await?;
        for id in &ids {
            self.complete_order(id).await?;
        }
        Ok(ids)
    }

    async fn complete_order(&self, id: &str) -> Result<()> {
        let pending: Vec<String> =
            sqlx::query_scalar("SELECT e164 FROM order_numbers WHERE order_id = $1 AND status = 'Processing' ORDER BY e164")
                .bind(id)
                .fetch_all(self.store.pool())
                .await?;
        let results = if pending.is_empty() {
            Vec::new()
        } else {
            self.supplier.provision(&pending).await?
        };
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        for (n, result) in pending.iter().zip(results) {
            let (to, status, reason) = match result {
                Ok(()) => (NumberStatus::Unassigned, "Successful", String::new()),
                Err(reason) => (NumberStatus::AcquireFailed, "Failed", reason),
            };
            let claimed = sqlx::query(
                "UPDATE order_numbers SET status = $1, reason = $2 WHERE order_id = $3 AND e164 = $4 AND status = 'Processing'",
            )
            .bind(status)
            .bind(&reason)
            .bind(id)
            .bind(n)
            .execute(&mut *tx)
            .await?;
            if claimed.rows_affected() == 0 {
                continue; // another instance completed it
            }
            let account: String = sqlx::query_scalar(
                "UPDATE numbers SET status = $1, updated_at = $2 WHERE e164 = $3 AND order_id = $4 RETURNING account_id",
            )
            .bind(to.as_str())
            .bind(now.as_millis())
            .bind(n)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            let detail = if reason.is_empty() {
                format!("order {id}")
            } else {
                format!("order {id}: {reason}")
            };
            record_event(
                &mut tx,
                n,
                &account,
                now,
                "system:orders",
                Some(NumberStatus::AcquireInProgress),
                to,
                &detail,
            )
            .await?;
        }
        let counts: Vec<String> =
            sqlx::query_scalar("SELECT status FROM order_numbers WHERE order_id = $1")
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
        let ok = counts.iter().filter(|s| *s == "Successful").count();
        let failed = counts.iter().filter(|s| *s == "Failed").count();
        if ok + failed == counts.len() {
            let status = match (ok, failed) {
                (_, 0) => "Successful",
                (0, _) => "Failed",
                _ => "Partial",
            };
            sqlx::query("UPDATE orders SET status = $1, completed_at = $2 WHERE id = $3 AND status = 'Processing'")
                .bind(status)
                .bind(now.as_millis())
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// N4: one order with the status of each number.
    pub async fn order(&self, account: &str, id: &str) -> Result<Order> {
        let row = sqlx::query(
            "SELECT id, product_type, status, created_by, created_at, completed_at FROM orders WHERE id = $1 AND account_id = $2",
        )
        .bind(id)
        .bind(account)
        .fetch_optional(self.store.pool())
        .await?
        .ok_or_else(|| Error::not_found("order", id))?;
        let numbers = sqlx::query(
            "SELECT e164, status, reason FROM order_numbers WHERE order_id = $1 ORDER BY e164",
        )
        .bind(id)
        .fetch_all(self.store.pool())
        .await?
        .iter()
        .map(|r| {
            Ok(OrderNumber {
                e164: r.try_get(0)?,
                status: number_status(r.try_get::<&str, _>(1)?)?,
                reason: r.try_get(2)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        Ok(Order {
            id: row.try_get(0)?,
            product_type: row
                .try_get::<String, _>(1)?
                .parse()
                .map_err(|e: String| Error::Storage(sqlx::Error::Decode(e.into())))?,
            status: order_status(row.try_get::<&str, _>(2)?)?,
            created_by: row.try_get(3)?,
            created_at: Timestamp::from_millis(row.try_get(4)?),
            completed_at: row
                .try_get::<Option<i64>, _>(5)?
                .map(Timestamp::from_millis),
            numbers,
        })
    }

    /// N4: the account's orders, newest first.
    pub async fn orders(&self, account: &str) -> Result<Vec<Order>> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM orders WHERE account_id = $1 ORDER BY created_at DESC, id",
        )
        .bind(account)
        .fetch_all(self.store.pool())
        .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.order(account, &id).await?);
        }
        Ok(out)
    }

    /// N4: the Pending list: numbers whose provisioning has not completed.
    pub async fn pending_numbers(&self, account: &str) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT e164 FROM numbers WHERE account_id = $1 AND status = 'AcquireInProgress' ORDER BY e164",
        )
        .bind(account)
        .fetch_all(self.store.pool())
        .await?)
    }

    /// N5: locks the account and refuses (changing nothing) unless `requested` more
    /// numbers fit. Numbers held, in the deletion queue, in pending orders and in
    /// pending port-ins all count: every one of them is a row not AcquireFailed or
    /// Cancelled. The caller inserts its rows in the same transaction.
    pub(crate) async fn reserve_within_limit(
        &self,
        tx: &mut Tx,
        account: &str,
        requested: usize,
    ) -> Result<()> {
        let limit = self.lock_account(tx, account).await?;
        let held: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM numbers WHERE account_id = $1 AND status NOT IN ('AcquireFailed', 'Cancelled')",
        )
        .bind(account)
        .fetch_one(&mut **tx)
        .await?;
        let requested = requested as i64;
        if held + requested > limit {
            return Err(Error::LimitReached {
                limit,
                held,
                requested,
                rule: "N5",
            });
        }
        Ok(())
    }
}
