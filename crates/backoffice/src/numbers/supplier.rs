//! Where available numbers come from (N3, N4): an interface, so a real carrier can be
//! plugged in, and a built-in supplier over an embedded catalogue so everything works
//! on one machine.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use super::catalogue::catalogue;
use crate::error::{Error, Result};

/// A boxed future, so that suppliers can be used as `dyn NumberSupplier`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The US toll-free prefixes (N3).
pub const TOLL_FREE_PREFIXES: [&str; 7] = ["800", "833", "844", "855", "866", "877", "888"];

/// NANP area codes that belong to Canada (the rest of +1 here is the US or its
/// territories); enough for the countries the catalogue offers.
const CANADIAN_AREA_CODES: [&str; 12] = [
    "204", "236", "250", "306", "403", "416", "437", "514", "604", "613", "647", "780",
];

/// A number the supplier can provision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvailableNumber {
    pub e164: String,
    /// ISO 3166 alpha-2.
    pub country: String,
    pub area_code: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub toll_free: bool,
}

/// A search for available numbers (N3). Build it with [`SearchQuery::country`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub country: String,
    pub area_code: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub toll_free_prefix: Option<String>,
    pub limit: usize,
}

impl SearchQuery {
    /// The largest result a search returns.
    pub const MAX_LIMIT: usize = 100;

    /// All available numbers of `country`, at most 10.
    pub fn country(country: &str) -> Self {
        Self {
            country: country.into(),
            area_code: None,
            city: None,
            state: None,
            toll_free_prefix: None,
            limit: 10,
        }
    }

    /// Checks the query: every refusal names its field (A2).
    pub fn validate(&self) -> Result<()> {
        let c = &self.country;
        if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(Error::invalid(
                "country",
                "N3",
                "an ISO 3166 alpha-2 code such as US",
            ));
        }
        if self.limit == 0 || self.limit > Self::MAX_LIMIT {
            return Err(Error::invalid(
                "limit",
                "N3",
                format!("between 1 and {}", Self::MAX_LIMIT),
            ));
        }
        let local = self.area_code.is_some() || self.city.is_some() || self.state.is_some();
        if c != "US" && (local || self.toll_free_prefix.is_some()) {
            return Err(Error::invalid(
                "country",
                "N3",
                "area code, city, state and toll-free prefix are searched only in the US",
            ));
        }
        if let Some(a) = &self.area_code {
            if a.len() != 3 || !a.bytes().all(|b| b.is_ascii_digit()) || a.starts_with(['0', '1']) {
                return Err(Error::invalid(
                    "area_code",
                    "N3",
                    "three digits, the first 2 to 9",
                ));
            }
        }
        if let Some(s) = &self.state {
            if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(Error::invalid(
                    "state",
                    "N3",
                    "a two-letter state code such as WA",
                ));
            }
        }
        if let Some(p) = &self.toll_free_prefix {
            if !TOLL_FREE_PREFIXES.contains(&p.as_str()) {
                return Err(Error::invalid(
                    "toll_free_prefix",
                    "N3",
                    format!("one of {}", TOLL_FREE_PREFIXES.join(", ")),
                ));
            }
            if local {
                return Err(Error::invalid(
                    "toll_free_prefix",
                    "N3",
                    "toll-free numbers have no area code, city or state",
                ));
            }
        }
        Ok(())
    }

    /// Whether `n` answers this query (limit aside).
    pub fn matches(&self, n: &AvailableNumber) -> bool {
        let eq = |want: &Option<String>, have: &Option<String>| match want {
            None => true,
            Some(w) => have.as_deref().is_some_and(|h| h.eq_ignore_ascii_case(w)),
        };
        n.country == self.country
            && eq(&self.area_code, &n.area_code)
            && eq(&self.city, &n.city)
            && eq(&self.state, &n.state)
            && match &self.toll_free_prefix {
                Some(p) => n.toll_free && n.e164.get(2..5) == Some(p.as_str()),
                None => true,
            }
    }
}

/// Whether an E.164 number is a US toll-free number (N1).
pub fn is_toll_free(e164: &str) -> bool {
    e164.len() == 12
        && e164.starts_with("+1")
        && TOLL_FREE_PREFIXES
            .iter()
            .any(|p| e164.get(2..5) == Some(*p))
}

