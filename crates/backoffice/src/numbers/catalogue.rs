//! The built-in supplier's catalogue: realistic numbers generated deterministically from
//! real US area codes, the seven toll-free prefixes and a few other countries, so that a
//! search on one machine looks like a search at a real carrier.

use std::sync::OnceLock;

use super::supplier::{AvailableNumber, TOLL_FREE_PREFIXES};

/// US area codes with a city and state (all real assignments).
const US_AREAS: &[(&str, &str, &str)] = &[
    ("206", "Seattle", "WA"),
    ("425", "Bellevue", "WA"),
    ("509", "Spokane", "WA"),
    ("503", "Portland", "OR"),
    ("415", "San Francisco", "CA"),
    ("408", "San Jose", "CA"),
    ("213", "Los Angeles", "CA"),
    ("619", "San Diego", "CA"),
    ("916", "Sacramento", "CA"),
    ("702", "Las Vegas", "NV"),
    ("602", "Phoenix", "AZ"),
    ("303", "Denver", "CO"),
    ("801", "Salt Lake City", "UT"),
    ("512", "Austin", "TX"),
    ("214", "Dallas", "TX"),
    ("713", "Houston", "TX"),
    ("210", "San Antonio", "TX"),
    ("312", "Chicago", "IL"),
    ("612", "Minneapolis", "MN"),
    ("314", "St. Louis", "MO"),
    ("313", "Detroit", "MI"),
    ("614", "Columbus", "OH"),
    ("317", "Indianapolis", "IN"),
    ("615", "Nashville", "TN"),
    ("404", "Atlanta", "GA"),
    ("305", "Miami", "FL"),
    ("407", "Orlando", "FL"),
    ("704", "Charlotte", "NC"),
    ("202", "Washington", "DC"),
    ("215", "Philadelphia", "PA"),
    ("212", "New York", "NY"),
    ("718", "Brooklyn", "NY"),
    ("617", "Boston", "MA"),
    ("401", "Providence", "RI"),
    ("808", "Honolulu", "HI"),
    ("907", "Anchorage", "AK"),
    ("787", "San Juan", "PR"),
];

/// A few numbers outside the US: the search is by country only for them.
/// (country, leading digits, city, digits that follow).
const OTHER: &[(&str, &str, &str, usize)] = &[
    // Ofcom's range reserved for drama: realistic and never anyone's line.
    ("GB", "+4420794600", "London", 2),
    ("CA", "+1416555", "Toronto", 4),
    ("CA", "+1604555", "Vancouver", 4),
    ("DE", "+4930901820", "Berlin", 2),
    ("FR", "+3314100", "Paris", 4),
];

const PER_AREA: u32 = 12;

/// The whole catalogue, built once.
pub(super) fn catalogue() -> &'static [AvailableNumber] {
    static CATALOGUE: OnceLock<Vec<AvailableNumber>> = OnceLock::new();
    CATALOGUE.get_or_init(build)
}

fn build() -> Vec<AvailableNumber> {
    let mut out = Vec::new();
    for &(npa, city, state) in US_AREAS {
        let mut seed: u32 = npa.parse::<u32>().unwrap_or(1).wrapping_mul(2_654_435_761);
        for _ in 0..PER_AREA {
            seed = lcg(seed);
            // Exchange codes 200-999 without the N11 service codes (211 ... 911).
            let mut nxx = 200 + (seed >> 8) % 800;
            if nxx % 100 == 11 {
                nxx += 1;
            }
            seed = lcg(seed);
            let line = (seed >> 4) % 10_000;
            out.push(AvailableNumber {
                e164: format!("+1{npa}{nxx:03}{line:04}"),
                country: "US".into(),
                area_code: Some(npa.into()),
                city: Some(city.into()),
                state: Some(state.into()),
                toll_free: false,
            });
        }
    }
    for prefix in TOLL_FREE_PREFIXES {
        let mut seed: u32 = prefix.parse::<u32>().unwrap_or(1).wrapping_mul(40_503);
        for _ in 0..PER_AREA {
            seed = lcg(seed);
            let rest = 2_000_000 + (seed >> 3) % 8_000_000;
            out.push(AvailableNumber {
                e164: format!("+1{prefix}{rest:07}"),
                country: "US".into(),
                area_code: None,
                city: None,
                state: None,
                toll_free: true,
            });
        }
    }
    for &(country, stem, city, width) in OTHER {
        for i in 0..6u32 {
            let tail = format!("{:0width$}", 10 + i * 7);
            out.push(AvailableNumber {
                e164: format!("{stem}{tail}"),
                country: country.into(),
                area_code: None,
                city: Some(city.into()),
                state: None,
                toll_free: false,
            });
        }
    }
    out.sort_by(|a, b| a.e164.cmp(&b.e164));
    out.dedup_by(|a, b| a.e164 == b.e164);
    out
}

fn lcg(x: u32) -> u32 {
    x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223)
}

#[cfg(test)]
mod tests {
    use super::catalogue;
    use crate::e164;

    #[test]
    fn n03_catalogue_numbers_are_valid_e164_and_cover_every_kind() {
        let all = catalogue();
        assert!(all.len() > 400, "{}", all.len());
        for n in all {
            e164::validate("e164", "N3", &n.e164).unwrap();
            if n.country == "US" && !n.toll_free {
                let npa = n.area_code.as_deref().unwrap();
                assert!(n.e164.starts_with(&format!("+1{npa}")));
                assert_eq!(n.e164.len(), 12);
            }
        }
        assert!(all
            .iter()
            .any(|n| n.toll_free && n.e164.starts_with("+1833")));
        assert!(all.iter().any(|n| n.country == "GB"));
    }
}
