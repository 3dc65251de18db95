//! `headers.mixed-content`: HTTPS pages loading http: resources (active or passive) and forms that send data
//! over plain HTTP, on the start page and the crawled pages; each problem once, at the first page that has it.

use super::csp_policy::PageCsp;
use super::{FirstSeen, also, csp_allow, host, pages, url_text};
use crate::engine::context::CheckCtx;
use crate::engine::registry::{CheckResult, Rule};
use crate::engine::site::Page;
use crate::model::Severity;
use std::sync::Arc;
use url::Url;

const MDN_MIXED: &str = "https://developer.mozilla.org/en-US/docs/Web/Security/Mixed_content";

headers_rule!(
    MIXED_ACTIVE,
    "headers.mixed-content-active",
    Medium,
    Some(319),
    "HTTPS page loads a script, stylesheet or frame over plain HTTP",
    "Browsers block active content fetched over HTTP on an HTTPS page, so the page is broken; older browsers load it, and then anyone on the network can replace it and take over the page.",
    "Load the resource over https:// (or from your own origin), or send `Content-Security-Policy: upgrade-insecure-requests` once every such resource is available over HTTPS.",
    [MDN_MIXED]
);
headers_rule!(
    MIXED_PASSIVE,
    "headers.mixed-content-passive",
    Low,
    Some(319),
    "HTTPS page loads an image or media over plain HTTP",
    "Images, audio and video fetched over HTTP can be seen and replaced on the network; browsers upgrade or block them, which breaks the page where HTTPS is not available.",
    "Reference the resource with https:// (or from your own origin), or send `Content-Security-Policy: upgrade-insecure-requests`.",
    [MDN_MIXED]
);
headers_rule!(
    FORM_INSECURE,
    "headers.form-insecure",
    Medium,
    Some(319),
    "Form submits its data over plain HTTP",
    "What visitors type into the form crosses the network in clear text, where it can be read and changed.",
    "Serve the page over HTTPS and point the form's action at an https:// URL (or a relative one).",
    [MDN_MIXED]
);

fn insecure_resources(page: &Page) -> Vec<Mixed> {
    let Some(doc) = &page.html else {
        return Vec::new();
    };
    let http = |u: &Url| u.scheme() == "http";
    let scripts = doc
        .scripts
        .iter()
        .filter_map(|s| s.src.clone())
        .map(|u| (true, "script", u));
    let styles = doc
        .stylesheets
        .iter()
        .map(|s| (true, "stylesheet", s.href.clone()));
    let subs = doc.subresources.iter().map(|r| {
        let (active, tag) = match r.tag.as_str() {
            "iframe" => (true, "iframe"),
            "object" => (true, "object"),
            "embed" => (true, "embed"),
            "img" => (false, "img"),
            "audio" => (false, "audio"),
            "video" => (false, "video"),
            _ => (false, "source"),
        };
        (active, tag, r.url.clone())
    });
    scripts
        .chain(styles)
        .chain(subs)
        .filter(|(_, _, u)| http(u))
        .collect()
}

/// An http: resource of an HTTPS page: active or not, tag, URL.
type Mixed = (bool, &'static str, Url);
/// A form sending data over HTTP: action, has a password field, action is http:.
type InsecureForm = (Url, bool, bool);

pub(super) async fn mixed_content(ctx: &CheckCtx) -> CheckResult {
    let (mixed, forms) = collect(&pages(ctx).await?);
    for ((active, tag, url), page, n) in mixed.items {
        let rule: &'static Rule = if active {
            &MIXED_ACTIVE
        } else {
            &MIXED_PASSIVE
        };
        let (url, page_url) = (url_text(&url), url_text(page.url()));
        let draft = ctx
            .finding(rule, format!("{page_url} ({tag}: {url})"))
            .title(format!("HTTPS page loads {tag} {url} over plain HTTP"))
            .evidence(format!("<{tag}> {url} on {page_url}{}", also(n)));
        ctx.report(draft).await;
    }
    for ((action, password, http_action), page, n) in forms.items {
        let (title, severity) = match (password, http_action) {
            (true, true) => ("Password form submits over plain HTTP", Severity::High),
            (true, false) => (
                "Password form is served on a plain-HTTP page",
                Severity::Medium,
            ),
            _ => (
                "Form on an HTTPS page submits over plain HTTP",
                Severity::Medium,
            ),
        };
        let (action, page_url) = (url_text(&action), url_text(page.url()));
        let location = format!("{page_url} (form action: {action})");
        let evidence = format!("<form action=\"{action}\"> on {page_url}{}", also(n));
        let draft = ctx.finding(&FORM_INSECURE, location).title(title);
        ctx.report(draft.severity(severity).evidence(evidence))
            .await;
    }
    Ok(())
}

/// The mixed resources and insecure forms of `pages`, each at the first page that has it. Pages whose CSP has
/// `upgrade-insecure-requests` have none: browsers fetch their http: URLs (and same-host form posts) over HTTPS.
fn collect(pages: &[Arc<Page>]) -> (FirstSeen<Mixed>, FirstSeen<InsecureForm>) {
    let (mut mixed, mut forms) = (FirstSeen::new(), FirstSeen::new());
    for page in pages {
        let Some(doc) = &page.html else { continue };
        let https = page.url().scheme() == "https";
        let upgrades =
            csp_allow::evaluate(&PageCsp::of(page).enforced()).is_some_and(|a| a.upgrades_insecure);
        if https && !upgrades {
            for resource in insecure_resources(page) {
                mixed.add(resource, page);
            }
        }
        for form in &doc.forms {
            let http_action = form.action.scheme() == "http";
            let upgraded = upgrades && host(&form.action) == host(page.url());
            if (https && http_action && !upgraded) || (!https && form.has_password) {
                forms.add((form.action.clone(), form.has_password, http_action), page);
            }
        }
    }
    (mixed, forms)
}
