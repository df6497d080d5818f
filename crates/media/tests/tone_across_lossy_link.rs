//! The building blocks composed as the engine will compose them, over a simulated
//! network with 5% loss and 30 ms jitter: SDP picks PCMU, a 1 kHz tone is encoded
//! into RTP, the receiver parses, buffers, decodes or conceals every 20 ms, records
//! what it hears, and must hear the tone; a DTMF digit sent in the same stream must
//! arrive; the receiver's RTCP report must show the loss.

use media::audio::file::MemorySink;
use media::audio::tone::{tone_ratio, ToneGenerator};
use media::audio::{AudioSink, AudioSource};
use media::codec::{AudioCodec, G711Law, G711};
use media::dtmf::{digit_packets, DtmfReceiver, DtmfTiming};
use media::jitter::{JitterBuffer, JitterConfig, Pop};
use media::rtcp::{parse_compound, write_compound, ReceiverReport, RtcpPacket};
use media::rtp::RtpPacket;
use media::sdp::negotiate::{answer, CodecPreference, LocalMedia};
use media::sdp::{parse, AddressType, Connection, Direction, Origin};
use media::stream::RtpSender;

/// SplitMix64: deterministic, so the run is the same every time.
struct Rng(u64);

impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

const OFFER: &str =
    "v=0\r\no=peer 1 1 IN IP4 198.51.100.1\r\ns=-\r\nc=IN IP4 198.51.100.1\r\nt=0 0\r\n\
m=audio 4000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";

fn negotiated_payload_types() -> (u8, u8) {
    let local = LocalMedia {
        connection: Connection {
            address_type: AddressType::Ip4,
            address: "192.0.2.1".into(),
        },
        port: 5000,
        codecs: vec![CodecPreference::opus(), CodecPreference::pcmu()],
        telephone_event: true,
        srtp_key: None,
        direction: Direction::SendRecv,
        ptime: 20,
        rtcp_mux: false,
    };
    let origin = Origin {
        username: "-".into(),
        session_id: "1".into(),
        session_version: 1,
        address_type: AddressType::Ip4,
        address: "192.0.2.1".into(),
    };
    let (_, neg) = answer(&parse(OFFER).unwrap(), &local, origin).unwrap();
    (
        neg.codec.payload_type,
        neg.telephone_event.unwrap().payload_type,
    )
}

#[test]
fn tone_and_digit_cross_a_lossy_jittery_link_and_the_report_shows_the_loss() {
    let (audio_pt, event_pt) = negotiated_payload_types();
    assert_eq!((audio_pt, event_pt), (0, 101));

    // Sender: 3 s of 1 kHz tone; between 1.0 s and 1.14 s the digit '5' replaces audio.
    let mut tone = ToneGenerator::new(1000.0, 8000, 8000);
    let mut encoder = G711::new(G711Law::MuLaw);
    let mut tx = RtpSender::new(0xABCD, 0, 0);
    let mut digit = Vec::new();
    let mut rng = Rng(0xC0FFEE);
    let mut wire: Vec<(u64, Vec<u8>)> = Vec::new();
    for i in 0..150u32 {
        let sent_ms = u64::from(i) * 20;
        let mut frame = [0i16; 160];
        tone.read(&mut frame);
        if i == 50 {
            digit = tx.event(
                event_pt,
                &digit_packets('5', DtmfTiming::default()).unwrap(),
            );
            digit.reverse();
        }
        // One event packet per frame time while the digit lasts, audio otherwise.
        let packet = match digit.pop() {
            Some(event) => {
                tx.skip(160);
                event
            }
            None => {
                let mut payload = Vec::new();
                encoder.encode(&frame, &mut payload);
                tx.audio(audio_pt, payload, 160)
            }
        };
        if rng.next_f64() < 0.05 {
            continue;
        }
        let arrival = sent_ms + 20 + (rng.next_f64() * 30.0) as u64;
        wire.push((arrival, packet.to_bytes().unwrap()));
    }
    wire.sort_by_key(|(t, _)| *t);

    // Receiver: a tick every 20 ms at its own phase.
    let mut jb = JitterBuffer::new(JitterConfig::new(8000));
    let mut decoder = G711::new(G711Law::MuLaw);
    let mut dtmf = DtmfReceiver::default();
    let (mut speaker, recording) = MemorySink::new(8000);
    let mut digits = String::new();
    let mut arrivals = wire.into_iter().peekable();
    let mut frames_out = 0;
    let mut now = 3;
    while now < 3500 {
        while let Some((_, bytes)) = arrivals.next_if(|(t, _)| *t <= now) {
            let packet = RtpPacket::parse(&bytes).unwrap();
            if packet.payload_type == event_pt {
                jb.skip(packet.sequence);
                digits.extend(dtmf.receive(packet.timestamp, &packet.payload).unwrap());
            } else {
                jb.push(packet, now);
            }
        }
        let mut pcm = Vec::with_capacity(160);
        match jb.pop(now) {
            Pop::Frame(f) => decoder.decode(&f.payload, &mut pcm).unwrap(),
            Pop::Concealed => decoder.conceal(160, None, &mut pcm),
            Pop::Empty => pcm.resize(160, 0),
        }
        frames_out += 1;
        speaker.write(&pcm).unwrap();
        now += 20;
    }

    let heard = recording.samples();
    assert_eq!(heard.len(), frames_out * 160);
    // In 100 ms windows: every window after playout started holds the tone, except
    // the ones around the digit (the sender sent no audio then) and the silence after
    // the stream ended; concealment keeps the rest tonal.
    let windows: Vec<f64> = heard
        .chunks_exact(800)
        .map(|w| tone_ratio(w, 8000, 1000.0))
        .collect();
    let first = windows.iter().position(|r| *r > 0.5).unwrap();
    let last = windows.iter().rposition(|r| *r > 0.5).unwrap();
    let span = last - first + 1;
    let tonal = windows[first..=last].iter().filter(|r| **r > 0.5).count();
    assert!(
        first <= 1 && last >= 29,
        "tone from window {first} to {last}: {windows:?}"
    );
    assert!(
        tonal + 3 >= span,
        "{tonal} tonal windows of {span}: {windows:?}"
    );
    assert!(tone_ratio(&heard, 8000, 1500.0) < 0.01);
    assert_eq!(digits, "5");

    let block = jb.receive_stats_mut().report_block(0xABCD, 0, 0);
    let report = write_compound(&[RtcpPacket::ReceiverReport(ReceiverReport {
        ssrc: 1,
        reports: vec![block],
    })])
    .unwrap();
    let RtcpPacket::ReceiverReport(rr) = &parse_compound(&report).unwrap()[0] else {
        panic!("expected a receiver report")
    };
    let fraction = f64::from(rr.reports[0].fraction_lost) / 256.0;
    assert!((0.02..0.09).contains(&fraction), "fraction lost {fraction}");
    assert!(rr.reports[0].cumulative_lost > 0);
    // The last packet (149) arrived or one shortly before it: at most a few trailing
    // losses are not yet known as lost.
    assert!(
        (145..=149).contains(&rr.reports[0].highest_sequence),
        "{}",
        rr.reports[0].highest_sequence
    );
}
