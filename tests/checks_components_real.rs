//! `components.libraries` against the libraries' real published builds: every JavaScript library of the advisory
//! database that npm publishes, several versions each (`tests/npm_libs.txt`), served on loopback as published, again
//! with their banner and license comments removed (the version must then come from the code itself), joined in one
//! bundle the way webpack joins modules (each version must stay with its own library), and named only by their URLs.
//! `scripts/test` unpacks the packages into `target/npm-libs` (or wherever `PALISADE_TEST_NPM_LIBS` points).

mod site;
mod support;

use axum::Router;
use axum::http::Uri;
use palisade::advisories::{Advisories, Kind, On};
use palisade::model::{Finding, Profile};
use site::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use support::*;

/// What a build says once its comments are gone.
#[derive(Debug, Clone, PartialEq)]
enum Bare {
    /// The code states the package's version.
    Same,
    /// The code states another version (`bare=3.0.1`).
    Reads(String),
    /// The code states none (`bare=none`).
    Silent,
}

/// One published file and what a scan must say about it: a row of `tests/npm_libs.txt`.
#[derive(Debug, Clone)]
struct Build {
    /// `name@version` as npm publishes it.
    package: String,
    /// The file inside the package.
    file: String,
    /// The library's name in findings.
    library: String,
    /// An advisory affecting the version (its finding must list it); `None` where none is known.
    cve: Option<String>,
    /// End of life by the database's rules.
    eol: bool,
    bare: Bare,
}

impl Build {
    /// The published version: what follows the package name's last `@`.
    fn version(&self) -> &str {
        self.package.rsplit_once('@').unwrap().1
    }

    /// The version a scan should read: as published, or from the code alone.
    fn shown(&self, stripped: bool) -> Option<&str> {
        match (stripped, &self.bare) {
            (false, _) | (true, Bare::Same) => Some(self.version()),
            (true, Bare::Reads(v)) => Some(v),
            (true, Bare::Silent) => None,
        }
    }

    /// The published file; panics saying how to install it when it is missing.
    fn text(&self, stripped: bool) -> String {
        let path = npm_libs()
            .join(&self.package)
            .join("package")
            .join(&self.file);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "{} is missing ({e}): scripts/test installs the published npm builds, unpacking the packages of \
                 tests/npm_libs.txt into target/npm-libs; run it (or point PALISADE_TEST_NPM_LIBS at such a folder)",
                path.display()
            )
        });
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if stripped {
            without_comments(&text)
        } else {
            text
        }
    }
}

/// Libraries a build really embeds, which a scan rightly reports beside it: (package, library, version).
const EMBEDDED: &[(&str, &str, &str)] = &[("tinymce@6.8.3", "DOMPurify", "3.0.5")];

fn npm_libs() -> PathBuf {
    std::env::var_os("PALISADE_TEST_NPM_LIBS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/npm-libs"))
}

/// Library names in findings, by database name.
fn displays() -> BTreeMap<String, String> {
    Advisories::bundled()
        .components()
        .filter(|c| c.kind == Kind::Library)
        .map(|c| (c.name.clone(), c.display.clone()))
        .collect()
}

/// The rows of `tests/npm_libs.txt` whose library (database name) is one of `libraries`, or all of them.
fn builds(libraries: &[&str]) -> Vec<Build> {
    let displays = displays();
    let rows = include_str!("npm_libs.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
    let mut out = Vec::new();
    for line in rows {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if !libraries.is_empty() && !libraries.contains(&cols[2]) {
            continue;
        }
        let flags = &cols[4..];
        out.push(Build {
            package: cols[0].to_string(),
            file: cols[1].to_string(),
            library: displays
                .get(cols[2])
                .expect("a library of the database")
                .clone(),
            cve: Some(cols[3]).filter(|c| *c != "-").map(str::to_string),
            eol: flags.contains(&"eol"),
            bare: match flags.iter().find_map(|f| f.strip_prefix("bare=")) {
                None => Bare::Same,
                Some("none") => Bare::Silent,
                Some(v) => Bare::Reads(v.to_string()),
            },
        });
    }
    out
}

fn build(package: &str) -> Build {
    builds(&[])
        .into_iter()
        .find(|b| b.package == package)
        .unwrap()
}

/// `text` without its banner and license comments, as a minifier told to drop every comment leaves it: the
/// leading comments, whole-line `//` comments, and `/*! ... */` or `/** @license ... */` blocks anywhere.
fn without_comments(text: &str) -> String {
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        let t = rest.trim_start();
        if let Some(after) = t.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, r)| r);
        } else if t.starts_with("//") {
            rest = t.split_once('\n').map_or("", |(_, r)| r);
        } else {
            rest = t;
            break;
        }
    }
    let lines = regex::Regex::new(r"(?m)^[ \t]*//.*\n?").unwrap();
    let blocks = regex::Regex::new(r"/\*(?:!|\*!|\*\s*@license)[\s\S]*?\*/").unwrap();
    blocks
        .replace_all(&lines.replace_all(rest, ""), "")
        .into_owned()
}

