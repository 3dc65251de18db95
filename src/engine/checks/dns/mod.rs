//! `dns` checks: mail authentication (SPF, DMARC), CAA, DNSSEC, dangling CNAMEs, zone transfers and wildcards.

use crate::engine::registry::Check;

/// The checks of this module.
pub static CHECKS: &[Check] = &[];
