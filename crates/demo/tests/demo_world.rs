//! Demo mode's site, for real on loopback: our own user agent (what the app's engine
//! uses) registers on the demo edge with the seeded account, places a 933 test call
//! that the built-in provider answers and records (E12, E5, E10), and is called back
//! by the provider through the edge (E6). A restart on the same folder seeds nothing
//! twice.

use std::time::Duration;

use demo::{DemoAccount, DemoWorld, TEST_ROUTING_NUMBER};
use sip_ua::{
    Account, Call, CallEvent, CivicAddress, CivicField, Credentials, Identity, InviteExtras,
    LocationByValue, RegistrationEvent, UaConfig, UaEvent, UaEvents, UserAgent,
};

const SDP_OFFER: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n\
t=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
const WAIT: Duration = Duration::from_secs(10);

/// The demo agent, registered on the demo edge.
async fn agent(account: &DemoAccount) -> (UserAgent, UaEvents) {
    let credentials = Credentials {
        username: account.user.clone(),
        password: account.password.clone(),
    };
    let mut config = UaConfig::udp(
        "127.0.0.1:0".parse().expect("address"),
        Identity {
            user: account.user.clone(),
            domain: account.realm.clone(),
            display_name: None,
        },
    );
    config.credentials = Some(credentials.clone());
    config.outbound_proxy = Some(account.edge);
    let (ua, mut events) = UserAgent::start(config).await.expect("UA starts");
    ua.register(Account::new(
        &format!("sip:{}", account.edge),
        credentials,
        300,
    ))
    .expect("register");
    let registered = tokio::time::timeout(WAIT, async {
        loop {
            match events.next().await {
                Some(UaEvent::Registration(RegistrationEvent::Registered { .. })) => return,
                Some(UaEvent::Registration(other)) => panic!("registration: {other:?}"),
                Some(_) => {}
                None => panic!("the UA stopped"),
            }
        }
    })
    .await;
    assert!(registered.is_ok(), "registered on the demo edge in time");
    (ua, events)
}

/// The call's events up to its answer; the callback the edge presented, if it said.
async fn answered(call: &mut Call) -> Option<String> {
    let mut presented = None;
    tokio::time::timeout(WAIT, async {
        loop {
            match call.next_event().await {
                Some(CallEvent::CallbackPresented { number }) => presented = Some(number),
                Some(CallEvent::Answered { .. }) => return,
                Some(CallEvent::Failed { reason }) => panic!("the call failed: {reason:?}"),
                Some(_) => {}
                None => panic!("the call ended unanswered"),
            }
        }
    })
    .await
    .expect("answered in time");
    presented
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e12_a_933_test_call_in_demo_mode_is_answered_and_the_center_got_the_lease_and_location() {
    let dir = tempfile::tempdir().expect("dir");
    let world = DemoWorld::start(dir.path())
        .await
        .expect("demo mode starts");
    let (ua, mut events) = agent(&world.account).await;
    let location = LocationByValue {
        address: CivicAddress::new("US")
            .with(CivicField::A1, "WA")
            .with(CivicField::A3, "Seattle")
            .with(CivicField::Rd, "Pine St")
            .with(CivicField::Hno, "400"),
        method: "Manual".to_owned(),
        timestamp: "2026-11-22T09:00:00Z".to_owned(),
    };
    let extras = InviteExtras::emergency(Some(world.account.agent_number.clone()), Some(location));
    let mut call = ua
        .invite(
            &format!("sip:933@{}", world.account.edge),
            SDP_OFFER,
            extras,
        )
        .await
        .expect("INVITE sent");
    let presented = answered(&mut call).await;
    assert_eq!(
        presented.as_deref(),
        Some(world.account.pool_number.as_str())
    );

    let records = world.provider.records();
    assert_eq!(records.len(), 1, "{records:?}");
    let got = &records[0];
    assert!(got.test, "933 goes to the test routing number");
    assert_eq!(got.routing_number, TEST_ROUTING_NUMBER);
    assert_eq!(
        got.callback, world.account.pool_number,
        "E5: the leased number"
    );
    assert_eq!(
        got.asserted.as_deref(),
        Some(world.account.pool_number.as_str())
    );
    assert_eq!(got.priority.as_deref(), Some("emergency"));
    let pidf = got.location.as_deref().unwrap_or_default();
    assert!(pidf.contains("<ca:A3>Seattle</ca:A3>"), "E10: {pidf}");
    call.bye().await.expect("BYE");

    // E6: the provider calls the callback number back; the edge routes it to the
    // agent who holds the lease, marked as the emergency callback.
    world
        .provider
        .call_back(&world.account.pool_number)
        .await
        .expect("callback sent");
    let incoming = tokio::time::timeout(WAIT, async {
        loop {
            match events.next().await {
                Some(UaEvent::Incoming(incoming)) => return incoming,
                Some(_) => {}
                None => panic!("the UA stopped"),
            }
        }
    })
    .await
    .expect("the callback reached the agent");
    assert_eq!(
        incoming.called_party.as_deref(),
        Some(world.account.pool_number.as_str())
    );
    assert_eq!(incoming.priority.as_deref(), Some("emergency"));
    assert_eq!(incoming.caller, demo::CENTER_NUMBER);
    incoming.call.reject(486).expect("declined");
    ua.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_on_the_same_folder_keeps_the_demo_account_and_seeds_nothing_twice() {
    let dir = tempfile::tempdir().expect("dir");
    let first = DemoWorld::start(dir.path()).await.expect("first start");
    let account = first.account.clone();
    drop(first);
    let second = DemoWorld::start(dir.path()).await.expect("second start");
    assert_eq!(second.account.password, account.password);
    assert_eq!(second.account.agent_number, account.agent_number);
    assert_eq!(second.account.pool_number, account.pool_number);
    assert_eq!(second.numbers().await.expect("inventory").len(), 2);
    assert_eq!(
        (
            &second.account.supervisor,
            &second.account.supervisor_password
        ),
        (&account.supervisor, &account.supervisor_password),
        "the demo supervisor is kept too"
    );
    // The kept password still registers on the new edge.
    let (ua, _events) = agent(&second.account).await;
    ua.shutdown();
}

/// The app's Supervisor panel works in demo mode: the demo supervisor signs in at the
/// demo back office's API (A1: role Supervisor) and the live feed opens; the demo
/// agent's credentials are not a supervisor's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a01_the_demo_supervisor_signs_in_at_the_demo_back_office_and_follows_its_feed() {
    let dir = tempfile::tempdir().expect("dir");
    let world = DemoWorld::start(dir.path()).await.expect("demo starts");
    let url = world.backoffice_url();
    assert!(url.starts_with("http://127.0.0.1:"), "loopback only: {url}");
    let desk = supervisor::Desk::new(Some(url.clone()), std::sync::Arc::new(|_| {}));
    let a = &world.account;
    let view = desk
        .sign_in(&url, &a.supervisor, &a.supervisor_password)
        .await
        .expect("the demo supervisor signs in");
    assert_eq!(view.role.as_deref(), Some("Supervisor"));
    let mut views = desk.subscribe();
    tokio::time::timeout(WAIT, async {
        while !desk.view().connected {
            let _ = views.recv().await;
        }
    })
    .await
    .expect("the demo feed opens");
    let e = desk.sign_in(&url, &a.user, &a.password).await.unwrap_err();
    assert_eq!(
        e.code,
        wire::ErrorCode::BadCredentials,
        "the SIP password is not a sign-in: {e:?}"
    );
}
