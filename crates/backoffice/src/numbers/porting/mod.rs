//! N6: porting existing US numbers in from another carrier.
//!
//! A request carries its numbers, each with its losing carrier, and exactly one letter
//! of authorization (LOA) per losing carrier. The numbers enter `numbers` at once as
//! PortinInProgress, so they count against the limit (N5) and cannot be ordered by
//! anyone else meanwhile; they reach the inventory (Unassigned) when the port completes
//! and become Cancelled if it is cancelled.
//!
//! The carrier's side is [`crate::Backoffice::record_carrier_event`]: the embedded default is
//! an administrator (or a test) advancing the request; a real carrier integration calls
//! the same method from its notifications. Each step is one transaction that checks the
//! current state, so a late or repeated event cannot move a request backwards.

mod service;

use std::collections::{BTreeSet, HashSet};

use super::supplier::{country_of, is_toll_free};
use super::ProductType;
use crate::clock::Timestamp;
use crate::e164;
use crate::error::{Error, Result};
use crate::numbers::string_enum;
use crate::redact::Redacted;

string_enum!(
    /// N6: where a port-in request stands.
    PortState { Submitted, PendingDocuments, FirmOrderCommitment, Completed, Exception, Cancelled }
);

/// A letter of authorization for one losing carrier. Every field must match what the
/// carrier has on file; all are required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loa {
    pub carrier: String,
    pub authorized_name: String,
    pub billing_telephone_number: String,
    pub service_address: String,
    pub account_number: String,
}

impl Loa {
    /// The fields still missing (empty when complete).
    pub fn missing_fields(&self) -> Vec<&'static str> {
        [
            ("authorized_name", &self.authorized_name),
            ("billing_telephone_number", &self.billing_telephone_number),
            ("service_address", &self.service_address),
            ("account_number", &self.account_number),
        ]
        .into_iter()
        .filter(|(_, v)| v.trim().is_empty())
        .map(|(name, _)| name)
        .collect()
    }
}

/// One number to port and the carrier it leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortNumber {
    pub e164: String,
    pub carrier: String,
}

/// What the carriers report about a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CarrierEvent {
    /// The port will happen at this time.
    FirmOrderCommitment { at: Timestamp },
    /// The numbers have moved.
    Completed,
    /// The carriers refused; the reason says what to fix.
    Exception { reason: String },
}

/// A port-in request as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortRequest {
    pub id: String,
    pub product_type: ProductType,
    pub state: PortState,
    /// The firm order commitment date, once given.
    pub foc_at: Option<Timestamp>,
    /// Why it is PendingDocuments or Exception.
    pub note: String,
    pub numbers: Vec<PortNumber>,
    pub loas: Vec<Loa>,
}

fn pending_note(loas: &[Loa]) -> String {
    loas.iter()
        .filter(|l| !l.missing_fields().is_empty())
        .map(|l| format!("{}: missing {}", l.carrier, l.missing_fields().join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

fn decode(e: String) -> Error {
    Error::Storage(sqlx::Error::Decode(e.into()))
}

fn validate(product_type: ProductType, numbers: &[PortNumber], loas: &[Loa]) -> Result<()> {
    if numbers.is_empty() || numbers.len() > 100 {
        return Err(Error::invalid(
            "numbers",
            "N6",
            "a port-in request holds 1 to 100 numbers",
        ));
    }
    let mut seen = HashSet::new();
    for n in numbers {
        e164::validate("numbers", "N6", &n.e164)?;
        if !seen.insert(&n.e164) {
            return Err(Error::invalid(
                "numbers",
                "N6",
                format!("{} appears twice", Redacted(&n.e164)),
            ));
        }
        if country_of(&n.e164) != "US" {
            return Err(Error::invalid(
                "numbers",
                "N6",
                "only United States numbers can be ported in",
            ));
        }
        if is_toll_free(&n.e164) && product_type != ProductType::VoiceConnector {
            return Err(Error::invalid(
                "product_type",
                "N1",
                "toll-free numbers can only be Voice Connector numbers",
            ));
        }
        if n.carrier.trim().is_empty() {
            return Err(Error::invalid(
                "numbers.carrier",
                "N6",
                "name the losing carrier of every number",
            ));
        }
    }
    let carriers: BTreeSet<&str> = numbers.iter().map(|n| n.carrier.trim()).collect();
    let mut letters = BTreeSet::new();
    for l in loas {
        if !letters.insert(l.carrier.trim()) {
            return Err(Error::invalid(
                "loas",
                "N6",
                format!("two letters of authorization for {}", l.carrier),
            ));
        }
        if !l.billing_telephone_number.is_empty() {
            e164::validate(
                "loas.billing_telephone_number",
                "N6",
                &l.billing_telephone_number,
            )?;
        }
    }
    if let Some(missing) = carriers.difference(&letters).next() {
        return Err(Error::invalid(
            "loas",
            "N6",
            format!("one letter of authorization per losing carrier: none for {missing}"),
        ));
    }
    if let Some(extra) = letters.difference(&carriers).next() {
        return Err(Error::invalid(
            "loas",
            "N6",
            format!("a letter of authorization for {extra}, which loses no number"),
        ));
    }
    Ok(())
}
