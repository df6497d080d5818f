//! Identifiers for orders and voice connectors.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A new identifier such as `ord-5f3a9c0e12d4b7a8`: 64 random bits from the standard
/// library's randomly keyed hasher, mixed with the time, the process and a counter, so
/// two service instances sharing a database do not collide. Not a secret: never use it
/// as a token.
pub fn new_id(prefix: &str) -> String {
    let mut h = RandomState::new().build_hasher();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    h.write_u128(nanos);
    h.write_u32(std::process::id());
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    format!("{prefix}-{:016x}", h.finish())
}

#[cfg(test)]
mod tests {
    use super::new_id;
    use std::collections::HashSet;

    #[test]
    fn ids_are_prefixed_and_distinct() {
        let ids: HashSet<String> = (0..10_000).map(|_| new_id("ord")).collect();
        assert_eq!(ids.len(), 10_000);
        assert!(ids
            .iter()
            .all(|id| id.starts_with("ord-") && id.len() == 20));
    }
}
