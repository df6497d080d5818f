//! The administrator procedures of the phone-number guide (seed 002), one test each,
//! driven in the web console: provision (search, order, orders and pending), port,
//! assign to a user, assign to a voice connector, unassign, view details, change the
//! product type, delete, restore. Setup the test is not about goes through the API.

use fantoccini::Locator;
use serde_json::json;
use system_tests::backoffice::ADMIN;
use system_tests::console::Console;

/// The e164s of the rows whose test id starts with `prefix`, in page order.
async fn listed(c: &Console, prefix: &str) -> anyhow::Result<Vec<String>> {
    let css = format!("[data-testid^=\"{prefix}\"]");
    let mut out = Vec::new();
    for el in c.browser.client.find_all(Locator::Css(&css)).await? {
        if let Some(id) = el.attr("data-testid").await? {
            out.push(id.trim_start_matches(prefix).to_owned());
        }
    }
    Ok(out)
}

async fn admin_console(name: &str) -> anyhow::Result<(Console, String)> {
    let c = Console::start(name).await?;
    let token = c.bo.token(ADMIN)?;
    c.sign_in(ADMIN).await?;
    Ok((c, token))
}

#[tokio::test]
async fn provision_searches_orders_and_lists_orders_and_pending_n3_n4() -> anyhow::Result<()> {
    let (c, _) = admin_console("console_provision").await?;
    let b = &c.browser;
    c.open("provision").await?;

    // A bad area code is refused next to its field, naming the rule.
    b.fill("search-area-code", "12").await?;
    b.click("search-submit").await?;
    let err = b
        .wait_text("search-error-area_code", |t| !t.is_empty())
        .await?;
    assert!(err.contains("area_code") && err.contains("N3"), "{err}");

    // City and state.
    b.fill("search-area-code", "").await?;
    b.fill("search-city", "San Francisco").await?;
    b.fill("search-state", "CA").await?;
    b.click("search-submit").await?;
    b.testid("search-results").await?;
    assert!(!b.has_testid("search-error-area_code").await?);
    let sf = listed(&c, "search-result-").await?;
    assert!(
        !sf.is_empty() && sf.iter().all(|n| n.starts_with("+1415")),
        "{sf:?}"
    );

    // Toll-free prefix.
    b.fill("search-city", "").await?;
    b.fill("search-state", "").await?;
    b.select("search-toll-free", "800").await?;
    b.click("search-submit").await?;
    b.wait_text("search-results", |t| t.contains("+1800"))
        .await?;
    let tf = listed(&c, "search-result-").await?;
    assert!(
        !tf.is_empty() && tf.iter().all(|n| n.starts_with("+1800")),
        "{tf:?}"
    );

    // Area code, then provision two as Voice Connector numbers.
    b.select("search-toll-free", "").await?;
    b.fill("search-area-code", "206").await?;
    b.click("search-submit").await?;
    b.wait_text("search-results", |t| t.contains("+1206"))
        .await?;
    let found = listed(&c, "search-result-").await?;
    let chosen = &found[..2];
    for n in chosen {
        b.click(&format!("search-select-{n}")).await?;
    }
    b.click("provision-type-VoiceConnector").await?;
    b.wait_text("provision-submit", |t| {
        t.contains("Provision 2 as Voice Connector")
    })
    .await?;
    c.step("selected").await?;
    b.click("provision-submit").await?;
    let order = b
        .testid("provision-done")
        .await?
        .attr("data-order")
        .await?
        .unwrap_or_default();
    assert!(!order.is_empty());

    // Orders and Pending, then the inventory.
    b.click("provision-to-orders").await?;
    b.testid("page-orders").await?;
    b.wait_attr(
        &format!("order-status-{order}"),
        "data-status",
        "Successful",
    )
    .await?;
    for n in chosen {
        b.wait_attr(&format!("order-number-{n}"), "data-status", "Successful")
            .await?;
    }
    b.testid("pending-empty").await?;
    c.step("orders").await?;
    c.open("inventory").await?;
    for n in chosen {
        b.wait_attr(
            &format!("inventory-status-{n}"),
            "data-status",
            "Unassigned",
        )
        .await?;
        b.wait_attr(
            &format!("inventory-type-{n}"),
            "data-type",
            "VoiceConnector",
        )
        .await?;
    }
    c.close().await
}

