//! Template selection through the other front ends: `POST /v1/scans` and the MCP `start_scan` tool of a real
//! `palisade serve`, with a private template folder from the configuration (`PALISADE_TEMPLATES_DIRS`).

use crate::fixture::{self, Exchange};
use crate::mcp::{Recorder, call};
use crate::rest::Api;
use crate::served::{serve, streamable};
use serde_json::json;

const TEMPLATE: &str = "id: front-probe\ninfo:\n  name: Front probe\n  author: t\n  severity: medium\n  tags: exposure,front\nhttp:\n  - method: GET\n    path: [\"{{BaseURL}}/front-secret.txt\"]\n    matchers-condition: and\n    matchers:\n      - type: status\n        status: [200]\n      - type: word\n        words: [\"FRONT-MARKER\"]\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_and_mcp_start_scans_with_template_selection() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("private");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("front.yaml"), TEMPLATE).unwrap();
    let site = fixture::serve(vec![Exchange {
        method: "GET".into(),
        path: "/front-secret.txt".into(),
        status: 200,
        headers: vec![],
        body: b"FRONT-MARKER".to_vec(),
    }])
    .await;
    let templates_env = templates.to_string_lossy().into_owned();
    let served = serve(
        None,
        dir.path(),
        &[],
        &[
            ("PALISADE_ALLOW_PRIVATE", "true"),
            ("PALISADE_TEMPLATES_DIRS", &templates_env),
        ],
    );
    let api = Api::new(&served.base, None);

    // REST: a quick scan (which runs no templates of its own) with the template named by id.
    let started = api
        .post(
            "/v1/scans",
            json!({"targets": [site.url()], "profile": "quick", "template_ids": ["front-*"]}),
        )
        .await;
    started.expect(202);
    let id = started.json["scan_id"].as_str().unwrap().to_string();
    api.events(&id).await;
    let findings = api.get(&format!("/v1/scans/{id}/findings")).await;
    assert!(
        findings.text.contains("templates.front-probe"),
        "{}",
        findings.text
    );

    let refused = api
        .post(
            "/v1/scans",
            json!({"targets": [site.url()], "tags": ["no-such-tag"]}),
        )
        .await;
    refused.expect(422);
    assert!(
        refused
            .text
            .contains("no loaded template has tag 'no-such-tag'"),
        "{}",
        refused.text
    );

    // MCP: the same selection by tag, waiting for the result.
    let client = streamable(&served.base, &Recorder::default()).await;
    let result = call(
        &client,
        "start_scan",
        json!({"targets": [site.url()], "profile": "quick", "tags": ["front"], "wait_seconds": 30}),
    )
    .await
    .expect("start_scan succeeds");
    assert!(
        result.to_string().contains("templates.front-probe"),
        "{result}"
    );
    let err = call(
        &client,
        "start_scan",
        json!({"targets": [site.url()], "template_ids": ["nothing-like-this"]}),
    )
    .await
    .expect_err("an unknown template id is refused");
    assert!(
        err.contains("no loaded template has id 'nothing-like-this'"),
        "{err}"
    );
    let _ = client.cancel().await;
}
