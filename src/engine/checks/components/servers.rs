//! Server software and CMSs: `Server` and `X-Powered-By` banners (nginx, Apache httpd, IIS, PHP, OpenSSL), the
//! generator tag and `X-Generator` (WordPress, Drupal, Joomla), WordPress core asset versions (`?ver=` on
//! wp-includes files), Drupal core asset versions (`?v=` on core/misc files), and Tomcat's error pages. All read
//! from what the scan already fetched (the crawl and the not-found probe).

use super::report::{Rules, Sighting, report};
use super::{EOL_SERVER, VULNERABLE_SERVER};
use crate::advisories::{Scheme, Version};
use crate::engine::context::CheckCtx;
use crate::engine::registry::CheckResult;
use crate::engine::site::Page;
use crate::model::Confidence;
use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

const RULES: Rules = Rules {
    vulnerable: &VULNERABLE_SERVER,
    eol: &EOL_SERVER,
};

/// Words in a banner that mark a distribution build, whose fixes are backported without a version change.
const DISTROS: &[&str] = &[
    "ubuntu", "debian", "deb", "centos", "red hat", "rhel", "el7", "el8", "el9", "fedora", "suse",
    "amazon", "fips", "alpine",
];

const BACKPORTS: &str = "The version comes from a distribution build (its banner says so): distributions backport \
    security fixes without changing the version, so check the package's changelog for the CVEs listed before \
    concluding it is vulnerable.";

/// A component seen, before matching: name, version text, where it was seen, evidence, confidence, distro build.
struct Seen {
    component: &'static str,
    version: String,
    evidence: String,
    confidence: Confidence,
    distro: bool,
}

pub(super) async fn run(ctx: &CheckCtx) -> CheckResult {
    let start = ctx.start_page().await?;
    let crawl = ctx.crawl().await?;
    let origin = ctx.origin().await;
    let mut pages: Vec<&Arc<Page>> = vec![&start];
    pages.extend(
        crawl
            .pages
            .iter()
            .chain(&crawl.scripts)
            .chain(&crawl.stylesheets),
    );
    let mut seen: Vec<Seen> = Vec::new();
    for page in &pages {
        banners(page, &mut seen);
    }
    for page in crawl.pages.iter().chain([&start]) {
        generator(page, &mut seen);
    }
    for (component, version, evidence) in super::assets::versions(&crawl.pages) {
        seen.push(Seen {
            component,
            version,
            evidence,
            confidence: Confidence::Medium,
            distro: false,
        });
    }
    error_pages(ctx, &pages, &mut seen).await;
    let mut best: BTreeMap<&str, Seen> = BTreeMap::new();
    for s in seen {
        match best.get(s.component) {
            Some(b) if b.confidence >= s.confidence => {}
            _ => {
                best.insert(s.component, s);
            }
        }
    }
    let base = super::libraries::location(&origin);
    for s in best.into_values() {
        let Some(sighting) = sighting(&base, s, ctx) else {
            continue;
        };
        report(ctx, &sighting, &RULES).await;
    }
    Ok(())
}

/// Numbers a version needs to be matched against advisories; fewer make it a prefix (end-of-life rules only).
fn precision(component: &str) -> usize {
    match component {
        "iis" | "wordpress" | "drupal" => 2,
        _ => 3,
    }
}

fn sighting(base: &str, s: Seen, ctx: &CheckCtx) -> Option<Sighting> {
    let scheme = ctx
        .scan
        .advisories
        .component(s.component)
        .map_or(Scheme::Semver, |c| c.scheme);
    let version = Version::parse_as(&s.version, scheme)?;
    let display = ctx.scan.advisories.component(s.component)?.display.clone();
    let partial = s.version.split('.').count() < precision(s.component);
    Some(Sighting {
        component: s.component.to_string(),
        version,
        partial,
        location: format!("{base} ({display})"),
        evidence: vec![s.evidence],
        confidence: if s.distro {
            Confidence::Low
        } else {
            s.confidence
        },
        caution: s.distro.then(|| BACKPORTS.to_string()),
    })
}

/// `product/version` tokens of the `Server` and `X-Powered-By` headers.
fn banners(page: &Page, seen: &mut Vec<Seen>) {
    static TOKEN: LazyLock<regex::Regex> = LazyLock::new(|| {
        crate::engine::pattern::compile(
            r"(?i)\b(nginx|openresty|apache|microsoft-iis|php|openssl)/(\d+(?:\.\d+)*[a-z]*)([^\s,;]*)",
        )
    });
    for header in ["server", "x-powered-by"] {
        for value in page.resp().header_all(header) {
            let lower = value.to_ascii_lowercase();
            let distro_word = DISTROS.iter().any(|d| lower.contains(d));
            for caps in TOKEN.captures_iter(&value) {
                let product = caps[1].to_ascii_lowercase();
                let mut version = caps[2].to_string();
                let component = match product.as_str() {
                    "nginx" => "nginx",
                    "openresty" => {
                        // OpenResty 1.19.3.1 is nginx 1.19.3 with modules.
                        version = version.split('.').take(3).collect::<Vec<_>>().join(".");
                        "nginx"
                    }
                    "apache" => "apache-httpd",
                    "microsoft-iis" => "iis",
                    "php" => "php",
                    _ => "openssl",
                };
                if component != "openssl" {
                    version = version
                        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
                        .to_string();
                }
                let suffix = caps.get(3).map_or("", |m| m.as_str());
                seen.push(Seen {
                    component,
                    version,
                    evidence: format!(
                        "{}: {} on {}",
                        header_name(header),
                        value.trim(),
                        page.url()
                    ),
                    confidence: Confidence::Medium,
                    distro: distro_word || !suffix.is_empty(),
                });
            }
        }
    }
}

