//! What the UA logs. Its own test binary: tracing caches per-callsite interest
//! process-wide, so a capturing subscriber must not share the process with tests
//! running on other threads.

mod common;

use common::{complete_call, location, start_ua, Sipp, CALLBACK, SDP_ANSWER, SDP_OFFER};
use sip_ua::InviteExtras;

/// Everything logged while an emergency call is placed and answered and the PSAP's
/// callback comes in and is answered, with rsipstack held at `RSIPSTACK_LOG_FILTER`
/// and our crate at `trace`, is free of the numbers and the address.
#[tokio::test]
async fn logs_carry_no_number_or_address() {
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Capture {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(format!(
            "trace,{}",
            sip_ua::RSIPSTACK_LOG_FILTER
        )))
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    // The test runtime is single-threaded: every task of the UA logs through this.
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut sipp = Sipp::serve("uas_emergency_check.xml").await;
    let (ua, mut events) = start_ua().await;
    let extras = InviteExtras::emergency(Some(CALLBACK.to_owned()), Some(location()));
    let mut call = ua
        .invite(&sipp.uri("911"), SDP_OFFER, extras)
        .await
        .expect("INVITE sent");
    complete_call(&mut call, &sipp).await;
    sipp.assert_passed().await;

    let mut psap = Sipp::call("uac_answered_caller_bye.xml", ua.local_addr(), "agent1001").await;
    let callback = common::next_incoming(&mut events, &psap).await.call;
    callback.ring().expect("180");
    callback.answer(SDP_ANSWER).expect("200");
    psap.assert_passed().await;

    let logs =
        String::from_utf8_lossy(&capture.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned();
    for ours in ["INVITE sent", "incoming call"] {
        assert!(
            logs.contains(ours),
            "our own log lines are captured:\n{logs}"
        );
    }
    for secret in ["3125550100", "3125550199", "Chicago", "Smith"] {
        assert!(!logs.contains(secret), "{secret} in the logs:\n{logs}");
    }
}
