//! `headers.framing`: whether other sites can frame the page (X-Frame-Options, CSP `frame-ancestors` from the
//! header), and the Observatory's `x-frame-options` test.

use super::csp_policy::PageCsp;
use super::{combined, graded_page, shown};
use crate::engine::context::CheckCtx;
use crate::engine::registry::CheckResult;

const MDN_XFO: &str =
    "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/X-Frame-Options";
const MDN_FA: &str = "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Content-Security-Policy/frame-ancestors";

headers_rule!(
    CLICKJACKING,
    "headers.clickjacking",
    Medium,
    Some(1021),
    "Page can be framed by any site (no X-Frame-Options or CSP frame-ancestors)",
    "Another site can load this page in an invisible frame and trick visitors into clicking its buttons (clickjacking), for example to change settings or confirm a payment while signed in.",
    "Send `Content-Security-Policy: frame-ancestors 'self'` (or 'none' if the site is never framed), plus `X-Frame-Options: SAMEORIGIN` for old browsers.",
    [MDN_FA, MDN_XFO]
);
headers_rule!(
    XFO_INVALID,
    "headers.xfo-invalid",
    Medium,
    Some(1021),
    "X-Frame-Options header is invalid, so browsers ignore it",
    "Browsers only act on X-Frame-Options DENY or SAMEORIGIN; any other value (ALLOW-FROM included, which no current browser supports) is ignored and the page can be framed by any site.",
    "Send `X-Frame-Options: DENY` or `SAMEORIGIN`; to allow specific sites to frame the page, use `Content-Security-Policy: frame-ancestors 'self' https://partner.example` instead.",
    [MDN_XFO, MDN_FA]
);

/// What X-Frame-Options makes a browser do, following the HTML standard's processing model.
#[derive(Debug, PartialEq)]
pub(super) enum Xfo {
    Missing,
    /// DENY or SAMEORIGIN (or conflicting values, which browsers treat as DENY).
    Blocks,
    /// `ALLOWALL`: framing allowed on purpose.
    AllowAll,
    /// `ALLOW-FROM`, which current browsers ignore.
    AllowFrom,
    Invalid,
}

/// Reads X-Frame-Options header values as the HTML standard does.
pub(super) fn parse_xfo(values: &[String]) -> Xfo {
    let set: std::collections::BTreeSet<String> = values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().to_ascii_lowercase())
        .collect();
    let blocking = ["deny", "sameorigin", "allowall"];
    match set.len() {
        0 => Xfo::Missing,
        1 => match set.first().map(String::as_str).unwrap_or("") {
            "deny" | "sameorigin" => Xfo::Blocks,
            "allowall" => Xfo::AllowAll,
            v if v.starts_with("allow-from") => Xfo::AllowFrom,
            _ => Xfo::Invalid,
        },
        _ if blocking.iter().any(|b| set.contains(*b)) => Xfo::Blocks,
        _ => Xfo::Invalid,
    }
}

pub(super) async fn check(ctx: &CheckCtx) -> CheckResult {
    let page = graded_page(ctx).await?;
    let csp = PageCsp::of(&page);
    let ancestors: Vec<&[String]> = csp
        .header
        .iter()
        .filter_map(|p| p.get("frame-ancestors"))
        .collect();
    let values = page.resp().header_all("x-frame-options");
    let first = combined(&page, "x-frame-options").map(|v| v.trim().to_ascii_lowercase());
    let observed = match first.as_deref() {
        _ if !ancestors.is_empty() => ("x-frame-options-implemented-via-csp", 5),
        None => ("x-frame-options-not-implemented", -20),
        Some("deny" | "sameorigin") => ("x-frame-options-sameorigin-or-deny", 5),
        Some(v) if v.starts_with("allow-from") => ("x-frame-options-allow-from-origin", 0),
        Some(_) => ("x-frame-options-header-invalid", -20),
    };
    ctx.observe("x-frame-options", observed.0, observed.1);
    if page.html.is_none() || !ancestors.is_empty() {
        // frame-ancestors overrides X-Frame-Options in browsers; a broad one (*, https:) is a deliberate choice.
        return Ok(());
    }
    let location = page.url().to_string();
    let evidence = shown("X-Frame-Options", &values.join(", "));
    let draft = match parse_xfo(&values) {
        Xfo::Blocks | Xfo::AllowAll => return Ok(()),
        Xfo::Missing => ctx.finding(&CLICKJACKING, &location),
        Xfo::AllowFrom => ctx
            .finding(&XFO_INVALID, &location)
            .title("X-Frame-Options ALLOW-FROM is ignored by current browsers")
            .evidence(evidence),
        Xfo::Invalid => ctx.finding(&XFO_INVALID, &location).evidence(evidence),
    };
    ctx.report(draft).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xfo(values: &[&str]) -> Xfo {
        parse_xfo(&values.iter().map(|v| v.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn x_frame_options_follows_the_html_standard() {
        assert_eq!(xfo(&[]), Xfo::Missing);
        assert_eq!(xfo(&["DENY"]), Xfo::Blocks);
        assert_eq!(xfo(&[" sameorigin "]), Xfo::Blocks);
        assert_eq!(xfo(&["deny", "DENY"]), Xfo::Blocks, "repeats collapse");
        assert_eq!(xfo(&["deny, sameorigin"]), Xfo::Blocks, "conflicts block");
        assert_eq!(xfo(&["ALLOW-FROM https://a.test"]), Xfo::AllowFrom);
        assert_eq!(xfo(&["allowall"]), Xfo::AllowAll);
        assert_eq!(xfo(&["yes"]), Xfo::Invalid);
        assert_eq!(xfo(&["foo, bar"]), Xfo::Invalid);
    }
}
