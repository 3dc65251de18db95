//! Keeping secrets out of evidence: credentials in URLs, tokens of well-known formats and secret-named
//! assignments in text read from a site are replaced by their [`redact`]ed form before a finding stores them.

use regex::{Captures, Regex};
use std::sync::LazyLock;

/// A URL with user information: scheme, `user[:password]`, and the rest from the host on.
static USERINFO: LazyLock<Regex> = LazyLock::new(|| {
    crate::engine::pattern::compile(
        r#"\b([a-zA-Z][a-zA-Z0-9+.-]*://)([^\s/?#@'"<>`\\]+)@([^\s/?#@'"<>`\\][^\s'"<>`]*)"#,
    )
});

/// An `Authorization` bearer token quoted in text.
static BEARER: LazyLock<Regex> =
    LazyLock::new(|| crate::engine::pattern::compile(r"(?i-u)\b(bearer\s+)([\w.~+/-]{8,}=*)"));

/// Tokens whose format names them wherever they appear: every prefixed format the `secrets` check detects (GitHub,
/// GitLab, Slack, Stripe, AWS, npm, PyPI, Google, OpenAI, Anthropic and other AI providers, cloud and SaaS tokens,
/// webhooks, JWTs). ASCII classes: the formats are ASCII, and a Unicode `\w{20,}` costs 40 ms to compile.
static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    crate::engine::pattern::compile(concat!(
        r"(?-u)\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|glpat-[\w-]{20,}|xox[abeoprs]-[\w-]{10,}",
        r"|xoxe\.xox[bp]-[\w-]{10,}|xapp-[\w-]{10,}|gl(?:dt|rt|ptt|oas|cbt|ft|imt|agent|soat|ffct)-[\w-]{20,}",
        r"|GR1348941[\w-]{20,}|[spr]k_(?:live|test)_\w{10,}|whsec_[\w+/=]{20,}|(?:AKIA|ASIA)[0-9A-Z]{16}",
        r"|npm_[A-Za-z0-9]{30,}|pypi-[\w-]{50,}|AIza[\w-]{30,}|sk-(?:proj-|ant-)?[\w-]{20,}|hf_[A-Za-z0-9]{30,}",
        r"|api_org_[A-Za-z]{30,}|gsk_[A-Za-z0-9]{40,}|r8_[A-Za-z0-9]{30,}|pplx-[A-Za-z0-9]{40,}|xai-[A-Za-z0-9]{60,}",
        r"|GOCSPX-[\w-]{20,}|AAAA[\w-]{7}:APA91b[\w-]{100,}|(?:AccountKey|SharedAccessKey)=[A-Za-z0-9+/=]{40,}",
        r"|[\w~.]{3}[0-9]Q~[\w~.-]{31,34}|do[por]_v1_[a-f0-9]{64}|HRKU-[\w-]{40,}|dapi[a-f0-9]{32}",
        r"|[A-Za-z0-9]{14}\.atlasv1\.[\w=-]{60,}|hv[sb]\.[\w-]{90,}|pul-[a-f0-9]{40}|pscale_(?:tkn|pw|oauth)_[\w.=-]{32,}",
        r"|dp\.(?:pt|st|ct|sa|scim|audit)\.[A-Za-z0-9]{40,}|ops_eyJ[A-Za-z0-9+/]{100,}={0,3}|sb_secret_[\w-]{20,}",
        r"|sbp_[a-f0-9]{40}|AGE-SECRET-KEY-1[0-9A-Z]{58}|LTAI[A-Za-z0-9]{12,20}|SG\.[\w-]{22}\.[\w-]{43}",
        r"|key-[a-f0-9]{32}|[a-f0-9]{32}-us[0-9]{1,2}|xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}|shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}",
        r"|EAAA[\w-]{60}|sq0(?:atp|csp)-[\w-]{22,}|PMAK-[a-f0-9]{24}-[a-f0-9]{34}|lin_api_[A-Za-z0-9]{40}",
        r"|ATATT3[\w=-]{100,}|sntry[su]_[\w+/=]{40,}|NRAK-[A-Z0-9]{27}|glc_[A-Za-z0-9+/]{32,}={0,3}",
        r"|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|sl\.[\w.=-]{130,}|ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43}",
        r"|pat[A-Za-z0-9]{14}\.[a-f0-9]{64}|sk\.eyJ[\w-]{20,}\.[\w-]{20,}|A{22}[A-Za-z0-9%]{60,}",
        r"|hooks\.slack\.com/(?:services|workflows|triggers)/[\w/+-]{20,}|discord(?:app)?\.com/api/webhooks/[0-9]+/[\w-]{20,}",
        r"|[\w-]+\.webhook\.office\.com/webhookb2/[\w@/-]{40,}|[MNO][\w-]{23,25}\.[\w-]{6}\.[\w-]{27,38}",
        r"|[0-9]{8,10}:AA[\w-]{30,}|eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,})"
    ))
});

