//! Issue 8 items 1 and 4 at the edge: a user agent registered over SIP over
//! WebSocket (RFC 7118; our own `sip-ua` with its WebSocket transport) is called over
//! that very connection, with either kind of offer (our softphones take both); where
//! the two ends' media cannot meet (the edge relays signalling, not media), the call
//! is refused with 488 before anything rings (a WebRTC offer to the plain-RTP
//! carrier; a plain offer to a browser is `media_fit`'s unit test, since only a
//! browser's Contact says it takes WebRTC only); and a 911 is never refused for its
//! media: it reaches the carrier as offered.

mod common;

use std::net::SocketAddr;

use common::{
    carrier_ua, free_udp_port, next_incoming, registered_agent, World, ROUTING_NUMBER, WEBRTC_OFFER,
};
use sip_ua::{CallEvent, FailReason, InviteExtras, Transport};

const PLAIN_OFFER: &str = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n\
t=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";

async fn final_failure(call: &mut sip_ua::Call) -> Option<FailReason> {
    tokio::time::timeout(common::WAIT, async {
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
async fn a_contact_registered_over_websocket_is_called_over_its_own_connection_with_either_offer() {
    let world = World::seed(free_udp_port()).await;
    let (carrier, _carrier_events) = carrier_ua().await;
    let edge = world
        .edge(
            SocketAddr::from(([127, 0, 0, 1], free_udp_port())),
            vec![carrier.local_addr()],
        )
        .await;
    let ws = edge.ws_addr().expect("the edge serves WebSocket");
    let (_agent, mut events) = registered_agent(ws, Transport::Ws).await;
    let bindings = edge.contacts(&world.agent_id);
    assert_eq!(bindings.len(), 1);
    let flow = bindings[0]
        .flow
        .expect("the binding keeps its WebSocket flow");
    assert!(
        !flow.webrtc_only,
        "our UA's Contact is reachable: it takes both kinds"
    );

    for offer in [WEBRTC_OFFER, PLAIN_OFFER] {
        let _call = carrier
            .invite(
                &format!("sip:{}@{}", world.agent_number, edge.local_addr()),
                offer,
                InviteExtras::default(),
            )
            .await
            .expect("INVITE sent");
        let incoming = next_incoming(&mut events)
            .await
            .expect("the agent on WebSocket is called");
        assert_eq!(
            incoming.called_party.as_deref(),
            Some(world.agent_number.as_str())
        );
        assert_eq!(
            incoming.sdp_offer.as_deref(),
            Some(offer),
            "the offer is passed through unchanged"
        );
        incoming.call.reject(486).expect("reject");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webrtc_offer_to_the_plain_carrier_is_refused_with_488_but_a_911_reaches_it() {
    let world = World::seed(free_udp_port()).await;
    let (carrier, mut carrier_events) = carrier_ua().await;
    let edge = world.edge(carrier.local_addr(), Vec::new()).await;
    let (agent, _events) = registered_agent(edge.ws_addr().expect("ws"), Transport::Ws).await;
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

    // E2: the 911 goes to the carrier, at the routing number, as offered.
    let _emergency = agent
        .invite(
            &format!("sip:911@{}", edge.ws_addr().expect("ws")),
            WEBRTC_OFFER,
            InviteExtras::emergency(Some(world.agent_number.clone()), None),
        )
        .await
        .expect("INVITE sent");
    let at_carrier = next_incoming(&mut carrier_events)
        .await
        .expect("the 911 reaches the carrier");
    assert_eq!(at_carrier.request_user, ROUTING_NUMBER);
    assert!(at_carrier
        .sdp_offer
        .as_deref()
        .is_some_and(|s| s.contains("UDP/TLS/RTP/SAVPF")));
    at_carrier.call.reject(488).expect("the carrier refuses it");
}