fn header_name(h: &str) -> &'static str {
    if h == "server" {
        "Server"
    } else {
        "X-Powered-By"
    }
}

/// `<meta name=generator>` and `X-Generator`: `WordPress 5.8`, `Drupal 9 (https://www.drupal.org)`.
fn generator(page: &Page, seen: &mut Vec<Seen>) {
    static GEN: LazyLock<regex::Regex> = LazyLock::new(|| {
        crate::engine::pattern::compile(r"(?i)^\s*(wordpress|drupal|joomla!?)\s+(\d+(?:\.\d+)*)")
    });
    let meta = page
        .html
        .as_ref()
        .and_then(|d| d.meta_named("generator"))
        .map(|g| {
            (
                g.to_string(),
                format!(
                    "<meta name=\"generator\" content=\"{g}\"> on {}",
                    page.url()
                ),
            )
        });
    let header = page
        .resp()
        .header("x-generator")
        .map(|g| (g.clone(), format!("X-Generator: {g} on {}", page.url())));
    for (value, evidence) in meta.into_iter().chain(header) {
        let Some(caps) = GEN.captures(&value) else {
            continue;
        };
        let component = match caps[1].to_ascii_lowercase().trim_end_matches('!') {
            "wordpress" => "wordpress",
            "drupal" => "drupal",
            _ => "joomla",
        };
        seen.push(Seen {
            component,
            version: caps[2].to_string(),
            evidence,
            confidence: Confidence::High,
            distro: false,
        });
    }
}

/// Tomcat names its version on its default error pages (`Apache Tomcat/9.0.31`).
async fn error_pages(ctx: &CheckCtx, pages: &[&Arc<Page>], seen: &mut Vec<Seen>) {
    static TOMCAT: LazyLock<regex::Regex> = LazyLock::new(|| {
        crate::engine::pattern::compile(r"Apache Tomcat/(\d+\.\d+\.\d+(?:[.-]M\d+)?)")
    });
    let mut bodies: Vec<(String, String)> = pages
        .iter()
        .filter(|p| p.resp().status >= 400)
        .map(|p| (p.resp().text().into_owned(), p.url().to_string()))
        .collect();
    if let Ok(nf) = ctx.not_found().await {
        bodies.push((
            nf.body().to_string(),
            format!("the not-found page ({})", nf.probe_path),
        ));
    }
    for (body, place) in bodies {
        if let Some(caps) = TOMCAT.captures(&body) {
            seen.push(Seen {
                component: "tomcat",
                version: caps[1].to_string(),
                evidence: format!("error page {place} says `{}`", &caps[0]),
                confidence: Confidence::High,
                distro: false,
            });
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn banner(value: &str) -> Vec<(String, String, bool)> {
        let mut resp = crate::engine::net::HttpResponse::sample(200, "");
        resp.headers.insert("server", value.parse().unwrap());
        let page = Page {
            fetched: crate::engine::context::Fetched { resp, hops: vec![] },
            html: None,
        };
        let mut seen = Vec::new();
        banners(&page, &mut seen);
        seen.into_iter()
            .map(|s| (s.component.to_string(), s.version, s.distro))
            .collect()
    }

    #[test]
    fn banners_name_each_product_and_mark_distribution_builds() {
        assert_eq!(
            banner("nginx/1.18.0"),
            vec![("nginx".into(), "1.18.0".into(), false)]
        );
        assert_eq!(
            banner("Apache/2.4.41 (Unix) OpenSSL/1.0.2k-fips PHP/7.4.3"),
            vec![
                ("apache-httpd".into(), "2.4.41".into(), true),
                ("openssl".into(), "1.0.2k".into(), true),
                ("php".into(), "7.4.3".into(), true),
            ]
        );
        assert_eq!(
            banner("openresty/1.19.3.1"),
            vec![("nginx".into(), "1.19.3".into(), false)]
        );
        assert_eq!(
            banner("Microsoft-IIS/10.0"),
            vec![("iis".into(), "10.0".into(), false)]
        );
        assert!(banner("nginx").is_empty());
        assert!(banner("Apache-Coyote/1.1").is_empty());
        assert!(banner("cloudflare").is_empty());
    }
}
