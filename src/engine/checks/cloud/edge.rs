//! CDN, WAF and load balancer identification from the start page's response headers and cookies (no extra
//! request): one informational finding naming every provider seen, with the headers that show it.

use crate::engine::context::CheckCtx;
use crate::engine::net::HttpResponse;
use crate::engine::registry::CheckResult;

const MDN_VIA: &str = "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Via";
const CF_ORIGIN: &str =
    "https://developers.cloudflare.com/fundamentals/security/protect-your-origin-server/";

pub static EDGE: crate::engine::registry::Rule = crate::engine::registry::Rule {
    id: "cloud.edge-provider",
    category: crate::model::Category::EdgeInfra,
    severity: crate::model::Severity::Info,
    title: "CDN or WAF in front of the site",
    description: "The site answers through a CDN, web application firewall, cache or load balancer, named by the \
                  headers or cookies it adds. Some headers and protections other findings speak of may be set at \
                  that layer rather than on the origin server, and the protection it gives holds only if the origin \
                  cannot be reached around it.",
    remediation: "Nothing to fix. Make sure the origin only accepts traffic from the provider (firewall it to the \
                  provider's address ranges, or use authenticated origin pulls), and set security headers where \
                  they reach every response (at the edge or on the origin).",
    references: &[CF_ORIGIN, MDN_VIA],
    cwe: None,
};

