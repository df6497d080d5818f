//! The administrator CLI, run as the real binary against the API served on an ephemeral
//! loopback port: one test per procedure of the phone-number guide (seed 002), and the
//! refusals an administrator must understand (A1, A2).

use std::path::PathBuf;

use backoffice::auth::Role;
use backoffice::numbers::ProductType;
use serde_json::Value;

use crate::api::PASSWORD;
use crate::harness::{backend_tests, Ctx, ACCOUNT};

backend_tests!(
    cli_n03_n04_provisioning_searches_orders_and_the_numbers_reach_the_inventory,
    cli_n06_porting_a_number_brings_it_into_the_inventory,
    cli_n07_n08_assigning_a_business_calling_number_to_a_user_shows_in_its_details,
    cli_n07_v01_assigning_voice_connector_numbers_to_a_connector_with_masked_credentials,
    cli_n07_unassigning_returns_the_number_to_unassigned,
    cli_n09_editing_product_types,
    cli_n10_deleting_numbers_queues_them_for_seven_days,
    cli_n10_restoring_deleted_numbers_moves_them_back_to_the_inventory,
    cli_a02_an_invalid_e164_is_refused_naming_field_and_rule_and_changes_nothing,
    cli_a01_without_sign_in_or_with_a_lesser_role_the_cli_refuses_clearly,
);

/// The API served on 127.0.0.1:0 and a session file of its own.
struct Served {
    url: String,
    session: PathBuf,
    _dir: tempfile::TempDir,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.server.abort();
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }

    #[track_caller]
    fn ok(self) -> Self {
        assert_eq!(
            self.code, 0,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        self
    }
}

impl Served {
    async fn start(t: &Ctx) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let app = backoffice::api::router(t.bo.clone());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serving");
        });
        let dir = tempfile::tempdir().unwrap();
        Self {
            url,
            session: dir.path().join("session.json"),
            _dir: dir,
            server,
        }
    }

    /// Runs `backoffice <args>` with this service's URL and session file.
    async fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_backoffice"));
        cmd.args(args)
            .env("BACKOFFICE_URL", &self.url)
            .env("BACKOFFICE_SESSION", &self.session)
            .env_remove("BACKOFFICE_TOKEN")
            .env_remove("BACKOFFICE_PASSWORD")
            .env_remove("BACKOFFICE_NEW_PASSWORD")
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().await.expect("the backoffice binary runs");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// An administrator signed in through `backoffice login`.
    async fn admin(t: &Ctx) -> Self {
        let s = Self::start(t).await;
        t.bo.create_user(ACCOUNT, "ada", PASSWORD, Role::Administrator)
            .await
            .unwrap();
        let r = s
            .run(
                &["login", "--username", "ada"],
                &[("BACKOFFICE_PASSWORD", PASSWORD)],
            )
            .await
            .ok();
        assert!(r.stdout.contains("as ada (Administrator)"), "{}", r.stdout);
        s
    }
}

