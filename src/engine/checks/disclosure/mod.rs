//! `disclosure` checks: version banners, exposed files verified by content, directory listings, error pages with
//! stack traces, and a missing security.txt.

use crate::engine::registry::Check;

/// The `disclosure` checks.
pub static CHECKS: &[Check] = &[];
