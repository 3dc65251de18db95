//! Recipes: for each root cause, the title, why it matters, the change for each stack and how to verify it.

mod app;
mod banners;
mod content;
mod cookies;
mod exposure;
mod headers;
mod tls;
mod transport;

use super::stack::{Basis, Seen, Version};
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
    /// The origin the scan reached the target at: `https://host[:port]` (or `http://...` for a plain-HTTP target).
    pub origin: String,
    /// Where the site should be served over HTTPS: the origin, or `https://name` for a plain-HTTP target.
    pub https_origin: String,
    /// True when the target is served over HTTPS.
    pub https: bool,
    /// The target as people name it: the host, with the port when it is not the scheme's default.
    pub host: String,
    /// The bare host name (for certificates, DNS names, e-mail addresses).
    pub name: String,
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

    /// The stacks to write the change for (at most three, in `able`'s order) and how they were chosen.
    pub fn pick(&self, able: &[Stack], fallback: &[Stack]) -> (Vec<Stack>, Basis) {
        variants(self, able, fallback, &[])
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

    /// The version the scan saw of `stack` when it is older than `min`: the step must say to upgrade first. `None`
    /// when it is as new or the version is unknown (then the current form is given).
    pub fn older(&self, stack: Stack, min: &[u32]) -> Option<&Version> {
        self.seen.version(stack).filter(|v| v.below(min))
    }

    /// `name:port` of the HTTPS server, for openssl and the like.
    pub fn authority(&self) -> String {
        format!("{}:{}", self.name, self.port)
    }
}

/// The variants of `able` for the stacks seen; else for those weak signs point to, the profile's and `hints` (a
/// cookie name or page text in the findings), as likely; else for `fallback`. At most three, in `able`'s order.
pub(super) fn variants(
    ctx: &Ctx,
    able: &[Stack],
    fallback: &[Stack],
    hints: &[Stack],
) -> (Vec<Stack>, Basis) {
    let (mut picked, basis) = ctx.seen.pick(able, fallback, hints);
    if basis != Basis::Guess {
        picked.sort_by_key(|s| able.iter().position(|a| a == s));
    }
    picked.truncate(MAX_VARIANTS);
    (picked, basis)
}

/// Steps without repeats: two seen stacks can share one variant (PHP under WordPress).
pub(super) fn unique(steps: Vec<Step>) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::new();
    for s in steps {
        if !out.iter().any(|o| o.title == s.title) {
            out.push(s);
        }
    }
    out
}

/// A recipe's part of a fix.
pub(super) struct Recipe {
    pub title: String,
    pub why: String,
    /// How the variants were chosen.
    pub basis: Basis,
    pub steps: Vec<Step>,
    pub verify: Vec<String>,
    pub references: Vec<String>,
}

/// The fix for one cause.
pub(super) fn fix(cause: Cause, findings: &[&Finding], data: &ReportData) -> Fix {
    let target = findings.first().and_then(|f| data.target_of(f));
    let url = target.map_or_else(
        || {
            format!(
                "https://{}/",
                crate::report::line::host_of(&findings[0].location)
            )
        },
        |t| t.url.clone(),
    );
    let at = Origin::of(&url);
    let ctx = Ctx {
        findings,
        target,
        seen: Seen::of(target.and_then(|t| t.site.as_ref())),
        https_origin: if at.https {
            at.origin.clone()
        } else {
            format!("https://{}", at.name)
        },
        origin: at.origin,
        https: at.https,
        host: at.label,
        name: at.name,
        port: at.port,
        scan_date: &data.scan.created_at,
    };
    let recipe = match &cause {
        Cause::Headers(_) => headers::recipe(&ctx),
        Cause::Https(_) => transport::https(&ctx),
        Cause::Certificate(_) => transport::certificate(&ctx),
        Cause::Tls(..) => tls::recipe(&ctx),
        Cause::Exposure(_, check) => exposure::recipe(&ctx, check),
        Cause::Cookies(_) => cookies::cookies(&ctx),
        Cause::Banners(_, check) => banners::banners(&ctx, check),
        Cause::InsecureContent(_) => content::insecure_content(&ctx),
        Cause::Sri(_) => content::sri(&ctx),
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
        hosts,
        fingerprints: findings.iter().map(|f| f.fingerprint.clone()).collect(),
        check_ids,
        locations,
        why: recipe.why,
        stack_seen: ctx.seen.description.clone(),
        stack_likely: ctx.seen.likely.clone(),
        basis: recipe.basis,
        steps: recipe.steps,
        verify: recipe.verify,
        references,
        evidence,
    }
}

/// Where a target URL points.
struct Origin {
    /// `scheme://host[:port]`.
    origin: String,
    https: bool,
    /// Host, with the port when not the default.
    label: String,
    name: String,
    /// The HTTPS port (443 for a plain-HTTP target).
    port: u16,
}

impl Origin {
    fn of(url: &str) -> Origin {
        let parsed = url::Url::parse(url).ok();
        let name = parsed
            .as_ref()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| url.to_string());
        let https = parsed.as_ref().is_none_or(|u| u.scheme() == "https");
        let explicit = parsed.as_ref().and_then(url::Url::port);
        let label = match explicit {
            Some(p) => format!("{name}:{p}"),
            None => name.clone(),
        };
        Origin {
            origin: format!("{}://{label}", if https { "https" } else { "http" }),
            https,
            label,
            port: if https { explicit.unwrap_or(443) } else { 443 },
            name,
        }
    }
}

/// String quoting for the languages snippets are written in.
pub(super) mod quote {
    /// A JSON (and JavaScript, Python, Ruby) string literal.
    pub fn json(s: &str) -> String {
        serde_json::to_string(s).expect("a string serialises")
    }

    /// A double-quoted string for nginx, Apache and Caddy configuration (the values Palisade writes never contain
    /// `$`, which nginx would read as a variable).
    pub fn double(s: &str) -> String {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
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
