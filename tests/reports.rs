//! Reports of a real scan of the lab in every text format, each read back by a reader of that format: JSON and
//! JSON Lines against the published JSON Schemas, CSV by a CSV parser, SARIF by Microsoft's SARIF multitool, the fix
//! file by its own parser (YAML front matter, one fix per root cause); and the CLI's answers to bad input.

#[path = "support/fixfile.rs"]
#[allow(dead_code)]
mod fixfile;
mod support;

use fixfile::FixFile;
use palisade::app::DEFAULT_ORG;
use palisade::lab::{Kind, Lab};
use palisade::model::{Profile, Severity};
use palisade::report::{Format, ReportData, json};
use std::path::PathBuf;
use support::*;
use tokio::sync::OnceCell;

/// One lab scan shared by the tests of this file (a standard scan of both lab hosts).
struct Scanned {
    t: TestApp,
    id: String,
    _lab: Lab,
}

static SCANNED: OnceCell<Scanned> = OnceCell::const_new();

async fn scanned() -> &'static Scanned {
    SCANNED
        .get_or_init(|| async {
            let lab = Lab::start(0).await.unwrap();
            let t = TestApp::new(|c| lab.apply(c)).await;
            let urls: Vec<String> = lab.hosts.iter().map(|h| h.url()).collect();
            let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
            let out = t.scan(&urls, Profile::Standard).await;
            Scanned {
                id: out.scan.id.clone(),
                t,
                _lab: lab,
            }
        })
        .await
}

async fn report(format: Format) -> Vec<u8> {
    let s = scanned().await;
    s.t.app
        .report(DEFAULT_ORG, &s.id, format, None)
        .await
        .unwrap()
        .bytes
}

async fn data() -> ReportData {
    let s = scanned().await;
    s.t.app.report_data(DEFAULT_ORG, &s.id, None).await.unwrap()
}

fn schema_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(name)
}

/// The published schema; with PALISADE_WRITE_SCHEMAS=1 it is (re)written from the code first.
fn published(name: &str, generated: serde_json::Value) -> serde_json::Value {
    let path = schema_path(name);
    let text = serde_json::to_string_pretty(&generated).unwrap() + "\n";
    if std::env::var_os("PALISADE_WRITE_SCHEMAS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run PALISADE_WRITE_SCHEMAS=1 cargo test --test reports",
            path.display()
        )
    });
    assert_eq!(
        on_disk,
        text,
        "{} is out of date with the code: run PALISADE_WRITE_SCHEMAS=1 cargo test --test reports",
        path.display()
    );
    serde_json::from_str(&on_disk).unwrap()
}

fn validate(schema: &serde_json::Value, doc: &serde_json::Value, what: &str) {
    let validator = jsonschema::validator_for(schema).expect("a valid JSON Schema");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} breaks its schema:\n{}",
        errors.join("\n")
    );
}

#[tokio::test]
async fn json_and_jsonl_reports_match_their_published_schemas() {
    let report_schema = published("report.schema.json", json::report_schema());
    let finding_schema = published("finding.schema.json", json::finding_schema());
    let doc: serde_json::Value = serde_json::from_slice(&report(Format::Json).await).unwrap();
    validate(&report_schema, &doc, "the JSON report");
    assert_eq!(doc["report_format"], "palisade-report/v1");
    assert_eq!(doc["partial"], false);
    let findings = doc["findings"].as_array().unwrap();
    assert!(
        findings.len() > 20,
        "the lab has many findings: {}",
        findings.len()
    );
    assert_eq!(doc["scan"]["targets"].as_array().unwrap().len(), 2);

    let lines = String::from_utf8(report(Format::Jsonl).await).unwrap();
    assert_eq!(
        lines.lines().count(),
        findings.len(),
        "one line per open finding"
    );
    for line in lines.lines() {
        let f: serde_json::Value = serde_json::from_str(line).unwrap();
        validate(&finding_schema, &f, "a JSON Lines record");
    }
    // A schema that can fail: a record without its fingerprint is refused.
    let mut broken: serde_json::Value =
        serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    broken.as_object_mut().unwrap().remove("fingerprint");
    let validator = jsonschema::validator_for(&finding_schema).unwrap();
    assert!(!validator.is_valid(&broken));
}

