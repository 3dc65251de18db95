//! Verifiers for exposed credential files: .htpasswd, .git-credentials and .npmrc with a registry token.

use super::super::{real_value, url_with_credentials};
use super::Proof;
use super::text::plain;
use crate::engine::context::redact;
use crate::engine::net::HttpResponse;

pub(super) fn htpasswd(resp: &HttpResponse) -> Option<Proof> {
    regex!(
        ENTRY,
        r"^([^:\s#]+):(\$apr1\$|\$2[aby]\$|\{SHA\}|\$5\$|\$6\$|[./0-9A-Za-z]{13}$)"
    );
    let text = plain(resp)?;
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let users: Vec<String> = lines
        .iter()
        .filter_map(|l| ENTRY.captures(l))
        .map(|c| c[1].to_string())
        .collect();
    (!users.is_empty() && users.len() == lines.len()).then(|| {
        Proof::new(format!(
            "password hashes for {} user(s): {}",
            users.len(),
            users.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
        ))
    })
}

pub(super) fn git_credentials(resp: &HttpResponse) -> Option<Proof> {
    let text = plain(resp)?;
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let shown: Vec<String> = lines
        .iter()
        .filter_map(|l| url_with_credentials(l))
        .collect();
    (!shown.is_empty() && shown.len() == lines.len()).then(|| {
        Proof::new(format!(
            "stored Git credentials: {}",
            shown.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
        ))
    })
}

pub(super) fn npmrc(resp: &HttpResponse) -> Option<Proof> {
    regex!(
        AUTH,
        r"(?m)^\s*(\S*?)(_authToken|_auth|_password)\s*=\s*(\S+)\s*$"
    );
    let text = plain(resp)?;
    let found: Vec<String> = AUTH
        .captures_iter(&text)
        .filter(|c| real_value(&c[3]))
        .map(|c| format!("{}{}={}", &c[1], &c[2], redact(&c[3])))
        .collect();
    (!found.is_empty()).then(|| Proof::new(format!("registry credentials: {}", found.join(", "))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(body: &str) -> HttpResponse {
        HttpResponse::sample(200, body.to_string())
    }

    #[test]
    fn credential_files() {
        assert!(htpasswd(&resp("admin:$apr1$abc$def\nbob:{SHA}xyz=\n")).is_some());
        assert!(htpasswd(&resp("just: some yaml\n")).is_none());
        let gc = git_credentials(&resp("https://me:tok_abcdefghijkl@github.com\n")).unwrap();
        assert!(!gc.evidence.contains("abcdefghijkl"));
        let npm = npmrc(&resp(
            "//registry.npmjs.org/:_authToken=npm_abcdefghijklmnop\n",
        ))
        .unwrap();
        assert!(!npm.evidence.contains("abcdefghijklmnop"));
        assert!(npmrc(&resp("//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n")).is_none());
    }
}
