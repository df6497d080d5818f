//! Arbitrary bytes through the edge's message path ([`edge::screen::screen`]): the
//! parse, the RFC 4475 checks and every header reader the edge runs before a lookup.
//! It must never panic, and what it lets through must hold the routing core's
//! invariants.
#![no_main]

use edge::routing::Dialled;
use edge::screen::{screen, Screened};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let from = "127.0.0.1:5070".parse().expect("address");
    match screen(data, from) {
        Screened::Refused(code) => assert!(code == 400 || code == 505, "refused with {code}"),
        Screened::Request(facts) => {
            if let Dialled::Public(e164) = &facts.dialled {
                assert!(e164.starts_with('+') && e164.len() <= 16, "{e164}");
            }
            if let Some((uri, _)) = &facts.contact {
                assert!(uri.starts_with("sip:"));
            }
        }
        Screened::Dropped | Screened::Response(_) => {}
    }
});
