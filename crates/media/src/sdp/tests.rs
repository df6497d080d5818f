use super::*;

/// An offer as a SIP trunk sends it: SRTP with two suites, Opus, G.711, DTMF.
const TRUNK_OFFER: &str = "v=0\r\n\
o=- 4611731400430051336 2 IN IP4 203.0.113.5\r\n\
s=-\r\n\
c=IN IP4 203.0.113.5\r\n\
t=0 0\r\n\
m=audio 40000 RTP/SAVP 111 0 8 101\r\n\
a=rtpmap:111 opus/48000/2\r\n\
a=fmtp:111 minptime=10;useinbandfec=1\r\n\
a=rtpmap:0 PCMU/8000\r\n\
a=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\n\
a=fmtp:101 0-16\r\n\
a=ptime:20\r\n\
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^31 UNENCRYPTED_SRTCP\r\n\
a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj\r\n\
a=sendrecv\r\n\
a=rtcp:40001\r\n";

#[test]
fn trunk_offer_parses_into_typed_fields() {
    let sdp = parse(TRUNK_OFFER).unwrap();
    assert_eq!(sdp.origin.session_id, "4611731400430051336");
    assert_eq!(sdp.origin.session_version, 2);
    assert_eq!(
        sdp.connection,
        Some(Connection {
            address_type: AddressType::Ip4,
            address: "203.0.113.5".into()
        })
    );
    let m = &sdp.media[0];
    assert_eq!(
        (m.media.as_str(), m.port, &m.protocol),
        ("audio", 40000, &Protocol::RtpSavp)
    );
    assert_eq!(m.formats, vec!["111", "0", "8", "101"]);
    assert_eq!(m.ptime, Some(20));
    assert_eq!(m.direction, Some(Direction::SendRecv));
    assert_eq!(m.crypto.len(), 2);
    assert_eq!(
        m.crypto[0].inline_key(),
        Some("PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR")
    );
    assert_eq!(m.crypto[0].session_params, vec!["UNENCRYPTED_SRTCP"]);
    assert_eq!(
        m.attributes,
        vec![Attribute {
            name: "rtcp".into(),
            value: Some("40001".into())
        }]
    );
    let codecs = m.codecs();
    assert!(codecs[0].is("opus", 48000, 2));
    assert_eq!(
        codecs[0].fmtp.as_deref(),
        Some("minptime=10;useinbandfec=1")
    );
    assert!(codecs[3].is_telephone_event());
}

#[test]
fn written_sdp_parses_back_to_the_same_model() {
    let sdp = parse(TRUNK_OFFER).unwrap();
    let text = sdp.to_string();
    assert!(text.ends_with("\r\n") && !text.contains("\n\n"));
    assert_eq!(parse(&text).unwrap(), sdp);
    // Our writer emits what the peer sent, line for line, apart from attribute order.
    let mut ours: Vec<&str> = text.lines().collect();
    let mut theirs: Vec<&str> = TRUNK_OFFER.lines().collect();
    ours.sort_unstable();
    theirs.sort_unstable();
    assert_eq!(ours, theirs);
}

#[test]
fn static_payload_types_need_no_rtpmap_and_lf_line_ends_are_accepted() {
    let sdp = parse("v=0\no=- 1 1 IN IP4 10.0.0.1\ns=call\nt=0 0\nm=audio 5004 RTP/AVP 0 8\nc=IN IP4 10.0.0.2\n\n")
        .unwrap();
    let m = &sdp.media[0];
    assert_eq!(sdp.media_connection(m).unwrap().address, "10.0.0.2");
    let names: Vec<String> = m.codecs().into_iter().map(|c| c.encoding).collect();
    assert_eq!(names, vec!["PCMU", "PCMA"]);
}

#[test]
fn hold_is_read_from_the_session_level_unless_the_media_line_overrides() {
    let base =
        "v=0\r\no=- 1 2 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\na=sendonly\r\n\
                m=audio 5004 RTP/AVP 0\r\nm=audio 5006 RTP/AVP 0\r\na=inactive\r\n";
    let sdp = parse(base).unwrap();
    assert_eq!(sdp.media_direction(&sdp.media[0]), Direction::SendOnly);
    assert_eq!(sdp.media_direction(&sdp.media[1]), Direction::Inactive);
    assert_eq!(parse(&sdp.to_string()).unwrap(), sdp);
}

