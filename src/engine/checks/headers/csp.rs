//! `headers.csp`: the Content-Security-Policy a page enforces (headers and `<meta http-equiv>`, never the
//! report-only header), what it lets scripts do, and the Observatory's `content-security-policy` test.

use super::csp_allow::{self, Allowance};
use super::csp_observatory::observatory;
use super::csp_policy::{PageCsp, Policy};
use super::graded_page;
use crate::engine::context::CheckCtx;
use crate::engine::registry::CheckResult;
use crate::model::Severity;

const MDN_CSP: &str = "https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CSP";
const CSP_GUIDE: &str =
    "https://developer.mozilla.org/en-US/docs/Web/Security/Practical_implementation_guides/CSP";
const CSP_EVALUATOR: &str = "https://csp-evaluator.withgoogle.com/";

headers_rule!(
    CSP_MISSING,
    "headers.csp-missing",
    Medium,
    Some(693),
    "Content-Security-Policy header is missing",
    "Without a Content-Security-Policy, any script an attacker manages to inject into a page (cross-site scripting) runs with the full rights of the site.",
    "Send a policy on every HTML response, starting strict and loosening only what the site needs, e.g. `Content-Security-Policy: default-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'; form-action 'self'`. Try it first as `Content-Security-Policy-Report-Only` to see what it would block.",
    [MDN_CSP, CSP_GUIDE]
);
headers_rule!(
    CSP_INVALID,
    "headers.csp-invalid",
    Medium,
    Some(693),
    "Content-Security-Policy is malformed",
    "Browsers skip the parts of a policy they cannot read, so the protection the site meant to have is partly or wholly missing.",
    "Write the policy as `directive source source; directive source` (no colons after directive names, each directive once per policy), and check it with the CSP Evaluator.",
    [MDN_CSP, CSP_EVALUATOR]
);
headers_rule!(
    CSP_UNSAFE_INLINE,
    "headers.csp-unsafe-inline",
    Medium,
    Some(693),
    "Content-Security-Policy allows inline scripts ('unsafe-inline')",
    "With 'unsafe-inline' for scripts, injected <script> tags and event handler attributes run, so the policy gives no protection against cross-site scripting.",
    "Move inline scripts into files, or mark the ones you need with a per-response nonce (`script-src 'nonce-RANDOM' 'strict-dynamic'`) or their hashes; then remove 'unsafe-inline' (browsers also ignore it once a nonce or hash is present).",
    [MDN_CSP, CSP_EVALUATOR]
);
headers_rule!(
    CSP_UNSAFE_EVAL,
    "headers.csp-unsafe-eval",
    Low,
    Some(95),
    "Content-Security-Policy allows eval ('unsafe-eval')",
    "'unsafe-eval' lets strings become code (eval, new Function, string timers), so text an attacker controls that reaches such a call runs as script.",
    "Remove uses of eval() and new Function() (or the library that needs them), then drop 'unsafe-eval' from script-src. For WebAssembly alone, use 'wasm-unsafe-eval'.",
    [MDN_CSP, CSP_EVALUATOR]
);
headers_rule!(
    CSP_WILDCARD,
    "headers.csp-wildcard-source",
    Medium,
    Some(693),
    "Content-Security-Policy lets scripts load from anywhere",
    "A script source such as *, https:, http: or data: (or no script-src/default-src at all) lets an attacker load script from a host they control, which defeats the policy's protection against cross-site scripting.",
    "List the exact hosts scripts come from (`script-src 'self' https://cdn.example.com`), or use nonces with 'strict-dynamic'; set `object-src 'none'`.",
    [MDN_CSP, CSP_EVALUATOR]
);
headers_rule!(
    CSP_INSECURE_SCHEME,
    "headers.csp-insecure-scheme",
    Low,
    Some(319),
    "Content-Security-Policy allows loading over plain HTTP",
    "An http:// source in the policy of an HTTPS site allows content that an attacker on the network can replace in transit.",
    "Change every http:// source in the policy to https:// (and serve those resources over HTTPS).",
    [MDN_CSP]
);

