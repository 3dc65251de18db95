//! Waiting on a scan inside a tool call: findings go to the client as `notifications/progress` the moment they are
//! found (when the request carried a progress token), scan phases as log messages, until the scan ends, the wait
//! runs out, or the request is cancelled. A finding's notification says when it was found in its `_meta`
//! ([`FOUND_AT`]), so a client can tell how long it took to arrive.

use super::McpServer;
use crate::app::{ScanEvent, ScanHandleParts};
use crate::report::line::{finding_line, host_of};
use rmcp::RoleServer;
use rmcp::model::{
    LoggingLevel, LoggingMessageNotificationParam, ProgressNotificationParam, ProgressToken,
};
use rmcp::service::RequestContext;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// How a wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waited {
    /// The scan reached a terminal state (or was not running in this process).
    Ended,
    /// The wait ran out; the scan goes on.
    TimedOut,
    /// The request was cancelled or its client went away; the scan goes on unless the client cancelled it.
    Interrupted,
}

/// The `_meta` key of a finding's progress notification: when the scanner found it (RFC 3339 in UTC with
/// milliseconds, the finding's `found_at`).
const FOUND_AT: &str = "io.palisade/foundAt";

/// Bare progress updates (without a finding) are sent at most this often.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// What a wait has sent so far.
struct Stream {
    progress: Option<Progress>,
    done: u32,
    last_sent: tokio::time::Instant,
}

/// Whole, strictly increasing progress values: the checks done plus the findings sent so far, out of the checks
/// planned plus the findings sent (each finding is one step of its own, so a notification always moves forward).
struct Progress {
    token: ProgressToken,
    last: u64,
    findings: u64,
    checks: u64,
}

impl Progress {
    /// The value after `done` checks, counting a new finding when `finding`; `None` when it would not increase (a
    /// bare update with nothing new).
    fn next(&mut self, done: u32, finding: bool) -> Option<u64> {
        self.findings += u64::from(finding);
        let value = u64::from(done) + self.findings;
        if value <= self.last {
            return None;
        }
        self.last = value;
        Some(value)
    }

    /// The total to announce: the checks planned plus the findings sent (`None` until the plan is known).
    fn total(&self) -> Option<u64> {
        (self.checks > 0).then_some(self.checks + self.findings)
    }
}

