//! The Observatory's `content-security-policy` test, graded from the same parse the findings use; it differs from
//! the Observatory's own code only in corner cases (`script-src-elem`, `report-uri` values, commas in `<meta>`).

use super::csp_allow::Allowance;
use super::csp_policy::PageCsp;

/// The Observatory's `content-security-policy` result and score modifier.
pub(super) fn observatory(
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
    use crate::engine::checks::headers::csp_allow;
    use crate::engine::checks::headers::csp_policy::parse_header;

    fn grade(header: &str, https: bool) -> (&'static str, i32) {
        let csp = PageCsp {
            header: parse_header(&[header.to_string()]),
            meta: Vec::new(),
            shown: Vec::new(),
        };
        let a = csp_allow::evaluate(&csp.enforced());
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
