//! V1 to V3: voice connectors, their emergency calling configuration, the callback pool.

use backoffice::connectors::{
    EmergencyConfig, Origination, Protocol, Route, Termination, VoiceConnectorSettings,
};
use backoffice::numbers::ProductType;
use backoffice::Error;

use crate::harness::{admin, backend_tests, Ctx, ACCOUNT};

backend_tests!(
    v01_voice_connector_keeps_termination_and_origination_settings,
    v01_bad_settings_are_refused_and_change_nothing,
    v02_emergency_calling_is_refused_unless_termination_and_origination_are_enabled,
    v02_emergency_routing_numbers_are_e164_us_and_dnis,
    v03_callback_pool_shows_size_and_free_count,
);

/// A connector with both directions enabled.
pub fn trunk(name: &str) -> VoiceConnectorSettings {
    VoiceConnectorSettings {
        name: name.into(),
        termination: Termination {
            enabled: true,
            allowed_networks: vec!["203.0.113.0/24".into()],
            calling_countries: vec!["US".into(), "CA".into()],
            default_caller: Some("+12065550100".into()),
            credentials: Vec::new(),
        },
        origination: Origination {
            enabled: true,
            routes: vec![
                Route {
                    host: "sbc1.example.net".into(),
                    port: 5061,
                    protocol: Protocol::TLS,
                    priority: 1,
                    weight: 50,
                },
                Route {
                    host: "198.51.100.7".into(),
                    port: 5060,
                    protocol: Protocol::UDP,
                    priority: 2,
                    weight: 10,
                },
            ],
        },
    }
}

fn terminating_only(name: &str) -> VoiceConnectorSettings {
    let mut s = trunk(name);
    s.origination = Origination::default();
    s
}

async fn v01_voice_connector_keeps_termination_and_origination_settings(t: &Ctx) {
    let created =
        t.bo.create_voice_connector(ACCOUNT, &trunk("Seattle SBC"))
            .await
            .unwrap();
    assert_eq!(created.settings, trunk("Seattle SBC"));
    assert_eq!(created.emergency, None);
    let mut changed = trunk("Seattle SBC");
    changed.termination.calling_countries = vec!["US".into()];
    changed.origination.routes.pop();
    let updated =
        t.bo.update_voice_connector(ACCOUNT, &created.id, &changed)
            .await
            .unwrap();
    assert_eq!(updated.settings, changed);
    // A restart (another instance) reads the same.
    let again = t
        .instance()
        .await
        .voice_connector(ACCOUNT, &created.id)
        .await
        .unwrap();
    assert_eq!(again, updated);
    let err =
        t.bo.create_voice_connector(ACCOUNT, &trunk("Seattle SBC"))
            .await
            .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Conflict {
                field: "name",
                rule: "V1",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(t.bo.voice_connectors(ACCOUNT).await.unwrap().len(), 1);
}

async fn v01_bad_settings_are_refused_and_change_nothing(t: &Ctx) {
    let vc =
        t.bo.create_voice_connector(ACCOUNT, &trunk("main"))
            .await
            .unwrap();
    type Edit = fn(&mut VoiceConnectorSettings);
    let cases: Vec<(Edit, &str)> = vec![
        (|s| s.name = " ".into(), "name"),
        (
            |s| s.termination.allowed_networks = vec!["203.0.113.0".into()],
            "allowed_networks",
        ),
        (
            |s| s.termination.allowed_networks.clear(),
            "allowed_networks",
        ),
        (
            |s| s.termination.calling_countries = vec!["usa".into()],
            "calling_countries",
        ),
        (
            |s| s.termination.default_caller = Some("2065550100".into()),
            "default_caller",
        ),
        (|s| s.origination.routes.clear(), "routes"),
        (|s| s.origination.routes[0].port = 0, "routes.port"),
        (
            |s| s.origination.routes[0].priority = 100,
            "routes.priority",
        ),
        (|s| s.origination.routes[0].weight = 0, "routes.weight"),
        (
            |s| s.origination.routes[0].host = "bad host".into(),
            "routes.host",
        ),
    ];
    for (edit, want) in cases {
        let mut s = trunk("main");
        edit(&mut s);
        match t.bo.update_voice_connector(ACCOUNT, &vc.id, &s).await {
            Err(Error::Invalid {
                field, rule: "V1", ..
            }) => assert_eq!(field, want),
            other => panic!("{want}: {other:?}"),
        }
        match t.bo.create_voice_connector(ACCOUNT, &s).await {
            Err(Error::Invalid {
                field, rule: "V1", ..
            }) => assert_eq!(field, want),
            other => panic!("{want}: {other:?}"),
        }
    }
    assert_eq!(t.bo.voice_connectors(ACCOUNT).await.unwrap(), vec![vc]);
}

async fn v02_emergency_calling_is_refused_unless_termination_and_origination_are_enabled(t: &Ctx) {
    let config = EmergencyConfig::us("+12065550911", Some("+12065550933"));
    let vc =
        t.bo.create_voice_connector(ACCOUNT, &terminating_only("term-only"))
            .await
            .unwrap();
    let err =
        t.bo.set_emergency_config(ACCOUNT, &vc.id, &config)
            .await
            .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Conflict {
                field: "origination.enabled",
                rule: "V2",
                ..
            }
        ),
        "{err}"
    );
    let mut s = trunk("orig-only");
    s.termination.enabled = false;
    let vc2 = t.bo.create_voice_connector(ACCOUNT, &s).await.unwrap();
    let err =
        t.bo.set_emergency_config(ACCOUNT, &vc2.id, &config)
            .await
            .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Conflict {
                field: "termination.enabled",
                rule: "V2",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        t.bo.voice_connector(ACCOUNT, &vc.id)
            .await
            .unwrap()
            .emergency,
        None
    );

    let full =
        t.bo.update_voice_connector(ACCOUNT, &vc.id, &trunk("term-only"))
            .await
            .unwrap();
    let set =
        t.bo.set_emergency_config(ACCOUNT, &full.id, &config)
            .await
            .unwrap();
    assert_eq!(set.emergency, Some(config.clone()));
    // Turning a direction off would break emergency routing: refused while configured.
    let err =
        t.bo.update_voice_connector(ACCOUNT, &vc.id, &terminating_only("term-only"))
            .await
            .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Conflict {
                field: "origination.enabled",
                rule: "V2",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(t.bo.voice_connector(ACCOUNT, &vc.id).await.unwrap(), set);
    t.bo.remove_emergency_config(ACCOUNT, &vc.id).await.unwrap();
    t.bo.update_voice_connector(ACCOUNT, &vc.id, &terminating_only("term-only"))
        .await
        .unwrap();
}

