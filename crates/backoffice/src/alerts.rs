//! Emergency alerts for supervisors (E11, S2).
//!
//! The agent's app reports an emergency call at the moment of its INVITE (never holding
//! it); the back office keeps an alert that supervisors see until one of them
//! acknowledges it. An alert is not history: once the call has ended *and* the alert is
//! acknowledged, the row is deleted, so nothing of the call remains (E7). Its numbers
//! and location never reach the logs.

use std::collections::HashMap;

use sqlx::any::AnyRow;
use sqlx::Row;

use crate::auth::Principal;
use crate::clock::Timestamp;
use crate::e164;
use crate::error::{Error, Result};
use crate::service::Backoffice;
use crate::storage::new_id;

/// What a supervisor sees of an emergency call (S2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmergencyAlert {
    pub id: String,
    pub agent_id: String,
    pub agent_name: String,
    pub started_at: Timestamp,
    /// None while the call lasts.
    pub ended_at: Option<Timestamp>,
    /// The callback number the emergency center received.
    pub callback_number: String,
    /// The dispatchable location sent.
    pub location: String,
    /// A 933 test call rather than a real 911 call.
    pub test: bool,
    pub acknowledged_by: Option<String>,
    pub acknowledged_at: Option<Timestamp>,
}

const COLUMNS: &str =
    "id, agent_id, agent_name, started_at, ended_at, callback_number, location, test_call, \
     acknowledged_by, acknowledged_at";

impl EmergencyAlert {
    fn from_row(r: &AnyRow) -> Result<Self> {
        Ok(Self {
            id: r.try_get(0)?,
            agent_id: r.try_get(1)?,
            agent_name: r.try_get(2)?,
            started_at: Timestamp::from_millis(r.try_get(3)?),
            ended_at: r.try_get::<Option<i64>, _>(4)?.map(Timestamp::from_millis),
            callback_number: r.try_get(5)?,
            location: r.try_get(6)?,
            test: r.try_get::<i64, _>(7)? != 0,
            acknowledged_by: r.try_get(8)?,
            acknowledged_at: r.try_get::<Option<i64>, _>(9)?.map(Timestamp::from_millis),
        })
    }
}

impl Backoffice {
    /// E11: an agent's emergency call started. Idempotent: while the agent's call lasts,
    /// reporting it again returns the same alert.
    pub async fn raise_emergency_alert(
        &self,
        agent: &Principal,
        callback_number: &str,
        location: &str,
        test: bool,
    ) -> Result<EmergencyAlert> {
        e164::validate("callback_number", "E11", callback_number)?;
        if location.trim().is_empty() || location.len() > 1000 {
            return Err(Error::invalid(
                "location",
                "E11",
                "the location sent, 1 to 1000 characters",
            ));
        }
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        self.lock_account(&mut tx, &agent.account_id).await?;
        let sql = format!("SELECT {COLUMNS} FROM emergency_alerts WHERE account_id = $1 AND agent_id = $2 AND ended_at IS NULL");
        let open = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&agent.account_id)
            .bind(&agent.user_id)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = open {
            return EmergencyAlert::from_row(&row);
        }
        let id = new_id("alert");
        let sql = format!(
            "INSERT INTO emergency_alerts (id, account_id, agent_id, agent_name, started_at, callback_number, location, \
             test_call) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&id)
            .bind(&agent.account_id)
            .bind(&agent.user_id)
            .bind(&agent.username)
            .bind(now.as_millis())
            .bind(callback_number)
            .bind(location.trim())
            .bind(i64::from(test))
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::warn!(alert = %id, test, "emergency call: supervisors alerted");
        let alert = EmergencyAlert::from_row(&row)?;
        self.announce_alerts(&agent.account_id).await;
        Ok(alert)
    }

