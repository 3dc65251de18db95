//! Sending a template's request through the host's shared caches: a plain GET is the same probe or page the other
//! checks fetch, and any request several templates make is sent once per host.

use crate::engine::context::CheckCtx;
use crate::engine::net::{HttpRequest, HttpResponse, NetError};
use crate::templates::model::{Follow, Method};
use http::{HeaderName, HeaderValue};
use std::sync::Arc;
use url::Url;

/// A request with its placeholders filled.
#[derive(Debug, Clone)]
pub struct Ready {
    pub method: Method,
    pub url: Url,
    pub headers: Vec<(String, String)>,
    pub follow: Follow,
}

impl Ready {
    /// What makes two requests the same request: method, URL, headers (in order of name) and redirect rule.
    pub fn key(&self) -> String {
        let mut headers: Vec<String> = self
            .headers
            .iter()
            .map(|(n, v)| format!("{}:{}", n.to_ascii_lowercase(), v))
            .collect();
        headers.sort();
        format!(
            "{} {} {:?} {}",
            self.method.as_str(),
            self.url,
            self.follow,
            headers.join("\n")
        )
    }
}

/// Sends `req` (or finds it already sent in this scan) and returns the final response.
pub async fn send(ctx: &CheckCtx, req: &Ready) -> Result<Arc<HttpResponse>, NetError> {
    let max = ctx.scan.settings.max_body;
    if req.method == Method::Get && req.headers.is_empty() {
        if req.follow == Follow::No {
            if let Some(Ok(start)) = ctx.cached_page(ctx.target.url())
                && start.fetched.hops.is_empty()
                && start.url() == &req.url
            {
                return Ok(Arc::new(start.resp().clone()));
            }
            return ctx.probe(&req.url, max).await;
        }
        return ctx.page(&req.url).await.map(|p| Arc::new(p.resp().clone()));
    }
    let mut http = HttpRequest::get(req.url.clone(), max);
    http.method = match req.method {
        Method::Get => http::Method::GET,
        Method::Head => http::Method::HEAD,
        Method::Options => http::Method::OPTIONS,
    };
    // Headers were checked when the request was filled (see `valid_header`).
    http.headers.extend(req.headers.iter().filter_map(|(n, v)| {
        Some((
            HeaderName::try_from(n.as_str()).ok()?,
            HeaderValue::try_from(v.as_str()).ok()?,
        ))
    }));
    let (result, _) = ctx
        .exchange(req.key(), http, req.follow != Follow::No)
        .await;
    result.map(|f| Arc::new(f.resp.clone()))
}

/// True if `name: value` can be sent as an HTTP header.
pub fn valid_header(name: &str, value: &str) -> bool {
    HeaderName::try_from(name).is_ok() && HeaderValue::try_from(value).is_ok()
}