/// The country of an E.164 number, as far as the back office needs to know.
pub fn country_of(e164: &str) -> &'static str {
    if let Some(rest) = e164.strip_prefix("+1") {
        let npa = rest.get(..3).unwrap_or_default();
        return if CANADIAN_AREA_CODES.contains(&npa) {
            "CA"
        } else {
            "US"
        };
    }
    [("+44", "GB"), ("+49", "DE"), ("+33", "FR")]
        .iter()
        .find(|(p, _)| e164.starts_with(p))
        .map_or("ZZ", |(_, c)| c)
}

/// The carrier side of numbers.
pub trait NumberSupplier: Send + Sync + fmt::Debug {
    /// Available numbers answering `query` (already validated), at most `query.limit`.
    fn search<'a>(&'a self, query: &'a SearchQuery) -> BoxFuture<'a, Result<Vec<AvailableNumber>>>;

    /// Provisions `numbers`; one result per number, in order: `Err(reason)` for a number
    /// the supplier could not provide. Must be idempotent: a number already provisioned
    /// to us succeeds again.
    fn provision<'a>(
        &'a self,
        numbers: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<Result<(), String>>>>;

    /// Releases a number for good. Must be idempotent.
    fn release<'a>(&'a self, e164: &'a str) -> BoxFuture<'a, Result<()>>;
}

/// The embedded supplier: the catalogue, with test hooks to make provisioning fail and
/// to count releases.
#[derive(Debug, Default)]
pub struct BuiltinSupplier {
    failing: Mutex<HashSet<String>>,
    released: Mutex<Vec<String>>,
}

impl BuiltinSupplier {
    /// A supplier over the embedded catalogue.
    pub fn new() -> Self {
        Self::default()
    }

    /// From now on, provisioning `e164` fails (to show partial orders).
    pub fn fail_provisioning(&self, e164: &str) {
        lock(&self.failing).insert(e164.to_owned());
    }

    /// Every release call so far, in order (duplicates included).
    pub fn releases(&self) -> Vec<String> {
        lock(&self.released).clone()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere cannot leave these plain collections inconsistent.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl NumberSupplier for BuiltinSupplier {
    fn search<'a>(&'a self, query: &'a SearchQuery) -> BoxFuture<'a, Result<Vec<AvailableNumber>>> {
        Box::pin(async move {
            Ok(catalogue()
                .iter()
                .filter(|n| query.matches(n))
                .take(query.limit)
                .cloned()
                .collect())
        })
    }

    fn provision<'a>(
        &'a self,
        numbers: &'a [String],
    ) -> BoxFuture<'a, Result<Vec<Result<(), String>>>> {
        Box::pin(async move {
            let failing = lock(&self.failing);
            Ok(numbers
                .iter()
                .map(|n| {
                    if failing.contains(n) {
                        Err("the carrier could not provide this number".to_owned())
                    } else if catalogue()
                        .binary_search_by(|c| c.e164.as_str().cmp(n))
                        .is_err()
                    {
                        Err("not available from the supplier".to_owned())
                    } else {
                        Ok(())
                    }
                })
                .collect())
        })
    }

    fn release<'a>(&'a self, e164: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            lock(&self.released).push(e164.to_owned());
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn n03_query_validation_names_the_field() {
        let mut q = SearchQuery::country("US");
        q.toll_free_prefix = Some("800".into());
        q.area_code = Some("206".into());
        assert!(matches!(
            q.validate(),
            Err(Error::Invalid {
                field: "toll_free_prefix",
                rule: "N3",
                ..
            })
        ));
        let mut q = SearchQuery::country("GB");
        q.city = Some("London".into());
        assert!(matches!(
            q.validate(),
            Err(Error::Invalid {
                field: "country",
                ..
            })
        ));
        let mut q = SearchQuery::country("US");
        q.limit = 101;
        assert!(matches!(
            q.validate(),
            Err(Error::Invalid { field: "limit", .. })
        ));
    }

    #[test]
    fn n01_toll_free_and_country_are_recognised() {
        assert!(is_toll_free("+18335550100"));
        assert!(!is_toll_free("+12065550100"));
        assert_eq!(country_of("+14165550100"), "CA");
        assert_eq!(country_of("+12065550100"), "US");
        assert_eq!(country_of("+442079460010"), "GB");
    }
}