    /// E13, E7: the agent's emergency call ended. The alert shows it as ended until a
    /// supervisor acknowledges it; if that happened already, the alert is gone now.
    pub async fn end_emergency(&self, account: &str, agent_id: &str) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        sqlx::query("UPDATE emergency_alerts SET ended_at = $1 WHERE account_id = $2 AND agent_id = $3 AND ended_at IS NULL")
            .bind(now.as_millis())
            .bind(account)
            .bind(agent_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "DELETE FROM emergency_alerts WHERE account_id = $1 AND agent_id = $2 \
             AND ended_at IS NOT NULL AND acknowledged_at IS NOT NULL",
        )
        .bind(account)
        .bind(agent_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.announce_alerts(account).await;
        Ok(())
    }

    /// S2: a supervisor acknowledges an alert; an alert of an ended call is then gone.
    pub async fn acknowledge_alert(&self, supervisor: &Principal, id: &str) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let done = sqlx::query(
            "UPDATE emergency_alerts SET acknowledged_by = $1, acknowledged_at = $2 \
             WHERE id = $3 AND account_id = $4 AND acknowledged_at IS NULL",
        )
        .bind(&supervisor.username)
        .bind(now.as_millis())
        .bind(id)
        .bind(&supervisor.account_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            let exists: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM emergency_alerts WHERE id = $1 AND account_id = $2",
            )
            .bind(id)
            .bind(&supervisor.account_id)
            .fetch_one(&mut *tx)
            .await?;
            if exists == 0 {
                return Err(Error::not_found("alert", id));
            }
        }
        sqlx::query("DELETE FROM emergency_alerts WHERE id = $1 AND ended_at IS NOT NULL AND acknowledged_at IS NOT NULL")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.announce_alerts(&supervisor.account_id).await;
        Ok(())
    }

    /// S2: the account's alerts, oldest first.
    pub async fn emergency_alerts(&self, account: &str) -> Result<Vec<EmergencyAlert>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM emergency_alerts WHERE account_id = $1 ORDER BY started_at, id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account)
            .fetch_all(self.store.pool())
            .await?;
        rows.iter().map(EmergencyAlert::from_row).collect()
    }

    /// Announces the alerts of every account whose alerts changed since `seen`, by
    /// whichever instance changed them: the SIP edge runs its own instance of the
    /// service, so the alert of a 911 it routed must reach the supervisors whose feed
    /// is open on another (S2, E11 within a second). A cheap summary per account is
    /// compared rather than the rows, so an idle watch reads almost nothing.
    pub async fn announce_changed_alerts(&self, seen: &mut AlertsSeen) -> Result<()> {
        let rows = sqlx::query(
            "SELECT account_id, COUNT(*), MAX(started_at), \
             CAST(SUM(COALESCE(ended_at, 0)) AS BIGINT), \
             CAST(SUM(COALESCE(acknowledged_at, 0)) AS BIGINT) \
             FROM emergency_alerts GROUP BY account_id",
        )
        .fetch_all(self.store.pool())
        .await?;
        let mut now = HashMap::with_capacity(rows.len());
        for r in &rows {
            let account: String = r.try_get(0)?;
            let summary = [r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?];
            now.insert(account, summary);
        }
        let changed: Vec<String> = now
            .iter()
            .filter(|(account, summary)| seen.0.get(*account) != Some(*summary))
            .map(|(account, _)| account.clone())
            // An account whose last alert was deleted is absent now: announce it empty.
            .chain(seen.0.keys().filter(|a| !now.contains_key(*a)).cloned())
            .collect();
        seen.0 = now;
        for account in changed {
            self.announce_alerts(&account).await;
        }
        Ok(())
    }
}

/// What [`Backoffice::announce_changed_alerts`] last saw: per account, the count of
/// alerts, the latest start, and the sums of end and acknowledgement times (each
/// raise, end, acknowledgement or deletion changes one of them).
#[derive(Debug, Default)]
pub struct AlertsSeen(HashMap<String, [i64; 4]>);
