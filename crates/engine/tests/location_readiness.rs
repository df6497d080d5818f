//! The network's country check through the engine (E9), with a real HTTP geolocation
//! service on loopback and sipp as the emergency call's far end: the indicator shows the
//! result before any call, `warn` lets 911 out, `refuse` says why, and a service that
//! never answers does not hold the INVITE back (E2).

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::{config_for, engine_with, wait_view, Sipp};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wire::{CountryStatus, ErrorCode};

/// An HTTP service that answers every request with `body` after `delay`.
async fn geolocation_service(body: &'static str, delay: Duration) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 2048];
                let _ = stream.read(&mut buf).await;
                tokio::time::sleep(delay).await;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    addr
}

#[tokio::test]
async fn e9_outside_the_us_is_shown_before_dialling_and_warn_lets_911_out() {
    let geo = geolocation_service(r#"{"country_code":"CA"}"#, Duration::ZERO).await;
    let mut sipp = Sipp::serve("emergency_911.xml").await;
    let (engine, _dir) = engine_with(&with_policy(sipp.addr, "warn", geo, 3000));
    let view = wait_view(&engine, "the indicator shows Canada", |v| {
        v.readiness.country_status == CountryStatus::Outside
    })
    .await;
    let r = &view.readiness;
    assert!(!r.ready && !r.calls_refused);
    assert_eq!(r.country.as_deref(), Some("CA"));
    assert!(
        r.problems
            .iter()
            .any(|p| p.contains("in CA, outside the US")),
        "{:?}",
        r.problems
    );

    // `warn`: the call goes out all the same, as the emergency scenario expects it.
    let id = engine.dial("911").expect("911 under warn");
    wait_view(&engine, "the emergency call is connected", |v| {
        v.calls
            .iter()
            .any(|c| c.id == id && c.state == wire::CallState::Connected)
    })
    .await;
    engine.hang_up(id).expect("hang up");
    sipp.assert_passed().await;
}

#[tokio::test]
async fn e9_refuse_turns_911_away_with_the_reason_when_the_service_places_the_network_outside() {
    let geo = geolocation_service("MX", Duration::ZERO).await;
    let proxy = common::free_sip_addr();
    let (engine, _dir) = engine_with(&with_policy(proxy, "refuse", geo, 3000));
    let view = wait_view(&engine, "the indicator shows Mexico", |v| {
        v.readiness.country_status == CountryStatus::Outside
    })
    .await;
    assert!(view.readiness.calls_refused);
    assert!(
        view.readiness
            .problems
            .iter()
            .any(|p| p.contains("use a local phone")),
        "{:?}",
        view.readiness.problems
    );
    let refused = engine.dial("911").expect_err("refused under refuse");
    assert_eq!(refused.code, ErrorCode::NotAllowed);
    assert!(refused.message.contains("MX"), "{}", refused.message);
    assert!(
        engine.view().calls.is_empty(),
        "a refused dial leaves no call"
    );
}

#[tokio::test]
async fn e9_us_passes_the_country_check() {
    let geo = geolocation_service(r#"{"country":"US"}"#, Duration::ZERO).await;
    let proxy = common::free_sip_addr();
    let (engine, _dir) = engine_with(&with_policy(proxy, "refuse", geo, 3000));
    let view = wait_view(&engine, "the indicator is ready", |v| v.readiness.ready).await;
    assert_eq!(view.readiness.country_status, CountryStatus::UsOrPuertoRico);
    assert!(
        view.readiness.problems.is_empty(),
        "{:?}",
        view.readiness.problems
    );
}

#[tokio::test]
async fn e2_a_geolocation_service_that_never_answers_does_not_hold_back_the_911_invite() {
    // Answers after a minute; its budget is 10 s. The dial comes first.
    let geo = geolocation_service(r#"{"country_code":"US"}"#, Duration::from_secs(60)).await;
    let mut sipp = Sipp::serve("emergency_911.xml").await;
    let (engine, _dir) = engine_with(&with_policy(sipp.addr, "refuse", geo, 10_000));
    let id = engine
        .dial("911")
        .expect("911 while the country is being checked");
    let view = wait_view(&engine, "the emergency call is connected", |v| {
        v.calls
            .iter()
            .any(|c| c.id == id && c.state == wire::CallState::Connected)
    })
    .await;
    // The check is still out: unknown, never a refusal.
    assert_eq!(view.readiness.country_status, CountryStatus::Unknown);
    engine.hang_up(id).expect("hang up");
    sipp.assert_passed().await;
}

/// [`config_for`] with `location_policy` and `[emergency.geolocation]` added.
fn with_policy(proxy: SocketAddr, policy: &str, geo: SocketAddr, timeout_ms: u64) -> String {
    let base = config_for(proxy, "");
    let base = base.replace(
        "[emergency]\n",
        &format!("[emergency]\nlocation_policy = \"{policy}\"\n"),
    );
    format!("{base}\n[emergency.geolocation]\nurl = \"http://{geo}/country\"\ntimeout_ms = {timeout_ms}\n")
}

fn home() -> wire::DispatchableAddress {
    wire::DispatchableAddress {
        number: "12".into(),
        street: "Elm Ave".into(),
        city: "Tacoma".into(),
        state: "WA".into(),
        zip: "98402".into(),
        floor: None,
        room: Some("2B".into()),
        country: "US".into(),
    }
}

#[tokio::test]
async fn e9_e10_a_remote_agent_confirms_the_address_at_sign_in_and_911_carries_that_one() {
    let mut sipp = Sipp::serve("emergency_911_confirmed_home.xml").await;
    let config = config_for(sipp.addr, "").replace(
        "[emergency]\n",
        "[emergency]\nconfirm_location_at_sign_in = true\n",
    );
    let (engine, dir) = engine_with(&config);
    let view = engine.view();
    assert!(view.location.needs_confirmation && !view.location.confirmed);
    assert!(!view.readiness.location_confirmed);
    // Prefilled with the site's address, for the agent to confirm or correct.
    assert_eq!(
        view.location.address.as_ref().map(|a| a.city.as_str()),
        Some("Seattle")
    );

    // A wrong ZIP is refused beside its field and changes nothing.
    let mut bad = home();
    bad.zip = "984".into();
    let err = engine
        .confirm_location(&bad)
        .expect_err("a three-digit ZIP");
    assert_eq!(err.field.as_deref(), Some("zip"));
    assert!(engine.view().location.needs_confirmation);

    let view = engine
        .confirm_location(&home())
        .expect("confirm the home address");
    assert!(view.location.confirmed && !view.location.needs_confirmation);
    assert!(view.readiness.location_confirmed);

    // The emergency INVITE carries the confirmed address (sipp checks the PIDF-LO).
    let id = engine.dial("911").expect("dial 911");
    let view = wait_view(&engine, "the emergency call is connected", |v| {
        v.calls
            .iter()
            .any(|c| c.id == id && c.state == wire::CallState::Connected)
    })
    .await;
    let panel = view.calls[0].panel.as_ref().expect("panel");
    assert_eq!(
        panel.location.as_deref(),
        Some("12 Elm Ave, room 2B, Tacoma, WA 98402, US")
    );
    engine.hang_up(id).expect("hang up");
    sipp.assert_passed().await;
    drop(engine);

    // The next sign-in asks again, starting from what the agent confirmed last.
    let again = engine::Engine::start(
        engine::EngineOptions::new(dir.path()),
        tokio::runtime::Handle::current(),
    );
    let view = again.view();
    assert!(view.location.needs_confirmation);
    assert_eq!(view.location.address, Some(home()));
}
