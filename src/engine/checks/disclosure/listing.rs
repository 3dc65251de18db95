//! Directory listings (Apache, nginx, lighttpd, IIS, Tomcat, Jetty, Python http.server, Node serve-index) on the
//! crawled pages and on the directories the site's assets live in (at most [`MAX_DIRS`] extra requests), and in the
//! deep profile on the [`COMMON_DIRS`] no page links to, where the not-found calibration keeps a catch-all out.

use super::{Failures, is_catch_all, url_location};
use crate::engine::context::CheckCtx;
use crate::engine::registry::CheckResult;
use crate::engine::site::{Page, crawlable, same_origin};
use crate::model::Profile;
use std::collections::HashMap;
use url::Url;

rule!(
    LISTING,
    "disclosure.directory-listing",
    Disclosure,
    Medium,
    Some(548),
    "Directory listing is enabled",
    "The server lists the files of a directory that has no index page, so anyone can find files that were never linked: backups, exports, source maps, uploads (ZAP rule 10033).",
    "Turn automatic indexes off. Apache: `Options -Indexes`; nginx: remove `autoindex on;`; IIS: `<directoryBrowse enabled=\"false\" />`; Tomcat: `listings` false for the DefaultServlet. Or put an index page in the directory.",
    [
        "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/02-Configuration_and_Deployment_Management_Testing/04-Review_Old_Backup_and_Unreferenced_Files_for_Sensitive_Information",
        "https://cwe.mitre.org/data/definitions/548.html"
    ]
);

/// Asset directories requested at most.
const MAX_DIRS: usize = 10;

/// Folder names that often hold files nobody meant to link (uploads, backups, exports, logs): the deep profile asks
/// for each, linked or not.
pub(crate) const COMMON_DIRS: &[&str] = &[
    "/uploads/",
    "/upload/",
    "/files/",
    "/backup/",
    "/backups/",
    "/static/",
    "/assets/",
    "/images/",
    "/img/",
    "/media/",
    "/tmp/",
    "/temp/",
    "/logs/",
    "/log/",
    "/data/",
    "/export/",
    "/exports/",
    "/downloads/",
    "/download/",
    "/public/",
    "/private/",
    "/old/",
    "/dump/",
    "/db/",
    "/archive/",
    "/storage/",
];

/// What shows `page` is a generated listing, with the entries it lists; `None` if it is not one.
pub(super) fn listing(page: &Page) -> Option<String> {
    regex!(
        TITLE,
        r"(?i)^(index of|directory listing for|directory:|listing directory)\s*\[?/"
    );
    let resp = page.resp();
    let doc = page.html.as_ref()?;
    if resp.status != 200 || doc.links.is_empty() {
        return None;
    }
    let title = doc.title.as_deref().unwrap_or("").trim();
    let shown = if TITLE.is_match(title) {
        format!("title \"{}\"", crate::engine::context::truncate(title, 80))
    } else if resp.text().contains("[To Parent Directory]") {
        "IIS listing (\"[To Parent Directory]\")".to_string()
    } else {
        return None;
    };
    let base = page.url().path();
    let mut entries: Vec<String> = Vec::new();
    for link in &doc.links {
        let path = link.path();
        if path.len() > base.len() && path.starts_with(base) {
            let name = path[base.len()..].to_string();
            if !entries.contains(&name) && entries.len() < 8 {
                entries.push(name);
            }
        }
    }
    let listed = if entries.is_empty() {
        String::new()
    } else {
        format!("; entries: {}", entries.join(", "))
    };
    Some(format!("{shown}{listed}"))
}

/// Directory levels counted under the root of each URL.
const MAX_DEPTH: usize = 8;