/// How a provider shows itself in a response.
enum Sign {
    /// A header is present.
    Header(&'static str),
    /// A header name starts with this prefix.
    HeaderPrefix(&'static str),
    /// A header's value contains this text (case-insensitive).
    Value(&'static str, &'static str),
    /// A cookie's name starts with this prefix.
    Cookie(&'static str),
}

/// Providers and the signs that name them; `Value` texts are lower-case.
const PROVIDERS: &[(&str, &[Sign])] = &[
    (
        "Cloudflare",
        &[Sign::Header("cf-ray"), Sign::Value("server", "cloudflare")],
    ),
    (
        "Amazon CloudFront",
        &[
            Sign::Header("x-amz-cf-id"),
            Sign::Value("via", "cloudfront"),
            Sign::Value("x-cache", "cloudfront"),
        ],
    ),
    (
        "Fastly",
        &[
            Sign::Header("x-fastly-request-id"),
            Sign::Value("x-served-by", "cache-"),
            Sign::Header("fastly-debug-digest"),
        ],
    ),
    (
        "Akamai",
        &[
            Sign::HeaderPrefix("x-akamai-"),
            Sign::Header("akamai-grn"),
            Sign::Value("server", "akamaighost"),
            Sign::Value("server", "akamainetstorage"),
        ],
    ),
    (
        "Azure Front Door / Azure CDN",
        &[Sign::Header("x-azure-ref"), Sign::Header("x-msedge-ref")],
    ),
    (
        "Google Cloud load balancer / CDN",
        &[Sign::Value("via", "1.1 google")],
    ),
    (
        "Vercel",
        &[Sign::Header("x-vercel-id"), Sign::Value("server", "vercel")],
    ),
    (
        "Netlify",
        &[
            Sign::Header("x-nf-request-id"),
            Sign::Value("server", "netlify"),
        ],
    ),
    (
        "Sucuri WAF",
        &[Sign::Header("x-sucuri-id"), Sign::Value("server", "sucuri")],
    ),
    (
        "Imperva (Incapsula)",
        &[
            Sign::Header("x-iinfo"),
            Sign::Value("x-cdn", "incapsula"),
            Sign::Cookie("incap_ses_"),
            Sign::Cookie("visid_incap_"),
        ],
    ),
    (
        "F5 BIG-IP",
        &[Sign::Cookie("BIGipServer"), Sign::Value("server", "bigip")],
    ),
    (
        "Varnish",
        &[Sign::Header("x-varnish"), Sign::Value("via", "varnish")],
    ),
    (
        "Bunny CDN",
        &[
            Sign::Value("server", "bunnycdn"),
            Sign::Header("cdn-pullzone"),
        ],
    ),
    ("KeyCDN", &[Sign::Value("server", "keycdn")]),
    ("DDoS-Guard", &[Sign::Value("server", "ddos-guard")]),
    (
        "AWS Elastic Load Balancing",
        &[Sign::Value("server", "awselb"), Sign::Cookie("AWSALB")],
    ),
];

/// Characters of a header value shown in the evidence.
const SHOWN: usize = 60;

/// Each provider seen in `resp`, with the signs that showed it (`name: value`).
pub fn identify(resp: &HttpResponse) -> Vec<(&'static str, Vec<String>)> {
    let cookies: Vec<String> = resp
        .header_all("set-cookie")
        .iter()
        .filter_map(|c| c.split('=').next().map(|n| n.trim().to_string()))
        .collect();
    PROVIDERS
        .iter()
        .filter_map(|(name, signs)| {
            let seen: Vec<String> = signs
                .iter()
                .flat_map(|s| shown(resp, &cookies, s))
                .collect();
            (!seen.is_empty()).then_some((*name, seen))
        })
        .collect()
}

fn shown(resp: &HttpResponse, cookies: &[String], sign: &Sign) -> Vec<String> {
    let show = |name: &str, value: &str| {
        let value: String = value.chars().take(SHOWN).collect();
        format!("{name}: {value}")
    };
    match sign {
        Sign::Header(h) => resp.header(h).map(|v| show(h, &v)).into_iter().collect(),
        Sign::HeaderPrefix(p) => resp
            .headers
            .keys()
            .filter(|k| k.as_str().starts_with(p))
            .map(|k| show(k.as_str(), &resp.header(k.as_str()).unwrap_or_default()))
            .collect(),
        Sign::Value(h, text) => resp
            .header_all(h)
            .iter()
            .filter(|v| v.to_ascii_lowercase().contains(text))
            .map(|v| show(h, v))
            .collect(),
        Sign::Cookie(prefix) => cookies
            .iter()
            .filter(|c| c.starts_with(prefix))
            .map(|c| format!("cookie {c}"))
            .collect(),
    }
}

pub async fn run(ctx: &CheckCtx) -> CheckResult {
    let page = ctx.start_page().await?;
    let found = identify(page.resp());
    if found.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = found.iter().map(|(n, _)| *n).collect();
    let evidence: Vec<String> = found
        .iter()
        .map(|(n, signs)| format!("{n} ({})", signs.join(", ")))
        .collect();
    let mut origin = page.url().clone();
    origin.set_path("/");
    origin.set_query(None);
    origin.set_fragment(None);
    let draft = ctx
        .finding(&EDGE, origin.as_str())
        .title(format!("Served through {}", names.join(", ")))
        .evidence(format!("GET {}: {}", page.url(), evidence.join("; ")));
    ctx.report(draft).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn with(headers: &[(&'static str, &str)]) -> HttpResponse {
        let mut resp = HttpResponse::sample(200, "");
        for (k, v) in headers {
            resp.headers.append(*k, HeaderValue::from_str(v).unwrap());
        }
        resp
    }

    #[test]
    fn providers_are_named_by_their_headers_and_cookies() {
        let resp = with(&[
            ("server", "cloudflare"),
            ("cf-ray", "8a1b2c3d4e5f-AMS"),
            ("x-varnish", "12345"),
            (
                "set-cookie",
                "BIGipServerpool=1677787402.36895.0000; path=/",
            ),
        ]);
        let names: Vec<&str> = identify(&resp).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, vec!["Cloudflare", "F5 BIG-IP", "Varnish"]);
        let cf = &identify(&resp)[0].1;
        assert_eq!(cf, &vec!["cf-ray: 8a1b2c3d4e5f-AMS", "server: cloudflare"]);
    }

    #[test]
    fn plain_servers_name_no_provider() {
        let resp = with(&[("server", "nginx"), ("via", "1.1 proxy.internal")]);
        assert!(identify(&resp).is_empty());
    }
}
