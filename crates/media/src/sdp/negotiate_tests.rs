use super::*;
use crate::sdp::{parse, AddressType};

const OUR_KEY: &str = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";

fn local() -> LocalMedia {
    LocalMedia {
        connection: Connection {
            address_type: AddressType::Ip4,
            address: "192.0.2.10".into(),
        },
        port: 30000,
        codecs: vec![
            CodecPreference::opus(),
            CodecPreference::pcmu(),
            CodecPreference::pcma(),
        ],
        telephone_event: true,
        srtp_key: None,
        direction: Direction::SendRecv,
        ptime: 20,
        rtcp_mux: false,
    }
}

fn origin() -> Origin {
    Origin {
        username: "-".into(),
        session_id: "42".into(),
        session_version: 1,
        address_type: AddressType::Ip4,
        address: "192.0.2.10".into(),
    }
}

fn offer(protocol: &str, formats: &str, extra: &str) -> SessionDescription {
    parse(&format!(
        "v=0\r\no=peer 7 7 IN IP4 198.51.100.1\r\ns=-\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\n\
         m=audio 7078 {protocol} {formats}\r\n{extra}"
    ))
    .unwrap()
}

#[test]
fn answer_keeps_offerer_payload_numbers_in_our_preference_order() {
    // baresip-like offer: PCMA first, opus on 96, telephone-event on 100.
    let o = offer(
        "RTP/AVP",
        "8 0 96 100",
        "a=rtpmap:96 opus/48000/2\r\na=rtpmap:100 telephone-event/8000\r\na=fmtp:100 0-15\r\n",
    );
    let (sdp, neg) = answer(&o, &local(), origin()).unwrap();
    let m = &sdp.media[0];
    assert_eq!(m.formats, vec!["96", "0", "8", "100"]);
    assert_eq!(m.port, 30000);
    assert_eq!(m.protocol, Protocol::RtpAvp);
    assert!(m.fmtps.contains(&Fmtp {
        payload_type: 96,
        params: "minptime=10;useinbandfec=1".into()
    }));
    assert!(m.fmtps.contains(&Fmtp {
        payload_type: 100,
        params: "0-15".into()
    }));
    assert!(neg.codec.is("opus", 48000, 2) && neg.codec.payload_type == 96);
    assert_eq!(
        neg.telephone_event.as_ref().map(|c| c.payload_type),
        Some(100)
    );
    assert_eq!(
        (neg.remote_address.as_str(), neg.remote_port),
        ("198.51.100.1", 7078)
    );
    assert_eq!(neg.srtp, None);
    assert_eq!(sdp.connection.as_ref().unwrap().address, "192.0.2.10");
}

#[test]
fn codecs_we_do_not_support_are_left_out_and_no_overlap_is_an_error() {
    let o = offer("RTP/AVP", "18 0", "a=rtpmap:18 G729/8000\r\n");
    let (sdp, neg) = answer(&o, &local(), origin()).unwrap();
    assert_eq!(sdp.media[0].formats, vec!["0"]);
    assert!(neg.codec.is("PCMU", 8000, 1));
    // No telephone-event in the offer: none in the answer.
    assert_eq!(neg.telephone_event, None);

    let o = offer("RTP/AVP", "18", "");
    assert_eq!(
        answer(&o, &local(), origin()).unwrap_err(),
        NegotiationError::NoAcceptableAudio
    );
}

#[test]
fn telephone_event_only_when_we_support_it_too() {
    let o = offer("RTP/AVP", "0 101", "a=rtpmap:101 telephone-event/8000\r\n");
    let mut no_dtmf = local();
    no_dtmf.telephone_event = false;
    let (sdp, neg) = answer(&o, &no_dtmf, origin()).unwrap();
    assert_eq!(sdp.media[0].formats, vec!["0"]);
    assert_eq!(neg.telephone_event, None);
}

#[test]
fn hold_offer_gets_the_mirrored_direction() {
    for (theirs, ours) in [
        ("sendonly", Direction::RecvOnly),
        ("recvonly", Direction::SendOnly),
        ("inactive", Direction::Inactive),
        ("sendrecv", Direction::SendRecv),
    ] {
        let o = offer("RTP/AVP", "0", &format!("a={theirs}\r\n"));
        let (sdp, neg) = answer(&o, &local(), origin()).unwrap();
        assert_eq!(sdp.media[0].direction, Some(ours), "{theirs}");
        assert_eq!(neg.direction, ours);
    }
    // We hold: our sendonly wish meets their sendrecv.
    let o = offer("RTP/AVP", "0", "");
    let holding = LocalMedia {
        direction: Direction::SendOnly,
        ..local()
    };
    assert_eq!(
        answer(&o, &holding, origin()).unwrap().1.direction,
        Direction::SendOnly
    );
}

#[test]
fn legacy_hold_with_zero_address_stops_our_sending() {
    let mut o = offer("RTP/AVP", "0", "");
    o.connection.as_mut().unwrap().address = "0.0.0.0".into();
    let (sdp, neg) = answer(&o, &local(), origin()).unwrap();
    assert_eq!(neg.direction, Direction::RecvOnly);
    assert_eq!(sdp.media[0].direction, Some(Direction::RecvOnly));
}

