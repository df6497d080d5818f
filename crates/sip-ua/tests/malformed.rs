//! Malformed and torture messages in the style of RFC 4475 (written for this test)
//! sent to the UA's socket: nothing crashes, and the UA afterwards still places a
//! call to one sipp and takes a call from another.

mod common;

use std::time::Duration;

use common::{next_call_event, start_ua, wait_for, Sipp, SDP_OFFER};
use sip_ua::{CallEvent, EndedBy, FailReason, InviteExtras, UaEvent};

/// Messages that a parser must survive. `{via}` is the sender's address, so any
/// answer goes back to the test's socket and nowhere else.
fn torture(via: &str) -> Vec<Vec<u8>> {
    // Each message has its own Call-ID (`torture-<first word>-<CSeq>`), so that
    // answers can be told apart.
    let head = |start: &str, cseq: &str| {
        let n = format!("{}-{}", start.split(' ').next().unwrap_or(""), cseq).replace(' ', "-");
        format!(
            "{start}\r\nVia: SIP/2.0/UDP {via};branch=z9hG4bK-t-{n}\r\n\
             From: <sip:t@{via}>;tag=t{n}\r\nTo: <sip:agent1001@127.0.0.1>\r\n\
             Call-ID: torture-{n}\r\nCSeq: {cseq}\r\nMax-Forwards: 70\r\n"
        )
    };
    let mut out: Vec<Vec<u8>> = vec![
        // Scalars far beyond their ranges (CSeq, Max-Forwards, Expires, length).
        format!(
            "{}Expires: 10000000000000000000000\r\nContent-Length: 18446744073709551616\r\n\r\n",
            head(
                "OPTIONS sip:agent1001@127.0.0.1 SIP/2.0",
                "36893488147419103232 OPTIONS"
            )
            .replace("Max-Forwards: 70", "Max-Forwards: 300")
        )
        .into_bytes(),
        // An unterminated quoted display name.
        format!(
            "{}Content-Length: 0\r\n\r\n",
            head("INVITE sip:agent1001@127.0.0.1 SIP/2.0", "2 INVITE")
                .replace("From: <sip:t@", "From: \"Bel Air <sip:t@")
        )
        .into_bytes(),
        // A Request-URI in angle brackets.
        format!(
            "{}Content-Length: 0\r\n\r\n",
            head("INVITE <sip:agent1001@127.0.0.1> SIP/2.0", "3 INVITE")
        )
        .into_bytes(),
        // An unknown protocol version.
        format!(
            "{}Content-Length: 0\r\n\r\n",
            head("OPTIONS sip:agent1001@127.0.0.1 SIP/7.0", "4 OPTIONS")
        )
        .into_bytes(),
        // Request line and CSeq disagree on the method.
        format!(
            "{}Content-Length: 0\r\n\r\n",
            head("OPTIONS sip:agent1001@127.0.0.1 SIP/2.0", "5 INVITE")
        )
        .into_bytes(),
        // A negative Content-Length.
        format!(
            "{}Content-Length: -999\r\n\r\nv=0\r\n",
            head("INVITE sip:agent1001@127.0.0.1 SIP/2.0", "6 INVITE")
        )
        .into_bytes(),
        // No Call-ID at all.
        format!(
            "{}Content-Length: 0\r\n\r\n",
            head("INVITE sip:agent1001@127.0.0.1 SIP/2.0", "7 INVITE")
                .lines()
                .filter(|l| !l.starts_with("Call-ID"))
                .collect::<Vec<_>>()
                .join("\r\n")
                + "\r\n"
        )
        .into_bytes(),
        // Two To headers and a folded (multi-line) Subject.
        format!(
            "{}To: <sip:other@127.0.0.1>\r\nSubject: a\r\n  folded line\r\nContent-Length: 0\r\n\r\n",
            head("BYE sip:agent1001@127.0.0.1 SIP/2.0", "8 BYE")
        )
        .into_bytes(),
        // A response whose status code does not fit.
        format!(
            "{}Content-Length: 0\r\n\r\n",
            head("SIP/2.0 4294967301 Big", "9 INVITE")
        )
        .into_bytes(),
        // An in-dialog request for a dialog we never had.
        format!(
            "{}Content-Length: 0\r\n\r\n",
            head("BYE sip:agent1001@127.0.0.1 SIP/2.0", "10 BYE")
                .replace("To: <sip:agent1001@127.0.0.1>", "To: <sip:agent1001@127.0.0.1>;tag=nope")
        )
        .into_bytes(),
    ];
    // NUL bytes inside a header, and one header of 60 kB.
    let mut nul = head("OPTIONS sip:agent1001@127.0.0.1 SIP/2.0", "11 OPTIONS").into_bytes();
    nul.extend_from_slice(b"X-Nul: a\0b\0c\r\nContent-Length: 0\r\n\r\n");
    out.push(nul);
    let big = format!(
        "{}X-Big: {}\r\nContent-Length: 0\r\n\r\n",
        head("OPTIONS sip:agent1001@127.0.0.1 SIP/2.0", "12 OPTIONS"),
        "x".repeat(60_000)
    );
    out.push(big.into_bytes());
    out.extend([
        b"hello, this is not SIP\r\n\r\n".to_vec(),
        vec![0xff, 0x00, 0xfe, 0x80, 0x0d, 0x0a, 0x0d, 0x0a],
        b"\r\n\r\n".to_vec(),
        Vec::new(),
    ]);
    out
}

