//! What the SIP edge (issue 6) reads from the back office: users' SIP digest
//! credentials, a user's own number, who a dialled number belongs to.
//!
//! The sign-in password is Argon2id, which a SIP digest cannot be checked against, so
//! each user has a separate SIP password of which only the MD5 HA1 of
//! `username:realm:password` is kept (RFC 3261 22.4): a leaked database gives no
//! password, only what is needed to answer a digest for that one realm.

use md5::{Digest, Md5};
use sqlx::Row;

use crate::auth::{Role, User};
use crate::error::{Error, Result};
use crate::numbers::Assignee;
use crate::service::Backoffice;

/// A user as the SIP registrar sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipUser {
    pub user: User,
    pub realm: String,
    /// Lower-case hex MD5 of `username:realm:password`.
    pub ha1_md5: String,
}

/// Who an assigned number belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberOwner {
    pub account_id: String,
    pub assignee: Assignee,
}

/// Lower-case hex MD5 HA1 of `username:realm:password`.
pub fn md5_ha1(username: &str, realm: &str, password: &str) -> String {
    Md5::digest(format!("{username}:{realm}:{password}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Backoffice {
    /// Sets (or replaces) the SIP password of `user_id` for `realm`. 12 to 128
    /// printable characters, like other secrets of the service.
    pub async fn set_sip_password(
        &self,
        account: &str,
        user_id: &str,
        realm: &str,
        password: &str,
    ) -> Result<()> {
        if !(12..=128).contains(&password.len()) || !password.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(Error::invalid(
                "sip_password",
                "A1",
                "12 to 128 printable ASCII characters",
            ));
        }
        if realm.is_empty() || !realm.bytes().all(|b| b.is_ascii_graphic() && b != b'"') {
            return Err(Error::invalid("realm", "A1", "printable, without quotes"));
        }
        let username: String =
            sqlx::query_scalar("SELECT username FROM users WHERE id = $1 AND account_id = $2")
                .bind(user_id)
                .bind(account)
                .fetch_optional(self.store.pool())
                .await?
                .ok_or_else(|| Error::not_found("user", user_id))?;
        let ha1 = md5_ha1(&username, realm, password);
        let now = self.now().as_millis();
        let mut tx = self.store.begin_write().await?;
        sqlx::query("DELETE FROM user_sip_credentials WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO user_sip_credentials (user_id, realm, ha1_md5, updated_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(user_id)
        .bind(realm)
        .bind(&ha1)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The SIP credential of `username`, if they have one.
    pub async fn sip_user(&self, username: &str) -> Result<Option<SipUser>> {
        let row = sqlx::query(
            "SELECT u.id, u.account_id, u.username, u.role, c.realm, c.ha1_md5 \
             FROM users u JOIN user_sip_credentials c ON c.user_id = u.id WHERE u.username = $1",
        )
        .bind(username)
        .fetch_optional(self.store.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let role: Role = r
            .try_get::<String, _>(3)?
            .parse()
            .map_err(|e: String| Error::Internal(e))?;
        Ok(Some(SipUser {
            user: User {
                id: r.try_get(0)?,
                account_id: r.try_get(1)?,
                username: r.try_get(2)?,
                role,
            },
            realm: r.try_get(4)?,
            ha1_md5: r.try_get(5)?,
        }))
    }

    /// E5's first fallback and the caller of ordinary calls: the number assigned to
    /// `user_id` (the first, if several).
    pub async fn user_number(&self, account: &str, user_id: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT e164 FROM numbers WHERE account_id = $1 AND user_id = $2 AND status = 'Assigned' ORDER BY e164 LIMIT 1",
        )
        .bind(account)
        .bind(user_id)
        .fetch_optional(self.store.pool())
        .await?)
    }

    /// Inbound routing: the user or voice connector an assigned number belongs to.
    pub async fn number_owner(&self, e164: &str) -> Result<Option<NumberOwner>> {
        let row = sqlx::query(
            "SELECT account_id, user_id, voice_connector_id FROM numbers WHERE e164 = $1 AND status = 'Assigned'",
        )
        .bind(e164)
        .fetch_optional(self.store.pool())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let user: Option<String> = r.try_get(1)?;
        let connector: Option<String> = r.try_get(2)?;
        let assignee = match (user, connector) {
            (Some(u), _) => Assignee::User(u),
            (None, Some(c)) => Assignee::VoiceConnector(c),
            (None, None) => return Ok(None),
        };
        Ok(Some(NumberOwner {
            account_id: r.try_get(0)?,
            assignee,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_ha1_matches_rfc_2617_example() {
        // RFC 2617 3.5: Mufasa / testrealm@host.com / Circle Of Life.
        assert_eq!(
            md5_ha1("Mufasa", "testrealm@host.com", "Circle Of Life"),
            "939e7578ed9e3c518a452acee763bce9"
        );
    }
}
