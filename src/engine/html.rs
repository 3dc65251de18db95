//! Reads what the checks need from an HTML page once (scripts, styles, links, forms, meta, subresources) and drops
//! the DOM, so a crawl's memory is the size of these lists, not of the pages.

use scraper::{Html, Selector};
use std::sync::LazyLock;
use url::Url;

/// A `<meta>` element.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub name: String,
    pub http_equiv: String,
    pub content: String,
}

/// A `<script>` element.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    /// Resolved `src`, or `None` for inline scripts.
    pub src: Option<Url>,
    /// `src` as written (to see `http:` in it even after resolution).
    pub raw_src: Option<String>,
    pub integrity: Option<String>,
}

/// A `<link rel=stylesheet>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Stylesheet {
    pub href: Url,
    pub integrity: Option<String>,
}

/// A `<form>`.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub action: Url,
    pub method: String,
    pub has_password: bool,
}

/// A passive or active subresource (`img`, `iframe`, `audio`, `video`, `source`, `object`, `embed`).
#[derive(Debug, Clone, PartialEq)]
pub struct Subresource {
    pub tag: String,
    pub url: Url,
}

/// What one HTML page holds that the checks read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HtmlDoc {
    pub title: Option<String>,
    pub meta: Vec<Meta>,
    pub scripts: Vec<Script>,
    /// Text of inline scripts, at most 256 KiB in all.
    pub inline_scripts: Vec<String>,
    pub stylesheets: Vec<Stylesheet>,
    pub links: Vec<Url>,
    pub forms: Vec<Form>,
    pub subresources: Vec<Subresource>,
    /// A `<style>` element or a `style` attribute.
    pub inline_styles: bool,
    /// An `on*` event-handler attribute or a `javascript:` URL.
    pub inline_handlers: bool,
    /// Some list was cut at its bound ([`MAX_LINKS`], [`MAX_ELEMENTS`]).
    pub cut: bool,
}

impl HtmlDoc {
    /// The `content` of the first `<meta http-equiv=...>` with this name (case-insensitive).
    pub fn http_equiv(&self, name: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|m| m.http_equiv.eq_ignore_ascii_case(name))
            .map(|m| m.content.as_str())
    }

    /// The `content` of the first `<meta name=...>` with this name (case-insensitive).
    pub fn meta_named(&self, name: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case(name))
            .map(|m| m.content.as_str())
    }
}

macro_rules! selector {
    ($name:ident, $css:literal) => {
        static $name: LazyLock<Selector> =
            LazyLock::new(|| Selector::parse($css).expect("static selector"));
    };
}

selector!(TITLE, "title");
selector!(STYLE, "style");
selector!(BASE, "base[href]");
selector!(META, "meta");
selector!(SCRIPT, "script");
selector!(LINK, "link[href]");
selector!(ANCHOR, "a[href], area[href]");
selector!(FORM, "form");
selector!(PASSWORD, "input[type=password], input[type=PASSWORD]");
selector!(
    SUBRESOURCE,
    "img[src], iframe[src], audio[src], video[src], source[src], object[data], embed[src]"
);

const INLINE_CAP: usize = 256 * 1024;

/// Elements of one kind kept from one page, at most: a page may name tens of thousands of links or scripts, and the
/// lists are kept for the whole scan. Real pages stay well below (a long article links a few hundred pages).
pub const MAX_LINKS: usize = 1000;
/// Scripts, stylesheets, subresources, forms and `<meta>` elements kept from one page, at most, each.
pub const MAX_ELEMENTS: usize = 500;

