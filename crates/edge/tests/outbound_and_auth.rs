//! V1 end to end (an agent's call to a public number leaves through the termination
//! with the agent's number), the registrar's refusals (A1), and bad input: garbage and
//! RFC 4475 refusals never stop the edge.

mod common;

use std::time::Duration;

use backoffice::live::{CallState, Direction, LiveEvent};
use common::{free_udp_port, re, Sipp, World, AGENT, SIP_PASSWORD};
use tokio::net::UdpSocket;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v01_public_call_leaves_through_termination_with_the_agents_number() {
    let world = World::seed(free_udp_port()).await;
    let mut carrier = Sipp::start(
        "carrier_expects_public_call.xml",
        free_udp_port(),
        &[
            ("E164", re("+12065550123")),
            ("CALLER", re(&world.agent_number)),
        ],
        &[],
    )
    .await;
    let edge = world.edge(carrier.addr, Vec::new()).await;
    let mut live = world.bo.subscribe_live();
    let mut agent = Sipp::start(
        "agent_register_call.xml",
        free_udp_port(),
        &[
            ("USER", AGENT.into()),
            ("PASSWORD", SIP_PASSWORD.into()),
            // The NANP form, normalised to E.164 by the edge.
            ("DIALLED", "2065550123".into()),
        ],
        &[&edge.local_addr().to_string()],
    )
    .await;
    agent.assert_passed().await;
    carrier.assert_passed().await;
    // S1: the supervisors saw the call talking, as the agent's outbound call, then
    // its row removed when it ended.
    let mut seen = Vec::new();
    while seen.len() < 2 {
        match tokio::time::timeout(Duration::from_secs(5), live.recv()).await {
            Ok(Ok((account, event))) if account == common::ACCOUNT => seen.push(event),
            Ok(Ok(_)) => {}
            other => panic!("live feed: {other:?} after {seen:?}"),
        }
    }
    match &seen[0] {
        LiveEvent::Call(c) => {
            assert_eq!(c.state, CallState::Talking);
            assert_eq!(c.direction, Direction::Outbound);
            assert_eq!(c.agent_id, world.agent_id);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&seen[1], LiveEvent::CallRemoved { agent_id, .. } if *agent_id == world.agent_id),
        "{seen:?}"
    );
    assert!(world.bo.ongoing_calls(common::ACCOUNT).is_empty());
    // An ordinary call takes no callback lease and raises no emergency alert.
    assert_eq!(
        world
            .bo
            .lease_of_agent(common::ACCOUNT, &world.agent_id)
            .await
            .unwrap(),
        None
    );
    assert!(world
        .bo
        .emergency_alerts(common::ACCOUNT)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a01_register_with_a_wrong_password_is_refused_and_binds_nothing() {
    let world = World::seed(free_udp_port()).await;
    let edge = world
        .edge("127.0.0.1:9".parse().expect("address"), Vec::new())
        .await;
    let mut agent = Sipp::start(
        "agent_wrong_password.xml",
        free_udp_port(),
        &[("USER", AGENT.into())],
        &[&edge.local_addr().to_string()],
    )
    .await;
    agent.assert_passed().await;
    assert!(edge.contacts(&world.agent_id).is_empty());
}

async fn exchange(sock: &UdpSocket, msg: &str) -> Option<String> {
    sock.send(msg.as_bytes()).await.expect("send");
    let mut buf = vec![0u8; 4096];
    match tokio::time::timeout(Duration::from_secs(2), sock.recv(&mut buf)).await {
        Ok(Ok(n)) => Some(String::from_utf8_lossy(&buf[..n]).into_owned()),
        _ => None,
    }
}

fn request(method: &str, version: &str, cseq_method: &str, port: u16, n: u32) -> String {
    format!(
        "{method} sip:911@127.0.0.1 {version}\r\n\
         Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bK-bad-{n}\r\n\
         From: <sip:x@127.0.0.1>;tag=bad{n}\r\nTo: <sip:911@127.0.0.1>\r\n\
         Call-ID: bad-{n}@127.0.0.1\r\nCSeq: 1 {cseq_method}\r\nMax-Forwards: 70\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_errors_and_the_edge_keeps_serving() {
    let world = World::seed(free_udp_port()).await;
    let carrier_port = free_udp_port();
    let carrier = format!("127.0.0.1:{carrier_port}")
        .parse()
        .expect("address");
    let edge = world
        .edge("127.0.0.1:9".parse().expect("address"), vec![carrier])
        .await;
    let sock = UdpSocket::bind("127.0.0.1:0").await.expect("socket");
    sock.connect(edge.local_addr()).await.expect("connect");
    let port = sock.local_addr().expect("address").port();
    // Garbage is dropped without an answer (nothing to answer to).
    for junk in [
        &b"\x00\xff\xfe garbage"[..],
        b"INVITE\r\n\r\n",
        b"SIP/2.0 200 OK\r\n\r\n",
    ] {
        sock.send(junk).await.expect("send");
    }
    // RFC 4475 3.1.2.4/3.3.7-style refusals: another version, a CSeq naming another method.
    let reply = exchange(&sock, &request("OPTIONS", "SIP/7.0", "OPTIONS", port, 1)).await;
    assert!(
        reply
            .as_deref()
            .is_some_and(|r| r.starts_with("SIP/2.0 505")),
        "{reply:?}"
    );
    let reply = exchange(&sock, &request("OPTIONS", "SIP/2.0", "INVITE", port, 2)).await;
    assert!(
        reply
            .as_deref()
            .is_some_and(|r| r.starts_with("SIP/2.0 400")),
        "{reply:?}"
    );
    // An INVITE without credentials is challenged, never routed.
    let reply = exchange(&sock, &request("INVITE", "SIP/2.0", "INVITE", port, 3)).await;
    let reply = reply.unwrap_or_default();
    assert!(reply.starts_with("SIP/2.0 407"), "{reply}");
    assert!(
        reply.contains("Proxy-Authenticate: Digest realm=\""),
        "{reply}"
    );
    // Claiming the carrier's address in the Via does not make a sender the carrier:
    // the edge judges by the datagram's real source, so this is challenged too.
    let spoofed = request("INVITE", "SIP/2.0", "INVITE", carrier_port, 5);
    let reply = exchange(&sock, &spoofed).await.unwrap_or_default();
    assert!(reply.starts_with("SIP/2.0 407"), "{reply}");
    // Still serving.
    let reply = exchange(&sock, &request("OPTIONS", "SIP/2.0", "OPTIONS", port, 4)).await;
    assert!(
        reply
            .as_deref()
            .is_some_and(|r| r.starts_with("SIP/2.0 200")),
        "{reply:?}"
    );
}
