//! Source hosting, package registries, developer tools and monitoring: GitHub, GitLab, npm, PyPI, Postman, Linear,
//! Atlassian, Sentry, New Relic, Datadog, Grafana. GitHub and npm tokens carry a CRC32 checksum, verified here:
//! a token whose checksum fails cannot be a real one.

use super::super::detect::Tweak;
use super::{OWASP, ROTATE, checked, named, token};
use crate::model::Severity;

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// True when the last six characters of a GitHub or npm token are the base62 CRC32 of the 30 before them.
pub fn checksum_ok(token: &str) -> bool {
    let Some((_, tail)) = token.split_once('_') else {
        return false;
    };
    if tail.len() != 36 || !tail.is_ascii() {
        return false;
    }
    let (random, check) = tail.split_at(30);
    let mut crc = flate2::Crc::new();
    crc.update(random.as_bytes());
    base62(crc.sum()) == check
}

/// `n` in base62, left-padded with `0` to six characters.
pub fn base62(mut n: u32) -> String {
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn github(token: &str) -> Option<Tweak> {
    checksum_ok(token).then(Tweak::default)
}

/// Installation and user-to-server tokens expire within hours.
fn github_app(token: &str) -> Option<Tweak> {
    checksum_ok(token).then_some(Tweak {
        severity: None,
        note: Some(if token.starts_with("ghs_") {
            "installation token, valid for an hour"
        } else {
            "user-to-server token, valid for eight hours"
        }),
    })
}

fn gitlab_other(token: &str) -> Option<Tweak> {
    let deploy_or_runner = ["gldt-", "glrt-", "GR1348941", "glcbt-", "glagent-"]
        .iter()
        .any(|p| token.starts_with(p));
    Some(Tweak {
        severity: (!deploy_or_runner).then_some(Severity::Medium),
        note: None,
    })
}

const GITHUB: &str = "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/token-expiration-and-revocation";

formats! { ai: false;
    GITHUB_PAT "github-pat", Secrets Critical, "GitHub personal access token",
        "With it, anyone can act as its owner on GitHub as far as its scopes go: read private repositories, push code and change workflows (a supply-chain compromise).",
        fix ROTATE,
        refs [GITHUB, OWASP],
        keys ["ghp_"],
        checked(r"\b(ghp_[A-Za-z0-9]{36})\b", 3.0, github);
    GITHUB_FINE "github-fine-grained-pat", Secrets Critical, "GitHub fine-grained personal access token",
        "With it, anyone can act as its owner on the repositories and with the permissions it was granted, pushing code included.",
        fix ROTATE,
        refs [GITHUB, OWASP],
        keys ["github_pat_"],
        token(r"\b(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b", 3.5);
    GITHUB_OAUTH "github-oauth-token", Secrets High, "GitHub OAuth access token",
        "With it, anyone can act as the user who authorised the OAuth app, with the app's scopes.",
        fix ROTATE,
        refs [GITHUB, OWASP],
        keys ["gho_"],
        checked(r"\b(gho_[A-Za-z0-9]{36})\b", 3.0, github);
    GITHUB_APP "github-app-token", Secrets Medium, "GitHub App token",
        "With it, anyone can act as the GitHub App installation (or as the user through the app) until it expires.",
        fix ROTATE,
        refs [GITHUB, OWASP],
        keys ["ghs_", "ghu_"],
        checked(r"\b(gh[su]_[A-Za-z0-9]{36})\b", 3.0, github_app);
    GITHUB_REFRESH "github-refresh-token", Secrets High, "GitHub refresh token",
        "With it, anyone can obtain new user-to-server tokens for the user.",
        fix ROTATE,
        refs [GITHUB, OWASP],
        keys ["ghr_"],
        checked(r"\b(ghr_[A-Za-z0-9]{36})\b", 3.0, github);
    GITLAB_PAT "gitlab-pat", Secrets Critical, "GitLab personal access token",
        "With it, anyone can act as its owner on GitLab as far as its scopes go: read private projects, push code, run pipelines.",
        fix ROTATE,
        refs ["https://docs.gitlab.com/user/profile/personal_access_tokens/", OWASP],
        keys ["glpat-"],
        token(r"\b(glpat-[\w-]{20,300}(?:\.[0-9a-z]{9})?)(?:[^\w.-]|$)", 3.0);
    GITLAB "gitlab-token", Secrets High, "GitLab token",
        "Deploy, runner, trigger, CI job, OAuth application and feed tokens each let anyone act on the projects they belong to: pull code and packages, register runners that receive CI secrets, or start pipelines.",
        fix ROTATE,
        refs ["https://docs.gitlab.com/security/tokens/", OWASP],
        keys ["gldt-", "glrt-", "glptt-", "gloas-", "glcbt-", "glft-", "glimt-", "glagent-", "glsoat-", "glffct-", "gr1348941"],
        checked(r"\b((?:gldt|glrt|glptt|gloas|glcbt|glft|glimt|glagent|glsoat|glffct)-[\w-]{20,300}|GR1348941[\w-]{20})(?:[^\w-]|$)", 3.0, gitlab_other);
    NPM "npm-token", Secrets Critical, "npm access token",
        "With it, anyone can publish new versions of your packages: malware delivered to everyone who installs them.",
        fix ROTATE,
        refs ["https://docs.npmjs.com/revoking-access-tokens", OWASP],
        keys ["npm_"],
        checked(r"\b(npm_[A-Za-z0-9]{36})\b", 3.0, github);
    PYPI "pypi-token", Secrets Critical, "PyPI API token",
        "With it, anyone can upload new releases of your packages: malware delivered to everyone who installs them.",
        fix ROTATE,
        refs ["https://pypi.org/help/#apitoken", OWASP],
        keys ["pypi-ageichlwas5vcmc"],
        token(r"\b(pypi-AgEIcHlwaS5vcmc[\w-]{50,})", 4.0);
    POSTMAN "postman-api-key", Secrets High, "Postman API key",
        "With it, anyone can read your workspaces' collections and environments, which often hold more credentials.",
        fix ROTATE,
        refs ["https://learning.postman.com/docs/developer/postman-api/authentication/", OWASP],
        keys ["pmak-"],
        token(r"\b(PMAK-[a-f0-9]{24}-[a-f0-9]{34})\b", 3.0);
    LINEAR "linear-api-key", Secrets High, "Linear API key",
        "With it, anyone can read and change every issue and project the owner can.",
        fix ROTATE,
        refs ["https://linear.app/docs/api-and-webhooks", OWASP],
        keys ["lin_api_"],
        token(r"\b(lin_api_[A-Za-z0-9]{40})\b", 3.5);
    ATLASSIAN "atlassian-api-token", Secrets High, "Atlassian API token",
        "With it, anyone can act as its owner in Jira and Confluence: read and change issues and pages.",
        fix ROTATE,
        refs ["https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/", OWASP],
        keys ["atatt3"],
        token(r"\b(ATATT3[\w=-]{180,200})(?:[^\w=-]|$)", 4.0);
    SENTRY "sentry-auth-token", Secrets High, "Sentry auth token",
        "With it, anyone can read your error reports (with the user data and request details they hold) and upload source maps or releases. A DSN is public by design; this is not a DSN.",
        fix ROTATE,
        refs ["https://docs.sentry.io/account/auth-tokens/", OWASP],
        keys ["sntrys_", "sntryu_"],
        token(r"\b(sntrys_eyJ[\w+/=]{40,400}|sntryu_[a-f0-9]{64})(?:[^\w+/=]|$)", 3.5);
    NEW_RELIC "new-relic-api-key", Secrets High, "New Relic user API key",
        "With it, anyone can query your telemetry and change the account's configuration. Browser license keys (NRJS-) are public by design; this is not one.",
        fix ROTATE,
        refs ["https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/", OWASP],
        keys ["nrak-"],
        token(r"\b(NRAK-[A-Z0-9]{27})\b", 3.5);
    DATADOG "datadog-api-key", Secrets High, "Datadog API or application key",
        "With it, anyone can send data to your account, and with an application key read dashboards, logs and monitors. Browser client tokens (pub...) are public by design; this is not one.",
        fix ROTATE,
        refs ["https://docs.datadoghq.com/account_management/api-app-keys/", OWASP],
        keys ["datadog", "dd_api", "dd_app", "dd-api", "dd-app"],
        named(assigned!(r"datadog|dd[_-]?(?:api|app)[_-]?key", r"[a-f0-9]{40}|[a-f0-9]{32}"), 3.0);
    GRAFANA "grafana-token", Secrets High, "Grafana token",
        "With it, anyone can read your dashboards and data sources, or manage the Grafana Cloud stack.",
        fix ROTATE,
        refs ["https://grafana.com/docs/grafana/latest/administration/service-accounts/", OWASP],
        keys ["glc_", "glsa_"],
        token(r"\b(glc_[A-Za-z0-9+/]{32,400}={0,3}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})(?:[^\w+/=]|$)", 3.5);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_is_crc32_in_base62() {
        assert_eq!(base62(0), "000000");
        assert_eq!(base62(61), "00000z");
        assert_eq!(base62(62), "000010");
        let random = "Zq8vN2rT5wXk9LmP4sYb7HcJ3dFg6h";
        let mut crc = flate2::Crc::new();
        crc.update(random.as_bytes());
        let good = format!("ghp_{random}{}", base62(crc.sum()));
        assert!(checksum_ok(&good));
        let bad = format!("ghp_{random}000000");
        assert!(!checksum_ok(&bad));
    }
}
