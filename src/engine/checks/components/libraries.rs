//! JavaScript libraries: the crawled scripts' text (banners, version strings), the package paths their source maps
//! list, and the URL of every script the crawled pages load, same-origin or not (a CDN path such as `/jquery@3.4.1/`
//! names the version without fetching).

use super::report::{Rules, Sighting, report};
use super::{EOL_LIBRARY, VULNERABLE_LIBRARY};
use crate::advisories::{Advisories, On, Version};
use crate::engine::checks::disclosure::source_maps::map_url;
use crate::engine::context::CheckCtx;
use crate::engine::pace::Pace;
use crate::engine::registry::CheckResult;
use crate::model::Confidence;
use std::collections::{BTreeMap, HashSet};
use url::Url;

const RULES: Rules = Rules {
    vulnerable: &VULNERABLE_LIBRARY,
    eol: &EOL_LIBRARY,
};

/// Sightings by (component, version text).
type Seen = BTreeMap<(String, String), Sighting>;

/// Source maps read at most: the first ones of the crawled scripts, which the `secrets` and `disclosure` checks read
/// too (the page cache sends each request once).
const MAX_MAPS: usize = 10;

/// A script's source map to read: the script, its map, and the libraries the script's text already showed.
type MapOf = (Url, Url, HashSet<String>);

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    let crawl = ctx.crawl().await?;
    let db = ctx.scan.advisories.clone();
    let mut seen = Seen::new();
    let mut fetched: HashSet<String> = HashSet::new();
    let mut pace = Pace::new();
    let mut maps: Vec<MapOf> = Vec::new();
    for script in &crawl.scripts {
        pace.tick().await;
        let requested = script
            .fetched
            .hops
            .first()
            .map_or_else(|| script.url().clone(), |h| h.url.clone());
        fetched.insert(requested.to_string());
        fetched.insert(script.url().to_string());
        let text = script.resp().text();
        let shown = look(&db, &requested, Some(&text), &mut seen);
        if let Some(map) = map_url(script)
            && maps.len() < MAX_MAPS
            && !maps.iter().any(|(_, m, _)| *m == map)
        {
            maps.push((requested, map, shown));
        }
    }
    source_maps(ctx, &db, &maps, &mut seen).await;
    for page in &crawl.pages {
        let Some(doc) = &page.html else { continue };
        // The same script on many pages is looked at once.
        for src in doc.scripts.iter().filter_map(|s| s.src.as_ref()) {
            if fetched.insert(src.to_string()) {
                pace.tick().await;
                look(&db, src, None, &mut seen);
            }
        }
        for inline in &doc.inline_scripts {
            pace.tick().await;
            inline_script(&db, page.url(), inline, &mut seen);
        }
    }
    for sighting in seen.values() {
        report(ctx, sighting, &RULES).await;
    }
    Ok(())
}

/// A library version worth matching: at least two numbers (`3.4`), so a stray `app-2.js` is not a version.
fn version(text: &str) -> Option<Version> {
    Version::parse(text).filter(|v| v.numbers().len() >= 2)
}

/// Finds the libraries in one script: its text first (when fetched), then its URL for what the text did not show.
/// Returns the libraries its text showed.
fn look(db: &Advisories, url: &Url, text: Option<&str>, seen: &mut Seen) -> HashSet<String> {
    let mut here: BTreeMap<String, (String, String)> = BTreeMap::new();
    if let Some(text) = text {
        for x in db.extractors().iter().filter(|x| x.on == On::Content) {
            if here.contains_key(&x.component) {
                continue;
            }
            if let Some(found) = x.find(text) {
                here.insert(
                    x.component.clone(),
                    (
                        found.version,
                        format!("script {url} contains `{}`", found.matched),
                    ),
                );
            }
        }
    }
    let file = url
        .path_segments()
        .and_then(|mut s| s.next_back())
        .unwrap_or("");
    for x in db.extractors() {
        if here.contains_key(&x.component) {
            continue;
        }
        let found = match x.on {
            On::Url => x.find(url.as_str()),
            On::Filename => x.find(file),
            On::Content => None,
        };
        if let Some(found) = found {
            let how = if text.is_some() {
                "script"
            } else {
                "script (not fetched, named by its URL)"
            };
            here.insert(x.component.clone(), (found.version, format!("{how} {url}")));
        }
    }
    let shown = here.keys().cloned().collect();
    for (component, (v, evidence)) in here {
        let place = place(db, url, &component);
        add(seen, component, &v, place, evidence);
    }
    shown
}

/// The package versions the scripts' source maps list, for the libraries their text did not show (the code that
/// runs wins over a map that may be stale).
async fn source_maps(ctx: &CheckCtx, db: &Advisories, maps: &[MapOf], seen: &mut Seen) {
    let pages = futures::future::join_all(maps.iter().map(|(_, map, _)| ctx.page(map))).await;
    for ((script, map, shown), page) in maps.iter().zip(pages) {
        let Ok(page) = page else { continue };
        if page.resp().status != 200 {
            continue;
        }
        for (name, version) in super::maps::packages(&page.resp().text()) {
            let Some(c) = db.component_of("npm", &name) else {
                continue;
            };
            if shown.contains(&c.name) {
                continue;
            }
            let evidence = format!("source map {map} of script {script} lists {name}@{version}");
            add(
                seen,
                c.name.clone(),
                &version,
                place(db, script, &c.name),
                evidence,
            );
        }
    }
}