#[test]
fn non_rtp_media_keeps_its_formats_as_text() {
    let sdp = parse("v=0\r\no=- 1 1 IN IP6 ::1\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/BFCP *\r\n")
        .unwrap();
    assert_eq!(sdp.origin.address_type, AddressType::Ip6);
    assert_eq!(sdp.media[0].formats, vec!["*"]);
    assert_eq!(sdp.media[0].protocol, Protocol::Other("UDP/BFCP".into()));
    assert!(sdp.media[0].codecs().is_empty());
}

fn malformed(text: &str) -> SdpError {
    parse(text).unwrap_err()
}

#[test]
fn malformed_lines_name_the_line_and_the_fault() {
    let head = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\n";
    let cases = [
        ("garbage\r\n", 5, SdpFault::NotTypeValue),
        ("c=IN IP5 1.2.3.4\r\n", 5, SdpFault::Connection),
        ("m=audio 99999 RTP/AVP 0\r\n", 5, SdpFault::Media),
        ("m=audio 5004 RTP/AVP\r\n", 5, SdpFault::Media),
        ("m=audio 5004 RTP/AVP pcmu\r\n", 5, SdpFault::Media),
        (
            "m=audio 5004 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n",
            6,
            SdpFault::Rtpmap,
        ),
        (
            "m=audio 5004 RTP/AVP 0\r\na=rtpmap:200 PCMU/8000\r\n",
            6,
            SdpFault::Rtpmap,
        ),
        (
            "m=audio 5004 RTP/AVP 0\r\na=fmtp:x y\r\n",
            6,
            SdpFault::Fmtp,
        ),
        (
            "m=audio 5004 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80\r\n",
            6,
            SdpFault::Crypto,
        ),
        (
            "m=audio 5004 RTP/AVP 0\r\na=ptime:twenty\r\n",
            6,
            SdpFault::Ptime,
        ),
    ];
    for (tail, line, fault) in cases {
        assert_eq!(
            malformed(&format!("{head}{tail}")),
            SdpError::Malformed { line, fault },
            "{tail}"
        );
    }
    assert_eq!(
        malformed("o=- 1 1 IN IP4 h\r\n"),
        SdpError::Malformed {
            line: 1,
            fault: SdpFault::Version
        }
    );
    assert_eq!(
        malformed("v=0\r\no=- x 1 IN IP4 h\r\n"),
        SdpError::Malformed {
            line: 2,
            fault: SdpFault::Origin
        }
    );
    assert_eq!(malformed("v=0\r\ns=-\r\n"), SdpError::Missing('o'));
    assert_eq!(
        malformed("v=0\r\no=- 1 1 IN IP4 h\r\n"),
        SdpError::Missing('s')
    );
    assert_eq!(malformed(""), SdpError::Missing('v'));
}

#[test]
fn arbitrary_text_never_panics() {
    use proptest::prelude::*;
    proptest!(|(lines in proptest::collection::vec("[a-z]=[ -~]{0,40}", 0..12))| {
        let _ = parse(&format!("v=0\r\n{}", lines.join("\r\n")));
    });
}

mod generated {
    use super::*;
    use proptest::prelude::*;

    fn token() -> impl Strategy<Value = String> {
        "[a-zA-Z0-9.-]{1,12}"
    }

    fn address_type() -> impl Strategy<Value = AddressType> {
        prop_oneof![Just(AddressType::Ip4), Just(AddressType::Ip6)]
    }

    fn direction() -> impl Strategy<Value = Direction> {
        prop_oneof![
            Just(Direction::SendRecv),
            Just(Direction::SendOnly),
            Just(Direction::RecvOnly),
            Just(Direction::Inactive)
        ]
    }

    fn connection() -> impl Strategy<Value = Connection> {
        (address_type(), token()).prop_map(|(address_type, address)| Connection {
            address_type,
            address,
        })
    }

