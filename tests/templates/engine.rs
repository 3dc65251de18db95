//! Each engine feature with templates written for the test: matchers and their options, extractors feeding later
//! requests, several requests judged together, redirects, raw requests, variables; request sharing between templates
//! and with the checks; the not-found calibration; requests naming another host.

use crate::fixture::{self, Exchange};
use crate::{app_with_templates, scan_with, template_dir};
use palisade::model::{CoverageState, Profile, Severity};

fn ex(path: &str, status: u16, headers: &[(&str, &str)], body: &str) -> Exchange {
    Exchange {
        method: "GET".into(),
        path: path.into(),
        status,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
    }
}

fn tpl(id: &str, severity: &str, http: &str) -> (String, String) {
    (
        format!("{id}.yaml"),
        format!(
            "id: {id}\ninfo:\n  name: Test {id}\n  author: test\n  severity: {severity}\n  description: A template \
             written for the test.\n  remediation: Turn it off.\n  reference:\n    - https://example.invalid/doc\n  \
             tags: exposure,test\n  classification:\n    cve-id: CVE-2017-12617\n    cwe-id: CWE-200\n    cvss-score: 9.8\n\
             http:\n{http}"
        ),
    )
}

/// Writes the templates, serves the exchanges, scans with the given template ids; returns outcome and server.
async fn run(
    templates: &[(String, String)],
    exchanges: Vec<Exchange>,
    ids: &[&str],
) -> (crate::support::Outcome, fixture::FixtureServer) {
    let files: Vec<(&str, &str)> = templates
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let dir = template_dir(&files);
    let app = app_with_templates(dir.path()).await;
    let server = fixture::serve(exchanges).await;
    let outcome = scan_with(&app, &server.url(), ids, Profile::Standard).await;
    (outcome, server)
}

#[tokio::test]
async fn word_regex_status_and_header_matchers_report_with_evidence_and_classification() {
    let t = tpl(
        "words",
        "high",
        r#"  - method: GET
    path:
      - "{{BaseURL}}/api/status"
    matchers-condition: and
    matchers:
      - type: status
        status: [200]
      - type: word
        words: ["notebook_version", "kernels"]
        condition: and
      - type: word
        part: header
        words: ["x-served-by: jupyter"]
        case-insensitive: true
      - type: regex
        regex: ['"started": "\d{4}-']
    extractors:
      - type: regex
        name: version
        group: 1
        regex: ['"notebook_version": "([0-9.]+)"']
"#,
    );
    let body = r#"{"notebook_version": "6.4.1", "kernels": 2, "started": "2024-01-01T00:00:00Z"}"#;
    let (outcome, _) = run(
        &[t],
        vec![ex(
            "/api/status",
            200,
            &[
                ("Content-Type", "application/json"),
                ("X-Served-By", "Jupyter"),
            ],
            body,
        )],
        &["words"],
    )
    .await;
    let f = outcome.finding("templates.words");
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.module.as_str(), "templates");
    assert!(f.location.ends_with("/api/status"), "{}", f.location);
    let evidence = f.evidence.as_deref().unwrap_or_default();
    assert!(
        evidence.contains("GET ") && evidence.contains("-> 200"),
        "{evidence}"
    );
    assert!(
        evidence.contains("notebook_version") && evidence.contains("version: 6.4.1"),
        "{evidence}"
    );
    assert_eq!(f.cve, vec!["CVE-2017-12617".to_string()]);
    assert!(f.kev, "CVE-2017-12617 is in KEV");
    assert_eq!(f.cwe, Some(200));
    assert_eq!(f.cvss, Some(9.8));
    assert_eq!(f.remediation, "Turn it off.");
    assert_eq!(
        f.references,
        vec!["https://example.invalid/doc".to_string()]
    );
    assert!(
        outcome.detail("templates.run").contains("1 matched"),
        "{}",
        outcome.detail("templates.run")
    );
}

#[tokio::test]
async fn and_conditions_negative_and_case_insensitive_matchers_hold() {
    let http = r#"  - method: GET
    path:
      - "{{BaseURL}}/page"
    matchers-condition: and
    matchers:
      - type: word
        words: ["GRAFANA"]
        case-insensitive: true
      - type: word
        words: ["Sign in"]
        negative: true
"#;
    let (found, _) = run(
        &[tpl("neg", "info", http)],
        vec![ex("/page", 200, &[], "<title>Grafana</title>")],
        &["neg"],
    )
    .await;
    assert_eq!(found.ids(), ["templates.neg"]);
    let (quiet, _) = run(
        &[tpl("neg", "info", http)],
        vec![ex("/page", 200, &[], "<title>Grafana</title> Sign in")],
        &["neg"],
    )
    .await;
    assert!(
        quiet.ids().is_empty(),
        "the negative matcher must veto: {:?}",
        quiet.ids()
    );
    assert_eq!(quiet.state("templates.run"), CoverageState::Passed);
}