#[tokio::test]
async fn port_in_takes_a_letter_per_carrier_and_a_foc_date_n6() -> anyhow::Result<()> {
    let (c, _) = admin_console("console_porting").await?;
    let b = &c.browser;
    c.open("porting").await?;
    b.fill("port-numbers", "+12065550123, Old Telecom").await?;
    b.fill("port-loa-0-name", "Pat Example").await?;
    b.fill("port-loa-0-btn", "555").await?;
    b.fill("port-loa-0-address", "1 Main St, Seattle WA")
        .await?;
    b.click("port-submit").await?;
    // The letter's billing number is refused by the API, shown with the letters.
    let err = b.wait_text("port-error-loas", |t| !t.is_empty()).await?;
    assert!(
        err.contains("billing_telephone_number") && err.contains("N6"),
        "{err}"
    );

    // Without the account number the request waits for documents.
    b.fill("port-loa-0-btn", "+12065550123").await?;
    b.click("port-submit").await?;
    let created = b.testid("port-created").await?;
    let id = created.attr("data-id").await?.unwrap_or_default();
    b.wait_attr(
        &format!("port-state-{id}"),
        "data-state",
        "PendingDocuments",
    )
    .await?;
    let state = b.text(&format!("port-state-{id}")).await?;
    assert!(state.contains("account_number"), "{state}");

    // Completing the letter submits it.
    b.testid("port-detail").await?;
    b.fill("port-edit-loa-0-account", "ACCT-778").await?;
    b.click("port-edit-loa-0-save").await?;
    b.wait_attr(&format!("port-state-{id}"), "data-state", "Submitted")
        .await?;

    // The carrier gives a firm order commitment date (typed as the date field's segments).
    let foc = b.testid("port-foc-input").await?;
    // Chromium's year segment takes up to six digits, so move on with the right arrow.
    foc.send_keys("12312030\u{E014}0230PM").await?;
    c.step("foc-typed").await?;
    b.click("port-foc-submit").await?;
    b.wait_attr(
        &format!("port-state-{id}"),
        "data-state",
        "FirmOrderCommitment",
    )
    .await?;
    let when = b.text(&format!("port-foc-{id}")).await?;
    assert_eq!(when, "2030-12-31 14:30:00 UTC");
    c.step("foc").await?;
    c.close().await
}

#[tokio::test]
async fn assign_a_business_calling_number_to_a_user_n7() -> anyhow::Result<()> {
    let (c, token) = admin_console("console_assign_user").await?;
    let n =
        c.bo.provisioned(&token, "BusinessCalling", 1)
            .await?
            .remove(0);
    let b = &c.browser;
    c.open("inventory").await?;
    b.click(&format!("inventory-select-{n}")).await?;
    b.click("inventory-assign").await?;
    b.testid("assign-panel").await?;
    b.click("assign-submit").await?;
    // Empty user id: the browser's `required` stops it; nothing is sent.
    assert!(b.has_testid("assign-panel").await?);
    b.fill("assign-user", &c.bo.agent_id).await?;
    b.click("assign-submit").await?;
    b.wait_attr(&format!("inventory-status-{n}"), "data-status", "Assigned")
        .await?;
    let who = b.text(&format!("inventory-assignee-{n}")).await?;
    assert!(who.contains(&c.bo.agent_id), "{who}");
    c.close().await
}

