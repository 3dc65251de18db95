//! `headers.cookies`: the flags of every cookie set by the start page and the crawled pages (one finding per
//! cookie and problem), and the Observatory's `cookies` test on the start page.

use super::cookie_parse::{SameSite, SetCookie, is_session_name, parse_set_cookie};
use super::{graded_status, pages};
use crate::engine::checks::tls::parse_hsts;
use crate::engine::context::{CheckCtx, redact};
use crate::engine::registry::{CheckResult, Rule};
use crate::engine::site::Page;
use crate::model::Severity;
use std::collections::HashSet;

const MDN_COOKIE: &str =
    "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/Set-Cookie";
const COOKIE_GUIDE: &str =
    "https://developer.mozilla.org/en-US/docs/Web/Security/Practical_implementation_guides/Cookies";

headers_rule!(
    NO_SECURE,
    "headers.cookie-no-secure",
    Low,
    Some(614),
    "Cookie set without the Secure flag",
    "Without Secure, the browser also sends the cookie over plain HTTP, where anyone on the network can read or change it.",
    "Add `Secure` to the cookie (e.g. `Set-Cookie: name=value; Path=/; Secure; HttpOnly; SameSite=Lax`); most frameworks have a setting such as SESSION_COOKIE_SECURE or cookie.secure.",
    [MDN_COOKIE, COOKIE_GUIDE]
);
headers_rule!(
    NO_HTTPONLY,
    "headers.cookie-no-httponly",
    Low,
    Some(1004),
    "Session cookie set without the HttpOnly flag",
    "Scripts on the page can read this session cookie, so a single cross-site scripting bug lets an attacker steal the session.",
    "Add `HttpOnly` to session and authentication cookies (e.g. SESSION_COOKIE_HTTPONLY, cookie.httpOnly).",
    [MDN_COOKIE, COOKIE_GUIDE]
);
headers_rule!(
    SAMESITE,
    "headers.cookie-samesite",
    Low,
    Some(1275),
    "Session cookie set without a SameSite attribute",
    "Without SameSite, some browsers still send the cookie on requests other sites trigger, which enables cross-site request forgery.",
    "Add `SameSite=Lax` (or `Strict`) to session cookies; use `SameSite=None; Secure` only for cookies that must work inside other sites.",
    [MDN_COOKIE, COOKIE_GUIDE]
);
headers_rule!(
    PREFIX,
    "headers.cookie-prefix-invalid",
    Low,
    Some(614),
    "Cookie breaks the rules of its __Secure- or __Host- name prefix, so browsers reject it",
    "A __Secure- cookie must have Secure and come from an HTTPS page; a __Host- cookie must also have Path=/ and no Domain. Browsers refuse cookies that break these rules, so the cookie is never stored.",
    "Set the attributes the prefix requires: `__Host-name=value; Path=/; Secure; HttpOnly; SameSite=Lax` (no Domain), or `__Secure-name=value; Secure; ...`.",
    [MDN_COOKIE]
);

/// One cookie as seen on one page.
struct Seen<'a> {
    page: &'a Page,
    cookie: SetCookie,
    line: String,
}

impl Seen<'_> {
    fn location(&self) -> String {
        format!("{} (Set-Cookie: {})", self.page.url(), self.cookie.name)
    }

    /// The header with the value redacted.
    fn evidence(&self) -> String {
        let attrs = self.line.split_once(';').map(|(_, a)| a).unwrap_or("");
        let sep = if attrs.is_empty() { "" } else { ";" };
        let value = redact(&self.cookie.value);
        format!("Set-Cookie: {}={value}{sep}{attrs}", self.cookie.name)
    }

    fn https(&self) -> bool {
        self.page.url().scheme() == "https"
    }

    /// What the cookie's name prefix requires and it lacks, if anything.
    fn prefix_problem(&self) -> Option<&'static str> {
        let c = &self.cookie;
        let lower = c.name.to_ascii_lowercase();
        let secure = c.secure && self.https();
        if lower.starts_with("__secure-") && !secure {
            return Some("a __Secure- cookie needs the Secure flag and an HTTPS page");
        }
        if lower.starts_with("__host-") {
            if !secure {
                return Some("a __Host- cookie needs the Secure flag and an HTTPS page");
            }
            if c.domain.is_some() || c.path.as_deref() != Some("/") {
                return Some("a __Host- cookie needs Path=/ and no Domain attribute");
            }
        }
        None
    }
}

fn cookies_of(page: &Page) -> Vec<Seen<'_>> {
    page.resp()
        .header_all("set-cookie")
        .into_iter()
        .filter_map(|line| {
            let cookie = parse_set_cookie(&line)?;
            Some(Seen { page, cookie, line })
        })
        .collect()
}

/// Whether the start page sends a valid HSTS header of at least six months (the Observatory's HSTS pass).
fn hsts_protects(page: &Page) -> bool {
    let values = page.resp().header_all("strict-transport-security");
    page.url().scheme() == "https"
        && values.len() == 1
        && parse_hsts(&values[0]).is_some_and(|h| h.max_age >= 15_768_000)
}

