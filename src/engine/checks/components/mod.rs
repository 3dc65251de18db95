//! `components` checks: JavaScript libraries and server software identified with their versions, matched against advisories.
//!
//! Libraries are recognised from the crawled scripts (banners and version strings in their text, package paths in
//! their source maps) and from script URLs on every crawled page (file names and CDN paths, so a cross-origin CDN
//! script is identified without fetching it). Servers and CMSs are recognised from `Server` and `X-Powered-By`
//! banners, generator tags, WordPress and Drupal asset versions and Tomcat error pages. Each version is matched
//! against the advisory database ([`crate::advisories`]): one finding per component and version listing its
//! advisories and the lowest version that fixes them all, and one more when the version is end of life. No request
//! of their own beyond the shared crawl, not-found probe and source maps (the ones the `secrets` check reads).

mod assets;
mod libraries;
mod maps;
mod report;
mod servers;

use crate::engine::registry::Check;
use crate::model::{Module, Profile};

/// Declares a `components` rule.
macro_rules! rule {
    ($name:ident, $id:literal, $sev:ident, $cwe:expr, $title:literal, $desc:literal, $fix:literal, [$($r:expr),* $(,)?]) => {
        pub static $name: crate::engine::registry::Rule = crate::engine::registry::Rule {
            id: $id,
            category: crate::model::Category::Components,
            severity: crate::model::Severity::$sev,
            title: $title,
            description: $desc,
            remediation: $fix,
            references: &[$($r),*],
            cwe: $cwe,
        };
    };
}

const OWASP_A06: &str = "https://owasp.org/Top10/A06_2021-Vulnerable_and_Outdated_Components/";
const OWASP_DEPS: &str = "https://cheatsheetseries.owasp.org/cheatsheets/Vulnerable_Dependency_Management_Cheat_Sheet.html";
const KEV: &str = "https://www.cisa.gov/known-exploited-vulnerabilities-catalog";

rule!(
    VULNERABLE_LIBRARY,
    "components.vulnerable-library",
    Medium,
    Some(1395),
    "JavaScript library with known vulnerabilities",
    "The site loads a JavaScript library version with published vulnerabilities. Every visitor's browser runs it, so a flaw such as cross-site scripting or prototype pollution in the library is a flaw in the site whenever the site's code reaches the affected function.",
    "Upgrade the library to the version the finding names (it fixes every listed advisory): update package.json / the vendored file / the CDN URL, rebuild and redeploy, then re-run the scan. If an upgrade is not possible at once, check each advisory's conditions against your code and remove the library where it is no longer used.",
    [OWASP_A06, OWASP_DEPS, KEV]
);
rule!(
    EOL_LIBRARY,
    "components.eol-library",
    Medium,
    Some(1104),
    "End-of-life JavaScript library",
    "The site loads a major version of a JavaScript library that its maintainers no longer support: new vulnerabilities in it are not fixed, and scanners stop listing them, so the absence of known issues says little.",
    "Move to a supported major version of the library (the finding names it) or replace the library; plan for the migration notes of the new major.",
    [OWASP_A06, OWASP_DEPS]
);
rule!(
    VULNERABLE_SERVER,
    "components.vulnerable-server",
    Medium,
    Some(1395),
    "Server software with known vulnerabilities",
    "The server names its software and version (in a banner, generator tag, asset URL or error page), and published advisories affect that version.",
    "Upgrade the software to the version the finding names, or apply your distribution's security updates (distributions backport fixes without changing the version string: check the package changelog for the listed CVEs). Then hide the version (nginx `server_tokens off;`, Apache `ServerTokens Prod`, PHP `expose_php = Off`).",
    [OWASP_A06, KEV]
);
rule!(
    EOL_SERVER,
    "components.eol-server",
    Medium,
    Some(1104),
    "End-of-life server software",
    "The server runs a release line of its software that no longer receives security fixes, so vulnerabilities found from now on stay open.",
    "Upgrade to a supported release line (the finding names what to move to), test, and deploy; distributions with extended support count only if your package still receives their updates.",
    [OWASP_A06]
);

/// The `components` checks.
pub static CHECKS: &[Check] = &[
    Check {
        id: "components.libraries",
        module: Module::Components,
        profile: Profile::Standard,
        summary: "JavaScript libraries in crawled scripts and script URLs (CDNs included), matched against advisories",
        rules: &[&VULNERABLE_LIBRARY, &EOL_LIBRARY],
        run: |ctx| Box::pin(libraries::run(ctx)),
    },
    Check {
        id: "components.servers",
        module: Module::Components,
        profile: Profile::Quick,
        summary: "server and CMS versions from banners, generator tags, asset versions and error pages, matched against advisories",
        rules: &[&VULNERABLE_SERVER, &EOL_SERVER],
        run: |ctx| Box::pin(servers::run(ctx)),
    },
];
