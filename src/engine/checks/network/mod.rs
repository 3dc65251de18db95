//! `network` checks (deep profile): exposed databases and admin services on a curated list of ports, confirmed by a read-only greeting.

use crate::engine::registry::Check;

/// The checks of this module.
pub static CHECKS: &[Check] = &[];