pub(super) async fn check(ctx: &CheckCtx) -> CheckResult {
    let page = graded_page(ctx).await?;
    let csp = PageCsp::of(&page);
    let https = page.url().scheme() == "https";
    let report_only = !page
        .resp()
        .header_all("content-security-policy-report-only")
        .is_empty();
    let enforced = csp.enforced();
    let allowance = csp_allow::evaluate(&enforced);
    let (result, modifier) = observatory(&csp, allowance.as_ref(), https, report_only);
    ctx.observe("content-security-policy", result, modifier);
    if page.html.is_none() {
        return Ok(());
    }
    let location = page.url().to_string();
    if csp.absent() {
        let mut draft = ctx.finding(&CSP_MISSING, &location);
        if report_only {
            draft = draft
                .title("Content-Security-Policy is only sent in report-only mode")
                .evidence("Content-Security-Policy-Report-Only is set; it reports violations but blocks nothing");
        }
        ctx.report(draft).await;
        return Ok(());
    }
    let evidence = csp.evidence();
    let Some(allowance) = allowance.filter(|_| enforced.iter().any(Policy::has_known)) else {
        let draft = ctx
            .finding(&CSP_INVALID, &location)
            .title("Content-Security-Policy has no directive browsers recognise")
            .evidence(&evidence);
        ctx.report(draft).await;
        return Ok(());
    };
    report_malformed(ctx, &enforced, &allowance, &location, &evidence).await;
    report_scripts(ctx, &allowance, &location, &evidence).await;
    if https {
        report_insecure(ctx, &allowance, &location, &evidence).await;
    }
    Ok(())
}

async fn report_malformed(
    ctx: &CheckCtx,
    enforced: &[Policy],
    a: &Allowance,
    location: &str,
    evidence: &str,
) {
    let mut problems: Vec<String> = enforced
        .iter()
        .flat_map(|p| p.duplicates.iter())
        .map(|d| format!("{d} appears twice in one policy; browsers ignore the second"))
        .collect();
    if a.strict_dynamic_without_nonce {
        problems.push("'strict-dynamic' without a nonce or hash blocks every script".into());
    }
    if problems.is_empty() {
        return;
    }
    let draft = ctx
        .finding(&CSP_INVALID, location)
        .severity(Severity::Low)
        .description(format!(
            "{} {}",
            CSP_INVALID.description,
            problems.join("; ")
        ))
        .evidence(evidence);
    ctx.report(draft).await;
}

async fn report_scripts(ctx: &CheckCtx, a: &Allowance, location: &str, evidence: &str) {
    if a.scripts_unrestricted {
        let draft = ctx
            .finding(&CSP_WILDCARD, location)
            .title(
                "Content-Security-Policy does not restrict scripts (no script-src or default-src)",
            )
            .evidence(evidence);
        ctx.report(draft).await;
        return;
    }
    if a.inline_script {
        ctx.report(ctx.finding(&CSP_UNSAFE_INLINE, location).evidence(evidence))
            .await;
    }
    if let Some(source) = &a.broad_script {
        let title = format!("Content-Security-Policy lets scripts load from anywhere ({source})");
        ctx.report(
            ctx.finding(&CSP_WILDCARD, location)
                .title(title)
                .evidence(evidence),
        )
        .await;
    } else if let Some(source) = &a.broad_object {
        let draft = ctx
            .finding(&CSP_WILDCARD, location)
            .title(format!("Content-Security-Policy lets plugins and embedded objects load from anywhere ({source})"))
            .severity(Severity::Low)
            .evidence(evidence);
        ctx.report(draft).await;
    }
    if a.eval {
        ctx.report(ctx.finding(&CSP_UNSAFE_EVAL, location).evidence(evidence))
            .await;
    }
}

async fn report_insecure(ctx: &CheckCtx, a: &Allowance, location: &str, evidence: &str) {
    // A bare `http:` for scripts is a wildcard too, which the wildcard finding already reports.
    let covered = |entry: &&String| {
        let (directive, source) = entry.split_once(' ').unwrap_or_default();
        a.broad_script.is_some()
            && csp_allow::is_broad(source)
            && matches!(directive, "script-src" | "script-src-elem" | "default-src")
    };
    let active: Vec<&String> = a.insecure_active.iter().filter(|e| !covered(e)).collect();
    let (list, severity, what) = if !active.is_empty() {
        (
            active,
            Severity::Low,
            "scripts, styles, frames or connections",
        )
    } else if !a.insecure_passive.is_empty() {
        (
            a.insecure_passive.iter().collect(),
            Severity::Info,
            "images or media",
        )
    } else {
        return;
    };
    let sources: Vec<&str> = list.iter().map(|s| s.as_str()).collect();
    let draft = ctx
        .finding(&CSP_INSECURE_SCHEME, location)
        .title(format!(
            "Content-Security-Policy allows {what} over plain HTTP"
        ))
        .severity(severity)
        .evidence(format!("{}; policy: {evidence}", sources.join(", ")));
    ctx.report(draft).await;
}
