//! Recipes: for each root cause, the title, why it matters, the change for each stack and how to verify it.

mod app;
mod exposure;
mod headers;
mod transport;

use super::stack::Seen;
use super::{Cause, Fix, Stack, Step};
use crate::engine::redaction;
use crate::model::{ContentSources, Finding, ScanTarget, Severity};
use crate::report::ReportData;

/// Most variants a fix offers.
const MAX_VARIANTS: usize = 3;
/// Most evidence excerpts a fix quotes.
const MAX_EVIDENCE: usize = 3;
/// Most references a fix lists.
const MAX_REFERENCES: usize = 5;

/// What a recipe works from: the findings of one cause and their target.
pub(super) struct Ctx<'a> {
    pub findings: &'a [&'a Finding],
    pub target: Option<&'a ScanTarget>,
    pub seen: Seen,
    /// `https://host[:port]` of the target.
    pub origin: String,
    /// The target's host name.
    pub host: String,
    /// The target's port for HTTPS.
    pub port: u16,
    /// When the scan ran (RFC 3339).
    pub scan_date: &'a str,
}

impl Ctx<'_> {
    /// The content sources the crawl saw, for a CSP.
    pub fn sources(&self) -> Option<&ContentSources> {
        self.target
            .and_then(|t| t.site.as_ref())
            .map(|s| &s.sources)
    }

    /// The stacks to write the change for (at most three) and whether they are a guess.
    pub fn pick(&self, able: &[Stack], fallback: &[Stack]) -> (Vec<Stack>, bool) {
        let (mut picked, guessed) = self.seen.pick(able, fallback);
        picked.sort_by_key(|s| able.iter().position(|a| a == s));
        picked.truncate(MAX_VARIANTS);
        (picked, guessed)
    }

    /// The paths of the findings' URL locations, deduplicated, in order.
    pub fn paths(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for f in self.findings {
            let url = f.location.split(' ').next().unwrap_or_default();
            if let Ok(u) = url::Url::parse(url) {
                let p = u.path().to_string();
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        out
    }

    /// The text in parentheses after a finding's URL location, e.g. `Set-Cookie: PHPSESSID`.
    pub fn detail(f: &Finding) -> Option<&str> {
        let (_, rest) = f.location.split_once(" (")?;
        rest.strip_suffix(')')
    }

    /// True when a finding of this check (or check-id prefix) is among them.
    pub fn has(&self, prefix: &str) -> bool {
        self.findings.iter().any(|f| f.check_id.starts_with(prefix))
    }

    /// `host:port` for openssl and the like.
    pub fn authority(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// A recipe's part of a fix.
pub(super) struct Recipe {
    pub title: String,
    pub why: String,
    /// True when the scan did not see the stack and the steps are the likeliest variants.
    pub guessed: bool,
    pub steps: Vec<Step>,
    pub verify: Vec<String>,
    pub references: Vec<String>,
}

/// The fix for one cause.
pub(super) fn fix(cause: Cause, findings: &[&Finding], data: &ReportData) -> Fix {
    let target = findings.first().and_then(|f| data.target_of(f));
    let (origin, host, port) = target.map_or_else(
        || {
            let host = crate::report::line::host_of(&findings[0].location);
            (format!("https://{host}"), host, 443)
        },
        origin_of,
    );
    let ctx = Ctx {
        findings,
        target,
        seen: Seen::of(target.and_then(|t| t.site.as_ref())),
        origin,
        host,
        port,
        scan_date: &data.scan.created_at,
    };
    let recipe = match &cause {
        Cause::Headers(_) => headers::recipe(&ctx),
        Cause::Https(_) => transport::https(&ctx),
        Cause::Certificate(_) => transport::certificate(&ctx),
        Cause::Exposure(_, check) => exposure::recipe(&ctx, check),
        Cause::Cookies(_) => app::cookies(&ctx),
        Cause::Banners(_, check) => app::banners(&ctx, check),
        Cause::InsecureContent(_) => app::insecure_content(&ctx),
        Cause::Sri(_) => app::sri(&ctx),
        Cause::ErrorPages(_) => app::error_pages(&ctx),
        Cause::Cors(_) => app::cors(&ctx),
        Cause::Trace(_) => app::trace(&ctx),
        Cause::SecurityTxt(_) => app::security_txt(&ctx),
        Cause::Shared(_) => app::shared(&ctx),
        Cause::Other(..) => app::other(&ctx),
    };
    let mut hosts: Vec<String> = Vec::new();
    for f in findings {
        let h = data.target_of(f).map_or_else(
            || crate::report::line::host_of(&f.location),
            |t| ReportData::target_name(t).to_string(),
        );
        if !hosts.contains(&h) {
            hosts.push(h);
        }
    }
    let mut check_ids: Vec<String> = Vec::new();
    let mut locations: Vec<String> = Vec::new();
    for f in findings {
        if !check_ids.contains(&f.check_id) {
            check_ids.push(f.check_id.clone());
        }
        let loc = crate::report::one_line(&f.location);
        if !locations.contains(&loc) {
            locations.push(loc);
        }
    }
    let mut references = recipe.references;
    for r in findings.iter().flat_map(|f| &f.references) {
        if !references.contains(r) {
            references.push(r.clone());
        }
    }
    let mut evidence: Vec<String> = Vec::new();
    for e in findings
        .iter()
        .filter_map(|f| f.evidence.as_deref())
        .map(redaction::scrub)
    {
        if evidence.len() < MAX_EVIDENCE && !evidence.contains(&e) {
            evidence.push(e);
        }
    }
    references.truncate(MAX_REFERENCES);
    Fix {
        n: 0,
        title: recipe.title,
        severity: findings
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Info),
        kev: findings.iter().any(|f| f.kev),
        cause,
        hosts,
        fingerprints: findings.iter().map(|f| f.fingerprint.clone()).collect(),
        check_ids,
        locations,
        why: recipe.why,
        stack_seen: ctx.seen.description.clone(),
        guessed: recipe.guessed,
        steps: recipe.steps,
        verify: recipe.verify,
        references,
        evidence,
    }
}

/// `https://host[:port]`, the host and the HTTPS port of a target.
fn origin_of(t: &ScanTarget) -> (String, String, u16) {
    match url::Url::parse(&t.url) {
        Ok(u) if u.host_str().is_some() => {
            let host = u.host_str().unwrap_or_default().to_string();
            let port = if u.scheme() == "https" {
                u.port().unwrap_or(443)
            } else {
                443
            };
            let origin = if port == 443 {
                format!("https://{host}")
            } else {
                format!("https://{host}:{port}")
            };
            (origin, host, port)
        }
        _ => {
            let host = ReportData::target_name(t).to_string();
            (format!("https://{host}"), host, 443)
        }
    }
}

/// String quoting for the languages snippets are written in.
pub(super) mod quote {
    /// A JSON (and JavaScript, Python, Ruby) string literal.
    pub fn json(s: &str) -> String {
        serde_json::to_string(s).expect("a string serialises")
    }

    /// A double-quoted string for Apache and Caddy configuration.
    pub fn double(s: &str) -> String {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }

    /// A double-quoted nginx string (the values Palisade writes never contain `$`, which would start a variable).
    pub fn nginx(s: &str) -> String {
        double(s)
    }

    /// A single-quoted PHP string.
    pub fn php(s: &str) -> String {
        format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
    }

    /// Text for an XML attribute value.
    pub fn xml(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }
}
