//! `headers.permissions-policy` and `headers.cross-origin-isolation`: Permissions-Policy, and the
//! Cross-Origin-Opener/Embedder/Resource-Policy headers with the Observatory's three tests for them.
//!
//! Missing COEP and CORP are never reported: applied blindly they break pages that embed other sites' content, and
//! they only earn the Observatory's bonus.

use super::sf::{self, Bare};
use super::{combined, graded_page, shown};
use crate::engine::context::CheckCtx;
use crate::engine::registry::{CheckResult, Rule};

const MDN_PP: &str =
    "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Permissions-Policy";
const MDN_COOP: &str = "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Cross-Origin-Opener-Policy";
const MDN_COEP: &str = "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Cross-Origin-Embedder-Policy";
const MDN_CORP: &str = "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Cross-Origin-Resource-Policy";

headers_rule!(
    PP_MISSING,
    "headers.permissions-policy-missing",
    Info,
    None,
    "Permissions-Policy header is missing",
    "The site does not say which powerful browser features (camera, microphone, geolocation, payment, USB...) its pages and the frames they embed may use, so injected or third-party code can ask for them.",
    "Turn off what the site does not use, e.g. `Permissions-Policy: camera=(), microphone=(), geolocation=(), payment=(), usb=()`.",
    [MDN_PP]
);
headers_rule!(
    PP_INVALID,
    "headers.permissions-policy-invalid",
    Low,
    None,
    "Permissions-Policy header does not parse, so browsers ignore all of it",
    "Permissions-Policy is a structured header (`feature=(allowlist)`, comma-separated); a value that does not parse is dropped whole. The old Feature-Policy syntax (`camera 'none'; ...`) is the usual cause.",
    "Rewrite it in the structured syntax: `Permissions-Policy: camera=(), geolocation=(self \"https://maps.example\")`.",
    [MDN_PP]
);
headers_rule!(
    COOP_MISSING,
    "headers.coop-missing",
    Info,
    None,
    "Cross-Origin-Opener-Policy header is missing",
    "Pages this page opens, or that open it, keep a handle to its window across origins, which enables cross-site leaks and tabnabbing-style attacks.",
    "Send `Cross-Origin-Opener-Policy: same-origin`, or `same-origin-allow-popups` if the site opens sign-in or payment popups that must talk back to it.",
    [MDN_COOP]
);
headers_rule!(
    COOP_INVALID,
    "headers.coop-invalid",
    Low,
    None,
    "Cross-Origin-Opener-Policy has an invalid value, so browsers ignore it",
    "Browsers only act on same-origin, same-origin-allow-popups, noopener-allow-popups or unsafe-none, written once as a bare token.",
    "Send exactly one header, e.g. `Cross-Origin-Opener-Policy: same-origin` (no quotes).",
    [MDN_COOP]
);
headers_rule!(
    COEP_INVALID,
    "headers.coep-invalid",
    Low,
    None,
    "Cross-Origin-Embedder-Policy has an invalid value, so browsers ignore it",
    "Browsers only act on require-corp, credentialless or unsafe-none, written once as a bare token.",
    "Send exactly one header, e.g. `Cross-Origin-Embedder-Policy: credentialless`, or remove it.",
    [MDN_COEP]
);
headers_rule!(
    CORP_INVALID,
    "headers.corp-invalid",
    Low,
    None,
    "Cross-Origin-Resource-Policy has an invalid value, so browsers ignore it",
    "Browsers only act on same-origin, same-site or cross-origin, exactly as written (lower case, once).",
    "Send exactly one header: `Cross-Origin-Resource-Policy: same-origin` (or same-site).",
    [MDN_CORP]
);

pub(super) async fn permissions_policy(ctx: &CheckCtx) -> CheckResult {
    let page = graded_page(ctx).await?;
    let location = page.url().to_string();
    // Permissions-Policy governs the features of a document: on a JSON or text answer it does nothing either way.
    match combined(&page, "permissions-policy") {
        Some(value) if page.html.is_some() && sf::parse_dictionary(&value).is_none() => {
            let evidence = shown("Permissions-Policy", &value);
            ctx.report(ctx.finding(&PP_INVALID, &location).evidence(evidence))
                .await;
        }
        Some(_) => {}
        None if page.html.is_some() => {
            let mut draft = ctx.finding(&PP_MISSING, &location);
            if let Some(old) = combined(&page, "feature-policy") {
                draft = draft
                    .title(
                        "Only the deprecated Feature-Policy header is sent, not Permissions-Policy",
                    )
                    .evidence(shown("Feature-Policy", &old));
            }
            ctx.report(draft).await;
        }
        None => {}
    }
    Ok(())
}

/// One of the three cross-origin policy headers.
struct Isolation {
    header: &'static str,
    test: &'static str,
    prefix: &'static str,
    /// Valid values with the Observatory's result suffix and modifier.
    values: &'static [(&'static str, &'static str, i32)],
    rule: &'static Rule,
    /// COOP and COEP are structured items; CORP is compared as plain text.
    structured: bool,
}

