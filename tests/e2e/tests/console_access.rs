//! The console's access (A1, A2): sign-in with the API's error shown, role-aware
//! navigation, sign-out, and `/` leading to the console.

use system_tests::backoffice::{ADMIN, SUPERVISOR};
use system_tests::console::Console;

#[tokio::test]
async fn sign_in_shows_the_api_refusal_then_navigation_fits_the_role_a1() -> anyhow::Result<()> {
    let c = Console::start("console_sign_in").await?;
    let b = &c.browser;

    // `/` redirects to `/console/`.
    b.client.goto(&c.bo.base_url()).await?;
    b.testid("sign-in-form").await?;
    let url = b.client.current_url().await?;
    assert_eq!(url.path(), "/console/", "{url}");

    // A wrong password: the API's refusal, naming the rule, shown on the form.
    b.fill("sign-in-username", ADMIN).await?;
    b.fill("sign-in-password", "not the password at all")
        .await?;
    b.click("sign-in-submit").await?;
    let err = b.wait_text("sign-in-error", |t| !t.is_empty()).await?;
    assert!(err.contains("rule A1"), "{err}");
    c.step("wrong-password").await?;

    // The administrator sees every page.
    c.sign_in(ADMIN).await?;
    b.wait_attr("whoami", "data-role", "Administrator").await?;
    for page in [
        "live",
        "provision",
        "orders",
        "inventory",
        "deletion-queue",
        "porting",
        "connectors",
    ] {
        assert!(
            b.has_testid(&format!("nav-{page}")).await?,
            "administrator lacks {page}"
        );
    }
    // The session survives a reload (sessionStorage).
    b.client.refresh().await?;
    b.testid("console-ready").await?;

    b.click("sign-out").await?;
    b.wait_text("console-notice", |t| t.contains("signed out"))
        .await?;
    assert!(!b.has_testid("console-ready").await?);

    // A supervisor sees the live view only, even when asking for an admin page by URL.
    c.sign_in(SUPERVISOR).await?;
    b.wait_attr("whoami", "data-role", "Supervisor").await?;
    assert!(b.has_testid("nav-live").await?);
    assert!(!b.has_testid("nav-inventory").await?);
    b.client
        .goto(&format!("{}#/inventory", c.bo.console_url()))
        .await?;
    b.testid("page-live").await?;
    assert!(!b.has_testid("page-inventory").await?);
    c.step("supervisor").await?;
    c.close().await
}
