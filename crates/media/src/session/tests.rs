use super::*;
use crate::audio::tone::{tone_ratio, ToneGenerator};
use crate::sdp::negotiate::SrtpKeys;
use crate::sdp::Codec;
use crate::srtp::MasterKey;

fn codec(pt: u8, name: &str, rate: u32, channels: u8) -> Codec {
    Codec {
        payload_type: pt,
        encoding: name.into(),
        clock_rate: rate,
        channels,
        fmtp: None,
    }
}

fn negotiated(audio: Codec, srtp: Option<(&[u8; 30], &[u8; 30])>) -> Negotiated {
    Negotiated {
        remote_address: "127.0.0.1".into(),
        remote_port: 4000,
        receive_codecs: vec![audio.clone()],
        codec: audio,
        telephone_event: Some(codec(101, "telephone-event", 8000, 1)),
        direction: Direction::SendRecv,
        srtp: srtp.map(|(ours, theirs)| SrtpKeys {
            suite: "AES_CM_128_HMAC_SHA1_80".into(),
            local_key: MasterKey::from_bytes(ours).unwrap().to_base64(),
            remote_key: MasterKey::from_bytes(theirs).unwrap().to_base64(),
        }),
        rtcp_mux: false,
    }
}

fn config(n: Negotiated, ssrc: u32, device_rate: u32) -> SessionConfig {
    SessionConfig {
        negotiated: n,
        capture_rate: device_rate,
        playout_rate: device_rate,
        ssrc,
        initial_sequence: 65000,
        initial_timestamp: 12345,
        unix_offset_ms: 1_700_000_000_000,
        rtcp_min_interval_ms: 500,
        cname: format!("test-{ssrc}"),
        ptime_ms: 20,
    }
}

/// Two sessions wired back to back with a fixed delay; returns what each played.
struct Pair {
    a: MediaSession,
    b: MediaSession,
    tone_a: ToneGenerator,
    tone_b: ToneGenerator,
    heard_a: Vec<i16>,
    heard_b: Vec<i16>,
    digits_b: String,
    now: u64,
}

impl Pair {
    fn new(a: SessionConfig, b: SessionConfig) -> Self {
        let rate_a = a.capture_rate;
        let rate_b = b.capture_rate;
        Self {
            a: MediaSession::new(a).unwrap(),
            b: MediaSession::new(b).unwrap(),
            tone_a: ToneGenerator::new(1000.0, rate_a, 8000),
            tone_b: ToneGenerator::new(1000.0, rate_b, 8000),
            heard_a: Vec::new(),
            heard_b: Vec::new(),
            digits_b: String::new(),
            now: 0,
        }
    }

    /// Runs `ticks` frames; datagrams arrive 5 ms after they were sent.
    fn run(&mut self, ticks: usize) {
        for _ in 0..ticks {
            self.now += 20;
            let fa = self.tone_a.samples(self.a.capture_frame_len());
            let fb = self.tone_b.samples(self.b.capture_frame_len());
            for t in self.a.on_capture(self.now, &fa) {
                let (Transmit::Rtp(d) | Transmit::Rtcp(d)) = t;
                if let Ok(Received::Digit(c)) = self.b.on_datagram(self.now + 5, &d) {
                    self.digits_b.push(c);
                }
            }
            for t in self.b.on_capture(self.now, &fb) {
                let (Transmit::Rtp(d) | Transmit::Rtcp(d)) = t;
                let _ = self.a.on_datagram(self.now + 5, &d);
            }
            self.heard_a.extend(self.a.poll_playout(self.now + 10));
            self.heard_b.extend(self.b.poll_playout(self.now + 10));
        }
    }
}

fn last_second(heard: &[i16], rate: u32) -> &[i16] {
    &heard[heard.len() - rate as usize..]
}

