//! What a target is built with, read from what the scan already fetched (no request of its own): server and
//! framework banners, cookie names, hosting headers and page markers, each with how surely it names the technology
//! (banners and product headers are strong, page markers medium, cookie names weak); and the origins its pages load
//! content from. The fix file uses both to write fixes for the stack the site runs and a Content-Security-Policy
//! that fits it.

use super::context::HostCtx;
use super::html::HtmlDoc;
use super::net::HttpResponse;
use crate::model::{ContentSources, Signal, SiteProfile, TechKind, Technology};
use std::collections::BTreeSet;
use url::Url;

/// The profile of a target from its cached pages (the crawl when one was made, else the start page) and the
/// certificate its TLS check read; `None` when there was neither.
pub fn profile(host: &HostCtx) -> Option<SiteProfile> {
    let certificate = host.certificate();
    let pages = match host.crawled() {
        Some(crawl) => crawl.pages.clone(),
        None => match host.cached_page(host.target.url()) {
            Some(Ok(page)) => vec![page],
            _ => Vec::new(),
        },
    };
    let Some(start) = pages.first() else {
        return certificate.map(|certificate| SiteProfile {
            certificate: Some(certificate),
            ..SiteProfile::default()
        });
    };
    let mut seen = Seen::default();
    from_headers(start.resp(), &mut seen);
    for page in &pages {
        from_cookies(page.resp(), &mut seen);
        if let Some(doc) = &page.html {
            from_page(doc, &mut seen);
        }
    }
    let origin = origin_of(start.url());
    let docs: Vec<&HtmlDoc> = pages.iter().filter_map(|p| p.html.as_ref()).collect();
    Some(SiteProfile {
        stack: seen.into_stack(),
        sources: sources(&docs, &origin),
        certificate,
    })
}

#[derive(Default)]
struct Seen(Vec<Technology>);

impl Seen {
    /// Records a technology; seen again, it keeps the first version and the strongest signal with its evidence.
    fn add(&mut self, name: &str, kind: TechKind, version: Option<String>, by: (Signal, String)) {
        let (signal, evidence) = by;
        let evidence = crate::engine::context::truncate(&evidence, 120);
        match self.0.iter_mut().find(|t| t.name == name) {
            Some(t) => {
                if t.version.is_none() {
                    t.version = version;
                }
                if signal > t.signal {
                    t.signal = signal;
                    t.evidence = evidence;
                }
            }
            None => self.0.push(Technology {
                name: name.to_string(),
                kind,
                version,
                evidence,
                signal,
            }),
        }
    }

    /// Outermost layer first (hosting, server, framework, language, CMS), in the order seen within a layer.
    fn into_stack(mut self) -> Vec<Technology> {
        self.0.sort_by_key(|t| t.kind);
        self.0
    }
}

/// `Server` and `X-Powered-By` products: (token prefix, name, kind).
const PRODUCTS: &[(&str, &str, TechKind)] = &[
    ("nginx", "nginx", TechKind::Server),
    ("openresty", "nginx", TechKind::Server),
    ("apache", "apache", TechKind::Server),
    ("caddy", "caddy", TechKind::Server),
    ("microsoft-iis", "iis", TechKind::Server),
    ("litespeed", "litespeed", TechKind::Server),
    ("cloudflare", "cloudflare", TechKind::Hosting),
    ("vercel", "vercel", TechKind::Hosting),
    ("netlify", "netlify", TechKind::Hosting),
    ("github.com", "github-pages", TechKind::Hosting),
    ("express", "express", TechKind::Framework),
    ("next.js", "nextjs", TechKind::Framework),
    ("asp.net", "aspnet", TechKind::Framework),
    ("kestrel", "aspnet", TechKind::Framework),
    ("php", "php", TechKind::Language),
    ("wordpress", "wordpress", TechKind::Cms),
];

/// Headers whose mere presence names a layer: product headers are strong; `X-Runtime` is Rack's, which Rails
/// and other Ruby frameworks send, so medium.
const MARKER_HEADERS: &[(&str, &str, TechKind, Signal)] = &[
    ("cf-ray", "cloudflare", TechKind::Hosting, Signal::Strong),
    ("x-vercel-id", "vercel", TechKind::Hosting, Signal::Strong),
    (
        "x-nf-request-id",
        "netlify",
        TechKind::Hosting,
        Signal::Strong,
    ),
    (
        "x-nextjs-cache",
        "nextjs",
        TechKind::Framework,
        Signal::Strong,
    ),
    (
        "x-nextjs-prerender",
        "nextjs",
        TechKind::Framework,
        Signal::Strong,
    ),
    (
        "x-aspnet-version",
        "aspnet",
        TechKind::Framework,
        Signal::Strong,
    ),
    (
        "x-aspnetmvc-version",
        "aspnet",
        TechKind::Framework,
        Signal::Strong,
    ),
    ("x-runtime", "rails", TechKind::Framework, Signal::Medium),
    ("x-drupal-cache", "drupal", TechKind::Cms, Signal::Strong),
];

