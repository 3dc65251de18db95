//! The REST API's limits against a live `palisade serve`: a per-key token bucket (429 with Retry-After), per-org
//! scan quotas (402 naming the setting), and the same keys guarding the MCP endpoints.

#[path = "support/mcp.rs"]
#[allow(dead_code)]
mod mcp;
#[path = "support/rest.rs"]
#[allow(dead_code)]
mod rest;
#[path = "support/served.rs"]
#[allow(dead_code)]
mod served;
mod support;

use palisade::lab::Lab;
use rest::{Api, cli_key};
use serde_json::json;
use support::hostile::{Behaviour, start};

#[tokio::test(flavor = "multi_thread")]
async fn a_key_over_its_rate_gets_429_with_when_to_retry_and_other_keys_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let fast = cli_key(dir.path(), "acme", "fast", "scans:read");
    let other = cli_key(dir.path(), "acme", "other", "scans:read");
    // 60 a minute: a burst of 6, then one a second.
    let server = served::serve(None, dir.path(), &[], &[("PALISADE_RATE_LIMIT", "60")]);
    let api = Api::new(&server.base, Some(&fast));
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(api.get("/v1/scans").await.status.as_u16());
    }
    assert_eq!(statuses[..6], [200; 6], "{statuses:?}");
    assert_eq!(statuses[7], 429, "{statuses:?}");
    let limited = api.get("/v1/scans").await;
    limited.expect(429);
    assert_eq!(limited.code(), "rate_limited");
    assert!(
        limited.json["error"]
            .as_str()
            .unwrap()
            .contains("server.rate_limit")
    );
    let retry: u64 = limited.header("retry-after").parse().unwrap();
    assert!((1..=2).contains(&retry), "Retry-After: {retry}");
    assert_eq!(limited.json["retry_after"], retry);
    Api::new(&server.base, Some(&other))
        .get("/v1/scans")
        .await
        .expect(200);
    tokio::time::sleep(std::time::Duration::from_secs(retry)).await;
    api.get("/v1/scans").await.expect(200);
}

#[tokio::test(flavor = "multi_thread")]
async fn org_quotas_on_running_and_daily_scans_answer_402_naming_the_limit() {
    let lab = Lab::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = lab.write_config(&dir.path().join("lab")).unwrap();
    let acme = cli_key(dir.path(), "acme", "ci", "scans:write,scans:read");
    let beta = cli_key(dir.path(), "beta", "ci", "scans:write,scans:read");
    let server = served::serve(
        Some(&config),
        dir.path(),
        &[],
        &[
            ("PALISADE_MAX_CONCURRENT_SCANS", "1"),
            ("PALISADE_MAX_DAILY_SCANS", "2"),
        ],
    );
    let acme = Api::new(&server.base, Some(&acme));
    let beta = Api::new(&server.base, Some(&beta));
    let slow = start(Behaviour::Silent).await;
    let slow_url = format!("https://127.0.0.1:{}/", slow.addr.port());
    let other_slow = start(Behaviour::Silent).await;
    let other_url = format!("https://127.0.0.1:{}/", other_slow.addr.port());

    let first = acme
        .post("/v1/scans", json!({ "targets": [slow_url] }))
        .await;
    let first_id = first.expect(202).json["scan_id"]
        .as_str()
        .unwrap()
        .to_string();
    let second = acme
        .post("/v1/scans", json!({ "targets": [other_url] }))
        .await;
    second.expect(402);
    assert_eq!(second.code(), "quota_exceeded");
    assert!(
        second.json["error"]
            .as_str()
            .unwrap()
            .contains("server.max_concurrent_scans = 1"),
        "{}",
        second.text
    );
    // Quotas are per org.
    let theirs = beta
        .post("/v1/scans", json!({ "targets": [other_url] }))
        .await;
    let theirs_id = theirs.expect(202).json["scan_id"]
        .as_str()
        .unwrap()
        .to_string();

    acme.post(&format!("/v1/scans/{first_id}/cancel"), json!({}))
        .await
        .expect(200);
    beta.post(&format!("/v1/scans/{theirs_id}/cancel"), json!({}))
        .await
        .expect(200);
    let again = acme
        .post("/v1/scans", json!({ "targets": [other_url] }))
        .await;
    let again_id = again.expect(202).json["scan_id"]
        .as_str()
        .unwrap()
        .to_string();
    acme.post(&format!("/v1/scans/{again_id}/cancel"), json!({}))
        .await
        .expect(200);
    let third = acme
        .post("/v1/scans", json!({ "targets": [slow_url] }))
        .await;
    third.expect(402);
    assert!(
        third.json["error"]
            .as_str()
            .unwrap()
            .contains("server.max_daily_scans = 2")
            && third.json["error"].as_str().unwrap().contains("00:00 UTC"),
        "{}",
        third.text
    );
}
