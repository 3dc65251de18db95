//! The docs as a reader meets them: the README stays short (at most 300 lines), every relative link in the README,
//! `CONTRIBUTING.md` and `docs/` leads to a file and heading that exist, and the demo output the README shows has the
//! counts a real `palisade demo` prints.

mod support;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn pages() -> Vec<PathBuf> {
    let mut pages = vec![root().join("README.md"), root().join("CONTRIBUTING.md")];
    for entry in std::fs::read_dir(root().join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            pages.push(path);
        }
    }
    pages
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a Markdown file's headings (outside code blocks).
fn anchors(path: &Path) -> HashSet<String> {
    let mut fenced = false;
    let mut found = HashSet::new();
    for line in std::fs::read_to_string(path).unwrap().lines() {
        if line.starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            found.insert(slug(line.trim_start_matches('#')));
        }
    }
    found
}

/// The `](target)` links of a Markdown file (outside code blocks).
fn links(text: &str) -> Vec<String> {
    let mut fenced = false;
    let mut found = Vec::new();
    for line in text.lines() {
        if line.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        for (i, _) in line.match_indices("](") {
            let rest = &line[i + 2..];
            if let Some(end) = rest.find(')') {
                found.push(rest[..end].to_string());
            }
        }
    }
    found
}

#[test]
fn the_readme_is_short_and_every_link_leads_somewhere() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(
        lines <= 300,
        "README.md has {lines} lines; move detail to docs/"
    );
    let mut broken = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for link in links(&text) {
            if link.starts_with("http://")
                || link.starts_with("https://")
                || link.starts_with("mailto:")
            {
                continue;
            }
            let (file, anchor) = link.split_once('#').unwrap_or((link.as_str(), ""));
            let target = match file {
                "" => page.clone(),
                file => page.parent().unwrap().join(file),
            };
            if !target.exists() {
                broken.push(format!("{}: {link} (no such file)", page.display()));
            } else if !anchor.is_empty()
                && target.extension().is_some_and(|e| e == "md")
                && !anchors(&target).contains(anchor)
            {
                broken.push(format!("{}: {link} (no such heading)", page.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// The number after `prefix` and before `suffix` in the first line of `text` that has both.
fn number_in(text: &str, prefix: &str, suffix: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let start = line.find(prefix)? + prefix.len();
        let end = line[start..].find(suffix)? + start;
        line[start..end].trim().parse().ok()
    })
}

#[test]
fn the_demo_output_in_the_readme_is_what_the_demo_prints() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = support::palisade(&dir).arg("demo").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    let summary = |text: &str| {
        text.lines()
            .find(|l| l.starts_with("summary: "))
            .map(str::to_string)
    };
    assert_eq!(
        summary(&readme),
        summary(&printed),
        "the README's summary line"
    );
    for (prefix, suffix) in [
        (" targets · ", " requests"),
        ("coverage: ", " check runs"),
        (" on 2 targets: ", " passed"),
        (" passed, ", " found issues"),
    ] {
        assert_eq!(
            number_in(&readme, prefix, suffix),
            number_in(&printed, prefix, suffix),
            "the README's demo sample says `{prefix}N{suffix}` with another N than the demo prints:\n{printed}"
        );
    }
}

const START: &str = "<!-- catalogue:start -->";
const END: &str = "<!-- catalogue:end -->";

/// The catalogue of every check (with the findings it can report) and every shipped detection template, as
/// `docs/checks.md` holds it between its markers.
fn catalogue() -> String {
    use palisade::engine::registry;
    let mut out = String::from(
        "Generated from the check registry and `templates/` (`PALISADE_WRITE_DOCS=1 cargo test --test docs` \
         rewrites it; the test fails when it is out of date).\n",
    );
    let mut modules: Vec<String> = Vec::new();
    for check in registry::all() {
        let module = check.module.to_string();
        if !modules.contains(&module) {
            modules.push(module);
        }
    }
    for module in &modules {
        let checks: Vec<_> = registry::all()
            .iter()
            .filter(|c| &c.module.to_string() == module)
            .collect();
        let plural = if checks.len() == 1 { "" } else { "s" };
        out.push_str(&format!(
            "\n### {module} ({} check{plural})\n\n",
            checks.len()
        ));
        out.push_str("| check | profile | what it looks at | findings it can report (severity) |\n|---|---|---|---|\n");
        for check in checks {
            let rules: Vec<String> = check
                .rules
                .iter()
                .map(|r| format!("`{}` ({})", r.id, r.severity))
                .collect();
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                check.id,
                check.profile,
                check.summary.replace('|', "\\|"),
                rules.join(", ")
            ));
        }
    }
    let library = palisade::templates::Library::shipped();
    let mut templates: Vec<_> = library.templates.iter().collect();
    templates.sort_by(|a, b| a.id.cmp(&b.id));
    out.push_str(&format!(
        "\n### Detection templates ({} shipped)\n\n| template | class | severity | profile | name |\n|---|---|---|---|---|\n",
        templates.len()
    ));
    for t in templates {
        let class = t.tags.first().map(String::as_str).unwrap_or("");
        let profile = if t.standard { "standard" } else { "deep" };
        out.push_str(&format!(
            "| `{}` | {class} | {} | {profile} | {} |\n",
            t.id,
            t.severity,
            t.name.replace('|', "\\|")
        ));
    }
    out
}