impl McpServer {
    /// Waits up to `wait` for `scan_id` to end, streaming its findings to the caller. `watch` is a subscription to
    /// the scan (a fresh one when `None`; a caller that started the scan passes the one made before it started).
    pub(super) async fn wait_streaming(
        &self,
        scan_id: &str,
        watch: Option<ScanHandleParts>,
        wait: Duration,
        ctx: &RequestContext<RoleServer>,
    ) -> Waited {
        let Some(mut watch) = watch.or_else(|| self.app.watch_scan(scan_id)) else {
            return Waited::Ended;
        };
        if *watch.done.borrow() && watch.events.is_empty() {
            return Waited::Ended;
        }
        let mut stream = Stream {
            progress: ctx.meta.get_progress_token().map(|token| Progress {
                token,
                last: 0,
                findings: 0,
                checks: 0,
            }),
            done: 0,
            last_sent: tokio::time::Instant::now() - PROGRESS_EVERY,
        };
        let deadline = tokio::time::sleep(wait);
        tokio::pin!(deadline);
        loop {
            // Queued events before the end signal: a scan's last findings and its end are passed on first.
            let event = tokio::select! {
                biased;
                _ = &mut deadline => return Waited::TimedOut,
                _ = ctx.ct.cancelled() => return Waited::Interrupted,
                event = watch.events.recv() => event,
                _ = watch.done.wait_for(|d| *d) => return Waited::Ended,
            };
            match event {
                Ok(event) if self.pass_on(scan_id, &event, &mut stream, ctx).await => {
                    return Waited::Ended;
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return Waited::Ended,
            }
        }
    }

    /// Sends what one scan event means to the client; true when the scan has ended.
    async fn pass_on(
        &self,
        scan_id: &str,
        event: &ScanEvent,
        stream: &mut Stream,
        ctx: &RequestContext<RoleServer>,
    ) -> bool {
        match event {
            ScanEvent::Finding(f) => {
                let line = finding_line(f, &host_of(&f.location));
                let finding = Some((line, f.found_at.as_str()));
                self.progress(ctx, stream.progress.as_mut(), stream.done, finding)
                    .await;
                stream.last_sent = tokio::time::Instant::now();
            }
            ScanEvent::Progress { done, total, .. } => {
                stream.done = *done;
                if let Some(p) = stream.progress.as_mut() {
                    p.checks = u64::from(*total);
                }
                if stream.last_sent.elapsed() >= PROGRESS_EVERY || done == total {
                    self.progress(ctx, stream.progress.as_mut(), stream.done, None)
                        .await;
                    stream.last_sent = tokio::time::Instant::now();
                }
            }
            ScanEvent::TargetDone {
                target_url,
                risk_grade,
                error,
            } => {
                let text = match (risk_grade, error) {
                    (Some(g), _) => format!("scan {scan_id}: {target_url} done, risk grade {g}"),
                    (None, Some(e)) => {
                        format!("scan {scan_id}: {target_url} not fully scanned: {e}")
                    }
                    (None, None) => format!("scan {scan_id}: {target_url} done"),
                };
                self.log(ctx, LoggingLevel::Info, text).await;
            }
            ScanEvent::Finished { status } => {
                self.log(ctx, LoggingLevel::Info, format!("scan {scan_id} {status}"))
                    .await;
                return true;
            }
        }
        false
    }

    /// Sends a progress notification (when the request asked for them): a bare update, or a finding's line and
    /// when it was found.
    async fn progress(
        &self,
        ctx: &RequestContext<RoleServer>,
        progress: Option<&mut Progress>,
        done: u32,
        finding: Option<(String, &str)>,
    ) {
        let Some(p) = progress else { return };
        let Some(value) = p.next(done, finding.is_some()) else {
            return;
        };
        // Whole numbers: some clients show progress as a count and print 3.001 as it is.
        let mut param = ProgressNotificationParam::new(p.token.clone(), value as f64);
        if let Some(total) = p.total() {
            param = param.with_total(total as f64);
        }
        if let Some((line, found_at)) = finding {
            param = param.with_message(line);
            let mut meta = rmcp::model::NotificationMetaObject::new();
            meta.insert(FOUND_AT.into(), found_at.into());
            param.meta = Some(meta);
        }
        let _ = ctx.peer.notify_progress(param).await;
    }

    /// Sends a log message if the client's level lets it through.
    pub(super) async fn log(
        &self,
        ctx: &RequestContext<RoleServer>,
        level: LoggingLevel,
        text: String,
    ) {
        if !self.logs(ctx, level) {
            return;
        }
        let param = LoggingMessageNotificationParam::new(level, serde_json::Value::String(text))
            .with_logger("palisade");
        let _ = ctx.peer.notify_logging_message(param).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_values_are_whole_and_strictly_increase() {
        let mut p = Progress {
            token: ProgressToken(rmcp::model::NumberOrString::Number(1)),
            last: 0,
            findings: 0,
            checks: 10,
        };
        // (checks done, a finding?) as a scan sends them: findings at 0 and 1 checks, bare updates in between.
        let steps = [
            (0, true),
            (0, true),
            (0, false),
            (1, false),
            (1, true),
            (1, false),
            (3, false),
        ];
        let values: Vec<u64> = steps.iter().filter_map(|(d, f)| p.next(*d, *f)).collect();
        assert_eq!(values, vec![1, 2, 3, 4, 6]);
        assert_eq!(p.total(), Some(13), "the checks and the three findings");
    }
}
