//! One-line finding summaries, as CLI progress and MCP progress notifications show them:
//! `[HIGH] tls.cert-expired shop.example: TLS certificate expired on 2026-10-17`.

use crate::model::Finding;

/// One line for a finding, control characters replaced (the title may quote the scanned site).
pub fn finding_line(f: &Finding, host: &str) -> String {
    let line = format!(
        "[{}] {} {}: {}",
        f.severity.label(),
        f.check_id,
        host,
        f.title
    );
    line.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// The host part of a finding location (a URL, `host:port`, or `host (TLS)`).
pub fn host_of(location: &str) -> String {
    match url::Url::parse(location) {
        Ok(u) if u.host_str().is_some() => u.host_str().unwrap_or_default().to_string(),
        _ => location
            .split([' ', '/'])
            .next()
            .unwrap_or(location)
            .to_string(),
    }
}