#[tokio::test]
async fn assign_voice_connector_numbers_to_a_voice_connector_n7() -> anyhow::Result<()> {
    let (c, token) = admin_console("console_assign_connector").await?;
    let settings = json!({
        "name": "Main trunk",
        "termination": {"enabled": false, "default_caller": null},
        "origination": {"enabled": false}
    });
    let (s, vc) =
        c.bo.api("POST", "/voice-connectors", Some(&token), Some(&settings))?;
    assert_eq!(s, 201, "{vc}");
    let vc_id = vc["id"].as_str().unwrap_or_default().to_owned();
    let n =
        c.bo.provisioned(&token, "VoiceConnector", 1)
            .await?
            .remove(0);
    let b = &c.browser;
    c.open("inventory").await?;
    b.click(&format!("inventory-select-{n}")).await?;
    b.click("inventory-assign").await?;
    b.select("assign-connector", &vc_id).await?;
    b.click("assign-submit").await?;
    b.wait_attr(&format!("inventory-status-{n}"), "data-status", "Assigned")
        .await?;
    b.wait_text(&format!("inventory-assignee-{n}"), |t| {
        t == "Voice connector Main trunk"
    })
    .await?;
    c.close().await
}

#[tokio::test]
async fn unassign_returns_a_number_to_unassigned_after_confirmation_n7() -> anyhow::Result<()> {
    let (c, token) = admin_console("console_unassign").await?;
    let n =
        c.bo.provisioned(&token, "BusinessCalling", 1)
            .await?
            .remove(0);
    let (s, v) = c.bo.api(
        "POST",
        &format!("/numbers/{}/assign", n.replace('+', "%2B")),
        Some(&token),
        Some(&json!({"user_id": c.bo.agent_id})),
    )?;
    assert_eq!(s, 200, "{v}");
    let b = &c.browser;
    c.open("inventory").await?;
    b.wait_attr(&format!("inventory-status-{n}"), "data-status", "Assigned")
        .await?;
    b.click(&format!("inventory-select-{n}")).await?;
    b.click("inventory-unassign").await?;
    let submit = b.testid("unassign-submit").await?;
    assert!(
        !submit.is_enabled().await?,
        "unassign before the check box is ticked"
    );
    b.click("unassign-confirm").await?;
    b.click("unassign-submit").await?;
    b.wait_attr(
        &format!("inventory-status-{n}"),
        "data-status",
        "Unassigned",
    )
    .await?;
    b.wait_text("inventory-message", |t| t.contains("unassigned"))
        .await?;
    assert_eq!(b.text(&format!("inventory-assignee-{n}")).await?, "—");
    c.close().await
}

#[tokio::test]
async fn inventory_details_show_assignee_permissions_and_history_n8() -> anyhow::Result<()> {
    let (c, token) = admin_console("console_details").await?;
    let numbers = c.bo.provisioned(&token, "BusinessCalling", 3).await?;
    let n = &numbers[0];
    let (s, v) = c.bo.api(
        "POST",
        &format!("/numbers/{}/assign", n.replace('+', "%2B")),
        Some(&token),
        Some(&json!({"user_id": c.bo.agent_id})),
    )?;
    assert_eq!(s, 200, "{v}");
    let b = &c.browser;
    c.open("inventory").await?;
    b.wait_attr(&format!("inventory-status-{n}"), "data-status", "Assigned")
        .await?;
    b.click(&format!("inventory-select-{n}")).await?;
    b.click("inventory-view-details").await?;
    b.wait_text("details-status", |t| t == "Assigned").await?;
    assert_eq!(b.text("details-product-type").await?, "Business Calling");
    assert!(b.text("details-assignee").await?.contains(&c.bo.agent_id));
    let calling = b.text("details-calling").await?;
    let sms = b.text("details-sms").await?;
    assert!(
        ["Enabled", "Not enabled"].contains(&calling.as_str()),
        "{calling}"
    );
    assert!(["Enabled", "Not enabled"].contains(&sms.as_str()), "{sms}");
    assert_eq!(b.text("details-callback-pool").await?, "Not a member");
    let history = b.text("details-history").await?;
    assert!(
        history.contains("→ Unassigned") && history.contains("→ Assigned"),
        "{history}"
    );
    assert!(history.contains(&format!("user:{ADMIN}")), "{history}");
    c.browser.doc_screenshot("console-inventory").await?;
    c.close().await
}

