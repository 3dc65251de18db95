//! Library versions named by the source maps of crawled scripts: the paths a bundler keeps in a map's `sources` name
//! each bundled package with its exact version when the package manager puts it in the folder name (pnpm's
//! `node_modules/.pnpm/jquery@3.4.1/`, Yarn's `.yarn/cache/jquery-npm-3.4.1-<hash>.zip`) or the code came from a CDN
//! (`https://cdn.example/npm/jquery@3.4.1/`), whatever the minifier left in the code.

use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

/// Source paths read from one map, at most (a large app's map lists thousands).
const MAX_SOURCES: usize = 5_000;

static SOURCES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#""sources"\s*:\s*\["#).unwrap());
static STRING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""((?:[^"\\]|\\.){0,2048})""#).unwrap());
/// Where a path names a package and its version, group 1 the name and 2 the version: pnpm
/// (`.pnpm/<name>@<version>[_peers|(peers)]/node_modules/`, a scope written `@scope+name`), Yarn 2+
/// (`.yarn/cache/<name>-npm-<version>-<10 hex>-<hex>.zip`, `.yarn/unplugged/<name>-npm-<version>-<10 hex>/`), a CDN URL (`https://host/[npm/]<name>@<version>/`).
static PACKAGE_PATHS: LazyLock<[Regex; 3]> = LazyLock::new(|| {
    [
        r"\.pnpm/((?:@[a-z0-9][\w.\-]*\+)?[a-z0-9][\w.\-]*)@([0-9][0-9A-Za-z.\-]*)(?:[_(][^/]*)?/node_modules/",
        r"\.yarn/(?:[^/]+/)*?([a-z0-9][\w.\-]*?)-npm-([0-9][0-9A-Za-z.]*(?:-[a-z][0-9A-Za-z.]*)?)-[0-9a-f]{10}(?:-[0-9a-f]+\.zip|/)",
        r"https?://[^/\s]+/(?:npm/)?((?:@[a-z0-9][\w.\-]*/)?[a-z0-9][\w.\-]*)@([0-9][0-9A-Za-z.\-]*)/",
    ]
    .map(|p| Regex::new(p).unwrap())
});

/// The `(npm package, version)` pairs the `sources` of a source map name, the first version of each package only.
pub(super) fn packages(map: &str) -> Vec<(String, String)> {
    let Some(start) = SOURCES.find(map) else {
        return Vec::new();
    };
    let rest = &map[start.end()..];
    // A path holding `]` ends the list early: no package path does.
    let list = &rest[..rest.find(']').unwrap_or(rest.len())];
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for path in STRING.captures_iter(list).take(MAX_SOURCES) {
        let path = &path[1];
        let Some(c) = PACKAGE_PATHS.iter().find_map(|re| re.captures(path)) else {
            continue;
        };
        let name = c[1].replace('+', "/");
        if seen.insert(name.clone()) {
            out.push((name, c[2].to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_managers_and_cdns_name_versions_in_sources() {
        let map = r#"{"version":3,"file":"app.js","sources":[
            "webpack://shop/./node_modules/.pnpm/select2@4.0.5/node_modules/select2/dist/js/select2.js",
            "webpack://shop/./node_modules/.pnpm/select2@4.0.5/node_modules/select2/src/js/jquery.select2.js",
            "webpack://shop/./node_modules/.pnpm/bootstrap@4.0.0_jquery@3.4.1_popper.js@1.16.1/node_modules/bootstrap/dist/js/bootstrap.js",
            "webpack://shop/./node_modules/.pnpm/@popperjs+core@2.11.8/node_modules/@popperjs/core/lib/index.js",
            "webpack://shop/./.yarn/cache/jquery-ui-npm-1.13.2-af1c2a3b5d-0a1b2c3d4e.zip/node_modules/jquery-ui/ui/core.js",
            "https://cdn.jsdelivr.net/npm/handlebars@4.5.3/dist/handlebars.js",
            "webpack://shop/./node_modules/lodash/lodash.js",
            "webpack://shop/./src/app.js"
        ],"mappings":"AAAA"}"#;
        let pair = |n: &str, v: &str| (n.to_string(), v.to_string());
        assert_eq!(
            packages(map),
            vec![
                pair("select2", "4.0.5"),
                pair("bootstrap", "4.0.0"),
                pair("@popperjs/core", "2.11.8"),
                pair("jquery-ui", "1.13.2"),
                pair("handlebars", "4.5.3"),
            ],
            "a peer in pnpm's folder name (jquery@3.4.1 beside bootstrap) is not a package of its own"
        );
        assert!(packages(r#"{"version":3,"mappings":"AAAA"}"#).is_empty());
    }
}