pub(super) async fn check(ctx: &CheckCtx) -> CheckResult {
    let start = ctx.start_page().await?;
    let hsts = hsts_protects(&start);
    if graded_status(start.resp().status) {
        let (result, modifier) = observatory(&start, hsts);
        ctx.observe("cookies", result, modifier);
    }
    let mut reported: HashSet<(&'static str, String)> = HashSet::new();
    for page in &pages(ctx).await? {
        for seen in cookies_of(page).iter().filter(|s| !s.cookie.deletes) {
            for (rule, draft) in problems(ctx, seen, hsts) {
                if reported.insert((rule.id, seen.cookie.name.clone())) {
                    ctx.report(draft.evidence(seen.evidence())).await;
                }
            }
        }
    }
    Ok(())
}

/// The findings one cookie deserves.
fn problems(
    ctx: &CheckCtx,
    seen: &Seen<'_>,
    hsts: bool,
) -> Vec<(&'static Rule, crate::engine::context::Draft)> {
    let c = &seen.cookie;
    let location = seen.location();
    let name = &c.name;
    if let Some(problem) = seen.prefix_problem() {
        let draft = ctx
            .finding(&PREFIX, &location)
            .title(format!("Browsers reject cookie {name}: {problem}"));
        return vec![(&PREFIX, draft)];
    }
    let session = is_session_name(name);
    let mut out = Vec::new();
    // SameSite=None without Secure is the same missing flag: on HTTPS pages the Secure finding says both.
    let none_insecure = c.same_site() == SameSite::None && !c.secure;
    if seen.https() && !c.secure {
        let title = if none_insecure {
            format!(
                "Cookie {name} has SameSite=None without Secure, so Chromium browsers reject it"
            )
        } else {
            format!("Cookie {name} is set without the Secure flag")
        };
        let mut draft = ctx.finding(&NO_SECURE, &location).title(title);
        if session && !hsts {
            draft = draft.severity(Severity::Medium).description(
                "This session cookie is also sent over plain HTTP, and the site has no HSTS to stop that, so \
                 anyone on the network can capture it when a visitor follows any http:// link to the site and \
                 take over the session.",
            );
        }
        out.push((&NO_SECURE, draft));
    }
    if session && !c.http_only {
        let title = format!("Session cookie {name} is set without the HttpOnly flag");
        out.push((
            &NO_HTTPONLY,
            ctx.finding(&NO_HTTPONLY, &location).title(title),
        ));
    }
    let samesite = match c.same_site() {
        SameSite::Invalid(v) => Some(format!(
            "Cookie {name} has an invalid SameSite value {v:?}, which browsers ignore"
        )),
        SameSite::None if none_insecure && !seen.https() => Some(format!(
            "Cookie {name} has SameSite=None without Secure, so Chromium browsers reject it"
        )),
        SameSite::Missing if session => {
            Some(format!("Session cookie {name} has no SameSite attribute"))
        }
        _ => None,
    };
    if let Some(title) = samesite {
        out.push((&SAMESITE, ctx.finding(&SAMESITE, &location).title(title)));
    }
    out
}

/// The Observatory's results for cookies, best first; a later result replaces an earlier only if worse.
const COOKIE_ORDER: &[(&str, i32)] = &[
    ("cookies-without-secure-flag-but-protected-by-hsts", -5),
    ("cookies-without-secure-flag", -20),
    (
        "cookies-session-without-secure-flag-but-protected-by-hsts",
        -10,
    ),
    ("cookies-samesite-flag-invalid", -20),
    ("cookies-anticsrf-without-samesite-flag", -20),
    ("cookies-session-without-httponly-flag", -30),
    ("cookies-session-without-secure-flag", -40),
];

/// The Observatory's `cookies` result for the start page (its own session and anti-CSRF name tests).
fn observatory(page: &Page, hsts: bool) -> (&'static str, i32) {
    let mut worst: Option<usize> = None;
    let mut worse = |i: usize| worst = Some(worst.map_or(i, |w| w.max(i)));
    let seen = cookies_of(page);
    if seen
        .iter()
        .any(|s| matches!(s.cookie.same_site(), SameSite::Invalid(_)))
    {
        worse(3);
    }
    let jar: Vec<&SetCookie> = seen
        .iter()
        .filter(|s| !s.cookie.name.is_empty() && s.prefix_problem().is_none())
        .filter(|s| s.cookie.name != "heroku-session-affinity")
        .map(|s| &s.cookie)
        .collect();
    if jar.is_empty() {
        return ("cookies-not-found", 0);
    }
    let mut missing_samesite = false;
    for c in &jar {
        let lower = c.name.to_ascii_lowercase();
        let session = lower.contains("login") || lower.contains("sess");
        let same_site = c.same_site();
        if !c.secure && same_site == SameSite::None {
            worse(3);
        }
        if !c.secure {
            worse(if hsts { 0 } else { 1 });
        }
        let lacks_samesite = matches!(same_site, SameSite::Missing | SameSite::Invalid(_));
        if lower.contains("csrf") && lacks_samesite {
            worse(4);
        }
        if session && !c.secure {
            worse(if hsts { 2 } else { 6 });
        }
        if session && !c.http_only {
            worse(5);
        }
        missing_samesite |= lacks_samesite;
    }
    match worst {
        Some(i) => COOKIE_ORDER[i],
        None if missing_samesite => ("cookies-secure-with-httponly-sessions", 0),
        None => ("cookies-secure-with-httponly-sessions-and-samesite", 5),
    }
}