#[test]
fn srtp_offer_is_answered_with_our_key_on_the_offered_tag() {
    let o = offer(
        "RTP/SAVP",
        "0",
        "a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj\r\n\
         a=crypto:4 F8_128_HMAC_SHA1_80 inline:QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNk\r\n",
    );
    let with_key = LocalMedia {
        srtp_key: Some(OUR_KEY.into()),
        ..local()
    };
    let (sdp, neg) = answer(&o, &with_key, origin()).unwrap();
    let m = &sdp.media[0];
    assert_eq!(m.protocol, Protocol::RtpSavp);
    assert_eq!(m.crypto.len(), 1);
    assert_eq!(
        (m.crypto[0].tag, m.crypto[0].suite.as_str()),
        (3, "AES_CM_128_HMAC_SHA1_32")
    );
    assert_eq!(m.crypto[0].inline_key(), Some(OUR_KEY));
    let keys = neg.srtp.unwrap();
    assert_eq!(keys.remote_key, "NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj");
    assert_eq!(keys.local_key, OUR_KEY);
}

#[test]
fn srtp_offer_without_our_keys_is_rejected() {
    let o = offer(
        "RTP/SAVP",
        "0",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR\r\n",
    );
    assert_eq!(
        answer(&o, &local(), origin()).unwrap_err(),
        NegotiationError::NoAcceptableAudio
    );
}

#[test]
fn streams_after_the_accepted_audio_are_rejected_with_port_zero() {
    let mut o = offer("RTP/AVP", "0", "");
    let video = parse("v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=0 0\r\nm=video 9000 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n")
        .unwrap()
        .media
        .remove(0);
    o.media.insert(0, video);
    let (sdp, neg) = answer(&o, &local(), origin()).unwrap();
    assert_eq!(sdp.media.len(), 2);
    assert_eq!(
        (sdp.media[0].media.as_str(), sdp.media[0].port),
        ("video", 0)
    );
    assert_eq!(sdp.media[0].formats, vec!["96"]);
    assert_eq!(
        (sdp.media[1].media.as_str(), sdp.media[1].port),
        ("audio", 30000)
    );
    assert!(neg.codec.is("PCMU", 8000, 1));
    // The answer is valid SDP that parses back.
    assert_eq!(parse(&sdp.to_string()).unwrap(), sdp);
}

#[test]
fn our_offer_lists_preferences_and_answers_to_it_are_read() {
    let with_key = LocalMedia {
        srtp_key: Some(OUR_KEY.into()),
        ..local()
    };
    let our_offer = create_offer(&with_key, origin());
    let text = our_offer.to_string();
    assert!(
        text.contains("m=audio 30000 RTP/SAVP 111 0 8 101\r\n"),
        "{text}"
    );
    assert!(text.contains("a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"));
    assert!(text.contains("a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"));
    assert!(text.contains(&format!(
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:{OUR_KEY}\r\n"
    )));

    // The peer plays the answerer with the same code, preferring PCMA.
    let peer = LocalMedia {
        connection: Connection {
            address_type: AddressType::Ip4,
            address: "198.51.100.9".into(),
        },
        port: 4000,
        codecs: vec![CodecPreference::pcma(), CodecPreference::pcmu()],
        srtp_key: Some("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNk".into()),
        ..local()
    };
    let (their_answer, theirs) = answer(&parse(&text).unwrap(), &peer, origin()).unwrap();
    let ours = accept_answer(
        &our_offer,
        &parse(&their_answer.to_string()).unwrap(),
        &with_key,
    )
    .unwrap();
    assert!(ours.codec.is("PCMA", 8000, 1) && theirs.codec.is("PCMA", 8000, 1));
    assert_eq!(
        (ours.remote_address.as_str(), ours.remote_port),
        ("198.51.100.9", 4000)
    );
    assert_eq!(ours.telephone_event.map(|c| c.payload_type), Some(101));
    let keys = ours.srtp.unwrap();
    assert_eq!(keys.remote_key, theirs.srtp.as_ref().unwrap().local_key);
    assert_eq!(keys.local_key, theirs.srtp.unwrap().remote_key);
}

#[test]
fn answer_that_rejects_audio_is_an_error_for_the_offerer() {
    let our_offer = create_offer(&local(), origin());
    let mut rejected = our_offer.clone();
    rejected.media[0].port = 0;
    assert_eq!(
        accept_answer(&our_offer, &rejected, &local()).unwrap_err(),
        NegotiationError::NoAcceptableAudio
    );
}

#[test]
fn rtcp_mux_is_used_only_when_both_sides_ask_for_it() {
    let muxing = LocalMedia {
        rtcp_mux: true,
        ..local()
    };
    let ours = create_offer(&muxing, origin());
    assert!(ours.to_string().contains("a=rtcp-mux\r\n"));
    // They answer with it: agreed.
    let (their_answer, theirs) =
        answer(&parse(&ours.to_string()).unwrap(), &muxing, origin()).unwrap();
    assert!(theirs.rtcp_mux);
    assert!(
        accept_answer(&ours, &their_answer, &muxing)
            .unwrap()
            .rtcp_mux
    );
    // An answerer that does not mux leaves it out, and so do we.
    let (plain_answer, plain) = answer(&ours, &local(), origin()).unwrap();
    assert!(!plain.rtcp_mux && !plain_answer.to_string().contains("rtcp-mux"));
    assert!(
        !accept_answer(&ours, &plain_answer, &muxing)
            .unwrap()
            .rtcp_mux
    );
    // An offer without it is never answered with it.
    let o = offer("RTP/AVP", "0", "");
    let (sdp, neg) = answer(&o, &muxing, origin()).unwrap();
    assert!(!neg.rtcp_mux && !sdp.to_string().contains("rtcp-mux"));
}
