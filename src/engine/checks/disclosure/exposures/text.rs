//! Verifiers for exposed text files: repository metadata, .env files, PHP configuration backups and credential
//! files. Each returns a proof only when the content is unmistakably that file; values are redacted.

use super::super::{looks_like_html, real_value, secret_name};
use super::Proof;
use crate::engine::context::redact;
use crate::engine::net::HttpResponse;
use crate::engine::redaction::{redact_urls, url_credentials};
use crate::model::Severity;

/// Text of a response that is not an HTML page and holds no NUL bytes.
pub(super) fn plain(resp: &HttpResponse) -> Option<String> {
    let text = resp.text();
    (!looks_like_html(&text) && !text.contains('\0')).then(|| text.into_owned())
}

pub(super) fn git_head(resp: &HttpResponse) -> Option<Proof> {
    regex!(HEAD, r"^(ref: refs/[\w./-]+|[0-9a-f]{40}|[0-9a-f]{64})$");
    let text = plain(resp)?;
    let head = text.trim();
    (head.len() <= 200 && HEAD.is_match(head)).then(|| Proof::new(format!("HEAD is \"{head}\"")))
}

pub(super) fn git_config(resp: &HttpResponse) -> Option<Proof> {
    regex!(CORE, r"(?m)^\s*\[core\]\s*$");
    regex!(
        SETTING,
        r"(?m)^\s*(repositoryformatversion|bare|filemode)\s*="
    );
    regex!(URL, r"(?m)^\s*url\s*=\s*(\S+)");
    let text = plain(resp)?;
    if !CORE.is_match(&text) || !SETTING.is_match(&text) {
        return None;
    }
    let mut proof = Proof::new("a Git config with a [core] section");
    for remote in URL.captures_iter(&text).take(3) {
        // A password or a token as the user name: whoever reads the file can push as its owner.
        match url_credentials(&remote[1]).into_iter().find(|u| u.secret) {
            Some(url) => {
                proof.evidence += &format!("; remote URL with credentials: {}", url.shown);
                proof.severity = Some(Severity::Critical);
            }
            None => proof.evidence += &format!("; remote {}", redact_urls(&remote[1])),
        }
    }
    Some(proof)
}

pub(super) fn svn_entries(resp: &HttpResponse) -> Option<Proof> {
    let text = plain(resp)?;
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let format: u8 = lines.first()?.parse().ok()?;
    let alone = lines.iter().skip(1).all(|l| l.is_empty());
    let old_format = lines.get(2) == Some(&"dir");
    ((8..=12).contains(&format) && (alone || old_format)).then(|| {
        let repo = lines.get(4).filter(|l| l.contains("://"));
        let repo = repo
            .map(|r| format!(", repository {}", redact_urls(r)))
            .unwrap_or_default();
        Proof::new(format!("Subversion entries file, format {format}{repo}"))
    })
}

pub(super) fn hg_requires(resp: &HttpResponse) -> Option<Proof> {
    const KNOWN: &[&str] = &[
        "revlogv1",
        "revlogv2",
        "store",
        "fncache",
        "dotencode",
        "generaldelta",
        "sparserevlog",
        "share-safe",
        "persistent-nodemap",
        "revlog-compression-zstd",
        "treemanifest",
        "shared",
        "relshared",
        "lfs",
        "largefiles",
        "dirstate-v2",
        "changelogv2",
        "bookmarksinstore",
    ];
    let text = plain(resp)?;
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let ok = !lines.is_empty()
        && lines.iter().all(|l| KNOWN.contains(l))
        && lines
            .iter()
            .any(|l| ["revlogv1", "revlogv2", "store"].contains(l));
    ok.then(|| Proof::new(format!("Mercurial requirements: {}", lines.join(", "))))
}

/// A `.env`: nearly every line is `NAME=value`. Evidence shows the names with redacted values.
pub(super) fn env(resp: &HttpResponse) -> Option<Proof> {
    regex!(
        VAR,
        r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$"
    );
    let text = plain(resp)?;
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let vars: Vec<(String, String)> = lines
        .iter()
        .filter_map(|l| VAR.captures(l))
        .map(|c| (c[1].to_string(), c[2].trim().to_string()))
        .collect();
    if vars.len() < 2 || vars.len() * 10 < lines.len() * 8 {
        return None;
    }
    let secret = vars.iter().any(|(k, v)| secret_name(k) && real_value(v));
    let shown: Vec<String> = vars.iter().take(8).map(|(k, v)| show(k, v)).collect();
    let proof = Proof::new(format!("{} variables: {}", vars.len(), shown.join(", ")));
    Some(if secret {
        proof
    } else {
        proof.severity(Severity::High)
    })
}

/// `NAME=<redacted value>`.
fn show(name: &str, value: &str) -> String {
    let value = value.trim_matches(['"', '\'']);
    if value.is_empty() {
        format!("{name}=")
    } else {
        format!("{name}={}", redact(value))
    }
}

