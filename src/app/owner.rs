//! Which process owns a running scan, so a new process can tell a live scan from one whose process died.

/// This process: `host:pid-namespace:pid:start-ticks`. The namespace tells containers that share a host name
/// apart; the start ticks tell a reused pid apart.
pub fn current() -> String {
    let pid = std::process::id();
    format!(
        "{}:{}:{pid}:{}",
        hostname(),
        pid_namespace(),
        start_ticks(pid).unwrap_or(0)
    )
}

/// Whether the owner process runs, as this machine can tell: a process of this host and PID namespace whose start
/// time matches runs; one whose does not has stopped; any other owner is unknown (its lease decides).
pub fn liveness(owner: &str) -> crate::store::Liveness {
    use crate::store::Liveness;
    let mut parts = owner.rsplitn(4, ':');
    let (Some(ticks), Some(pid), Some(ns), Some(host)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Liveness::Gone;
    };
    if host != hostname()
        || ns != pid_namespace()
        || !std::path::Path::new("/proc/self/stat").exists()
    {
        return Liveness::Unknown;
    }
    match (pid.parse::<u32>(), ticks.parse::<u64>()) {
        (Ok(pid), Ok(ticks)) if start_ticks(pid) == Some(ticks) => Liveness::Running,
        _ => Liveness::Gone,
    }
}

/// Whether the owner process still runs. Owners on other machines or in other PID namespaces, or when `/proc`
/// cannot tell, count as alive: their lease expiring is what frees their scans.
pub fn is_alive(owner: &str) -> bool {
    liveness(owner) != crate::store::Liveness::Gone
}

/// The inode of this process's PID namespace (`/proc/self/ns/pid` links to `pid:[4026531836]`), or `0`.
fn pid_namespace() -> String {
    std::fs::read_link("/proc/self/ns/pid")
        .ok()
        .and_then(|l| {
            l.to_string_lossy()
                .split(['[', ']'])
                .nth(1)
                .map(str::to_string)
        })
        .unwrap_or_else(|| "0".into())
}

fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most that many bytes.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return "localhost".into();
    }
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).replace(':', "_")
}

/// Field 22 of `/proc/PID/stat`: when the process started, in clock ticks since boot.
fn start_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    after_name.split_whitespace().nth(19)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_dead_pid_is_not() {
        let me = current();
        assert!(is_alive(&me), "{me}");
        let host = hostname();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        let ticks = start_ticks(pid);
        child.wait().unwrap();
        let ns = pid_namespace();
        assert!(!is_alive(&format!(
            "{host}:{ns}:{pid}:{}",
            ticks.unwrap_or(1)
        )));
        let me_later = format!("{host}:{ns}:{}:1", std::process::id());
        assert!(!is_alive(&me_later), "same pid, other start time");
        assert!(
            is_alive("elsewhere:1:1:1"),
            "other machines rely on their lease"
        );
        let other_container = format!("{host}:other-namespace:{pid}:1");
        assert!(
            is_alive(&other_container),
            "other containers rely on their lease"
        );
    }
}
