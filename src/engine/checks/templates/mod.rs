//! `templates` check: runs the scan's detection templates (Nuclei format, read-only) against each target on the
//! shared network stack, sharing identical requests between templates and with the other checks, and reports each
//! match as a finding `templates.<id>`.

mod run;
mod send;

use crate::engine::registry::{Check, Rule};
use crate::model::{Category, Module, Profile, Severity};

/// The rule that only says a finding came from a template: each finding carries its template's own id and words.
pub static TEMPLATE_MATCH: Rule = Rule {
    id: "templates.match",
    category: Category::Disclosure,
    severity: Severity::Info,
    title: "A detection template matched",
    description: "A detection template matched the site's response; the finding carries the template's own id, \
                  severity and words.",
    remediation: "Follow the template's remediation.",
    references: &["https://docs.projectdiscovery.io/templates/introduction"],
    cwe: None,
};

/// The `templates` checks.
pub static CHECKS: &[Check] = &[Check {
    id: "templates.run",
    module: Module::Templates,
    profile: Profile::Standard,
    summary: "detection templates (Nuclei format, read-only): exposed panels, files, debug modes, unauthenticated \
              services",
    rules: &[&TEMPLATE_MATCH],
    run: |ctx| Box::pin(run::run(ctx)),
}];

/// The check id a template's findings carry.
pub fn finding_id(template_id: &str) -> String {
    format!("templates.{template_id}")
}
