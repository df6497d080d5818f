//! The country check against a real HTTP server on loopback: what it answers, when it
//! is down, and when it is slower than its budget (E9).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use location::{FixSource, Geolocator, ServiceConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A one-route HTTP server: every request gets `body` after `delay`. `answered` turns
/// true when a response has been written.
async fn server(body: &'static str, delay: Duration) -> (SocketAddr, Arc<AtomicBool>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let answered = Arc::new(AtomicBool::new(false));
    let flag = answered.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let flag = flag.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 2048];
                let _ = stream.read(&mut buf).await;
                tokio::time::sleep(delay).await;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                if stream.write_all(response.as_bytes()).await.is_ok() {
                    flag.store(true, Ordering::SeqCst);
                }
            });
        }
    });
    (addr, answered)
}

fn service(url: String, timeout: Duration) -> Geolocator {
    Geolocator::new(Some(ServiceConfig { url, timeout })).unwrap()
}

const PRIVATE: Option<std::net::IpAddr> =
    Some(std::net::IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 7)));

#[tokio::test]
async fn the_service_answer_is_the_network_country_e9() {
    let (addr, _) = server(r#"{"country_code":"US"}"#, Duration::ZERO).await;
    let geo = service(format!("http://{addr}/country"), Duration::from_secs(5));
    let fix = geo.check_from(PRIVATE).await;
    assert_eq!(fix.country.as_deref(), Some("US"));
    assert_eq!(fix.source, FixSource::Service);
    assert_eq!(geo.last(), Some(fix));
}

#[tokio::test]
async fn a_service_naming_another_country_is_reported_as_that_country_e9() {
    let (addr, _) = server(r#"{"country":"CA"}"#, Duration::ZERO).await;
    let fix = service(format!("http://{addr}/"), Duration::from_secs(5))
        .check_from(PRIVATE)
        .await;
    assert_eq!(fix.country.as_deref(), Some("CA"));
    assert_eq!(fix.source, FixSource::Service);
}

#[tokio::test]
async fn a_service_answering_only_the_public_address_is_mapped_offline() {
    let (addr, _) = server(r#"{"ip":"8.8.8.8"}"#, Duration::ZERO).await;
    let fix = service(format!("http://{addr}/"), Duration::from_secs(5))
        .check_from(PRIVATE)
        .await;
    assert_eq!(fix.country.as_deref(), Some("US"));
    assert_eq!(fix.source, FixSource::Service);
}

#[tokio::test]
async fn a_service_that_is_down_falls_back_to_the_offline_data() {
    // A port that was just free: nothing listens there.
    let closed = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap();
    let geo = service(format!("http://{closed}/"), Duration::from_secs(5));
    let fix = geo.check_from(Some("8.8.8.8".parse().unwrap())).await;
    assert_eq!(fix.country.as_deref(), Some("US"));
    assert_eq!(fix.source, FixSource::Offline);
    assert!(fix.detail.contains("cannot be reached"), "{}", fix.detail);

    let unknown = geo.check_from(PRIVATE).await;
    assert_eq!(unknown.country, None);
    assert_eq!(unknown.source, FixSource::Unknown);
}

#[tokio::test]
async fn a_service_slower_than_its_budget_is_not_waited_for() {
    let (addr, answered) = server(r#"{"country_code":"US"}"#, Duration::from_secs(10)).await;
    let fix = service(format!("http://{addr}/"), Duration::from_millis(300))
        .check_from(PRIVATE)
        .await;
    // The check gave up before the server said anything.
    assert!(!answered.load(Ordering::SeqCst));
    assert_eq!(fix.source, FixSource::Unknown);
    assert!(
        fix.detail.contains("did not answer within 0.3 s"),
        "{}",
        fix.detail
    );
}

#[tokio::test]
async fn a_garbled_answer_is_not_taken_for_a_country() {
    let (addr, _) = server("<html>sign in to the hotel wifi</html>", Duration::ZERO).await;
    let fix = service(format!("http://{addr}/"), Duration::from_secs(5))
        .check_from(PRIVATE)
        .await;
    assert_eq!(fix.country, None);
    assert!(fix.detail.contains("names no country"), "{}", fix.detail);
}

#[tokio::test]
async fn an_https_service_that_fails_its_handshake_falls_back() {
    // Plain HTTP behind an https URL: the TLS client refuses it; no panic, a fallback.
    let (addr, _) = server(r#"{"country_code":"US"}"#, Duration::ZERO).await;
    let fix = service(format!("https://{addr}/"), Duration::from_secs(5))
        .check_from(Some("8.8.8.8".parse().unwrap()))
        .await;
    assert_eq!(fix.source, FixSource::Offline);
}

#[tokio::test]
async fn without_a_service_only_the_offline_data_is_used() {
    let geo = Geolocator::new(None).unwrap();
    let fix = geo.check_from(Some("8.8.8.8".parse().unwrap())).await;
    assert_eq!(fix.source, FixSource::Offline);
    assert!(
        fix.detail.contains("no geolocation service"),
        "{}",
        fix.detail
    );
}