/// A site whose start page loads `scripts` (path, text) from its own origin and `elsewhere` (URLs not served).
fn site_with(scripts: Vec<(String, String)>, elsewhere: &[&str]) -> Router {
    let tags: String = scripts
        .iter()
        .map(|(path, _)| path.as_str())
        .chain(elsewhere.iter().copied())
        .map(|src| format!("<script src=\"{src}\"></script>\n"))
        .collect();
    let page = format!(
        "<!doctype html><html><head><title>Shop</title>\n{tags}</head><body>Shop</body></html>"
    );
    let files: Arc<HashMap<String, String>> = Arc::new(scripts.into_iter().collect());
    Router::new().fallback(move |uri: Uri| {
        let (files, page) = (files.clone(), page.clone());
        async move {
            let (status, kind, body) = match (uri.path(), files.get(uri.path())) {
                ("/", _) => (200, "text/html; charset=utf-8", page),
                (_, Some(text)) => (200, "application/javascript", text.clone()),
                (_, None) => (404, "text/plain", "not found".to_string()),
            };
            let mut resp = http::Response::builder().status(status);
            for (k, v) in HARDENED.iter().filter(|(k, _)| *k != "content-type") {
                resp = resp.header(*k, *v);
            }
            let resp = resp.header("content-type", kind);
            resp.body(axum::body::Body::from(body)).unwrap()
        }
    })
}

/// `(library, version)` of every library finding.
fn named(out: &Outcome) -> BTreeSet<(String, String)> {
    let displays = displays();
    let library = |title: &str| {
        displays
            .values()
            .filter(|d| title.starts_with(&format!("{d} ")))
            .max_by_key(|d| d.len())
            .unwrap_or_else(|| panic!("no library named in {title:?}"))
            .clone()
    };
    out.findings
        .iter()
        .filter(|f| f.check_id.starts_with("components.") && f.check_id.ends_with("-library"))
        .map(|f| {
            let library = library(&f.title);
            let version = f.title[library.len() + 1..].split(' ').next().unwrap();
            (library, version.to_string())
        })
        .collect()
}

fn finding<'a>(out: &'a Outcome, check: &str, library: &str, version: &str) -> Option<&'a Finding> {
    let prefix = format!("{library} {version} ");
    out.findings
        .iter()
        .find(|f| f.check_id == check && f.title.starts_with(&prefix))
}

/// What the database's content patterns read in `text`, tried in the check's order (the first match of each
/// library wins): library name to version.
fn versions_in(text: &str) -> BTreeMap<String, String> {
    let displays = displays();
    let mut found = BTreeMap::new();
    for x in Advisories::bundled()
        .extractors()
        .iter()
        .filter(|x| x.on == On::Content)
    {
        let display = &displays[&x.component];
        if !found.contains_key(display)
            && let Some(v) = x.find(text)
        {
            found.insert(display.clone(), v.version);
        }
    }
    found
}

/// Scripts one scan serves at most. Each script fetch reserves the whole body cap (2 MiB) of the host's 12 MiB page
/// budget before it starts, so past six scripts fetched at once the others are cut to 64 KiB, and a version stated
/// deeper in them is not read.
const PER_SCAN: usize = 6;

/// Scans sites serving `builds` (as published or without comments), a few at a time, each at a numbered path named as
/// published (no version in it), and checks every library finding against them.
async fn scan_builds(builds: &[Build], stripped: bool) {
    for chunk in builds.chunks(PER_SCAN) {
        scan_chunk(chunk, stripped).await;
    }
}

