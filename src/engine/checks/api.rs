//! `api` checks: CORS that trusts any origin or `null` with credentials, and TRACE.

use crate::engine::registry::Check;

/// The `api` checks.
pub static CHECKS: &[Check] = &[];
