//! What a scan learned about how a target is built: the software it runs on (for fixes written for that stack),
//! where its pages load content from (for a Content-Security-Policy that fits the site), and the certificate it
//! presented (for expiry monitors).

use serde::{Deserialize, Serialize};

string_enum!(
    /// The layer a technology sits at, outermost first.
    TechKind { Hosting => "hosting", Server => "server", Framework => "framework", Language => "language", Cms => "cms" }
);

string_enum!(
    /// How surely a piece of evidence names a technology, weakest first. `strong`: the product says so itself (a
    /// `Server` or `X-Powered-By` banner, a header only that product sends); `medium`: the page is made by it (a
    /// generator tag, its asset paths or page data); `weak`: a name anyone can use (a cookie name, a URL path, words
    /// in a page).
    Signal { Weak => "weak", Medium => "medium", Strong => "strong" }
);

impl Default for Signal {
    /// Profiles stored before signals were recorded read as `medium`: seen, as fixes used them then.
    fn default() -> Self {
        Signal::Medium
    }
}

/// One piece of software the site showed, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Technology {
    /// Canonical name: `nginx`, `apache`, `caddy`, `iis`, `express`, `nextjs`, `django`, `rails`, `laravel`, `php`,
    /// `aspnet`, `wordpress`, `cloudflare`, `vercel`, `netlify`, ...
    pub name: String,
    pub kind: TechKind,
    pub version: Option<String>,
    /// What gave it away (a header, a cookie name, a page marker). Comes from the site: untrusted.
    pub evidence: String,
    /// How surely the evidence names it (the strongest of all evidence seen for it).
    #[serde(default)]
    pub signal: Signal,
}

/// Origins the crawled pages loaded content from, by kind, and whether they used inline code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ContentSources {
    pub script: Vec<String>,
    pub style: Vec<String>,
    pub img: Vec<String>,
    pub media: Vec<String>,
    pub frame: Vec<String>,
    pub form_action: Vec<String>,
    pub inline_scripts: bool,
    /// Event-handler attributes or `javascript:` links: only `'unsafe-inline'` or a rewrite allows them.
    pub inline_handlers: bool,
    pub inline_styles: bool,
    pub pages: u32,
}

/// The certificate a target's HTTPS address presented (for monitors of its expiry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CertificateSeen {
    /// `host:port` it was presented on.
    pub address: String,
    /// The leaf's subject, as presented: untrusted.
    pub subject: String,
    /// When it expires (RFC 3339, UTC).
    pub not_after: String,
}

/// What a scan learned about one target's build.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SiteProfile {
    /// Outermost layer first.
    pub stack: Vec<Technology>,
    pub sources: ContentSources,
    /// The certificate of the site's HTTPS address, when the TLS check read one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<CertificateSeen>,
}

impl SiteProfile {
    /// The technology of this name, if seen.
    pub fn has(&self, name: &str) -> bool {
        self.stack.iter().any(|t| t.name == name)
    }

    /// Technologies of one kind, in the order seen.
    pub fn of_kind(&self, kind: TechKind) -> impl Iterator<Item = &Technology> {
        self.stack.iter().filter(move |t| t.kind == kind)
    }
}
