//! Phone numbers: search (N3), orders (N4, N5), porting (N6), inventory (N7, N8, N9), the deletion
//! queue (N10), all with a status history (N2) and emergency safety (N11).

mod catalogue;
mod deletion;
mod events;
mod inventory;
mod orders;
mod porting;
mod supplier;

pub use deletion::PurgeReport;
pub use orders::{Order, OrderNumber, OrderNumberStatus, OrderStatus};
pub use porting::{CarrierEvent, Loa, PortNumber, PortRequest, PortState};
pub use supplier::{
    AvailableNumber, BoxFuture, BuiltinSupplier, NumberSupplier, SearchQuery, TOLL_FREE_PREFIXES,
};

pub(crate) use events::{load_locked as events_load_locked, record_event};

use crate::clock::Timestamp;
use crate::leases::Lease;

/// How long a deleted number waits in the deletion queue before it is released (N10).
pub const DELETION_QUEUE: std::time::Duration = std::time::Duration::from_secs(7 * 24 * 3600);

/// The order in which a batch operation locks its numbers: sorted, each once. Batches
/// that lock in one order cannot deadlock each other on PostgreSQL, and a number named
/// twice is handled once instead of being refused for its own new status.
pub(crate) fn lock_order(numbers: &[String]) -> Vec<String> {
    let mut v = numbers.to_vec();
    v.sort();
    v.dedup();
    v
}

/// Who made a change: recorded with every status change (N2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor(pub String);

impl Actor {
    /// An actor by name, e.g. `admin:alice` or `system:purger`.
    pub fn new(name: impl Into<String>) -> Self {
        Self(name.into())
    }
}

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $variant),* }

        impl $name {
            /// The name stored in the database and shown to users.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => stringify!($variant)),* }
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $(stringify!($variant) => Ok(Self::$variant),)*
                    other => Err(format!("unknown {}: {other}", stringify!($name))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_enum;

string_enum!(
    /// N1: what a number is for.
    ProductType {
        /// Assigned to a user.
        BusinessCalling,
        /// Assigned to a voice connector; the only type toll-free numbers can have.
        VoiceConnector,
    }
);

string_enum!(
    /// N2: the one status a number is in.
    NumberStatus {
        AcquireInProgress,
        AcquireFailed,
        Unassigned,
        Assigned,
        /// In the deletion queue.
        DeleteInProgress,
        ReleaseInProgress,
        ReleaseFailed,
        DeleteFailed,
        PortinInProgress,
        Cancelled,
    }
);

/// Who a number is assigned to (N7): at most one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignee {
    /// A Business Calling number's user.
    User(String),
    /// A Voice Connector number's voice connector (its id).
    VoiceConnector(String),
}

/// One recorded change of a number (N2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberEvent {
    pub at: Timestamp,
    pub actor: String,
    /// None when the number entered the system with this change.
    pub from: Option<NumberStatus>,
    pub to: NumberStatus,
    /// What else changed, e.g. the assignee or the product type.
    pub detail: String,
}

/// A number as listed in the inventory or the deletion queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberSummary {
    pub e164: String,
    pub country: String,
    pub toll_free: bool,
    pub product_type: ProductType,
    pub status: NumberStatus,
    pub assignee: Option<Assignee>,
    /// When a number in the deletion queue is released for good.
    pub purge_at: Option<Timestamp>,
}

/// Whether a number serves emergency callbacks (N8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmergencyUse {
    /// Member of the tenant's emergency callback pool (V3).
    pub in_callback_pool: bool,
    /// The lease it holds now, if any (E5).
    pub active_lease: Option<Lease>,
}

/// Everything about one number (N8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberDetails {
    pub summary: NumberSummary,
    pub calling_enabled: bool,
    pub sms_enabled: bool,
    pub emergency: EmergencyUse,
    /// Oldest first.
    pub history: Vec<NumberEvent>,
}
