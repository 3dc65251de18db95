//! Small reports built in memory for the renderers' unit tests.

use super::ReportData;
use crate::model::{
    Category, Confidence, Finding, FindingStatus, Module, Profile, Scan, ScanStatus, ScanTarget,
    Severity, SeverityCounts, Signal, SiteProfile, TechKind, Technology,
};

/// A finding on target `t1`.
pub fn finding(check_id: &str, severity: Severity, title: &str) -> Finding {
    Finding {
        fingerprint: format!("fp-{check_id}"),
        scan_id: "s1".into(),
        target_id: "t1".into(),
        check_id: check_id.into(),
        module: Module::Disclosure,
        category: Category::Disclosure,
        severity,
        confidence: Confidence::High,
        title: title.into(),
        description: "What was seen.".into(),
        location: "https://shop.test/.env".into(),
        evidence: Some("APP_KEY=[redacted]".into()),
        remediation: "Remove it.".into(),
        references: vec!["https://owasp.org/".into(), "javascript:alert(1)".into()],
        cwe: Some(538),
        cve: vec![],
        kev: false,
        cvss: None,
        status: FindingStatus::New,
        found_at: "2026-01-02T03:04:05Z".into(),
        root_cause: None,
    }
}

/// A completed scan of `shop.test` with `findings` (worst first).
pub fn sample(findings: Vec<Finding>) -> ReportData {
    let counts = SeverityCounts::of(&findings);
    let target = ScanTarget {
        target_id: "t1".into(),
        url: "https://shop.test/".into(),
        host: "shop.test".into(),
        previous_scan_id: None,
        security_score: Some(40),
        risk_grade: Some("F".into()),
        observatory: None,
        counts,
        error: None,
        site: Some(SiteProfile {
            stack: vec![Technology {
                name: "nginx".into(),
                kind: TechKind::Server,
                version: Some("1.18.0".into()),
                evidence: "Server header".into(),
                signal: Signal::Strong,
            }],
            ..Default::default()
        }),
    };
    ReportData {
        scan: Scan {
            id: "s1".into(),
            org_id: "default".into(),
            profile: Profile::Standard,
            status: ScanStatus::Completed,
            phase: "done".into(),
            checks_done: 10,
            checks_total: 10,
            created_at: "2026-01-02T03:00:00Z".into(),
            started_at: Some("2026-01-02T03:00:01Z".into()),
            finished_at: Some("2026-01-02T03:05:00Z".into()),
            error: None,
            counts,
            fixed: 0,
            requests: 42,
            verify_of: None,
            targets: vec![target],
        },
        findings,
        fixed: vec![],
        coverage: vec![],
        generated_at: "2026-01-02T03:06:00Z".into(),
    }
}
