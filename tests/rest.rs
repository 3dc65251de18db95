//! The REST API through a real HTTP client against `palisade serve` on a free port: every endpoint's success and
//! failure paths, cursor paging, server-sent events, org isolation, scopes and revocation.

#[path = "support/mcp.rs"]
#[allow(dead_code)]
mod mcp;
#[path = "support/rest.rs"]
mod rest;
#[path = "support/served.rs"]
#[allow(dead_code)]
mod served;
mod support;

use palisade::lab::{Kind, Lab};
use rest::{Api, cli_key};
use serde_json::{Value, json};
use std::collections::HashSet;
use support::hostile::{Behaviour, start};

const SEVERITIES: [&str; 5] = ["info", "low", "medium", "high", "critical"];

fn rank(f: &Value) -> usize {
    SEVERITIES.iter().position(|s| f["severity"] == *s).unwrap()
}

/// Starts a scan and reads its events to the end; returns the scan id and the events.
async fn scan_and_follow(api: &Api, targets: &[String]) -> (String, Vec<(String, Value)>) {
    let started = api
        .post(
            "/v1/scans",
            json!({ "targets": targets, "profile": "standard" }),
        )
        .await;
    started.expect(202);
    let id = started.json["scan_id"].as_str().unwrap().to_string();
    let status_url = started.json["status_url"].as_str().unwrap();
    assert_eq!(status_url, format!("{}/v1/scans/{id}", api.base));
    assert_eq!(started.header("location"), status_url);
    assert_eq!(
        started.json["findings_url"],
        format!("{}/v1/scans/{id}/findings", api.base)
    );
    let events = api.events(&id).await;
    (id, events)
}