    /// Attributes we do not model: names that are neither typed attributes nor
    /// directions, so they stay in the list.
    fn attributes() -> impl Strategy<Value = Vec<Attribute>> {
        proptest::collection::vec(
            ("x-[a-z]{1,6}", proptest::option::of("[ -~]{0,20}"))
                .prop_map(|(name, value)| Attribute { name, value }),
            0..3,
        )
    }

    fn crypto() -> impl Strategy<Value = Crypto> {
        (
            any::<u32>(),
            token(),
            token(),
            proptest::collection::vec(token(), 0..2),
        )
            .prop_map(|(tag, suite, key_params, session_params)| Crypto {
                tag,
                suite,
                key_params,
                session_params,
            })
    }

    fn media() -> impl Strategy<Value = MediaDescription> {
        let rtp = (
            prop_oneof![Just(Protocol::RtpAvp), Just(Protocol::RtpSavp)],
            proptest::collection::btree_set(0u8..128, 1..5),
            any::<u64>(),
        )
            .prop_map(|(protocol, pts, seed)| {
                let formats: Vec<u8> = pts.into_iter().collect();
                // Give some formats an rtpmap and some an fmtp, chosen by the seed's
                // bits, in format order as the writer emits them.
                let rtpmaps = formats
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| seed >> i & 1 == 1)
                    .map(|(i, &pt)| RtpMap {
                        payload_type: pt,
                        encoding: format!("codec{i}"),
                        clock_rate: 8000 * (i as u32 + 1),
                        channels: (seed >> (i + 8) & 1 == 1).then_some(2),
                    })
                    .collect();
                let fmtps = formats
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| seed >> (i + 16) & 1 == 1)
                    .map(|(i, &pt)| Fmtp {
                        payload_type: pt,
                        params: format!("p{i}=1;q=0-16"),
                    })
                    .collect();
                (
                    protocol,
                    formats.iter().map(u8::to_string).collect::<Vec<_>>(),
                    rtpmaps,
                    fmtps,
                )
            });
        let other = (
            "[A-Z]{3}/[A-Z]{2,5}",
            proptest::collection::vec("[a-z*]{1,4}", 1..3),
        )
            .prop_map(|(p, formats)| (Protocol::Other(p), formats, Vec::new(), Vec::new()));
        (
            "[a-z]{3,11}",
            any::<u16>(),
            prop_oneof![rtp, other],
            proptest::option::of(connection()),
            proptest::option::of(direction()),
            proptest::collection::vec(crypto(), 0..3),
            proptest::option::of(1u32..200),
            attributes(),
        )
            .prop_map(
                |(
                    media,
                    port,
                    (protocol, formats, rtpmaps, fmtps),
                    connection,
                    direction,
                    crypto,
                    ptime,
                    attributes,
                )| {
                    MediaDescription {
                        media,
                        port,
                        protocol,
                        formats,
                        connection,
                        rtpmaps,
                        fmtps,
                        direction,
                        crypto,
                        ptime,
                        attributes,
                    }
                },
            )
    }

    fn session() -> impl Strategy<Value = SessionDescription> {
        (
            (
                token(),
                "[0-9]{1,25}",
                any::<u64>(),
                address_type(),
                token(),
            ),
            "[a-zA-Z0-9-]{1,10}( [a-z]{1,5})?",
            proptest::option::of(connection()),
            (any::<u64>(), any::<u64>()),
            proptest::option::of(direction()),
            attributes(),
            proptest::collection::vec(media(), 0..3),
        )
            .prop_map(
                |(
                    (username, session_id, session_version, address_type, address),
                    session_name,
                    connection,
                    timing,
                    direction,
                    attributes,
                    media,
                )| {
                    SessionDescription {
                        origin: Origin {
                            username,
                            session_id,
                            session_version,
                            address_type,
                            address,
                        },
                        session_name,
                        connection,
                        timing,
                        direction,
                        attributes,
                        media,
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn any_description_we_can_model_writes_and_parses_back_unchanged(sdp in session()) {
            let text = sdp.to_string();
            prop_assert_eq!(parse(&text).unwrap(), sdp, "{}", text);
        }
    }
}
