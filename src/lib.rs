//! Palisade: a self-hosted web security scanner that AI agents, CI jobs and people drive.
//!
//! - [`app`] is the one place the parts are wired: `App::build(config)` gives the engine, the store and the
//!   services every front end calls (targets, scans, findings).
//! - [`engine`] plans and runs checks against targets under per-host limits, a time budget and the scope guard
//!   ([`scope`]), streaming findings as they are found.
//! - [`store`] holds all SQL (SQLite in WAL mode), behind functions named for what they do.
//! - [`scheduler`] starts scheduled scans inside `palisade serve`.
//! - [`cli`] is the command-line front end; [`lab`] is the built-in demo target.
//! - [`advisories`] is the database of vulnerable and end-of-life component versions the `components` checks
//!   match against: bundled, plus feeds imported with `palisade db import` / `db update`.
//! - [`model`], [`target`] and [`config`] are the shared vocabulary: findings and scans, normalised targets, and
//!   layered configuration.

pub mod advisories;
pub mod app;
pub mod cli;
pub mod config;
pub mod engine;
pub mod lab;
pub mod mcp;
pub mod model;
pub mod report;
pub mod rest;
pub mod scheduler;
pub mod scope;
pub mod server;
pub mod store;
pub mod target;
pub mod templates;
pub mod time;
