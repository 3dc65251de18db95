//! Google API keys (`AIza...`). Browser keys are public by design: a key inside a Firebase web configuration is
//! reported as that configuration (information), and any other key in client code as low, asking for its
//! restrictions to be checked. In server-side configuration (a `.env` file) a key is probably unrestricted.

use super::catalog::{FIREBASE_CONFIG, Format};
use super::detect::{Hit, Source, Text};
use super::noise::{entropy, isolated, placeholder};
use crate::model::{Confidence, Severity};

regex!(KEY, r"\b(AIza[\w-]{35})(?:[^\w-]|$)");
regex!(
    PROJECT,
    r#"(?i:projectId|project_id)["']?\s*[:=]\s*["']?([a-z][a-z0-9-]{4,40})"#
);

/// Words around a key that show it sits in a Firebase web configuration.
const FIREBASE: &[&str] = &[
    "authdomain",
    "firebaseapp.com",
    "messagingsenderid",
    "firebaseio.com",
    "storagebucket",
];

pub fn api_keys(text: &Text, format: &'static Format, out: &mut Vec<Hit>) {
    for m in KEY.captures_iter(text.raw).filter_map(|c| c.get(1)) {
        let body = &m.as_str()[4..];
        if placeholder(body) || entropy(body) < 3.5 || !isolated(text.raw, m.start(), m.end()) {
            continue;
        }
        let around = text.window(m.start(), m.end(), 600, 600);
        let firebase = FIREBASE
            .iter()
            .any(|w| text.lower[around.clone()].contains(w));
        let mut hit = Hit::new(format, m.range(), m.as_str());
        if firebase {
            let project = PROJECT
                .captures(&text.raw[around])
                .map(|c| c[1].to_string());
            hit.rule = &FIREBASE_CONFIG;
            hit.severity = Severity::Info;
            hit.note = Some(match project {
                Some(p) => format!("project {p}"),
                None => "Firebase project".to_string(),
            });
        } else if text.source == Source::Env {
            hit.severity = Severity::Medium;
            hit.note = Some(
                "in server-side configuration, where keys are rarely restricted to referrers"
                    .into(),
            );
        } else {
            hit.confidence = Confidence::Medium;
            hit.note = Some("check that it is restricted to your referrers and APIs".into());
        }
        out.push(hit);
    }
}
