//! `headers.csp`: the Content-Security-Policy a page enforces (headers and `<meta http-equiv>`, never the
//! report-only header), what it lets scripts do, and the Observatory's `content-security-policy` test.

use super::csp_policy::{self, Allowance, Policy};
use super::graded_page;
use crate::engine::context::CheckCtx;
use crate::engine::registry::CheckResult;
use crate::engine::site::Page;
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

/// The policies one page carries.
pub(super) struct PageCsp {
    /// Policies from `Content-Security-Policy` headers.
    pub header: Vec<Policy>,
    /// Policies from `<meta http-equiv="Content-Security-Policy">`.
    pub meta: Vec<Policy>,
    /// The raw header lines and meta contents, for evidence.
    pub shown: Vec<String>,
}

impl PageCsp {
    /// Reads the CSP headers and meta policies of `page`.
    pub fn of(page: &Page) -> PageCsp {
        let values = page.resp().header_all("content-security-policy");
        let mut shown: Vec<String> = values
            .iter()
            .map(|v| format!("Content-Security-Policy: {v}"))
            .collect();
        let mut meta = Vec::new();
        let metas = page.html.iter().flat_map(|doc| doc.meta.iter());
        for m in metas.filter(|m| m.http_equiv.eq_ignore_ascii_case("content-security-policy")) {
            if !m.content.trim().is_empty() {
                shown.push(format!("<meta http-equiv> CSP: {}", m.content));
                meta.push(csp_policy::parse_policy(&m.content, true));
            }
        }
        PageCsp {
            header: csp_policy::parse_header(&values),
            meta,
            shown,
        }
    }

    /// Every policy that has at least one directive: what the browser enforces.
    pub fn enforced(&self) -> Vec<Policy> {
        self.header
            .iter()
            .chain(&self.meta)
            .filter(|p| !p.directives.is_empty())
            .cloned()
            .collect()
    }

    /// True when the page has no CSP header and no CSP meta element.
    pub fn absent(&self) -> bool {
        self.header.is_empty() && self.meta.is_empty()
    }

    /// The evidence text.
    pub fn evidence(&self) -> String {
        self.shown.join(" | ")
    }
}

pub(super) async fn check(ctx: &CheckCtx) -> CheckResult {
    let page = graded_page(ctx).await?;
    let csp = PageCsp::of(&page);
    let https = page.url().scheme() == "https";
    let report_only = !page
        .resp()
        .header_all("content-security-policy-report-only")
        .is_empty();
    let enforced = csp.enforced();
    let allowance = csp_policy::evaluate(&enforced);
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
            && csp_policy::is_broad(source)
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

/// The Observatory's `content-security-policy` result and score modifier.
fn observatory(
    csp: &PageCsp,
    a: Option<&Allowance>,
    https: bool,
    report_only: bool,
) -> (&'static str, i32) {
    let not_implemented = if report_only {
        ("csp-not-implemented-but-reporting-enabled", -25)
    } else {
        ("csp-not-implemented", -25)
    };
    if csp.absent() {
        return not_implemented;
    }
    let all = || csp.header.iter().chain(&csp.meta);
    let reporting = |d: &String| d == "report-uri" || d == "report-to";
    if all().any(|p| p.blank || p.duplicates.iter().any(|d| !reporting(d))) {
        return ("csp-header-invalid", -25);
    }
    let Some(a) = a else {
        return not_implemented;
    };
    if a.strict_dynamic_without_nonce {
        return ("csp-header-invalid", -25);
    }
    if a.inline_script || a.broad_script.is_some() || a.broad_object.is_some() {
        return ("csp-implemented-with-unsafe-inline", -20);
    }
    if https && !a.insecure_active.is_empty() {
        return ("csp-implemented-with-insecure-scheme", -20);
    }
    if a.eval {
        return ("csp-implemented-with-unsafe-eval", -10);
    }
    let passing = if https && !a.insecure_passive.is_empty() {
        (
            "csp-implemented-with-insecure-scheme-in-passive-content-only",
            -10,
        )
    } else if a.unsafe_style {
        ("csp-implemented-with-unsafe-inline-in-style-src-only", 0)
    } else if a.default_none {
        ("csp-implemented-with-no-unsafe-default-src-none", 10)
    } else {
        ("csp-implemented-with-no-unsafe", 5)
    };
    if all().any(|p| p.duplicates.iter().any(reporting)) {
        return ("csp-implemented-but-duplicate-directives", 0);
    }
    passing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grade(header: &str, https: bool) -> (&'static str, i32) {
        let csp = PageCsp {
            header: csp_policy::parse_header(&[header.to_string()]),
            meta: Vec::new(),
            shown: Vec::new(),
        };
        let a = csp_policy::evaluate(&csp.enforced());
        observatory(&csp, a.as_ref(), https, false)
    }

    #[test]
    fn observatory_results_follow_its_order_of_checks() {
        let cases = [
            (
                "default-src 'none'; script-src 'self'; form-action 'self'",
                ("csp-implemented-with-no-unsafe-default-src-none", 10),
            ),
            ("default-src 'self'", ("csp-implemented-with-no-unsafe", 5)),
            (
                "default-src 'self'; style-src 'self' 'unsafe-inline'",
                ("csp-implemented-with-unsafe-inline-in-style-src-only", 0),
            ),
            (
                "default-src 'self'; img-src http://i.test",
                (
                    "csp-implemented-with-insecure-scheme-in-passive-content-only",
                    -10,
                ),
            ),
            (
                "default-src 'self' 'unsafe-eval'",
                ("csp-implemented-with-unsafe-eval", -10),
            ),
            (
                "default-src 'self'; connect-src http://api.test",
                ("csp-implemented-with-insecure-scheme", -20),
            ),
            (
                "default-src * 'unsafe-inline'",
                ("csp-implemented-with-unsafe-inline", -20),
            ),
            (
                "script-src 'self'",
                ("csp-implemented-with-unsafe-inline", -20),
            ),
            (
                "default-src 'self'; default-src *",
                ("csp-header-invalid", -25),
            ),
            (
                "script-src 'strict-dynamic'; object-src 'none'",
                ("csp-header-invalid", -25),
            ),
            (
                "default-src 'self'; report-uri /a; report-uri /b",
                ("csp-implemented-but-duplicate-directives", 0),
            ),
        ];
        for (header, expected) in cases {
            assert_eq!(grade(header, true), expected, "{header}");
        }
        assert_eq!(
            grade("default-src 'self'; connect-src http://api.test", false),
            ("csp-implemented-with-no-unsafe", 5),
            "http: sources only count against HTTPS sites"
        );
    }

    #[test]
    fn no_policy_and_report_only() {
        let csp = PageCsp {
            header: Vec::new(),
            meta: Vec::new(),
            shown: Vec::new(),
        };
        assert_eq!(
            observatory(&csp, None, true, false),
            ("csp-not-implemented", -25)
        );
        assert_eq!(
            observatory(&csp, None, true, true),
            ("csp-not-implemented-but-reporting-enabled", -25)
        );
    }
}
