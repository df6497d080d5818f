//! Emergency callback leases (E5, E6) taken from the callback pool (V3).
//!
//! A lease row is the whole truth: the primary key on the number and the unique key on
//! (account, agent) make a double lease impossible in the database itself; expiry is a
//! time on the row, compared with the injected clock, so a lease outlives any restart
//! and returns to the pool by itself when its time has passed.

mod pool;

pub use pool::PoolStatus;

use std::time::Duration;

use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Executor, Row};

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::redact::Redacted;
use crate::service::Backoffice;
use crate::storage::Store;

/// E5: a callback number stays the agent's for 60 minutes after the emergency call ends.
pub const CALLBACK_WINDOW: Duration = Duration::from_secs(60 * 60);

/// While the call is in progress the lease has no end yet; this guard bounds it in case
/// the end of the call is never reported (the app crashed for good), so a pool number is
/// not lost forever. A later take by the same agent or `end_call` replaces it.
pub const IN_CALL_GUARD: Duration = Duration::from_secs(12 * 60 * 60);

const LEASE_COLUMNS: &str = "e164, account_id, agent_id, taken_at, call_ended_at, expires_at";

/// A callback number held by one agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub e164: String,
    pub account_id: String,
    pub agent_id: String,
    pub taken_at: Timestamp,
    /// None while the emergency call is in progress.
    pub call_ended_at: Option<Timestamp>,
    /// When the number returns to the pool.
    pub expires_at: Timestamp,
}

impl Lease {
    fn from_row(r: &AnyRow) -> Result<Self> {
        Self::from_columns(r, 0)
    }

    /// The lease in the six columns from `at` on ([`LEASE_COLUMNS`]).
    fn from_columns(r: &AnyRow, at: usize) -> Result<Self> {
        Ok(Self {
            e164: r.try_get(at)?,
            account_id: r.try_get(at + 1)?,
            agent_id: r.try_get(at + 2)?,
            taken_at: Timestamp::from_millis(r.try_get(at + 3)?),
            call_ended_at: r
                .try_get::<Option<i64>, _>(at + 4)?
                .map(Timestamp::from_millis),
            expires_at: Timestamp::from_millis(r.try_get(at + 5)?),
        })
    }
}

/// What one run of the single-statement take did.
#[derive(Debug)]
enum Taken {
    Lease(Lease),
    /// The number it picked was leased by a racing taker (or the agent raced itself).
    LostRace,
    /// Nothing it may take without sweeping first.
    NothingFree,
}

/// Why no pool number could be leased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FallbackReason {
    /// The tenant has no callback pool.
    NoPool,
    /// Every pool number is leased.
    PoolExhausted,
}

/// The answer to a lease request (E5): a pool number, or the fallback to use instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseOutcome {
    Leased(Lease),
    /// Use the agent's own number if there is one, else the site's fixed emergency
    /// callback number (configured on the app's side). Shown and logged by the caller.
    Fallback {
        reason: FallbackReason,
        agent_number: Option<String>,
    },
}

