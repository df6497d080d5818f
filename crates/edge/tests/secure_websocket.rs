//! Issue 8 item 1: SIP over secure WebSocket between our own user agent (`sip-ua`,
//! `Transport::Wss`, what the softphone uses with `transport = "wss"`) and the edge
//! (`EdgeConfig::wss`). The edge's certificate is made for the test and trusted
//! through `SSL_CERT_FILE`, as an administrator would add a private CA to the system's
//! store. Its own test binary: the variable is set for this process only.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::{free_udp_port, World, AGENT, SIP_PASSWORD};
use sip_ua::{
    Account, Credentials, Identity, InviteExtras, RegistrationEvent, Transport, UaConfig, UaEvent,
    UserAgent,
};

const WAIT: Duration = Duration::from_secs(10);

const WEBRTC_OFFER: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n\
a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\n\
a=ice-pwd:abcdabcdabcdabcdabcdabcd\r\na=setup:actpass\r\na=rtcp-mux\r\n\
a=rtpmap:111 opus/48000/2\r\na=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host\r\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ua_registers_over_wss_and_is_called_down_its_tls_connection() {
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).expect("a certificate");
    let dir = tempfile::tempdir().expect("dir");
    let trust = dir.path().join("trust.pem");
    std::fs::write(&trust, certified.cert.pem()).expect("write");
    // Set before anything of this test binary reads the environment; the binary holds
    // this one test.
    std::env::set_var("SSL_CERT_FILE", &trust);

    let world = World::seed(free_udp_port()).await;
    let carrier = {
        let config = UaConfig::udp(
            SocketAddr::from(([127, 0, 0, 1], free_udp_port())),
            Identity {
                user: "carrier".to_owned(),
                domain: "127.0.0.1".to_owned(),
                display_name: None,
            },
        );
        UserAgent::start(config).await.expect("carrier UA").0
    };
    let wss = edge::WssConfig {
        bind: "127.0.0.1:0".parse().expect("address"),
        cert_chain_pem: certified.cert.pem(),
        key_pem: certified.signing_key.serialize_pem(),
    };
    let edge = world
        .edge_configured(
            world.bo.clone(),
            SocketAddr::from(([127, 0, 0, 1], free_udp_port())),
            vec![carrier.local_addr()],
            Some(wss),
        )
        .await;
    let wss_addr = edge.wss_addr().expect("WSS served");

    let credentials = Credentials {
        username: AGENT.to_owned(),
        password: SIP_PASSWORD.to_owned(),
    };
    let mut config = UaConfig::udp(
        "127.0.0.1:0".parse().expect("address"),
        Identity {
            user: AGENT.to_owned(),
            domain: wss_addr.ip().to_string(),
            display_name: None,
        },
    );
    config.transport = Transport::Wss;
    config.credentials = Some(credentials.clone());
    config.outbound_proxy = Some(wss_addr);
    let (agent, mut events) = UserAgent::start(config).await.expect("UA starts");
    agent
        .register(Account::new(&format!("sip:{wss_addr}"), credentials, 300))
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
    assert_eq!(registered, Ok(true), "registered over WSS");
    assert!(edge.contacts(&world.agent_id)[0].flow.is_some());

    let _call = carrier
        .invite(
            &format!("sip:{}@{}", world.agent_number, edge.local_addr()),
            WEBRTC_OFFER,
            InviteExtras::default(),
        )
        .await
        .expect("INVITE sent");
    let incoming = tokio::time::timeout(WAIT, async {
        loop {
            if let Some(UaEvent::Incoming(call)) = events.next().await {
                break call;
            }
        }
    })
    .await
    .expect("the agent on WSS is called");
    assert_eq!(
        incoming.called_party.as_deref(),
        Some(world.agent_number.as_str())
    );
    incoming.call.reject(486).expect("reject");
}
