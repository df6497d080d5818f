use super::*;
use proptest::prelude::*;

fn block(ssrc: u32, lost: i32) -> ReportBlock {
    ReportBlock {
        ssrc,
        fraction_lost: 13,
        cumulative_lost: lost,
        highest_sequence: 0x0001_0005,
        jitter: 80,
        last_sr: 0x1234_5678,
        delay_since_last_sr: 65536,
    }
}

fn sr() -> RtcpPacket {
    RtcpPacket::SenderReport(SenderReport {
        ssrc: 1,
        ntp_timestamp: 0xE000_0000_8000_0000,
        rtp_timestamp: 16000,
        packet_count: 100,
        octet_count: 16000,
        reports: vec![block(2, 5), block(3, -2)],
    })
}

#[test]
fn sender_report_with_blocks_round_trips() {
    let bytes = write_compound(&[sr()]).unwrap();
    assert_eq!(bytes.len(), 4 + 24 + 2 * 24);
    assert_eq!(&bytes[..4], &[0x82, 200, 0, 18]);
    assert_eq!(parse_compound(&bytes).unwrap(), vec![sr()]);
}

#[test]
fn receiver_report_round_trips_and_keeps_negative_loss() {
    let rr = RtcpPacket::ReceiverReport(ReceiverReport {
        ssrc: 9,
        reports: vec![block(4, -1)],
    });
    let bytes = write_compound(std::slice::from_ref(&rr)).unwrap();
    assert_eq!(&bytes[13..16], &[0xFF, 0xFF, 0xFF]);
    assert_eq!(parse_compound(&bytes).unwrap(), vec![rr]);
}

#[test]
fn compound_of_report_sdes_and_bye_round_trips() {
    let packets = vec![
        RtcpPacket::ReceiverReport(ReceiverReport {
            ssrc: 9,
            reports: vec![],
        }),
        // SDES with one chunk: SSRC, CNAME "ab", END, padding to a word.
        RtcpPacket::Other {
            packet_type: PT_SDES,
            count: 1,
            body: vec![0, 0, 0, 9, 1, 2, b'a', b'b', 0, 0, 0, 0],
        },
        RtcpPacket::Bye(Bye {
            sources: vec![9],
            reason: Some("hang up".into()),
        }),
    ];
    let bytes = write_compound(&packets).unwrap();
    assert_eq!(bytes.len() % 4, 0);
    let parsed = parse_compound(&bytes).unwrap();
    assert_eq!(parsed, packets);
}

#[test]
fn bye_without_reason_round_trips() {
    let packets = vec![
        sr(),
        RtcpPacket::Bye(Bye {
            sources: vec![1, 2],
            reason: None,
        }),
    ];
    assert_eq!(
        parse_compound(&write_compound(&packets).unwrap()).unwrap(),
        packets
    );
}

#[test]
fn compound_must_start_with_a_report() {
    let bytes = write_compound(&[RtcpPacket::Bye(Bye {
        sources: vec![1],
        reason: None,
    })])
    .unwrap();
    assert_eq!(
        parse_compound(&bytes),
        Err(RtcpError::CompoundNotStartingWithReport(PT_BYE))
    );
}

#[test]
fn declared_length_past_the_end_is_truncated() {
    let mut bytes = write_compound(&[sr()]).unwrap();
    bytes.truncate(bytes.len() - 4);
    assert_eq!(parse_compound(&bytes), Err(RtcpError::Truncated));
    assert_eq!(parse_compound(&[]), Err(RtcpError::Empty));
}

#[test]
fn padding_on_a_packet_that_is_not_last_is_rejected() {
    let mut bytes = write_compound(&[sr(), sr()]).unwrap();
    bytes[0] |= 0x20;
    assert_eq!(parse_compound(&bytes), Err(RtcpError::BadPadding));
}

#[test]
fn padding_on_the_last_packet_is_stripped() {
    let rr = RtcpPacket::ReceiverReport(ReceiverReport {
        ssrc: 9,
        reports: vec![],
    });
    let mut bytes = write_compound(std::slice::from_ref(&rr)).unwrap();
    bytes[0] |= 0x20;
    bytes[3] = 2; // one more word: 3 padding bytes + count
    bytes.extend_from_slice(&[0, 0, 0, 4]);
    assert_eq!(parse_compound(&bytes).unwrap(), vec![rr]);
}