#[tokio::test]
async fn torture_messages_are_survived_and_calls_work_afterwards() {
    let (ua, mut events) = start_ua().await;
    let peer = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    let via = peer.local_addr().expect("addr").to_string();
    for message in torture(&via) {
        peer.send_to(&message, ua.local_addr()).expect("send");
    }
    // Whatever the parser let through as a call is declined; nothing else may come.
    let settle = tokio::time::Instant::now() + Duration::from_millis(500);
    while let Ok(Some(event)) = tokio::time::timeout_at(settle, events.next()).await {
        match event {
            UaEvent::Incoming(incoming) => incoming.call.reject(400).expect("decline"),
            other => panic!("unexpected {other:?}"),
        }
    }

    // The answers that came back are well-formed SIP/2.0 and say what was wrong:
    // 505 for the unknown version, 400 for the method mismatch, 481 for the BYE
    // outside any dialog.
    let answers = answers_to(&peer);
    for (call_id, status) in [
        ("torture-OPTIONS-4-OPTIONS", "SIP/2.0 505"),
        ("torture-OPTIONS-5-INVITE", "SIP/2.0 400"),
        ("torture-BYE-10-BYE", "SIP/2.0 481"),
    ] {
        let answer = answers
            .iter()
            .find(|a| a.contains(call_id))
            .unwrap_or_else(|| panic!("no answer for {call_id} in {answers:#?}"));
        assert!(answer.starts_with(status), "{call_id}: {answer}");
    }
    assert!(
        answers
            .iter()
            .all(|a| a.trim().is_empty() || a.starts_with("SIP/2.0 ")),
        "{answers:#?}"
    );

    // An outgoing call still works...
    let mut uas = Sipp::serve("uas_busy.xml").await;
    let mut call = ua
        .invite(&uas.uri("1234"), SDP_OFFER, InviteExtras::default())
        .await
        .expect("INVITE sent after the torture");
    let last = wait_for(&mut call, &uas, |e| matches!(e, CallEvent::Failed { .. })).await;
    assert_eq!(
        last,
        CallEvent::Failed {
            reason: FailReason::Busy
        }
    );
    uas.assert_passed().await;

    // ...and so does an incoming one.
    let mut uac = Sipp::call("uac_rejected_busy.xml", ua.local_addr(), "agent1001").await;
    let incoming = common::next_incoming(&mut events, &uac).await;
    assert_eq!(incoming.caller, "+13125550199");
    let mut call = incoming.call;
    call.reject(486).expect("486");
    assert_eq!(
        next_call_event(&mut call, &uac).await,
        CallEvent::Ended { by: EndedBy::Local }
    );
    uac.assert_passed().await;
}

/// Every datagram the UA sent back, as text.
fn answers_to(peer: &std::net::UdpSocket) -> Vec<String> {
    peer.set_nonblocking(true).expect("nonblocking");
    let mut buf = vec![0u8; 70_000];
    let mut out = Vec::new();
    while let Ok((n, _)) = peer.recv_from(&mut buf) {
        out.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    out
}
