//! `cargo bench`: scans of the built-in lab by the release binary, with wall time, requests sent and peak memory.
//!
//! The lab runs in its own `palisade lab` process, so the scanner's memory is measured alone (`wait4` rusage of the
//! scan process). Cases: quick and standard profiles on one host, and the standard profile on 100 hosts in one scan.
//! Budgets on a 2-core machine: quick < 0.5 s; standard < 3 s with < 400 requests per host; 100 hosts < 15 s with
//! peak RSS < 250 MB. The deep profile of one host is measured too (its budget: < 10 s, < 600 requests).
//! `PALISADE_BENCH_BIN=/path/to/palisade cargo bench` measures another build (an older release, to compare).
//! The hostile cases (a crawl explosion, gzip bombs) are in `scan/hostile.rs`, the detection-template cases (what the
//! shipped templates add, 1,000 templates on one host) in `scan/templates.rs`, the MCP case (how soon a finding
//! reaches an MCP client over Streamable HTTP, on both protocol revisions) in `scan/mcp_latency.rs`;
//! `cargo bench --bench scan -- lab`, `-- hostile`, `-- templates` or `-- mcp` runs one group. The MCP case panics
//! when the first finding is late, once every group has run.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The binary measured: this build's, or `PALISADE_BENCH_BIN`.
fn bin() -> String {
    std::env::var("PALISADE_BENCH_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_palisade").to_string())
}

struct Measure {
    wall: Duration,
    requests: u64,
    hosts: usize,
    peak_rss_mb: f64,
    findings: usize,
}

struct Case {
    name: &'static str,
    profile: &'static str,
    hosts: Vec<String>,
    runs: usize,
    max_wall: Duration,
    max_requests_per_host: u64,
    max_rss_mb: f64,
}

#[path = "scan/hostile.rs"]
mod hostile;
#[path = "scan/mcp_latency.rs"]
mod mcp_latency;
#[path = "scan/templates.rs"]
mod templates;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("palisade-bench-{}", std::process::id()));
    println!(
        "{:<22} {:>10} {:>10} {:>12} {:>10} {:>10}  budget",
        "case", "median", "max", "requests/host", "peak RSS", "findings"
    );
    let only = |name: &str| std::env::args().skip(1).any(|a| a == name);
    let mut over = 0;
    let group = |name: &str| {
        only(name)
            || !["lab", "hostile", "templates", "mcp"]
                .iter()
                .any(|g| only(g))
    };
    if group("lab") {
        over += lab_cases(&dir);
    }
    if group("templates") {
        let (mut lab, config) = start_lab(&dir, 1);
        over += templates::run(&bin(), &config, &dir);
        let _ = lab.kill();
        let _ = lab.wait();
    }
    if group("hostile") {
        std::fs::create_dir_all(&dir).unwrap();
        over += hostile::run(&bin(), &dir, 3);
    }
    let mut late = Vec::new();
    if group("mcp") {
        let (mut lab, config) = start_lab(&dir, 0);
        late = std::panic::catch_unwind(|| mcp_latency::run(&bin(), &config, &dir))
            .unwrap_or_else(|_| vec!["the MCP case failed (above)".into()]);
        over += late.len();
        let _ = lab.kill();
        let _ = lab.wait();
    }
    let _ = std::fs::remove_dir_all(&dir);
    if over > 0 {
        eprintln!("{over} case(s) over budget");
    }
    assert!(late.is_empty(), "{}", late.join("\n"));
}

