//! Hostile cases of `cargo bench`: a crawl explosion (5,000 new links and scripts on every page, deep profile,
//! `--budget 20`) and gzip bombs (1 MiB bodies inflating to 1 GiB on every path, one target and sixteen at once),
//! served in this process by the test suite's hostile servers, scanned by the binary in its own process: wall time
//! and peak RSS. Budgets: each scan ends within its `--budget` plus 5 s, under 250 MB.

#[allow(dead_code)]
#[path = "../../tests/support/hostile.rs"]
mod servers;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Hostile {
    name: &'static str,
    args: Vec<String>,
    budget: Duration,
}

/// Runs the hostile cases, `runs` times each; prints one line per case.
pub fn run(bin: &str, dir: &Path, runs: usize) -> usize {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (explosion, bombs) = runtime.block_on(async {
        let explosion = servers::crawl_explosion(5000).await;
        let mut bombs = Vec::new();
        for i in 0..16 {
            let encoding = if i % 2 == 0 { "gzip" } else { "deflate" };
            bombs.push(
                servers::site(move |_| servers::Reply::Bomb {
                    encoding,
                    content_type: "text/html",
                })
                .await,
            );
        }
        (explosion, bombs)
    });
    servers::bomb("gzip");
    let urls: Vec<String> = bombs
        .iter()
        .map(|s| format!("http://{}/", s.addr))
        .collect();
    let with = |targets: Vec<String>, extra: &[&str]| {
        let mut args = targets;
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let cases = [
        Hostile {
            name: "crawl explosion, deep",
            args: with(
                vec![format!("http://{}/", explosion.addr)],
                &["--profile", "deep", "--budget", "20"],
            ),
            budget: Duration::from_secs(20),
        },
        Hostile {
            name: "gzip bomb, 1 target",
            args: with(urls[..1].to_vec(), &["--budget", "60"]),
            budget: Duration::from_secs(60),
        },
        Hostile {
            name: "gzip bombs, 16 targets",
            args: with(urls.clone(), &["--budget", "60"]),
            budget: Duration::from_secs(60),
        },
    ];
    let mut over = 0;
    for case in &cases {
        let mut measured: Vec<(Duration, f64, String)> = (0..runs)
            .map(|i| scan(bin, &dir.join(format!("hostile-{i}.db")), &case.args))
            .collect();
        measured.sort_by_key(|m| m.0);
        let (wall, _, status) = &measured[measured.len() / 2];
        let rss = measured.iter().map(|m| m.1).fold(0.0, f64::max);
        let ok = *wall < case.budget + Duration::from_secs(5) && rss < 250.0;
        over += usize::from(!ok);
        println!(
            "{:<22} {:>9.0}ms {:>9.0}ms {:>12} {:>8.1}MB {:>10}  {}",
            case.name,
            wall.as_secs_f64() * 1000.0,
            measured.last().unwrap().0.as_secs_f64() * 1000.0,
            "",
            rss,
            status,
            if ok { "within budget" } else { "OVER BUDGET" }
        );
    }
    drop((explosion, bombs));
    over
}

/// One scan process: wall time, peak RSS in MB, and the scan's end status.
#[allow(clippy::zombie_processes)] // reaped by wait4 in super::wait_rusage
fn scan(bin: &str, db: &Path, args: &[String]) -> (Duration, f64, String) {
    let started = Instant::now();
    let mut child = Command::new(bin)
        .env("PALISADE_NAMESERVERS", "127.0.0.1:9")
        .arg("--db")
        .arg(db)
        .args(["--quiet", "scan", "--allow-private", "--format", "json"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("palisade scan starts");
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let rss = super::wait_rusage(&child) as f64 / 1024.0;
    let report: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
    let status = report["scan"]["status"].as_str().unwrap_or("?").to_string();
    (started.elapsed(), rss, status)
}
