//! The advisory database the `components` checks match against: which versions of which libraries and servers
//! have known vulnerabilities or are end of life, which CVEs CISA lists as exploited (KEV), and how to recognise a
//! library and its version in a script. It is the bundled database (`advisories/*.toml`, written by this project
//! from public advisories) merged with what `palisade db import` / `db update` stored (retire.js, KEV, OSV).

mod bundled;
pub mod extract;
pub mod import;
mod matching;
pub mod range;
pub mod version;

pub use extract::{Extractor, ExtractorSpec, On};
pub use matching::Verdict;
pub use range::{Range, parse_ranges};
pub use version::{Scheme, Version};

use crate::model::Severity;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// What kind of software a component is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A JavaScript library loaded by pages.
    Library,
    /// Server software named by response headers or error pages.
    Server,
    /// A content management system.
    Cms,
}

/// One advisory: the versions it affects, how bad it is, and in one line what it is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Advisory {
    /// CVE and GHSA ids (or the feed's own id when it has neither).
    pub ids: Vec<String>,
    pub severity: Severity,
    pub summary: String,
    pub ranges: Vec<Range>,
    /// When the advisory only applies in some setups (a module enabled, an operating system), which.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Where it came from: `bundled`, `retire.js` or `OSV`.
    #[serde(default)]
    pub source: String,
}

impl Advisory {
    /// True if `v` is in one of the advisory's ranges.
    pub fn affects(&self, v: &Version) -> bool {
        self.ranges.iter().any(|r| r.contains(v))
    }

    /// The CVE and GHSA ids, the kind a finding's `cve` list holds.
    pub fn public_ids(&self) -> impl Iterator<Item = &str> {
        self.ids
            .iter()
            .map(String::as_str)
            .filter(|id| id.starts_with("CVE-") || id.starts_with("GHSA-"))
    }
}

/// An end-of-life rule: versions no longer receiving security fixes.
#[derive(Debug, Clone)]
pub struct Eol {
    pub ranges: Vec<Range>,
    /// The date support ended, when known.
    pub since: Option<String>,
    /// What to move to, in a few words.
    pub note: String,
}

/// True for an entry retire.js writes to say a version line is end of life (no ids, a summary saying so): it
/// becomes an end-of-life rule rather than an advisory (the bundled rules win where there are some).
fn is_eol_notice(a: &Advisory) -> bool {
    let summary = a.summary.to_ascii_lowercase();
    a.public_ids().next().is_none()
        && (summary.contains("end-of-life") || summary.contains("end of life"))
}

/// A library or server the database knows.
#[derive(Debug, Clone)]
pub struct Component {
    /// Canonical lowercase name (`jquery`, `apache-httpd`).
    pub name: String,
    /// The name people know (`jQuery`, `Apache httpd`).
    pub display: String,
    pub kind: Kind,
    pub scheme: Scheme,
    pub advisories: Vec<Advisory>,
    pub eol: Vec<Eol>,
}

/// A CVE in CISA's Known Exploited Vulnerabilities catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KevEntry {
    pub cve: String,
    pub date_added: String,
    pub due_date: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub ransomware: bool,
}

/// A library as an imported retire.js repository describes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportedLibrary {
    /// retire.js's name for it.
    pub name: String,
    #[serde(default)]
    pub npm: Option<String>,
    pub advisories: Vec<Advisory>,
    pub extractors: Vec<ExtractorSpec>,
}

/// An OSV record's affected packages, reduced to what matching needs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OsvPackage {
    pub ecosystem: String,
    pub name: String,
    pub ranges: Vec<Range>,
}

/// One OSV record as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OsvRecord {
    pub ids: Vec<String>,
    pub severity: Severity,
    pub summary: String,
    pub packages: Vec<OsvPackage>,
}

/// One stored record of an imported feed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Record {
    Library(ImportedLibrary),
    Kev(KevEntry),
    Osv(OsvRecord),
}

/// The merged database a scan matches against; cheap to share.
#[derive(Debug)]
pub struct Advisories {
    components: BTreeMap<String, Component>,
    kev: HashMap<String, KevEntry>,
    extractors: Vec<Extractor>,
    /// `npm:<name>`, `retire:<name>`, `packagist:<name>`… to a component name.
    aliases: HashMap<String, String>,
}

impl Advisories {
    /// The bundled database alone.
    pub fn bundled() -> Arc<Advisories> {
        static BUNDLED: std::sync::LazyLock<Arc<Advisories>> =
            std::sync::LazyLock::new(|| Arc::new(Advisories::build(&[])));
        BUNDLED.clone()
    }

