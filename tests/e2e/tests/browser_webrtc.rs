//! Issue 8: WebRTC interop with a real browser. Headless Chromium (Debian's) loads a
//! page with JsSIP from npm (`tests/browser-peer`), which registers on the real SIP
//! edge over secure WebSocket (WSS, RFC 7118; the edge's certificate is self-signed
//! for the test) as a second agent. It calls the agent's number; the
//! edge puts the call through on-net to the real app under Xvfb, which answers the
//! WebRTC offer with its own peer connection (ICE, DTLS-SRTP, Opus). Audio is checked
//! both ways: Chromium's fake capture plays a 600 Hz tone that must arrive in the app's
//! output file, and the app's input file plays 1 kHz that the page's Web Audio
//! analyser must hear. Then the app, whose account offers WebRTC, calls the browser's
//! number: the edge sends the INVITE down the browser's WebSocket, and audio is
//! checked both ways again.

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use media::audio::tone::{tone_ratio, ToneGenerator};
use serde_json::{json, Value};
use system_tests::chromium::Browser;
use system_tests::site::{Site, REALM, SIP_BROWSER, SIP_PASSWORD};
use system_tests::{free_port, workspace_root, App, Display};

const BROWSER_TONE_HZ: f64 = 600.0;
const APP_TONE_HZ: f64 = 1000.0;

/// A 20 s mono tone at 48 kHz, long enough for any call here.
fn write_tone(path: &Path, hz: f64) -> anyhow::Result<()> {
    let samples = ToneGenerator::new(hz, 48000, 8000).samples(48000 * 20);
    media::audio::wav::write_file(path, 48000, &samples)?;
    Ok(())
}

/// Chromium with fake media: permission granted, capture from `tone`, loopback ICE
/// candidates allowed (the app's peer connection is on 127.0.0.1).
async fn browser_playing(name: &str, tone: &Path) -> anyhow::Result<Browser> {
    Browser::start_with(
        name,
        &[
            "--use-fake-ui-for-media-stream".to_owned(),
            "--use-fake-device-for-media-stream".to_owned(),
            format!("--use-file-for-fake-audio-capture={}", tone.display()),
            "--allow-loopback-in-peer-connection".to_owned(),
            "--autoplay-policy=no-user-gesture-required".to_owned(),
            // The edge's WSS certificate is made for the test and trusted by no one.
            "--ignore-certificate-errors".to_owned(),
        ],
    )
    .await
}

async fn peer_status(browser: &Browser) -> anyhow::Result<Value> {
    Ok(browser
        .client
        .execute("return window.peer.status()", vec![])
        .await?)
}

