use super::*;
use crate::rtp::RtpPacket;

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn rfc_master() -> MasterKey {
    let mut bytes = hex("E1F97A0D3E018BE0D64FA32C06DE4139");
    bytes.extend(hex("0EC675AD498AFEEBB6960B3AABE6"));
    MasterKey::from_bytes(&bytes).unwrap()
}

/// RFC 3711 Appendix B.3.
#[test]
fn rfc3711_b3_key_derivation() {
    let rtp = SessionKeys::rtp(&rfc_master());
    assert_eq!(
        rtp.cipher_key.to_vec(),
        hex("C61E7A93744F39EE10734AFE3FF7A087")
    );
    assert_eq!(rtp.salt.to_vec(), hex("30CBBC08863D8C85D49DB34A9AE1"));
    assert_eq!(
        rtp.auth_key.to_vec(),
        hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4")
    );
    let rtcp = SessionKeys::rtcp(&rfc_master());
    assert_eq!(
        rtcp.cipher_key.to_vec(),
        hex("4C1AA45A81F73D61C800BBB00FBB1EAA")
    );
    assert_eq!(rtcp.salt.to_vec(), hex("9581C7AD87B3E530BF3E4454A8B3"));
}

/// RFC 3711 Appendix B.2: session key 2B7E..., salt F0F1...FD, SSRC 0, index 0.
#[test]
fn rfc3711_b2_aes_cm_keystream() {
    let keys = SessionKeys {
        cipher_key: hex("2B7E151628AED2A6ABF7158809CF4F3C").try_into().unwrap(),
        auth_key: [0; 20],
        salt: hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD").try_into().unwrap(),
    };
    let mut stream = vec![0u8; 48];
    apply_keystream(&keys, 0, 0, &mut stream);
    assert_eq!(
        stream,
        hex(
            "E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB \
             41E95B3BB0A2E8DD477901E4FCA894C0"
        )
    );
}

fn packet(seq: u16, ssrc: u32) -> Vec<u8> {
    RtpPacket::new(0, seq, u32::from(seq) * 160, ssrc, vec![0x55; 160])
        .to_bytes()
        .unwrap()
}

fn pair(suite: SrtpSuite) -> (SrtpContext, SrtpContext) {
    let master = MasterKey::from_bytes(&[7; 30]).unwrap();
    (
        SrtpContext::new(suite, &master),
        SrtpContext::new(suite, &master),
    )
}

#[test]
fn srtp_round_trips_for_both_suites_and_hides_the_payload() {
    for (suite, tag) in [
        (SrtpSuite::AesCm128HmacSha1_80, 10),
        (SrtpSuite::AesCm128HmacSha1_32, 4),
    ] {
        let (mut tx, mut rx) = pair(suite);
        let plain = packet(1, 42);
        let protected = tx.protect_rtp(&plain).unwrap();
        assert_eq!(protected.len(), plain.len() + tag);
        assert_eq!(protected[..12], plain[..12], "header stays in clear");
        assert_ne!(protected[12..plain.len()], plain[12..]);
        assert_eq!(rx.unprotect_rtp(&protected).unwrap(), plain);
    }
}

#[test]
fn srtp_tampered_packet_fails_authentication_and_changes_nothing() {
    let (mut tx, mut rx) = pair(SrtpSuite::AesCm128HmacSha1_80);
    let mut protected = tx.protect_rtp(&packet(5, 1)).unwrap();
    protected[20] ^= 1;
    assert_eq!(rx.unprotect_rtp(&protected), Err(SrtpError::AuthFailed));
    protected[20] ^= 1;
    // The failed attempt did not mark the index as seen.
    assert!(rx.unprotect_rtp(&protected).is_ok());
    let other = MasterKey::from_bytes(&[8; 30]).unwrap();
    let mut wrong = SrtpContext::new(SrtpSuite::AesCm128HmacSha1_80, &other);
    assert_eq!(
        wrong.unprotect_rtp(&tx.protect_rtp(&packet(6, 1)).unwrap()),
        Err(SrtpError::AuthFailed)
    );
    assert_eq!(rx.unprotect_rtp(&[0x80; 15]), Err(SrtpError::TooShort(5)));
}

