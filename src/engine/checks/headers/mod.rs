//! `headers` checks: the MDN HTTP Observatory's tests (CSP, framing, content sniffing, referrer, cross-origin
//! isolation, cookies, subresource integrity) plus permissions policy, mixed content and forms posting over HTTP.

use crate::engine::registry::Check;

/// The `headers` checks.
pub static CHECKS: &[Check] = &[];
