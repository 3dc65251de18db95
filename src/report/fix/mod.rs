//! The fix plan of a scan and its file, `SECURITY-FIX.md` (`security-fix/v1`): the open findings grouped by root
//! cause, one fix per cause, each with where, why, a change written for the stack the scan saw, and how to verify.
//! HTML, PDF and Markdown reports show the same plan.

mod cause;
mod csp;
#[cfg(test)]
mod plan_tests;
mod recipes;
mod render;
mod stack;

pub use cause::Cause;
pub use render::render;
pub(crate) use render::stack_line;
pub use stack::{Basis, Stack};

use super::ReportData;
use crate::model::{Finding, Severity};

/// Every fix of a scan, worst first, and the findings no fix needs (info findings without a recipe).
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub fixes: Vec<Fix>,
    /// Fingerprints of informational findings that no fix claims.
    pub notes: Vec<String>,
}

/// One root cause and the change that removes it.
#[derive(Debug, Clone)]
pub struct Fix {
    /// 1-based position: `FIX-n`.
    pub n: usize,
    pub title: String,
    /// The worst severity among the findings it resolves.
    pub severity: Severity,
    /// True when a finding it resolves is in CISA's Known Exploited Vulnerabilities catalog.
    pub kev: bool,
    /// The hosts it applies to.
    pub hosts: Vec<String>,
    /// The findings it resolves.
    pub fingerprints: Vec<String>,
    pub check_ids: Vec<String>,
    /// Where the findings are (URLs, `host (TLS)`, ...).
    pub locations: Vec<String>,
    /// Why it matters, in one or two sentences.
    pub why: String,
    /// What the scan saw of the stack by strong or medium signals, e.g. `Apache 2.4.49, PHP 7.4.3`; `None` when it
    /// saw nothing.
    pub stack_seen: Option<String>,
    /// What only weak signs point to, with the sign, e.g. `Django (cookie csrftoken)`.
    pub stack_likely: Option<String>,
    /// How the variant steps were chosen: for the stack seen, for likely layers, or the likeliest in general.
    pub basis: Basis,
    pub steps: Vec<Step>,
    /// Shell commands that show the fix worked.
    pub verify: Vec<String>,
    pub references: Vec<String>,
    /// Up to three pieces of evidence, redacted; from the scanned site, untrusted.
    pub evidence: Vec<String>,
}

/// One step of a fix. Steps are done in order; a run of variant steps is one step written for several stacks, of
/// which the user applies the one for the layer that serves the site.
#[derive(Debug, Clone)]
pub struct Step {
    /// The stack it is written for (`nginx`, `Django`, ...) or what it does (`Rotate first`).
    pub title: String,
    /// True when it is one of several variants of the same change.
    pub variant: bool,
    /// What to do, in a sentence or two.
    pub text: String,
    /// Ready changes, in the order they are made.
    pub snippets: Vec<Snippet>,
}

/// A ready piece of configuration or code.
#[derive(Debug, Clone)]
pub struct Snippet {
    /// The fence language: `nginx`, `apache`, `caddy`, `xml`, `js`, `python`, `ruby`, `php`, `ini`, `json`, `sh`,
    /// `html`, `diff`, `text`.
    pub lang: &'static str,
    /// Where it goes, e.g. `in the server { } block that serves https://shop.example`.
    pub place: String,
    pub code: String,
}

impl Step {
    fn text(title: impl Into<String>, text: impl Into<String>) -> Step {
        Step {
            title: title.into(),
            variant: false,
            text: text.into(),
            snippets: Vec::new(),
        }
    }

    /// This step as one variant of a change.
    fn alt(mut self) -> Step {
        self.variant = true;
        self
    }

    fn with(
        mut self,
        lang: &'static str,
        place: impl Into<String>,
        code: impl Into<String>,
    ) -> Step {
        self.snippets.push(Snippet {
            lang,
            place: place.into(),
            code: code.into(),
        });
        self
    }
}

