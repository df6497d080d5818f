//! What the SIP edge reads (issue 6): users' SIP digest HA1 (A1), a user's own number
//! (E5's first fallback), and who a number belongs to (N7, for inbound routing).

use backoffice::auth::Role;
use backoffice::numbers::{Assignee, ProductType};
use backoffice::{md5_ha1, Error};

use crate::connectors::trunk;
use crate::harness::{admin, backend_tests, Ctx, ACCOUNT};

backend_tests!(
    a01_sip_password_is_kept_only_as_its_md5_ha1_for_the_realm,
    n07_number_owner_names_the_user_or_the_voice_connector,
);

async fn a01_sip_password_is_kept_only_as_its_md5_ha1_for_the_realm(t: &Ctx) {
    let user =
        t.bo.create_user(ACCOUNT, "agent7", "sign-in-password-7", Role::Agent)
            .await
            .unwrap();
    assert_eq!(t.bo.sip_user("agent7").await.unwrap(), None, "none set yet");
    t.bo.set_sip_password(ACCOUNT, &user.id, "acme.example", "Sip-Secret-0001")
        .await
        .unwrap();
    let sip = t.bo.sip_user("agent7").await.unwrap().expect("set");
    assert_eq!(sip.user, user);
    assert_eq!(sip.realm, "acme.example");
    assert_eq!(
        sip.ha1_md5,
        md5_ha1("agent7", "acme.example", "Sip-Secret-0001")
    );
    // Replaced whole, never two.
    t.bo.set_sip_password(ACCOUNT, &user.id, "acme.example", "Sip-Secret-0002")
        .await
        .unwrap();
    let sip = t.bo.sip_user("agent7").await.unwrap().expect("set");
    assert_eq!(
        sip.ha1_md5,
        md5_ha1("agent7", "acme.example", "Sip-Secret-0002")
    );
    let err =
        t.bo.set_sip_password(ACCOUNT, &user.id, "acme.example", "short")
            .await
            .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Invalid {
                field: "sip_password",
                ..
            }
        ),
        "{err}"
    );
    let err =
        t.bo.set_sip_password(ACCOUNT, "usr-nobody", "acme.example", "Sip-Secret-0003")
            .await
            .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
}

async fn n07_number_owner_names_the_user_or_the_voice_connector(t: &Ctx) {
    let user =
        t.bo.create_user(ACCOUNT, "agent8", "sign-in-password-8", Role::Agent)
            .await
            .unwrap();
    let bc = t.owned(1, ProductType::BusinessCalling).await.remove(0);
    let vc = t.owned(1, ProductType::VoiceConnector).await.remove(0);
    assert_eq!(t.bo.number_owner(&bc).await.unwrap(), None, "unassigned");
    assert_eq!(t.bo.user_number(ACCOUNT, &user.id).await.unwrap(), None);
    t.bo.assign_to_user(ACCOUNT, &admin(), &bc, &user.id)
        .await
        .unwrap();
    let connector =
        t.bo.create_voice_connector(ACCOUNT, &trunk("main"))
            .await
            .unwrap();
    t.bo.assign_to_voice_connector(ACCOUNT, &admin(), &vc, &connector.id)
        .await
        .unwrap();
    let owner = t.bo.number_owner(&bc).await.unwrap().expect("assigned");
    assert_eq!(owner.account_id, ACCOUNT);
    assert_eq!(owner.assignee, Assignee::User(user.id.clone()));
    let owner = t.bo.number_owner(&vc).await.unwrap().expect("assigned");
    assert_eq!(owner.assignee, Assignee::VoiceConnector(connector.id));
    assert_eq!(t.bo.user_number(ACCOUNT, &user.id).await.unwrap(), Some(bc));
}
