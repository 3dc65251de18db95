//! A client written by others: `openapi-python-client` (PyPI, installed by scripts/test in target/client-venv)
//! generates a Python client from the live server's `/v1/openapi.json`, and tests/python/rest_client.py calls every
//! operation with it (every report format read as its media type: PDF bytes, CSV, SARIF and the JSON report as
//! objects) against `palisade serve` scanning the demo lab on loopback. The same for the ChatGPT Actions profile.

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

use palisade::lab::{Kind, Lab};
use rest::{Api, cli_key};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The virtual environment with openapi-python-client (and the generated client's own dependencies).
fn venv() -> PathBuf {
    let dir = std::env::var_os("PALISADE_TEST_CLIENT_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/client-venv"));
    assert!(
        dir.join("bin/openapi-python-client").exists(),
        "{} has no openapi-python-client: run scripts/test, which installs it",
        dir.display()
    );
    dir
}

/// What openapi-python-client needs told about the two media types it has no reader for (its issue 607): the PDF is
/// bytes, JSON Lines is text. Every other response it reads from the document alone.
const GENERATOR_CONFIG: &str = "content_type_overrides:\n  application/pdf: application/octet-stream\n  \
                                application/jsonl: text/plain\n";

/// Generates the client of `doc` into `dir/palisade_client`; panics on any error or warning of the generator.
fn generate(venv: &Path, dir: &Path, doc: &str) {
    let spec = dir.join("openapi.json");
    std::fs::write(&spec, doc).unwrap();
    let config = dir.join("config.yml");
    std::fs::write(&config, GENERATOR_CONFIG).unwrap();
    // The generator formats what it writes with ruff, from its own environment.
    let path = std::env::join_paths(std::iter::once(venv.join("bin")).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let out = std::process::Command::new(venv.join("bin/openapi-python-client"))
        .env("PATH", path)
        .arg("generate")
        .arg("--path")
        .arg(&spec)
        .arg("--config")
        .arg(&config)
        .args(["--meta", "none", "--output-path"])
        .arg(dir.join("palisade_client"))
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "openapi-python-client failed:\n{said}"
    );
    assert!(
        !said.contains("Warning") && !said.contains("Error"),
        "openapi-python-client left parts out:\n{said}"
    );
}

fn operation_ids(doc: &Value) -> BTreeSet<String> {
    doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .map(|op| op["operationId"].as_str().unwrap().to_string())
        .collect()
}

/// Generates the client of `profile`'s document and runs the script with it; returns the operations it called.
async fn run_client(profile: &str) -> BTreeSet<String> {
    let venv = venv();
    let lab = Lab::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = lab.write_config(&dir.path().join("lab")).unwrap();
    let key = cli_key(dir.path(), "acme", "python", "admin");
    let server = served::serve(Some(&config), dir.path(), &[], &[]);
    let api = Api::new(&server.base, None);
    let query = if profile == "full" {
        ""
    } else {
        "?profile=actions"
    };
    let reply = api.get(&format!("/v1/openapi.json{query}")).await;
    reply.expect(200);
    let client_dir = dir.path().join("client");
    std::fs::create_dir(&client_dir).unwrap();
    generate(&venv, &client_dir, &reply.text);

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/rest_client.py");
    let out = tokio::process::Command::new(venv.join("bin/python"))
        .arg(script)
        .args([
            profile,
            &server.base,
            &key,
            &lab.host(Kind::Vulnerable).url(),
        ])
        .arg(&client_dir)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the generated client failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let called: BTreeSet<String> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("called "))
        .map(str::to_string)
        .collect();
    let documented = operation_ids(&reply.json);
    assert_eq!(
        called, documented,
        "the script calls every documented operation, and only those"
    );
    called
}

#[tokio::test(flavor = "multi_thread")]
async fn a_generated_python_client_calls_every_operation() {
    let called = run_client("full").await;
    for id in [
        "getReportPdf",
        "getReportCsv",
        "getReportSarif",
        "createKey",
        "streamScanEvents",
    ] {
        assert!(called.contains(id), "{id}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_python_client_of_the_actions_profile_runs_a_conversation() {
    let called = run_client("actions").await;
    for id in [
        "startScan",
        "getScan",
        "getFindings",
        "getFixFile",
        "getReportMarkdown",
    ] {
        assert!(called.contains(id), "{id}");
    }
}