#[test]
fn round_trip_time_subtracts_the_delay_since_last_sr() {
    // RFC 3550 6.4.1 example: LSR 0xb705:2000, DLSR 0x0005:4000, arrival 0xb710:8000
    // gives 0x0006:2000 = 6.125 s.
    let b = ReportBlock {
        last_sr: 0xB705_2000,
        delay_since_last_sr: 0x0005_4000,
        ..block(1, 0)
    };
    assert_eq!(b.round_trip_ms(0xB710_8000), Some(6125.0));
    assert_eq!(
        ReportBlock { last_sr: 0, ..b }.round_trip_ms(0xB710_8000),
        None
    );
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(mut bytes in proptest::collection::vec(any::<u8>(), 0..200), fix in any::<bool>()) {
        if fix && !bytes.is_empty() {
            bytes[0] = (bytes[0] & 0x3F) | 0x80;
        }
        let _ = parse_compound(&bytes);
    }
}

#[test]
fn ntp_time_converts_from_unix_milliseconds() {
    assert_eq!(ntp_from_unix_ms(0), 0x83AA_7E80_0000_0000);
    assert_eq!(ntp_from_unix_ms(1500), 0x83AA_7E81_8000_0000);
    assert_eq!(ntp_middle(ntp_from_unix_ms(1500)), 0x7E81_8000);
    assert_eq!(ntp_short_from_ms(1000), 65536);
    assert_eq!(ntp_short_from_ms(250), 16384);
}

#[test]
fn round_trip_from_our_sr_to_their_report_is_measured() {
    // We send an SR at t = 10 s; the peer holds it 250 ms before its RR, which
    // reaches us at t = 10.4 s: 150 ms on the wire both ways.
    let sent = ntp_from_unix_ms(10_000);
    let block = ReportBlock {
        last_sr: ntp_middle(sent),
        delay_since_last_sr: ntp_short_from_ms(250),
        ..block(1, 0)
    };
    let rtt = block
        .round_trip_ms(ntp_middle(ntp_from_unix_ms(10_400)))
        .unwrap();
    assert!((rtt - 150.0).abs() < 0.1, "{rtt}");
}

fn arb_block() -> impl Strategy<Value = ReportBlock> {
    (
        any::<u32>(),
        any::<u8>(),
        -0x80_0000i32..=0x7F_FFFF,
        any::<[u32; 4]>(),
    )
        .prop_map(|(ssrc, f, lost, w)| ReportBlock {
            ssrc,
            fraction_lost: f,
            cumulative_lost: lost,
            highest_sequence: w[0],
            jitter: w[1],
            last_sr: w[2],
            delay_since_last_sr: w[3],
        })
}

fn arb_packet() -> impl Strategy<Value = RtcpPacket> {
    let blocks = || proptest::collection::vec(arb_block(), 0..=31);
    prop_oneof![
        (any::<u32>(), any::<u64>(), any::<[u32; 3]>(), blocks()).prop_map(
            |(ssrc, ntp, w, reports)| {
                RtcpPacket::SenderReport(SenderReport {
                    ssrc,
                    ntp_timestamp: ntp,
                    rtp_timestamp: w[0],
                    packet_count: w[1],
                    octet_count: w[2],
                    reports,
                })
            }
        ),
        (any::<u32>(), blocks()).prop_map(|(ssrc, reports)| RtcpPacket::ReceiverReport(
            ReceiverReport { ssrc, reports }
        )),
        (
            proptest::collection::vec(any::<u32>(), 0..=31),
            proptest::option::of("[ -~]{1,60}")
        )
            .prop_map(|(sources, reason)| RtcpPacket::Bye(Bye { sources, reason })),
    ]
}

proptest! {
    #[test]
    fn valid_compounds_round_trip(
        first in arb_packet().prop_filter("starts with a report", |p| !matches!(p, RtcpPacket::Bye(_))),
        rest in proptest::collection::vec(arb_packet(), 0..3),
    ) {
        let packets: Vec<RtcpPacket> = std::iter::once(first).chain(rest).collect();
        let bytes = write_compound(&packets).unwrap();
        prop_assert_eq!(bytes.len() % 4, 0);
        prop_assert_eq!(parse_compound(&bytes).unwrap(), packets);
    }
}
