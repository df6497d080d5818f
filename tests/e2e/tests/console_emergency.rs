//! Seed 000 in the console: emergency call routing numbers of a voice connector (V2,
//! E12), refused until termination and origination are on, validated as E.164.

use system_tests::backoffice::ADMIN;
use system_tests::console::Console;

#[tokio::test]
async fn emergency_routing_numbers_need_termination_origination_and_e164_v2() -> anyhow::Result<()>
{
    let c = Console::start("console_emergency").await?;
    c.sign_in(ADMIN).await?;
    let b = &c.browser;
    c.open("connectors").await?;

    // A connector with neither direction enabled.
    b.click("connector-new").await?;
    b.fill("connector-name", "Main trunk").await?;
    b.click("connector-save").await?;
    let id = b
        .testid("connector-message")
        .await?
        .attr("data-id")
        .await?
        .unwrap_or_default();
    assert!(!id.is_empty());
    b.testid("emergency-none").await?;

    // Emergency settings are refused: termination first (the API names it).
    b.fill("emergency-routing-number", "+12065550100").await?;
    b.fill("emergency-test-number", "+12065550101").await?;
    b.click("emergency-save").await?;
    let err = b
        .wait_text("emergency-error-termination-enabled", |t| !t.is_empty())
        .await?;
    assert!(
        err.contains("enable termination") && err.contains("V2"),
        "{err}"
    );
    c.step("refused").await?;

    // Enabling termination without a network is refused next to that field.
    b.click("connector-termination-enabled").await?;
    b.click("connector-save").await?;
    let err = b
        .wait_text("connector-error-allowed_networks", |t| !t.is_empty())
        .await?;
    assert!(err.contains("V1"), "{err}");
    b.fill("connector-allowed-networks", "203.0.113.0/24")
        .await?;
    b.click("connector-origination-enabled").await?;
    b.click("route-add").await?;
    b.fill("route-0-host", "sip.example.com").await?;
    b.select("route-0-protocol", "TLS").await?;
    b.fill("route-0-port", "5061").await?;
    b.click("connector-save").await?;
    b.wait_text("connector-message", |t| t.contains("saved"))
        .await?;

    // A routing number that is not E.164 is refused next to its field.
    b.fill("emergency-routing-number", "911").await?;
    b.click("emergency-save").await?;
    let err = b
        .wait_text("emergency-error-emergency_routing_number", |t| {
            !t.is_empty()
        })
        .await?;
    assert!(
        err.contains("emergency_routing_number") && err.contains("V2"),
        "{err}"
    );

    b.fill("emergency-routing-number", "+12065550100").await?;
    b.click("emergency-save").await?;
    b.wait_text("emergency-message", |t| {
        t.contains("Emergency calling is set")
    })
    .await?;
    let current = b.text("emergency-current").await?;
    assert!(
        current.contains("+12065550100")
            && current.contains("+12065550101")
            && current.contains("DNIS"),
        "{current}"
    );
    b.wait_text(&format!("connector-emergency-{id}"), |t| {
        t == "+12065550100"
    })
    .await?;
    assert!(
        !b.has_testid("emergency-error-emergency_routing_number")
            .await?
    );
    b.doc_screenshot("console-emergency").await?;
    c.close().await
}
