//! The back office as one handle: storage, clock and number supplier. Its operations are
//! written in the feature modules (`numbers`, `connectors`, `leases`) as `impl` blocks,
//! so each feature stays in its own files while callers see one type.

use std::sync::Arc;

use sqlx::Row;

use crate::clock::{Clock, Timestamp};
use crate::error::{Error, Result};
use crate::live::Live;
use crate::numbers::NumberSupplier;
use crate::storage::{Store, Tx};

/// A tenant account (N5's limit is per account).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub name: String,
    /// The most numbers it may hold (N5); 25 unless changed.
    pub number_limit: i64,
}

/// The back-office service. Cheap to clone; clones share everything.
#[derive(Debug, Clone)]
pub struct Backoffice {
    pub(crate) store: Store,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) supplier: Arc<dyn NumberSupplier>,
    /// Ongoing calls and presence of this instance, and its change channel (S1).
    pub(crate) live: Arc<Live>,
    /// E5: how long a callback number stays with the agent after the emergency call.
    pub(crate) callback_window: std::time::Duration,
}

impl Backoffice {
    /// A service over a migrated store.
    pub fn new(store: Store, clock: Arc<dyn Clock>, supplier: Arc<dyn NumberSupplier>) -> Self {
        Self {
            store,
            clock,
            supplier,
            live: Arc::new(Live::new()),
            callback_window: crate::leases::CALLBACK_WINDOW,
        }
    }

    /// The same service with another callback window than E5's 60 minutes: a site may
    /// hold its numbers longer, and a test of the whole story cannot wait an hour.
    pub fn with_callback_window(mut self, window: std::time::Duration) -> Self {
        self.callback_window = window;
        self
    }

    /// The store underneath.
    pub fn store(&self) -> &Store {
        &self.store
    }

    pub(crate) fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Creates an account with the default limit of 25 numbers.
    pub async fn create_account(&self, id: &str, name: &str) -> Result<Account> {
        if id.is_empty()
            || id.len() > 64
            || !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(Error::invalid(
                "id",
                "A2",
                "1 to 64 letters, digits, '-' or '_'",
            ));
        }
        if name.trim().is_empty() {
            return Err(Error::invalid("name", "A2", "must not be empty"));
        }
        let mut tx = self.store.begin_write().await?;
        let res = sqlx::query("INSERT INTO accounts (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(name)
            .bind(self.now().as_millis())
            .execute(&mut *tx)
            .await
            .map_err(Error::from);
        match res {
            Err(e) if e.is_unique_violation() => Err(Error::conflict(
                "id",
                "A2",
                "an account with this id exists",
            )),
            Err(e) => Err(e),
            Ok(_) => {
                tx.commit().await?;
                self.account(id).await
            }
        }
    }

    /// An account by id.
    pub async fn account(&self, id: &str) -> Result<Account> {
        let row = sqlx::query("SELECT id, name, number_limit FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_optional(self.store.pool())
            .await?
            .ok_or_else(|| Error::not_found("account", id))?;
        Ok(Account {
            id: row.try_get(0)?,
            name: row.try_get(1)?,
            number_limit: row.try_get(2)?,
        })
    }

    /// Changes an account's inventory limit (N5). Lowering it below what is held is
    /// allowed: nothing is taken away, new orders are refused until the count drops.
    pub async fn set_number_limit(&self, account: &str, limit: i64) -> Result<Account> {
        if !(0..=10_000).contains(&limit) {
            return Err(Error::invalid("number_limit", "N5", "between 0 and 10000"));
        }
        let mut tx = self.store.begin_write().await?;
        self.lock_account(&mut tx, account).await?;
        sqlx::query("UPDATE accounts SET number_limit = $1 WHERE id = $2")
            .bind(limit)
            .bind(account)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.account(account).await
    }

    /// Locks the account row for the rest of `tx` (PostgreSQL) and returns its limit.
    /// On SQLite the transaction already holds the database's write lock.
    pub(crate) async fn lock_account(&self, tx: &mut Tx, account: &str) -> Result<i64> {
        let sql = format!(
            "SELECT number_limit FROM accounts WHERE id = $1{}",
            self.store.for_update()
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| Error::not_found("account", account))?;
        Ok(row.try_get(0)?)
    }
}