#[tokio::test]
async fn size_binary_and_dsl_matchers_with_functions() {
    let http = r#"  - method: GET
    path:
      - "{{BaseURL}}/favicon.ico"
      - "{{BaseURL}}/db.sqlite"
      - "{{BaseURL}}/len"
    matchers:
      - type: dsl
        name: favicon
        dsl:
          - 'status_code == 200 && "1744148575" == mmh3(base64_py(body))'
      - type: binary
        name: sqlite
        binary: ["53514c69746520666f726d6174203300"]
      - type: size
        name: sized
        size: [7]
"#;
    let mut sqlite = Exchange {
        method: "GET".into(),
        path: "/db.sqlite".into(),
        status: 200,
        headers: vec![],
        body: b"SQLite format 3\0rest".to_vec(),
    };
    sqlite
        .headers
        .push(("Content-Type".into(), "application/octet-stream".into()));
    let (outcome, _) = run(
        &[tpl("multi", "medium", http)],
        vec![
            ex("/favicon.ico", 200, &[], "favicon-bytes"),
            sqlite,
            ex("/len", 200, &[], "1234567"),
        ],
        &["multi"],
    )
    .await;
    let mut locations: Vec<&str> = outcome
        .findings
        .iter()
        .map(|f| f.location.as_str())
        .collect();
    locations.sort();
    assert_eq!(locations.len(), 3, "{locations:?}");
    assert!(
        locations.iter().any(|l| l.ends_with("/db.sqlite [sqlite]")),
        "{locations:?}"
    );
    assert!(
        locations.iter().any(|l| l.ends_with("/len [sized]")),
        "{locations:?}"
    );
    assert!(
        locations
            .iter()
            .any(|l| l.ends_with("/favicon.ico [favicon]")),
        "{locations:?}"
    );
}

#[tokio::test]
async fn an_internal_extractor_feeds_the_next_request_and_req_condition_joins_responses() {
    let http = r#"  - method: GET
    path:
      - "{{BaseURL}}/api/version"
    extractors:
      - type: json
        name: build
        internal: true
        json: [".build"]
  - method: GET
    path:
      - "{{BaseURL}}/builds/{{build}}/manifest"
      - "{{BaseURL}}/builds/{{build}}/log"
    req-condition: true
    matchers:
      - type: dsl
        dsl:
          - 'status_code_1 == 200 && contains(body_1, "manifest") && status_code_2 == 200 && contains(body_2, "log")'
    extractors:
      - type: kval
        kval: [x_build_host]
"#;
    let (outcome, server) = run(
        &[tpl("chain", "low", http)],
        vec![
            ex(
                "/api/version",
                200,
                &[("Content-Type", "application/json")],
                r#"{"build": "b42"}"#,
            ),
            ex("/builds/b42/manifest", 200, &[], "manifest v1"),
            ex(
                "/builds/b42/log",
                200,
                &[("X-Build-Host", "ci-7.internal")],
                "log lines",
            ),
        ],
        &["chain"],
    )
    .await;
    assert_eq!(server.count("GET /builds/b42/manifest"), 1);
    let f = outcome.finding("templates.chain");
    assert!(f.location.ends_with("/builds/b42/log"), "{}", f.location);
    assert!(
        f.evidence
            .as_deref()
            .unwrap_or_default()
            .contains("ci-7.internal"),
        "{:?}",
        f.evidence
    );
}

