//! The bundled database: the TOML files under `advisories/` at the repository root, compiled into the binary and
//! read once. A unit test reads them all, so a mistake in them fails the build's tests, not a scan.

use super::extract::{ExtractorSpec, On, PLACEHOLDER};
use super::range::parse_ranges;
use super::{Advisory, Component, Eol, KevEntry, Kind, Scheme};
use crate::model::Severity;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

/// The bundled files, by name.
pub(super) const FILES: &[(&str, &str)] = &[
    (
        "javascript.toml",
        include_str!("../../advisories/javascript.toml"),
    ),
    (
        "servers.toml",
        include_str!("../../advisories/servers.toml"),
    ),
    ("cms.toml", include_str!("../../advisories/cms.toml")),
];

/// CVEs of the bundled advisories that CISA lists as exploited.
const KEV_FILE: &str = include_str!("../../advisories/kev.toml");

/// The bundled database, read.
pub(super) struct Base {
    pub components: Vec<Component>,
    pub kev: Vec<KevEntry>,
    /// `npm:<name>`, `retire:<name>`, `packagist:<name>`… to a component name.
    pub aliases: HashMap<String, String>,
    pub extractors: Vec<(String, ExtractorSpec)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ComponentToml {
    display: String,
    kind: Kind,
    #[serde(default)]
    scheme: Scheme,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    eol: Vec<EolToml>,
    #[serde(default)]
    advisory: Vec<AdvisoryToml>,
    #[serde(default)]
    detect: Vec<DetectToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EolToml {
    affected: String,
    since: Option<String>,
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdvisoryToml {
    ids: Vec<String>,
    affected: String,
    severity: Severity,
    summary: String,
    condition: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DetectToml {
    url: Option<String>,
    filename: Option<String>,
    content: Option<String>,
    replace: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KevToml {
    kev: Vec<KevRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KevRow {
    cve: String,
    added: String,
    due: String,
    name: String,
    #[serde(default)]
    ransomware: bool,
}

/// Reads the bundled files; panics on a mistake in them (the unit tests read them, so it cannot ship).
pub(super) fn load() -> Base {
    let mut base = Base {
        components: Vec::new(),
        kev: Vec::new(),
        aliases: HashMap::new(),
        extractors: Vec::new(),
    };
    for (file, text) in FILES {
        let parsed: BTreeMap<String, ComponentToml> = toml::from_str(text)
            .unwrap_or_else(|e| panic!("bundled advisories/{file} is invalid: {e}"));
        for (name, c) in parsed {
            read_component(&mut base, name, c).unwrap_or_else(|e| panic!("advisories/{file}: {e}"));
        }
    }
    let kev: KevToml = toml::from_str(KEV_FILE)
        .unwrap_or_else(|e| panic!("bundled advisories/kev.toml is invalid: {e}"));
    base.kev = kev
        .kev
        .into_iter()
        .map(|k| KevEntry {
            cve: k.cve,
            date_added: k.added,
            due_date: k.due,
            name: k.name,
            ransomware: k.ransomware,
        })
        .collect();
    base
}

fn read_component(base: &mut Base, name: String, c: ComponentToml) -> Result<(), String> {
    let ranges = |text: &str| {
        parse_ranges(text, c.scheme).map_err(|e| format!("{name}: range '{text}': {e}"))
    };
    let mut advisories = Vec::new();
    for a in &c.advisory {
        advisories.push(Advisory {
            ids: a.ids.clone(),
            severity: a.severity,
            summary: a.summary.clone(),
            ranges: ranges(&a.affected)?,
            condition: a.condition.clone(),
            source: "bundled".into(),
        });
    }
    let mut eol = Vec::new();
    for e in &c.eol {
        eol.push(Eol {
            ranges: ranges(&e.affected)?,
            since: e.since.clone(),
            note: e.note.clone(),
        });
    }
    for alias in &c.aliases {
        base.aliases
            .insert(alias.to_ascii_lowercase(), name.clone());
    }
    for d in &c.detect {
        let (on, pattern) = match (&d.url, &d.filename, &d.content) {
            (Some(p), None, None) => (On::Url, p),
            (None, Some(p), None) => (On::Filename, p),
            (None, None, Some(p)) => (On::Content, p),
            _ => {
                return Err(format!(
                    "{name}: a detect entry needs one of url, filename, content"
                ));
            }
        };
        let spec = ExtractorSpec::with_placeholder(on, pattern, PLACEHOLDER, d.replace.clone());
        base.extractors.push((name.clone(), spec));
    }
    base.components.push(Component {
        name: name.clone(),
        display: c.display,
        kind: c.kind,
        scheme: c.scheme,
        advisories,
        eol,
    });
    Ok(())
}
