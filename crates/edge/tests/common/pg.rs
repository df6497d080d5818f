//! The database under a test: a SQLite file in a temporary folder, or a fresh
//! PostgreSQL database on the server named by `BACKOFFICE_TEST_PG_URL` (as in the back
//! office's suite: `cargo xtask test` starts one and sets it; unset, PostgreSQL tests
//! fail loudly rather than skip). Dropped at the end of the test, even on panic.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;

pub const PG_ENV: &str = "BACKOFFICE_TEST_PG_URL";

pub enum TestDb {
    Sqlite(tempfile::TempDir),
    Postgres(PgDatabase),
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        TestDb::Sqlite(tempfile::tempdir().expect("temp dir"))
    }

    pub async fn postgres() -> TestDb {
        TestDb::Postgres(PgDatabase::create().await)
    }

    pub fn url(&self) -> String {
        match self {
            TestDb::Sqlite(dir) => {
                format!("sqlite://{}?mode=rwc", dir.path().join("bo.db").display())
            }
            TestDb::Postgres(db) => db.url.clone(),
        }
    }
}

pub struct PgDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl PgDatabase {
    async fn create() -> PgDatabase {
        let admin_url = std::env::var(PG_ENV).unwrap_or_else(|_| {
            panic!(
                "{PG_ENV} is not set: this test needs a PostgreSQL server. Run `cargo xtask \
                 test`, or export {PG_ENV}=postgres://softphone:softphone@127.0.0.1:5432/postgres"
            )
        });
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "edge_test_{}_{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        );
        let mut conn = sqlx::PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {PG_ENV}: {e}"));
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
        conn.close().await.ok();
        let base = admin_url.split('?').next().unwrap_or(&admin_url);
        let root = base.rsplit_once('/').map_or(base, |(root, _)| root);
        let url = format!("{root}/{name}");
        PgDatabase {
            admin_url,
            name,
            url,
        }
    }
}

impl Drop for PgDatabase {
    /// On a thread of its own: Drop cannot await, and it must run on panic too.
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let mut conn = sqlx::PgConnection::connect(&admin_url).await?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut conn)
                .await?;
                conn.close().await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test database {}: {dropped:?}", self.name);
        }
    }
}