#[tokio::test]
async fn stop_at_first_match_stops_and_redirects_are_followed_only_when_asked() {
    let listing = r#"  - method: GET
    path:
      - "{{BaseURL}}/a/"
      - "{{BaseURL}}/b/"
      - "{{BaseURL}}/c/"
    stop-at-first-match: true
    matchers:
      - type: word
        words: ["Index of /"]
"#;
    let redirected = r#"  - method: GET
    path:
      - "{{BaseURL}}/old"
    redirects: true
    max-redirects: 2
    matchers:
      - type: word
        words: ["moved here"]
"#;
    let unfollowed = r#"  - method: GET
    path:
      - "{{BaseURL}}/old"
    matchers:
      - type: word
        words: ["moved here"]
"#;
    let (outcome, server) = run(
        &[
            tpl("first", "medium", listing),
            tpl("follow", "low", redirected),
            tpl("nofollow", "low", unfollowed),
        ],
        vec![
            ex("/a/", 200, &[], "<h1>Index of /a/</h1>"),
            ex("/b/", 200, &[], "<h1>Index of /b/</h1>"),
            ex("/c/", 200, &[], "<h1>Index of /c/</h1>"),
            ex("/old", 301, &[("Location", "/new")], ""),
            ex("/new", 200, &[], "moved here"),
        ],
        &["first", "follow", "nofollow"],
    )
    .await;
    assert_eq!(outcome.ids(), ["templates.first", "templates.follow"]);
    assert_eq!(
        outcome
            .findings
            .iter()
            .filter(|f| f.check_id == "templates.first")
            .count(),
        1
    );
    let fetched_after_match = server.count("GET /b/") + server.count("GET /c/");
    assert!(
        fetched_after_match < 2,
        "stop-at-first-match went on: {fetched_after_match}"
    );
}

#[tokio::test]
async fn raw_requests_variables_and_standard_placeholders_are_filled() {
    let http = r#"  - raw:
      - |
        GET /probe?h={{Hostname}}&p={{Port}}&s={{Scheme}}&v={{marker}} HTTP/1.1
        Host: {{Hostname}}
        X-Check: {{to_upper(marker)}}

    matchers:
      - type: word
        words: ["raw ok"]
"#;
    let mut text = tpl("raw", "info", http);
    text.1 = text
        .1
        .replace("http:\n", "variables:\n  marker: \"pal\"\nhttp:\n");
    let files: Vec<(&str, &str)> = vec![(text.0.as_str(), text.1.as_str())];
    let dir = template_dir(&files);
    let app = app_with_templates(dir.path()).await;
    // The server answers "raw ok" only to the exact filled request.
    let hits = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = hits.clone();
    let router = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let seen = seen.clone();
        async move {
            let line = format!(
                "{} {} {}",
                req.uri().path_and_query().map(|p| p.as_str()).unwrap_or(""),
                req.headers()
                    .get("x-check")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or(""),
                req.headers()
                    .get("host")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
            );
            seen.lock().unwrap().push(line.clone());
            if line.starts_with("/probe?") && line.contains(" PAL ") {
                "raw ok"
            } else {
                "no"
            }
        }
    });
    let server = crate::support::http(router).await;
    let url = format!("http://{}", server.addr);
    let outcome = scan_with(&app, &url, &["raw"], Profile::Standard).await;
    let port = server.addr.port();
    let want = format!("/probe?h=127.0.0.1:{port}&p={port}&s=http&v=pal PAL 127.0.0.1:{port}");
    assert!(
        hits.lock().unwrap().iter().any(|l| l == &want),
        "{want} not among {:?}",
        hits.lock().unwrap()
    );
    assert_eq!(outcome.ids(), ["templates.raw"]);
}

#[tokio::test]
async fn a_catch_all_site_does_not_make_templates_report_but_its_own_page_and_random_probes_still_count()
 {
    // Every path answers 200 with the same page, which happens to contain the words templates look for.
    let page = "<html><title>Welcome</title><body>Index of / phpinfo() Grafana</body></html>";
    let listing = r#"  - method: GET
    path:
      - "{{BaseURL}}/uploads/"
    matchers-condition: and
    matchers:
      - type: status
        status: [200]
      - type: word
        words: ["Index of /"]
"#;
    let home = r#"  - method: GET
    path:
      - "{{BaseURL}}/"
    matchers:
      - type: word
        words: ["Grafana"]
"#;
    let debug404 = r#"  - method: GET
    path:
      - "{{BaseURL}}/{{randstr}}"
    matchers:
      - type: word
        words: ["phpinfo()"]
"#;
    let (outcome, _) = run(
        &[
            tpl("catchall", "medium", listing),
            tpl("home", "info", home),
            tpl("rand", "low", debug404),
        ],
        vec![ex("*", 200, &[("Content-Type", "text/html")], page)],
        &["catchall", "home", "rand"],
    )
    .await;
    assert_eq!(
        outcome.ids(),
        ["templates.home", "templates.rand"],
        "the catch-all's listing match must be dropped"
    );
}

