//! Detection templates end to end: every shipped template against its matching and non-matching fixture served on
//! loopback, each engine feature with templates written for the test, the read-only refusals, request sharing, the
//! not-found calibration, and the `templates` commands (check, list, update from a local zip).

#[path = "../support/mcp.rs"]
#[allow(dead_code)]
mod mcp;
#[path = "../support/rest.rs"]
#[allow(dead_code)]
mod rest;
#[path = "../support/served.rs"]
#[allow(dead_code)]
mod served;
#[path = "../support/mod.rs"]
mod support;

mod cli;
mod engine;
mod fixture;
mod fronts;
mod safety;
mod shipped;

use palisade::app::{DEFAULT_ORG, ScanRequest};
use palisade::model::Profile;
use palisade::templates::Selection;
use support::{Outcome, TestApp};

/// Scans `url` with only the templates check, running the templates with these ids.
pub async fn scan_with(app: &TestApp, url: &str, ids: &[&str], profile: Profile) -> Outcome {
    let request = ScanRequest {
        targets: vec![url.to_string()],
        profile: Some(profile),
        checks: Some(vec!["templates.run".into()]),
        templates: Selection {
            ids: ids.iter().map(|s| s.to_string()).collect(),
            ..Selection::default()
        },
        ..Default::default()
    };
    let mut handle = app
        .app
        .start_scan(DEFAULT_ORG, request)
        .await
        .expect("scan starts");
    handle.finished().await;
    app.outcome(&handle.scan.id).await
}

/// A test app that also loads the templates written in `dir`.
pub async fn app_with_templates(dir: &std::path::Path) -> TestApp {
    let dir = dir.to_path_buf();
    TestApp::new(move |c| c.templates.dirs = vec![dir]).await
}

/// Writes `templates` (file name, text) into a new folder.
pub fn template_dir(templates: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in templates {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}
