//! The `secrets` check. The corpus under `tests/corpus/secrets/` runs through the detector: every true case is
//! found with its format and redacted, no false case is found. Then real scans of a site on loopback with secrets
//! in an inline script, bundles, a source map's embedded sources, a configuration endpoint and a `.env` file, and
//! of a clean site with placeholders and public-by-design keys.

mod disclosure_support;
mod support;

use disclosure_support::*;
use palisade::engine::checks::secrets::catalog;
use palisade::engine::checks::secrets::detect::{Source, body};
use palisade::engine::checks::secrets::{Detection, scan};
use palisade::model::{Category, Confidence, Finding, Profile, Severity};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn corpus(kind: &str) -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/secrets").join(kind);
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus in {}", dir.display());
    files
}

/// What a corpus file is, from its extension: where such a file is found on a site.
fn source_of(name: &str) -> Source {
    match Path::new(name).extension().and_then(|e| e.to_str()) {
        Some("env" | "txt") => Source::Env,
        Some("json") => Source::Config,
        Some("js") => Source::Script,
        _ => Source::Page,
    }
}

/// The part of a credential a leak would show: the password of a URL, else the middle of the value.
fn telltale(rule: &str, value: &str) -> String {
    if rule.ends_with("database-url") || rule.ends_with("url-credentials") {
        let userinfo = value.rsplit_once('@').unwrap().0;
        return userinfo.rsplit_once(':').unwrap().1.to_string();
    }
    let b = body(value);
    let mid = b.len() / 2;
    b.get(mid.saturating_sub(5)..(mid + 5).min(b.len())).unwrap_or(b).to_string()
}

fn assert_redacted(name: &str, text: &str, f: &Detection) {
    let spans = std::iter::once(&f.hit.span).chain(f.hit.paired.as_ref());
    for span in spans {
        let value = &text[span.clone()];
        let part = telltale(f.hit.rule.id, value);
        for shown in [&f.snippet, &f.hit.shown] {
            assert!(!shown.contains(value), "{name}: {value} in {shown}");
            assert!(!shown.contains(&part), "{name}: {part} of {value} in {shown}");
        }
    }
}

#[test]
fn every_true_case_is_found_with_its_format_and_redacted() {
    let mut formats = BTreeSet::new();
    let mut wrong = Vec::new();
    for (name, text) in corpus("true") {
        let expected = format!("secrets.{}", name.split('.').next().unwrap());
        let found = scan(&text, source_of(&name));
        if found.is_empty() {
            wrong.push(format!("{name}: nothing found"));
        }
        for f in &found {
            if f.hit.rule.id != expected {
                wrong.push(format!("{name}: {} {} ({})", f.hit.rule.id, f.hit.shown, f.snippet));
            }
            assert_redacted(&name, &text, f);
        }
        formats.insert(expected);
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(formats.len() >= 40, "{} formats: {formats:?}", formats.len());
    let rules: BTreeSet<&str> = catalog::RULES.iter().map(|r| r.id).collect();
    let untested: Vec<&&str> = rules.iter().filter(|r| !formats.contains(**r)).collect();
    assert!(untested.is_empty(), "rules without a true case: {untested:?}");
}

#[test]
fn no_false_case_is_found() {
    for (name, text) in corpus("false") {
        let found = scan(&text, source_of(&name));
        let shown: Vec<String> = found
            .iter()
            .map(|f| format!("{} {} ({})", f.hit.rule.id, f.hit.shown, f.snippet))
            .collect();
        assert!(found.is_empty(), "{name}: {shown:#?}");
    }
}

/// The severity and confidence of the first hit in a true case.
fn graded(file: &str) -> (Severity, Confidence, Option<String>) {
    let (name, text) = corpus("true").into_iter().find(|(n, _)| n == file).unwrap();
    let f = scan(&text, source_of(&name)).remove(0);
    (f.hit.severity, f.hit.confidence, f.hit.note)
}

#[test]
fn severity_follows_what_the_credential_can_do() {
    use Severity::*;
    let cases = [
        ("stripe-secret-key.js", Critical, Some("live mode")),
        ("stripe-secret-key.test-mode.js", Low, Some("test mode")),
        ("aws-access-key.js", Critical, None),
        ("aws-access-key.env", High, None),
        ("privileged-jwt.js", Critical, None),
        ("privileged-jwt.admin.js", High, None),
        ("firebase-config.js", Info, Some("project shop-3f9a2")),
        ("google-api-key.js", Low, None),
        ("github-pat.js", Critical, None),
        ("github-app-token.js", Medium, None),
        ("generic-secret.env", High, None),
        ("generic-secret.js", Medium, None),
        ("private-key.txt", High, Some("RSA PRIVATE KEY, not encrypted")),
        ("anthropic-api-key.js", High, None),
    ];
    for (file, severity, note) in cases {
        let (got, _, got_note) = graded(file);
        assert_eq!(got, severity, "{file}");
        if let Some(note) = note {
            assert_eq!(got_note.as_deref(), Some(note), "{file}");
        }
    }
    assert_eq!(graded("google-api-key.js").1, Confidence::Medium);
    assert_eq!(graded("privileged-jwt.js").1, Confidence::High);
}

#[test]
fn ai_provider_keys_are_marked_for_the_ai_surface_module() {
    let ids: BTreeSet<&str> = palisade::engine::checks::secrets::ai_provider_rules()
        .map(|r| r.id)
        .collect();
    for id in ["secrets.openai-api-key", "secrets.anthropic-api-key", "secrets.huggingface-token", "secrets.groq-api-key"] {
        assert!(ids.contains(id), "{id} in {ids:?}");
    }
    assert!(!ids.contains("secrets.stripe-secret-key"));
}

#[test]
#[ignore]
fn show_corpus_detections() {
    for (name, text) in corpus("true") {
        for f in scan(&text, source_of(&name)) {
            println!(
                "{name}\n  {} {} {:?} note={:?}\n  shown={}\n  line {}: {}",
                f.hit.rule.id, f.hit.severity, f.hit.confidence, f.hit.note, f.hit.shown, f.line, f.snippet
            );
        }
    }
}