#[test]
fn srtp_replayed_and_too_old_packets_are_refused() {
    let (mut tx, mut rx) = pair(SrtpSuite::AesCm128HmacSha1_80);
    let sent: Vec<Vec<u8>> = (0..300u16)
        .map(|s| tx.protect_rtp(&packet(s, 9)).unwrap())
        .collect();
    rx.unprotect_rtp(&sent[0]).unwrap();
    assert_eq!(rx.unprotect_rtp(&sent[0]), Err(SrtpError::Replayed(0)));
    rx.unprotect_rtp(&sent[200]).unwrap();
    // Reordered within the window: accepted once.
    rx.unprotect_rtp(&sent[150]).unwrap();
    assert_eq!(rx.unprotect_rtp(&sent[150]), Err(SrtpError::Replayed(150)));
    // Further back than the window: cannot be told from a replay.
    assert_eq!(rx.unprotect_rtp(&sent[10]), Err(SrtpError::Replayed(10)));
}

#[test]
fn srtp_rollover_counter_follows_the_sequence_wrap_with_reordering() {
    let (mut tx, mut rx) = pair(SrtpSuite::AesCm128HmacSha1_32);
    let seqs: Vec<u16> = (0..20u16).map(|i| 65530u16.wrapping_add(i)).collect();
    let sent: Vec<Vec<u8>> = seqs
        .iter()
        .map(|&s| tx.protect_rtp(&packet(s, 3)).unwrap())
        .collect();
    // Deliver with the packets around the wrap swapped.
    let order = [
        0, 1, 2, 3, 4, 6, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
    ];
    for i in order {
        assert_eq!(
            rx.unprotect_rtp(&sent[i]).unwrap(),
            packet(seqs[i], 3),
            "seq {}",
            seqs[i]
        );
    }
    // After the wrap the index includes ROC 1.
    assert_eq!(
        rx.unprotect_rtp(&sent[19]),
        Err(SrtpError::Replayed((1 << 16) + 13))
    );
}

#[test]
fn srtcp_round_trips_and_refuses_tampering_and_replay() {
    use crate::rtcp::{write_compound, ReceiverReport, RtcpPacket};
    let (mut tx, mut rx) = pair(SrtpSuite::AesCm128HmacSha1_32);
    let rr = write_compound(&[RtcpPacket::ReceiverReport(ReceiverReport {
        ssrc: 77,
        reports: Vec::new(),
    })])
    .unwrap();
    let first = tx.protect_rtcp(&rr).unwrap();
    // E flag and index 0, then an 80-bit tag even for the _32 suite.
    assert_eq!(first.len(), rr.len() + 4 + 10);
    assert_eq!(first[rr.len()..rr.len() + 4], [0x80, 0, 0, 0]);
    let second = tx.protect_rtcp(&rr).unwrap();
    assert_eq!(rx.unprotect_rtcp(&first).unwrap(), rr);
    assert_eq!(rx.unprotect_rtcp(&second).unwrap(), rr);
    assert_eq!(rx.unprotect_rtcp(&first), Err(SrtpError::Replayed(0)));
    let mut bad = tx.protect_rtcp(&rr).unwrap();
    bad[5] ^= 0x10;
    assert_eq!(rx.unprotect_rtcp(&bad), Err(SrtpError::AuthFailed));
}

#[test]
fn sdes_key_decodes_from_base64_and_bad_keys_are_typed_errors() {
    let key = MasterKey::from_bytes(&(0..30).collect::<Vec<u8>>()).unwrap();
    let text = key.to_base64();
    assert_eq!(text.len(), 40);
    assert_eq!(MasterKey::from_base64(&text).unwrap(), key);
    assert_eq!(MasterKey::from_base64("c2hvcnQ="), Err(SrtpError::BadKey));
    assert_eq!(MasterKey::from_base64("!!!"), Err(SrtpError::BadKey));
    assert!(matches!(
        SrtpContext::from_sdes("F8_128_HMAC_SHA1_80", &text),
        Err(SrtpError::UnknownSuite(_))
    ));
    assert!(SrtpContext::from_sdes("AES_CM_128_HMAC_SHA1_80", &text).is_ok());
}

#[test]
fn srtp_arbitrary_bytes_never_panic() {
    let (mut tx, mut rx) = pair(SrtpSuite::AesCm128HmacSha1_80);
    let mut x = 0x1234_5678u32;
    for len in 0..200usize {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        let _ = rx.unprotect_rtp(&bytes);
        let _ = rx.unprotect_rtcp(&bytes);
        let _ = tx.protect_rtp(&bytes);
        let _ = tx.protect_rtcp(&bytes);
    }
}