/// Polls the page's status until `want` accepts it; fails with the last status.
async fn wait_peer(
    browser: &Browser,
    what: &str,
    want: impl Fn(&Value) -> bool,
) -> anyhow::Result<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let status = peer_status(browser).await?;
        if want(&status) {
            return Ok(status);
        }
        anyhow::ensure!(Instant::now() < deadline, "{what}: last status {status}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The share of the last second of `path` in which `hz` dominates, judged in 20 ms
/// windows. The app is still writing the file, and fixes its header's sizes only on
/// flush: the samples are read to the end of the file past the 44-byte header of our
/// mono WAV writer, whatever the header says.
fn heard_share(path: &Path, hz: f64) -> anyhow::Result<f64> {
    let bytes = std::fs::read(path)?;
    anyhow::ensure!(bytes.len() > 44, "nothing played in {}", path.display());
    let rate = u32::from_le_bytes(bytes[24..28].try_into()?);
    let samples: Vec<i16> = bytes[44..]
        .chunks_exact(2)
        .map(|c| i16::from_le_bytes([c[0], c[1]]))
        .collect();
    let window = (rate / 50) as usize;
    let last = &samples[samples.len().saturating_sub(rate as usize)..];
    let windows: Vec<&[i16]> = last.chunks_exact(window).collect();
    anyhow::ensure!(!windows.is_empty(), "nothing played in {}", path.display());
    let toned = windows
        .iter()
        .filter(|w| tone_ratio(w, rate, hz) > 0.5)
        .count();
    Ok(toned as f64 / windows.len() as f64)
}

#[tokio::test]
async fn a_browser_on_websocket_calls_the_app_and_audio_flows_both_ways() -> anyhow::Result<()> {
    let display = Display::start()?;
    let loopback = |port| SocketAddr::from(([127, 0, 0, 1], port));
    let (carrier_port, pbx_port) = (free_port()?, free_port()?);
    let site = Site::start(
        "browser_webrtc",
        loopback(carrier_port),
        &[],
        loopback(pbx_port),
        Duration::from_secs(60),
    )
    .await?;
    let files = tempfile::tempdir()?;
    let browser_tone = files.path().join("browser_tone.wav");
    let app_tone = files.path().join("app_tone.wav");
    let app_heard = files.path().join("app_heard.wav");
    write_tone(&browser_tone, BROWSER_TONE_HZ)?;
    write_tone(&app_tone, APP_TONE_HZ)?;

    let data = tempfile::tempdir()?;
    std::fs::write(
        data.path().join("softphone.toml"),
        format!(
            "{}\n[audio]\ninput = \"{}\"\noutput = \"{}\"\n",
            site.agent_config()
                .replacen("[sip]\n", "[sip]\nmedia = \"webrtc\"\n", 1),
            app_tone.display(),
            app_heard.display()
        ),
    )?;
    let dir = data.path().display().to_string();
    let app = App::launch(&display, &["--data-dir", &dir], "browser_webrtc_app").await?;
    assert_eq!(
        app.wait_attr("registration-state", "data-state", "Registered")
            .await?,
        "Registered"
    );

    let browser = browser_playing("browser_webrtc_peer", &browser_tone).await?;
    let page = workspace_root().join("tests/browser-peer/index.html");
    browser
        .client
        .goto(&format!("file://{}", page.display()))
        .await?;
    browser.testid("peer-ready").await?;
    browser
        .client
        .execute(
            "window.peer.start(arguments[0])",
            vec![json!({
                "ws": format!("wss://{}", site.wss_addr),
                "uri": format!("sip:{SIP_BROWSER}@{REALM}"),
                "user": SIP_BROWSER,
                "password": SIP_PASSWORD,
            })],
        )
        .await?;
    wait_peer(&browser, "JsSIP registers over secure WebSocket", |s| {
        s["registered"] == true
    })
    .await?;

    // The browser calls the agent's number; the edge puts it through on-net.
    browser
        .client
        .execute(
            "window.peer.call(arguments[0])",
            vec![json!(format!("sip:{}@{REALM}", site.agent_number))],
        )
        .await?;
    assert_eq!(
        app.wait_attr("call-card", "data-state", "Ringing").await?,
        "Ringing"
    );
    let remote = app.testid("call-remote").await?.text().await?;
    assert!(
        remote.contains(SIP_BROWSER),
        "the caller is shown: {remote}"
    );
    app.testid("call-answer").await?.click().await?;
    let answered = Instant::now();
    let status = wait_peer(&browser, "the browser's call connects", |s| {
        s["call"] == "connected" && s["iceState"] == "connected"
    })
    .await?;
    println!(
        "browser call: ICE connected {} ms after the agent's click",
        answered.elapsed().as_millis()
    );
    let answer_sdp = status["remoteSdp"].as_str().unwrap_or_default();
    assert!(
        answer_sdp.contains("UDP/TLS/RTP/SAVPF") && answer_sdp.contains("a=fingerprint:"),
        "the app answered with WebRTC media: {answer_sdp}"
    );
    assert_eq!(
        app.wait_attr("call-card", "data-state", "Connected")
            .await?,
        "Connected"
    );

    audio_crosses_both_ways(&app, &browser, &app_heard, "browser_calls_app").await?;

    // The agent hangs up; the browser's call ends.
    app.testid("call-end").await?.click().await?;
    wait_peer(&browser, "the browser's call ends", |s| {
        s["call"] == "ended"
    })
    .await?;
    assert_eq!(
        app.wait_attr("call-card", "data-state", "Ended").await?,
        "Ended"
    );

    // The app calls the browser's number: a WebRTC offer down its WebSocket.
    app.testid("dial-input")
        .await?
        .send_keys(&site.browser_number)
        .await?;
    app.testid("dial-call").await?.click().await?;
    let dialled = Instant::now();
    let status = wait_peer(&browser, "the app's call reaches the browser", |s| {
        s["call"] == "connected" && s["iceState"] == "connected"
    })
    .await?;
    println!(
        "app calls browser: ICE connected {} ms after the agent's click",
        dialled.elapsed().as_millis()
    );
    let offer = status["remoteSdp"].as_str().unwrap_or_default();
    assert!(
        offer.contains("UDP/TLS/RTP/SAVPF") && offer.contains("a=candidate:"),
        "the app offered WebRTC media: {offer}"
    );
    assert_eq!(
        app.wait_attr("call-card", "data-state", "Connected")
            .await?,
        "Connected"
    );
    audio_crosses_both_ways(&app, &browser, &app_heard, "app_calls_browser").await?;
    browser
        .client
        .execute("window.peer.hangup()", vec![])
        .await?;
    wait_peer(&browser, "the browser hangs up", |s| s["call"] == "ended").await?;
    Ok(())
}

/// Lets audio flow, then judges both directions while the call runs: the app's
/// output file has the browser's tone, the page's analyser peaks at the app's.
async fn audio_crosses_both_ways(
    app: &App,
    browser: &Browser,
    app_heard: &Path,
    shot: &str,
) -> anyhow::Result<()> {
    tokio::time::sleep(Duration::from_secs(3)).await;
    let at_app = heard_share(app_heard, BROWSER_TONE_HZ)?;
    let peak: Value = browser
        .client
        .execute("return window.peer.peak()", vec![])
        .await?;
    app.screenshot(&format!("browser_webrtc_{shot}_app"))
        .await?;
    assert!(
        at_app > 0.8,
        "{shot}: the app hears the browser's {BROWSER_TONE_HZ} Hz in {at_app:.2} of the last second"
    );
    let hz = peak["hz"].as_f64().unwrap_or_default();
    let db = peak["db"].as_f64().unwrap_or(f64::NEG_INFINITY);
    assert!(
        (hz - APP_TONE_HZ).abs() < 30.0 && db > -60.0,
        "{shot}: the browser hears the app's {APP_TONE_HZ} Hz: loudest {hz:.0} Hz at {db:.0} dB"
    );
    Ok(())
}
