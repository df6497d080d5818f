//! Issue 8 item 1: SIP over secure WebSocket between our own user agent (`sip-ua`,
//! `Transport::Wss`, what the softphone uses with `transport = "wss"`) and the edge
//! (`EdgeConfig::wss`). The edge's certificate is made for the test and trusted
//! through `SSL_CERT_FILE`, as an administrator would add a private CA to the system's
//! store. Its own test binary: the variable is set for this process only.

mod common;

use std::net::SocketAddr;

use common::{carrier_ua, free_udp_port, next_incoming, registered_agent, World, WEBRTC_OFFER};
use sip_ua::{InviteExtras, Transport};

#[test]
fn a_ua_registers_over_wss_and_is_called_down_its_tls_connection() {
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).expect("a certificate");
    let dir = tempfile::tempdir().expect("dir");
    let trust = dir.path().join("trust.pem");
    std::fs::write(&trust, certified.cert.pem()).expect("write");
    // Set before any runtime or thread of this binary exists (it holds this one
    // test); rustls-native-certs reads it when the UA dials.
    std::env::set_var("SSL_CERT_FILE", &trust);
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(registers_and_is_called(certified));
}

async fn registers_and_is_called(certified: rcgen::CertifiedKey<rcgen::KeyPair>) {
    let world = World::seed(free_udp_port()).await;
    let (carrier, _carrier_events) = carrier_ua().await;
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

    let (_agent, mut events) = registered_agent(wss_addr, Transport::Wss).await;
    assert!(edge.contacts(&world.agent_id)[0].flow.is_some());

    let _call = carrier
        .invite(
            &format!("sip:{}@{}", world.agent_number, edge.local_addr()),
            WEBRTC_OFFER,
            InviteExtras::default(),
        )
        .await
        .expect("INVITE sent");
    let incoming = next_incoming(&mut events)
        .await
        .expect("the agent on WSS is called");
    assert_eq!(
        incoming.called_party.as_deref(),
        Some(world.agent_number.as_str())
    );
    incoming.call.reject(486).expect("reject");
}
