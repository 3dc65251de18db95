//! A parser for the `security-fix/v1` fix file, as a coding agent would read it: YAML front matter, then one
//! `## FIX-n: title [SEVERITY]` section per fix with its fingerprints and fenced snippets.

use std::collections::HashSet;

/// A parsed fix file.
#[derive(Debug)]
pub struct FixFile {
    pub front: serde_yaml_ng::Value,
    pub fixes: Vec<FixSection>,
    /// Fingerprints listed as informational notes.
    pub notes: Vec<String>,
}

/// One `## FIX-n` section.
#[derive(Debug)]
pub struct FixSection {
    pub n: usize,
    pub title: String,
    pub severity: String,
    pub fingerprints: Vec<String>,
    /// The section's text, heading included.
    pub body: String,
    /// Fenced blocks: (language, code).
    pub snippets: Vec<(String, String)>,
}

impl FixFile {
    /// Parses a fix file, panicking with what is wrong when it does not follow the format.
    pub fn parse(md: &str) -> FixFile {
        let rest = md
            .strip_prefix("---\n")
            .expect("the fix file starts with YAML front matter");
        let (yaml, body) = rest
            .split_once("\n---\n")
            .expect("the front matter ends with ---");
        let front: serde_yaml_ng::Value = serde_yaml_ng::from_str(yaml)
            .unwrap_or_else(|e| panic!("front matter is not YAML: {e}\n{yaml}"));
        let mut fixes = Vec::new();
        let mut notes = Vec::new();
        let mut sections: Vec<String> = Vec::new();
        for line in body.lines() {
            if line.starts_with("## ") {
                sections.push(String::new());
            }
            if let Some(s) = sections.last_mut() {
                s.push_str(line);
                s.push('\n');
            }
        }
        for s in sections {
            let heading = s.lines().next().unwrap();
            if heading.starts_with("## Also noted") {
                notes = backticked(&s)
                    .into_iter()
                    .filter(|w| is_fingerprint(w))
                    .collect();
                continue;
            }
            let rest = heading
                .strip_prefix("## FIX-")
                .unwrap_or_else(|| panic!("unexpected section {heading}"));
            let (n, rest) = rest.split_once(": ").expect("FIX-n: title");
            let (title, sev) = rest.rsplit_once(" [").expect("title [SEVERITY]");
            let resolves = s
                .lines()
                .find(|l| l.starts_with("- **Resolves:**"))
                .unwrap_or_else(|| panic!("{heading} has no Resolves line"));
            fixes.push(FixSection {
                n: n.parse().expect("a fix number"),
                title: title.to_string(),
                severity: sev.trim_end_matches(']').to_string(),
                fingerprints: backticked(resolves)
                    .into_iter()
                    .filter(|w| is_fingerprint(w))
                    .collect(),
                snippets: fences(&s),
                body: s,
            });
        }
        FixFile {
            front,
            fixes,
            notes,
        }
    }

    /// The fix that resolves this fingerprint, when exactly one does (panics when several do).
    pub fn fix_of(&self, fingerprint: &str) -> Option<&FixSection> {
        let all: Vec<&FixSection> = self
            .fixes
            .iter()
            .filter(|f| f.fingerprints.iter().any(|p| p == fingerprint))
            .collect();
        assert!(
            all.len() <= 1,
            "{fingerprint} is claimed by {} fixes",
            all.len()
        );
        all.into_iter().next()
    }

    /// Every fingerprint some fix claims.
    pub fn claimed(&self) -> HashSet<String> {
        self.fixes
            .iter()
            .flat_map(|f| f.fingerprints.clone())
            .collect()
    }
}

fn is_fingerprint(w: &str) -> bool {
    w.len() == 16 && w.chars().all(|c| c.is_ascii_hexdigit())
}

/// Words between single backticks.
fn backticked(s: &str) -> Vec<String> {
    s.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Fenced code blocks (any fence of 3+ backticks), as (language, code).
fn fences(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = s.lines();
    while let Some(line) = lines.next() {
        let ticks = line.chars().take_while(|c| *c == '`').count();
        if ticks < 3 {
            continue;
        }
        let fence = "`".repeat(ticks);
        let lang = line[ticks..].trim().to_string();
        let mut code = Vec::new();
        for l in lines.by_ref() {
            if l == fence {
                break;
            }
            code.push(l);
        }
        out.push((lang, code.join("\n")));
    }
    out
}