/// A PEM private key block: its base64 body is dropped, the type kept.
static PEM: LazyLock<Regex> = LazyLock::new(|| {
    crate::engine::pattern::compile(
        r"(-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----)(?:[A-Za-z0-9+/=:,. \t\r\n-]|\\[rn])+?(-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----)",
    )
});

/// `name = value` or `name: value` where the name says the value is a secret.
static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    crate::engine::pattern::compile(concat!(
        r#"(?i)(?-u:\b)((?-u:[\w.-])*(?-u:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key"#,
        r#"|private[_-]?key|credential|authorization)(?-u:[\w.-])*)(["']?\s*[:=]\s*["']?)([^\s"'`,;<>]{4,})"#
    ))
});

/// Vendor prefixes that are recognised even on short secrets or before a body of plain letters.
const VENDOR_PREFIXES: &[&str] = &[
    "AKIA",
    "ASIA",
    "AIza",
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "rk_test_",
    "pk_live_",
    "pk_test_",
    "whsec_",
    "ghp_",
    "gho_",
    "ghu_",
    "ghs_",
    "ghr_",
    "github_",
    "github_pat_",
    "glpat-",
    "xoxb-",
    "xoxp-",
    "xoxa-",
    "xoxe-",
    "xoxr-",
    "xoxs-",
    "xoxo-",
    "xoxe.xoxp-",
    "xoxe.xoxb-",
    "xapp-",
    "npm_",
    "pypi-",
    "hf_",
    "sk-ant-",
    "sk-ant-api03-",
    "sk-ant-admin01-",
    "sk-proj-",
    "sk-svcacct-",
    "sk-admin-",
    "sk-",
    "shpat_",
    "shpca_",
    "shppa_",
    "shpss_",
    "gldt-",
    "glrt-",
    "glptt-",
    "gloas-",
    "glcbt-",
    "glft-",
    "glimt-",
    "glagent-",
    "glsoat-",
    "glffct-",
    "GR1348941",
    "GOCSPX-",
    "dop_v1_",
    "doo_v1_",
    "dor_v1_",
    "HRKU-",
    "dapi",
    "hvs.",
    "hvb.",
    "pul-",
    "pscale_tkn_",
    "pscale_pw_",
    "pscale_oauth_",
    "dp.pt.",
    "dp.st.",
    "dp.ct.",
    "dp.sa.",
    "dp.scim.",
    "dp.audit.",
    "ops_",
    "sb_secret_",
    "sbp_",
    "AGE-SECRET-KEY-1",
    "LTAI",
    "api_org_",
    "gsk_",
    "r8_",
    "pplx-",
    "xai-",
    "SG.",
    "key-",
    "xkeysib-",
    "EAAA",
    "sq0atp-",
    "sq0csp-",
    "PMAK-",
    "lin_api_",
    "ATATT3",
    "sntrys_",
    "sntryu_",
    "NRAK-",
    "glc_",
    "glsa_",
    "sl.",
    "ntn_",
    "secret_",
    "sk.",
    "AAAAAAAAAAAAAAAAAAAAAA",
    "AccountKey=",
    "SharedAccessKey=",
    "eyJ",
];

/// How many leading characters of `chars` name the vendor: a known prefix, or the run up to the last `_` or `-`
/// within the first 10 characters when it reads like one (one or two short words of letters) and what follows
/// looks generated (a digit, or 16 characters or more). A passphrase's first words or a UUID's first group are not
/// a prefix.
pub fn vendor_prefix(chars: &[char]) -> usize {
    let known = known_prefix(chars);
    if known > 0 {
        return known;
    }
    let is_sep = |c: &char| *c == '_' || *c == '-';
    let Some(end) = chars.iter().take(10).rposition(is_sep).map(|i| i + 1) else {
        return 0;
    };
    let words: Vec<&[char]> = chars[..end - 1].split(is_sep).collect();
    let vendor_like = words.len() <= 2
        && words
            .iter()
            .all(|w| (1..=6).contains(&w.len()) && w.iter().all(char::is_ascii_alphabetic));
    let body = &chars[end..];
    let generated = body.iter().any(char::is_ascii_digit) || body.len() >= 16;
    if vendor_like && generated { end } else { 0 }
}