/// The fix plan of a report's open findings: one fix per root cause, worst first (then known-exploited, then the
/// one that resolves most); causes with only informational findings become notes.
pub fn plan(data: &ReportData) -> Plan {
    let mut groups: Vec<(Cause, Vec<&Finding>)> = Vec::new();
    for f in &data.findings {
        let cause = Cause::of(f);
        match groups.iter_mut().find(|(c, _)| *c == cause) {
            Some((_, list)) => list.push(f),
            None => groups.push((cause, vec![f])),
        }
    }
    let mut notes = Vec::new();
    let mut fixes = Vec::new();
    for (cause, findings) in groups {
        if findings.iter().all(|f| f.severity == Severity::Info) {
            notes.extend(findings.iter().map(|f| f.fingerprint.clone()));
        } else {
            fixes.push(recipes::fix(cause, &findings, data));
        }
    }
    fixes.sort_by(|a, b| {
        (b.severity, b.kev, b.fingerprints.len()).cmp(&(a.severity, a.kev, a.fingerprints.len()))
    });
    for (i, fix) in fixes.iter_mut().enumerate() {
        fix.n = i + 1;
    }
    Plan { fixes, notes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Category;
    use crate::report::testdata::{finding, sample};

    /// The same live key found in three bundles.
    fn leaked_key(path: &str) -> Finding {
        let mut f = finding(
            "secrets.stripe-live-key",
            Severity::Critical,
            "Stripe live secret key in client code",
        );
        f.fingerprint = format!("fp-{path}");
        f.category = Category::Secrets;
        f.location = format!("https://shop.test{path}");
        f.evidence = Some("const key = \"sk_live_…9xQ2\"".into());
        f.root_cause = Some("secret:stripe:4f1c".into());
        f
    }

    #[test]
    fn the_same_secret_in_three_bundles_is_one_fix_that_rotates_first() {
        let findings = vec![
            leaked_key("/static/app.js"),
            leaked_key("/static/vendor.js"),
            leaked_key("/static/admin.js"),
            finding(
                "headers.xcto-missing",
                Severity::Low,
                "X-Content-Type-Options: nosniff is missing",
            ),
        ];
        let plan = plan(&sample(findings));
        assert_eq!(plan.fixes.len(), 2, "{:#?}", plan.fixes);
        let fix = &plan.fixes[0];
        assert_eq!(fix.fingerprints.len(), 3);
        assert_eq!(fix.severity, Severity::Critical);
        assert_eq!(fix.locations.len(), 3);
        assert_eq!(fix.steps[0].title, "Rotate first");
        assert!(
            fix.steps[1].title.contains("remove it everywhere"),
            "{:?}",
            fix.steps[1]
        );
        assert_eq!(fix.evidence.len(), 1, "the same redacted evidence once");
        let md = render(&sample(vec![leaked_key("/a.js"), leaked_key("/b.js")]));
        assert!(
            md.contains(
                "## FIX-1: Rotate and remove: Stripe live secret key in client code [CRITICAL]"
            ),
            "{md}"
        );
        assert!(md.find("Rotate first").unwrap() < md.find("Then remove it everywhere").unwrap());
    }

    #[test]
    fn only_informational_causes_become_notes_and_fixes_are_ordered_by_risk() {
        let findings = vec![
            finding(
                "disclosure.env-exposed",
                Severity::Critical,
                "Environment file exposed",
            ),
            finding(
                "disclosure.security-txt-missing",
                Severity::Info,
                "No security.txt file",
            ),
            finding("headers.coop-missing", Severity::Info, "COOP missing"),
            finding("headers.xcto-missing", Severity::Low, "XCTO missing"),
        ];
        let plan = plan(&sample(findings));
        let titles: Vec<&str> = plan.fixes.iter().map(|f| f.title.as_str()).collect();
        assert_eq!(plan.fixes.len(), 2, "{titles:?}");
        assert!(
            plan.fixes[0].title.contains("environment file"),
            "{titles:?}"
        );
        assert_eq!(
            plan.fixes[1].fingerprints.len(),
            2,
            "COOP joins the header fix of the same host"
        );
        assert_eq!(plan.notes, ["fp-disclosure.security-txt-missing"]);
    }
}
