//! Storage: one repository layer over SQLite (the embedded default) and PostgreSQL (for
//! several service instances).
//!
//! Why sqlx's `Any` driver: the repository code is written once, with `$1` parameters
//! that both databases accept, integer times and 0/1 flags that both store alike. The few
//! places where the dialects must differ (how a write transaction starts, row locks) are
//! named here, so the concurrency story of each backend reads in one page:
//!
//! * SQLite: every write transaction starts with `BEGIN IMMEDIATE`, which takes the
//!   database's single write lock up front. Writers are serialized, so a count followed
//!   by an insert (N5) or a pick followed by a lease (E5) cannot interleave, and no
//!   transaction fails half-way on a lock upgrade.
//! * PostgreSQL: transactions run at READ COMMITTED and lock what they decide on: the
//!   account row (`FOR UPDATE`) for the inventory limit, the pool row (`FOR UPDATE SKIP
//!   LOCKED`) for leases, and conditional `UPDATE ... RETURNING` claims for purges.
//!   Primary keys and unique keys remain the last line of defence in every case.

mod ids;

pub use ids::new_id;

use std::path::Path;
use std::time::Duration;

use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor};

use crate::error::Result;

/// A write transaction. Derefs to the connection, so `&mut *tx` is an executor.
///
/// On SQLite it also holds the store's in-process writer lock: writers of one process
/// queue on a fair async mutex instead of on SQLite's busy handler, whose sleeps (up
/// to 100 ms a retry) made the tail latency of racing writers long. `BEGIN IMMEDIATE`
/// still guards against other processes on the same file.
#[derive(Debug)]
pub(crate) struct Tx {
    tx: sqlx::Transaction<'static, Any>,
    _writer: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Tx {
    pub(crate) async fn commit(self) -> Result<()> {
        self.tx.commit().await?;
        Ok(())
    }
}

impl std::ops::Deref for Tx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database is behind a [`Store`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A local SQLite file in WAL mode, foreign keys on.
    Sqlite,
    /// A PostgreSQL server, possibly shared by several service instances.
    Postgres,
}

/// The database of the back office, migrated and ready.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// Serializes this process's SQLite writers (see [`Tx`]); unused on PostgreSQL.
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl Store {
    /// Opens (creating if needed) the SQLite file at `path` and migrates it.
    pub async fn open_sqlite(path: &Path) -> Result<Self> {
        Self::connect(&format!("sqlite://{}?mode=rwc", path.display())).await
    }

    /// Connects to `url` (`postgres://...`, `postgresql://...` or `sqlite://...`) and
    /// brings the schema up to date. Several instances may do this at once: sqlx takes a
    /// migration lock.
    pub async fn connect(url: &str) -> Result<Self> {
        install_default_drivers();
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        let pool = match backend {
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            // WAL lets readers proceed beside the one writer; the busy
                            // timeout makes writers queue rather than fail under load.
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                                 PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect(url)
                    .await?
            }
        };
        match backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        Ok(Self {
            pool,
            backend,
            writer: Default::default(),
        })
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every connection (waits for those in use).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a write transaction (see the module doc for what each backend does).
    pub(crate) async fn begin_write(&self) -> Result<Tx> {
        Ok(match self.backend {
            Backend::Sqlite => {
                let writer = self.writer.clone().lock_owned().await;
                Tx {
                    tx: self.pool.begin_with("BEGIN IMMEDIATE").await?,
                    _writer: Some(writer),
                }
            }
            Backend::Postgres => Tx {
                tx: self.pool.begin().await?,
                _writer: None,
            },
        })
    }

    /// ` FOR UPDATE` on PostgreSQL, nothing on SQLite (whose write lock is already held).
    pub(crate) fn for_update(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }
}

#[cfg(test)]
mod tests {
    /// The two migration sets must describe the same schema: they may differ only in
    /// the lines listed here (the dialects' identity columns and the header comments).
    #[test]
    fn migration_sets_stay_in_step() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut names: Vec<_> = std::fs::read_dir(dir.join("sqlite"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert!(!names.is_empty());
        for name in names {
            let lite = std::fs::read_to_string(dir.join("sqlite").join(&name)).unwrap();
            let pg = std::fs::read_to_string(dir.join("postgres").join(&name))
                .unwrap_or_else(|_| panic!("{name:?} has no PostgreSQL twin"));
            let normalise = |s: &str| -> Vec<String> {
                s.lines()
                    .filter(|l| !l.starts_with("--"))
                    .map(|l| {
                        l.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "<identity>")
                            .replace(
                                "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
                                "<identity>",
                            )
                    })
                    .collect()
            };
            assert_eq!(normalise(&lite), normalise(&pg), "{name:?}");
        }
    }
}