/// How many leading characters of `chars` are a known vendor prefix (`sk_live_`, `ghp_`, `AKIA`), else 0.
pub fn known_prefix(chars: &[char]) -> usize {
    let text: String = chars.iter().collect();
    VENDOR_PREFIXES
        .iter()
        .filter(|p| text.starts_with(*p) && chars.len() > p.len())
        .map(|p| p.chars().count())
        .max()
        .unwrap_or(0)
}

/// Like [`redact`], but only a known vendor prefix is shown (a random value's first characters never are), and a
/// URL keeps its scheme and host: `https://hooks.slack.com/…Xpu2`.
pub fn redact_known(secret: &str) -> String {
    if let Some((scheme, rest)) = secret.split_once("://")
        && let Some((host, path)) = rest.split_once('/')
        && !host.contains('@')
    {
        let path: Vec<char> = path.chars().collect();
        let last: String = if path.len() >= 16 {
            path[path.len() - 4..].iter().collect()
        } else {
            String::new()
        };
        return format!("{scheme}://{host}/…{last}");
    }
    let chars: Vec<char> = secret.chars().collect();
    let prefix = known_prefix(&chars);
    let body = chars.len() - prefix;
    let shown: String = chars[..prefix].iter().collect();
    let last: String = if chars.len() >= 16 && body >= 16 {
        chars[chars.len() - 4..].iter().collect()
    } else {
        String::new()
    };
    format!("{shown}…{last}")
}

/// A URL with user information found in text.
#[derive(Debug, Clone, PartialEq)]
pub struct UrlCredentials {
    /// The URL from its scheme to its host, with the user information redacted.
    pub shown: String,
    /// True when it carries a credential: a password, or a user name that is a token.
    pub secret: bool,
}

/// The user information `user[:password]` with each part redacted (already redacted parts are left alone).
fn redact_userinfo(userinfo: &str) -> String {
    let part = |p: &str| {
        if p.is_empty() || p.contains('…') {
            p.to_string()
        } else {
            redact(p)
        }
    };
    match userinfo.split_once(':') {
        Some((user, password)) => format!("{}:{}", part(user), part(password)),
        None => part(userinfo),
    }
}

/// `text` with the user name and password of every URL in it redacted: `https://…:ghp_…@github.com/`.
pub fn redact_urls(text: &str) -> String {
    USERINFO
        .replace_all(text, |c: &Captures| {
            format!("{}{}@{}", &c[1], redact_userinfo(&c[2]), &c[3])
        })
        .into_owned()
}

/// The URLs in `text` that have user information, each shown redacted and marked when it carries a credential.
pub fn url_credentials(text: &str) -> Vec<UrlCredentials> {
    USERINFO
        .captures_iter(text)
        .map(|c| {
            let userinfo = &c[2];
            let secret = match userinfo.split_once(':') {
                Some((_, password)) => !password.is_empty(),
                None => looks_like_token(userinfo),
            };
            UrlCredentials {
                shown: format!("{}{}@{}", &c[1], redact_userinfo(userinfo), &c[3]),
                secret,
            }
        })
        .collect()
}

/// The first token of a well-known format in `text` (a GitHub, Stripe, AWS... key), redacted.
pub fn known_token(text: &str) -> Option<String> {
    TOKEN.find(text).map(|m| redact(m.as_str()))
}

/// True for a value that is a token rather than a name: a known token format, or 20 or more characters of
/// letters and digits (with `_` or `-`) holding at least two of each.
pub fn looks_like_token(value: &str) -> bool {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let letters = value.chars().filter(char::is_ascii_alphabetic).count();
    let charset = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    TOKEN.find(value).is_some_and(|m| m.len() == value.len())
        || (value.len() >= 20 && charset && digits >= 2 && letters >= 2)
}