#[tokio::test]
async fn identical_requests_of_many_templates_are_sent_once() {
    let mut templates = Vec::new();
    let mut ids = Vec::new();
    for i in 0..40 {
        let http = format!(
            r#"  - method: GET
    path:
      - "{{{{BaseURL}}}}/shared"
      - "{{{{BaseURL}}}}/only-{}"
    matchers:
      - type: word
        words: ["needle-{i}"]
"#,
            i % 4
        );
        templates.push(tpl(&format!("share-{i}"), "info", &http));
        ids.push(format!("share-{i}"));
    }
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let (outcome, server) = run(
        &templates,
        vec![ex("/shared", 200, &[], "needle-3 needle-7")],
        &id_refs,
    )
    .await;
    assert_eq!(
        server.count("GET /shared"),
        1,
        "80 template requests to /shared must go out once"
    );
    for i in 0..4 {
        assert_eq!(server.count(&format!("GET /only-{i}")), 1);
    }
    assert_eq!(outcome.ids(), ["templates.share-3", "templates.share-7"]);
    let detail = outcome.detail("templates.run");
    assert!(detail.contains("80 requests, 5 distinct"), "{detail}");
}

#[tokio::test]
async fn a_request_naming_another_host_is_not_sent() {
    let http = r#"  - method: GET
    path:
      - "http://127.0.0.2:{{Port}}/elsewhere"
      - "{{BaseURL}}/here"
    matchers:
      - type: word
        words: ["here"]
"#;
    let (outcome, server) = run(
        &[tpl("offhost", "info", http)],
        vec![ex("/here", 200, &[], "here")],
        &["offhost"],
    )
    .await;
    assert_eq!(server.count("GET /elsewhere"), 0);
    assert_eq!(outcome.ids(), ["templates.offhost"]);
    assert!(
        outcome
            .detail("templates.run")
            .contains("named another host"),
        "{}",
        outcome.detail("templates.run")
    );
}

#[tokio::test]
async fn a_template_whose_requests_fail_leaves_the_check_errored_not_passed() {
    let http = r#"  - method: GET
    path:
      - "{{BaseURL}}/x"
    matchers:
      - type: word
        words: ["never"]
"#;
    let files = [tpl("dead", "info", http)];
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let dir = template_dir(&refs);
    let app = app_with_templates(dir.path()).await;
    let url = format!("http://{}", crate::support::closed_port());
    let outcome = scan_with(&app, &url, &["dead"], Profile::Standard).await;
    assert_ne!(
        outcome.state("templates.run"),
        CoverageState::Passed,
        "{:?}",
        outcome.coverage
    );
}

#[tokio::test]
async fn the_fix_file_groups_template_findings_by_class_with_each_products_remediation() {
    // Two shipped templates of different classes, on one site, each severe enough for a fix of its own (an
    // informational finding is only listed under "Also noted").
    let app = crate::support::TestApp::new(|_| {}).await;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/templates");
    let library = palisade::templates::Library::shipped();
    let pick = |class: &str| {
        library
            .templates
            .iter()
            .find(|t| {
                t.file.starts_with(&format!("{class}/"))
                    && t.severity > palisade::model::Severity::Info
                    && root.join(&t.id).join("match.http").exists()
            })
            .unwrap_or_else(|| panic!("no shipped {class} template above info"))
            .clone()
    };
    let (service, exposure) = (pick("unauth"), pick("exposure"));
    let mut exchanges = Vec::new();
    for t in [&service, &exposure] {
        let bytes = std::fs::read(root.join(&t.id).join("match.http")).unwrap();
        exchanges.extend(
            fixture::parse(&bytes, &t.id)
                .into_iter()
                .filter(|e| e.path != "*"),
        );
    }
    let server = fixture::serve(exchanges).await;
    let outcome = scan_with(
        &app,
        &server.url(),
        &[&service.id, &exposure.id],
        Profile::Deep,
    )
    .await;
    let found = outcome.ids();
    assert!(
        found.contains(&format!("templates.{}", service.id).as_str()),
        "{found:?}"
    );
    assert!(
        found.contains(&format!("templates.{}", exposure.id).as_str()),
        "{found:?}"
    );
    let fix = app
        .app
        .report(
            palisade::app::DEFAULT_ORG,
            &outcome.scan.id,
            palisade::report::Format::Fix,
            None,
        )
        .await
        .unwrap();
    let fix = String::from_utf8(fix.bytes).unwrap();
    assert!(
        fix.contains("Require authentication on the services"),
        "{fix}"
    );
    assert!(fix.contains("Stop serving the exposed files on"), "{fix}");
    assert!(
        fix.contains(&service.remediation[..40.min(service.remediation.len())]),
        "the service's own remediation: {fix}"
    );
    assert!(
        fix.contains("nginx"),
        "a server variant for the paths: {fix}"
    );
}
