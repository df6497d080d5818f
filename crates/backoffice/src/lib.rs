//! The back office: the tenant's telephony service.
//!
//! It owns phone numbers (search, orders, porting, assignment, the deletion queue),
//! voice connectors and their emergency routing numbers, the emergency callback leases,
//! the supervisors' live feed, users and roles, and the HTTP API with its web console.
//! It shares only the `wire` types with the desktop app.
//!
//! This crate is at its beginning; see ARCHITECTURE.md for what exists today.
