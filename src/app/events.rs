//! The events a finished scan raises (as the org's monitors say), each stored as one delivery per subscribed
//! webhook before anything is sent, in the webhook's format (Palisade JSON, Slack text, or an email).

use super::monitors::Rules;
use super::{App, AppError};
use crate::model::{FindingStatus, Scan, ScanStatus};
use crate::scheduler::clock::stamp;
use crate::store::FindingFilter;
use serde_json::{Value, json};

/// Findings listed in one `finding.new` event at most.
const MAX_LISTED: usize = 50;

impl App {
    /// Stores one delivery of `event` with `data` to each subscribed webhook of `org`.
    pub async fn emit(&self, org: &str, event: &str, data: Value) -> Result<usize, AppError> {
        let now = self.inner.clock.now();
        let envelope = json!({
            "id": format!("evt_{}", super::new_id(16)),
            "type": event,
            "created_at": stamp(now),
            "org": org,
            "data": data,
        });
        let json_body = envelope.to_string();
        let slack_body =
            json!({ "text": slack_escape(&slack_text(event, &envelope["data"])) }).to_string();
        let email_body = email(&envelope).to_string();
        let n = self
            .inner
            .store
            .enqueue_deliveries(
                org,
                event,
                &stamp(now),
                |format| match format {
                    "slack" => slack_body.clone(),
                    "email" => email_body.clone(),
                    _ => json_body.clone(),
                },
                || super::new_id(12),
            )
            .await?;
        if n > 0 {
            self.inner.deliveries_changed.notify_one();
        }
        Ok(n)
    }

    /// The events a scan that ended raises, as the org's monitors say (every rule by default): `scan.completed`
    /// always, `scan.failed`; `finding.new` for new findings at or above a target's threshold; `score.degraded` for
    /// targets whose score fell since their previous scan; `cert.expiring` for certificates with at most the
    /// monitor's days left; `target.unreachable` for targets the scan could not reach.
    pub(super) async fn emit_scan_events(&self, org: &str, scan_id: &str) -> Result<(), AppError> {
        if self.inner.store.list_webhooks(org).await?.is_empty() {
            return Ok(());
        }
        let monitors = self.inner.store.list_monitors(org).await?;
        let scan = self.get_scan(org, scan_id).await?;
        let rules: Vec<Rules> = scan
            .targets
            .iter()
            .map(|t| Rules::for_target(&monitors, &t.url))
            .collect();
        match scan.status {
            ScanStatus::Completed => {
                self.emit(org, "scan.completed", scan_summary(&scan))
                    .await?;
            }
            ScanStatus::Failed if rules.iter().any(|r| r.scan_failed) => {
                self.emit(org, "scan.failed", scan_summary(&scan)).await?;
                return Ok(());
            }
            _ => return Ok(()),
        };
        // Only new findings at or above the loosest threshold can be listed: the store filters them.
        let all = match rules.iter().filter_map(|r| r.new_finding).min() {
            Some(loosest) => {
                let filter = FindingFilter {
                    status: Some(FindingStatus::New),
                    min_severity: Some(loosest),
                    ..FindingFilter::default()
                };
                self.findings(org, scan_id, &filter, 10_000, 0).await?.0
            }
            None => Vec::new(),
        };
        let mut new = Vec::new();
        let mut certs = Vec::new();
        for (t, r) in scan.targets.iter().zip(&rules) {
            let of_target = all.iter().filter(|f| f.target_id == t.target_id);
            for f in of_target {
                if f.status == FindingStatus::New
                    && r.new_finding.is_some_and(|min| f.severity >= min)
                {
                    new.push(f);
                }
            }
            let seen = t.site.as_ref().and_then(|s| s.certificate.as_ref());
            if let (Some(max), Some(cert)) = (r.cert_days, seen)
                && let Some(left) = days_left(&cert.not_after, &scan)
                && left <= i64::from(max)
            {
                certs.push(json!({
                    "target": t.url, "address": cert.address, "subject": cert.subject,
                    "not_after": cert.not_after, "days_left": left,
                }));
            }
            if r.unreachable && t.error.is_some() {
                let data = json!({ "scan_id": scan_id, "target": t.url, "error": t.error });
                self.emit(org, "target.unreachable", data).await?;
            }
        }
        if !new.is_empty() {
            new.sort_by_key(|f| std::cmp::Reverse(f.severity));
            let list: Vec<Value> = new
                .iter()
                .take(MAX_LISTED)
                .map(|f| finding_brief(f))
                .collect();
            let data = json!({ "scan_id": scan_id, "total": new.len(), "findings": list });
            self.emit(org, "finding.new", data).await?;
        }
        if !certs.is_empty() {
            let data = json!({ "scan_id": scan_id, "certificates": certs });
            self.emit(org, "cert.expiring", data).await?;
        }
        for (t, r) in scan.targets.iter().zip(&rules) {
            let (true, Some(prev_id), Some(score)) =
                (r.grade_drop, &t.previous_scan_id, t.security_score)
            else {
                continue;
            };
            let Ok(prev) = self.get_scan(org, prev_id).await else {
                continue;
            };
            let before = prev
                .targets
                .iter()
                .find(|p| p.url == t.url)
                .and_then(|p| p.security_score.zip(p.risk_grade.clone()));
            if let Some((old_score, old_grade)) = before
                && score < old_score
            {
                let data = json!({
                    "scan_id": scan_id, "previous_scan_id": prev_id, "target": t.url,
                    "score": score, "previous_score": old_score,
                    "grade": t.risk_grade, "previous_grade": old_grade,
                });
                self.emit(org, "score.degraded", data).await?;
            }
        }
        Ok(())
    }
}