/// Cookie names (exact, or prefix when ending in `*`) that name a framework.
const COOKIES: &[(&str, &str, TechKind)] = &[
    ("connect.sid", "express", TechKind::Framework),
    ("csrftoken", "django", TechKind::Framework),
    ("sessionid", "django", TechKind::Framework),
    ("django_language", "django", TechKind::Framework),
    ("laravel_session", "laravel", TechKind::Framework),
    ("_session_id", "rails", TechKind::Framework),
    ("asp.net_sessionid", "aspnet", TechKind::Framework),
    (".aspnetcore.*", "aspnet", TechKind::Framework),
    ("phpsessid", "php", TechKind::Language),
    ("jsessionid", "java", TechKind::Language),
    ("__cf_bm", "cloudflare", TechKind::Hosting),
    ("wordpress_*", "wordpress", TechKind::Cms),
    ("wp-settings-*", "wordpress", TechKind::Cms),
];

fn from_headers(resp: &HttpResponse, seen: &mut Seen) {
    for header in ["server", "x-powered-by"] {
        for value in resp.header_all(header) {
            for token in value.split([' ', ',']).filter(|t| !t.is_empty()) {
                let lower = token.to_ascii_lowercase();
                if let Some((_, name, kind)) = PRODUCTS.iter().find(|(p, ..)| lower.starts_with(p))
                {
                    let version = token
                        .split_once('/')
                        .map(|(_, v)| {
                            v.trim_matches(|c: char| !c.is_ascii_alphanumeric())
                                .to_string()
                        })
                        .filter(|v| v.starts_with(|c: char| c.is_ascii_digit()));
                    let by = (Signal::Strong, format!("{header}: {value}"));
                    seen.add(name, *kind, version, by);
                }
            }
        }
    }
    if let Some(v) = resp.header("x-aspnet-version") {
        seen.add(
            "aspnet",
            TechKind::Framework,
            Some(v.clone()),
            (Signal::Strong, format!("x-aspnet-version: {v}")),
        );
    }
    for (header, name, kind, signal) in MARKER_HEADERS {
        if let Some(v) = resp.header(header) {
            seen.add(name, *kind, None, (*signal, format!("{header}: {v}")));
        }
    }
}

fn from_cookies(resp: &HttpResponse, seen: &mut Seen) {
    for cookie in resp.header_all("set-cookie") {
        let name = cookie
            .split('=')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let rails_session = name.starts_with('_') && name.ends_with("_session");
        let known = COOKIES
            .iter()
            .find(|(pattern, ..)| match pattern.strip_suffix('*') {
                Some(prefix) => name.starts_with(prefix),
                None => name == *pattern,
            });
        match known {
            Some((_, tech, kind)) => seen.add(tech, *kind, None, weak(&name)),
            None if rails_session => seen.add("rails", TechKind::Framework, None, weak(&name)),
            None => {}
        }
    }
}

/// A cookie name: anyone can pick it, so it is a weak signal.
fn weak(cookie: &str) -> (Signal, String) {
    (Signal::Weak, format!("cookie {cookie}"))
}

/// Page markers (generator tags, asset paths, page data) show what made the page: medium.
fn page_marker(evidence: impl Into<String>) -> (Signal, String) {
    (Signal::Medium, evidence.into())
}