/// `text` with URL credentials, well-known tokens and the values of secret-named assignments redacted: for
/// evidence quoting a site's own text (an instruction file's first line, an error page).
pub fn scrub(text: &str) -> String {
    let text = redact_urls(text);
    let text = PEM.replace_all(&text, |c: &Captures| format!("{}…{}", &c[1], &c[2]));
    let text = TOKEN.replace_all(&text, |c: &Captures| redact(&c[0]));
    let text = BEARER.replace_all(&text, |c: &Captures| format!("{}{}", &c[1], redact(&c[2])));
    ASSIGNMENT
        .replace_all(&text, |c: &Captures| {
            let value = &c[3];
            let shown = if value.contains('…') || value.starts_with("${") {
                value.to_string()
            } else {
                redact(value)
            };
            format!("{}{}{shown}", &c[1], &c[2])
        })
        .into_owned()
}

/// Shows a secret without giving it away: its vendor prefix if it has one (`sk_live_`, `ghp_`, `xoxb-`, `AKIA`),
/// `…`, then its last four characters only when at least 16 characters follow the prefix, so never more than a
/// quarter of what is secret: `sk_live_…1234`, `ghp_…`, `…`.
pub fn redact(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    let prefix = vendor_prefix(&chars);
    let body = chars.len() - prefix;
    let shown: String = chars[..prefix].iter().collect();
    let last: String = if chars.len() >= 16 && body >= 16 {
        chars[chars.len() - 4..].iter().collect()
    } else {
        String::new()
    };
    format!("{shown}…{last}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: a remote with the token as its user name and no password was shown in full.
    #[test]
    fn a_token_as_the_user_name_is_a_credential() {
        let found = url_credentials(
            "url = https://ghp_Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa@github.com/acme/shop.git",
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].secret);
        assert_eq!(found[0].shown, "https://ghp_…DcBa@github.com/acme/shop.git");
        let found = url_credentials("https://deploy:s3cr3t-Pa55word-xyz@git.acme.test/a.git");
        assert!(found[0].secret && !found[0].shown.contains("s3cr3t"));
        assert_eq!(found[0].shown, "https://…:…-xyz@git.acme.test/a.git");
        let plain = url_credentials("ssh://git@github.com/acme/shop.git");
        assert!(!plain[0].secret, "a user name alone is not a credential");
        assert_eq!(plain[0].shown, "ssh://…@github.com/acme/shop.git");
        assert!(url_credentials("git@github.com:acme/shop.git").is_empty());
        assert!(url_credentials("https://github.com/a?mail=a@b.test").is_empty());
    }

    #[test]
    fn tokens_and_names_are_told_apart() {
        assert!(looks_like_token("ghp_Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa"));
        assert!(looks_like_token("glpat-AbCdEfGhIj0123456789"));
        assert!(looks_like_token("4f9c2a7e1b3d5c6a8e0f2b4d6c8a0e1f3b5d7c9a"));
        for name in [
            "git",
            "deploy",
            "alice",
            "x-access-token",
            "firstname.lastname2024",
        ] {
            assert!(!looks_like_token(name), "{name}");
        }
    }

    #[test]
    fn scrub_redacts_what_a_site_text_may_carry() {
        let text = "Deploy with https://bot:hunter2hunter2@ci.acme.test and API_KEY=sk_live_0123456789abcdefXYZ, \
                    token ghp_Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa; password: \"correct horse\"";
        let shown = scrub(text);
        for secret in [
            "hunter2hunter2",
            "0123456789abcdef",
            "Zy9Xw8Vu7Ts6Rq5",
            "correct",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(
            shown.contains("API_KEY=sk_live_…") && shown.contains("@ci.acme.test"),
            "{shown}"
        );
        assert_eq!(
            scrub("Run npm test before you commit."),
            "Run npm test before you commit."
        );
        assert_eq!(scrub(&shown), shown, "scrubbing twice changes nothing");
    }

    /// Regression: `hunter2abc` was shown as `hun…2abc`, 7 of its 10 characters.
    #[test]
    fn redact_showed_seven_of_ten_characters() {
        assert_eq!(redact("hunter2abc"), "…");
        assert_eq!(redact("short"), "…");
        assert_eq!(redact("abcdefghijklm"), "…", "13 to 15 characters: no tail");
        assert_eq!(redact("0123456789abcdef"), "…cdef");
        assert_eq!(
            redact("sk_live_51HxYzAbCdEfGhIjKlMnOp1234"),
            "sk_live_…1234"
        );
        assert_eq!(redact("ghp_0123456789abcdefghij"), "ghp_…ghij");
        assert_eq!(redact("ghp_0123456789"), "ghp_…", "a tail only after 16");
        assert_eq!(redact("xoxb-1234-5678-abcdefghij"), "xoxb-…ghij");
        assert_eq!(redact("AKIAIOSFODNN7EXAMPLE"), "AKIA…MPLE");
        assert_eq!(redact("sk_live_abcd"), "sk_live_…");
        assert_eq!(
            redact("abc_8Fh3kLm2"),
            "abc_…",
            "an unknown vendor's prefix"
        );
    }

    #[test]
    fn redact_never_mistakes_words_or_uuids_for_a_vendor_prefix() {
        assert_eq!(redact("lab-not-a-real-password"), "…word");
        assert_eq!(redact("correct-horse-battery"), "…tery");
        assert_eq!(redact("horse-battery-staple"), "…aple");
        assert_eq!(redact("hunter-abc"), "…");
        assert_eq!(redact("550e8400-e29b-41d4-a716-446655440000"), "…0000");
        for secret in [
            "hunter2abc",
            "sk_live_51HxYzAbCdEfGhIjKlMnOp1234",
            "ghp_abcdefghijklmnopqrstuvwxyz",
            "p@ssw0rd-very-long-and-secret",
            "AKIAIOSFODNN7EXAMPLE",
        ] {
            let shown = redact(secret);
            let prefix = shown.split('…').next().unwrap().chars().count();
            let tail = shown.split('…').nth(1).unwrap().chars().count();
            let body = secret.chars().count() - prefix;
            assert!(tail * 4 <= body, "{secret} -> {shown}");
            assert!(secret.starts_with(shown.split('…').next().unwrap()));
        }
    }

    #[test]
    fn redact_known_shows_only_known_prefixes() {
        assert_eq!(redact_known("O-Zq8vN2rT5wXk9LmP4sYb7HcJ3dFg6h"), "…Fg6h");
        assert_eq!(
            redact("O-Zq8vN2rT5wXk9LmP4sYb7HcJ3dFg6h"),
            "O-…Fg6h",
            "the heuristic"
        );
        assert_eq!(
            redact_known("ghp_Zq8vN2rT5wXk9LmP4sYb7HcJ3dFg6hK1mN0p"),
            "ghp_…mN0p"
        );
        assert_eq!(
            redact_known(
                "https://hooks.slack.com/services/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"
            ),
            "https://hooks.slack.com/…7HcJ"
        );
        assert_eq!(
            redact_known("AGE-SECRET-KEY-1QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"),
            "AGE-SECRET-KEY-1…UA7L"
        );
    }

    #[test]
    fn every_detected_format_is_scrubbed_from_evidence() {
        for token in [
            "sk-ant-api03-Zq8vN2rT5wXk9LmP4sYb7HcJ3dFg6hK1mN0pQ2sT4vW",
            "gsk_Zq8vN2rT5wXk9LmP4sYb7HcJ3dFg6hK1mN0pQ2sT4vWx8Yz1A2b3C4d",
            "dop_v1_4f9c2a7e1b3d5c6a8e0f2b4d6c8a0e1f4f9c2a7e1b3d5c6a8e0f2b4d6c8a0e1f",
            "SG.Zq8vN2rT5wXk9LmP4sYb7H.cJ3dFg6hK1mN0pQ2sT4vWx8Yz1A2b3C4d5E6f7G8h9Ij",
            "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",
            "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoic2VydmljZV9yb2xlIn0.Zq8vN2rT5wXk9LmP4sYb7H",
            "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",
        ] {
            let shown = scrub(&format!("found {token} here"));
            assert!(!shown.contains(&token[token.len() - 12..]), "{shown}");
        }
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAZq8vN2rT5wXk9LmP4sYb7HcJ3dFg6h\n-----END RSA PRIVATE KEY-----";
        assert_eq!(
            scrub(pem),
            "-----BEGIN RSA PRIVATE KEY-----…-----END RSA PRIVATE KEY-----"
        );
    }

    #[test]
    fn redact_shows_at_most_the_vendor_prefix_and_four_last_characters() {
        assert_eq!(
            redact("sk_live_51HxYzAbCdEfGhIjKlMnOp1234"),
            "sk_live_…1234"
        );
        assert_eq!(redact("short"), "…");
        assert!(!redact("AKIAIOSFODNN7EXAMPLE").contains("IOSFODNN7"));
    }
}
