//! Scan progress on stderr: a bar with findings printed above it on a terminal, plain lines otherwise.

use crate::app::ScanEvent;
use crate::report::line::{finding_line, host_of};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;

/// Shows a running scan's events.
pub enum Progress {
    Bar(ProgressBar, u32),
    Lines,
    Quiet,
}

impl Progress {
    /// A bar on a terminal, lines otherwise, nothing when quiet.
    pub fn new(total: u32, quiet: bool) -> Progress {
        if quiet {
            return Progress::Quiet;
        }
        if !std::io::stderr().is_terminal() {
            return Progress::Lines;
        }
        let bar = ProgressBar::new(total as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{bar:30}] {pos}/{len} checks · {msg} · {elapsed}",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        bar.set_message("0 findings");
        Progress::Bar(bar, 0)
    }

    /// Shows one event.
    pub fn on(&mut self, event: &ScanEvent) {
        match (self, event) {
            (Progress::Quiet, _) => {}
            (Progress::Bar(bar, found), ScanEvent::Finding(f)) => {
                *found += 1;
                bar.set_message(format!(
                    "{found} finding{}",
                    if *found == 1 { "" } else { "s" }
                ));
                bar.println(finding_line(f, &host_of(&f.location)));
            }
            (Progress::Bar(bar, _), ScanEvent::Progress { done, .. }) => {
                bar.set_position(*done as u64)
            }
            (Progress::Bar(bar, _), ScanEvent::Finished { .. }) => bar.finish_and_clear(),
            (Progress::Bar(..), ScanEvent::TargetDone { .. }) => {}
            (Progress::Lines, ScanEvent::Finding(f)) => {
                eprintln!("palisade: {}", finding_line(f, &host_of(&f.location)))
            }
            (
                Progress::Lines,
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
            (Progress::Lines, ScanEvent::Finished { status }) => {
                eprintln!("palisade: scan {status}")
            }
            (Progress::Lines, ScanEvent::Progress { .. }) => {}
        }
    }

    /// Removes the bar (on interruption).
    pub fn clear(&self) {
        if let Progress::Bar(bar, _) = self {
            bar.finish_and_clear();
        }
    }
}
