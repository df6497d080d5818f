//! A geolocation service on loopback for the app's network-country check (E9): plain
//! HTTP that answers every request with a fixed body after a fixed delay, so a test
//! can place the network in another country, or make the service slow.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The running service; it stops with the test's runtime.
#[derive(Debug)]
pub struct Geolocation {
    pub addr: SocketAddr,
}

impl Geolocation {
    /// Answers `body` (for example `{"country_code":"CA"}`) after `delay`.
    pub async fn answering(body: &'static str, delay: Duration) -> anyhow::Result<Geolocation> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut request = [0u8; 2048];
                    let _ = stream.read(&mut request).await;
                    tokio::time::sleep(delay).await;
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                         content-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(response.as_bytes()).await;
                });
            }
        });
        Ok(Geolocation { addr })
    }

    /// `config` (an agent's softphone.toml) with the location policy and this service
    /// as its geolocation service, with `timeout_ms` as the lookup's budget.
    pub fn configure(&self, config: &str, policy: &str, timeout_ms: u64) -> String {
        let with_policy = config.replacen(
            "[emergency]\n",
            &format!("[emergency]\nlocation_policy = \"{policy}\"\n"),
            1,
        );
        format!(
            "{with_policy}\n[emergency.geolocation]\nurl = \"http://{}/country\"\ntimeout_ms = {timeout_ms}\n",
            self.addr
        )
    }
}
