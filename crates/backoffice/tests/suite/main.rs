//! The back office's behaviour suite. Every test is written once, generic over the
//! database, and runs twice: `sqlite::<name>` on a fresh SQLite file and
//! `postgres::<name>` on a fresh PostgreSQL database (see `harness`). Tests are named
//! after the rules of BACKOFFICE.md and EMERGENCY.md they prove.

mod harness;

mod alerts;
mod api;
mod api_admin;

mod batches;
mod cli;
mod connectors;
mod credentials;
mod feed;
mod feed_access;
mod feed_client;
mod inventory;
mod leases;
mod numbers;
mod openapi;
mod porting;
mod service;
mod sip_directory;
mod workers;
