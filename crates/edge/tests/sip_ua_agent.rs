//! Our own user agent (`sip-ua`, what the engine uses) in front of the edge: it
//! registers (MD5 digest), places the emergency INVITE of E10 (answering the edge's
//! 407), and the carrier receives it routed (E12) with the leased callback (E5) and
//! the UA's own PIDF-LO.

mod common;

use std::time::Duration;

use common::{free_udp_port, re, Sipp, World, AGENT, ROUTING_NUMBER, SIP_PASSWORD};
use sip_ua::{
    Account, CallEvent, CivicAddress, CivicField, Credentials, EndedBy, Identity, InviteExtras,
    LocationByValue, RegistrationEvent, UaConfig, UaEvent, UserAgent,
};

const SDP_OFFER: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n\
t=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn e12_sip_ua_911_through_the_edge_reaches_the_routing_number_with_the_lease() {
    let world = World::seed(free_udp_port()).await;
    let mut carrier = Sipp::start(
        "carrier_expects_sip_ua_911.xml",
        free_udp_port(),
        &[
            ("ROUTING", re(ROUTING_NUMBER)),
            ("CALLBACK", re(&world.pool_number)),
        ],
        &[],
    )
    .await;
    let edge = world.edge(carrier.addr, Vec::new()).await;
    let edge_addr = edge.local_addr();
    let credentials = Credentials {
        username: AGENT.to_owned(),
        password: SIP_PASSWORD.to_owned(),
    };
    let mut config = UaConfig::udp(
        "127.0.0.1:0".parse().expect("address"),
        Identity {
            user: AGENT.to_owned(),
            domain: edge_addr.ip().to_string(),
            display_name: None,
        },
    );
    config.credentials = Some(credentials.clone());
    config.outbound_proxy = Some(edge_addr);
    let (ua, mut events) = UserAgent::start(config).await.expect("UA starts");
    ua.register(Account::new(&format!("sip:{edge_addr}"), credentials, 300))
        .expect("register");
    let registered = tokio::time::timeout(WAIT, async {
        loop {
            match events.next().await {
                Some(UaEvent::Registration(RegistrationEvent::Registered { .. })) => break true,
                Some(UaEvent::Registration(other)) => panic!("registration: {other:?}"),
                Some(_) => {}
                None => break false,
            }
        }
    })
    .await;
    assert_eq!(registered, Ok(true));
    assert_eq!(edge.contacts(&world.agent_id).len(), 1);

    // The UA puts the agent's own number as its callback (what the engine knows at
    // dial time without a lease); the edge presents the lease instead.
    let location = LocationByValue {
        address: CivicAddress::new("US")
            .with(CivicField::A1, "WA")
            .with(CivicField::A3, "Seattle")
            .with(CivicField::Rd, "Pine")
            .with(CivicField::Hno, "400"),
        method: "Manual".to_owned(),
        timestamp: "2026-11-02T09:00:00Z".to_owned(),
    };
    let extras = InviteExtras::emergency(Some(world.agent_number.clone()), Some(location));
    let mut call = ua
        .invite(&format!("sip:911@{edge_addr}"), SDP_OFFER, extras)
        .await
        .expect("INVITE sent");
    let mut presented = None;
    let answered = tokio::time::timeout(WAIT, async {
        loop {
            match call.next_event().await {
                Some(CallEvent::CallbackPresented { number }) => presented = Some(number),
                Some(CallEvent::Answered { sdp }) => break sdp,
                Some(CallEvent::Failed { .. }) | Some(CallEvent::Ended { .. }) | None => {
                    panic!("the call did not connect:\n{}", carrier.diagnostics())
                }
                Some(_) => {}
            }
        }
    })
    .await
    .expect("answered in time");
    assert!(
        answered.contains("m=audio 41000"),
        "the carrier's SDP, passed through"
    );
    // E5: the edge tells the agent which callback number the center was given.
    assert_eq!(presented.as_deref(), Some(world.pool_number.as_str()));
    call.bye().await.expect("BYE");
    let ended = tokio::time::timeout(WAIT, call.next_event()).await;
    assert_eq!(ended, Ok(Some(CallEvent::Ended { by: EndedBy::Local })));
    carrier.assert_passed().await;
    ua.unregister().await;
    assert!(
        edge.contacts(&world.agent_id).is_empty(),
        "REGISTER with Expires 0 removes the binding"
    );
    ua.shutdown();
}
