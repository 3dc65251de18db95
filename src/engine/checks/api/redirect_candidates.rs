//! Where the open-redirect check looks: crawled links and GET forms whose parameters look like redirect targets,
//! the start page and a few redirect-style paths with every common parameter, and in the deep profile
//! [`DEEP_PATHS`] that exist (a plain GET through the probe cache is not the site's not-found answer).

use super::PROBE_BODY;
use crate::engine::checks::disclosure::{Failures, is_catch_all, url_location};
use crate::engine::context::CheckCtx;
use crate::engine::registry::CheckFail;
use crate::engine::site::{Crawl, crawlable, same_origin};
use crate::model::Profile;
use url::Url;

/// Parameter names that usually carry a redirect target (`callback` is JSONP, not a redirect).
const PARAMS: &[&str] = &[
    "next",
    "url",
    "redirect",
    "redirect_uri",
    "redirect_url",
    "redirect_to",
    "redirectTo",
    "return",
    "returnTo",
    "return_to",
    "returnUrl",
    "ReturnUrl",
    "continue",
    "dest",
    "destination",
    "goto",
    "target",
    "to",
    "r",
    "u",
    "forward",
];
/// Paths that are often redirectors; one that does not exist costs one request that answers 404.
const PATHS: &[&str] = &["/login", "/redirect", "/out", "/go", "/r", "/exit"];
/// More redirectors and sign-in pages (which send the visitor back after signing in), asked in the deep profile
/// only where a plain GET shows they exist. No sign-out path: signing out changes state.
pub(crate) const DEEP_PATHS: &[&str] = &[
    "/redir",
    "/redirect.php",
    "/out.php",
    "/go.php",
    "/link",
    "/url",
    "/jump",
    "/away",
    "/external",
    "/leave",
    "/outbound",
    "/signin",
    "/sign-in",
    "/auth/login",
    "/account/login",
    "/user/login",
    "/users/sign_in",
    "/sso/login",
];
/// Crawled links and forms probed at most.
const MAX_CRAWLED: usize = 8;

/// One URL to probe, and the parameters set to the marker.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Candidate {
    pub url: Url,
    pub params: Vec<String>,
}

impl Candidate {
    /// The request URL: `url` with each of `params` set to `marker` (other parameters kept).
    pub fn with(&self, params: &[String], marker: &str) -> Url {
        let kept: Vec<(String, String)> = self
            .url
            .query_pairs()
            .filter(|(k, _)| !params.iter().any(|p| p == k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut url = self.url.clone();
        url.set_query(None);
        if kept.is_empty() && params.is_empty() {
            return url;
        }
        let mut query = url.query_pairs_mut();
        query.extend_pairs(kept);
        for p in params {
            query.append_pair(p, marker);
        }
        drop(query);
        url
    }

    /// The finding's location: the path and the parameter, without the marker (stable between scans).
    pub fn location(&self, params: &[String]) -> String {
        format!("{}?{}=", url_location(&self.url), params.join("=&"))
    }
}

/// True for a parameter whose name or value says it holds a redirect target.
fn redirect_like(name: &str, value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    PARAMS.iter().any(|p| p.eq_ignore_ascii_case(name))
        || v.starts_with("http://")
        || v.starts_with("https://")
        || v.starts_with("//")
        || (v.starts_with('/') && v.len() > 1)
}

/// Crawled same-origin links and GET forms with redirect-like parameters, at most [`MAX_CRAWLED`].
fn crawled(crawl: &Crawl, origin: &Url) -> Vec<Candidate> {
    let mut found: Vec<Candidate> = Vec::new();
    let docs = crawl.pages.iter().filter_map(|p| p.html.as_ref());
    for doc in docs {
        let forms = doc
            .forms
            .iter()
            .filter(|f| f.method.eq_ignore_ascii_case("get"));
        for url in doc.links.iter().chain(forms.map(|f| &f.action)) {
            if !same_origin(url, origin) || !crawlable(url) {
                continue;
            }
            let params: Vec<String> = url
                .query_pairs()
                .filter(|(k, v)| redirect_like(k, v))
                .map(|(k, _)| k.into_owned())
                .collect();
            let mut bare = url.clone();
            bare.set_query(None);
            let seen = found
                .iter()
                .any(|c| url_location(&c.url) == url_location(&bare) && c.params == params);
            if !params.is_empty() && !seen {
                found.push(Candidate {
                    url: url.clone(),
                    params,
                });
            }
            if found.len() >= MAX_CRAWLED {
                return found;
            }
        }
    }
    found
}

/// Every URL to probe, crawled ones first (their parameters are tried first on the others).
pub(super) async fn candidates(
    ctx: &CheckCtx,
    start: &Url,
    origin: &Url,
    crawl: &Crawl,
    failures: &mut Failures,
) -> Result<Vec<Candidate>, CheckFail> {
    let mut found = crawled(crawl, origin);
    let mut own: Vec<Url> = std::iter::once(start.clone())
        .chain(PATHS.iter().map(|p| ctx.site_url(origin, p)))
        .collect();
    if ctx.profile() >= Profile::Deep {
        own.extend(existing(ctx, origin, failures).await?);
    }
    let every: Vec<String> = PARAMS.iter().map(|p| p.to_string()).collect();
    for url in own.into_iter().filter(|u| same_origin(u, origin)) {
        if !found.iter().any(|c| c.url == url) {
            found.push(Candidate {
                url,
                params: every.clone(),
            });
        }
    }
    Ok(found)
}

/// The [`DEEP_PATHS`] that exist: their plain GET (through the probe cache) is not the site's not-found answer.
async fn existing(
    ctx: &CheckCtx,
    origin: &Url,
    failures: &mut Failures,
) -> Result<Vec<Url>, CheckFail> {
    let nf = ctx.not_found().await?;
    let urls: Vec<(&str, Url)> = DEEP_PATHS
        .iter()
        .map(|path| (*path, ctx.site_url(origin, path)))
        .filter(|(_, u)| same_origin(u, origin) && crawlable(u))
        .collect();
    let answers =
        futures::future::join_all(urls.iter().map(|(_, u)| ctx.probe(u, PROBE_BODY))).await;
    let mut found = Vec::new();
    for ((path, url), answer) in urls.into_iter().zip(answers) {
        let Some(resp) = failures.count(answer)? else {
            continue;
        };
        if resp.status != 404 && !is_catch_all(&nf, &resp, path) {
            found.push(url);
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARKER: &str = "https://palisade-redirect-abc.invalid/";

    #[test]
    fn probes_set_the_parameters_and_keep_the_rest() {
        let c = Candidate {
            url: Url::parse("https://s.test/login?lang=en&next=%2Faccount").unwrap(),
            params: vec!["next".into()],
        };
        assert_eq!(
            c.with(&c.params, MARKER).as_str(),
            "https://s.test/login?lang=en&next=https%3A%2F%2Fpalisade-redirect-abc.invalid%2F"
        );
        assert_eq!(c.location(&c.params), "https://s.test/login?next=");
        assert!(
            redirect_like("returnTo", "")
                && redirect_like("x", "/account")
                && redirect_like("x", "https://a.test/")
        );
        assert!(
            !redirect_like("page", "2")
                && !redirect_like("callback", "cb")
                && !redirect_like("q", "/")
        );
    }

    #[test]
    fn deep_paths_never_sign_out_and_are_not_the_standard_ones() {
        for path in DEEP_PATHS {
            let url = Url::parse(&format!("https://s.test{path}")).unwrap();
            assert!(crawlable(&url), "{path}");
            assert!(!PATHS.contains(path), "{path}");
        }
    }
}
