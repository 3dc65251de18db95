//! `palisade lab` as a separate process, with the configuration it writes for reaching it.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// A running `palisade lab`; dropping it stops it.
pub struct LabProcess {
    child: Child,
    pub config: PathBuf,
}

impl Drop for LabProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl LabProcess {
    /// Starts the lab with `extra_hosts` more names, writing its configuration under `dir`.
    pub fn start(dir: &std::path::Path, extra_hosts: usize) -> LabProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_palisade"))
            .args([
                "lab",
                "--quiet",
                "--hosts",
                &extra_hosts.to_string(),
                "--config-dir",
            ])
            .arg(dir.join("lab"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("palisade lab starts");
        let stdout = child.stdout.take().unwrap();
        let line = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find(|l| l.starts_with("config: "))
            .expect("the lab prints its config path");
        LabProcess {
            child,
            config: PathBuf::from(line.trim_start_matches("config: ")),
        }
    }
}
