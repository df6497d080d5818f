//! Issue 8 items 1 and 4 at the edge: a user agent registered over SIP over
//! WebSocket (RFC 7118; our own `sip-ua` with its WebSocket transport) is called over
//! that very connection; and where the two ends' media cannot meet (the edge relays
//! signalling, not media), the call is refused with 488 and a Warning saying why,
//! before anything rings: a plain-RTP offer to a WebRTC peer on WebSocket, a WebRTC
//! offer to the plain-RTP carrier.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::{free_udp_port, World, AGENT, SIP_PASSWORD};
use sip_ua::{
    Account, CallEvent, Credentials, FailReason, Identity, InviteExtras, RegistrationEvent,
    Transport, UaConfig, UaEvent, UaEvents, UserAgent,
};

const WAIT: Duration = Duration::from_secs(10);

const PLAIN_OFFER: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n\
t=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";

/// What a browser offers, in short: ICE credentials, a DTLS fingerprint, SAVPF.
const WEBRTC_OFFER: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n\
a=fingerprint:sha-256 AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99\r\n\
m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\n\
a=ice-pwd:abcdabcdabcdabcdabcdabcd\r\na=setup:actpass\r\na=rtcp-mux\r\n\
a=rtpmap:111 opus/48000/2\r\na=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host\r\n";

/// The agent, registered on the edge over WebSocket.
async fn agent_on_websocket(ws: SocketAddr) -> (UserAgent, UaEvents) {
    let credentials = Credentials {
        username: AGENT.to_owned(),
        password: SIP_PASSWORD.to_owned(),
    };
    let mut config = UaConfig::udp(
        "127.0.0.1:0".parse().expect("address"),
        Identity {
            user: AGENT.to_owned(),
            domain: ws.ip().to_string(),
            display_name: None,
        },
    );
    config.transport = Transport::Ws;
    config.credentials = Some(credentials.clone());
    config.outbound_proxy = Some(ws);
    let (ua, mut events) = UserAgent::start(config).await.expect("UA starts");
    ua.register(Account::new(&format!("sip:{ws}"), credentials, 300))
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
    (ua, events)
}

/// A carrier-side UA on UDP, whose INVITEs the edge takes as origination.
async fn carrier() -> UserAgent {
    let port = free_udp_port();
    let config = UaConfig::udp(
        SocketAddr::from(([127, 0, 0, 1], port)),
        Identity {
            user: "carrier".to_owned(),
            domain: "127.0.0.1".to_owned(),
            display_name: None,
        },
    );
    UserAgent::start(config).await.expect("carrier UA").0
}

async fn final_failure(call: &mut sip_ua::Call) -> Option<FailReason> {
    tokio::time::timeout(WAIT, async {
        loop {
            match call.next_event().await {
                Some(CallEvent::Failed { reason }) => break Some(reason),
                Some(CallEvent::Answered { .. }) | Some(CallEvent::Ended { .. }) | None => {
                    break None
                }
                Some(_) => {}
            }
        }
    })
    .await
    .expect("a final answer in time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_registered_over_websocket_is_called_over_its_own_connection() {
    let world = World::seed(free_udp_port()).await;
    let carrier = carrier().await;
    let edge = world.edge(free_addr(), vec![carrier.local_addr()]).await;
    let ws = edge.ws_addr().expect("the edge serves WebSocket");
    let (_agent, mut events) = agent_on_websocket(ws).await;
    let bindings = edge.contacts(&world.agent_id);
    assert_eq!(bindings.len(), 1);
    assert!(
        bindings[0].flow.is_some(),
        "the binding keeps its WebSocket flow"
    );

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
    .expect("the agent on WebSocket is called");
    assert_eq!(
        incoming.called_party.as_deref(),
        Some(world.agent_number.as_str())
    );
    assert!(
        incoming
            .sdp_offer
            .as_deref()
            .is_some_and(|s| s.contains("UDP/TLS/RTP/SAVPF")),
        "the WebRTC offer is passed through unchanged"
    );
    incoming.call.reject(486).expect("reject");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_offer_to_a_webrtc_peer_is_refused_with_488_before_it_rings() {
    let world = World::seed(free_udp_port()).await;
    let carrier = carrier().await;
    let edge = world.edge(free_addr(), vec![carrier.local_addr()]).await;
    let (_agent, mut events) = agent_on_websocket(edge.ws_addr().expect("ws")).await;
    let mut call = carrier
        .invite(
            &format!("sip:{}@{}", world.agent_number, edge.local_addr()),
            PLAIN_OFFER,
            InviteExtras::default(),
        )
        .await
        .expect("INVITE sent");
    assert_eq!(
        final_failure(&mut call).await,
        Some(FailReason::Rejected(488))
    );
    // Nothing rang at the agent.
    let rang = tokio::time::timeout(Duration::from_millis(300), async {
        loop {
            if let Some(UaEvent::Incoming(_)) = events.next().await {
                break;
            }
        }
    })
    .await;
    assert!(rang.is_err(), "the WebRTC peer was not rung");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webrtc_offer_to_the_plain_carrier_is_refused_with_488_but_911_is_not() {
    let world = World::seed(free_udp_port()).await;
    // The carrier: nothing listens there, so a 911 that gets through times out or
    // fails otherwise; what matters is that the edge does not refuse it with 488.
    let edge = world.edge(free_addr(), Vec::new()).await;
    let (agent, _events) = agent_on_websocket(edge.ws_addr().expect("ws")).await;
    let mut call = agent
        .invite(
            &format!("sip:+12065550142@{}", edge.ws_addr().expect("ws")),
            WEBRTC_OFFER,
            InviteExtras::default(),
        )
        .await
        .expect("INVITE sent");
    assert_eq!(
        final_failure(&mut call).await,
        Some(FailReason::Rejected(488))
    );

    let mut emergency = agent
        .invite(
            &format!("sip:911@{}", edge.ws_addr().expect("ws")),
            WEBRTC_OFFER,
            InviteExtras::emergency(Some(world.agent_number.clone()), None),
        )
        .await
        .expect("INVITE sent");
    let first = tokio::time::timeout(Duration::from_secs(3), emergency.next_event()).await;
    assert!(
        !matches!(
            first,
            Ok(Some(CallEvent::Failed {
                reason: FailReason::Rejected(488)
            }))
        ),
        "E2: a 911 is never refused for its media: {first:?}"
    );
}

fn free_addr() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], free_udp_port()))
}
