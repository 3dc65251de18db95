//! A finding being built by a check (rule defaults, overrides, redacted evidence), and its stable fingerprint.

use super::context::HostCtx;
use super::registry::Rule;
use crate::model::{Category, Confidence, Finding, FindingStatus, Module, Severity};
use sha2::{Digest, Sha256};

/// A finding being built by a check.
#[derive(Debug)]
pub struct Draft {
    rule: &'static Rule,
    location: String,
    title: Option<String>,
    description: Option<String>,
    evidence: Option<String>,
    severity: Option<Severity>,
    confidence: Confidence,
    root_cause: Option<String>,
    cve: Vec<String>,
    kev: bool,
    cvss: Option<f32>,
    owned: Option<Box<OwnedRule>>,
}

/// The words of a finding that no compiled-in rule holds (a template's finding).
#[derive(Debug, Clone)]
pub struct OwnedRule {
    pub id: String,
    pub module: Module,
    pub category: Category,
    pub severity: Severity,
    pub title: String,
    pub description: String,
    pub remediation: String,
    pub references: Vec<String>,
    pub cwe: Option<u32>,
}

impl Draft {
    pub(super) fn new(rule: &'static Rule, location: String) -> Draft {
        Draft {
            rule,
            location,
            title: None,
            description: None,
            evidence: None,
            severity: None,
            confidence: Confidence::High,
            root_cause: None,
            cve: Vec::new(),
            kev: false,
            cvss: None,
            owned: None,
        }
    }

    /// A finding whose id and words come from `owned` rather than from `rule` (which only says which check it is).
    pub(super) fn owned(rule: &'static Rule, owned: OwnedRule, location: String) -> Draft {
        let mut draft = Draft::new(rule, location);
        draft.owned = Some(Box::new(owned));
        draft
    }

    /// What this finding shares with others that one change fixes (the same secret in several files).
    pub fn root_cause(mut self, key: impl Into<String>) -> Draft {
        self.root_cause = Some(key.into());
        self
    }

    /// The CVE (or GHSA) ids this finding is an instance of.
    pub fn cve(mut self, ids: Vec<String>) -> Draft {
        self.cve = ids;
        self
    }

    /// True when one of the finding's CVEs is in CISA's Known Exploited Vulnerabilities catalog.
    pub fn kev(mut self, kev: bool) -> Draft {
        self.kev = kev;
        self
    }

    /// The CVSS base score, where the advisory gives one.
    pub fn cvss(mut self, score: f32) -> Draft {
        self.cvss = Some(score);
        self
    }

    /// A title more specific than the rule's.
    pub fn title(mut self, title: impl Into<String>) -> Draft {
        self.title = Some(title.into());
        self
    }

    /// A description more specific than the rule's.
    pub fn description(mut self, text: impl Into<String>) -> Draft {
        self.description = Some(text.into());
        self
    }

    /// What was seen (cut to 500 bytes).
    ///
    /// Every evidence passes through here, so this is where secrets are taken out whatever the check: credentials
    /// in URLs, tokens of well-known formats, and values assigned to secret-looking names.
    pub fn evidence(mut self, text: impl AsRef<str>) -> Draft {
        self.evidence = Some(truncate(&super::redaction::scrub(text.as_ref()), 500));
        self
    }

    /// A severity other than the rule's default for this instance.
    pub fn severity(mut self, severity: Severity) -> Draft {
        self.severity = Some(severity);
        self
    }

    /// How sure the check is.
    pub fn confidence(mut self, confidence: Confidence) -> Draft {
        self.confidence = confidence;
        self
    }

    pub(super) fn build(self, host: &HostCtx) -> Finding {
        if let Some(owned) = self.owned {
            return Finding {
                fingerprint: fingerprint(&owned.id, &host.target.authority(), &self.location),
                scan_id: host.scan.scan_id.clone(),
                target_id: host.target_id.clone(),
                check_id: owned.id,
                module: owned.module,
                category: owned.category,
                severity: self.severity.unwrap_or(owned.severity),
                confidence: self.confidence,
                title: self.title.unwrap_or(owned.title),
                description: self.description.unwrap_or(owned.description),
                location: self.location,
                evidence: self.evidence,
                remediation: owned.remediation,
                references: owned.references,
                cwe: owned.cwe,
                cve: self.cve,
                kev: self.kev,
                cvss: self.cvss,
                status: FindingStatus::New,
                found_at: crate::time::now(),
                root_cause: self.root_cause,
            };
        }
        let rule = self.rule;
        let module = super::registry::check_for_rule(rule.id)
            .map(|c| c.module)
            .expect("rule is registered");
        Finding {
            fingerprint: fingerprint(rule.id, &host.target.authority(), &self.location),
            scan_id: host.scan.scan_id.clone(),
            target_id: host.target_id.clone(),
            check_id: rule.id.to_string(),
            module,
            category: rule.category,
            severity: self.severity.unwrap_or(rule.severity),
            confidence: self.confidence,
            title: self.title.unwrap_or_else(|| rule.title.to_string()),
            description: self
                .description
                .unwrap_or_else(|| rule.description.to_string()),
            location: self.location,
            evidence: self.evidence,
            remediation: rule.remediation.to_string(),
            references: rule.references.iter().map(|r| r.to_string()).collect(),
            cwe: rule.cwe,
            cve: self.cve,
            kev: self.kev,
            cvss: self.cvss,
            status: FindingStatus::New,
            found_at: crate::time::now(),
            root_cause: self.root_cause,
        }
    }
}

/// The stable identity of a finding: the same problem at the same place gives the same value in every scan.
pub fn fingerprint(check_id: &str, authority: &str, location: &str) -> String {
    let mut h = Sha256::new();
    for part in [check_id, authority, location] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    hex::encode(&h.finalize()[..8])
}

/// Cuts text to at most `max` bytes on a character boundary, marking the cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max.saturating_sub(3);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        let a = fingerprint("tls.cert-expired", "example.com", "example.com:443");
        assert_eq!(
            a,
            fingerprint("tls.cert-expired", "example.com", "example.com:443")
        );
        assert_eq!(a.len(), 16);
        assert_ne!(
            a,
            fingerprint("tls.cert-expired", "example.org", "example.com:443")
        );
        assert_ne!(fingerprint("a", "bc", "d"), fingerprint("ab", "c", "d"));
    }

    #[test]
    fn truncate_cuts_on_a_character_boundary() {
        assert_eq!(truncate("héllo", 500), "héllo");
        let long = "é".repeat(400);
        let cut = truncate(&long, 500);
        assert!(cut.len() <= 500 && cut.ends_with("..."));
    }
}