/// Parses `body` served at `page_url`.
pub fn parse(body: &str, page_url: &Url) -> HtmlDoc {
    let (len, cut) = super::html_limits::parse_len(body);
    let html = Html::parse_document(&body[..len]);
    let base = html
        .select(&BASE)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| page_url.join(h.trim()).ok())
        .unwrap_or_else(|| page_url.clone());
    let resolve = |href: &str| -> Option<Url> {
        let href = href.trim();
        if href.is_empty() || href.starts_with('#') {
            return None;
        }
        let mut url = base.join(href).ok()?;
        matches!(url.scheme(), "http" | "https").then(|| {
            url.set_fragment(None);
            url
        })
    };
    let mut doc = HtmlDoc {
        title: html
            .select(&TITLE)
            .next()
            .map(|t| t.text().collect::<String>().trim().to_string()),
        cut,
        ..HtmlDoc::default()
    };
    for m in html.select(&META).take(MAX_ELEMENTS) {
        let attr = |n: &str| m.value().attr(n).unwrap_or("").trim().to_string();
        doc.meta.push(Meta {
            name: attr("name"),
            http_equiv: attr("http-equiv"),
            content: attr("content"),
        });
    }
    let mut inline_total = 0;
    for s in html.select(&SCRIPT) {
        if doc.scripts.len() >= MAX_ELEMENTS {
            doc.cut = true;
            break;
        }
        let raw_src = s.value().attr("src").map(|v| v.trim().to_string());
        let src = raw_src.as_deref().and_then(resolve);
        if raw_src.is_none() {
            let text: String = s.text().collect();
            if !text.trim().is_empty() && inline_total + text.len() <= INLINE_CAP {
                inline_total += text.len();
                doc.inline_scripts.push(text);
            }
        }
        if raw_src.is_some() && src.is_none() {
            continue;
        }
        doc.scripts.push(Script {
            src,
            raw_src,
            integrity: s.value().attr("integrity").map(str::to_string),
        });
    }
    for l in html.select(&LINK) {
        let rel = l.value().attr("rel").unwrap_or("").to_ascii_lowercase();
        if rel.split_whitespace().any(|r| r == "stylesheet")
            && doc.stylesheets.len() < MAX_ELEMENTS
            && let Some(href) = l.value().attr("href").and_then(resolve)
        {
            let integrity = l.value().attr("integrity").map(str::to_string);
            doc.stylesheets.push(Stylesheet { href, integrity });
        }
    }
    doc.links = html
        .select(&ANCHOR)
        .filter_map(|a| a.value().attr("href").and_then(resolve))
        .take(MAX_LINKS + 1)
        .collect();
    if doc.links.len() > MAX_LINKS {
        doc.links.truncate(MAX_LINKS);
        doc.cut = true;
    }
    for f in html.select(&FORM).take(MAX_ELEMENTS) {
        let action = match f.value().attr("action").map(str::trim) {
            Some(a) if !a.is_empty() => match resolve(a) {
                Some(url) => url,
                None => continue,
            },
            _ => page_url.clone(),
        };
        let method = f
            .value()
            .attr("method")
            .unwrap_or("get")
            .trim()
            .to_ascii_lowercase();
        doc.forms.push(Form {
            action,
            method,
            has_password: f.select(&PASSWORD).next().is_some(),
        });
    }
    doc.inline_styles = html.select(&STYLE).next().is_some();
    for el in html
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        for (name, value) in el.value().attrs() {
            doc.inline_styles |= name.eq_ignore_ascii_case("style") && !value.trim().is_empty();
            doc.inline_handlers |= name.len() > 2 && name[..2].eq_ignore_ascii_case("on")
                || value
                    .trim_start()
                    .get(..11)
                    .is_some_and(|v| v.eq_ignore_ascii_case("javascript:"));
        }
    }
    for r in html.select(&SUBRESOURCE) {
        if doc.subresources.len() >= MAX_ELEMENTS {
            doc.cut = true;
            break;
        }
        let v = r.value();
        if let Some(url) = v.attr("src").or_else(|| v.attr("data")).and_then(resolve) {
            doc.subresources.push(Subresource {
                tag: v.name().to_string(),
                url,
            });
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_what_checks_read() {
        let page = Url::parse("https://site.test/app/index.html").unwrap();
        let body = r##"<!doctype html><html><head><title> Shop </title>
            <meta name="generator" content="WordPress 6.1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'self'">
            <link rel="stylesheet" href="/s.css" integrity="sha384-x">
            <script src="http://cdn.test/a.js"></script>
            <script src="js/app.js" integrity="sha384-y"></script>
            <script>var k = 1;</script></head>
            <body><a href="/about#team">About</a><a href="mailto:x@y">m</a><a href="#top">t</a>
            <form action="http://site.test/login" method="POST"><input type="password" name="p"></form>
            <form><input name="q"></form>
            <img src="http://img.test/x.png"><iframe src="/frame"></iframe></body></html>"##;
        let doc = parse(body, &page);
        assert_eq!(doc.title.as_deref(), Some("Shop"));
        assert_eq!(doc.meta_named("generator"), Some("WordPress 6.1"));
        assert_eq!(
            doc.http_equiv("content-security-policy"),
            Some("default-src 'self'")
        );
        assert_eq!(doc.scripts.len(), 3);
        assert_eq!(
            doc.scripts[0].src.as_ref().unwrap().as_str(),
            "http://cdn.test/a.js"
        );
        assert_eq!(
            doc.scripts[1].src.as_ref().unwrap().as_str(),
            "https://site.test/app/js/app.js"
        );
        assert_eq!(doc.scripts[1].integrity.as_deref(), Some("sha384-y"));
        assert!(doc.scripts[2].src.is_none());
        assert_eq!(doc.inline_scripts, vec!["var k = 1;".to_string()]);
        assert_eq!(doc.stylesheets[0].href.as_str(), "https://site.test/s.css");
        assert_eq!(
            doc.links.iter().map(Url::as_str).collect::<Vec<_>>(),
            vec!["https://site.test/about"]
        );
        assert_eq!(doc.forms.len(), 2);
        assert!(doc.forms[0].has_password && doc.forms[0].method == "post");
        assert_eq!(doc.forms[1].action, page);
        assert_eq!(doc.subresources.len(), 2);
        assert_eq!(doc.subresources[1].url.as_str(), "https://site.test/frame");
        assert!(!doc.inline_styles && !doc.inline_handlers);
    }

    #[test]
    fn inline_styles_and_handlers_are_noticed() {
        let page = Url::parse("https://site.test/").unwrap();
        let doc = parse(r#"<p style="color:red">x</p>"#, &page);
        assert!(doc.inline_styles && !doc.inline_handlers);
        let doc = parse(
            r#"<style>p{}</style><button onclick="go()">x</button>"#,
            &page,
        );
        assert!(doc.inline_styles && doc.inline_handlers);
        let doc = parse(r#"<a href=" javascript:void(0)">x</a>"#, &page);
        assert!(!doc.inline_styles && doc.inline_handlers);
    }

    #[test]
    fn base_href_changes_resolution() {
        let page = Url::parse("https://site.test/a/b").unwrap();
        let doc = parse(
            r#"<base href="https://cdn.site.test/root/"><script src="x.js"></script>"#,
            &page,
        );
        assert_eq!(
            doc.scripts[0].src.as_ref().unwrap().as_str(),
            "https://cdn.site.test/root/x.js"
        );
    }
}