impl App {
    /// `scan.failed` for a scheduled run that could not start its scan (out of scope, over quota), so a broken
    /// schedule does not fail in silence: `scan_id` is null and `schedule_id` names the schedule.
    pub(super) async fn emit_run_failure(
        &self,
        s: &crate::model::Schedule,
        error: &str,
    ) -> Result<(), AppError> {
        if self.inner.store.list_webhooks(&s.org_id).await?.is_empty() {
            return Ok(());
        }
        let monitors = self.inner.store.list_monitors(&s.org_id).await?;
        let urls: Vec<String> = s
            .targets
            .iter()
            .map(|t| {
                crate::target::TargetUrl::parse(t).map_or_else(|_| t.clone(), |u| u.to_string())
            })
            .collect();
        if !urls
            .iter()
            .any(|u| Rules::for_target(&monitors, u).scan_failed)
        {
            return Ok(());
        }
        let data = json!({
            "scan_id": null,
            "schedule_id": s.id,
            "status": "failed",
            "profile": s.profile,
            "error": error,
            "targets": urls.iter().map(|u| json!({ "url": u })).collect::<Vec<_>>(),
        });
        self.emit(&s.org_id, "scan.failed", data).await?;
        Ok(())
    }
}

fn scan_summary(scan: &Scan) -> Value {
    json!({
        "scan_id": scan.id,
        "status": scan.status,
        "profile": scan.profile,
        "error": scan.error,
        "targets": scan.targets.iter().map(|t| json!({
            "url": t.url,
            "risk_grade": t.risk_grade,
            "security_score": t.security_score,
            "counts": t.counts,
            "error": t.error,
        })).collect::<Vec<_>>(),
    })
}

/// Whole days from the scan's end (or its start) to `not_after`; negative once expired.
fn days_left(not_after: &str, scan: &Scan) -> Option<i64> {
    let end = crate::scheduler::clock::read(not_after)?;
    let at = scan
        .finished_at
        .as_deref()
        .or(scan.started_at.as_deref())
        .and_then(crate::scheduler::clock::read)?;
    // Rounded down: a certificate that expired five hours ago has -1 days left, not 0.
    Some((end - at).num_seconds().div_euclid(86_400))
}

fn finding_brief(f: &crate::model::Finding) -> Value {
    json!({
        "fingerprint": f.fingerprint,
        "check_id": f.check_id,
        "severity": f.severity,
        "title": f.title,
        "location": f.location,
    })
}

/// An email alert, stored as `{subject, text}`: the Slack summary (its first line, the subject), then the event
/// itself, as the JSON webhooks receive.
fn email(envelope: &Value) -> Value {
    let event = envelope["type"].as_str().unwrap_or_default();
    let summary = slack_text(event, &envelope["data"]);
    let first = summary.lines().next().unwrap_or_default();
    let subject: String = format!("[Palisade] {}", first.trim_start_matches("Palisade: "))
        .chars()
        .take(150)
        .collect();
    let pretty = serde_json::to_string_pretty(envelope).unwrap_or_default();
    let text = format!(
        "{summary}\n\nEvent {event} ({}) in org {}, at {}.\n\nThe event as JSON, as webhooks receive it:\n\n{pretty}\n",
        envelope["id"].as_str().unwrap_or_default(),
        envelope["org"].as_str().unwrap_or_default(),
        envelope["created_at"].as_str().unwrap_or_default(),
    );
    json!({ "subject": subject, "text": text })
}