async fn scan_chunk(builds: &[Build], stripped: bool) {
    let variant = if stripped {
        "without comments"
    } else {
        "as published"
    };
    let path = |i: usize, b: &Build| format!("/lib/{i}/{}", b.file.rsplit('/').next().unwrap());
    let scripts = builds
        .iter()
        .enumerate()
        .map(|(i, b)| (path(i, b), b.text(stripped)))
        .collect();
    let out = scan_https(site_with(scripts, &[]), Profile::Standard).await;
    let mut expected = BTreeSet::new();
    for (i, build) in builds.iter().enumerate() {
        let what = format!("{} {} ({variant})", build.package, build.file);
        let Some(version) = build.shown(stripped) else {
            continue;
        };
        let vulnerable = finding(
            &out,
            "components.vulnerable-library",
            &build.library,
            version,
        );
        match (&build.cve, vulnerable) {
            (Some(cve), Some(f)) => {
                assert!(f.cve.contains(cve), "{what}: {cve} not in {:?}", f.cve);
                let url = format!("https://site.test{}", path(i, build));
                let at = f.location.starts_with(&url)
                    || f.evidence.as_deref().unwrap_or("").contains(&url);
                assert!(at, "{what}: reported at {} ({:?})", f.location, f.evidence);
            }
            (Some(cve), None) => panic!(
                "{what}: no {} {version} ({cve}) among {:?}",
                build.library,
                named(&out)
            ),
            (None, Some(f)) => panic!("{what}: no advisory is known, yet {:?}", f.title),
            (None, None) => {}
        }
        let eol = finding(&out, "components.eol-library", &build.library, version);
        assert_eq!(
            eol.is_some(),
            build.eol,
            "{what}: end of life? {:?}",
            named(&out)
        );
        if build.cve.is_some() || build.eol {
            expected.insert((build.library.clone(), version.to_string()));
        }
    }
    for (package, library, version) in EMBEDDED {
        if builds.iter().any(|b| b.package == *package) {
            expected.insert((library.to_string(), version.to_string()));
        }
    }
    assert_eq!(
        named(&out),
        expected,
        "{variant}: findings name exactly the libraries and versions served"
    );
    // Versions no finding shows (current releases) are read too, and no build is read as another library.
    for build in builds {
        let found = versions_in(&build.text(stripped));
        let what = format!("{} {} ({variant})", build.package, build.file);
        assert_eq!(
            found.get(&build.library).map(String::as_str),
            build.shown(stripped),
            "{what}: {found:?}"
        );
        for (library, version) in &found {
            let embedded = EMBEDDED
                .iter()
                .any(|(p, l, v)| *p == build.package && l == library && v == version);
            assert!(
                library == &build.library || embedded,
                "{what} is read as {library} {version} too"
            );
        }
    }
}

#[test]
fn every_library_of_the_database_is_tested_on_real_builds() {
    let tested: BTreeSet<String> = builds(&[]).into_iter().map(|b| b.library).collect();
    let all: BTreeSet<String> = displays().into_values().collect();
    let untested: Vec<&String> = all.difference(&tested).collect();
    assert_eq!(
        untested,
        vec!["Prototype"],
        "npm does not publish Prototype; every other library is tested"
    );
}

#[tokio::test]
async fn jquery_and_its_plugins() {
    let builds = builds(&["jquery", "jquery-ui", "jquery-migrate"]);
    scan_builds(&builds, false).await;
    scan_builds(&builds, true).await;
}

#[tokio::test]
async fn frameworks() {
    let builds = builds(&["angularjs", "vue", "knockout", "dojo"]);
    scan_builds(&builds, false).await;
    scan_builds(&builds, true).await;
}

#[tokio::test]
async fn utility_libraries() {
    let builds = builds(&["lodash", "underscore", "moment"]);
    scan_builds(&builds, false).await;
    scan_builds(&builds, true).await;
}

#[tokio::test]
async fn templating_and_sanitisers() {
    let builds = builds(&["handlebars", "mustache", "dompurify"]);
    scan_builds(&builds, false).await;
    scan_builds(&builds, true).await;
}

