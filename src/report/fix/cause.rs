//! Root causes: which findings one change removes. All header problems of a target are one cause (one config
//! block), all its cookie flags another, all protocol and cipher findings of one TLS endpoint another; each kind of
//! exposed file is its own; findings that name a shared root cause (the same secret in three bundles) are one cause
//! wherever they were found.

use crate::model::Finding;

/// The root cause of a finding. Every variant but [`Cause::Shared`] is per scan target (by target id).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cause {
    /// Missing or weak security headers, HSTS included: one header block.
    Headers(String),
    /// No HTTPS, or plain HTTP that does not redirect to it.
    Https(String),
    /// A certificate that browsers refuse or will refuse.
    Certificate(String),
    /// Old protocol versions, weak cipher suites or a missing TLS 1.3 on one TLS endpoint (the finding's location):
    /// one protocol and cipher configuration.
    Tls(String, String),
    /// Cookies without Secure, HttpOnly or SameSite, or with an invalid prefix.
    Cookies(String),
    /// A software version in one place (the check id): the Server header, X-Powered-By, the generator tag.
    Banners(String, String),
    /// Pages that load or post over plain HTTP.
    InsecureContent(String),
    /// Third-party scripts and styles without Subresource Integrity.
    Sri(String),
    /// Debug error pages.
    ErrorPages(String),
    /// A CORS policy that trusts any origin.
    Cors(String),
    /// The TRACE method.
    Trace(String),
    /// No security.txt.
    SecurityTxt(String),
    /// One kind of exposed file, path or listing (the check id), on one target.
    Exposure(String, String),
    /// Findings that share a `root_cause` key, on any target.
    Shared(String),
    /// Anything else: one check on one target.
    Other(String, String),
}

impl Cause {
    /// The root cause of a finding.
    pub fn of(f: &Finding) -> Cause {
        if let Some(key) = &f.root_cause {
            return Cause::Shared(key.clone());
        }
        let t = f.target_id.clone();
        let id = f.check_id.as_str();
        match id {
            "tls.hsts-missing" | "tls.hsts-short" | "tls.hsts-invalid" => Cause::Headers(t),
            "tls.no-https" | "tls.http-no-redirect" | "tls.http-redirect-indirect" => {
                Cause::Https(t)
            }
            "tls.ssl3-accepted"
            | "tls.tls10-accepted"
            | "tls.tls11-accepted"
            | "tls.tls13-missing"
            | "tls.null-cipher"
            | "tls.anonymous-cipher"
            | "tls.export-cipher"
            | "tls.rc4-cipher"
            | "tls.3des-cipher"
            | "tls.no-forward-secrecy" => Cause::Tls(t, f.location.clone()),
            "headers.mixed-content-active"
            | "headers.mixed-content-passive"
            | "headers.form-insecure" => Cause::InsecureContent(t),
            "headers.sri-missing" => Cause::Sri(t),
            "disclosure.server-version"
            | "disclosure.x-powered-by"
            | "disclosure.aspnet-version"
            | "disclosure.generator-version" => Cause::Banners(t, id.to_string()),
            "disclosure.error-details" => Cause::ErrorPages(t),
            "disclosure.security-txt-missing" => Cause::SecurityTxt(t),
            "api.trace-enabled" => Cause::Trace(t),
            _ if let Some(template) = id.strip_prefix("templates.") => {
                match crate::templates::class_of(template) {
                    "other" => Cause::Other(t, id.to_string()),
                    class => Cause::Exposure(t, format!("templates:{class}")),
                }
            }
            _ if id.starts_with("tls.cert-") => Cause::Certificate(t),
            _ if id.starts_with("headers.cookie-") => Cause::Cookies(t),
            _ if id.starts_with("api.cors-") => Cause::Cors(t),
            _ if id.starts_with("headers.") => Cause::Headers(t),
            _ if id.starts_with("disclosure.")
                && (id.ends_with("-exposed") || id.ends_with("-listing")) =>
            {
                Cause::Exposure(t, id.to_string())
            }
            _ => Cause::Other(t, id.to_string()),
        }
    }
}