#[tokio::test]
async fn csv_has_a_header_and_one_row_per_open_finding() {
    let data = data().await;
    let bytes = report(Format::Csv).await;
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header, palisade::report::csv::COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), data.findings.len());
    // One target of the scan: its findings only, and its counts.
    let s = scanned().await;
    let vulnerable = data
        .scan
        .targets
        .iter()
        .find(|t| t.host.starts_with("vulnerable"))
        .unwrap();
    let one =
        s.t.app
            .report_data(DEFAULT_ORG, &s.id, Some(&vulnerable.host))
            .await
            .unwrap();
    assert_eq!(one.scan.targets.len(), 1);
    assert!(
        !one.findings.is_empty()
            && one
                .findings
                .iter()
                .all(|f| f.target_id == vulnerable.target_id)
    );
    assert_eq!(
        one.findings.len(),
        data.findings
            .iter()
            .filter(|f| f.target_id == vulnerable.target_id)
            .count()
    );
    assert_eq!(one.scan.counts, vulnerable.counts);
    assert!(
        one.coverage
            .iter()
            .all(|c| c.target_id == vulnerable.target_id)
    );
    let fp = header.iter().position(|h| h == "fingerprint").unwrap();
    let sev = header.iter().position(|h| h == "severity").unwrap();
    for (row, f) in rows.iter().zip(&data.findings) {
        assert_eq!(&row[fp], f.fingerprint);
        assert_eq!(&row[sev], f.severity.as_str());
    }
}

fn sarif_tool() -> PathBuf {
    let tool = std::env::var_os("PALISADE_TEST_SARIF")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("target/sarif-tool/node_modules/.bin/sarif-multitool")
        });
    assert!(
        tool.exists(),
        "{} is missing: run scripts/test, which installs @microsoft/sarif-multitool",
        tool.display()
    );
    tool
}

#[tokio::test]
async fn sarif_passes_the_sarif_multitool_and_carries_what_code_scanning_reads() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("palisade.sarif");
    let bytes = report(Format::Sarif).await;
    std::fs::write(&input, &bytes).unwrap();
    let output = dir.path().join("validation.sarif");
    let run = std::process::Command::new(sarif_tool())
        .arg("validate")
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .args(["--log", "ForceOverwrite"])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
    let validation: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&output).unwrap()).unwrap();
    let problems: Vec<String> = validation["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["level"] == "error" || r["level"].is_null())
        .map(|r| format!("{} {}", r["ruleId"], r["message"]))
        .collect();
    assert!(
        problems.is_empty(),
        "the multitool found problems:\n{}",
        problems.join("\n")
    );

    let log: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let data = data().await;
    for rule in rules {
        let props = &rule["properties"];
        let sev: f64 = props["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!([9.4, 8.0, 5.0, 2.0, 1.0].contains(&sev), "{rule}");
        assert!(rule["help"]["text"].as_str().unwrap().len() > 20, "{rule}");
    }
    let env = rules
        .iter()
        .find(|r| r["id"] == "disclosure.env-exposed")
        .unwrap();
    assert_eq!(
        env["properties"]["security-severity"], "9.4",
        "critical is 9.4"
    );
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), data.findings.len());
    for (r, f) in results.iter().zip(&data.findings) {
        assert_eq!(
            r["partialFingerprints"]["palisade/v1"],
            f.fingerprint.as_str()
        );
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(
            !uri.contains("://"),
            "code scanning takes repository paths, not URLs: {uri}"
        );
    }
}

