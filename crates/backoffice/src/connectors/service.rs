//! Storage of voice connectors (V1) and their emergency configuration (V2).

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{
    EmergencyConfig, Origination, Route, SipCredential, Termination, VoiceConnector,
    VoiceConnectorSettings,
};
use crate::error::{Error, Result};
use crate::service::Backoffice;
use crate::storage::{new_id, Tx};

fn join(v: &[String]) -> String {
    v.join(",")
}

fn split(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

fn decode_err(what: String) -> Error {
    Error::Storage(sqlx::Error::Decode(what.into()))
}

impl Backoffice {
    /// V1: creates a voice connector.
    pub async fn create_voice_connector(
        &self,
        account: &str,
        settings: &VoiceConnectorSettings,
    ) -> Result<VoiceConnector> {
        settings.validate()?;
        let id = new_id("vc");
        let now = self.now().as_millis();
        let mut tx = self.store.begin_write().await?;
        self.lock_account(&mut tx, account).await?;
        let t = &settings.termination;
        let inserted = sqlx::query(
            "INSERT INTO voice_connectors (id, account_id, name, termination_enabled, allowed_networks, \
             calling_countries, default_caller, origination_enabled, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(&id)
        .bind(account)
        .bind(settings.name.trim())
        .bind(i64::from(t.enabled))
        .bind(join(&t.allowed_networks))
        .bind(join(&t.calling_countries))
        .bind(t.default_caller.as_deref())
        .bind(i64::from(settings.origination.enabled))
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(Error::from);
        if let Err(e) = inserted {
            return Err(if e.is_unique_violation() {
                Error::conflict("name", "V1", "a voice connector with this name exists")
            } else {
                e
            });
        }
        write_routes(&mut tx, &id, &settings.origination.routes).await?;
        write_credentials(&mut tx, &id, &settings.termination.credentials, now).await?;
        tx.commit().await?;
        self.voice_connector(account, &id).await
    }

    /// V1, V2: replaces a voice connector's settings. Turning termination or origination
    /// off is refused while an emergency configuration needs them.
    pub async fn update_voice_connector(
        &self,
        account: &str,
        id: &str,
        settings: &VoiceConnectorSettings,
    ) -> Result<VoiceConnector> {
        settings.validate()?;
        let mut tx = self.store.begin_write().await?;
        let has_emergency = self.lock_connector(&mut tx, account, id).await?;
        if has_emergency && !(settings.termination.enabled && settings.origination.enabled) {
            return Err(Error::conflict(
                if settings.termination.enabled { "origination.enabled" } else { "termination.enabled" },
                "V2",
                "emergency calling needs termination and origination enabled; remove its configuration first",
            ));
        }
        let t = &settings.termination;
        let renamed = sqlx::query(
            "UPDATE voice_connectors SET name = $1, termination_enabled = $2, allowed_networks = $3, \
             calling_countries = $4, default_caller = $5, origination_enabled = $6, updated_at = $7 WHERE id = $8",
        )
        .bind(settings.name.trim())
        .bind(i64::from(t.enabled))
        .bind(join(&t.allowed_networks))
        .bind(join(&t.calling_countries))
        .bind(t.default_caller.as_deref())
        .bind(i64::from(settings.origination.enabled))
        .bind(self.now().as_millis())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(Error::from);
        if let Err(e) = renamed {
            return Err(if e.is_unique_violation() {
                Error::conflict("name", "V1", "a voice connector with this name exists")
            } else {
                e
            });
        }
        sqlx::query("DELETE FROM origination_routes WHERE voice_connector_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        write_routes(&mut tx, id, &settings.origination.routes).await?;
        write_credentials(
            &mut tx,
            id,
            &settings.termination.credentials,
            self.now().as_millis(),
        )
        .await?;
        tx.commit().await?;
        self.voice_connector(account, id).await
    }

    /// V2, E12: sets the emergency calling configuration. Refused unless termination and
    /// origination are both enabled.
    pub async fn set_emergency_config(
        &self,
        account: &str,
        id: &str,
        config: &EmergencyConfig,
    ) -> Result<VoiceConnector> {
        config.validate()?;
        let mut tx = self.store.begin_write().await?;
        self.lock_connector(&mut tx, account, id).await?;
        let row = sqlx::query(
            "SELECT termination_enabled, origination_enabled FROM voice_connectors WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let (term, orig): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
        if term == 0 {
            return Err(Error::conflict(
                "termination.enabled",
                "V2",
                "enable termination before setting emergency calling",
            ));
        }
        if orig == 0 {
            return Err(Error::conflict(
                "origination.enabled",
                "V2",
                "enable origination before setting emergency calling",
            ));
        }
        sqlx::query("DELETE FROM emergency_configs WHERE voice_connector_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO emergency_configs (voice_connector_id, country, call_send_method, emergency_routing_number, \
             test_routing_number, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(&config.country)
        .bind(&config.call_send_method)
        .bind(&config.emergency_routing_number)
        .bind(config.test_routing_number.as_deref())
        .bind(self.now().as_millis())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.voice_connector(account, id).await
    }

    /// E12: removes the emergency configuration (emergency calls then go to the carrier
    /// as `911`, and administrators are warned).
    pub async fn remove_emergency_config(&self, account: &str, id: &str) -> Result<VoiceConnector> {
        let mut tx = self.store.begin_write().await?;
        self.lock_connector(&mut tx, account, id).await?;
        sqlx::query("DELETE FROM emergency_configs WHERE voice_connector_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::warn!(
            voice_connector = id,
            "emergency calling configuration removed; 911 goes to the carrier as dialled"
        );
        self.voice_connector(account, id).await
    }

    /// Locks a connector of `account` (PostgreSQL) and says whether it has an emergency
    /// configuration.
    async fn lock_connector(&self, tx: &mut Tx, account: &str, id: &str) -> Result<bool> {
        let sql = format!(
            "SELECT id FROM voice_connectors WHERE id = $1 AND account_id = $2{}",
            self.store.for_update()
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(account)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| Error::not_found("voice connector", id))?;
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM emergency_configs WHERE voice_connector_id = $1",
        )
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
        Ok(n > 0)
    }

    /// V1: one voice connector with its emergency configuration and numbers.
    pub async fn voice_connector(&self, account: &str, id: &str) -> Result<VoiceConnector> {
        let pool = self.store.pool();
        let row = sqlx::query(
            "SELECT name, termination_enabled, allowed_networks, calling_countries, default_caller, origination_enabled \
             FROM voice_connectors WHERE id = $1 AND account_id = $2",
        )
        .bind(id)
        .bind(account)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| Error::not_found("voice connector", id))?;
        let routes = sqlx::query(
            "SELECT host, port, protocol, priority, weight FROM origination_routes WHERE voice_connector_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Route {
                host: r.try_get(0)?,
                port: u16::try_from(r.try_get::<i64, _>(1)?).map_err(|e| decode_err(e.to_string()))?,
                protocol: r.try_get::<String, _>(2)?.parse().map_err(decode_err)?,
                priority: u8::try_from(r.try_get::<i64, _>(3)?).map_err(|e| decode_err(e.to_string()))?,
                weight: u8::try_from(r.try_get::<i64, _>(4)?).map_err(|e| decode_err(e.to_string()))?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let emergency = sqlx::query(
            "SELECT emergency_routing_number, test_routing_number, country, call_send_method \
             FROM emergency_configs WHERE voice_connector_id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?
        .map(|r| -> Result<EmergencyConfig> {
            Ok(EmergencyConfig {
                emergency_routing_number: r.try_get(0)?,
                test_routing_number: r.try_get(1)?,
                country: r.try_get(2)?,
                call_send_method: r.try_get(3)?,
            })
        })
        .transpose()?;
        let credentials = sqlx::query_scalar(
            "SELECT username FROM termination_credentials WHERE voice_connector_id = $1 ORDER BY username",
        )
        .bind(id)
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|username| SipCredential {
            username,
            password: None,
        })
        .collect();
        let numbers = sqlx::query_scalar(
            "SELECT e164 FROM numbers WHERE voice_connector_id = $1 ORDER BY e164",
        )
        .bind(id)
        .fetch_all(pool)
        .await?;
        Ok(VoiceConnector {
            id: id.to_owned(),
            settings: VoiceConnectorSettings {
                name: row.try_get(0)?,
                termination: Termination {
                    enabled: row.try_get::<i64, _>(1)? != 0,
                    allowed_networks: split(row.try_get(2)?),
                    calling_countries: split(row.try_get(3)?),
                    default_caller: row.try_get(4)?,
                    credentials,
                },
                origination: Origination {
                    enabled: row.try_get::<i64, _>(5)? != 0,
                    routes,
                },
            },
            emergency,
            numbers,
        })
    }

    /// V1: the account's voice connectors, by name.
    pub async fn voice_connectors(&self, account: &str) -> Result<Vec<VoiceConnector>> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM voice_connectors WHERE account_id = $1 ORDER BY name",
        )
        .bind(account)
        .fetch_all(self.store.pool())
        .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.voice_connector(account, &id).await?);
        }
        Ok(out)
    }
}