#[test]
fn the_checks_catalogue_is_generated_from_the_registry_and_the_templates() {
    let path = root().join("docs/checks.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let (Some(start), Some(end)) = (text.find(START), text.find(END)) else {
        panic!("docs/checks.md has no {START} ... {END} section");
    };
    let current = &text[start + START.len()..end];
    let wanted = format!("\n{}", catalogue());
    if current != wanted {
        if std::env::var_os("PALISADE_WRITE_DOCS").is_some() {
            let updated = format!("{}{START}{wanted}{}", &text[..start], &text[end..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!(
                "docs/checks.md's catalogue is out of date with the checks and templates: run \
                 PALISADE_WRITE_DOCS=1 cargo test --test docs"
            );
        }
    }
}

/// The fields a configuration table accepts, as its own refusal of an unknown key names them.
fn accepted(table: Option<&str>) -> Vec<String> {
    let text = match table {
        Some(t) => format!("[{t}]\nnot_a_setting = 1\n"),
        None => "not_a_setting = 1\n".to_string(),
    };
    let err = toml::from_str::<palisade::config::Layer>(&text)
        .expect_err("an unknown key is refused")
        .to_string();
    let expected = err
        .split("expected one of")
        .nth(1)
        .or_else(|| err.split("expected").nth(1))
        .unwrap_or_else(|| panic!("the refusal names the accepted keys: {err}"));
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn the_configuration_reference_names_every_setting_and_only_real_ones() {
    let doc = std::fs::read_to_string(root().join("docs/configuration.md")).unwrap();
    let block = doc
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/configuration.md has a toml example");
    // Every key it shows is one the configuration file accepts...
    if let Err(e) = toml::from_str::<palisade::config::Layer>(block) {
        panic!("docs/configuration.md's example is not a valid palisade.toml: {e}");
    }
    // ...and it shows every key the file accepts.
    let shown: toml::Table = toml::from_str(block).unwrap();
    assert!(
        accepted(None).contains(&"scan".to_string()),
        "{:?}",
        accepted(None)
    );
    assert!(accepted(Some("scan")).contains(&"rate".to_string()));
    let mut missing = Vec::new();
    for key in accepted(None) {
        let Some(value) = shown.get(&key) else {
            missing.push(key);
            continue;
        };
        if let Some(table) = value.as_table() {
            for field in accepted(Some(&key)) {
                if !table.contains_key(&field) {
                    missing.push(format!("{key}.{field}"));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/configuration.md does not show these settings: {missing:?}"
    );
}
