//! The scan's time budget bounds CPU and its body budget bounds memory, measured on the binary in a child process:
//! a crawl explosion (thousands of new links and scripts on every page), gzip and deflate bombs (as pages, probes,
//! scripts and source maps, on one target and on sixteen at once), huge headers, a reset mid-body, a TLS port that
//! never handshakes, and a site whose probe paths misbehave while its start page is normal.

use super::child::{Run, scan};
use crate::support::hostile::{Behaviour, Reply, crawl_explosion, site, start};
use std::time::Duration;

/// Peak RSS of a scan process, at most, in MB: the scan's body budget (128 MiB) plus the program (about 40 MB) and
/// room for parsing and allocator slack. Before the budget, one gzip-bombed target took about 350 MB and sixteen
/// 900 MB.
const MAX_RSS_MB: f64 = 260.0;

/// Time a scan may run past its `--budget` (2 cores shared with the other tests, a debug build).
const MARGIN: Duration = Duration::from_secs(15);

fn args(targets: &[String], extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = targets.to_vec();
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

async fn run(targets: Vec<String>, extra: &[&str]) -> Run {
    run_with(targets, extra, &[]).await
}

async fn run_with(targets: Vec<String>, extra: &[&str], envs: &'static [(&str, &str)]) -> Run {
    let args = args(&targets, extra);
    tokio::task::spawn_blocking(move || scan(&args, envs))
        .await
        .unwrap()
}

fn within(run: &Run, budget: u64) {
    assert!(
        run.wall < Duration::from_secs(budget) + MARGIN,
        "over its budget of {budget} s: {}",
        run.summary()
    );
    assert!(
        run.peak_rss_mb < MAX_RSS_MB,
        "over {MAX_RSS_MB} MB: {}",
        run.summary()
    );
}

/// A normal page: no security headers, one inline script.
const NORMAL: &str = "<!doctype html><html><head><title>normal</title></head><body><p>hello</p>\
    <script>var a = 1;</script><a href=\"/about\">about</a></body></html>";

#[tokio::test(flavor = "multi_thread")]
async fn a_crawl_explosion_ends_within_its_budget() {
    let server = crawl_explosion(5000).await;
    let url = format!("http://{}/", server.addr);
    let out = run(
        vec![url.clone()],
        &["--profile", "deep", "--budget", "20", "--timeout", "5"],
    )
    .await;
    within(&out, 20);
    // The header checks read the start page: their findings are there however the crawl went.
    let found = out.found_on(&url);
    for id in ["headers.csp-missing", "headers.xcto-missing"] {
        assert!(
            found.iter().any(|f| f == id),
            "{id} in {found:?}: {}",
            out.summary()
        );
    }
    // Every check ended with a state; none that read the crawl passed without having seen it whole.
    for c in out.coverage_of(&url) {
        let state = c["state"].as_str().unwrap();
        assert!(
            state != "errored" || !c["detail"].as_str().unwrap_or("").is_empty(),
            "{c}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn gzip_and_deflate_bombs_are_cut_while_inflating_on_sixteen_targets_at_once() {
    let mut servers = Vec::new();
    for i in 0..16 {
        let encoding = if i % 2 == 0 { "gzip" } else { "deflate" };
        servers.push(
            site(move |_| Reply::Bomb {
                encoding,
                content_type: "text/html",
            })
            .await,
        );
    }
    let targets: Vec<String> = servers
        .iter()
        .map(|s| format!("http://{}/", s.addr))
        .collect();
    let out = run(targets.clone(), &["--budget", "90", "--timeout", "10"]).await;
    within(&out, 90);
    for t in &targets {
        assert_eq!(
            out.error_of(t),
            "",
            "the cut start page is usable: {}",
            out.summary()
        );
        // The header checks judged each start page (its 2 MiB of zeros is no HTML document).
        let found = out.found_on(t);
        assert!(
            found.iter().any(|f| f == "headers.xcto-missing"),
            "{t}: {found:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn broken_sites_fail_alone_and_leave_the_others_intact() {
    let normal = site(|path| match path {
        "/" => Reply::html(NORMAL),
        _ => Reply::text(404, "not found"),
    })
    .await;
    let huge = site(|_| Reply::HugeHeaders).await;
    let reset = site(|_| Reply::ResetMidBody).await;
    let silent_tls = start(Behaviour::Silent).await;
    let normal_url = format!("http://{}/", normal.addr);
    let alone = run(
        vec![normal_url.clone()],
        &["--budget", "60", "--timeout", "2"],
    )
    .await;
    let targets = vec![
        normal_url.clone(),
        format!("http://{}/", huge.addr),
        format!("http://{}/", reset.addr),
        format!("https://{}/", silent_tls.addr),
    ];
    let out = run(targets.clone(), &["--budget", "60", "--timeout", "2"]).await;
    within(&out, 60);
    assert_eq!(out.found_on(&normal_url), alone.found_on(&normal_url));
    assert_eq!(out.error_of(&normal_url), "");
    let huge_error = out.error_of(&targets[1]);
    assert!(
        huge_error.starts_with("broken HTTP response") && huge_error.contains("too large"),
        "{huge_error}"
    );
    let reset_error = out.error_of(&targets[2]);
    assert!(
        reset_error.starts_with("broken HTTP response: the body broke off"),
        "{reset_error}"
    );
    assert_eq!(out.error_of(&targets[3]), "no response within 2s");
    let tls = out
        .coverage_of(&targets[3])
        .into_iter()
        .find(|c| c["check_id"] == "tls.certificate")
        .cloned()
        .unwrap();
    assert_eq!(tls["state"], "errored", "{tls}");
    assert_eq!(tls["detail"], "no response within 2s", "{tls}");
}

#[tokio::test(flavor = "multi_thread")]
async fn misbehaving_probe_paths_and_bombed_assets_error_only_the_checks_that_read_them() {
    // The start page and the page it links to are normal; the start page loads a script that is a gzip bomb whose
    // source map is a deflate bomb; every other path cycles through a bomb, a reset, a huge head and silence.
    let n = std::sync::atomic::AtomicUsize::new(0);
    let server = site(move |path| match path {
        "/" => Reply::html(
            "<!doctype html><html><head><title>app</title><script src=\"/app.js\"></script></head>\
             <body><a href=\"/about\">about</a></body></html>",
        ),
        // The crawled page answers normally, so the crawl itself is whole and the checks that read it meet only
        // the bombed script (when /about took its turn among the probes' misbehaviours, the crawl readers were
        // rightly errored, and the test depended on arrival order).
        "/about" => Reply::html(
            "<!doctype html><html><head><title>about</title></head><body>us</body></html>",
        ),
        "/app.js" => Reply::Bomb {
            encoding: "gzip",
            content_type: "application/javascript",
        },
        "/app.js.map" => Reply::Bomb {
            encoding: "deflate",
            content_type: "application/json",
        },
        _ if path.starts_with("/palisade-") => Reply::text(404, "not found"),
        _ => match n.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 4 {
            0 => Reply::Bomb {
                encoding: "gzip",
                content_type: "text/html",
            },
            1 => Reply::ResetMidBody,
            2 => Reply::HugeHeaders,
            _ => Reply::Silent,
        },
    })
    .await;
    let url = format!("http://{}/", server.addr);
    // Every probe fails: the host's error budget must not end the scan before they are all tried.
    let out = run_with(
        vec![url.clone()],
        &["--budget", "60", "--timeout", "1"],
        &[("PALISADE_ERROR_BUDGET", "10000")],
    )
    .await;
    within(&out, 60);
    assert_eq!(out.error_of(&url), "", "{}", out.summary());
    let found = out.found_on(&url);
    assert!(
        found.iter().any(|f| f == "headers.csp-missing"),
        "{found:?}"
    );
    let coverage = out.coverage_of(&url);
    let state = |id: &str| {
        coverage
            .iter()
            .find(|c| c["check_id"] == id)
            .map(|c| {
                (
                    c["state"].as_str().unwrap().to_string(),
                    c["detail"].to_string(),
                )
            })
            .unwrap_or_else(|| panic!("no {id}"))
    };
    let (exposures, why) = state("disclosure.exposures");
    assert_eq!(exposures, "errored", "{why}");
    assert!(why.contains("probes failed"), "{why}");
    for id in ["headers.csp", "headers.framing", "components.libraries"] {
        let (s, why) = state(id);
        assert!(s == "passed" || s == "found", "{id}: {s} {why}");
    }
}
