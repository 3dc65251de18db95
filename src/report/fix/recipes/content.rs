//! Page-content fixes: everything loaded and posted over HTTPS, third-party files pinned with Subresource
//! Integrity.

use super::{Basis, Ctx, Recipe};
use crate::report::fix::Step;

/// `(kind, url)` of the insecure-content findings, from their locations (`... (script: http://...)`).
fn insecure_urls(ctx: &Ctx) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for f in ctx.findings {
        if let Some((kind, url)) = Ctx::detail(f).and_then(|d| d.split_once(": ")) {
            let item = (kind.to_string(), url.to_string());
            if !out.contains(&item) {
                out.push(item);
            }
        }
    }
    out
}

pub(super) fn insecure_content(ctx: &Ctx) -> Recipe {
    let urls = insecure_urls(ctx);
    let diff: Vec<String> = urls
        .iter()
        .map(|(_, u)| {
            let fixed = u.replacen("http://", "https://", 1);
            format!("- {u}\n+ {fixed}")
        })
        .collect();
    let pages = ctx.paths().join(", ");
    Recipe {
        title: format!("Load every script, image and form on {} over HTTPS", ctx.host),
        why: "A script or form over plain HTTP on an HTTPS page can be read or replaced on the network, which undoes \
              HTTPS for the whole page: an injected script runs with the page's rights."
            .to_string(),
        basis: Basis::Seen,
        steps: vec![
            Step::text(
                "Change the URLs",
                format!(
                    "In the templates of {pages}, change these URLs to HTTPS (or to relative URLs for your own \
                     files). If a resource has no HTTPS version, host a copy yourself."
                ),
            )
            .with("diff", "the page templates", diff.join("\n")),
            Step::text(
                "Belt and braces",
                "The Content-Security-Policy directive `upgrade-insecure-requests` makes browsers fetch the rest \
                 over HTTPS too (the header fix includes it).",
            ),
        ],
        verify: vec![format!(
            "curl -s {}/ | grep -Eo '(src|href|action)=\"http://[^\"]+\"'   # expect no output",
            ctx.origin
        )],
        references: vec!["https://developer.mozilla.org/en-US/docs/Web/Security/Mixed_content".to_string()],
    }
}

pub(super) fn sri(ctx: &Ctx) -> Recipe {
    let urls = insecure_urls(ctx);
    let mut hash = Vec::new();
    let mut tags = Vec::new();
    for (kind, url) in &urls {
        hash.push(format!(
            "curl -s {url} | openssl dgst -sha384 -binary | openssl base64 -A; echo"
        ));
        tags.push(if kind.contains("style") {
            format!("<link rel=\"stylesheet\" href=\"{url}\" integrity=\"sha384-HASH\" crossorigin=\"anonymous\">")
        } else {
            format!("<script src=\"{url}\" integrity=\"sha384-HASH\" crossorigin=\"anonymous\"></script>")
        });
    }
    Recipe {
        title: format!("Pin third-party scripts on {} with Subresource Integrity", ctx.host),
        why: "If the CDN or the package is compromised, the page runs whatever it serves; an integrity hash makes the \
              browser refuse a changed file."
            .to_string(),
        basis: Basis::Seen,
        steps: vec![
            Step::text(
                "Hash each file",
                "Compute the SHA-384 hash of the exact version you use (if it is an old release, upgrade first: a \
                 pinned hash keeps a vulnerable version as surely as a safe one).",
            )
                .with("sh", "your terminal", hash.join("\n")),
            Step::text(
                "Add integrity",
                "Put the hash (with the `sha384-` prefix) in each tag; a pinned version in the URL keeps the hash valid.",
            )
            .with("html", "the page templates", tags.join("\n")),
        ],
        verify: urls
            .iter()
            .map(|(_, u)| {
                format!("curl -s {}/ | grep -o '<[^>]*{}[^>]*>' | grep -c integrity   # expect 1 or more", ctx.origin, regex::escape(u).replace('\'', ""))
            })
            .collect(),
        references: vec!["https://developer.mozilla.org/en-US/docs/Web/Security/Subresource_Integrity".to_string()],
    }
}
