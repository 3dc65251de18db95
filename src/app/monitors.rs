//! Monitors as a service: create (rule and thresholds checked), list, delete; and the rules that apply to a
//! target when a scan ends (an org without monitors gets every rule with its default).

use super::{App, AppError};
use crate::model::{Monitor, RULES, Severity};
use crate::scheduler::clock::stamp;
use crate::target::TargetUrl;

/// Most monitors an org may have.
pub const MAX_MONITORS_PER_ORG: u32 = 500;
/// The longest warning a cert-expiring monitor may ask for, in days.
pub const MAX_CERT_DAYS: u32 = 365;
/// Days of warning of a cert-expiring monitor that gives none.
pub const DEFAULT_CERT_DAYS: u32 = 14;
/// The threshold of a new-finding monitor that gives none.
pub const DEFAULT_MIN_SEVERITY: Severity = Severity::High;

/// A monitor to create.
#[derive(Debug, Clone, Default)]
pub struct NewMonitor {
    pub rule: String,
    /// A target URL or host; every target of the org when `None`.
    pub target: Option<String>,
    pub min_severity: Option<Severity>,
    pub days: Option<u32>,
}

/// What alerts for one target.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    /// `new-finding`: the lowest severity that alerts.
    pub new_finding: Option<Severity>,
    pub grade_drop: bool,
    /// `cert-expiring`: the most days left that alerts.
    pub cert_days: Option<u32>,
    pub unreachable: bool,
    pub scan_failed: bool,
}

impl Rules {
    /// Every rule with its default: what an org without monitors gets.
    pub fn defaults() -> Rules {
        Rules {
            new_finding: Some(DEFAULT_MIN_SEVERITY),
            grade_drop: true,
            cert_days: Some(DEFAULT_CERT_DAYS),
            unreachable: true,
            scan_failed: true,
        }
    }

    /// The rules of `monitors` that watch `url` (theirs, and the org-wide ones), the loosest threshold winning.
    pub fn for_target(monitors: &[Monitor], url: &str) -> Rules {
        if monitors.is_empty() {
            return Rules::defaults();
        }
        let mut r = Rules::default();
        for m in monitors
            .iter()
            .filter(|m| m.target.as_deref().is_none_or(|t| t == url))
        {
            match m.rule.as_str() {
                "new-finding" => {
                    let s = m.min_severity.unwrap_or(DEFAULT_MIN_SEVERITY);
                    r.new_finding = Some(r.new_finding.map_or(s, |o| o.min(s)));
                }
                "grade-drop" => r.grade_drop = true,
                "cert-expiring" => {
                    let d = m.days.unwrap_or(DEFAULT_CERT_DAYS);
                    r.cert_days = Some(r.cert_days.map_or(d, |o| o.max(d)));
                }
                "unreachable" => r.unreachable = true,
                "scan-failed" => r.scan_failed = true,
                _ => {}
            }
        }
        r
    }
}

impl App {
    /// Creates a monitor in `org`.
    pub async fn create_monitor(&self, org: &str, new: NewMonitor) -> Result<Monitor, AppError> {
        if !RULES.iter().any(|(rule, _)| *rule == new.rule) {
            let names: Vec<&str> = RULES.iter().map(|(r, _)| *r).collect();
            return Err(AppError::Invalid(format!(
                "unknown rule '{}': use {}",
                new.rule,
                names.join(", ")
            )));
        }
        if new.min_severity.is_some() && new.rule != "new-finding" {
            return Err(AppError::Invalid(
                "min_severity belongs to the new-finding rule only".into(),
            ));
        }
        if let Some(d) = new.days {
            if new.rule != "cert-expiring" {
                return Err(AppError::Invalid(
                    "days belongs to the cert-expiring rule only".into(),
                ));
            }
            if !(1..=MAX_CERT_DAYS).contains(&d) {
                return Err(AppError::Invalid(format!(
                    "days is {d}: give 1 to {MAX_CERT_DAYS} days of warning before a certificate expires"
                )));
            }
        }
        // A monitor names a target that scheduled and API scans will reach, so it is held to the same scope as
        // targets, schedules and webhooks: one the server could never scan is refused now, not silently kept.
        let target = match &new.target {
            Some(t) => {
                let url = TargetUrl::parse(t)?;
                self.check_server_scope(&url).await?;
                Some(url.to_string())
            }
            None => None,
        };
        let now = stamp(self.inner.clock.now());
        self.inner.store.ensure_org(org, &now).await?;
        let monitor = Monitor {
            id: super::new_id(10),
            org_id: org.to_string(),
            target,
            rule: new.rule,
            min_severity: new.min_severity,
            days: new.days,
            created_at: now,
        };
        if !self
            .inner
            .store
            .insert_monitor(&monitor, MAX_MONITORS_PER_ORG)
            .await?
        {
            return Err(AppError::Limit(format!(
                "org '{org}' already has {MAX_MONITORS_PER_ORG} monitors: delete one first"
            )));
        }
        Ok(monitor)
    }

    /// The org's monitors.
    pub async fn list_monitors(&self, org: &str) -> Result<Vec<Monitor>, AppError> {
        Ok(self.inner.store.list_monitors(org).await?)
    }

    /// Deletes a monitor.
    pub async fn delete_monitor(&self, org: &str, id: &str) -> Result<(), AppError> {
        if self.inner.store.delete_monitor(org, id).await? {
            Ok(())
        } else {
            Err(AppError::NotFound {
                kind: "monitor",
                id: id.to_string(),
                hint: "list monitors to see their ids",
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(target: Option<&str>, rule: &str, sev: Option<Severity>, days: Option<u32>) -> Monitor {
        Monitor {
            id: "m".into(),
            org_id: "o".into(),
            target: target.map(str::to_string),
            rule: rule.into(),
            min_severity: sev,
            days,
            created_at: String::new(),
        }
    }

    #[test]
    fn rules_combine_per_target_and_default_to_everything() {
        assert_eq!(Rules::for_target(&[], "https://a.test/"), Rules::defaults());
        let monitors = vec![
            m(None, "scan-failed", None, None),
            m(
                Some("https://a.test/"),
                "new-finding",
                Some(Severity::Critical),
                None,
            ),
            m(
                Some("https://a.test/"),
                "new-finding",
                Some(Severity::Medium),
                None,
            ),
            m(Some("https://b.test/"), "cert-expiring", None, Some(7)),
        ];
        let a = Rules::for_target(&monitors, "https://a.test/");
        assert_eq!(a.new_finding, Some(Severity::Medium), "the loosest wins");
        assert!(a.scan_failed && !a.grade_drop && a.cert_days.is_none());
        let b = Rules::for_target(&monitors, "https://b.test/");
        assert_eq!((b.new_finding, b.cert_days), (None, Some(7)));
    }
}
