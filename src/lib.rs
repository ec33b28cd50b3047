//! flowboard: a terminal patient-flow board for clinics giving exosome
//! treatments by IV drip and local injection.
//!
//! Layers (one direction only, see docs/ARCHITECTURE.md):
//! `ui -> client -> (socket) -> server -> store`, and `server`/`ui` ->
//! `domain`. The domain is pure; only `store` touches sled.
#![forbid(unsafe_code)]

pub mod access;
pub mod cli;
pub mod client;
pub mod config;
pub mod csv_out;
pub mod demo;
pub mod domain;
pub mod feed;
pub mod group;
pub mod i18n;
pub mod import;
pub mod incident_report;
pub mod log;
pub mod operator;
pub mod paths;
pub mod projection;
pub mod protocol;
pub mod records;
pub mod report;
pub mod server;
pub mod snapshot;
pub mod staff;
pub mod store;
pub mod ui;
pub mod wall;
