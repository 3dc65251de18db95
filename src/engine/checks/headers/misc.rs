//! `headers.content-type-options` and `headers.referrer-policy`: the Observatory's `x-content-type-options` and
//! `referrer-policy` tests, read the way browsers read the headers.

use super::{combined, graded_page, shown};
use crate::engine::context::CheckCtx;
use crate::engine::registry::CheckResult;
use crate::model::Severity;

const MDN_XCTO: &str =
    "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/X-Content-Type-Options";
const MDN_REFERRER: &str =
    "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Referrer-Policy";

headers_rule!(
    XCTO_MISSING,
    "headers.xcto-missing",
    Low,
    Some(693),
    "X-Content-Type-Options: nosniff is missing",
    "Without nosniff, browsers may guess a response's type from its content, so an uploaded file or a JSON answer can be run as script or rendered as HTML.",
    "Send `X-Content-Type-Options: nosniff` on every response (and a correct Content-Type).",
    [MDN_XCTO]
);
headers_rule!(
    XCTO_INVALID,
    "headers.xcto-invalid",
    Low,
    Some(693),
    "X-Content-Type-Options has a value other than nosniff",
    "`nosniff` is the only value browsers act on; anything else is ignored and they keep guessing content types.",
    "Send exactly `X-Content-Type-Options: nosniff`.",
    [MDN_XCTO]
);
headers_rule!(
    REFERRER_UNSAFE,
    "headers.referrer-policy-unsafe",
    Low,
    Some(200),
    "Referrer-Policy sends full URLs to other sites",
    "With this policy, the full address of the page (path and query, which can hold tokens, search terms or IDs) is sent to every site the page links to or loads from.",
    "Send `Referrer-Policy: strict-origin-when-cross-origin` (the browsers' default) or a stricter value such as `no-referrer` or `same-origin`.",
    [MDN_REFERRER]
);
headers_rule!(
    REFERRER_INVALID,
    "headers.referrer-policy-invalid",
    Info,
    None,
    "Referrer-Policy has no value browsers recognise",
    "Browsers ignore the header and use their default (strict-origin-when-cross-origin), which is safe, but the policy the site meant to set is not in force.",
    "Send one valid value, e.g. `Referrer-Policy: strict-origin-when-cross-origin` or `no-referrer`.",
    [MDN_REFERRER]
);

/// Whether the first value browsers read is `nosniff` (Fetch: the first of the comma-separated values).
fn nosniff(value: &str) -> bool {
    value
        .split(',')
        .next()
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("nosniff"))
}

pub(super) async fn content_type_options(ctx: &CheckCtx) -> CheckResult {
    let page = graded_page(ctx).await?;
    let location = page.url().to_string();
    let Some(value) = combined(&page, "x-content-type-options") else {
        ctx.observe(
            "x-content-type-options",
            "x-content-type-options-not-implemented",
            -5,
        );
        ctx.report(ctx.finding(&XCTO_MISSING, &location)).await;
        return Ok(());
    };
    if value.trim().eq_ignore_ascii_case("nosniff") {
        ctx.observe(
            "x-content-type-options",
            "x-content-type-options-nosniff",
            0,
        );
    } else {
        ctx.observe(
            "x-content-type-options",
            "x-content-type-options-header-invalid",
            -5,
        );
    }
    if !nosniff(&value) {
        let evidence = shown("X-Content-Type-Options", &value);
        ctx.report(ctx.finding(&XCTO_INVALID, &location).evidence(evidence))
            .await;
    }
    Ok(())
}

const PRIVATE: &[&str] = &[
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
];
const LEAKY: &[&str] = &[
    "origin",
    "origin-when-cross-origin",
    "unsafe-url",
    "no-referrer-when-downgrade",
];

/// The legacy `<meta name=referrer>` keywords browsers still map to policies.
fn legacy(token: &str) -> &str {
    match token {
        "never" => "no-referrer",
        "default" => "strict-origin-when-cross-origin",
        "always" => "unsafe-url",
        "origin-when-crossorigin" => "origin-when-cross-origin",
        other => other,
    }
}

/// The policy browsers apply from header values and `<meta name=referrer>` contents, in document order: the last
/// recognised token wins (unknown tokens are skipped so that new values can be listed after a fallback).
pub fn effective_referrer_policy(values: &[String]) -> Option<String> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|t| legacy(&t.trim().to_ascii_lowercase()).to_string())
        .rfind(|t| PRIVATE.contains(&t.as_str()) || LEAKY.contains(&t.as_str()))
}

pub(super) async fn referrer_policy(ctx: &CheckCtx) -> CheckResult {
    let page = graded_page(ctx).await?;
    let mut values = page.resp().header_all("referrer-policy");
    let meta = page.html.as_ref().and_then(|d| d.meta_named("referrer"));
    values.extend(meta.filter(|m| !m.is_empty()).map(str::to_string));
    if values.is_empty() {
        ctx.observe("referrer-policy", "referrer-policy-not-implemented", 0);
        return Ok(());
    }
    let location = page.url().to_string();
    let evidence = shown("Referrer-Policy", &values.join(", "));
    // The policy governs the requests a document makes: a JSON or text answer makes none, so it is graded but not
    // reported.
    let document = page.html.is_some();
    let Some(policy) = effective_referrer_policy(&values) else {
        ctx.observe("referrer-policy", "referrer-policy-header-invalid", -5);
        if document {
            ctx.report(ctx.finding(&REFERRER_INVALID, &location).evidence(evidence))
                .await;
        }
        return Ok(());
    };
    if PRIVATE.contains(&policy.as_str()) {
        ctx.observe("referrer-policy", "referrer-policy-private", 5);
        return Ok(());
    }
    ctx.observe("referrer-policy", "referrer-policy-unsafe", -5);
    if !document {
        return Ok(());
    }
    let mut draft = ctx
        .finding(&REFERRER_UNSAFE, &location)
        .title(format!(
            "Referrer-Policy {policy} leaks page addresses to other sites"
        ))
        .evidence(evidence);
    if policy.starts_with("origin") {
        draft = draft.severity(Severity::Info).description(
            "This policy sends the site's origin to other sites, and to plain-HTTP sites too when a visitor \
             follows a link from HTTPS to HTTP; it is looser than the browsers' default.",
        );
    }
    ctx.report(draft).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(values: &[&str]) -> Option<String> {
        effective_referrer_policy(&values.iter().map(|v| v.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn the_last_recognised_referrer_token_wins() {
        assert_eq!(policy(&["no-referrer"]).as_deref(), Some("no-referrer"));
        assert_eq!(
            policy(&["unsafe-url, strict-origin-when-cross-origin"]).as_deref(),
            Some("strict-origin-when-cross-origin")
        );
        assert_eq!(
            policy(&["no-referrer, some-future-policy"]).as_deref(),
            Some("no-referrer"),
            "unknown tokens are skipped"
        );
        assert_eq!(policy(&["Unsafe-URL"]).as_deref(), Some("unsafe-url"));
        assert_eq!(
            policy(&["no-referrer", "always"]).as_deref(),
            Some("unsafe-url"),
            "a later meta element overrides the header"
        );
        assert_eq!(policy(&["nope", ""]), None);
    }

    #[test]
    fn only_a_leading_nosniff_counts() {
        assert!(nosniff("nosniff") && nosniff(" NoSniff ") && nosniff("nosniff, nosniff"));
        assert!(!nosniff("sniff") && !nosniff("") && !nosniff("x, nosniff"));
    }
}
