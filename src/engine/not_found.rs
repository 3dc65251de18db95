//! The not-found baseline: how a site answers a path that does not exist, so a catch-all page is never taken for a
//! found file.

use super::net::HttpResponse;

/// How the site answers a path that does not exist, so that a catch-all page is never taken for a found file.
#[derive(Debug, Clone)]
pub struct NotFound {
    pub status: u16,
    pub probe_path: String,
    normalized: String,
    location: Option<String>,
    response: std::sync::Arc<HttpResponse>,
}

impl NotFound {
    /// The baseline from the answer to a random path.
    pub fn of(resp: &HttpResponse, probe_path: String) -> NotFound {
        NotFound {
            status: resp.status,
            normalized: normalize(&resp.text(), &probe_path),
            location: resp.location(),
            probe_path,
            response: std::sync::Arc::new(resp.clone()),
        }
    }

    /// The answer to the random path, as it came (templates run their matchers over it to tell a catch-all).
    pub fn response(&self) -> &HttpResponse {
        &self.response
    }

    /// The not-found answer's body, with the probe path removed and whitespace collapsed (for checks that read
    /// what the site says about a missing page, such as a debug-mode error page).
    pub fn body(&self) -> &str {
        &self.normalized
    }

    /// True if `resp` (to a request for `path`) looks like the site's not-found answer.
    pub fn matches(&self, resp: &HttpResponse, path: &str) -> bool {
        self.matches_parts(resp.status, &resp.text(), resp.location().as_deref(), path)
    }

    /// [`NotFound::matches`] on the parts of a response: its status, body text and `Location` header.
    pub fn matches_parts(
        &self,
        status: u16,
        text: &str,
        location: Option<&str>,
        path: &str,
    ) -> bool {
        if status != self.status {
            return false;
        }
        if (300..400).contains(&status) {
            let loc = location.map(|l| l.replace(path, ""));
            return loc
                == self
                    .location
                    .as_ref()
                    .map(|l| l.replace(&self.probe_path, ""));
        }
        let body = normalize(text, path);
        if body == self.normalized {
            return true;
        }
        let (a, b) = (body.len() as f64, self.normalized.len() as f64);
        a > 0.0
            && b > 0.0
            && (a - b).abs() / a.max(b) < 0.05
            && similar_prefix(&body, &self.normalized)
    }
}

fn normalize(body: &str, path: &str) -> String {
    let trimmed = path.trim_start_matches('/');
    let mut out = body.replace(path, "");
    if !trimmed.is_empty() {
        out = out.replace(trimmed, "");
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn similar_prefix(a: &str, b: &str) -> bool {
    let n = a.len().min(b.len()).min(256);
    a.bytes()
        .take(n)
        .zip(b.bytes().take(n))
        .filter(|(x, y)| x == y)
        .count()
        * 10
        >= n * 9
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse::sample(status, body.to_string())
    }

    #[test]
    fn not_found_recognises_catch_all_pages_that_echo_the_path() {
        let nf = NotFound {
            status: 200,
            probe_path: "/palisade-abc".into(),
            normalized: normalize("<h1>No page at /palisade-abc</h1>", "/palisade-abc"),
            location: None,
            response: std::sync::Arc::new(resp(200, "")),
        };
        assert!(nf.matches(&resp(200, "<h1>No page at /.env</h1>"), "/.env"));
        assert!(!nf.matches(&resp(404, "<h1>No page at /.env</h1>"), "/.env"));
        assert!(!nf.matches(&resp(200, "DB_PASSWORD=hunter2\nAPI_KEY=x\n"), "/.env"));
    }
}
