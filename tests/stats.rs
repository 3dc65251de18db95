//! Organisation-wide stats over real scans of local sites: one leaky, one hardened, one fixed between two scans, and a
//! verification scan that must not count; then the binary reading the same database.

mod support;

use http::HeaderMap;
use palisade::app::{DEFAULT_ORG, OrgStats};
use palisade::lab::serve::Server;
use palisade::model::{Category, Profile, Scan, SeverityCounts};
use palisade::store::FindingFilter;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use support::*;

const PAGE: &str =
    "<!doctype html><html><head><title>Shop</title></head><body><p>Hello</p></body></html>";

/// Headers of a well-configured page.
const GOOD: &[(&str, &str)] = &[
    ("content-type", "text/html; charset=utf-8"),
    (
        "content-security-policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    ),
    ("cross-origin-opener-policy", "same-origin"),
];

/// A site with no security headers that hands its responses to any origin, cookies included, while `leaky`
/// holds; the well-configured page once it is cleared.
fn site(leaky: Arc<AtomicBool>) -> axum::Router {
    axum::Router::new().fallback(move |headers: HeaderMap| {
        let leaky = leaky.load(Ordering::SeqCst);
        async move {
            let mut resp = http::Response::builder().header("content-type", "text/html");
            if leaky {
                if let Some(origin) = headers.get("origin") {
                    resp = resp
                        .header("access-control-allow-origin", origin)
                        .header("access-control-allow-credentials", "true");
                }
            } else {
                for (k, v) in &GOOD[1..] {
                    resp = resp.header(*k, *v);
                }
            }
            resp.body(axum::body::Body::from(PAGE)).unwrap()
        }
    })
}

struct Org {
    t: TestApp,
    /// Scans 1 (leaky and shop), 2 (hardened), 3 (shop after its fix).
    scans: [Scan; 3],
    verification: String,
    _servers: Vec<Server>,
}

fn url(s: &Server) -> String {
    format!("http://{}/", s.addr)
}

/// The scenario every test reads: three sites, three scans, a fix in between, and a verification scan.
async fn org() -> Org {
    let leaky = http(site(Arc::new(AtomicBool::new(true)))).await;
    let hardened = http(fixed(200, GOOD, PAGE)).await;
    let shop_leaky = Arc::new(AtomicBool::new(true));
    let shop = http(site(shop_leaky.clone())).await;
    let t = TestApp::new(|_| {}).await;
    let first = t.scan(&[&url(&leaky), &url(&shop)], Profile::Quick).await;
    let second = t.scan(&[&url(&hardened)], Profile::Quick).await;
    shop_leaky.store(false, Ordering::SeqCst);
    let third = t.scan(&[&url(&shop)], Profile::Quick).await;
    let mut verify = t
        .app
        .verify_fixes(DEFAULT_ORG, &first.scan.id, None)
        .await
        .unwrap();
    verify.finished().await;
    Org {
        t,
        scans: [first.scan, second.scan, third.scan],
        verification: verify.scan.id.clone(),
        _servers: vec![leaky, hardened, shop],
    }
}

/// What the stats must say, computed from the scans' own findings: (scan, target) pairs that are latest.
struct Expected {
    counts: SeverityCounts,
    by_category: HashMap<Category, SeverityCounts>,
    scores: Vec<(String, u32)>,
}

async fn expected(o: &Org, latest: &[(usize, &str)]) -> Expected {
    let mut e = Expected {
        counts: SeverityCounts::default(),
        by_category: HashMap::new(),
        scores: Vec::new(),
    };
    for (i, target_url) in latest {
        let scan = &o.scans[*i];
        let target = scan.targets.iter().find(|t| t.url == *target_url).unwrap();
        let filter = FindingFilter {
            target_id: Some(target.target_id.clone()),
            ..Default::default()
        };
        let (open, _) =
            o.t.app
                .findings(DEFAULT_ORG, &scan.id, &filter, 10_000, 0)
                .await
                .unwrap();
        for f in &open {
            e.counts.add(f.severity);
            e.by_category.entry(f.category).or_default().add(f.severity);
        }
        e.scores
            .push((target.url.clone(), target.security_score.unwrap()));
    }
    e
}

fn mean(scores: &[(String, u32)]) -> f64 {
    let sum: u32 = scores.iter().map(|(_, s)| s).sum();
    (sum as f64 / scores.len() as f64 * 10.0).round() / 10.0
}

fn url_of(scan: &Scan, i: usize) -> &str {
    &scan.targets[i].url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_sum_the_latest_scan_of_each_target_and_trace_the_fix_in_the_trend() {
    let o = org().await;
    let [first, second, third] = &o.scans;
    let (leaky, shop, hardened) = (url_of(first, 0), url_of(first, 1), url_of(second, 0));
    let stats = o.t.app.org_stats(DEFAULT_ORG, 10).await.unwrap();

    let now = expected(&o, &[(0, leaky), (1, hardened), (2, shop)]).await;
    assert_eq!(stats.org, DEFAULT_ORG);
    assert_eq!(stats.targets, 3);
    assert_eq!(stats.scans, 3, "the verification scan is not counted");
    assert_eq!(stats.counts, now.counts);
    assert!(stats.counts.total() > 0);
    let by_category: HashMap<Category, SeverityCounts> = stats
        .by_category
        .iter()
        .map(|c| (c.category, c.counts))
        .collect();
    assert_eq!(by_category, now.by_category);
    let totals: Vec<u32> = stats.by_category.iter().map(|c| c.counts.total()).collect();
    assert!(
        totals.windows(2).all(|w| w[0] >= w[1]),
        "most first: {totals:?}"
    );
    assert_eq!(stats.mean_score, Some(mean(&now.scores)));

    let lowest = now.scores.iter().map(|(_, s)| *s).min().unwrap();
    assert_eq!(stats.worst.len(), 3);
    assert_eq!(stats.worst[0].score, Some(lowest));
    assert_eq!(stats.worst[0].url, leaky, "{:?}", now.scores);
    assert_eq!(stats.worst[0].scan_id, first.id);
    let scores: Vec<Option<u32>> = stats.worst.iter().map(|t| t.score).collect();
    assert!(scores.windows(2).all(|w| w[0] <= w[1]), "{scores:?}");
    let shop_now = stats.worst.iter().find(|t| t.url == shop).unwrap();
    assert_eq!(
        shop_now.scan_id, third.id,
        "the shop's latest scan is the one after its fix"
    );

    let ids: Vec<&str> = stats.trend.iter().map(|p| p.scan_id.as_str()).collect();
    assert_eq!(ids, [&first.id, &second.id, &third.id]);
    assert!(!ids.contains(&o.verification.as_str()));
    let before_fix = expected(&o, &[(0, leaky), (0, shop), (1, hardened)]).await;
    let after_first = expected(&o, &[(0, leaky), (0, shop)]).await;
    let [p1, p2, p3] = &stats.trend[..] else {
        panic!("{:?}", stats.trend)
    };
    assert_eq!((p1.targets, p1.scanned), (2, 2));
    assert_eq!(p1.counts, after_first.counts);
    assert_eq!(p1.mean_score, Some(mean(&after_first.scores)));
    assert_eq!((p2.targets, p2.scanned), (3, 1));
    assert_eq!(p2.counts, before_fix.counts);
    assert_eq!((p3.targets, p3.scanned), (3, 1));
    assert_eq!(p3.counts, stats.counts);
    assert_eq!(p3.mean_score, stats.mean_score);
    assert!(p3.mean_score > p2.mean_score, "{:?}", stats.trend);
    assert!(p3.counts.total() < p2.counts.total(), "{:?}", stats.trend);

    let last_two = o.t.app.org_stats(DEFAULT_ORG, 2).await.unwrap();
    assert_eq!(last_two.trend[..], stats.trend[1..]);
    assert_eq!(last_two.counts, stats.counts);

    let other = o.t.app.org_stats("another-org", 10).await.unwrap();
    assert_eq!(other.targets, 0);
    assert_eq!(other.counts, SeverityCounts::default());
    assert!(other.by_category.is_empty() && other.worst.is_empty() && other.trend.is_empty());
    assert_eq!(other.mean_score, None);
    assert!(o.t.app.org_stats(DEFAULT_ORG, 0).await.is_err());

    the_binary_prints_the_same_numbers(&o, &stats).await;
    the_mcp_resource_serves_them(&o, &stats).await;
}

/// `palisade://stats` over MCP, on an in-process pipe: listed first, and read as the same numbers.
async fn the_mcp_resource_serves_them(o: &Org, stats: &OrgStats) {
    use rmcp::ServiceExt;
    use rmcp::model::{ReadResourceRequestParams, ResourceContents};
    let (server_io, client_io) = tokio::io::duplex(1 << 16);
    let server = palisade::mcp::McpServer::new(o.t.app.clone());
    tokio::spawn(async move {
        let running = server.serve(server_io).await.unwrap();
        let _ = running.waiting().await;
    });
    let client = ().serve(client_io).await.unwrap();
    let listed = client.list_all_resources().await.unwrap();
    assert_eq!(listed[0].uri, "palisade://stats");
    let read = client
        .read_resource(ReadResourceRequestParams::new("palisade://stats"))
        .await
        .unwrap();
    let ResourceContents::TextResourceContents { text, .. } = &read.contents[0] else {
        panic!("text: {read:?}")
    };
    let mut served: Value = serde_json::from_str(text).unwrap();
    let mut want = serde_json::to_value(stats).unwrap();
    for v in [&mut served, &mut want] {
        v.as_object_mut().unwrap().remove("generated_at");
    }
    assert_eq!(served, want);
    client.cancel().await.unwrap();
}

/// `palisade stats` on the database the App wrote: JSON equal to `org_stats` but for the time it was made, and a
/// table with the worst target and the trend's arrows.
async fn the_binary_prints_the_same_numbers(o: &Org, stats: &OrgStats) {
    let run = |args: &'static [&'static str]| {
        let mut cmd = palisade_std(&o.t.dir);
        cmd.args(args);
        tokio::task::spawn_blocking(move || cmd.output().unwrap())
    };
    let json = run(&["stats", "--format", "json"]).await.unwrap();
    assert!(
        json.status.success(),
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
    let mut printed: Value = serde_json::from_slice(&json.stdout).unwrap();
    let mut want = serde_json::to_value(stats).unwrap();
    for v in [&mut printed, &mut want] {
        v.as_object_mut().unwrap().remove("generated_at");
    }
    assert_eq!(printed, want);

    let table = run(&["stats"]).await.unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(table.status.success(), "{text}");
    assert!(text.contains("organisation default · 3 targets"), "{text}");
    let worst = text
        .lines()
        .skip_while(|l| !l.contains("WORST TARGETS"))
        .nth(1)
        .unwrap();
    assert!(worst.ends_with(&stats.worst[0].url), "{text}");
    let trend: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("TREND"))
        .skip(1)
        .collect();
    assert_eq!(trend.len(), 3, "{text}");
    assert!(
        trend[2].contains(&stats.trend[2].scan_id) && trend[2].contains(" ↑ "),
        "{text}"
    );
}

#[test]
fn an_empty_database_says_how_to_get_numbers_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let out = palisade(&dir).arg("stats").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "no completed scans yet: run palisade scan URL or palisade demo\n"
    );
    let out = palisade(&dir)
        .args(["stats", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["targets"], 0);
    assert_eq!(json["trend"], Value::Array(vec![]));
    let out = palisade(&dir)
        .args(["stats", "--last", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "--last 0 is a usage error");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scan_that_could_not_reach_a_target_leaves_its_posture_as_the_last_one_that_did() {
    let server = http(site(Arc::new(AtomicBool::new(true)))).await;
    let target = url(&server);
    let t = TestApp::new(|_| {}).await;
    let reached = t.scan(&[&target], Profile::Quick).await;
    drop(server);
    let missed = t.scan(&[&target], Profile::Quick).await;
    assert!(missed.scan.targets[0].error.is_some(), "{:?}", missed.scan);

    let stats = t.app.org_stats(DEFAULT_ORG, 10).await.unwrap();
    assert_eq!(stats.targets, 1);
    assert_eq!(stats.worst[0].scan_id, reached.scan.id);
    assert_eq!(stats.counts, reached.scan.counts);
    let points: Vec<(&str, u32, u32)> = stats
        .trend
        .iter()
        .map(|p| (p.scan_id.as_str(), p.scanned, p.targets))
        .collect();
    assert_eq!(
        points,
        [
            (reached.scan.id.as_str(), 1, 1),
            (missed.scan.id.as_str(), 0, 1)
        ],
        "a completed scan is a point of the trend even when it reached nothing"
    );

    t.app.remove_target(DEFAULT_ORG, &target).await.unwrap();
    let stats = t.app.org_stats(DEFAULT_ORG, 10).await.unwrap();
    assert_eq!(stats.targets, 0, "a removed target leaves the numbers");
    assert_eq!(stats.counts, SeverityCounts::default());
    assert_eq!(stats.trend.len(), 2, "its scans stay in the history");
}
