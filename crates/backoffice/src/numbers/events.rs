//! Reading number rows and writing the status history (N2). Every status change in the
//! crate goes through [`set_status`] or [`record_event`], in the same transaction as the
//! change itself, so the history can never disagree with the inventory.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::{Assignee, NumberEvent, NumberStatus, NumberSummary, ProductType};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::storage::{Store, Tx};

/// The columns every number query selects, in [`NumberRow::from_row`]'s order.
pub(crate) const NUMBER_COLUMNS: &str =
    "e164, account_id, country, toll_free, product_type, status, \
     user_id, voice_connector_id, calling_enabled, sms_enabled, restore_status, purge_at";

/// A row of `numbers`.
#[derive(Debug, Clone)]
pub(crate) struct NumberRow {
    pub e164: String,
    pub account_id: String,
    pub country: String,
    pub toll_free: bool,
    pub product_type: ProductType,
    pub status: NumberStatus,
    pub user_id: Option<String>,
    pub voice_connector_id: Option<String>,
    pub calling_enabled: bool,
    pub sms_enabled: bool,
    pub restore_status: Option<NumberStatus>,
    pub purge_at: Option<Timestamp>,
}

fn parse<T: std::str::FromStr<Err = String>>(s: String) -> Result<T> {
    s.parse()
        .map_err(|e: String| Error::Storage(sqlx::Error::Decode(e.into())))
}

impl NumberRow {
    pub(crate) fn from_row(row: &AnyRow) -> Result<Self> {
        Ok(Self {
            e164: row.try_get(0)?,
            account_id: row.try_get(1)?,
            country: row.try_get(2)?,
            toll_free: row.try_get::<i64, _>(3)? != 0,
            product_type: parse(row.try_get(4)?)?,
            status: parse(row.try_get(5)?)?,
            user_id: row.try_get(6)?,
            voice_connector_id: row.try_get(7)?,
            calling_enabled: row.try_get::<i64, _>(8)? != 0,
            sms_enabled: row.try_get::<i64, _>(9)? != 0,
            restore_status: row
                .try_get::<Option<String>, _>(10)?
                .map(parse)
                .transpose()?,
            purge_at: row
                .try_get::<Option<i64>, _>(11)?
                .map(Timestamp::from_millis),
        })
    }

    pub(crate) fn assignee(&self) -> Option<Assignee> {
        match (&self.user_id, &self.voice_connector_id) {
            (Some(u), _) => Some(Assignee::User(u.clone())),
            (None, Some(v)) => Some(Assignee::VoiceConnector(v.clone())),
            (None, None) => None,
        }
    }

    pub(crate) fn summary(&self) -> NumberSummary {
        NumberSummary {
            e164: self.e164.clone(),
            country: self.country.clone(),
            toll_free: self.toll_free,
            product_type: self.product_type,
            status: self.status,
            assignee: self.assignee(),
            purge_at: self.purge_at,
        }
    }
}

/// Loads a number of `account` inside a write transaction, locked on PostgreSQL.
pub(crate) async fn load_locked(
    store: &Store,
    tx: &mut Tx,
    account: &str,
    e164: &str,
) -> Result<NumberRow> {
    let sql = format!(
        "SELECT {NUMBER_COLUMNS} FROM numbers WHERE e164 = $1 AND account_id = $2{}",
        store.for_update()
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(e164)
        .bind(account)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| Error::not_found("number", e164))?;
    NumberRow::from_row(&row)
}

/// Appends one entry to a number's history.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_event(
    tx: &mut Tx,
    e164: &str,
    account: &str,
    at: Timestamp,
    actor: &str,
    from: Option<NumberStatus>,
    to: NumberStatus,
    detail: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO number_events (e164, account_id, at, actor, from_status, to_status, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(e164)
    .bind(account)
    .bind(at.as_millis())
    .bind(actor)
    .bind(from.map(|s| s.as_str()))
    .bind(to.as_str())
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Moves a number to `to` and records it.
pub(crate) async fn set_status(
    tx: &mut Tx,
    n: &NumberRow,
    to: NumberStatus,
    at: Timestamp,
    actor: &str,
    detail: &str,
) -> Result<()> {
    sqlx::query("UPDATE numbers SET status = $1, updated_at = $2 WHERE e164 = $3")
        .bind(to.as_str())
        .bind(at.as_millis())
        .bind(&n.e164)
        .execute(&mut **tx)
        .await?;
    record_event(
        tx,
        &n.e164,
        &n.account_id,
        at,
        actor,
        Some(n.status),
        to,
        detail,
    )
    .await
}

/// The history of a number in `account`, oldest first.
pub(crate) async fn history(store: &Store, account: &str, e164: &str) -> Result<Vec<NumberEvent>> {
    let rows = sqlx::query(
        "SELECT at, actor, from_status, to_status, detail FROM number_events \
         WHERE e164 = $1 AND account_id = $2 ORDER BY id",
    )
    .bind(e164)
    .bind(account)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(NumberEvent {
                at: Timestamp::from_millis(r.try_get(0)?),
                actor: r.try_get(1)?,
                from: r.try_get::<Option<String>, _>(2)?.map(parse).transpose()?,
                to: parse(r.try_get(3)?)?,
                detail: r.try_get(4)?,
            })
        })
        .collect()
}
