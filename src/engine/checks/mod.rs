//! The checks, one file (or folder) per module of checks; `ALL` lists every module's checks for the registry.

use super::registry::Check;

pub mod ai_surface;
pub mod api;
pub mod cloud;
pub mod components;
pub mod disclosure;
pub mod dns;
pub mod headers;
pub mod network;
pub mod secrets;
pub mod templates;
pub mod tls;

/// Every module's checks, in the order coverage lists them.
pub static ALL: &[&[Check]] = &[
    tls::CHECKS,
    headers::CHECKS,
    disclosure::CHECKS,
    secrets::CHECKS,
    components::CHECKS,
    dns::CHECKS,
    api::CHECKS,
    ai_surface::CHECKS,
    cloud::CHECKS,
    network::CHECKS,
    templates::CHECKS,
];