#[tokio::test]
async fn ui_kits_and_editors() {
    let builds = builds(&["bootstrap", "select2", "tinymce", "ckeditor"]);
    scan_builds(&builds, false).await;
    scan_builds(&builds, true).await;
}

/// `modules` joined as a webpack production bundle: each module's code a function in one object.
fn webpack_bundle(modules: &[String]) -> String {
    let mut out = String::from("(()=>{var __webpack_modules__={");
    for (i, code) in modules.iter().enumerate() {
        out.push_str(&format!("{}:function(e,t,n){{{code}\n}},", 100 + i));
    }
    out.push_str("};var c={};function n(i){var m=c[i]={exports:{}};return __webpack_modules__[i](m,m.exports,n),m.exports}})();");
    out
}

/// Builds whose code states its version beside a generic name (`VERSION=`, `version=`), without comments, joined
/// two by two and all together with another library's version between them: each version is read for its own
/// library, none for its neighbour, and each library of the bundle is a finding of its own.
#[tokio::test]
async fn a_bundle_of_several_libraries_ties_each_version_to_its_own_library() {
    let picks: Vec<Build> = [
        "lodash@4.17.15",
        "underscore@1.8.3",
        "bootstrap@3.4.1",
        "handlebars@4.5.3",
        "moment@2.19.1",
        "knockout@3.4.2",
        "dompurify@2.0.12",
        "jquery@2.2.4",
        "vue@2.6.14",
        "mustache@2.2.0",
    ]
    .iter()
    .map(|p| build(p))
    .collect();
    let code: Vec<String> = picks.iter().map(|b| b.text(true)).collect();
    let decoy = "var Chart={};Chart.VERSION=\"9.9.9\",Chart.version=\"9.9.9\";".to_string();
    for (pair, libs) in code.windows(2).zip(picks.windows(2)) {
        let found = versions_in(&webpack_bundle(&[
            pair[0].clone(),
            decoy.clone(),
            pair[1].clone(),
        ]));
        let expected: BTreeMap<String, String> = libs
            .iter()
            .map(|b| (b.library.clone(), b.version().to_string()))
            .collect();
        assert_eq!(found, expected);
    }
    let mut modules = code.clone();
    modules.insert(3, decoy);
    let bundle = webpack_bundle(&modules);
    let expected: BTreeSet<(String, String)> = picks
        .iter()
        .map(|b| (b.library.clone(), b.version().to_string()))
        .collect();
    assert_eq!(
        versions_in(&bundle).into_iter().collect::<BTreeSet<_>>(),
        expected
    );

    let url = "https://site.test/static/js/vendors.4f1c2a.js";
    let out = scan_https(
        site_with(vec![("/static/js/vendors.4f1c2a.js".into(), bundle)], &[]),
        Profile::Standard,
    )
    .await;
    for b in &picks {
        let f = finding(
            &out,
            "components.vulnerable-library",
            &b.library,
            b.version(),
        )
        .unwrap_or_else(|| {
            panic!(
                "{} {} not reported: {:?}",
                b.library,
                b.version(),
                named(&out)
            )
        });
        assert_eq!(f.location, format!("{url} ({})", b.library));
        assert!(
            f.cve.contains(b.cve.as_ref().unwrap()),
            "{}: {:?}",
            f.title,
            f.cve
        );
    }
    assert_eq!(named(&out), expected);
}