#[test]
fn session_pcmu_tone_crosses_both_ways_with_a_48khz_device() {
    let pcmu = codec(0, "PCMU", 8000, 1);
    let mut p = Pair::new(
        config(negotiated(pcmu.clone(), None), 1, 48000),
        config(negotiated(pcmu, None), 2, 8000),
    );
    assert_eq!(p.a.capture_frame_len(), 960);
    p.run(150);
    assert!(tone_ratio(last_second(&p.heard_a, 48000), 48000, 1000.0) > 0.8);
    assert!(tone_ratio(last_second(&p.heard_b, 8000), 8000, 1000.0) > 0.8);
    let s = p.a.stats();
    assert_eq!((s.packets_sent, s.packets_received), (150, 150));
    assert_eq!(s.loss_percent, 0.0);
    assert!(s.mos > 4.0, "{}", s.mos);
    // RTCP every 0.5 s or so: the round trip (2 x 5 ms) is measured.
    assert!(s.rtcp_received >= 2, "{s:?}");
    let rtt = s.round_trip_ms.expect("an SR and an RR crossed");
    assert!((5.0..=20.0).contains(&rtt), "{rtt}");
}

#[test]
fn session_opus_with_srtp_carries_the_tone_and_drops_tampered_packets() {
    let opus = codec(111, "opus", 48000, 2);
    let (ka, kb) = ([1u8; 30], [2u8; 30]);
    let mut p = Pair::new(
        config(negotiated(opus.clone(), Some((&ka, &kb))), 1, 48000),
        config(negotiated(opus, Some((&kb, &ka))), 2, 16000),
    );
    p.run(100);
    assert!(tone_ratio(last_second(&p.heard_a, 48000), 48000, 1000.0) > 0.8);
    assert!(tone_ratio(last_second(&p.heard_b, 16000), 16000, 1000.0) > 0.8);
    let Transmit::Rtp(mut d) = p.a.on_capture(p.now, &[0; 960]).remove(0) else {
        panic!("audio first");
    };
    d[15] ^= 0x40;
    assert!(matches!(
        p.b.on_datagram(p.now, &d),
        Err(SessionError::Srtp(SrtpError::AuthFailed))
    ));
    assert_eq!(p.b.stats().auth_failures, 1);
}

#[test]
fn session_dtmf_digits_arrive_once_each_in_order() {
    let pcma = codec(8, "PCMA", 8000, 1);
    let mut p = Pair::new(
        config(negotiated(pcma.clone(), None), 1, 8000),
        config(negotiated(pcma, None), 2, 8000),
    );
    p.run(10);
    for d in "1#9".chars() {
        p.a.send_dtmf(d).unwrap();
    }
    assert!(matches!(p.a.send_dtmf('x'), Err(SessionError::Dtmf(_))));
    p.run(40);
    assert_eq!(p.digits_b, "1#9");
    // Event packets are not loss.
    assert_eq!(p.b.stats().loss_percent, 0.0);
}

#[test]
fn session_hold_stops_the_right_direction_and_resume_restores_audio() {
    let pcmu = codec(0, "PCMU", 8000, 1);
    let mut p = Pair::new(
        config(negotiated(pcmu.clone(), None), 1, 8000),
        config(negotiated(pcmu, None), 2, 8000),
    );
    p.run(50);
    // A puts B on hold: A sends only, B receives only.
    p.a.set_direction(Direction::SendOnly);
    p.b.set_direction(Direction::RecvOnly);
    let sent_by_b = p.b.stats().packets_sent;
    p.run(50);
    assert_eq!(
        p.b.stats().packets_sent,
        sent_by_b,
        "B must not send on hold"
    );
    assert!(tone_ratio(&p.heard_b[p.heard_b.len() - 4000..], 8000, 1000.0) > 0.8);
    let silent = &p.heard_a[p.heard_a.len() - 4000..];
    assert!(
        silent.iter().all(|&s| s == 0),
        "A plays nothing while holding"
    );
    p.a.set_direction(Direction::SendRecv);
    p.b.set_direction(Direction::SendRecv);
    p.run(50);
    assert!(tone_ratio(&p.heard_a[p.heard_a.len() - 4000..], 8000, 1000.0) > 0.8);
}

#[test]
fn session_mute_sends_nothing_but_rtcp() {
    let pcmu = codec(0, "PCMU", 8000, 1);
    let mut s = MediaSession::new(config(negotiated(pcmu, None), 1, 8000)).unwrap();
    s.set_muted(true);
    let mut rtp = 0;
    let mut rtcp = 0;
    for i in 0..100 {
        for t in s.on_capture(i * 20, &[1000; 160]) {
            match t {
                Transmit::Rtp(_) => rtp += 1,
                Transmit::Rtcp(_) => rtcp += 1,
            }
        }
    }
    assert_eq!(rtp, 0);
    assert!(rtcp >= 2, "{rtcp}");
}