/// PHP source served as text: `<?php` with database settings or secrets.
pub(super) fn php_config(resp: &HttpResponse) -> Option<Proof> {
    regex!(
        DEFINE,
        r#"(?i)define\s*\(\s*['"](\w+)['"]\s*,\s*['"]([^'"]*)['"]"#
    );
    regex!(
        ASSIGN,
        r#"(?i)\$(\w*(?:pass|secret|key|user|host|db)\w*)\s*=\s*['"]([^'"]*)['"]"#
    );
    let text = plain(resp)?;
    if !text.to_ascii_lowercase().contains("<?php") {
        return None;
    }
    let settings: Vec<(String, String)> = DEFINE
        .captures_iter(&text)
        .chain(ASSIGN.captures_iter(&text))
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .filter(|(k, _)| {
            secret_name(k)
                || k.to_ascii_uppercase().starts_with("DB_")
                || k.to_ascii_lowercase().contains("pass")
        })
        .collect();
    if settings.is_empty() {
        return None;
    }
    let secret = settings
        .iter()
        .any(|(k, v)| (secret_name(k) || k.to_ascii_lowercase().contains("pass")) && real_value(v));
    let shown: Vec<String> = settings.iter().take(6).map(|(k, v)| show(k, v)).collect();
    let proof = Proof::new(format!("PHP source with settings: {}", shown.join(", ")));
    Some(if secret {
        proof
    } else {
        proof.severity(Severity::High)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(body: &str) -> HttpResponse {
        HttpResponse::sample(200, body.to_string())
    }

    #[test]
    fn git_files() {
        assert!(git_head(&resp("ref: refs/heads/main\n")).is_some());
        assert!(git_head(&resp(&"a".repeat(40))).is_some());
        assert!(git_head(&resp("<html><body>ref: refs/heads/main</body></html>")).is_none());
        assert!(git_head(&resp("ref: refs/heads/main\nand more text here")).is_none());
        let cfg = "[core]\n\trepositoryformatversion = 0\n[remote \"origin\"]\n\turl = https://bot:ghp_0123456789abcdefghij@github.com/a/b.git\n";
        let proof = git_config(&resp(cfg)).unwrap();
        assert_eq!(proof.severity, Some(Severity::Critical));
        assert!(
            !proof.evidence.contains("0123456789abcdef"),
            "{}",
            proof.evidence
        );
        assert!(git_config(&resp("[core] is a word in this text")).is_none());
    }

    /// Regression: `https://ghp_TOKEN@github.com/...` (the token as the user name, no password) was shown in full
    /// and the finding stayed high.
    #[test]
    fn git_remote_with_a_token_as_user_name_was_shown_and_not_critical() {
        let cfg = "[core]\n\trepositoryformatversion = 0\n[remote \"origin\"]\n\turl = https://ghp_Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa@github.com/acme/shop.git\n";
        let proof = git_config(&resp(cfg)).unwrap();
        assert_eq!(proof.severity, Some(Severity::Critical));
        assert!(
            proof.evidence.ends_with(
                "remote URL with credentials: https://ghp_…DcBa@github.com/acme/shop.git"
            ),
            "{}",
            proof.evidence
        );
        let named = "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = https://alice@github.com/acme/shop.git\n";
        let proof = git_config(&resp(named)).unwrap();
        assert_eq!(proof.severity, None, "a user name alone is no credential");
        assert!(
            proof
                .evidence
                .ends_with("remote https://…@github.com/acme/shop.git"),
            "{}",
            proof.evidence
        );
    }

    #[test]
    fn env_files_show_names_not_values() {
        let proof = env(&resp(
            "# app\nAPP_ENV=production\nDB_PASSWORD=correct-horse-battery\nexport PORT=80\n",
        ))
        .unwrap();
        assert_eq!(
            proof.severity, None,
            "a password makes it critical (the rule's default)"
        );
        assert!(
            proof.evidence.contains("DB_PASSWORD=")
                && !proof.evidence.contains("correct-horse-battery")
        );
        assert_eq!(
            env(&resp("APP_ENV=dev\nPORT=3000\n")).unwrap().severity,
            Some(Severity::High)
        );
        assert!(env(&resp("Hello there\nthis is prose\nA=1\n")).is_none());
        assert!(env(&resp("<!doctype html><p>A=1</p>\nB=2\n")).is_none());
    }

    #[test]
    fn php_configuration() {
        let wp =
            "<?php\ndefine( 'DB_NAME', 'wp' );\ndefine( 'DB_PASSWORD', 's3cr3t-pass-word' );\n";
        let proof = php_config(&resp(wp)).unwrap();
        assert!(proof.severity.is_none() && !proof.evidence.contains("s3cr3t-pass"));
        assert!(php_config(&resp("<?php echo 'hello';")).is_none());
    }
}
