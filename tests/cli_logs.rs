//! Log lines on stderr: coloured on a terminal, plain text in pipes and files and whenever `NO_COLOR` is set.

mod support;

use std::io::Read;
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::Stdio;
use support::*;

const ESC: char = '\x1b';

/// Runs `palisade -vv scans list` (which logs its database statements) with stderr on a new pseudo-terminal;
/// returns what the terminal received.
fn stderr_on_a_terminal(dir: &tempfile::TempDir, no_color: bool) -> String {
    let (mut master, mut slave) = (0, 0);
    let opened = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(opened, 0, "openpty");
    let (master, slave) = unsafe {
        (
            std::fs::File::from_raw_fd(master),
            OwnedFd::from_raw_fd(slave),
        )
    };
    let mut cmd = palisade_std(dir);
    if !no_color {
        cmd.env_remove("NO_COLOR");
    }
    cmd.args(["-vv", "scans", "list"])
        .stdout(Stdio::null())
        .stderr(Stdio::from(slave));
    let mut child = cmd.spawn().unwrap();
    drop(cmd); // closes our copy of the terminal's far end, so reading ends when the child exits
    let reader = std::thread::spawn(move || {
        let mut master = master;
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        // A pseudo-terminal answers EIO instead of end-of-file once the other side is closed.
        while let Ok(n) = master.read(&mut buf) {
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        out
    });
    assert!(child.wait().unwrap().success());
    String::from_utf8_lossy(&reader.join().unwrap()).into_owned()
}

#[test]
fn logs_had_colour_codes_in_pipes_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = palisade(&dir)
        .env_remove("NO_COLOR")
        .args(["-vv", "scans", "list"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success());
    assert!(stderr.contains("DEBUG"), "logs are written: {stderr}");
    assert!(
        !stderr.contains(ESC),
        "no escape codes in a pipe: {stderr:?}"
    );
}

#[test]
fn logs_are_coloured_on_a_terminal_unless_no_color_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let coloured = stderr_on_a_terminal(&dir, false);
    assert!(coloured.contains("DEBUG"), "{coloured:?}");
    assert!(coloured.contains(ESC), "colour on a terminal: {coloured:?}");
    let plain = stderr_on_a_terminal(&dir, true);
    assert!(plain.contains("DEBUG"), "{plain:?}");
    assert!(!plain.contains(ESC), "NO_COLOR is honoured: {plain:?}");
}

#[test]
fn a_closed_stderr_pipe_made_verbose_logging_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = palisade_std(&dir)
        .args(["-vv", "scans", "list"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut first).unwrap();
    drop(stderr);
    let status = child.wait().unwrap();
    assert_eq!(
        status.code(),
        Some(0),
        "after the reader closed stderr (first line: {first})"
    );
}
