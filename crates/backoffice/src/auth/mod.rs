//! Users, roles and sign-in (A1).
//!
//! Passwords are hashed with Argon2id (PHC strings, salted per user). Signing in gives
//! a random 256-bit bearer token; only its SHA-256 is stored, so a leaked database
//! cannot be replayed, and a fast hash is enough because the token itself has full
//! entropy (unlike a password). Roles are ordered: each role reaches what the one below
//! it reaches, and more.

use std::time::Duration;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::numbers::string_enum;
use crate::service::Backoffice;
use crate::storage::new_id;

/// How long a sign-in lasts.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);

string_enum!(
    /// A1: what a user may reach, from least to most.
    Role { Agent, Supervisor, Administrator }
);

impl Role {
    fn rank(self) -> u8 {
        match self {
            Self::Agent => 0,
            Self::Supervisor => 1,
            Self::Administrator => 2,
        }
    }

    /// Whether this role reaches what `needed` reaches.
    pub fn includes(self, needed: Role) -> bool {
        self.rank() >= needed.rank()
    }
}

/// A user of the tenant (never carries the password hash out of this module).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub account_id: String,
    pub username: String,
    pub role: Role,
}

/// Who is calling, once their token is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: String,
    pub account_id: String,
    pub username: String,
    pub role: Role,
}

impl Principal {
    /// A1: refuses unless the principal's role reaches `needed`.
    pub fn require(&self, needed: Role) -> Result<()> {
        if self.role.includes(needed) {
            Ok(())
        } else {
            Err(Error::Forbidden {
                needed: needed.as_str(),
            })
        }
    }
}

/// A sign-in: the bearer token (shown once) and when it stops working.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token: String,
    pub expires_at: Timestamp,
    pub principal: Principal,
}

pub(crate) fn sha256_hex(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("password hashing: {e}")))
}

/// Checked against when the username is unknown, so both refusals take as long.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a password of anyone").unwrap_or_default())
}

impl Backoffice {
    /// A1: creates a user with a role. The password needs 12 characters at least.
    pub async fn create_user(
        &self,
        account: &str,
        username: &str,
        password: &str,
        role: Role,
    ) -> Result<User> {
        let name_ok = (3..=64).contains(&username.len())
            && username
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b));
        if !name_ok {
            return Err(Error::invalid(
                "username",
                "A1",
                "3 to 64 letters, digits, '.', '_', '-' or '@'",
            ));
        }
        if password.chars().count() < 12 || password.len() > 1024 {
            return Err(Error::invalid("password", "A1", "12 to 1024 characters"));
        }
        let hash = hash_password(password)?;
        let id = new_id("usr");
        let mut tx = self.store.begin_write().await?;
        self.lock_account(&mut tx, account).await?;
        let res = sqlx::query(
            "INSERT INTO users (id, account_id, username, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(account)
        .bind(username)
        .bind(role.as_str())
        .bind(&hash)
        .bind(self.now().as_millis())
        .execute(&mut *tx)
        .await
        .map_err(Error::from);
        match res {
            Err(e) if e.is_unique_violation() => {
                Err(Error::conflict("username", "A1", "this username is taken"))
            }
            Err(e) => Err(e),
            Ok(_) => {
                tx.commit().await?;
                Ok(User {
                    id,
                    account_id: account.to_owned(),
                    username: username.to_owned(),
                    role,
                })
            }
        }
    }

    /// A1: the users of `account`, by username.
    pub async fn users(&self, account: &str) -> Result<Vec<User>> {
        let rows = sqlx::query(
            "SELECT id, account_id, username, role FROM users WHERE account_id = $1 ORDER BY username",
        )
        .bind(account)
        .fetch_all(self.store.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(User {
                    id: r.try_get(0)?,
                    account_id: r.try_get(1)?,
                    username: r.try_get(2)?,
                    role: r
                        .try_get::<String, _>(3)?
                        .parse()
                        .map_err(|e: String| Error::Internal(e))?,
                })
            })
            .collect()
    }

    /// A1: checks a username and password and opens a session. A wrong username and a
    /// wrong password get the same answer.
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<Session> {
        let row = sqlx::query(
            "SELECT id, account_id, role, password_hash FROM users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(self.store.pool())
        .await?;
        let stored = match &row {
            Some(r) => r.try_get::<String, _>(3)?,
            None => dummy_hash().to_owned(),
        };
        let verified = PasswordHash::new(&stored)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false);
        let Some(row) = row.filter(|_| verified) else {
            return Err(Error::Unauthenticated);
        };
        let principal = Principal {
            user_id: row.try_get(0)?,
            account_id: row.try_get(1)?,
            username: username.to_owned(),
            role: row
                .try_get::<String, _>(2)?
                .parse()
                .map_err(|e: String| Error::Internal(e))?,
        };
        let mut raw = [0u8; 32];
        OsRng.fill_bytes(&mut raw);
        let token: String = raw.iter().map(|b| format!("{b:02x}")).collect();
        let now = self.now();
        let expires_at = now.plus(SESSION_LIFETIME);
        let mut tx = self.store.begin_write().await?;
        sqlx::query("INSERT INTO sessions (token_sha256, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(sha256_hex(&token))
            .bind(&principal.user_id)
            .bind(now.as_millis())
            .bind(expires_at.as_millis())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Session {
            token,
            expires_at,
            principal,
        })
    }

    /// A1: who holds `token`; refused when unknown, expired or signed out.
    pub async fn authenticate(&self, token: &str) -> Result<Principal> {
        Ok(self.authenticate_session(token).await?.0)
    }

    /// A1: who holds `token`, and when the session ends.
    pub async fn authenticate_session(&self, token: &str) -> Result<(Principal, Timestamp)> {
        let row = sqlx::query(
            "SELECT u.id, u.account_id, u.username, u.role, s.expires_at FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.token_sha256 = $1 AND s.expires_at > $2",
        )
        .bind(sha256_hex(token))
        .bind(self.now().as_millis())
        .fetch_optional(self.store.pool())
        .await?
        .ok_or(Error::Unauthenticated)?;
        let principal = Principal {
            user_id: row.try_get(0)?,
            account_id: row.try_get(1)?,
            username: row.try_get(2)?,
            role: row
                .try_get::<String, _>(3)?
                .parse()
                .map_err(|e: String| Error::Internal(e))?,
        };
        Ok((principal, Timestamp::from_millis(row.try_get(4)?)))
    }

    /// Ends the session of `token` (no error if it had ended already).
    pub async fn sign_out(&self, token: &str) -> Result<()> {
        let mut tx = self.store.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE token_sha256 = $1")
            .bind(sha256_hex(token))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        // Live feeds opened with this token close (S1, A1).
        self.live.session_ended(sha256_hex(token));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a01_roles_are_ordered() {
        assert!(Role::Administrator.includes(Role::Supervisor));
        assert!(Role::Supervisor.includes(Role::Agent));
        assert!(!Role::Agent.includes(Role::Supervisor));
        assert!(!Role::Supervisor.includes(Role::Administrator));
    }

    #[test]
    fn tokens_are_stored_hashed() {
        let h = sha256_hex("abc");
        assert_eq!(
            h,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