/// Walks every page of a scan's findings with `query`.
async fn all_pages(api: &Api, id: &str, query: &str) -> (Vec<Value>, u64, usize) {
    let mut cursor: Option<String> = None;
    let mut out = Vec::new();
    let mut pages = 0;
    let mut total = None;
    loop {
        let mut path = format!("/v1/scans/{id}/findings?limit=4&{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = api.get(&path).await;
        page.expect(200);
        pages += 1;
        let t = page.json["total"].as_u64().unwrap();
        assert_eq!(
            *total.get_or_insert(t),
            t,
            "the total stays as on the first page"
        );
        out.extend(page.json["findings"].as_array().unwrap().iter().cloned());
        match page.json["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
        assert!(pages < 100, "paging ends");
    }
    (out, total.unwrap(), pages)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_ci_job_scans_pages_findings_and_downloads_every_report() {
    let lab = Lab::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = lab.write_config(&dir.path().join("lab")).unwrap();
    let key = cli_key(dir.path(), "acme", "ci", "admin");
    let server = served::serve(Some(&config), dir.path(), &[], &[]);
    let api = Api::new(&server.base, Some(&key));
    let vulnerable = lab.host(Kind::Vulnerable).url();

    // Public endpoints need no key; everything else does.
    let anonymous = Api::new(&server.base, None);
    anonymous.get("/healthz").await.expect(200);
    assert_eq!(
        anonymous.get("/v1/openapi.json").await.expect(200).json["openapi"],
        "3.1.0"
    );
    let refused = anonymous.get("/v1/targets").await;
    refused.expect(401);
    assert_eq!(refused.header("www-authenticate"), "Bearer");

    // Targets.
    let added = api
        .post("/v1/targets", json!({ "url": vulnerable, "label": "lab" }))
        .await;
    added.expect(201);
    let target_id = added.json["target"]["id"].as_str().unwrap().to_string();
    assert_eq!(added.json["target"]["org_id"], "acme");
    let listed = api.get("/v1/targets").await;
    listed.expect(200);
    assert_eq!(listed.json["targets"].as_array().unwrap().len(), 1);
    api.post("/v1/targets", json!({ "url": "http://exa mple.com" }))
        .await
        .expect(422);
    let private = api
        .post("/v1/targets", json!({ "url": "http://10.1.2.3/" }))
        .await;
    private.expect(422);
    assert_eq!(private.code(), "out_of_scope");
    api.post("/v1/targets", json!({ "link": vulnerable }))
        .await
        .expect(422);

    // A scan, followed as server-sent events to the end.
    let (id, events) = scan_and_follow(&api, std::slice::from_ref(&vulnerable)).await;
    assert_eq!(
        events.first().unwrap().0,
        "scan",
        "the first event is the scan"
    );
    let (last, finished) = events.last().unwrap();
    assert_eq!(
        (last.as_str(), finished["status"].as_str()),
        ("finished", Some("completed"))
    );
    let streamed: Vec<&Value> = events
        .iter()
        .filter(|(e, _)| e == "finding")
        .map(|(_, d)| d)
        .collect();
    let unique: HashSet<&str> = streamed
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(unique.len(), streamed.len(), "no finding is sent twice");
    assert!(
        streamed.iter().any(|f| f["check_id"] == "tls.cert-expired"),
        "the lab's planted problems stream in"
    );

    // The scan, with progress and its worst findings.
    let scan = api.get(&format!("/v1/scans/{id}")).await;
    scan.expect(200);
    assert_eq!(scan.json["scan"]["status"], "completed");
    assert_eq!(scan.json["progress"]["percent"], 100);
    let preview = scan.json["findings"].as_array().unwrap();
    assert!(!preview.is_empty() && preview.len() <= 10);
    let total = scan.json["findings_total"].as_u64().unwrap();
    assert_eq!(
        total as usize,
        streamed.len(),
        "events carried every finding"
    );

    // Findings, paged by cursor: every one once, worst first, the count as announced.
    let (all, announced, pages) = all_pages(&api, &id, "").await;
    assert_eq!((all.len() as u64, announced), (total, total));
    assert!(pages > 1, "{pages} pages");
    let fps: HashSet<&str> = all
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fps.len(), all.len());
    assert!(
        all.windows(2).all(|w| rank(&w[0]) >= rank(&w[1])),
        "worst first"
    );
    // Filters, as in the MCP tool.
    let (high, high_total, _) = all_pages(&api, &id, "min_severity=high").await;
    assert_eq!(high.len() as u64, high_total);
    assert_eq!(high.len(), all.iter().filter(|f| rank(f) >= 3).count());
    let (headers, _, _) = all_pages(&api, &id, "category=headers&status=new").await;
    assert!(!headers.is_empty() && headers.iter().all(|f| f["category"] == "headers"));
    let (by_target, _, _) = all_pages(&api, &id, &format!("target={target_id}")).await;
    assert_eq!(by_target.len(), all.len());
    for (query, code) in [
        ("limit=0", "out_of_range"),
        ("limit=101", "out_of_range"),
        ("min_severity=severe", "invalid_parameter"),
        ("cursor=not-a-cursor", "invalid_cursor"),
        ("target=https://other.example/", "unknown_target"),
        ("colour=red", "invalid_parameter"),
    ] {
        let r = api.get(&format!("/v1/scans/{id}/findings?{query}")).await;
        assert!(r.status.is_client_error(), "{query}: {}", r.text);
        assert_eq!(r.code(), code, "{query}");
    }
    api.get("/v1/scans/nosuchscan/findings").await.expect(404);

    // The fix file and every report format.
    let fix = api.get(&format!("/v1/scans/{id}/fix")).await;
    fix.expect(200);
    assert!(fix.header("content-type").starts_with("text/markdown"));
    assert!(
        fix.text.starts_with("---\nformat: security-fix/v1\n"),
        "{}",
        &fix.text[..80]
    );
    assert!(
        fix.headers.get("palisade-partial").is_none(),
        "a finished scan is whole"
    );
    for (format, media) in [
        ("json", "application/json"),
        ("jsonl", "application/jsonl"),
        ("csv", "text/csv"),
        ("sarif", "application/sarif+json"),
        ("markdown", "text/markdown"),
        ("html", "text/html"),
        ("pdf", "application/pdf"),
        ("fix", "text/markdown"),
    ] {
        let resp = api
            .send(api.request(
                reqwest::Method::GET,
                &format!("/v1/scans/{id}/report.{format}"),
            ))
            .await;
        resp.expect(200);
        assert!(resp.header("content-type").starts_with(media), "{format}");
        match format {
            "json" => assert_eq!(resp.json["scan"]["id"], id.as_str()),
            "sarif" => assert_eq!(resp.json["version"], "2.1.0"),
            "jsonl" => assert_eq!(
                resp.text.lines().count() as u64,
                total,
                "a line per finding"
            ),
            "pdf" => assert!(resp.text.starts_with("%PDF")),
            _ => assert!(resp.text.contains("tls.cert-expired") || resp.text.contains("expired")),
        }
    }
    let unknown = api.get(&format!("/v1/scans/{id}/report.xml")).await;
    unknown.expect(404);
    assert!(unknown.json["error"].as_str().unwrap().contains("sarif"));
    api.get(&format!("/v1/scans/{id}/summary.json"))
        .await
        .expect(404);
    api.get(&format!("/v1/scans/{id}/fix?target=https://other.example/"))
        .await
        .expect(422);

    // Lists and stats.
    let scans = api.get("/v1/scans?limit=5").await;
    scans.expect(200);
    assert_eq!(scans.json["scans"][0]["id"], id.as_str());
    assert_eq!(
        scans.json["scans"][0]["scan_id"],
        id.as_str(),
        "the name startScan and MCP use"
    );
    api.get("/v1/scans?limit=1000").await.expect(422);
    let stats = api.get("/v1/stats?last=10").await;
    stats.expect(200);
    assert_eq!(stats.json["org"], "acme");
    assert_eq!(stats.json["targets"], 1);
    api.get("/v1/stats?last=0").await.expect(422);

    // Starting, conflicting, cancelling a scan that takes a while (a server that never answers).
    let slow = start(Behaviour::Silent).await;
    let slow_url = format!("https://127.0.0.1:{}/", slow.addr.port());
    let first = api
        .post("/v1/scans", json!({ "targets": [slow_url] }))
        .await;
    first.expect(202);
    let slow_id = first.json["scan_id"].as_str().unwrap().to_string();
    let again = api
        .post("/v1/scans", json!({ "targets": [slow_url] }))
        .await;
    again.expect(409);
    assert_eq!(
        (again.code(), again.json["scan_id"].as_str()),
        ("scan_running", Some(slow_id.as_str()))
    );
    let forced = api
        .post("/v1/scans", json!({ "targets": [slow_url], "force": true }))
        .await;
    forced.expect(202);
    let running = api.get(&format!("/v1/scans/{slow_id}")).await;
    assert_eq!(running.expect(200).json["scan"]["status"], "running");
    let partial = api.get(&format!("/v1/scans/{slow_id}/fix")).await;
    assert!(
        partial
            .expect(200)
            .header("palisade-partial")
            .contains("still running"),
        "{:?}",
        partial.headers
    );
    for scan in [&slow_id, forced.json["scan_id"].as_str().unwrap()] {
        let cancelled = api
            .post(&format!("/v1/scans/{scan}/cancel"), json!({}))
            .await;
        assert_eq!(cancelled.expect(200).json["scan"]["status"], "cancelled");
    }
    let twice = api
        .post(&format!("/v1/scans/{slow_id}/cancel"), json!({}))
        .await;
    assert_eq!(twice.expect(409).code(), "conflict");
    api.post("/v1/scans/nosuchscan/cancel", json!({}))
        .await
        .expect(404);
    let events = api.events(&slow_id).await;
    assert_eq!(events.last().unwrap().1["status"], "cancelled");

    // Removing a target keeps its scans.
    let removed = api.delete(&format!("/v1/targets/{target_id}")).await;
    assert_eq!(removed.expect(200).json["target"]["id"], target_id.as_str());
    api.delete(&format!("/v1/targets/{target_id}"))
        .await
        .expect(404);
    api.get(&format!("/v1/scans/{id}")).await.expect(200);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_requests_get_json_errors_that_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let server = served::serve(
        None,
        dir.path(),
        &[],
        &[("PALISADE_MAX_REQUEST_BODY", "2048")],
    );
    let api = Api::new(&server.base, None);
    let post = |body: &'static str, ctype: &'static str| {
        api.request(reqwest::Method::POST, "/v1/scans")
            .header("content-type", ctype)
            .body(body)
    };
    let r = api.send(post("{\"targets\": [", "application/json")).await;
    assert_eq!(r.expect(400).code(), "malformed_json");
    let r = api.send(post("{\"targets\": []}", "text/plain")).await;
    assert_eq!(r.expect(415).code(), "unsupported_media_type");
    let r = api.send(post("{\"targets\": 3}", "application/json")).await;
    assert_eq!(r.expect(422).code(), "invalid_body");
    let r = api.post("/v1/scans", json!({ "targets": [] })).await;
    assert!(
        r.expect(422).json["error"]
            .as_str()
            .unwrap()
            .contains("at least one target")
    );
    let r = api
        .post(
            "/v1/scans",
            json!({ "targets": ["https://example.com"], "profile": "turbo" }),
        )
        .await;
    assert!(
        r.expect(422).json["error"]
            .as_str()
            .unwrap()
            .contains("quick"),
        "{}",
        r.text
    );
    let big = "x".repeat(4096);
    let r = api.post("/v1/targets", json!({ "url": big })).await;
    assert_eq!(r.expect(413).code(), "body_too_large");
    let r = api.get("/v1/nowhere").await;
    assert!(
        r.expect(404).json["error"]
            .as_str()
            .unwrap()
            .contains("/v1/openapi.json")
    );
    let r = api.delete("/v1/scans").await;
    assert_eq!(r.expect(405).code(), "method_not_allowed");
    api.get("/v1/scans/nosuchscan").await.expect(404);

    // A store that cannot be read gives 500 without its text: corrupt a row behind the server's back.
    let ok = api
        .post("/v1/targets", json!({ "url": "https://example.com" }))
        .await;
    ok.expect(201);
    let db = dir.path().join("palisade.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    sqlx::query("UPDATE scans SET status = 'exploded-status-x'")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO scans (id, org_id, profile, status, created_at) VALUES ('broken1', 'default', 'quick', 'exploded-status-x', '2026-01-01T00:00:00.000Z')")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let r = api.get("/v1/scans/broken1").await;
    assert_eq!(r.expect(500).code(), "internal");
    assert!(
        !r.text.contains("exploded"),
        "internal text leaked: {}",
        r.text
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn no_key_sees_another_orgs_data_and_scopes_and_revocation_hold() {
    let lab = Lab::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = lab.write_config(&dir.path().join("lab")).unwrap();
    let acme_key = cli_key(dir.path(), "acme", "admin", "admin");
    let beta_key = cli_key(dir.path(), "beta", "admin", "admin");
    let server = served::serve(Some(&config), dir.path(), &[], &[]);
    let acme = Api::new(&server.base, Some(&acme_key));
    let beta = Api::new(&server.base, Some(&beta_key));

    let target = acme
        .post(
            "/v1/targets",
            json!({ "url": lab.host(Kind::Hardened).url() }),
        )
        .await;
    let target_id = target.expect(201).json["target"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (scan_id, _) = scan_and_follow(&acme, &[lab.host(Kind::Hardened).url()]).await;
    let acme_keys = acme.get("/v1/keys").await;
    let acme_key_id = acme_keys.expect(200).json["keys"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();

    // Everything of acme is "not found" to beta, never "forbidden" (ids do not leak).
    for path in [
        format!("/v1/scans/{scan_id}"),
        format!("/v1/scans/{scan_id}/findings"),
        format!("/v1/scans/{scan_id}/fix"),
        format!("/v1/scans/{scan_id}/report.json"),
        format!("/v1/scans/{scan_id}/events"),
    ] {
        let r = beta.get(&path).await;
        assert_eq!(r.expect(404).code(), "not_found", "{path}");
    }
    beta.post(&format!("/v1/scans/{scan_id}/cancel"), json!({}))
        .await
        .expect(404);
    beta.delete(&format!("/v1/targets/{target_id}"))
        .await
        .expect(404);
    beta.delete(&format!("/v1/keys/{acme_key_id}"))
        .await
        .expect(404);
    assert_eq!(
        beta.get("/v1/targets").await.expect(200).json["targets"],
        json!([])
    );
    assert_eq!(
        beta.get("/v1/scans").await.expect(200).json["scans"],
        json!([])
    );
    let keys = beta.get("/v1/keys").await;
    let keys = keys.expect(200).json["keys"].as_array().unwrap().clone();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0]["org_id"], "beta");
    assert_eq!(beta.get("/v1/stats").await.expect(200).json["targets"], 0);
    // acme still sees its own.
    acme.get(&format!("/v1/scans/{scan_id}")).await.expect(200);

    // Scopes: a read-only key reads, and is told which scope it lacks for anything else.
    let created = acme
        .post(
            "/v1/keys",
            json!({ "name": "dash", "scopes": ["scans:read"] }),
        )
        .await;
    created.expect(201);
    let secret = created.json["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("pal_") && secret.len() == 36);
    assert_eq!(created.json["key"]["prefix"], &secret[..12]);
    assert!(
        !acme.get("/v1/keys").await.text.contains(&secret),
        "listed by prefix only"
    );
    let reader = Api::new(&server.base, Some(&secret));
    reader
        .get(&format!("/v1/scans/{scan_id}/findings"))
        .await
        .expect(200);
    for (r, scope) in [
        (
            reader
                .post("/v1/scans", json!({ "targets": ["https://example.com"] }))
                .await,
            "scans:write",
        ),
        (reader.get("/v1/targets").await, "targets:read"),
        (
            reader
                .post("/v1/targets", json!({ "url": "https://example.com" }))
                .await,
            "targets:write",
        ),
        (reader.get("/v1/keys").await, "admin"),
    ] {
        assert_eq!(r.expect(403).code(), "missing_scope");
        assert!(
            r.json["error"].as_str().unwrap().contains(scope),
            "{}",
            r.text
        );
    }
    let bad = acme
        .post("/v1/keys", json!({ "name": "x", "scopes": ["root"] }))
        .await;
    bad.expect(422);

    // Revocation takes effect on the very next request.
    let revoked = acme
        .delete(&format!(
            "/v1/keys/{}",
            created.json["key"]["id"].as_str().unwrap()
        ))
        .await;
    assert!(revoked.expect(200).json["key"]["revoked_at"].is_string());
    let r = reader.get(&format!("/v1/scans/{scan_id}")).await;
    assert_eq!(r.expect(401).code(), "unauthorized");
}
