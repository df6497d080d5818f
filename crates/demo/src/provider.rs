//! The built-in carrier and emergency provider of demo mode: one SIP user agent on
//! loopback that the edge uses as its carrier trunk. It answers every call with a tone
//! (so the agent hears the call is up), keeps what each emergency or test call carried
//! as a [`CenterRecord`], and calls a number back through the edge on request, as the
//! emergency center would (E6).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use media::audio::tone::ToneGenerator;
use media::audio::{AudioError, AudioSink};
use media::sdp::negotiate::{accept_answer, answer, create_offer, CodecPreference};
use media::sdp::{AddressType, Origin};
use media_net::MediaLeg;
use sip_ua::{Call, CallEvent, Identity, IncomingCall, InviteExtras, UaConfig, UserAgent};
use tokio::task::JoinHandle;

use crate::{DemoError, ROUTING_NUMBER, TEST_ROUTING_NUMBER};

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
/// The center's own number, shown to the agent on a callback.
pub const CENTER_NUMBER: &str = "+12065559110";

/// What the emergency center received with one call (E5, E10, E12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CenterRecord {
    /// The Request-URI's number: the routing number the edge sent the call to.
    pub routing_number: String,
    /// A 933 test call (sent to the test routing number).
    pub test: bool,
    /// The callback number presented in From.
    pub callback: String,
    /// The P-Asserted-Identity number, when there was one.
    pub asserted: Option<String>,
    pub priority: Option<String>,
    /// The PIDF-LO the INVITE carried (E10).
    pub location: Option<String>,
}

/// The running provider; stops with [`Provider::shutdown`].
#[derive(Debug)]
pub struct Provider {
    ua: Arc<UserAgent>,
    records: Arc<Mutex<Vec<CenterRecord>>>,
    edge: Mutex<Option<SocketAddr>>,
    task: JoinHandle<()>,
}

impl Provider {
    pub(crate) async fn start() -> Result<Provider, DemoError> {
        let identity = Identity {
            // A callback shows the center's number to the agent.
            user: CENTER_NUMBER.into(),
            domain: "127.0.0.1".into(),
            display_name: None,
        };
        let (ua, mut events) =
            UserAgent::start(UaConfig::udp(SocketAddr::new(LOOPBACK, 0), identity))
                .await
                .map_err(|e| DemoError::Provider(e.to_string()))?;
        let records = Arc::new(Mutex::new(Vec::new()));
        let kept = records.clone();
        let task = tokio::spawn(async move {
            while let Some(event) = events.next().await {
                if let Some(incoming) = event.into_incoming() {
                    tokio::spawn(take_call(incoming, kept.clone()));
                }
            }
        });
        Ok(Provider {
            ua: Arc::new(ua),
            records,
            edge: Mutex::new(None),
            task,
        })
    }

    /// Where the edge sends its carrier traffic.
    pub fn addr(&self) -> SocketAddr {
        self.ua.local_addr()
    }

    /// What the center received, oldest first (emergency and test calls only).
    pub fn records(&self) -> Vec<CenterRecord> {
        lock(&self.records).clone()
    }

    pub(crate) fn set_edge(&self, edge: SocketAddr) {
        *lock(&self.edge) = Some(edge);
    }

    /// The emergency center calls `number` back through the edge (E6). Returns once
    /// the INVITE is sent; the call plays a tone until either side hangs up.
    pub async fn call_back(&self, number: &str) -> Result<(), DemoError> {
        let edge = (*lock(&self.edge))
            .ok_or_else(|| DemoError::Provider("the edge is not running".into()))?;
        let leg = MediaLeg::bind(LOOPBACK)
            .await
            .map_err(|e| DemoError::Provider(e.to_string()))?;
        let local = leg.local_media(vec![CodecPreference::pcmu()], false);
        let offer = create_offer(&local, origin());
        let mut call = self
            .ua
            .invite(
                &format!("sip:{number}@{edge}"),
                &offer.to_string(),
                InviteExtras::default(),
            )
            .await
            .map_err(|e| DemoError::Provider(e.to_string()))?;
        tokio::spawn(async move {
            while let Some(event) = call.next_event().await {
                match event {
                    CallEvent::Answered { sdp } => {
                        let Ok(answer) = media::sdp::parse(&sdp) else {
                            return;
                        };
                        let Ok(negotiated) = accept_answer(&offer, &answer, &local) else {
                            return;
                        };
                        return play_until_ended(call, leg, negotiated).await;
                    }
                    CallEvent::Failed { reason } => {
                        tracing::info!(?reason, "demo callback not answered");
                        return;
                    }
                    CallEvent::Ended { .. } => return,
                    _ => {}
                }
            }
        });
        Ok(())
    }

    pub(crate) fn shutdown(&self) {
        self.ua.shutdown();
        self.task.abort();
    }
}

/// Answers one call from the edge with a tone; an emergency or test call is recorded.
async fn take_call(incoming: IncomingCall, records: Arc<Mutex<Vec<CenterRecord>>>) {
    let routing = incoming.request_user.clone();
    if routing == ROUTING_NUMBER || routing == TEST_ROUTING_NUMBER {
        lock(&records).push(CenterRecord {
            test: routing == TEST_ROUTING_NUMBER,
            routing_number: routing,
            callback: incoming.caller.clone(),
            asserted: incoming.asserted_caller.clone(),
            priority: incoming.priority.clone(),
            location: incoming.location.clone(),
        });
    }
    let call = incoming.call;
    let Some(offer) = incoming.sdp_offer.and_then(|o| media::sdp::parse(&o).ok()) else {
        let _ = call.reject(488);
        return;
    };
    let Ok(leg) = MediaLeg::bind(LOOPBACK).await else {
        let _ = call.reject(503);
        return;
    };
    let local = leg.local_media(
        vec![CodecPreference::opus(), CodecPreference::pcmu()],
        false,
    );
    let Ok((sdp, negotiated)) = answer(&offer, &local, origin()) else {
        let _ = call.reject(488);
        return;
    };
    if call.answer(&sdp.to_string()).is_err() {
        return;
    }
    play_until_ended(call, leg, negotiated).await;
}

async fn play_until_ended(
    mut call: Call,
    leg: MediaLeg,
    negotiated: media::sdp::negotiate::Negotiated,
) {
    let tone = ToneGenerator::new(440.0, 8000, 4000);
    let Ok(stream) = leg.start(negotiated, Box::new(tone), Box::new(Discard)) else {
        let _ = call.bye().await;
        return;
    };
    while let Some(event) = call.next_event().await {
        if matches!(event, CallEvent::Ended { .. } | CallEvent::Failed { .. }) {
            break;
        }
    }
    stream.stop().await;
}

/// The provider hears the agent but keeps nothing of it.
#[derive(Debug)]
struct Discard;

impl AudioSink for Discard {
    fn sample_rate(&self) -> u32 {
        8000
    }

    fn write(&mut self, _samples: &[i16]) -> Result<(), AudioError> {
        Ok(())
    }
}

fn origin() -> Origin {
    Origin {
        username: "demo-provider".into(),
        session_id: "1".into(),
        session_version: 1,
        address_type: AddressType::Ip4,
        address: "127.0.0.1".into(),
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
