//! Template cases of `cargo bench`, on one lab host:
//! - what the shipped templates add to a standard scan (the same scan with every shipped template excluded by its
//!   class tag, against the normal one): budget at most +200 ms and +150 requests;
//! - 1,000 private templates sharing 200 distinct (method, path, headers) requests and the start page: the requests
//!   they add to a quick scan may not exceed their distinct requests (plus the not-found calibration), and peak
//!   memory stays flat (within 50 MB of the same scan with 10 of them).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Distinct requests the generated templates make besides the start page.
const DISTINCT: usize = 200;

struct Run {
    wall: Duration,
    requests: u64,
    rss_mb: f64,
    template_findings: usize,
}

#[allow(clippy::zombie_processes)] // reaped by wait4 in super::wait_rusage
fn scan(bin: &str, config: &Path, db: &Path, args: &[&str]) -> Run {
    let started = Instant::now();
    let mut child = Command::new(bin)
        .arg("--config")
        .arg(config)
        .arg("--db")
        .arg(db)
        .args(["--quiet", "scan", "--format", "json"])
        .args(args)
        .arg("vulnerable.lab.palisade.test")
        .stdout(Stdio::piped())
        .spawn()
        .expect("palisade scan starts");
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    let rss = super::wait_rusage(&child);
    let wall = started.elapsed();
    let report: serde_json::Value = serde_json::from_str(&out).expect("the scan prints JSON");
    assert_eq!(report["scan"]["status"], "completed", "{}", report["scan"]);
    Run {
        wall,
        requests: report["scan"]["requests"].as_u64().unwrap(),
        rss_mb: rss as f64 / 1024.0,
        template_findings: report["findings"]
            .as_array()
            .map(|f| {
                f.iter()
                    .filter(|f| {
                        f["check_id"]
                            .as_str()
                            .unwrap_or("")
                            .starts_with("templates.")
                    })
                    .count()
            })
            .unwrap_or(0),
    }
}

/// The median run of `n` (by wall time).
fn median(bin: &str, config: &Path, dir: &Path, n: usize, args: &[&str]) -> Run {
    let mut runs: Vec<Run> = (0..n)
        .map(|i| {
            scan(
                bin,
                config,
                &dir.join(format!("tdb-{}-{i}", args.join("").len())),
                args,
            )
        })
        .collect();
    runs.sort_by_key(|r| r.wall);
    runs.swap_remove(n / 2)
}

/// Writes `count` templates: template i asks for the start page and for one of [`DISTINCT`] requests (GETs, HEADs
/// and GETs with a header), looking for words the lab never serves.
fn generate(dir: &Path, count: usize) -> PathBuf {
    let out = dir.join(format!("generated-{count}"));
    std::fs::create_dir_all(&out).unwrap();
    for i in 0..count {
        let j = i % DISTINCT;
        let (method, path, headers) = match j {
            0..150 => ("GET", format!("/bench/p{j}"), String::new()),
            150..180 => ("HEAD", format!("/bench/h{j}"), String::new()),
            _ => (
                "GET",
                format!("/bench/x{j}"),
                "    headers:\n      Accept: application/json\n".to_string(),
            ),
        };
        let mut text = String::new();
        let _ = write!(
            text,
            "id: bench-{i}\ninfo:\n  name: bench {i}\n  author: bench\n  severity: info\n  tags: bench\nhttp:\n  - method: {method}\n    path:\n      - \"{{{{BaseURL}}}}/\"\n      - \"{{{{BaseURL}}}}{path}\"\n{headers}    matchers-condition: and\n    matchers:\n      - type: status\n        status: [200]\n      - type: word\n        words: [\"palisade-bench-never-{i}\"]\n"
        );
        std::fs::write(out.join(format!("bench-{i}.yaml")), text).unwrap();
    }
    out
}

/// Runs the template cases; how many were over budget.
pub fn run(bin: &str, config: &Path, dir: &Path) -> usize {
    let mut over = 0;
    let without = median(
        bin,
        config,
        dir,
        5,
        &[
            "--profile",
            "standard",
            "--exclude-tags",
            "panel,exposure,debug,unauth,listing",
        ],
    );
    let with = median(bin, config, dir, 5, &["--profile", "standard"]);
    let added_ms = with.wall.as_secs_f64() * 1000.0 - without.wall.as_secs_f64() * 1000.0;
    let added_requests = with.requests as i64 - without.requests as i64;
    let ok = added_ms <= 200.0 && added_requests <= 150;
    over += usize::from(!ok);
    println!(
        "{:<22} {:>9.0}ms {:>9.0}ms {:>12} {:>8.1}MB {:>10}  {}",
        "standard, templates",
        with.wall.as_secs_f64() * 1000.0,
        without.wall.as_secs_f64() * 1000.0,
        format!("+{added_requests}"),
        with.rss_mb,
        with.template_findings,
        if ok {
            format!(
                "within budget (+{added_ms:.0} ms; without: {} requests)",
                without.requests
            )
        } else {
            format!("OVER BUDGET (+{added_ms:.0} ms)")
        }
    );

    let quick = median(bin, config, dir, 3, &["--profile", "quick"]);
    for count in [10, 1000] {
        let templates = generate(dir, count);
        let t = templates.to_string_lossy().into_owned();
        let run = median(
            bin,
            config,
            dir,
            3,
            &[
                "--profile",
                "quick",
                "--templates",
                &t,
                "--template-id",
                "bench-*",
            ],
        );
        let added = run.requests as i64 - quick.requests as i64;
        // Each distinct request once, plus the not-found calibration; the start page is shared with the checks.
        let distinct = count.min(DISTINCT) as i64 + 1;
        let flat = count < 1000 || run.rss_mb <= quick.rss_mb + 50.0;
        let ok = added <= distinct + 1 && flat;
        over += usize::from(!ok);
        println!(
            "{:<22} {:>9.0}ms {:>9.0}ms {:>12} {:>8.1}MB {:>10}  {} ({} template requests, {distinct} distinct)",
            format!("{count} templates, quick"),
            run.wall.as_secs_f64() * 1000.0,
            quick.wall.as_secs_f64() * 1000.0,
            format!("+{added}"),
            run.rss_mb,
            run.template_findings,
            if ok { "within budget" } else { "OVER BUDGET" },
            count * 2,
        );
    }
    over
}
