//! Tests that need a network namespace of their own (`unshare -rn`, or `-rnm` with a mount namespace too): the test
//! runs itself again inside one, where it may add addresses to loopback and listen on them without touching the
//! machine's network.

/// Set in the environment of a test run again inside its namespace.
pub const IN_NAMESPACE: &str = "PALISADE_TEST_IN_NETNS";

/// True when this process is the run inside the namespace.
pub fn inside() -> bool {
    std::env::var_os(IN_NAMESPACE).is_some()
}

/// Runs the test `name` of this binary again under `unshare FLAGS` (`-rn`, `-rnm`) and asserts that it ran and
/// passed there; false, with one line on stderr, where user namespaces are not available.
pub fn rerun(name: &str, flags: &str) -> bool {
    match std::process::Command::new("unshare")
        .args([flags, "true"])
        .output()
    {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            eprintln!(
                "skipped: user namespaces unavailable: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            );
            return false;
        }
        Err(e) => {
            eprintln!("skipped: unshare unavailable: {e}");
            return false;
        }
    }
    let out = std::process::Command::new("unshare")
        .arg(flags)
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", name, "--nocapture", "--test-threads", "1"])
        .env(IN_NAMESPACE, "1")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "inside the namespace:\n{text}");
    assert!(
        text.contains("1 passed"),
        "the test ran inside the namespace:\n{text}"
    );
    true
}

/// Runs a command (`ip ...`, `mount ...`) inside the namespace, failing the test if it fails.
pub fn run(args: &[&str]) {
    let status = std::process::Command::new(args[0])
        .args(&args[1..])
        .status()
        .unwrap_or_else(|e| panic!("{}: {e}", args[0]));
    assert!(status.success(), "{args:?}");
}