fn inline_script(db: &Advisories, page: &Url, text: &str, seen: &mut Seen) {
    let mut done: HashSet<&str> = HashSet::new();
    for x in db.extractors().iter().filter(|x| x.on == On::Content) {
        if done.contains(x.component.as_str()) {
            continue;
        }
        if let Some(found) = x.find(text) {
            done.insert(&x.component);
            let evidence = format!("inline script on {page} contains `{}`", found.matched);
            let place = place(db, page, &x.component);
            add(seen, x.component.clone(), &found.version, place, evidence);
        }
    }
}

/// Places kept as evidence of one library version (the finding shows the first two).
const MAX_EVIDENCE: usize = 8;

fn add(seen: &mut Seen, component: String, v: &str, location: String, evidence: String) {
    let Some(version) = version(v) else { return };
    let key = (component.clone(), version.to_string());
    let entry = seen.entry(key).or_insert_with(|| Sighting {
        component,
        version,
        partial: false,
        location: location.clone(),
        evidence: Vec::new(),
        confidence: Confidence::High,
        caution: None,
    });
    // The same version in several places is one finding, at the first location in URL order (stable across
    // scans), with the others in its evidence.
    // Only the first few places are shown: a site loading one library from thousands of URLs keeps a few.
    if location < entry.location {
        entry.location = location;
        entry.evidence.insert(0, evidence);
        entry.evidence.truncate(MAX_EVIDENCE);
    } else if entry.evidence.len() < MAX_EVIDENCE && !entry.evidence.contains(&evidence) {
        entry.evidence.push(evidence);
    }
}

/// Where a library was seen, as a finding location: the URL and the library (`.../vendor.js (lodash)`), so each
/// library of one bundle is a finding of its own.
fn place(db: &Advisories, url: &Url, component: &str) -> String {
    let name = db
        .component(component)
        .map_or(component, |c| c.display.as_str());
    format!("{} ({name})", location(url))
}

/// A URL as a finding location: without query and fragment, which change with every deploy.
pub(super) fn location(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(url: &str, text: Option<&str>) -> Vec<(String, String)> {
        let db = Advisories::bundled();
        let mut seen = Seen::new();
        look(&db, &Url::parse(url).unwrap(), text, &mut seen);
        seen.into_keys().collect()
    }

    fn pair(c: &str, v: &str) -> (String, String) {
        (c.to_string(), v.to_string())
    }

    #[test]
    fn cdn_urls_and_file_names_name_the_library() {
        assert_eq!(
            found("https://code.jquery.com/jquery-1.12.4.min.js", None),
            vec![pair("jquery", "1.12.4")]
        );
        assert_eq!(
            found(
                "https://cdn.jsdelivr.net/npm/lodash@4.17.15/lodash.min.js",
                None
            ),
            vec![pair("lodash", "4.17.15")]
        );
        assert_eq!(
            found(
                "https://ajax.googleapis.com/ajax/libs/angularjs/1.5.8/angular.min.js",
                None
            ),
            vec![pair("angularjs", "1.5.8")]
        );
        assert_eq!(
            found(
                "https://maxcdn.bootstrapcdn.com/bootstrap/3.3.7/js/bootstrap.min.js",
                None
            ),
            vec![pair("bootstrap", "3.3.7")]
        );
        assert_eq!(
            found("https://code.jquery.com/ui/1.12.1/jquery-ui.min.js", None),
            vec![pair("jquery-ui", "1.12.1")]
        );
        assert!(
            found(
                "https://cdn.jsdelivr.net/npm/@angular/core@15.2.0/index.js",
                None
            )
            .is_empty()
        );
        assert!(found("https://s.test/js/jquery.min.js", None).is_empty());
        assert!(found("https://s.test/js/app-2.js", None).is_empty());
    }

    #[test]
    fn banners_in_the_text_win_over_the_file_name() {
        let text =
            "/*! jQuery v3.5.1 | (c) JS Foundation and other contributors | jquery.org/license */";
        assert_eq!(
            found("https://s.test/js/jquery-1.12.4.min.js", Some(text)),
            vec![pair("jquery", "3.5.1")]
        );
    }

    #[test]
    fn a_bundle_names_every_library_it_holds() {
        let bundle = "/*! jQuery v1.12.4 | (c) jQuery Foundation */\n!function(){}();\n\
                      ;(function(){var u,i=\"4.17.15\",o=200,a=\"__lodash_hash_undefined__\"})();\n\
                      /** @license Lodash lodash.com/license | Underscore.js 1.8.3 underscorejs.org/LICENSE */";
        assert_eq!(
            found("https://s.test/static/vendor.js", Some(bundle)),
            vec![pair("jquery", "1.12.4"), pair("lodash", "4.17.15")]
        );
    }
}
