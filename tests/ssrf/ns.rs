//! Runs each test inside a network namespace of its own: the test binary re-executes itself under `unshare -rn`,
//! and the copy inside brings up loopback, adds the blocked and allowed addresses to it and runs the test body.
//! Nothing sent to 10.0.0.1, 169.254.169.254 and the rest can leave that namespace: it has no other interface.

use std::future::Future;
use std::process::Command;
use std::sync::OnceLock;

/// Set (to the test's name) in the copy of the binary that runs inside the namespace.
const INSIDE: &str = "PALISADE_SSRF_NETNS";

/// Set where namespaces must be available (a CI runner known to have them): then being unable to create one fails
/// the test instead of skipping it.
const REQUIRE: &str = "PALISADE_SSRF_REQUIRE_NETNS";

/// Addresses put on the namespace's loopback besides 127.0.0.1 and ::1: the blocked ones the traps listen on and
/// the allowed ones the positive controls use.
const EXTRA_V4: [&str; 4] = ["10.0.0.1", "169.254.169.254", "100.64.0.1", "198.51.100.7"];
const EXTRA_V6: [&str; 2] = ["fd00::1", "2001:db8::7"];

/// Runs `body` inside a fresh network namespace: `module` is `module_path!()` and `name` the test function's name.
/// Where user namespaces are unavailable, prints one line saying so and returns (fails instead when
/// `PALISADE_SSRF_REQUIRE_NETNS` is set).
pub fn run<F: Future<Output = ()>>(module: &str, name: &str, body: impl FnOnce() -> F) {
    let path = match module.split_once("::") {
        Some((_, rest)) => format!("{rest}::{name}"),
        None => name.to_string(),
    };
    if let Ok(inside) = std::env::var(INSIDE) {
        assert_eq!(
            inside, path,
            "the namespace copy runs the test it was started for"
        );
        set_up_namespace();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(body());
        return;
    }
    if let Err(reason) = namespaces_available() {
        assert!(
            std::env::var_os(REQUIRE).is_none(),
            "{REQUIRE} is set but user namespaces are unavailable: {reason}"
        );
        println!("skipped: user namespaces unavailable: {reason}");
        return;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let out = Command::new("unshare")
        .arg("-rn")
        .arg(&exe)
        .args(["--exact", &path, "--nocapture", "--test-threads", "1"])
        .env(INSIDE, &path)
        .output()
        .expect("unshare runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{path} failed inside its network namespace ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
}

/// Whether `unshare -rn` works here (checked once per process); the error says why not.
fn namespaces_available() -> Result<(), String> {
    static AVAILABLE: OnceLock<Result<(), String>> = OnceLock::new();
    AVAILABLE
        .get_or_init(
            || match Command::new("unshare").args(["-rn", "true"]).output() {
                Ok(out) if out.status.success() => Ok(()),
                Ok(out) => Err(format!(
                    "unshare -rn true failed ({}): {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr).trim()
                )),
                Err(e) => Err(format!("cannot run unshare: {e}")),
            },
        )
        .clone()
}

/// Brings up loopback and adds the test addresses. Refuses to touch anything unless this process is in a
/// namespace whose only interface is loopback (so the addresses can never be reached on a real network).
fn set_up_namespace() {
    let links = ip(&["-o", "link", "show"]);
    let names: Vec<&str> = links
        .lines()
        .filter_map(|l| l.split(':').nth(1))
        .map(str::trim)
        .collect();
    assert_eq!(
        names,
        ["lo"],
        "not in a network namespace of our own (interfaces: {links})"
    );
    ip(&["link", "set", "lo", "up"]);
    for addr in EXTRA_V4 {
        ip(&["addr", "add", &format!("{addr}/32"), "dev", "lo"]);
    }
    for addr in EXTRA_V6 {
        ip(&[
            "-6",
            "addr",
            "add",
            &format!("{addr}/128"),
            "dev",
            "lo",
            "nodad",
        ]);
    }
}

/// Runs `ip ARGS`; a failure fails the test (the namespace exists, so a missing `ip` is a broken set-up, not a
/// reason to skip).
fn ip(args: &[&str]) -> String {
    let out = Command::new("ip")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run ip {args:?} inside the namespace: {e}"));
    assert!(
        out.status.success(),
        "ip {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Declares tests whose bodies run inside a network namespace of their own.
macro_rules! ns_test {
    ($(#[$meta:meta])* async fn $name:ident() $body:block) => {
        $(#[$meta])*
        #[test]
        fn $name() {
            $crate::ns::run(module_path!(), stringify!($name), || async move $body);
        }
    };
}