/// The lab cases; how many were over budget.
fn lab_cases(dir: &Path) -> usize {
    let (mut lab, config) = start_lab(dir, 100);
    let one = vec!["vulnerable.lab.palisade.test".to_string()];
    let hundred: Vec<String> = (1..=100)
        .map(|i| format!("site-{i:03}.lab.palisade.test"))
        .collect();
    let cases = [
        Case {
            name: "quick, 1 host",
            profile: "quick",
            hosts: one.clone(),
            runs: 7,
            max_wall: ms(500),
            max_requests_per_host: 400,
            max_rss_mb: 250.0,
        },
        Case {
            name: "standard, 1 host",
            profile: "standard",
            hosts: one.clone(),
            runs: 7,
            max_wall: ms(3000),
            max_requests_per_host: 400,
            max_rss_mb: 250.0,
        },
        Case {
            name: "deep, 1 host",
            profile: "deep",
            hosts: one,
            runs: 5,
            max_wall: ms(10000),
            max_requests_per_host: 600,
            max_rss_mb: 250.0,
        },
        Case {
            name: "standard, 100 hosts",
            profile: "standard",
            hosts: hundred,
            runs: 3,
            max_wall: ms(15000),
            max_requests_per_host: 400,
            max_rss_mb: 250.0,
        },
    ];
    let mut over = 0;
    for case in &cases {
        let mut runs: Vec<Measure> = (0..case.runs)
            .map(|i| scan(&config, &dir.join(format!("db-{i}")), case))
            .collect();
        runs.sort_by_key(|m| m.wall);
        let median = &runs[runs.len() / 2];
        let worst_rss = runs.iter().map(|m| m.peak_rss_mb).fold(0.0, f64::max);
        let per_host = median.requests / median.hosts as u64;
        let ok = median.wall < case.max_wall
            && per_host < case.max_requests_per_host
            && worst_rss < case.max_rss_mb;
        over += usize::from(!ok);
        println!(
            "{:<22} {:>9.0}ms {:>9.0}ms {:>12} {:>8.1}MB {:>10}  {}",
            case.name,
            median.wall.as_secs_f64() * 1000.0,
            runs.last().unwrap().wall.as_secs_f64() * 1000.0,
            per_host,
            worst_rss,
            median.findings,
            if ok { "within budget" } else { "OVER BUDGET" }
        );
    }
    let _ = lab.kill();
    let _ = lab.wait();
    over
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn start_lab(dir: &Path, hosts: usize) -> (Child, PathBuf) {
    let mut child = Command::new(bin())
        .args([
            "lab",
            "--quiet",
            "--hosts",
            &hosts.to_string(),
            "--config-dir",
        ])
        .arg(dir.join("lab"))
        .stdout(Stdio::piped())
        .spawn()
        .expect("palisade lab starts");
    let line = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map_while(Result::ok)
        .find(|l| l.starts_with("config: "))
        .expect("the lab prints its config path");
    (child, PathBuf::from(line.trim_start_matches("config: ")))
}

/// Runs one scan process and measures it.
#[allow(clippy::zombie_processes)] // reaped by wait4 in wait_rusage, which clippy cannot see
fn scan(config: &Path, db: &Path, case: &Case) -> Measure {
    let started = Instant::now();
    let mut child = Command::new(bin())
        .arg("--config")
        .arg(config)
        .arg("--db")
        .arg(db)
        .args([
            "--quiet",
            "scan",
            "--profile",
            case.profile,
            "--format",
            "json",
        ])
        .args(&case.hosts)
        .stdout(Stdio::piped())
        .spawn()
        .expect("palisade scan starts");
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let peak_rss_kb = wait_rusage(&child);
    let wall = started.elapsed();
    let report: serde_json::Value = serde_json::from_str(&out).expect("the scan prints JSON");
    assert_eq!(report["scan"]["status"], "completed", "{}", report["scan"]);
    Measure {
        wall,
        requests: report["scan"]["requests"].as_u64().unwrap(),
        hosts: case.hosts.len(),
        peak_rss_mb: peak_rss_kb as f64 / 1024.0,
        findings: report["findings"].as_array().map(Vec::len).unwrap_or(0),
    }
}

/// Waits for the child and returns its peak resident set size in KiB.
fn wait_rusage(child: &Child) -> i64 {
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    // SAFETY: pid is our child, not yet reaped.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(rc, pid, "wait4 failed");
    usage.ru_maxrss
}
