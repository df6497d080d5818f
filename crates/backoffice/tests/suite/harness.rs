//! Fresh databases for each test, and the macro that instantiates a test per backend.
//!
//! PostgreSQL: the server comes from `BACKOFFICE_TEST_PG_URL` (a role with CREATEDB;
//! `cargo xtask test` starts one and sets it). Each test creates its own database and
//! drops it at the end, even when the test panics. Without the variable the PostgreSQL
//! half of the suite fails loudly: a skipped backend would hide exactly the races that
//! only PostgreSQL shows.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use backoffice::numbers::{Actor, SearchQuery};
use backoffice::{Backoffice, BuiltinSupplier, ManualClock, NumberSupplier, Store, Timestamp};
use sqlx::Connection;

/// The variable naming the PostgreSQL server for tests.
pub const PG_ENV: &str = "BACKOFFICE_TEST_PG_URL";

/// 2026-11-02T09:00:00Z: tests start at a fixed, realistic time.
pub const T0: Timestamp = Timestamp::from_millis(1_793_610_000_000);

/// The account every test works in.
pub const ACCOUNT: &str = "acme";

/// Held only to be dropped at the end of the test: removes the file or the database.
enum Db {
    Sqlite { _dir: tempfile::TempDir },
    Postgres { _db: PgDatabase },
}

/// One test's world: a service over a fresh database, a manual clock, the built-in
/// supplier (shared by every instance of the test).
pub struct Ctx {
    pub bo: Backoffice,
    pub clock: ManualClock,
    pub supplier: Arc<BuiltinSupplier>,
    pub url: String,
    _db: Db,
}

impl Ctx {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("backoffice.db").display()
        );
        Self::start(url, Db::Sqlite { _dir: dir }).await
    }

    pub async fn postgres() -> Self {
        let db = PgDatabase::create().await;
        Self::start(db.url.clone(), Db::Postgres { _db: db }).await
    }

    async fn start(url: String, db: Db) -> Self {
        let clock = ManualClock::new(T0);
        let supplier = Arc::new(BuiltinSupplier::new());
        let store = Store::connect(&url)
            .await
            .expect("store opens and migrates");
        let bo = Backoffice::new(store, Arc::new(clock.clone()), supplier.clone());
        bo.create_account(ACCOUNT, "Acme Contact Center")
            .await
            .expect("account");
        Self {
            bo,
            clock,
            supplier,
            url,
            _db: db,
        }
    }

    /// Another service instance on the same database (its own connections), as when
    /// several instances share one PostgreSQL server, or after a restart.
    pub async fn instance(&self) -> Backoffice {
        self.instance_with(self.supplier.clone()).await
    }

    pub async fn instance_with(&self, supplier: Arc<dyn NumberSupplier>) -> Backoffice {
        let store = Store::connect(&self.url)
            .await
            .expect("second instance opens the store");
        Backoffice::new(store, Arc::new(self.clock.clone()), supplier)
    }

    /// `count` distinct local (not toll-free) US numbers nobody holds yet.
    pub async fn free_local_numbers(&self, count: usize) -> Vec<String> {
        let mut out = Vec::new();
        for area in [
            "206", "425", "509", "503", "415", "408", "213", "619", "916", "702", "602", "303",
        ] {
            let mut q = SearchQuery::country("US");
            q.area_code = Some(area.into());
            q.limit = 12;
            for n in self.bo.search_numbers(&q).await.expect("search") {
                if out.len() < count {
                    out.push(n.e164);
                }
            }
        }
        assert_eq!(out.len(), count, "the catalogue has enough local numbers");
        out
    }

    /// Orders and completes `count` numbers of `product_type`; returns them.
    pub async fn owned(
        &self,
        count: usize,
        product_type: backoffice::numbers::ProductType,
    ) -> Vec<String> {
        let numbers = self.free_local_numbers(count).await;
        self.bo
            .place_order(ACCOUNT, &admin(), product_type, &numbers)
            .await
            .expect("order");
        self.bo.complete_pending_orders().await.expect("completion");
        numbers
    }
}

pub fn admin() -> Actor {
    Actor::new("admin:alice")
}

/// A PostgreSQL database that exists for one test.
struct PgDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl PgDatabase {
    async fn create() -> Self {
        let admin_url = std::env::var(PG_ENV).unwrap_or_else(|_| {
            panic!(
                "{PG_ENV} is not set: the PostgreSQL half of the back-office suite needs a server. \
                 Run `cargo xtask test`, or start one and export \
                 {PG_ENV}=postgres://softphone:softphone@127.0.0.1:5432/postgres (a role with CREATEDB)."
            )
        });
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "bo_test_{}_{}_{nanos}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        );
        let mut conn = sqlx::PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {PG_ENV}: {e}"));
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| {
                panic!("CREATE DATABASE {name}: {e} (does the role have CREATEDB?)")
            });
        conn.close().await.ok();
        let base = admin_url.split('?').next().unwrap_or(&admin_url);
        let root = base.rsplit_once('/').map_or(base, |(root, _)| root);
        let url = format!("{root}/{name}");
        Self {
            admin_url,
            name,
            url,
        }
    }
}

impl Drop for PgDatabase {
    /// Drops the database on a thread of its own: Drop cannot await, and it must also
    /// run when the test panicked. FORCE ends the pools' connections still open.
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

/// Instantiates each listed test once per backend: `sqlite::name` and `postgres::name`.
/// Each test is an `async fn name(t: &Ctx)` in the invoking module.
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let t = $crate::harness::Ctx::sqlite().await;
                    super::$name(&t).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let t = $crate::harness::Ctx::postgres().await;
                    super::$name(&t).await;
                }
            )*
        }
    };
}
pub(crate) use backend_tests;