fn from_page(doc: &HtmlDoc, seen: &mut Seen) {
    if let Some(generator) = doc.meta_named("generator") {
        let lower = generator.to_ascii_lowercase();
        for (marker, name) in [
            ("wordpress", "wordpress"),
            ("drupal", "drupal"),
            ("joomla", "joomla"),
        ] {
            if lower.starts_with(marker) {
                let version = generator.split_whitespace().nth(1).map(str::to_string);
                seen.add(
                    name,
                    TechKind::Cms,
                    version,
                    page_marker(format!("<meta name=generator content=\"{generator}\">")),
                );
            }
        }
    }
    if doc.meta_named("csrf-param") == Some("authenticity_token") {
        seen.add(
            "rails",
            TechKind::Framework,
            None,
            page_marker("<meta name=csrf-param content=authenticity_token>"),
        );
    }
    let srcs = doc
        .scripts
        .iter()
        .filter_map(|s| s.src.as_ref())
        .map(Url::path);
    for path in srcs.chain(doc.stylesheets.iter().map(|s| s.href.path())) {
        if path.starts_with("/_next/") {
            let by = page_marker(format!("asset {path}"));
            seen.add("nextjs", TechKind::Framework, None, by);
        } else if path.starts_with("/wp-content/") || path.starts_with("/wp-includes/") {
            let by = page_marker(format!("asset {path}"));
            seen.add("wordpress", TechKind::Cms, None, by);
        }
    }
    if doc
        .inline_scripts
        .iter()
        .any(|s| s.contains("__NEXT_DATA__") || s.contains("self.__next_f"))
    {
        seen.add(
            "nextjs",
            TechKind::Framework,
            None,
            page_marker("inline script __NEXT_DATA__"),
        );
    }
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// The cross-origin sources of each kind the pages use (same-origin ones are `'self'` in a policy).
fn sources(docs: &[&HtmlDoc], origin: &str) -> ContentSources {
    let mut s = ContentSources {
        pages: docs.len() as u32,
        ..ContentSources::default()
    };
    let mut sets: [BTreeSet<String>; 6] = Default::default();
    let mut add = |set: usize, url: &Url| {
        let o = origin_of(url);
        if o != origin && o != "null" {
            sets[set].insert(o);
        }
    };
    for doc in docs {
        doc.scripts
            .iter()
            .filter_map(|x| x.src.as_ref())
            .for_each(|u| add(0, u));
        doc.stylesheets.iter().for_each(|x| add(1, &x.href));
        for r in &doc.subresources {
            let set = match r.tag.as_str() {
                "img" => 2,
                "audio" | "video" | "source" => 3,
                "iframe" => 4,
                _ => continue,
            };
            add(set, &r.url);
        }
        doc.forms.iter().for_each(|f| add(5, &f.action));
        s.inline_scripts |= !doc.inline_scripts.is_empty();
        s.inline_handlers |= doc.inline_handlers;
        s.inline_styles |= doc.inline_styles;
    }
    let [script, style, img, media, frame, form_action] = sets.map(|set| set.into_iter().collect());
    s.script = script;
    s.style = style;
    s.img = img;
    s.media = media;
    s.frame = frame;
    s.form_action = form_action;
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(headers: &[(&str, &str)]) -> HttpResponse {
        let mut r = HttpResponse::sample(200, "");
        for (k, v) in headers {
            r.headers.append(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        r
    }

    fn names(seen: Seen) -> Vec<(String, Option<String>)> {
        seen.into_stack()
            .into_iter()
            .map(|t| (t.name, t.version))
            .collect()
    }

    #[test]
    fn banners_and_markers_name_the_layers_outermost_first() {
        let mut seen = Seen::default();
        from_headers(
            &resp(&[
                ("server", "nginx/1.22.1"),
                ("x-powered-by", "PHP/8.1.2"),
                ("cf-ray", "8a1b-AMS"),
            ]),
            &mut seen,
        );
        assert_eq!(
            names(seen),
            vec![
                ("cloudflare".into(), None),
                ("nginx".into(), Some("1.22.1".into())),
                ("php".into(), Some("8.1.2".into())),
            ]
        );
    }

    #[test]
    fn cookies_name_frameworks() {
        let mut seen = Seen::default();
        from_cookies(
            &resp(&[
                ("set-cookie", "csrftoken=abc; Path=/"),
                ("set-cookie", "_shop_session=xyz; HttpOnly"),
                ("set-cookie", "theme=dark"),
            ]),
            &mut seen,
        );
        let got: Vec<(String, Signal)> = seen
            .into_stack()
            .into_iter()
            .map(|t| (t.name, t.signal))
            .collect();
        assert_eq!(
            got,
            vec![
                ("django".into(), Signal::Weak),
                ("rails".into(), Signal::Weak)
            ]
        );
    }

    #[test]
    fn a_banner_after_a_cookie_makes_the_signal_strong_with_its_evidence() {
        let mut seen = Seen::default();
        from_cookies(&resp(&[("set-cookie", "PHPSESSID=abc")]), &mut seen);
        from_headers(&resp(&[("x-powered-by", "PHP/5.6.40")]), &mut seen);
        from_cookies(&resp(&[("set-cookie", "PHPSESSID=def")]), &mut seen);
        let php = &seen.into_stack()[0];
        assert_eq!(php.signal, Signal::Strong);
        assert_eq!(php.version.as_deref(), Some("5.6.40"));
        assert_eq!(php.evidence, "x-powered-by: PHP/5.6.40");
    }

    #[test]
    fn pages_give_cms_and_next_and_content_sources() {
        let page = Url::parse("https://shop.test/").unwrap();
        let doc = crate::engine::html::parse(
            r#"<meta name="generator" content="WordPress 6.4.2">
            <script src="/_next/static/chunks/main.js"></script>
            <script src="https://cdn.test/lib.js"></script><script>var a=1</script>
            <link rel="stylesheet" href="https://fonts.test/f.css"><img src="https://img.test/a.png">
            <img src="/local.png"><form action="https://pay.test/go"></form>"#,
            &page,
        );
        let mut seen = Seen::default();
        from_page(&doc, &mut seen);
        assert!(seen.0.iter().all(|t| t.signal == Signal::Medium));
        assert_eq!(
            names(seen),
            vec![
                ("nextjs".into(), None),
                ("wordpress".into(), Some("6.4.2".into()))
            ]
        );
        let s = sources(&[&doc], "https://shop.test");
        assert_eq!(s.script, vec!["https://cdn.test"]);
        assert_eq!(s.style, vec!["https://fonts.test"]);
        assert_eq!(s.img, vec!["https://img.test"]);
        assert_eq!(s.form_action, vec!["https://pay.test"]);
        assert!(s.inline_scripts && !s.inline_styles && !s.inline_handlers);
    }
}
