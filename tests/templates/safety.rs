//! The read-only rule: a template that would write, fuzz, call out of band or run code is skipped whole with its
//! reason, and a scan never sends any of its requests, not even the harmless ones.

use crate::fixture::{self, Exchange};
use crate::{app_with_templates, template_dir};
use palisade::app::{DEFAULT_ORG, ScanRequest};
use palisade::model::Profile;
use palisade::templates::Library;
use palisade::templates::safety::SkipKind;

fn template(id: &str, http: &str) -> String {
    format!("id: {id}\ninfo:\n  name: {id}\n  author: test\n  severity: high\n  tags: test\n{http}")
}

/// Each refused template sends a GET of `/canary-<id>` first, so a template run in part would show up.
fn refused() -> Vec<(&'static str, SkipKind, String)> {
    let get = |id: &str| {
        format!(
            "  - method: GET\n    path: [\"{{{{BaseURL}}}}/canary-{id}\"]\n    matchers:\n      - type: status\n        status: [200]\n"
        )
    };
    vec![
        (
            "post",
            SkipKind::Method,
            format!(
                "http:\n{}  - method: POST\n    path: [\"{{{{BaseURL}}}}/login\"]\n",
                get("post")
            ),
        ),
        (
            "body",
            SkipKind::Body,
            format!(
                "http:\n{}  - method: GET\n    path: [\"{{{{BaseURL}}}}/q\"]\n    body: \"a=1\"\n",
                get("body")
            ),
        ),
        (
            "payloads",
            SkipKind::Payloads,
            format!(
                "http:\n{}  - method: GET\n    path: [\"{{{{BaseURL}}}}/{{{{p}}}}\"]\n    payloads:\n      p: [a, b]\n    attack: batteringram\n",
                get("payloads")
            ),
        ),
        (
            "oob",
            SkipKind::OutOfBand,
            format!(
                "http:\n{}  - method: GET\n    path: [\"{{{{BaseURL}}}}/?u={{{{interactsh-url}}}}\"]\n",
                get("oob")
            ),
        ),
        (
            "code",
            SkipKind::Code,
            format!(
                "code:\n  - engine: [sh]\n    source: id\nhttp:\n{}",
                get("code")
            ),
        ),
        (
            "flow",
            SkipKind::Code,
            format!("flow: http(1) && http(2)\nhttp:\n{}", get("flow")),
        ),
        (
            "dns",
            SkipKind::Protocol,
            format!(
                "dns:\n  - name: \"{{{{FQDN}}}}\"\n    type: A\nhttp:\n{}",
                get("dns")
            ),
        ),
        (
            "headless",
            SkipKind::Headless,
            format!("headless:\n  - steps: []\nhttp:\n{}", get("headless")),
        ),
        (
            "fuzz",
            SkipKind::Fuzzing,
            format!(
                "http:\n{}  - method: GET\n    path: [\"{{{{BaseURL}}}}\"]\n    fuzzing:\n      - part: query\n        type: postfix\n",
                get("fuzz")
            ),
        ),
        (
            "rawpost",
            SkipKind::Method,
            format!(
                "http:\n{}  - raw:\n      - |\n        PUT /x HTTP/1.1\n        Host: {{{{Hostname}}}}\n",
                get("rawpost")
            ),
        ),
        (
            "rawbody",
            SkipKind::Body,
            format!(
                "http:\n{}  - raw:\n      - |\n        GET /x HTTP/1.1\n        Host: {{{{Hostname}}}}\n\n        field=value\n",
                get("rawbody")
            ),
        ),
        (
            "delete",
            SkipKind::Method,
            format!(
                "http:\n{}  - method: DELETE\n    path: [\"{{{{BaseURL}}}}/x\"]\n",
                get("delete")
            ),
        ),
    ]
}

#[test]
fn each_unsafe_template_is_skipped_with_its_reason() {
    let cases = refused();
    let files: Vec<(String, String)> = cases
        .iter()
        .map(|(id, _, http)| (format!("{id}.yaml"), template(id, http)))
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let dir = template_dir(&refs);
    let library = Library::of_dir(dir.path());
    assert!(
        library.templates.is_empty(),
        "ran: {:?}",
        library.templates.iter().map(|t| &t.id).collect::<Vec<_>>()
    );
    assert!(library.errors.is_empty(), "{:?}", library.errors);
    for (id, kind, _) in &cases {
        let skipped = library
            .skipped
            .iter()
            .find(|s| s.id == *id)
            .unwrap_or_else(|| panic!("{id} not skipped"));
        assert_eq!(skipped.refusal.kind, *kind, "{id}: {}", skipped.refusal);
        assert!(!skipped.refusal.detail.is_empty());
    }
}

#[tokio::test]
async fn a_deep_scan_never_sends_any_request_of_a_refused_template() {
    let cases = refused();
    let mut files: Vec<(String, String)> = cases
        .iter()
        .map(|(id, _, http)| (format!("{id}.yaml"), template(id, http)))
        .collect();
    // A runnable private template beside them, so the scan does run templates.
    files.push((
        "fine.yaml".into(),
        template("fine", "http:\n  - method: GET\n    path: [\"{{BaseURL}}/fine\"]\n    matchers:\n      - type: word\n        words: [\"fine\"]\n"),
    ));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let dir = template_dir(&refs);
    let app = app_with_templates(dir.path()).await;
    let server = fixture::serve(vec![Exchange {
        method: "GET".into(),
        path: "/fine".into(),
        status: 200,
        headers: vec![],
        body: b"fine".to_vec(),
    }])
    .await;
    let request = ScanRequest {
        targets: vec![server.url()],
        profile: Some(Profile::Deep),
        checks: Some(vec!["templates.run".into()]),
        ..Default::default()
    };
    let mut handle = app.app.start_scan(DEFAULT_ORG, request).await.unwrap();
    handle.finished().await;
    let outcome = app.outcome(&handle.scan.id).await;
    assert!(
        outcome.ids().contains(&"templates.fine"),
        "{:?}",
        outcome.ids()
    );
    let hits = server.hits.lock().unwrap().clone();
    let sent: Vec<&String> = hits
        .keys()
        .filter(|k| k.contains("canary") || !k.starts_with("GET "))
        .collect();
    assert!(
        sent.is_empty(),
        "requests of refused templates were sent: {sent:?}"
    );
}

#[tokio::test]
async fn naming_a_template_that_does_not_exist_is_one_clear_error() {
    let app = crate::support::TestApp::new(|_| {}).await;
    let request = ScanRequest {
        targets: vec!["http://127.0.0.1:9/".into()],
        templates: palisade::templates::Selection {
            tags: vec!["no-such-tag".into()],
            ..Default::default()
        },
        ..Default::default()
    };
    let err = app
        .app
        .start_scan(DEFAULT_ORG, request)
        .await
        .expect_err("refused")
        .to_string();
    assert!(
        err.contains("no loaded template has tag 'no-such-tag'") && err.contains("templates list"),
        "{err}"
    );
}
