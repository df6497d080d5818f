//! A1 for the app's Supervisor view: signing in against the real back office, served
//! in-process on a loopback port over a fresh SQLite database.

use std::sync::Arc;

use backoffice::auth::Role;
use backoffice::{Backoffice, BuiltinSupplier, ManualClock, Store, Timestamp};
use supervisor::{sign_in, SignInError};

const PASSWORD: &str = "correct horse battery staple";

async fn serve(dir: &tempfile::TempDir) -> String {
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("bo.db").display());
    let store = Store::connect(&url).await.expect("store");
    let clock = ManualClock::new(Timestamp::from_millis(1_793_610_000_000));
    let bo = Backoffice::new(store, Arc::new(clock), Arc::new(BuiltinSupplier::new()));
    bo.create_account("acme", "Acme").await.expect("account");
    for (name, role) in [("sam", Role::Supervisor), ("agnes", Role::Agent)] {
        bo.create_user("acme", name, PASSWORD, role)
            .await
            .expect("user");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("port");
    let addr = listener.local_addr().expect("address");
    let app = backoffice::api::router(bo);
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serves") });
    format!("http://{addr}")
}

#[tokio::test]
async fn a01_a_supervisor_signs_in_an_agent_is_refused_clearly() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = serve(&dir).await;

    let s = sign_in(&url, "sam", PASSWORD)
        .await
        .expect("supervisor signs in");
    assert_eq!(
        (s.role.as_str(), s.username.as_str()),
        ("Supervisor", "sam")
    );
    assert!(!s.token.is_empty());

    let e = sign_in(&url, "agnes", PASSWORD).await.unwrap_err();
    assert!(matches!(e, SignInError::WrongRole { .. }), "{e:?}");
    assert!(e.to_string().contains("needs the supervisor"), "{e}");

    let e = sign_in(&url, "sam", "wrong").await.unwrap_err();
    assert!(matches!(e, SignInError::Refused { status: 401 }), "{e:?}");
}
