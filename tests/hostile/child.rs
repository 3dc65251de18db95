//! The `palisade` binary scanning as a child process, measured from outside: wall time, exit code, the JSON report,
//! and the scan process's own peak RSS (`wait4` rusage, not polluted by the other tests of this binary).
//! `PALISADE_HOSTILE_BIN=/path/to/palisade` runs another build instead (an older one, to see these tests fail).

use serde_json::Value;
use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// One finished scan process.
pub struct Run {
    pub wall: Duration,
    pub peak_rss_mb: f64,
    pub code: i32,
    pub report: Value,
    pub stderr: String,
}

impl Run {
    /// The coverage rows of the target whose URL starts with `url`.
    pub fn coverage_of(&self, url: &str) -> Vec<&Value> {
        let id = self.target(url)["target_id"].clone();
        self.report["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["target_id"] == id)
            .collect()
    }

    /// The scan's target whose URL starts with `url`.
    pub fn target(&self, url: &str) -> &Value {
        self.report["scan"]["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["url"].as_str().unwrap_or("").starts_with(url))
            .unwrap_or_else(|| panic!("no target {url} in {}", self.report["scan"]))
    }

    /// The check ids found on the target whose URL starts with `url`, sorted.
    pub fn found_on(&self, url: &str) -> Vec<String> {
        let id = self.target(url)["target_id"].clone();
        let mut ids: Vec<String> = self.report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["target_id"] == id)
            .map(|f| f["check_id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    }

    /// The target error of `url`, or "".
    pub fn error_of(&self, url: &str) -> String {
        self.target(url)["error"].as_str().unwrap_or("").to_string()
    }

    /// A summary for assertion messages.
    pub fn summary(&self) -> String {
        format!(
            "exit {} after {:.1} s, peak RSS {:.0} MB, status {}, error {}, {} requests; stderr: {}",
            self.code,
            self.wall.as_secs_f64(),
            self.peak_rss_mb,
            self.report["scan"]["status"],
            self.report["scan"]["error"],
            self.report["scan"]["requests"],
            self.stderr.chars().take(2000).collect::<String>()
        )
    }
}

/// Runs `palisade --quiet scan --allow-private --format json ARGS...` in a fresh directory with the extra
/// environment `envs`, and waits for it.
pub fn scan(args: &[String], envs: &[(&str, &str)]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = crate::support::palisade_std(&dir);
    if let Some(other) = std::env::var_os("PALISADE_HOSTILE_BIN") {
        // Another build (an older release, to show what these tests catch), in the same environment.
        let mine = cmd;
        cmd = std::process::Command::new(other);
        cmd.current_dir(dir.path()).env_clear();
        cmd.envs(mine.get_envs().filter_map(|(k, v)| Some((k, v?))));
    }
    cmd.envs(envs.iter().copied())
        .args(["--quiet", "scan", "--allow-private", "--format", "json"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd.spawn().expect("palisade starts");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut out = String::new();
    stdout.read_to_string(&mut out).unwrap();
    let (code, peak_rss_kb) = wait_rusage(child.id());
    let wall = started.elapsed();
    let stderr = err.join().unwrap();
    let report = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("no JSON report ({e}): {out:.500} / {stderr:.2000}"));
    drop(child);
    Run {
        wall,
        peak_rss_mb: peak_rss_kb as f64 / 1024.0,
        code,
        report,
        stderr,
    }
}

/// Waits for the child `pid`; its exit code and peak resident set size in KiB.
fn wait_rusage(pid: u32) -> (i32, i64) {
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = pid as libc::pid_t;
    // SAFETY: pid is our child, not yet reaped.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(rc, pid, "wait4 failed");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (code, usage.ru_maxrss)
}
