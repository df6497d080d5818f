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