/// Versions only script URLs name: CDN paths never fetched, a file name whose text says nothing (Select2 without its
/// banner), and WordPress's `?ver=` on its bundled copies (answered 404 here, so only the URL tells).
#[tokio::test]
async fn script_urls_name_versions_the_text_does_not() {
    let served = vec![(
        "/assets/select2-4.0.3.min.js".to_string(),
        build("select2@4.0.3").text(true),
    )];
    let elsewhere = [
        "https://cdnjs.cloudflare.com/ajax/libs/select2/4.0.5/js/select2.min.js",
        "https://cdn.jsdelivr.net/npm/knockout@3.4.2/build/output/knockout-latest.js",
        "/wp-includes/js/jquery/ui/core.min.js?ver=1.13.0",
        "/wp-includes/js/jquery/jquery-migrate.min.js?ver=1.1.1",
        "/wp-includes/js/underscore.min.js?ver=1.8.3",
    ];
    let out = scan_https(site_with(served, &elsewhere), Profile::Standard).await;
    let at = |library: &str, version: &str| {
        finding(&out, "components.vulnerable-library", library, version)
            .unwrap_or_else(|| panic!("{library} {version} not reported: {:?}", named(&out)))
            .clone()
    };
    let local = at("Select2", "4.0.3");
    assert_eq!(
        local.location,
        "https://site.test/assets/select2-4.0.3.min.js (Select2)"
    );
    assert!(local.cve.iter().any(|c| c == "CVE-2016-10744"));
    assert!(
        at("Select2", "4.0.5")
            .evidence
            .unwrap()
            .contains("not fetched")
    );
    at("Knockout", "3.4.2");
    let ui = at("jQuery UI", "1.13.0");
    assert_eq!(
        ui.location,
        "https://site.test/wp-includes/js/jquery/ui/core.min.js (jQuery UI)"
    );
    at("Underscore.js", "1.8.3");
    at("jQuery Migrate", "1.1.1");
    assert_eq!(named(&out).len(), 6, "{:?}", named(&out));
}

/// A bundle whose code states no version for some of its libraries (Select2 without its banner), with a source map
/// listing the packages where pnpm and Yarn keep them: the map names those versions; for a library the code names
/// too, the code that runs wins over the map.
#[tokio::test]
async fn source_maps_name_the_package_versions_a_bundle_holds() {
    let bundle = format!(
        "{}\n{}\n//# sourceMappingURL=app.3e9a.js.map\n",
        build("select2@4.0.5").text(true),
        build("lodash@4.17.15").text(true)
    );
    let map = r#"{"version":3,"file":"app.3e9a.js","sources":[
        "webpack://shop/./node_modules/.pnpm/select2@4.0.5_jquery@3.4.1/node_modules/select2/dist/js/select2.js",
        "webpack://shop/./.yarn/cache/handlebars-npm-4.5.3-be1d2c3a4f-9e8d7c6b5a.zip/node_modules/handlebars/dist/cjs/handlebars.runtime.js",
        "webpack://shop/./node_modules/.pnpm/lodash@4.17.21/node_modules/lodash/lodash.js",
        "webpack://shop/./node_modules/.pnpm/left-pad@1.3.0/node_modules/left-pad/index.js",
        "webpack://shop/./src/app.js"],"mappings":"AAAA"}"#;
    let files = vec![
        ("/static/app.3e9a.js".to_string(), bundle),
        ("/static/app.3e9a.js.map".to_string(), map.to_string()),
    ];
    let site = site_with(files, &[]);
    // Only the script is on the page; the map is found from its comment.
    let site = site.route(
        "/",
        axum::routing::get(|| async {
            let page = "<!doctype html><html><head><title>Shop</title>\
                        <script src=\"/static/app.3e9a.js\"></script></head><body>Shop</body></html>";
            let mut resp = http::Response::builder();
            for (k, v) in HARDENED {
                resp = resp.header(*k, *v);
            }
            resp.body(axum::body::Body::from(page)).unwrap()
        }),
    );
    let out = scan_https(site, Profile::Standard).await;
    let select2 = finding(&out, "components.vulnerable-library", "Select2", "4.0.5")
        .unwrap_or_else(|| panic!("Select2 4.0.5 not reported: {:?}", named(&out)));
    assert_eq!(
        select2.location,
        "https://site.test/static/app.3e9a.js (Select2)"
    );
    let evidence = select2.evidence.as_deref().unwrap();
    assert!(
        evidence.contains("source map https://site.test/static/app.3e9a.js.map")
            && evidence.contains("select2@4.0.5"),
        "{evidence}"
    );
    let expected: BTreeSet<(String, String)> = [
        ("Select2", "4.0.5"),
        ("Handlebars", "4.5.3"),
        ("lodash", "4.17.15"),
    ]
    .iter()
    .map(|(l, v)| (l.to_string(), v.to_string()))
    .collect();
    assert_eq!(
        named(&out),
        expected,
        "lodash's code says 4.17.15: the map's 4.17.21 is not taken"
    );
}