#[tokio::test]
async fn product_type_switches_only_unassigned_numbers_n9() -> anyhow::Result<()> {
    let (c, token) = admin_console("console_product_type").await?;
    let numbers = c.bo.provisioned(&token, "BusinessCalling", 3).await?;
    let assigned = &numbers[2];
    let (s, v) = c.bo.api(
        "POST",
        &format!("/numbers/{}/assign", assigned.replace('+', "%2B")),
        Some(&token),
        Some(&json!({"user_id": c.bo.agent_id})),
    )?;
    assert_eq!(s, 200, "{v}");
    let b = &c.browser;
    c.open("inventory").await?;
    b.wait_attr(
        &format!("inventory-status-{assigned}"),
        "data-status",
        "Assigned",
    )
    .await?;
    for n in &numbers[..2] {
        b.click(&format!("inventory-select-{n}")).await?;
    }
    b.select("inventory-product-type", "VoiceConnector").await?;
    b.click("inventory-product-type-save").await?;
    for n in &numbers[..2] {
        b.wait_attr(
            &format!("inventory-type-{n}"),
            "data-type",
            "VoiceConnector",
        )
        .await?;
    }
    // An assigned number cannot change type; the refusal says why and nothing changes.
    b.click(&format!("inventory-select-{assigned}")).await?;
    b.select("inventory-product-type", "VoiceConnector").await?;
    b.click("inventory-product-type-save").await?;
    let err = b.wait_text("product-type-error", |t| !t.is_empty()).await?;
    assert!(err.contains("N9"), "{err}");
    b.wait_attr(
        &format!("inventory-type-{assigned}"),
        "data-type",
        "BusinessCalling",
    )
    .await?;
    c.close().await
}

#[tokio::test]
async fn delete_moves_unassigned_numbers_to_the_deletion_queue_n10() -> anyhow::Result<()> {
    let (c, token) = admin_console("console_delete").await?;
    let numbers = c.bo.provisioned(&token, "BusinessCalling", 2).await?;
    let b = &c.browser;
    c.open("inventory").await?;
    for n in &numbers {
        b.click(&format!("inventory-select-{n}")).await?;
    }
    b.click("inventory-delete").await?;
    b.click("delete-confirm").await?;
    b.click("delete-submit").await?;
    b.wait_text("inventory-message", |t| t.contains("deletion queue"))
        .await?;
    for n in &numbers {
        b.gone(&format!("inventory-row-{n}")).await?;
    }
    c.open("deletion-queue").await?;
    for n in &numbers {
        let purge = b.text(&format!("queue-purge-{n}")).await?;
        assert!(purge.ends_with("UTC"), "{purge}");
    }
    c.step("queue").await?;
    c.close().await
}

#[tokio::test]
async fn restore_moves_deleted_numbers_back_to_the_inventory_n10() -> anyhow::Result<()> {
    let (c, token) = admin_console("console_restore").await?;
    let numbers = c.bo.provisioned(&token, "VoiceConnector", 1).await?;
    let (s, v) = c.bo.api(
        "POST",
        "/deletion-queue",
        Some(&token),
        Some(&json!({"numbers": numbers})),
    )?;
    assert_eq!(s, 200, "{v}");
    let n = &numbers[0];
    let b = &c.browser;
    c.open("deletion-queue").await?;
    b.click(&format!("queue-select-{n}")).await?;
    b.click("queue-restore").await?;
    b.wait_text("queue-message", |t| t.contains("back to the inventory"))
        .await?;
    b.testid("queue-empty").await?;
    c.open("inventory").await?;
    b.wait_attr(
        &format!("inventory-status-{n}"),
        "data-status",
        "Unassigned",
    )
    .await?;
    b.wait_attr(
        &format!("inventory-type-{n}"),
        "data-type",
        "VoiceConnector",
    )
    .await?;
    c.close().await
}
