//! `cloud` checks: CDN and WAF identification and public listing of storage buckets the site's pages name.

use crate::engine::registry::Check;

/// The checks of this module.
pub static CHECKS: &[Check] = &[];
