//! `components` checks: JavaScript libraries and server software identified with their versions, matched against advisories.

use crate::engine::registry::Check;

/// The checks of this module.
pub static CHECKS: &[Check] = &[];
