//! The inventory: listing and details (N8), assignment (N7) and product type (N9).
//! Every operation on several numbers is all or none, in one transaction.

use super::events::{history, load_locked, set_status, NumberRow, NUMBER_COLUMNS};
use super::{
    lock_order, Actor, EmergencyUse, NumberDetails, NumberStatus, NumberSummary, ProductType,
};
use crate::error::{Error, Result};
use crate::leases::{active_lease, refuse_if_leased};
use crate::service::Backoffice;

impl Backoffice {
    /// The inventory: every number of the account outside the deletion queue.
    pub async fn inventory(&self, account: &str) -> Result<Vec<NumberSummary>> {
        self.numbers_where(account, "status <> 'DeleteInProgress'")
            .await
    }

    /// N10: the deletion queue.
    pub async fn deletion_queue(&self, account: &str) -> Result<Vec<NumberSummary>> {
        self.numbers_where(account, "status = 'DeleteInProgress'")
            .await
    }

    async fn numbers_where(
        &self,
        account: &str,
        filter: &'static str,
    ) -> Result<Vec<NumberSummary>> {
        let sql = format!(
            "SELECT {NUMBER_COLUMNS} FROM numbers WHERE account_id = $1 AND {filter} ORDER BY e164"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(account)
            .fetch_all(self.store.pool())
            .await?;
        rows.iter()
            .map(|r| Ok(NumberRow::from_row(r)?.summary()))
            .collect()
    }

    /// N8: everything about one number, with its history.
    pub async fn number_details(&self, account: &str, e164: &str) -> Result<NumberDetails> {
        let sql =
            format!("SELECT {NUMBER_COLUMNS} FROM numbers WHERE e164 = $1 AND account_id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(e164)
            .bind(account)
            .fetch_optional(self.store.pool())
            .await?
            .ok_or_else(|| Error::not_found("number", e164))?;
        let n = NumberRow::from_row(&row)?;
        Ok(NumberDetails {
            summary: n.summary(),
            calling_enabled: n.calling_enabled,
            sms_enabled: n.sms_enabled,
            emergency: EmergencyUse {
                in_callback_pool: self.in_callback_pool(e164).await?,
                active_lease: active_lease(self.store.pool(), e164, self.now()).await?,
            },
            history: history(&self.store, account, e164).await?,
        })
    }

    /// N7: assigns a Business Calling number to a user.
    pub async fn assign_to_user(
        &self,
        account: &str,
        actor: &Actor,
        e164: &str,
        user_id: &str,
    ) -> Result<NumberSummary> {
        if user_id.trim().is_empty() {
            return Err(Error::invalid("user_id", "N7", "must not be empty"));
        }
        self.assign(
            account,
            actor,
            e164,
            ProductType::BusinessCalling,
            "user_id",
            user_id,
        )
        .await
    }

    /// N7: assigns a Voice Connector number to a voice connector of the account.
    pub async fn assign_to_voice_connector(
        &self,
        account: &str,
        actor: &Actor,
        e164: &str,
        voice_connector_id: &str,
    ) -> Result<NumberSummary> {
        self.voice_connector(account, voice_connector_id).await?;
        self.assign(
            account,
            actor,
            e164,
            ProductType::VoiceConnector,
            "voice_connector_id",
            voice_connector_id,
        )
        .await
    }

    async fn assign(
        &self,
        account: &str,
        actor: &Actor,
        e164: &str,
        needs: ProductType,
        column: &'static str,
        assignee: &str,
    ) -> Result<NumberSummary> {
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let n = load_locked(&self.store, &mut tx, account, e164).await?;
        if n.product_type != needs {
            return Err(Error::invalid(
                column,
                "N7",
                format!("a {} number cannot be assigned this way", n.product_type),
            ));
        }
        if n.status != NumberStatus::Unassigned {
            return Err(Error::conflict(
                "e164",
                "N7",
                format!(
                    "only an Unassigned number can be assigned; this one is {}",
                    n.status
                ),
            ));
        }
        // Assigning moves where the emergency center's callback would ring.
        refuse_if_leased(&self.store, &mut tx, e164, now, "assigned").await?;
        let sql = format!("UPDATE numbers SET {column} = $1 WHERE e164 = $2");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(assignee)
            .bind(e164)
            .execute(&mut *tx)
            .await?;
        set_status(
            &mut tx,
            &n,
            NumberStatus::Assigned,
            now,
            &actor.0,
            &format!("assigned to {column} {assignee}"),
        )
        .await?;
        tx.commit().await?;
        self.summary(account, e164).await
    }

    /// N7, N11: returns an Assigned number to Unassigned.
    pub async fn unassign(
        &self,
        account: &str,
        actor: &Actor,
        e164: &str,
    ) -> Result<NumberSummary> {
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        let n = load_locked(&self.store, &mut tx, account, e164).await?;
        if n.status != NumberStatus::Assigned {
            return Err(Error::conflict(
                "e164",
                "N7",
                format!("the number is {}, not Assigned", n.status),
            ));
        }
        refuse_if_leased(&self.store, &mut tx, e164, now, "unassigned").await?;
        sqlx::query("UPDATE numbers SET user_id = NULL, voice_connector_id = NULL WHERE e164 = $1")
            .bind(e164)
            .execute(&mut *tx)
            .await?;
        set_status(
            &mut tx,
            &n,
            NumberStatus::Unassigned,
            now,
            &actor.0,
            "unassigned",
        )
        .await?;
        tx.commit().await?;
        self.summary(account, e164).await
    }

    /// N9, N1, N11: switches Unassigned numbers to `to`, all or none.
    pub async fn change_product_type(
        &self,
        account: &str,
        actor: &Actor,
        numbers: &[String],
        to: ProductType,
    ) -> Result<Vec<NumberSummary>> {
        if numbers.is_empty() {
            return Err(Error::invalid("numbers", "N9", "name at least one number"));
        }
        let now = self.now();
        let mut tx = self.store.begin_write().await?;
        for e164 in &lock_order(numbers) {
            let n = load_locked(&self.store, &mut tx, account, e164).await?;
            if n.status != NumberStatus::Unassigned {
                return Err(Error::conflict(
                    "numbers",
                    "N9",
                    format!(
                        "only Unassigned numbers change product type; one is {}",
                        n.status
                    ),
                ));
            }
            if n.toll_free && to != ProductType::VoiceConnector {
                return Err(Error::invalid(
                    "product_type",
                    "N1",
                    "toll-free numbers can only be Voice Connector numbers",
                ));
            }
            refuse_if_leased(&self.store, &mut tx, e164, now, "changed").await?;
            let pooled: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM callback_pool WHERE e164 = $1")
                    .bind(e164)
                    .fetch_one(&mut *tx)
                    .await?;
            if pooled > 0 && to != ProductType::VoiceConnector {
                return Err(Error::conflict(
                    "numbers",
                    "V3",
                    "remove the number from the callback pool first",
                ));
            }
            if n.product_type == to {
                continue;
            }
            sqlx::query("UPDATE numbers SET product_type = $1, updated_at = $2 WHERE e164 = $3")
                .bind(to.as_str())
                .bind(now.as_millis())
                .bind(e164)
                .execute(&mut *tx)
                .await?;
            let detail = format!("product type {} -> {to}", n.product_type);
            super::record_event(
                &mut tx,
                e164,
                account,
                now,
                &actor.0,
                Some(n.status),
                n.status,
                &detail,
            )
            .await?;
        }
        tx.commit().await?;
        let mut out = Vec::with_capacity(numbers.len());
        for e164 in numbers {
            out.push(self.summary(account, e164).await?);
        }
        Ok(out)
    }

    pub(crate) async fn summary(&self, account: &str, e164: &str) -> Result<NumberSummary> {
        Ok(self.number_details(account, e164).await?.summary)
    }
}
