//! Scan progress on stderr: a bar with findings printed above it on a terminal, plain lines otherwise. Both tick on
//! a timer (every second on a terminal, every `PALISADE_PROGRESS_EVERY` seconds otherwise) with the elapsed time,
//! checks done, requests sent, findings and what the scan is doing, so a slow, polite scan never looks hung.

use super::CliError;
use crate::app::ScanEvent;
use crate::engine::live::{Live, Phase};
use crate::report::line::{finding_line, host_of};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Seconds between progress lines when stderr is not a terminal, unless `PALISADE_PROGRESS_EVERY` says otherwise.
const LINES_EVERY: u64 = 10;
/// How often the bar on a terminal is refreshed.
const BAR_EVERY: Duration = Duration::from_secs(1);

/// How a running scan's progress is shown.
enum View {
    Bar(ProgressBar),
    /// Plain lines, with a progress line every so often (never when `None`).
    Lines(Option<Duration>),
    Quiet,
}

/// Shows a running scan's events and ticks.
pub struct Progress {
    view: View,
    live: Arc<Live>,
    started: Instant,
    done: u32,
    total: u32,
}

/// The interval of progress lines from `PALISADE_PROGRESS_EVERY` (whole seconds; 0 for none; 10 when unset).
pub fn lines_every(value: Option<&str>) -> Result<Option<Duration>, CliError> {
    let secs = match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => LINES_EVERY,
        Some(v) => v.parse::<u64>().map_err(|_| {
            CliError::usage(format!(
                "PALISADE_PROGRESS_EVERY: '{v}' is not a whole number of seconds: give e.g. 10 for a progress \
                 line every 10 s, or 0 for none"
            ))
        })?,
    };
    Ok((secs > 0).then(|| Duration::from_secs(secs)))
}

impl Progress {
    /// A bar on a terminal, lines (a progress line each `every`) otherwise, nothing when quiet.
    pub fn new(total: u32, quiet: bool, live: Arc<Live>, every: Option<Duration>) -> Progress {
        let view = if quiet {
            View::Quiet
        } else if !std::io::stderr().is_terminal() {
            View::Lines(every)
        } else {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{bar:30}] {pos}/{len} checks · {elapsed} · {msg}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            View::Bar(bar)
        };
        let progress = Progress {
            view,
            live,
            started: Instant::now(),
            done: 0,
            total,
        };
        if let View::Bar(_) = progress.view {
            progress.tick();
        }
        progress
    }

    /// How often [`Progress::tick`] wants to be called, if at all.
    pub fn every(&self) -> Option<Duration> {
        match self.view {
            View::Bar(_) => Some(BAR_EVERY),
            View::Lines(every) => every,
            View::Quiet => None,
        }
    }

    /// Shows where the scan is now: refreshes the bar, or prints one progress line.
    pub fn tick(&self) {
        match &self.view {
            View::Bar(bar) => {
                bar.set_message(format!("{} · {}", self.counts(), self.doing()));
                bar.tick();
            }
            View::Lines(Some(_)) => {
                eprintln!(
                    "palisade: progress: {} elapsed, {}/{} checks, {}; {}",
                    elapsed(self.started.elapsed()),
                    self.done,
                    self.total,
                    self.counts(),
                    self.doing()
                )
            }
            View::Lines(_) | View::Quiet => {}
        }
    }

    /// "183 requests, 2 findings"
    fn counts(&self) -> String {
        let (requests, found) = (self.live.requests(), self.live.findings());
        format!(
            "{requests} request{}, {found} finding{}",
            plural(requests),
            plural(found)
        )
    }

    /// "checking (latest request: headers.csp)"
    fn doing(&self) -> String {
        match (self.live.phase(), self.live.check()) {
            (Phase::Checking, Some(check)) => format!("checking (latest request: {check})"),
            (phase, _) => phase.as_str().to_string(),
        }
    }

    /// Shows one event.
    pub fn on(&mut self, event: &ScanEvent) {
        if let ScanEvent::Progress { done, .. } = event {
            self.done = *done;
        }
        match (&self.view, event) {
            (View::Quiet, _) => {}
            (View::Bar(bar), ScanEvent::Finding(f)) => {
                bar.println(finding_line(f, &host_of(&f.location)));
                self.tick();
            }
            (View::Bar(bar), ScanEvent::Progress { done, .. }) => bar.set_position(*done as u64),
            (View::Bar(bar), ScanEvent::Finished { .. }) => bar.finish_and_clear(),
            (View::Bar(_), ScanEvent::TargetDone { .. }) => {}
            (View::Lines(_), ScanEvent::Finding(f)) => {
                eprintln!("palisade: {}", finding_line(f, &host_of(&f.location)))
            }
            (
                View::Lines(_),
                ScanEvent::TargetDone {
                    target_url,
                    risk_grade,
                    error,
                },
            ) => match (risk_grade, error) {
                (Some(g), Some(e)) => {
                    eprintln!("palisade: done {target_url}: risk grade {g}; {e}")
                }
                (Some(g), None) => eprintln!("palisade: done {target_url}: risk grade {g}"),
                (None, Some(e)) => eprintln!("palisade: done {target_url}: not scanned: {e}"),
                (None, None) => eprintln!("palisade: done {target_url}"),
            },
            (View::Lines(_), ScanEvent::Finished { status }) => eprintln!(
                "palisade: scan {status} in {}: {}/{} checks, {}",
                elapsed(self.started.elapsed()),
                self.done,
                self.total,
                self.counts()
            ),
            (View::Lines(_), ScanEvent::Progress { .. }) => {}
        }
    }

    /// Removes the bar (on interruption).
    pub fn clear(&self) {
        if let View::Bar(bar) = &self.view {
            bar.finish_and_clear();
        }
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// "42s", "3m05s"
fn elapsed(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        _ => format!("{}m{:02}s", s / 60, s % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_of_progress_lines_is_whole_seconds_and_zero_turns_them_off() {
        assert_eq!(lines_every(None).unwrap(), Some(Duration::from_secs(10)));
        assert_eq!(
            lines_every(Some("3")).unwrap(),
            Some(Duration::from_secs(3))
        );
        assert_eq!(lines_every(Some("0")).unwrap(), None);
        let err = lines_every(Some("fast")).unwrap_err();
        assert!(
            err.message.contains("PALISADE_PROGRESS_EVERY: 'fast'"),
            "{}",
            err.message
        );
        assert_eq!(elapsed(Duration::from_secs(185)), "3m05s");
    }
}