/// The realm of a connector's digest credentials: its id, stable across renames.
pub fn credential_realm(connector_id: &str) -> String {
    format!("{connector_id}.voice-connector")
}

/// RFC 8760's HA1 with SHA-256: `hex(SHA-256(username:realm:password))`.
pub fn digest_ha1(username: &str, realm: &str, password: &str) -> String {
    Sha256::digest(format!("{username}:{realm}:{password}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Replaces the connector's credentials by `creds`: a password given is digested, a
/// credential without one keeps its stored digest (and must exist).
async fn write_credentials(tx: &mut Tx, id: &str, creds: &[SipCredential], now: i64) -> Result<()> {
    let stored: HashMap<String, String> = sqlx::query(
        "SELECT username, ha1_sha256 FROM termination_credentials WHERE voice_connector_id = $1",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
    .collect::<Result<_>>()?;
    let realm = credential_realm(id);
    let mut rows = Vec::with_capacity(creds.len());
    for c in creds {
        let ha1 = match (&c.password, stored.get(&c.username)) {
            (Some(p), _) => digest_ha1(&c.username, &realm, p),
            (None, Some(kept)) => kept.clone(),
            (None, None) => {
                return Err(Error::invalid(
                    "termination.credentials.password",
                    "V1",
                    format!("`{}` is a new credential: give its password", c.username),
                ))
            }
        };
        rows.push((c.username.as_str(), ha1));
    }
    sqlx::query("DELETE FROM termination_credentials WHERE voice_connector_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for (username, ha1) in rows {
        sqlx::query(
            "INSERT INTO termination_credentials (voice_connector_id, username, ha1_sha256, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(username)
        .bind(ha1)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

async fn write_routes(tx: &mut Tx, id: &str, routes: &[Route]) -> Result<()> {
    for (i, r) in routes.iter().enumerate() {
        sqlx::query(
            "INSERT INTO origination_routes (voice_connector_id, position, host, port, protocol, priority, weight) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(i as i64)
        .bind(&r.host)
        .bind(i64::from(r.port))
        .bind(r.protocol.as_str())
        .bind(i64::from(r.priority))
        .bind(i64::from(r.weight))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