const HEADERS: &[Isolation] = &[
    Isolation {
        header: "Cross-Origin-Opener-Policy",
        test: "cross-origin-opener-policy",
        prefix: "coop",
        values: &[
            ("same-origin", "implemented-with-same-origin", 10),
            (
                "same-origin-allow-popups",
                "implemented-with-same-origin-allow-popups",
                10,
            ),
            (
                "noopener-allow-popups",
                "implemented-with-noopener-allow-popups",
                10,
            ),
            ("unsafe-none", "implemented-with-unsafe-none", 0),
        ],
        rule: &COOP_INVALID,
        structured: true,
    },
    Isolation {
        header: "Cross-Origin-Embedder-Policy",
        test: "cross-origin-embedder-policy",
        prefix: "coep",
        values: &[
            ("require-corp", "implemented-with-require-corp", 10),
            ("credentialless", "implemented-with-credentialless", 10),
            ("unsafe-none", "implemented-with-unsafe-none", 0),
        ],
        rule: &COEP_INVALID,
        structured: true,
    },
    Isolation {
        header: "Cross-Origin-Resource-Policy",
        test: "cross-origin-resource-policy",
        prefix: "corp",
        values: &[
            ("same-origin", "implemented-with-same-origin", 10),
            ("same-site", "implemented-with-same-site", 10),
            ("cross-origin", "implemented-with-cross-origin", 0),
        ],
        rule: &CORP_INVALID,
        structured: false,
    },
];

impl Isolation {
    /// The policy value browsers act on, or `None` when they ignore the header.
    fn browser_value(&self, raw: &str) -> Option<String> {
        let value = if self.structured {
            match sf::parse_item(raw)? {
                (Bare::Token(t), _) => t,
                _ => return None,
            }
        } else {
            raw.trim().to_string()
        };
        self.values
            .iter()
            .any(|(v, ..)| *v == value)
            .then_some(value)
    }

    /// The Observatory's result name and modifier for the combined header value.
    fn observatory(&self, raw: Option<&str>) -> (String, i32) {
        let Some(raw) = raw else {
            return (format!("{}-not-implemented", self.prefix), 0);
        };
        let value = if self.structured {
            self.browser_value(raw)
        } else {
            Some(raw.trim().to_ascii_lowercase())
        };
        match self
            .values
            .iter()
            .find(|(v, ..)| Some(*v) == value.as_deref())
        {
            Some((_, suffix, modifier)) => (format!("{}-{suffix}", self.prefix), *modifier),
            None => (format!("{}-header-invalid", self.prefix), -5),
        }
    }
}

pub(super) async fn cross_origin(ctx: &CheckCtx) -> CheckResult {
    let page = graded_page(ctx).await?;
    let location = page.url().to_string();
    for h in HEADERS {
        let raw = combined(&page, h.header);
        let (result, modifier) = h.observatory(raw.as_deref());
        ctx.observe(h.test, &result, modifier);
        // COOP and COEP apply to documents only; CORP to every response another site may load.
        let applies = page.html.is_some() || h.prefix == "corp";
        match raw {
            Some(raw) if applies && h.browser_value(&raw).is_none() => {
                let evidence = shown(h.header, &raw);
                ctx.report(ctx.finding(h.rule, &location).evidence(evidence))
                    .await;
            }
            None if h.prefix == "coop" && page.html.is_some() => {
                ctx.report(ctx.finding(&COOP_MISSING, &location)).await;
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_browsers_accept_and_observatory_results() {
        let [coop, coep, corp] = [&HEADERS[0], &HEADERS[1], &HEADERS[2]];
        assert_eq!(
            coop.browser_value("same-origin").as_deref(),
            Some("same-origin")
        );
        assert_eq!(
            coop.browser_value("same-origin-allow-popups; report-to=\"r\"")
                .as_deref(),
            Some("same-origin-allow-popups")
        );
        assert_eq!(coop.browser_value("\"same-origin\""), None);
        assert_eq!(coop.browser_value("same-origin, unsafe-none"), None);
        assert_eq!(
            coep.browser_value("credentialless").as_deref(),
            Some("credentialless")
        );
        assert_eq!(coep.browser_value("require_corp"), None);
        assert_eq!(
            corp.browser_value("same-site").as_deref(),
            Some("same-site")
        );
        assert_eq!(corp.browser_value("Same-Site"), None);
        assert_eq!(coop.observatory(None), ("coop-not-implemented".into(), 0));
        assert_eq!(
            coop.observatory(Some("same-origin")),
            ("coop-implemented-with-same-origin".into(), 10)
        );
        assert_eq!(
            coep.observatory(Some("bogus")),
            ("coep-header-invalid".into(), -5)
        );
        assert_eq!(
            corp.observatory(Some("Same-Origin")),
            ("corp-implemented-with-same-origin".into(), 10)
        );
        assert_eq!(
            corp.observatory(Some("cross-origin")),
            ("corp-implemented-with-cross-origin".into(), 0)
        );
    }
}