#[tokio::test]
async fn fingerprints_in_sarif_are_stable_across_scans() {
    let s = scanned().await;
    let lab_urls: Vec<String> = s
        ._lab
        .hosts
        .iter()
        .filter(|h| h.kind == Kind::Vulnerable)
        .map(|h| h.url())
        .collect();
    let again = s.t.scan(&[lab_urls[0].as_str()], Profile::Standard).await;
    let first: serde_json::Value = serde_json::from_slice(&report(Format::Sarif).await).unwrap();
    let second =
        s.t.app
            .report(DEFAULT_ORG, &again.scan.id, Format::Sarif, None)
            .await
            .unwrap();
    let second: serde_json::Value = serde_json::from_slice(&second.bytes).unwrap();
    let fps = |log: &serde_json::Value| -> std::collections::BTreeSet<String> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| {
                r["properties"]["target"]
                    .as_str()
                    .is_none_or(|t| t.contains("vulnerable"))
            })
            .map(|r| {
                r["partialFingerprints"]["palisade/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let (a, b) = (fps(&first), fps(&second));
    assert!(!b.is_empty());
    assert!(
        b.is_subset(&a),
        "a re-scan keeps every fingerprint: {:?}",
        b.difference(&a).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn markdown_summary_lists_grades_findings_and_fixes() {
    let md = String::from_utf8(report(Format::Markdown).await).unwrap();
    let data = data().await;
    assert!(md.starts_with("## Palisade scan of "), "{md}");
    for t in &data.scan.targets {
        assert!(
            md.contains(&format!("**{}**", t.risk_grade.as_deref().unwrap())),
            "grade of {}",
            t.url
        );
    }
    assert!(md.contains("| **CRITICAL** |"), "{md}");
    assert!(md.contains("### How to fix"), "{md}");
    assert!(
        md.contains("(first scan: nothing to compare with)"),
        "no claim of fixes on a first scan: {md}"
    );
    assert!(md.contains("--format fix"), "{md}");
}

#[tokio::test]
async fn the_fix_file_has_yaml_front_matter_and_one_fix_per_root_cause_covering_every_finding() {
    let md = String::from_utf8(report(Format::Fix).await).unwrap();
    let file = FixFile::parse(&md);
    let data = data().await;
    let front = &file.front;
    assert_eq!(front["format"].as_str(), Some("security-fix/v1"));
    assert!(front["scanner"].as_str().unwrap().starts_with("palisade "));
    assert_eq!(front["scan_id"].as_str(), Some(data.scan.id.as_str()));
    assert_eq!(front["scan_date"].as_str().unwrap().len(), 10, "a date");
    let targets = front["targets"].as_sequence().unwrap();
    assert_eq!(targets.len(), 2);
    for t in targets {
        let host = t["host"].as_str().unwrap();
        let st = data.scan.targets.iter().find(|s| s.host == host).unwrap();
        assert_eq!(t["risk_grade"].as_str(), st.risk_grade.as_deref());
        assert_eq!(
            t["security_score"].as_u64(),
            st.security_score.map(u64::from)
        );
        for &s in Severity::ALL.iter() {
            let counted = data
                .findings
                .iter()
                .filter(|f| f.target_id == st.target_id && f.severity == s)
                .count();
            let shown = t["severity_counts"][s.as_str()].as_u64().unwrap_or(0);
            assert_eq!(
                shown as usize, counted,
                "{host} {s} count matches the findings"
            );
        }
    }
    // Every finding above info is resolved by exactly one fix; info findings are in a fix or noted.
    for f in &data.findings {
        let fix = file.fix_of(&f.fingerprint);
        if f.severity > Severity::Info {
            assert!(fix.is_some(), "{} {} is in no fix", f.check_id, f.location);
        } else {
            assert!(
                fix.is_some() || file.notes.contains(&f.fingerprint),
                "{} is neither fixed nor noted",
                f.check_id
            );
        }
    }
    assert_eq!(front["fixes"].as_u64(), Some(file.fixes.len() as u64));
    for (i, fix) in file.fixes.iter().enumerate() {
        assert_eq!(fix.n, i + 1);
        assert!(
            fix.body.contains("### Verify") && fix.body.contains("verify_fixes"),
            "{}",
            fix.body
        );
    }
    let rank = |s: &str| {
        ["INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
            .iter()
            .position(|x| *x == s)
            .unwrap()
    };
    assert!(
        file.fixes
            .windows(2)
            .all(|w| rank(&w[0].severity) >= rank(&w[1].severity)),
        "ordered by risk"
    );

    // All header problems of the vulnerable host are one fix with one config block per stack variant.
    let vulnerable = data
        .scan
        .targets
        .iter()
        .find(|t| t.host.starts_with("vulnerable"))
        .unwrap();
    let header_fps: Vec<&str> = data
        .findings
        .iter()
        .filter(|f| f.target_id == vulnerable.target_id)
        .filter(|f| {
            f.check_id.starts_with("headers.csp-")
                || f.check_id == "tls.hsts-missing"
                || f.check_id == "headers.clickjacking"
                || f.check_id == "headers.xcto-missing"
        })
        .map(|f| f.fingerprint.as_str())
        .collect();
    assert!(header_fps.len() >= 5);
    let header_fix = file.fix_of(header_fps[0]).unwrap();
    for fp in &header_fps {
        assert_eq!(
            file.fix_of(fp).unwrap().n,
            header_fix.n,
            "one fix for all header findings"
        );
    }
    let apache: Vec<_> = header_fix
        .snippets
        .iter()
        .filter(|(l, _)| l == "apache")
        .collect();
    assert_eq!(
        apache.len(),
        1,
        "the lab looks like Apache: one Apache block\n{}",
        header_fix.body
    );
    assert!(
        apache[0]
            .1
            .contains("Header always set Content-Security-Policy")
    );
    assert!(
        apache[0]
            .1
            .contains("Header always set Strict-Transport-Security \"max-age=63072000")
    );

    // The environment file: rotate first, then remove; the secret values are never printed.
    let env = data
        .findings
        .iter()
        .find(|f| f.check_id == "disclosure.env-exposed")
        .unwrap();
    let env_fix = file.fix_of(&env.fingerprint).unwrap();
    // Only other critical fixes come before the .env exposure: the lab's Apache 2.4.49 (in CISA KEV) and PHP 7.4
    // upgrades from the components checks.
    let ahead: Vec<&str> = file.fixes[..env_fix.n - 1]
        .iter()
        .map(|f| f.severity.as_str())
        .collect();
    assert!(
        env_fix.severity.eq_ignore_ascii_case("critical")
            && ahead.iter().all(|s| s.eq_ignore_ascii_case("critical")),
        "the critical .env exposure comes among the first: {ahead:?}"
    );
    let rotate = env_fix.body.find("Rotate first").expect("rotate step");
    let remove = env_fix.body.find("Remove it").expect("remove step");
    assert!(rotate < remove, "rotate before remove");
    for secret in ["lab-not-a-real-password", "lab-session-secret-0000000000"] {
        assert!(!md.contains(secret), "{secret} is printed in the fix file");
    }
    // CORS for the stack seen (Apache with PHP), not the likeliest others.
    let cors = data
        .findings
        .iter()
        .find(|f| f.check_id == "api.cors-reflects-origin")
        .unwrap();
    let cors_fix = file.fix_of(&cors.fingerprint).unwrap();
    let langs: Vec<&str> = cors_fix
        .snippets
        .iter()
        .map(|(l, _)| l.as_str())
        .filter(|l| *l != "sh" && *l != "text")
        .collect();
    assert_eq!(langs, ["apache", "php"], "{}", cors_fix.body);
    // The server banner fix says to upgrade before hiding the version.
    let banner = data
        .findings
        .iter()
        .find(|f| f.check_id == "disclosure.server-version")
        .unwrap();
    let banner_fix = file.fix_of(&banner.fingerprint).unwrap();
    assert!(
        banner_fix.body.contains("**1. Upgrade first.**")
            && banner_fix.body.contains("Apache 2.4.49"),
        "{}",
        banner_fix.body
    );
    // The hardened host has nothing to fix.
    let hardened = data
        .scan
        .targets
        .iter()
        .find(|t| t.host.starts_with("hardened"))
        .unwrap();
    assert!(
        !file.fixes.iter().any(|f| f.body.contains(&hardened.host)),
        "no fix for the hardened host"
    );
}

/// A site that shows its stack through `headers`, with the usual header problems.
async fn stack_fix(host: &str, headers: &[(&str, &str)]) -> FixFile {
    let ca = palisade::lab::certs::LabCa::new("Stack CA");
    let server = https(
        fixed(
            200,
            headers,
            "<html><head><title>x</title></head><body>hi</body></html>",
        ),
        &ca.issue(&palisade::lab::certs::CertSpec::valid(&[host], 200)),
    )
    .await;
    let t = TestApp::new(|c| {
        c.network.pins = pin_site(host, closed_port(), server.addr);
        c.network.ca_certs.push(ca.cert_der());
    })
    .await;
    let out = t.scan(&[&format!("https://{host}/")], Profile::Quick).await;
    let md = t
        .app
        .fix_file(DEFAULT_ORG, &out.scan.id, None)
        .await
        .unwrap();
    FixFile::parse(&md)
}

fn header_fix(file: &FixFile) -> &fixfile::FixSection {
    file.fixes
        .iter()
        .find(|f| f.title.starts_with("Send the missing security headers"))
        .expect("a header fix")
}

#[tokio::test]
async fn header_fixes_are_written_for_the_stack_the_scan_saw_or_the_likeliest_ones() {
    // The config and code blocks, without the verify commands and the evidence.
    let langs = |f: &fixfile::FixSection| -> Vec<String> {
        f.snippets
            .iter()
            .map(|(l, _)| l.clone())
            .filter(|l| l != "sh" && l != "text")
            .collect()
    };
    let nginx = stack_fix("nginx.test", &[("server", "nginx")]).await;
    assert_eq!(
        langs(header_fix(&nginx)),
        ["nginx"],
        "{}",
        header_fix(&nginx).body
    );

    let express = stack_fix("express.test", &[("x-powered-by", "Express")]).await;
    let fix = header_fix(&express);
    assert_eq!(langs(fix), ["js"], "{}", fix.body);
    assert!(fix.body.contains("res.set(securityHeaders)"));

    let vercel = stack_fix(
        "next.test",
        &[("x-vercel-id", "fra1::abc"), ("x-powered-by", "Next.js")],
    )
    .await;
    let fix = header_fix(&vercel);
    assert!(
        fix.body.contains("next.config.js") && fix.body.contains("vercel.json"),
        "{}",
        fix.body
    );

    let unknown = stack_fix("unknown.test", &[]).await;
    let fix = header_fix(&unknown);
    assert_eq!(
        langs(fix),
        ["nginx", "apache", "caddy"],
        "the likeliest servers when none was seen"
    );
    assert!(fix.body.contains("not identified"), "{}", fix.body);
}

#[test]
fn the_cli_answers_bad_report_requests_with_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = palisade(&dir).args(args).output().unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (code, err) = run(&["report", "nosuchscan", "--format", "json"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no scan 'nosuchscan'"), "{err}");

    let (code, err) = run(&["report", "nosuchscan", "--format", "docx"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.lines().next().unwrap().contains("docx") && err.contains("sarif"),
        "{err}"
    );

    let (code, err) = run(&[
        "report",
        "nosuchscan",
        "--format",
        "html",
        "-o",
        "/nonexistent-dir/report.html",
    ]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("/nonexistent-dir") && err.contains("does not exist"),
        "{err}"
    );
}

#[tokio::test]
async fn reports_of_a_scan_still_running_say_partial_in_every_front_end() {
    let slow = axum::Router::new().fallback(|| async {
        tokio::time::sleep(std::time::Duration::from_secs(4)).await;
        "<html><body>slow</body></html>"
    });
    let server = http(slow).await;
    let t =
        TestApp::new(|c| c.network.pins = pin_site("slow.test", server.addr, closed_port())).await;
    let request = palisade::app::ScanRequest {
        targets: vec!["http://slow.test/".into()],
        profile: Some(Profile::Quick),
        ..Default::default()
    };
    let handle = t.app.start_scan(DEFAULT_ORG, request).await.unwrap();
    let id = handle.scan.id.clone();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    let json = t
        .app
        .report(DEFAULT_ORG, &id, Format::Json, None)
        .await
        .unwrap();
    assert!(
        json.partial
            .as_deref()
            .is_some_and(|p| p.contains("still running")),
        "{:?}",
        json.partial
    );
    let doc: serde_json::Value = serde_json::from_slice(&json.bytes).unwrap();
    assert_eq!(doc["partial"], true);
    let fix = String::from_utf8(
        t.app
            .report(DEFAULT_ORG, &id, Format::Fix, None)
            .await
            .unwrap()
            .bytes,
    )
    .unwrap();
    let file = FixFile::parse(&fix);
    assert!(
        file.front["partial"]
            .as_str()
            .unwrap()
            .contains("still running"),
        "{fix}"
    );
    assert!(
        fix.contains("> **Partial report:** the scan is still running"),
        "{fix}"
    );

    let dir = t.dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_palisade"))
            .current_dir(&dir)
            .env("PALISADE_DB", dir.join("palisade.db"))
            .env("PALISADE_NAMESERVERS", DEAD_DNS)
            .args(["report", &id, "--format", "markdown"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("this report is partial: the scan is still running"),
        "{stderr}"
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("**Partial report:** the scan is still running")
    );
    t.app
        .cancel_scan(DEFAULT_ORG, &handle.scan.id)
        .await
        .unwrap();
}

#[tokio::test]
async fn fixes_for_a_plain_http_site_keep_its_scheme_and_leave_secure_off_its_cookies() {
    let server = http(fixed(
        200,
        &[
            ("x-powered-by", "Express"),
            ("set-cookie", "connect.sid=s%3Aabc; Path=/"),
        ],
        "<html><head><title>x</title></head><body>hi</body></html>",
    ))
    .await;
    let t =
        TestApp::new(|c| c.network.pins = pin_site("plain.test", server.addr, closed_port())).await;
    let out = t.scan(&["http://plain.test/"], Profile::Quick).await;
    let md = t
        .app
        .fix_file(DEFAULT_ORG, &out.scan.id, None)
        .await
        .unwrap();
    let file = FixFile::parse(&md);
    let cookies = file
        .fixes
        .iter()
        .find(|f| f.title.contains("cookies"))
        .unwrap_or_else(|| panic!("a cookie fix in\n{md}"));
    assert!(
        cookies.body.contains("httpOnly: true") && !cookies.body.contains("secure: true"),
        "{}",
        cookies.body
    );
    // Only the fix that moves the site to HTTPS talks of HTTPS; the others work on the site as it is.
    for fix in file
        .fixes
        .iter()
        .filter(|f| !f.title.starts_with("Redirect plain HTTP"))
    {
        assert!(!fix.body.contains("https://plain.test"), "{}", fix.body);
    }
    assert!(
        md.contains("curl -sI http://plain.test/ | grep -iE '^(content-security-policy"),
        "{md}"
    );
    assert!(!md.contains("upgrade-insecure-requests"), "{md}");
}

#[tokio::test]
async fn reports_go_to_stdout_with_a_dash_and_a_reader_that_stops_early_is_no_error() {
    use std::io::Read;
    let s = scanned().await;
    let cmd = |args: &[&str]| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_palisade"));
        c.current_dir(s.t.dir.path())
            .env("PALISADE_DB", s.t.dir.path().join("palisade.db"))
            .env("PALISADE_NAMESERVERS", DEAD_DNS)
            .args(args);
        c
    };
    let id = s.id.clone();
    let out = tokio::task::spawn_blocking(move || {
        let dash = cmd(&["report", &id, "--format", "sarif", "-o", "-"])
            .output()
            .unwrap();
        let mut child = cmd(&["report", &id, "--format", "html"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 10];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        (dash, child.wait_with_output().unwrap(), first)
    })
    .await
    .unwrap();
    let (dash, head, first) = out;
    assert!(dash.status.success());
    let log: serde_json::Value = serde_json::from_slice(&dash.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0", "-o - is stdout");
    assert!(first.eq_ignore_ascii_case(b"<!doctype "), "{first:?}");
    assert_eq!(
        head.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&head.stderr)
    );
    assert!(
        head.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&head.stderr)
    );
}
