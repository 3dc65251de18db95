//! The checks, one file (or folder) per module of checks; `ALL` lists every module's checks for the registry.

use super::registry::Check;

pub mod api;
pub mod disclosure;
pub mod headers;
pub mod tls;

/// Every module's checks, in the order coverage lists them.
pub static ALL: &[&[Check]] = &[
    tls::CHECKS,
    headers::CHECKS,
    disclosure::CHECKS,
    api::CHECKS,
];