#[test]
fn session_malformed_and_unknown_datagrams_are_counted_and_dropped() {
    let pcmu = codec(0, "PCMU", 8000, 1);
    let mut s = MediaSession::new(config(negotiated(pcmu, None), 1, 8000)).unwrap();
    assert!(s.on_datagram(0, &[]).is_err());
    assert!(s.on_datagram(0, &[0x80; 5]).is_err());
    assert!(s.on_datagram(0, &[0x80, 200, 0, 50, 1, 2]).is_err());
    let unknown = RtpPacket::new(96, 1, 0, 9, vec![0; 160])
        .to_bytes()
        .unwrap();
    assert_eq!(
        s.on_datagram(0, &unknown),
        Err(SessionError::UnknownPayloadType(96))
    );
    let mut x = 7u32;
    for n in 0..500 {
        let junk: Vec<u8> = (0..n % 90)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect();
        let _ = s.on_datagram(n as u64, &junk);
        assert_eq!(s.poll_playout(n as u64).len(), 160);
    }
    let stats = s.stats();
    assert!(stats.malformed >= 3 && stats.rtcp_dropped >= 1, "{stats:?}");
}

#[test]
fn session_rtcp_mux_sends_reports_on_the_rtp_socket() {
    let pcmu = codec(0, "PCMU", 8000, 1);
    let mut c = config(negotiated(pcmu, None), 1, 8000);
    c.negotiated.rtcp_mux = true;
    let mut s = MediaSession::new(c).unwrap();
    let mut all = Vec::new();
    for i in 0..100 {
        all.extend(s.on_capture(i * 20, &[0; 160]));
    }
    assert!(all.iter().all(|t| matches!(t, Transmit::Rtp(_))));
    assert!(all.len() > 100, "reports were sent too");
    assert!(matches!(s.bye(2000), Some(Transmit::Rtp(_))));
}

#[test]
fn session_update_to_another_codec_keeps_the_stream_and_audio_flows() {
    let pcmu = codec(0, "PCMU", 8000, 1);
    let pcma = codec(8, "PCMA", 8000, 1);
    let mut p = Pair::new(
        config(negotiated(pcmu, None), 1, 8000),
        config(negotiated(pcma.clone(), None), 2, 8000),
    );
    // A sends PCMU that B was not told about: dropped as unknown, counted.
    p.run(20);
    assert!(p.b.stats().malformed >= 10);
    p.a.update(negotiated(pcma, None)).unwrap();
    p.run(60);
    assert!(tone_ratio(last_second(&p.heard_b, 8000), 8000, 1000.0) > 0.8);
    // The same sender goes on counting across the switch.
    assert_eq!(p.a.stats().packets_sent, 80);
    let mut bad = negotiated(codec(9, "G722", 8000, 1), None);
    bad.receive_codecs.clear();
    assert!(matches!(p.a.update(bad), Err(SessionError::Codec(_))));
}

#[test]
fn rtcp_reports_follow_rfc3550_timing_first_at_half_the_interval() {
    let mut schedule = RtcpSchedule::new(5000, 0xABCD);
    let mut due = Vec::new();
    for now in (0..60_000).step_by(20) {
        if schedule.due(now) {
            due.push(now);
        }
    }
    // First report within 0.5..1.5 x 2.5 s / 1.21828, then every 0.5..1.5 x 5 s / 1.21828.
    let scale = 1.0 / (std::f64::consts::E - 1.5);
    let first = due[0] as f64;
    assert!((2500.0 * 0.5 * scale..=2500.0 * 1.5 * scale + 20.0).contains(&first));
    let gaps: Vec<f64> = due.windows(2).map(|w| (w[1] - w[0]) as f64).collect();
    assert!(gaps
        .iter()
        .all(|g| (5000.0 * 0.5 * scale..=5000.0 * 1.5 * scale + 20.0).contains(g)));
    // Randomised: not all the same.
    assert!(gaps.iter().any(|g| (g - gaps[0]).abs() > 40.0), "{gaps:?}");
}
