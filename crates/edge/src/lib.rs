//! The back office's SIP edge (issue 6).
pub mod routing;