/// Text made safe for Slack: `&`, `<` and `>` escaped as Slack requires, so a finding title or banner from a scanned
/// site cannot become a mention (`<!channel>`) or a disguised link (`<https://x|text>`).
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One line of text per event for Slack (and the summary of an email).
fn slack_text(event: &str, data: &Value) -> String {
    let scan = data["scan_id"].as_str().unwrap_or("");
    match event {
        "finding.new" => {
            let worst = data["findings"][0]["severity"].as_str().unwrap_or("?");
            let mut lines = vec![format!(
                "Palisade: {} new finding(s) in scan {scan}, the worst {worst}",
                data["total"]
            )];
            for f in data["findings"].as_array().into_iter().flatten().take(10) {
                lines.push(format!(
                    "• [{}] {} ({})",
                    f["severity"].as_str().unwrap_or("").to_uppercase(),
                    f["title"].as_str().unwrap_or(""),
                    f["location"].as_str().unwrap_or("")
                ));
            }
            lines.join("\n")
        }
        "score.degraded" => format!(
            "Palisade: {} went from {} to {} (scan {scan})",
            data["target"].as_str().unwrap_or(""),
            data["previous_grade"].as_str().unwrap_or("?"),
            data["grade"].as_str().unwrap_or("?")
        ),
        "cert.expiring" => {
            let certs: Vec<String> = data["certificates"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| match c["days_left"].as_i64().unwrap_or_default() {
                    left if left < 0 => format!(
                        "{} expired {} day(s) ago",
                        c["address"].as_str().unwrap_or(""),
                        -left
                    ),
                    left => format!(
                        "{} expires in {left} day(s)",
                        c["address"].as_str().unwrap_or("")
                    ),
                })
                .collect();
            format!(
                "Palisade: TLS certificate of {} (scan {scan})",
                certs.join(", ")
            )
        }
        "target.unreachable" => format!(
            "Palisade: {} could not be reached (scan {scan}): {}",
            data["target"].as_str().unwrap_or(""),
            data["error"].as_str().unwrap_or("")
        ),
        "scan.failed" if data["scan_id"].is_null() => format!(
            "Palisade: schedule {} could not start its scan: {}",
            data["schedule_id"].as_str().unwrap_or(""),
            data["error"].as_str().unwrap_or("see the schedule")
        ),
        "scan.failed" => format!(
            "Palisade: scan {scan} failed: {}",
            data["error"].as_str().unwrap_or("see the scan")
        ),
        _ => {
            let targets = data["targets"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            let mut shown: Vec<String> = targets
                .iter()
                .take(5)
                .map(|t| {
                    let url = t["url"].as_str().unwrap_or("");
                    match (t["risk_grade"].as_str(), t["security_score"].as_u64()) {
                        _ if !t["error"].is_null() => format!("{url} not reached"),
                        (Some(grade), Some(score)) => format!("{url} grade {grade} ({score}/100)"),
                        _ => url.to_string(),
                    }
                })
                .collect();
            if targets.len() > 5 {
                shown.push(format!("and {} more", targets.len() - 5));
            }
            format!("Palisade: scan {scan} completed: {}", shown.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_text_cannot_carry_mentions_or_links_from_a_site() {
        let data = json!({
            "scan_id": "s1", "total": 1,
            "findings": [{"severity": "high", "title": "Server: <!channel> & <https://evil.test|bank>", "location": "x"}],
        });
        let text = slack_escape(&slack_text("finding.new", &data));
        assert!(!text.contains('<') && !text.contains('>'), "{text}");
        assert!(
            text.contains("&lt;!channel&gt; &amp; &lt;https://evil.test|bank&gt;"),
            "{text}"
        );
        let mail = email(
            &json!({"id": "evt_1", "type": "finding.new", "org": "o", "created_at": "t", "data": data}),
        );
        assert!(
            mail["text"]
                .as_str()
                .unwrap()
                .contains("<!channel> & <https://evil.test|bank>"),
            "email keeps the text"
        );
    }

    #[test]
    fn days_left_round_down_so_an_expired_certificate_is_negative() {
        let scan: Scan = serde_json::from_value(json!({
            "id": "s", "org_id": "o", "profile": "quick", "status": "completed", "phase": "done",
            "checks_done": 0, "checks_total": 0, "created_at": "2026-11-22T12:00:00.000Z",
            "finished_at": "2026-11-22T12:00:00.000Z", "counts": {"critical": 0, "high": 0, "medium": 0, "low": 0, "info": 0},
            "fixed": 0, "requests": 0, "targets": [],
        }))
        .unwrap();
        assert_eq!(days_left("2026-11-22T07:00:00.000Z", &scan), Some(-1));
        assert_eq!(days_left("2026-11-22T17:00:00.000Z", &scan), Some(0));
        assert_eq!(days_left("2026-12-02T12:00:00.000Z", &scan), Some(10));
    }
}
