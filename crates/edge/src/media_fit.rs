//! Whether the two ends of a call can exchange media through the edge, which relays
//! signalling only: [`mismatch`].

use std::net::SocketAddr;

use crate::relay::LegB;

/// The edge relays signalling only; media flows between the two ends. So a WebRTC
/// offer (ICE, DTLS-SRTP) cannot reach a plain-RTP carrier, nor a plain offer a
/// browser (a WebSocket contact that says it takes WebRTC only): the call is refused
/// with 488 and a Warning naming why, before the far end rings. Our softphones speak
/// both and take either, over any transport. An emergency call and an emergency
/// callback (E6) are never refused here: the far end decides.
pub(crate) fn mismatch(body: &[u8], leg: &LegB, carrier: SocketAddr) -> Option<&'static str> {
    let callback = leg.headers.iter().any(|h| {
        matches!(h, rsipstack::sip::Header::Other(name, value)
            if name.eq_ignore_ascii_case("Priority") && value.eq_ignore_ascii_case("emergency"))
    });
    if body.is_empty() || leg.emergency_end.is_some() || callback {
        return None;
    }
    let webrtc = media::sdp::is_webrtc(&String::from_utf8_lossy(body));
    let to_browser = leg.callee_webrtc_only;
    let to_carrier = leg.destination.get_socketaddr().ok() == Some(carrier);
    if webrtc && to_carrier {
        Some("WebRTC media cannot reach the carrier; the edge does not bridge media")
    } else if !webrtc && to_browser {
        Some("a WebRTC peer needs ICE and DTLS-SRTP; the edge does not bridge media")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsipstack::sip::transport::Transport;
    use rsipstack::transport::SipAddr;

    const WEBRTC: &str =
        "v=0\r\na=fingerprint:sha-256 AA:BB\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";
    const PLAIN: &str = "v=0\r\nm=audio 4000 RTP/AVP 0\r\n";

    fn carrier() -> SocketAddr {
        "127.0.0.1:5080".parse().unwrap()
    }

    fn leg(transport: Transport, addr: SocketAddr) -> LegB {
        let browser = transport == Transport::Ws;
        LegB {
            request_uri: "sip:x@h".into(),
            from_user: "a".into(),
            destination: SipAddr {
                r#type: Some(transport),
                addr: addr.into(),
            },
            headers: Vec::new(),
            alternatives: Vec::new(),
            emergency_end: None,
            report: None,
            to_caller: Vec::new(),
            callee_webrtc_only: browser,
        }
    }

    #[test]
    fn webrtc_to_the_carrier_and_plain_to_websocket_are_named_and_refused() {
        let browser: SocketAddr = "127.0.0.1:40000".parse().unwrap();
        let why = mismatch(
            WEBRTC.as_bytes(),
            &leg(Transport::Udp, carrier()),
            carrier(),
        );
        assert!(why.is_some_and(|w| w.contains("carrier")), "{why:?}");
        let why = mismatch(PLAIN.as_bytes(), &leg(Transport::Ws, browser), carrier());
        assert!(why.is_some_and(|w| w.contains("DTLS-SRTP")), "{why:?}");
    }

    fn our_softphone_on_websocket() -> LegB {
        let mut l = leg(Transport::Ws, "127.0.0.1:40001".parse().unwrap());
        l.callee_webrtc_only = false;
        l
    }

    fn emergency_callback_to(mut l: LegB) -> LegB {
        l.headers.push(rsipstack::sip::Header::Other(
            "Priority".into(),
            "emergency".into(),
        ));
        l
    }

    #[test]
    fn matching_media_our_softphones_and_emergency_callbacks_pass() {
        let agent: SocketAddr = "127.0.0.1:5070".parse().unwrap();
        let browser: SocketAddr = "127.0.0.1:40000".parse().unwrap();
        for (body, to) in [
            (PLAIN, leg(Transport::Udp, carrier())),
            (WEBRTC, leg(Transport::Ws, browser)),
            (WEBRTC, leg(Transport::Udp, agent)),
            (PLAIN, leg(Transport::Udp, agent)),
            ("", leg(Transport::Ws, browser)),
            (PLAIN, our_softphone_on_websocket()),
            (PLAIN, emergency_callback_to(leg(Transport::Ws, browser))),
        ] {
            assert_eq!(mismatch(body.as_bytes(), &to, carrier()), None, "{body}");
        }
    }
}