/// The directories above the same-origin URLs the crawl found, most used first, skipping those already crawled.
fn asset_dirs(origin: &Url, urls: &[&Url], crawled: &[String]) -> Vec<Url> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for url in urls.iter().filter(|u| same_origin(u, origin)) {
        let path = url.path();
        // The directories nearest the root: a path of ten thousand slashes is not ten thousand directories.
        let ends = path.match_indices('/').skip(1).take(MAX_DEPTH);
        for (end, _) in ends {
            *counts.entry(path[..=end].to_string()).or_default() += 1;
        }
    }
    let mut dirs: Vec<(String, usize)> = counts.into_iter().collect();
    dirs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    dirs.into_iter()
        .filter_map(|(path, _)| origin.join(&path).ok())
        .filter(|u| crawlable(u) && !crawled.contains(&url_location(u)))
        .take(MAX_DIRS)
        .collect()
}

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    let origin = ctx.origin().await;
    let crawl = ctx.crawl().await?;
    let mut crawled: Vec<String> = Vec::new();
    for page in &crawl.pages {
        crawled.push(url_location(page.url()));
        if let Some(evidence) = listing(page) {
            report(ctx, page.url(), &evidence).await;
        }
    }
    let mut urls: Vec<&Url> = Vec::new();
    urls.extend(
        crawl
            .scripts
            .iter()
            .chain(&crawl.stylesheets)
            .map(|p| p.url()),
    );
    for doc in crawl.pages.iter().filter_map(|p| p.html.as_ref()) {
        urls.extend(doc.scripts.iter().filter_map(|s| s.src.as_ref()));
        urls.extend(doc.stylesheets.iter().map(|s| &s.href));
        urls.extend(doc.subresources.iter().map(|s| &s.url));
        urls.extend(doc.links.iter());
    }
    let mut dirs = asset_dirs(&origin, &urls, &crawled);
    // Deep scans also ask for folders nothing links to; a site answering every path alike must not list them all.
    let nf = match ctx.profile() >= Profile::Deep {
        true => Some(ctx.not_found().await?),
        false => None,
    };
    if nf.is_some() {
        let common = common_dirs(&origin, &crawled, &dirs);
        dirs.extend(common);
    }
    let pages = futures::future::join_all(dirs.iter().map(|d| ctx.page(d))).await;
    let mut failures = Failures::new("directory requests");
    for (dir, page) in dirs.iter().zip(pages) {
        let Some(page) = failures.count(page)? else {
            continue;
        };
        let catch_all = nf
            .as_ref()
            .is_some_and(|nf| is_catch_all(nf, page.resp(), dir.path()));
        if page.fetched.hops.is_empty()
            && !catch_all
            && let Some(evidence) = listing(&page)
        {
            report(ctx, dir, &evidence).await;
        }
    }
    failures.result()
}

/// The [`COMMON_DIRS`] of the site not crawled or asked for already.
fn common_dirs(origin: &Url, crawled: &[String], asked: &[Url]) -> Vec<Url> {
    COMMON_DIRS
        .iter()
        .filter_map(|path| origin.join(path).ok())
        .filter(|u| !crawled.contains(&url_location(u)) && !asked.contains(u))
        .collect()
}

async fn report(ctx: &CheckCtx, url: &Url, evidence: &str) {
    let draft = ctx
        .finding(&LISTING, url_location(url))
        .title(format!("Directory listing at {}", url.path()))
        .evidence(evidence);
    ctx.report(draft).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_of_assets_are_ranked_and_bounded() {
        let origin = Url::parse("https://s.test/").unwrap();
        let urls: Vec<Url> = [
            "https://s.test/static/js/a.js",
            "https://s.test/static/js/b.js",
            "https://s.test/static/css/s.css",
            "https://s.test/logout/x.png",
            "https://other.test/lib/x.js",
            "https://s.test/top.js",
        ]
        .iter()
        .map(|u| Url::parse(u).unwrap())
        .collect();
        let refs: Vec<&Url> = urls.iter().collect();
        let dirs = asset_dirs(&origin, &refs, &["https://s.test/static/css/".into()]);
        let paths: Vec<&str> = dirs.iter().map(Url::path).collect();
        assert_eq!(paths, vec!["/static/", "/static/js/"]);
    }

    #[test]
    fn common_folders_skip_those_crawled_or_asked_already() {
        let origin = Url::parse("https://s.test/").unwrap();
        let asked = vec![origin.join("/static/").unwrap()];
        let dirs = common_dirs(&origin, &["https://s.test/uploads/".into()], &asked);
        let paths: Vec<&str> = dirs.iter().map(Url::path).collect();
        assert_eq!(paths.len(), COMMON_DIRS.len() - 2);
        assert!(!paths.contains(&"/uploads/") && !paths.contains(&"/static/"));
        assert!(paths.contains(&"/backups/"));
        assert!(
            COMMON_DIRS
                .iter()
                .all(|d| d.starts_with('/') && d.ends_with('/'))
        );
    }
}