fn numbers_of(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["e164"].as_str().unwrap().to_owned(),
                n["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn cli_n03_n04_provisioning_searches_orders_and_the_numbers_reach_the_inventory(t: &Ctx) {
    let s = Served::admin(t).await;
    let found = s
        .run(
            &[
                "numbers",
                "search",
                "--area-code",
                "206",
                "--limit",
                "3",
                "--json",
            ],
            &[],
        )
        .await
        .ok()
        .json();
    let found: Vec<String> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["e164"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(found.len(), 3);
    assert!(found.iter().all(|n| n.starts_with("+1206")), "{found:?}");
    let table = s
        .run(
            &["numbers", "search", "--area-code", "206", "--limit", "3"],
            &[],
        )
        .await
        .ok();
    assert!(table.stdout.starts_with("E164"), "{}", table.stdout);
    assert!(table.stdout.contains(&found[0]), "{}", table.stdout);

    let order = s
        .run(
            &[
                "numbers",
                "order",
                "--product-type",
                "business-calling",
                &found[0],
                &found[1],
            ],
            &[],
        )
        .await
        .ok();
    assert!(order.stdout.contains("Processing"), "{}", order.stdout);
    let pending = s.run(&["orders", "pending"], &[]).await.ok();
    assert!(pending.stdout.contains(&found[1]), "{}", pending.stdout);

    t.bo.complete_pending_orders().await.unwrap();
    let orders = s.run(&["orders", "list", "--json"], &[]).await.ok().json();
    assert_eq!(orders[0]["status"], "Successful", "{orders}");
    let inventory = numbers_of(&s.run(&["numbers", "list", "--json"], &[]).await.ok().json());
    let mut want = vec![
        (found[0].clone(), "Unassigned".to_owned()),
        (found[1].clone(), "Unassigned".to_owned()),
    ];
    want.sort();
    let mut inventory = inventory;
    inventory.sort();
    assert_eq!(inventory, want);
}

async fn cli_n06_porting_a_number_brings_it_into_the_inventory(t: &Ctx) {
    let s = Served::admin(t).await;
    let submitted = s
        .run(
            &[
                "porting", "submit", "--product-type", "voice-connector",
                "--number", "+12065550181=Lumen",
                "--loa", "carrier=Lumen;name=Jane Roe;btn=+12065550100;address=1 Main St, Seattle, WA 98101;account=AC-1",
                "--json",
            ],
            &[],
        )
        .await
        .ok()
        .json();
    assert_eq!(submitted["state"], "Submitted", "{submitted}");
    let id = submitted["id"].as_str().unwrap();
    let foc = s.run(&["porting", "foc", id, "2026-11-20"], &[]).await.ok();
    assert!(foc.stdout.contains("FirmOrderCommitment"), "{}", foc.stdout);
    assert!(
        foc.stdout.contains("2026-11-20 00:00 UTC"),
        "{}",
        foc.stdout
    );
    // The carrier completes the port on the committed date, not before.
    let early = s.run(&["porting", "complete", id], &[]).await;
    assert_eq!(early.code, 1, "{}", early.stderr);
    assert!(
        early.stderr.contains("field `foc_at`, rule N6"),
        "{}",
        early.stderr
    );
    t.clock
        .advance(std::time::Duration::from_secs(18 * 24 * 3600));
    // Weeks later: the 12-hour session has ended; sign in again.
    let expired = s.run(&["porting", "show", id], &[]).await;
    assert!(
        expired.code == 1 && expired.stderr.contains("HTTP 401"),
        "{}",
        expired.stderr
    );
    s.run(
        &["login", "--username", "ada"],
        &[("BACKOFFICE_PASSWORD", PASSWORD)],
    )
    .await
    .ok();
    let done = s
        .run(&["porting", "complete", id, "--json"], &[])
        .await
        .ok()
        .json();
    assert_eq!(done["state"], "Completed", "{done}");
    let inventory = numbers_of(&s.run(&["numbers", "list", "--json"], &[]).await.ok().json());
    assert_eq!(
        inventory,
        vec![("+12065550181".to_owned(), "Unassigned".to_owned())]
    );
    let list = s.run(&["porting", "list"], &[]).await.ok();
    assert!(
        list.stdout.contains("Completed") && list.stdout.contains("+12065550181"),
        "{}",
        list.stdout
    );
}

async fn cli_n07_n08_assigning_a_business_calling_number_to_a_user_shows_in_its_details(t: &Ctx) {
    let s = Served::admin(t).await;
    let n = t.owned(1, ProductType::BusinessCalling).await.remove(0);
    let created = s
        .run(
            &["users", "create", "agnes", "--role", "agent", "--json"],
            &[("BACKOFFICE_NEW_PASSWORD", PASSWORD)],
        )
        .await
        .ok()
        .json();
    assert_eq!(created["role"], "Agent");
    let users = s.run(&["users", "list"], &[]).await.ok();
    assert!(
        users.stdout.contains("agnes") && users.stdout.contains("Agent"),
        "{}",
        users.stdout
    );
    let user_id = created["id"].as_str().unwrap();
    let assigned = s
        .run(&["numbers", "assign", &n, "--user", user_id, "--json"], &[])
        .await
        .ok()
        .json();
    assert_eq!(assigned["status"], "Assigned");
    let details = s.run(&["numbers", "show", &n], &[]).await.ok().stdout;
    for want in [
        n.as_str(),
        "Assigned",
        "BusinessCalling",
        user_id,
        "calling_enabled:",
        "sms_enabled:",
        "HISTORY",
        "user:ada",
    ] {
        assert!(details.contains(want), "{want} in {details}");
    }
}

async fn cli_n07_v01_assigning_voice_connector_numbers_to_a_connector_with_masked_credentials(
    t: &Ctx,
) {
    let s = Served::admin(t).await;
    let numbers = t.owned(2, ProductType::VoiceConnector).await;
    let secret = "Trunk-Passw0rd-42";
    let created = s
        .run(
            &[
                "connectors",
                "create",
                "--name",
                "Seattle trunk",
                "--termination",
                "--allow",
                "203.0.113.0/24",
                "--calling-country",
                "US",
                "--credential",
                &format!("pbx1:{secret}"),
                "--origination",
                "--route",
                "sbc.example.net:5061:tls:1:10",
                "--json",
            ],
            &[],
        )
        .await
        .ok();
    assert!(
        !created.stdout.contains(secret),
        "the password never comes back"
    );
    let created = created.json();
    assert_eq!(
        created["termination"]["credentials"],
        serde_json::json!([{"username": "pbx1", "password": "********"}])
    );
    let id = created["id"].as_str().unwrap();
    for n in &numbers {
        let r = s
            .run(
                &["numbers", "assign", n, "--voice-connector", id, "--json"],
                &[],
            )
            .await
            .ok()
            .json();
        assert_eq!(r["assigned_voice_connector"], id);
    }
    let shown = s.run(&["connectors", "show", id], &[]).await.ok().stdout;
    assert!(
        shown.contains("pbx1:********") && !shown.contains(secret),
        "{shown}"
    );
    assert!(
        numbers.iter().all(|n| shown.contains(n.as_str())),
        "{shown}"
    );
    let list = s.run(&["connectors", "list"], &[]).await.ok().stdout;
    assert!(list.contains("Seattle trunk"), "{list}");
}

async fn cli_n07_unassigning_returns_the_number_to_unassigned(t: &Ctx) {
    let s = Served::admin(t).await;
    let n = t.owned(1, ProductType::BusinessCalling).await.remove(0);
    let user =
        t.bo.create_user(ACCOUNT, "agnes", PASSWORD, Role::Agent)
            .await
            .unwrap();
    s.run(&["numbers", "assign", &n, "--user", &user.id], &[])
        .await
        .ok();
    let r = s.run(&["numbers", "unassign", &n], &[]).await.ok();
    assert!(r.stdout.contains("Unassigned"), "{}", r.stdout);
    let d = t.bo.number_details(ACCOUNT, &n).await.unwrap();
    assert_eq!(d.summary.assignee, None);
    assert_eq!(d.summary.status.as_str(), "Unassigned");
}

async fn cli_n09_editing_product_types(t: &Ctx) {
    let s = Served::admin(t).await;
    let numbers = t.owned(2, ProductType::BusinessCalling).await;
    let changed = s
        .run(
            &[
                "numbers",
                "product-type",
                "--to",
                "voice-connector",
                &numbers[0],
                &numbers[1],
                "--json",
            ],
            &[],
        )
        .await
        .ok()
        .json();
    assert!(
        changed
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["product_type"] == "VoiceConnector"),
        "{changed}"
    );
    for n in &numbers {
        let d = t.bo.number_details(ACCOUNT, n).await.unwrap();
        assert_eq!(d.summary.product_type, ProductType::VoiceConnector);
    }
}

async fn cli_n10_deleting_numbers_queues_them_for_seven_days(t: &Ctx) {
    let s = Served::admin(t).await;
    let n = t.owned(1, ProductType::BusinessCalling).await.remove(0);
    let r = s
        .run(&["numbers", "delete", &n, "--json"], &[])
        .await
        .ok()
        .json();
    assert_eq!(r[0]["status"], "DeleteInProgress", "{r}");
    let purge = r[0]["purge_at_ms"].as_i64().unwrap();
    assert_eq!(purge - crate::harness::T0.as_millis(), 7 * 24 * 3600 * 1000);
    let queue = s.run(&["numbers", "deletion-queue"], &[]).await.ok().stdout;
    assert!(
        queue.contains(&n) && queue.contains("2026-11-09 09:00 UTC"),
        "{queue}"
    );
}

async fn cli_n10_restoring_deleted_numbers_moves_them_back_to_the_inventory(t: &Ctx) {
    let s = Served::admin(t).await;
    let n = t.owned(1, ProductType::BusinessCalling).await.remove(0);
    s.run(&["numbers", "delete", &n], &[]).await.ok();
    let r = s
        .run(&["numbers", "restore", &n, "--json"], &[])
        .await
        .ok()
        .json();
    assert_eq!(numbers_of(&r), vec![(n.clone(), "Unassigned".to_owned())]);
    let queue = s
        .run(&["numbers", "deletion-queue", "--json"], &[])
        .await
        .ok()
        .json();
    assert_eq!(queue, serde_json::json!([]));
}

async fn cli_a02_an_invalid_e164_is_refused_naming_field_and_rule_and_changes_nothing(t: &Ctx) {
    let s = Served::admin(t).await;
    let r = s.run(&["numbers", "order", "2065550100"], &[]).await;
    assert_eq!(r.code, 1, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(
        r.stderr.starts_with("error: ")
            && r.stderr.contains("field `numbers`")
            && r.stderr.contains("rule N4")
            && r.stderr.contains("HTTP 422 invalid"),
        "{}",
        r.stderr
    );
    assert!(t.bo.orders(ACCOUNT).await.unwrap().is_empty());
    assert!(t.bo.inventory(ACCOUNT).await.unwrap().is_empty());
    assert!(t.bo.pending_numbers(ACCOUNT).await.unwrap().is_empty());
}

async fn cli_a01_without_sign_in_or_with_a_lesser_role_the_cli_refuses_clearly(t: &Ctx) {
    let s = Served::start(t).await;
    let r = s.run(&["numbers", "list"], &[]).await;
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("not signed in"), "{}", r.stderr);

    let r = s
        .run(
            &["login", "--username", "nobody"],
            &[("BACKOFFICE_PASSWORD", PASSWORD)],
        )
        .await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("HTTP 401"), "{}", r.stderr);

    t.bo.create_user(ACCOUNT, "agnes", PASSWORD, Role::Agent)
        .await
        .unwrap();
    let session = t.bo.sign_in("agnes", PASSWORD).await.unwrap();
    let r = s
        .run(
            &["numbers", "list"],
            &[("BACKOFFICE_TOKEN", &session.token)],
        )
        .await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("HTTP 403 forbidden") && r.stderr.contains("rule A1"),
        "{}",
        r.stderr
    );
    let who = s
        .run(&["whoami"], &[("BACKOFFICE_TOKEN", &session.token)])
        .await
        .ok();
    assert!(
        who.stdout.contains("agnes") && who.stdout.contains("Agent"),
        "{}",
        who.stdout
    );
}
