//! Every shipped template, scanned through the engine against a loopback server replaying its fixtures: it reports on
//! `match.http` and stays silent on `clean.http`; and every one says what a user needs (severity, description,
//! references, remediation, a class).

use crate::fixture;
use palisade::model::Profile;
use palisade::templates::Library;
use std::path::Path;

const CLASSES: &[&str] = &["panel", "exposure", "debug", "unauth", "listing"];

#[test]
fn shipped_templates_all_load_and_say_what_a_user_needs() {
    let library = Library::shipped();
    assert!(
        library.errors.is_empty(),
        "shipped templates that do not parse: {:?}",
        library.errors
    );
    assert!(
        library.skipped.is_empty(),
        "shipped templates that would be skipped: {:?}",
        library.skipped
    );
    assert!(
        library.templates.len() >= 150,
        "only {} shipped templates",
        library.templates.len()
    );
    let mut problems = Vec::new();
    for t in &library.templates {
        let class = t.file.split('/').next().unwrap_or_default();
        if !CLASSES.contains(&class) || t.tags.first().map(String::as_str) != Some(class) {
            problems.push(format!(
                "{}: folder '{class}' / first tag {:?} is not one class of {CLASSES:?}",
                t.id,
                t.tags.first()
            ));
        }
        if t.file != format!("{class}/{}.yaml", t.id) {
            problems.push(format!("{}: file {} is not named for its id", t.id, t.file));
        }
        if t.description.len() < 40 || t.remediation.len() < 30 || t.references.is_empty() {
            problems.push(format!(
                "{}: description, remediation or references missing",
                t.id
            ));
        }
        if !t.references.iter().all(|r| r.starts_with("https://")) {
            problems.push(format!(
                "{}: a reference is not an https URL: {:?}",
                t.id, t.references
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    let standard = library.templates.iter().filter(|t| t.standard).count();
    assert!(
        standard > 0 && standard < library.templates.len(),
        "{standard} standard templates"
    );
}

/// Scans the fixture with the one template; true if it reported.
async fn reports(app: &crate::support::TestApp, id: &str, file: &Path) -> Result<bool, String> {
    let bytes =
        std::fs::read(file).map_err(|e| format!("{id}: cannot read {}: {e}", file.display()))?;
    let server = fixture::serve(fixture::parse(&bytes, &file.display().to_string())).await;
    let outcome = crate::scan_with(app, &server.url(), &[id], Profile::Deep).await;
    let state = outcome.state("templates.run");
    if state == palisade::model::CoverageState::Errored
        || state == palisade::model::CoverageState::Skipped
    {
        return Err(format!(
            "{id}: {} ended {state:?}: {}",
            file.display(),
            outcome.detail("templates.run")
        ));
    }
    let want = format!("templates.{id}");
    let found = outcome.findings.iter().any(|f| f.check_id == want);
    let others: Vec<&str> = outcome.ids().into_iter().filter(|i| *i != want).collect();
    if !others.is_empty() {
        return Err(format!("{id}: {} also reported {others:?}", file.display()));
    }
    Ok(found)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shipped_templates_match_their_fixtures() {
    let app = crate::support::TestApp::new(|_| {}).await;
    let library = Library::shipped();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/templates");
    let only = std::env::var("PALISADE_TEMPLATE").ok();
    let mut failures = Vec::new();
    let mut ran = 0;
    for t in &library.templates {
        if only.as_deref().is_some_and(|o| o != t.id) {
            continue;
        }
        ran += 1;
        let dir = root.join(&t.id);
        match reports(&app, &t.id, &dir.join("match.http")).await {
            Ok(true) => {}
            Ok(false) => failures.push(format!("{}: did not report on match.http", t.id)),
            Err(e) => failures.push(e),
        }
        match reports(&app, &t.id, &dir.join("clean.http")).await {
            Ok(false) => {}
            Ok(true) => failures.push(format!("{}: reported on clean.http", t.id)),
            Err(e) => failures.push(e),
        }
    }
    assert!(ran > 0, "no template ran");
    assert!(
        failures.is_empty(),
        "{} of {ran} templates failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_fixture_folder_belongs_to_a_shipped_template() {
    let library = Library::shipped();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/templates");
    let orphans: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| !library.templates.iter().any(|t| &t.id == name))
        .collect();
    assert!(
        orphans.is_empty(),
        "fixtures without a template: {orphans:?}"
    );
}