    /// The bundled database with `records` from imported feeds added.
    pub fn build(records: &[Record]) -> Advisories {
        let base = bundled::load();
        let mut db = Advisories {
            components: base
                .components
                .into_iter()
                .map(|c| (c.name.clone(), c))
                .collect(),
            kev: base.kev.into_iter().map(|k| (k.cve.clone(), k)).collect(),
            extractors: Vec::new(),
            aliases: HashMap::new(),
        };
        let mut aliases = base.aliases;
        for (component, spec) in base.extractors {
            if let Ok(x) = Extractor::deferred(&component, &spec, "bundled") {
                db.extractors.push(x);
            }
        }
        for record in records {
            if let Record::Library(lib) = record {
                db.add_library(lib, &mut aliases);
            }
        }
        for record in records {
            match record {
                Record::Kev(k) => {
                    db.kev.insert(k.cve.clone(), k.clone());
                }
                Record::Osv(osv) => db.add_osv(osv, &aliases),
                Record::Library(_) => {}
            }
        }
        db.aliases = aliases;
        db
    }

    fn add_library(&mut self, lib: &ImportedLibrary, aliases: &mut HashMap<String, String>) {
        let name = aliases
            .get(&format!("retire:{}", lib.name.to_ascii_lowercase()))
            .cloned()
            .unwrap_or_else(|| lib.name.to_ascii_lowercase());
        if let Some(npm) = &lib.npm {
            aliases
                .entry(format!("npm:{}", npm.to_ascii_lowercase()))
                .or_insert_with(|| name.clone());
        }
        let component = self
            .components
            .entry(name.clone())
            .or_insert_with(|| Component {
                name: name.clone(),
                display: lib.name.clone(),
                kind: Kind::Library,
                scheme: Scheme::Semver,
                advisories: Vec::new(),
                eol: Vec::new(),
            });
        for a in &lib.advisories {
            if !is_eol_notice(a) {
                component.advisories.push(a.clone());
            } else if component.eol.is_empty() {
                component.eol.push(Eol {
                    ranges: a.ranges.clone(),
                    since: None,
                    note: a.summary.clone(),
                });
            }
        }
        for spec in &lib.extractors {
            if let Ok(x) = Extractor::deferred(&name, spec, "retire.js") {
                self.extractors.push(x);
            }
        }
    }

    fn add_osv(&mut self, osv: &OsvRecord, aliases: &HashMap<String, String>) {
        for package in &osv.packages {
            let key = format!(
                "{}:{}",
                package.ecosystem.to_ascii_lowercase(),
                package.name.to_ascii_lowercase()
            );
            let Some(component) = aliases.get(&key).and_then(|n| self.components.get_mut(n)) else {
                continue;
            };
            component.advisories.push(Advisory {
                ids: osv.ids.clone(),
                severity: osv.severity,
                summary: osv.summary.clone(),
                ranges: package.ranges.clone(),
                condition: None,
                source: "OSV".into(),
            });
        }
    }

    /// True if a package of `ecosystem` (OSV's names: `npm`, `Packagist`...) is a component palisade detects.
    pub fn resolves(&self, ecosystem: &str, name: &str) -> bool {
        let key = format!(
            "{}:{}",
            ecosystem.to_ascii_lowercase(),
            name.to_ascii_lowercase()
        );
        self.aliases.contains_key(&key)
    }

    /// The component a package of `ecosystem` (OSV's names: `npm`...) is, if palisade detects it.
    pub fn component_of(&self, ecosystem: &str, name: &str) -> Option<&Component> {
        let key = format!(
            "{}:{}",
            ecosystem.to_ascii_lowercase(),
            name.to_ascii_lowercase()
        );
        self.aliases.get(&key).and_then(|n| self.components.get(n))
    }

    /// A component by canonical name.
    pub fn component(&self, name: &str) -> Option<&Component> {
        self.components.get(name)
    }

    /// Every component, by name.
    pub fn components(&self) -> impl Iterator<Item = &Component> {
        self.components.values()
    }

    /// The KEV entry of a CVE.
    pub fn kev(&self, cve: &str) -> Option<&KevEntry> {
        self.kev.get(cve)
    }

    /// How many CVEs the KEV catalog holds here.
    pub fn kev_count(&self) -> usize {
        self.kev.len()
    }

    /// The extractors that recognise libraries, bundled first.
    pub fn extractors(&self) -> &[Extractor] {
        &self.extractors
    }
}

#[cfg(test)]
mod tests;
