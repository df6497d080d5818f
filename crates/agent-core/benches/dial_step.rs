//! How long the policy core takes from the dial action to its `SendInvite` decision,
//! for 911 and for an ordinary number: p50, p99 and worst over many dials.
//!
//! A benchmark, not a test: on a shared machine a timed assertion would fail for
//! reasons that have nothing to do with the code. `cargo xtask bench` runs it.

// Measuring needs a clock; the core itself never reads one.
#![allow(clippy::disallowed_methods)]

use std::time::{Duration, Instant};

use agent_core::{CallId, Core, CoreConfig, DurableState, Input, Millis, Output};

const DIALS: u64 = 10_000;

fn measure(dial_string: &str) -> Vec<Duration> {
    let mut times = Vec::with_capacity(DIALS as usize);
    for i in 0..DIALS {
        // A fresh core per dial: the first call of a session is the one that matters.
        let mut core = Core::resume(CoreConfig::default(), DurableState::default(), Millis(0));
        let input = Input::Dial {
            call_id: CallId(i),
            dial_string: dial_string.to_owned(),
        };
        let start = Instant::now();
        let out = core.handle(Millis(1_000), input).expect("dial accepted");
        times.push(start.elapsed());
        assert!(
            matches!(out.first(), Some(Output::SendInvite { .. })),
            "the INVITE must be the first decision"
        );
    }
    times.sort();
    times
}

fn main() {
    println!("policy core, dial action to SendInvite decision ({DIALS} dials each)");
    println!(
        "{:<10} {:>10} {:>10} {:>10}",
        "dialled", "p50", "p99", "worst"
    );
    for (label, dial_string) in [
        ("911", "911"),
        ("9-1-1", "9-1-1"),
        ("ordinary", "(206) 386-4000"),
    ] {
        let t = measure(dial_string);
        let pick = |q: f64| t[((t.len() as f64 - 1.0) * q) as usize];
        println!(
            "{label:<10} {:>10.1?} {:>10.1?} {:>10.1?}",
            pick(0.50),
            pick(0.99),
            t[t.len() - 1]
        );
    }
}
