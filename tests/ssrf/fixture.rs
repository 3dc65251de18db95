//! What the bypass tests share: the zone of hostile names, an App and the binary that resolve with it and allow
//! only the allowed test addresses, and the assertion that a refusal names the address and the setting.

use crate::dns::{self, Dns, Zone};
use crate::support::{self, TestApp};
use crate::traps::{ALLOWED, ALLOWED_V6, allow, allow_env};
use palisade::app::{AppError, DEFAULT_ORG, ScanRequest};
use palisade::model::Profile;
use std::time::Duration;

/// Names for every class: each blocked address by A or AAAA, mixed answers, a CNAME, an IDN name, allowed names,
/// and rebinding names (TTL 0).
pub fn zone() -> Zone {
    Zone::default()
        .addr("ten.evil.test", "10.0.0.1")
        .addr("meta.evil.test", "169.254.169.254")
        .addr("cgnat.evil.test", "100.64.0.1")
        .addr("loop.evil.test", "127.0.0.1")
        .addr("ula.evil.test", "fd00::1")
        .addr("six.evil.test", "::1")
        .addr("mapped.evil.test", "::ffff:10.0.0.1")
        .addr("nat64.evil.test", "64:ff9b::a9fe:a9fe")
        .addr("mixed.evil.test", ALLOWED)
        .addr("mixed.evil.test", "10.0.0.1")
        .addr("mixed6.evil.test", ALLOWED_V6)
        .addr("mixed6.evil.test", "fd00::1")
        .addr("mixed46.evil.test", ALLOWED)
        .addr("mixed46.evil.test", "fd00::1")
        .cname("alias.evil.test", "meta.evil.test")
        .addr("xn--bcher-kva.evil.test", "10.0.0.1")
        .addr("ok.site.test", ALLOWED)
        .addr("hook.site.test", ALLOWED)
        .script("rebind.evil.test", &[ALLOWED, "10.0.0.1"])
        .script("rebind6.evil.test", &[ALLOWED, "169.254.169.254"])
        // Allowed to the scan's first lookup (does the name have an address?), the scope check and the start page's
        // connection; blocked from then on.
        .script("later.evil.test", &[ALLOWED, ALLOWED, ALLOWED, "10.0.0.1"])
        .script("hook-rebind.evil.test", &[ALLOWED, "127.0.0.1"])
        .script("sched-rebind.evil.test", &[ALLOWED, "100.64.0.1"])
}

/// Starts the DNS server with [`zone`].
pub async fn dns() -> Dns {
    dns::serve(zone()).await
}

/// An App resolving with `dns`, allowing only the allowed test addresses, with short timeouts.
pub async fn app(dns: &Dns) -> TestApp {
    let ns = dns.addr;
    TestApp::new(move |c| {
        c.scope.allow = allow();
        c.scope.allow_private = false;
        c.network.nameservers = vec![ns];
        c.scan.timeout = Duration::from_secs(3);
    })
    .await
}

/// The binary with a database in `dir`, resolving with `dns` and allowing only the allowed test addresses.
pub fn cli(dir: &tempfile::TempDir, dns: &Dns) -> std::process::Command {
    let mut cmd = support::palisade_std(dir);
    cmd.env("PALISADE_NAMESERVERS", dns.addr.to_string())
        .env("PALISADE_SCOPE_ALLOW", allow_env());
    cmd
}

/// Why `error` is not a scope refusal naming `addr` and a setting that would allow it, if it is not.
pub fn refusal_problem(error: &str, addr: &str) -> Option<String> {
    if !(error.contains("out of scope") && error.contains(addr)) {
        return Some(format!("not a refusal naming {addr}: {error}"));
    }
    if !(error.contains("allow") || error.contains("can never be")) {
        return Some(format!("the refusal does not name the setting: {error}"));
    }
    None
}

/// Asserts that `error` is a scope refusal naming `addr` and a setting that would allow it.
#[track_caller]
pub fn assert_refusal(error: &str, addr: &str) {
    if let Some(problem) = refusal_problem(error, addr) {
        panic!("{problem}");
    }
}

/// Starts a scan of `targets` and waits for its end: the outcome, or why it did not start.
pub async fn try_scan(
    t: &TestApp,
    targets: &[&str],
    profile: Profile,
) -> Result<support::Outcome, AppError> {
    let request = ScanRequest {
        targets: targets.iter().map(|t| t.to_string()).collect(),
        profile: Some(profile),
        ..Default::default()
    };
    let mut handle = t.app.start_scan(DEFAULT_ORG, request).await?;
    handle.finished().await;
    Ok(t.outcome(&handle.scan.id).await)
}

/// The scan's error for its first target, or the refusal that kept it from starting, as text.
pub async fn scan_error(t: &TestApp, target: &str, profile: Profile) -> String {
    match try_scan(t, &[target], profile).await {
        Ok(out) => out.scan.targets[0].error.clone().unwrap_or_default(),
        Err(e) => e.to_string(),
    }
}