async fn v02_emergency_routing_numbers_are_e164_us_and_dnis(t: &Ctx) {
    let vc =
        t.bo.create_voice_connector(ACCOUNT, &trunk("main"))
            .await
            .unwrap();
    let good = EmergencyConfig::us("+12065550911", None);
    t.bo.set_emergency_config(ACCOUNT, &vc.id, &good)
        .await
        .unwrap();
    let mut bad_country = EmergencyConfig::us("+12065550911", None);
    bad_country.country = "CA".into();
    let mut bad_method = EmergencyConfig::us("+12065550911", None);
    bad_method.call_send_method = "SIP URI".into();
    let cases = [
        (EmergencyConfig::us("911", None), "emergency_routing_number"),
        (
            EmergencyConfig::us("+1206555091100000", None),
            "emergency_routing_number",
        ),
        (
            EmergencyConfig::us("+02065550911", None),
            "emergency_routing_number",
        ),
        (
            EmergencyConfig::us("+12065550911", Some("933")),
            "test_routing_number",
        ),
        (bad_country, "country"),
        (bad_method, "call_send_method"),
    ];
    for (config, want) in cases {
        match t.bo.set_emergency_config(ACCOUNT, &vc.id, &config).await {
            Err(e @ Error::Invalid { rule: "V2", .. }) => {
                assert!(
                    matches!(e, Error::Invalid { field, .. } if field == want),
                    "{e}"
                );
                assert!(
                    e.to_string().contains(want),
                    "the message names the field: {e}"
                );
            }
            other => panic!("{want}: {other:?}"),
        }
    }
    assert_eq!(
        t.bo.voice_connector(ACCOUNT, &vc.id)
            .await
            .unwrap()
            .emergency,
        Some(good),
        "unchanged"
    );
}

async fn v03_callback_pool_shows_size_and_free_count(t: &Ctx) {
    let empty = t.bo.callback_pool_status(ACCOUNT).await.unwrap();
    assert_eq!((empty.size, empty.free), (0, 0));
    assert!(empty.running_low, "no pool at all is a warning");
    let vc = t.owned(5, ProductType::VoiceConnector).await;
    let bc = t.owned(1, ProductType::BusinessCalling).await;
    let err =
        t.bo.add_to_callback_pool(ACCOUNT, &admin(), &[vc[0].clone(), bc[0].clone()])
            .await
            .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Invalid {
                field: "numbers",
                rule: "V3",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        t.bo.callback_pool_status(ACCOUNT).await.unwrap().size,
        0,
        "all or none"
    );

    let s =
        t.bo.add_to_callback_pool(ACCOUNT, &admin(), &vc)
            .await
            .unwrap();
    assert_eq!((s.size, s.leased, s.free, s.running_low), (5, 0, 5, false));
    let again =
        t.bo.add_to_callback_pool(ACCOUNT, &admin(), &vc[..1])
            .await
            .unwrap();
    assert_eq!(again, s, "adding a member again changes nothing");
    for agent in ["a1", "a2", "a3", "a4"] {
        t.bo.take_lease(ACCOUNT, agent).await.unwrap();
    }
    let s = t.bo.callback_pool_status(ACCOUNT).await.unwrap();
    assert_eq!((s.size, s.leased, s.free, s.running_low), (5, 4, 1, false));
    t.bo.take_lease(ACCOUNT, "a5").await.unwrap();
    let s = t.bo.callback_pool_status(ACCOUNT).await.unwrap();
    assert_eq!((s.free, s.running_low), (0, true));
}