/// The lease on `e164` active at `now`, if any.
pub(crate) async fn active_lease<'e, E>(
    exec: E,
    e164: &str,
    now: Timestamp,
) -> Result<Option<Lease>>
where
    E: Executor<'e, Database = Any>,
{
    let sql = format!("SELECT {LEASE_COLUMNS} FROM leases WHERE e164 = $1 AND expires_at > $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(e164)
        .bind(now.as_millis())
        .fetch_optional(exec)
        .await?;
    row.as_ref().map(Lease::from_row).transpose()
}

/// N11: refuses `action` on a number that holds an active lease, saying until when.
///
/// On PostgreSQL it first locks the number's pool row for the rest of the transaction:
/// `take_lease` skips locked pool rows, so no lease can appear on the number between
/// this check and the caller's commit (and a lease being taken makes this wait, then
/// refuse).
pub(crate) async fn refuse_if_leased(
    store: &Store,
    conn: &mut AnyConnection,
    e164: &str,
    now: Timestamp,
    action: &'static str,
) -> Result<()> {
    let sql = format!(
        "SELECT e164 FROM callback_pool WHERE e164 = $1{}",
        store.for_update()
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(e164)
        .fetch_optional(&mut *conn)
        .await?;
    match active_lease(&mut *conn, e164, now).await? {
        Some(l) => Err(Error::LeaseActive {
            number: e164.to_owned(),
            action,
            until: l.expires_at,
            rule: "N11",
        }),
        None => Ok(()),
    }
}

impl Backoffice {
    /// E5: gives `agent` a callback number from the pool. Idempotent per agent: inside
    /// the window the same agent keeps the same number. Atomic: one number is never
    /// leased to two agents. When none can be had, says which fallback to use.
    pub async fn take_lease(&self, account: &str, agent: &str) -> Result<LeaseOutcome> {
        if agent.is_empty() {
            return Err(Error::invalid("agent_id", "E5", "must not be empty"));
        }
        // On PostgreSQL two requests of the same agent can race to insert; the unique
        // key refuses the second, which then finds the first's lease. A deadlock or
        // serialization failure (which the design below avoids) is retried too: this is
        // the emergency path, a transient refusal must not reach the caller.
        let mut attempt = 0;
        loop {
            match self.try_take_lease(account, agent).await {
                Err(e) if (e.is_unique_violation() || e.is_transient()) && attempt < 5 => {
                    attempt += 1
                }
                other => return other,
            }
        }
    }

    async fn try_take_lease(&self, account: &str, agent: &str) -> Result<LeaseOutcome> {
        if self.store.backend() == crate::storage::Backend::Postgres {
            if let Some(lease) = self.take_lease_in_one_statement(account, agent).await? {
                return Ok(LeaseOutcome::Leased(lease));
            }
        }
        self.take_lease_sweeping(account, agent).await
    }

    /// PostgreSQL's fast path: one statement, one round trip, no transaction to hold.
    /// It renews the agent's active lease, or else leases the least recently leased
    /// pool number that has no lease row at all (`FOR UPDATE SKIP LOCKED`: racing takers
    /// never wait on each other's pick). `None` when it could do neither: the agent has
    /// an expired lease row, or the only free numbers still carry expired rows, or the
    /// pool is empty; the sweeping path then decides. Two takers that picked the same
    /// number (one committed between the other's snapshot and its lock: the recheck of
    /// a locked row does not see leases committed since the snapshot) or the same agent
    /// twice meet a unique key; the insert then does nothing, the statement says it had
    /// picked a number, and it runs again at once (an error instead would abort, be
    /// logged by the server and cost a round trip more).
    async fn take_lease_in_one_statement(
        &self,
        account: &str,
        agent: &str,
    ) -> Result<Option<Lease>> {
        const ATTEMPTS: usize = 20;
        for _ in 0..ATTEMPTS {
            match self.take_lease_statement(account, agent).await? {
                Taken::Lease(lease) => return Ok(Some(lease)),
                Taken::NothingFree => return Ok(None),
                Taken::LostRace => {}
            }
        }
        Ok(None)
    }

    async fn take_lease_statement(&self, account: &str, agent: &str) -> Result<Taken> {
        let now = self.now();
        let guard = now.plus(IN_CALL_GUARD);
        let sql = format!(
            "WITH mine AS ( \
                UPDATE leases SET call_ended_at = NULL, expires_at = GREATEST(expires_at, $3) \
                WHERE account_id = $1 AND agent_id = $2 AND expires_at > $4 \
                RETURNING {LEASE_COLUMNS} \
             ), pick AS ( \
                SELECT p.e164 FROM callback_pool p JOIN numbers n ON n.e164 = p.e164 \
                WHERE p.account_id = $1 AND n.status IN ('Unassigned', 'Assigned') \
                AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.e164 = p.e164) \
                AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.account_id = $1 AND l.agent_id = $2) \
                ORDER BY p.last_leased_at, p.e164 LIMIT 1 \
                FOR UPDATE OF p SKIP LOCKED \
             ), taken AS ( \
                INSERT INTO leases (e164, account_id, agent_id, taken_at, expires_at) \
                SELECT e164, $1, $2, $4, $3 FROM pick \
                ON CONFLICT DO NOTHING \
                RETURNING {LEASE_COLUMNS} \
             ), touched AS ( \
                UPDATE callback_pool SET last_leased_at = $4 WHERE e164 IN (SELECT e164 FROM taken) \
             ) \
             SELECT (SELECT COUNT(*) FROM pick), l.* FROM (SELECT 1) one LEFT JOIN ( \
                SELECT {LEASE_COLUMNS} FROM mine UNION ALL SELECT {LEASE_COLUMNS} FROM taken \
             ) l ON TRUE"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account)
            .bind(agent)
            .bind(guard.as_millis())
            .bind(now.as_millis())
            .fetch_one(self.store.pool())
            .await?;
        let picked: i64 = row.try_get(0)?;
        if row.try_get::<Option<String>, _>(1)?.is_none() {
            return Ok(if picked > 0 {
                Taken::LostRace
            } else {
                Taken::NothingFree
            });
        }
        let lease = Lease::from_columns(&row, 1)?;
        if picked > 0 {
            tracing::info!(number = %Redacted(&lease.e164), "emergency callback lease taken");
        }
        Ok(Taken::Lease(lease))
    }

    /// The general path: sweeps the account's expired leases, then renews or takes.
    async fn take_lease_sweeping(&self, account: &str, agent: &str) -> Result<LeaseOutcome> {
        let now = self.now();
        let guard = now.plus(IN_CALL_GUARD);
        let mut tx = self.store.begin_write().await?;
        // Expired leases of the account go first, in one statement. Deleting them one by
        // one (the agent's own, then the one on the picked number) let two takers each
        // hold the row the other needed: a deadlock under a burst (seen in lease_bench).
        sqlx::query("DELETE FROM leases WHERE account_id = $1 AND expires_at <= $2")
            .bind(account)
            .bind(now.as_millis())
            .execute(&mut *tx)
            .await?;
        let sql = format!(
            "SELECT {LEASE_COLUMNS} FROM leases WHERE account_id = $1 AND agent_id = $2{}",
            self.store.for_update()
        );
        let mine = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account)
            .bind(agent)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(mine) = mine.as_ref().map(Lease::from_row).transpose()? {
            if mine.expires_at > now {
                // Dialling again inside the window: same number, a call in progress again.
                let expires = mine.expires_at.max(guard);
                let sql = format!("UPDATE leases SET call_ended_at = NULL, expires_at = $1 WHERE e164 = $2 RETURNING {LEASE_COLUMNS}");
                let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(expires.as_millis())
                    .bind(&mine.e164)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                return Ok(LeaseOutcome::Leased(Lease::from_row(&row)?));
            }
            sqlx::query("DELETE FROM leases WHERE e164 = $1")
                .bind(&mine.e164)
                .execute(&mut *tx)
                .await?;
        }
        let skip_locked = match self.store.backend() {
            crate::storage::Backend::Postgres => " FOR UPDATE OF p SKIP LOCKED",
            crate::storage::Backend::Sqlite => "",
        };
        let sql = format!(
            "SELECT p.e164 FROM callback_pool p JOIN numbers n ON n.e164 = p.e164 \
             LEFT JOIN leases l ON l.e164 = p.e164 \
             WHERE p.account_id = $1 AND n.status IN ('Unassigned', 'Assigned') \
             AND (l.e164 IS NULL OR l.expires_at <= $2) \
             ORDER BY p.last_leased_at, p.e164 LIMIT 1{skip_locked}"
        );
        let pick: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(account)
            .bind(now.as_millis())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(e164) = pick else {
            tx.commit().await?;
            return self.fallback(account, agent).await;
        };
        sqlx::query("DELETE FROM leases WHERE e164 = $1 AND expires_at <= $2")
            .bind(&e164)
            .bind(now.as_millis())
            .execute(&mut *tx)
            .await?;
        let sql = format!(
            "INSERT INTO leases (e164, account_id, agent_id, taken_at, expires_at) VALUES ($1, $2, $3, $4, $5) \
             RETURNING {LEASE_COLUMNS}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&e164)
            .bind(account)
            .bind(agent)
            .bind(now.as_millis())
            .bind(guard.as_millis())
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("UPDATE callback_pool SET last_leased_at = $1 WHERE e164 = $2")
            .bind(now.as_millis())
            .bind(&e164)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(number = %Redacted(&e164), "emergency callback lease taken");
        Ok(LeaseOutcome::Leased(Lease::from_row(&row)?))
    }

    async fn fallback(&self, account: &str, agent: &str) -> Result<LeaseOutcome> {
        let size: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM callback_pool WHERE account_id = $1")
                .bind(account)
                .fetch_one(self.store.pool())
                .await?;
        let agent_number: Option<String> = sqlx::query_scalar(
            "SELECT e164 FROM numbers WHERE account_id = $1 AND user_id = $2 AND status = 'Assigned' ORDER BY e164 LIMIT 1",
        )
        .bind(account)
        .bind(agent)
        .fetch_optional(self.store.pool())
        .await?;
        let reason = if size == 0 {
            FallbackReason::NoPool
        } else {
            FallbackReason::PoolExhausted
        };
        tracing::warn!(
            ?reason,
            own_number = agent_number.is_some(),
            "no emergency callback number leased; fallback"
        );
        Ok(LeaseOutcome::Fallback {
            reason,
            agent_number,
        })
    }

    /// E5: the emergency call ended; the lease now runs 60 minutes from `now`.
    pub async fn end_call(&self, account: &str, agent: &str) -> Result<Lease> {
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let sql = format!(
            "UPDATE leases SET call_ended_at = $1, expires_at = $2 \
             WHERE account_id = $3 AND agent_id = $4 AND expires_at > $1 RETURNING {LEASE_COLUMNS}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now.as_millis())
            .bind(now.plus(self.callback_window).as_millis())
            .bind(account)
            .bind(agent)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| Error::not_found("active lease of agent", agent))?;
        tx.commit().await?;
        Lease::from_row(&row)
    }

    /// E6: who holds `e164` now, to route the emergency center's callback to them.
    pub async fn lease_for_number(&self, e164: &str) -> Result<Option<Lease>> {
        active_lease(self.store.pool(), e164, self.now()).await
    }

    /// The active lease of `agent`, if any.
    pub async fn lease_of_agent(&self, account: &str, agent: &str) -> Result<Option<Lease>> {
        let sql = format!("SELECT {LEASE_COLUMNS} FROM leases WHERE account_id = $1 AND agent_id = $2 AND expires_at > $3");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account)
            .bind(agent)
            .bind(self.now().as_millis())
            .fetch_optional(self.store.pool())
            .await?;
        row.as_ref().map(Lease::from_row).transpose()
    }

    /// V3: the leases of `account` active now, soonest to expire first.
    pub async fn active_leases(&self, account: &str) -> Result<Vec<Lease>> {
        let sql = format!("SELECT {LEASE_COLUMNS} FROM leases WHERE account_id = $1 AND expires_at > $2 ORDER BY expires_at, e164");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account)
            .bind(self.now().as_millis())
            .fetch_all(self.store.pool())
            .await?;
        rows.iter().map(Lease::from_row).collect()
    }

    /// E5: removes expired leases (their numbers are free already; this keeps the table
    /// small). Returns how many were removed.
    pub async fn expire_leases(&self) -> Result<u64> {
        let mut tx = self.store.begin_write().await?;
        let done = sqlx::query("DELETE FROM leases WHERE expires_at <= $1")
            .bind(self.now().as_millis())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(done)
    }
}
