//! The `templates` commands: `check` on a folder with good, skipped and broken files; `update` from a zip served on
//! loopback (verified, unpacked, swapped in only when good); `list`; and a scan selecting community templates by tag.

use crate::fixture::{self, Exchange};
use crate::support::palisade;
use std::io::Write;

const GOOD: &str = "id: good-one\ninfo:\n  name: Good\n  author: t\n  severity: low\n  tags: panel,demo\nhttp:\n  - method: GET\n    path: [\"{{BaseURL}}/community-panel\"]\n    matchers:\n      - type: word\n        words: [\"Community Panel\"]\n";
const POST: &str = "id: writes\ninfo:\n  name: Writes\n  author: t\n  severity: high\nhttp:\n  - method: POST\n    path: [\"{{BaseURL}}/x\"]\n";

fn zip(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, text) in entries {
            zip.start_file(*name, options).unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }
    buf.into_inner()
}

#[test]
fn check_reports_counts_skips_by_reason_and_broken_files_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("mine");
    std::fs::create_dir_all(templates.join("sub")).unwrap();
    std::fs::write(templates.join("good.yaml"), GOOD).unwrap();
    std::fs::write(templates.join("sub/writes.yaml"), POST).unwrap();
    std::fs::write(
        templates.join("broken.yaml"),
        "id: broken\ninfo:\n  name: x\nhttp:\n  - method: GET\n    path: [unclosed\n",
    )
    .unwrap();
    std::fs::write(templates.join("notes.yaml"), "just: some yaml\n").unwrap();
    let out = palisade(&dir)
        .args(["templates", "check"])
        .arg(&templates)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("3 template files read: 1 run"), "{text}");
    assert!(
        text.contains("1 skipped") && text.contains("a method other than GET, HEAD or OPTIONS"),
        "{text}"
    );
    assert!(text.contains("writes (POST request)"), "{text}");
    assert!(
        text.contains("error: broken.yaml:"),
        "the broken file is named with its line: {text}"
    );

    std::fs::remove_file(templates.join("broken.yaml")).unwrap();
    palisade(&dir)
        .args(["templates", "check"])
        .arg(&templates)
        .assert()
        .code(0);
    let err = palisade(&dir)
        .args(["templates", "check", "/no/such/folder"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8_lossy(&err).contains("is not a folder"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_installs_a_verified_archive_and_keeps_the_old_one_when_the_new_is_bad() {
    let good = zip(&[
        (
            "nuclei-templates-main/http/exposed-panels/good-one.yaml",
            GOOD,
        ),
        (
            "nuclei-templates-main/http/vulnerabilities/writes.yaml",
            POST,
        ),
        (
            "nuclei-templates-main/.github/workflows/ci.yaml",
            "on: push\n",
        ),
        ("nuclei-templates-main/README.md", "# readme\n"),
        ("../../escape.yaml", GOOD),
    ]);
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&good))
    };
    let served = |body: Vec<u8>, path: &str| Exchange {
        method: "GET".into(),
        path: path.into(),
        status: 200,
        headers: vec![("Content-Type".into(), "application/zip".into())],
        body,
    };
    let server = fixture::serve(vec![
        served(good, "/templates.zip"),
        served(b"not a zip at all".to_vec(), "/broken.zip"),
        served(zip(&[("a/readme.yaml", "just: yaml\n")]), "/empty.zip"),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let url = |p: &str| format!("{}{p}", server.url());

    let out = palisade(&dir)
        .args([
            "templates",
            "update",
            "--allow-private",
            "--url",
            &url("/templates.zip"),
            "--sha256",
            &digest,
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("1 run, 1 skipped"), "{text}");
    assert!(text.contains(&digest), "{text}");
    assert!(
        !dir.path().join("escape.yaml").exists()
            && !dir.path().parent().unwrap().join("escape.yaml").exists()
    );
    let community = dir.path().join("templates/community");
    assert!(
        community
            .join("nuclei-templates-main/http/exposed-panels/good-one.yaml")
            .exists()
    );

    // A wrong digest, a download that is not a zip, and a zip without templates each fail with one line and keep
    // what was installed.
    for (path, sha, says) in [
        ("/templates.zip", Some("00".repeat(32)), "SHA-256"),
        ("/broken.zip", None, "not a zip archive"),
        ("/empty.zip", None, "no template Palisade can run"),
        ("/missing.zip", None, "HTTP 404"),
    ] {
        let mut cmd = palisade(&dir);
        cmd.args([
            "templates",
            "update",
            "--allow-private",
            "--url",
            &url(path),
        ]);
        if let Some(sha) = &sha {
            cmd.args(["--sha256", sha]);
        }
        let err = cmd.assert().code(3).get_output().stderr.clone();
        let err = String::from_utf8_lossy(&err);
        assert!(err.contains(says), "{path}: {err}");
        assert!(
            community
                .join("nuclei-templates-main/http/exposed-panels/good-one.yaml")
                .exists(),
            "{path} lost the old set"
        );
    }

    // Without --allow-private the loopback mirror is out of scope.
    palisade(&dir)
        .args(["templates", "update", "--url", &url("/templates.zip")])
        .assert()
        .code(3);

    // list shows the community template, and a standard scan selecting it by tag runs it.
    let listed = palisade(&dir)
        .args(["templates", "list", "--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let listed: serde_json::Value = serde_json::from_slice(&listed).unwrap();
    let ids: Vec<&str> = listed["templates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["source"] == "community")
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["good-one"]);

    let site = fixture::serve(vec![Exchange {
        method: "GET".into(),
        path: "/community-panel".into(),
        status: 200,
        headers: vec![],
        body: b"<title>Community Panel</title>".to_vec(),
    }])
    .await;
    let out = palisade(&dir)
        .args([
            "scan",
            "--allow-private",
            "--profile",
            "quick",
            "--tags",
            "demo",
            "--format",
            "json",
            &site.url(),
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let text = report.to_string();
    assert!(text.contains("templates.good-one"), "{text}");
    let err = palisade(&dir)
        .args(["scan", "--allow-private", "--tags", "nope", &site.url()])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    assert!(
        String::from_utf8_lossy(&err).contains("no loaded template has tag 'nope'"),
        "{}",
        String::from_utf8_lossy(&err)
    );
}
