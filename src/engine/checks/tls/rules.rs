//! The findings the `tls` checks report, with the words users read.

use crate::engine::registry::Rule;
use crate::model::{Category, Severity};

pub(super) const MOZILLA_TLS: &str = "https://wiki.mozilla.org/Security/Server_Side_TLS";
pub(super) const MDN_HSTS: &str =
    "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Strict-Transport-Security";

macro_rules! tls_rule {
    ($name:ident, $id:literal, $sev:ident, $cwe:expr, $title:literal, $desc:literal, $fix:literal, [$($r:expr),*]) => {
        pub static $name: Rule = Rule {
            id: $id, category: Category::Tls, severity: Severity::$sev, title: $title, description: $desc,
            remediation: $fix, references: &[$($r),*], cwe: $cwe,
        };
    };
}

tls_rule!(
    CERT_EXPIRED,
    "tls.cert-expired",
    High,
    Some(298),
    "TLS certificate has expired",
    "Browsers refuse the site with a full-page warning, and users who click through learn to ignore real attacks.",
    "Renew the certificate now and automate renewal (certbot, Caddy, cert-manager or your CDN's managed certificates), then reload the server.",
    [MOZILLA_TLS]
);
tls_rule!(
    CERT_NOT_YET_VALID,
    "tls.cert-not-yet-valid",
    High,
    Some(298),
    "TLS certificate is not yet valid",
    "The certificate's validity starts in the future, so browsers refuse it. Usually a wrong clock or a certificate installed too early.",
    "Check the server's clock (NTP) and install a certificate whose validity has started.",
    [MOZILLA_TLS]
);
tls_rule!(
    CERT_EXPIRING,
    "tls.cert-expiring-soon",
    Medium,
    Some(298),
    "TLS certificate expires within 30 days",
    "When it lapses, browsers will refuse the site.",
    "Renew the certificate and automate renewal so it is replaced at least 30 days before expiry.",
    [MOZILLA_TLS]
);
tls_rule!(
    CERT_SELF_SIGNED,
    "tls.cert-self-signed",
    High,
    Some(295),
    "TLS certificate is self-signed",
    "No browser trusts it, so visitors see a warning and cannot tell the real site from an impostor.",
    "Use a certificate from a public CA (Let's Encrypt is free). For internal services, issue from a private CA and pass it to palisade with --ca-cert.",
    [MOZILLA_TLS]
);
tls_rule!(
    CERT_UNTRUSTED,
    "tls.cert-untrusted",
    High,
    Some(295),
    "TLS certificate chain is not trusted",
    "The chain does not lead to a root browsers trust; most often the server does not send its intermediate certificate.",
    "Serve the full chain (leaf then intermediates, e.g. fullchain.pem for nginx ssl_certificate), or trust the private CA with --ca-cert if this is an internal site.",
    [MOZILLA_TLS]
);
tls_rule!(
    CERT_NAME_MISMATCH,
    "tls.cert-hostname-mismatch",
    High,
    Some(297),
    "TLS certificate does not cover this host name",
    "Browsers refuse the connection because the certificate was issued for other names.",
    "Issue a certificate whose Subject Alternative Names include this host (or a matching wildcard) and serve it for this name (check SNI/server_name).",
    [MOZILLA_TLS]
);
tls_rule!(
    CERT_WEAK_KEY,
    "tls.cert-weak-key",
    Medium,
    Some(326),
    "TLS certificate uses a weak key",
    "RSA or DSA keys under 2048 bits can be factored by a well-funded attacker, and modern clients refuse them.",
    "Generate a new key (ECDSA P-256, or RSA 2048/3072 bits) and have the certificate reissued for it.",
    [MOZILLA_TLS]
);
tls_rule!(
    CERT_SHA1,
    "tls.cert-sha1-signature",
    Medium,
    Some(328),
    "TLS certificate chain is signed with SHA-1",
    "SHA-1 signatures can be forged (chosen-prefix collisions), and browsers no longer accept them.",
    "Have the certificate (and any intermediate) reissued with a SHA-256 signature.",
    [MOZILLA_TLS]
);
tls_rule!(
    NO_HTTPS,
    "tls.no-https",
    High,
    Some(319),
    "Site is not available over HTTPS",
    "Everything visitors send and receive, passwords and session cookies included, crosses the network in clear text and can be read or changed on the way.",
    "Serve the site over HTTPS (a free certificate from Let's Encrypt or your CDN), then redirect HTTP to HTTPS and add HSTS.",
    [MOZILLA_TLS]
);
tls_rule!(
    HTTP_NO_REDIRECT,
    "tls.http-no-redirect",
    Medium,
    Some(319),
    "HTTP is not redirected to HTTPS",
    "Visitors who type the address or follow an old link stay on plain HTTP, where an attacker on the network can read and change the page.",
    "Answer every plain-HTTP request with a 301 redirect to the same URL on https://.",
    [
        "https://developer.mozilla.org/en-US/docs/Web/Security/Practical_implementation_guides/TLS#http_redirections"
    ]
);
tls_rule!(
    HTTP_REDIRECT_INDIRECT,
    "tls.http-redirect-indirect",
    Low,
    Some(319),
    "First HTTP redirect does not go to HTTPS",
    "The first redirect stays on plain HTTP (or goes to another host), so the hop before HTTPS can still be intercepted, and HSTS is not set for this host.",
    "Make the first redirect go straight to https:// on the same host, then redirect to other hosts over HTTPS.",
    [
        "https://developer.mozilla.org/en-US/docs/Web/Security/Practical_implementation_guides/TLS#http_redirections"
    ]
);
tls_rule!(
    HSTS_MISSING,
    "tls.hsts-missing",
    Medium,
    Some(319),
    "Strict-Transport-Security header is missing",
    "Without HSTS, a browser that visits over HTTP can be downgraded by an attacker on the network (SSL stripping).",
    "Send `Strict-Transport-Security: max-age=63072000; includeSubDomains` on every HTTPS response (add `preload` once every subdomain serves HTTPS).",
    [MDN_HSTS]
);
tls_rule!(
    HSTS_SHORT,
    "tls.hsts-short",
    Low,
    Some(319),
    "HSTS max-age is shorter than 180 days",
    "A short max-age lets the protection lapse between visits. Reported below 180 days (15552000 seconds); the Observatory's grade already deducts 10 points below 15768000.",
    "Raise max-age to at least 15768000 (six months, the Observatory's threshold); two years (63072000) is usual and needed for the preload list.",
    [MDN_HSTS]
);
tls_rule!(
    HSTS_INVALID,
    "tls.hsts-invalid",
    Medium,
    Some(319),
    "Strict-Transport-Security header is invalid",
    "Browsers ignore a header they cannot parse, so the site has no HSTS protection.",
    "Send exactly one header of the form `Strict-Transport-Security: max-age=63072000; includeSubDomains`.",
    [MDN_HSTS]
);
