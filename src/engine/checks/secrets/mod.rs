//! `secrets` checks: credentials in the site's pages, scripts, source maps, configuration endpoints and exposed .env files.

use crate::engine::registry::Check;

/// The checks of this module.
pub static CHECKS: &[Check] = &[];
