//! Where the docs' commands run: a temporary directory with its own database and configuration, the built-in lab
//! on loopback standing in for every example host (pinned by `network.connect_to`), a DNS server on loopback that
//! knows no name (the DNS checks ask it; nothing is looked up beyond it), the files the commands name, and the ids the docs write as examples
//! replaced by the ids earlier commands made.

use palisade::lab::{Kind, Lab};
use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// The example hosts of the docs, each pinned to the lab: ports 80 and 443 (or the port given) and nothing else.
pub const PINNED: &[&str] = &[
    "myapp.com",
    "api.myapp.com",
    "staging.myapp.com",
    "myapp.example",
    "staging.shop.example",
    "ci.example.com",
    "hooks.slack.com",
    "10.1.2.3:8080",
];

/// The example ids of the docs and what stands for each: the latest scan, schedule, webhook, monitor or key.
const EXAMPLE_IDS: &[(&str, &str)] = &[
    ("8f3k2qab", "scan"),
    ("k7w2m9qa", "scan"),
    ("k3m9x2qa", "schedules"),
    ("k2x9m4qa7b", "webhooks"),
    ("m4k2x9qa7b", "monitors"),
    ("pal_1a2b3c4d", "key prefix"),
    ("pal_...", "key"),
];

/// The port the docs serve the API on, replaced by a free one.
const DOC_PORT: &str = "8477";

/// Files the commands read, made from the repository's fixtures: (path in the sandbox, source in the repository).
const FILES: &[(&str, &str)] = &[
    ("retirejs-jsrepository-v4.json", "tests/feeds/retire.json"),
    (
        "known_exploited_vulnerabilities.json",
        "tests/feeds/kev.json",
    ),
    ("GHSA-xxxx.json", "tests/feeds/osv.json"),
    (
        "my-templates/exposure/aws-credentials-file.yaml",
        "templates/exposure/aws-credentials-file.yaml",
    ),
];

/// The baseline file the CI gate section names, as the section shows it.
const ACCEPTED: &str = "[[ignore]]\nfingerprint = \"7c769d9088fba335\"\nreason = \"staging-only fixture, removed in PR #412\"\nexpires = \"2027-01-31\"\n";

/// What a command printed.
pub struct Output {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

pub struct Sandbox {
    pub dir: TempDir,
    pub port: u16,
    env: Vec<(String, String)>,
    ids: HashMap<&'static str, String>,
    /// Shell assignments (`KEY=...; API=...`) of the current block, run before each of its commands.
    pub prelude: String,
    server: Option<Child>,
    _lab: Lab,
    _dns: crate::support::dns::DnsServer,
    _rt: tokio::runtime::Runtime,
}

impl Sandbox {
    pub fn new(root: &Path) -> Sandbox {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let lab = rt
            .block_on(Lab::start(0))
            .expect("the lab starts on loopback");
        // Empty and authoritative for com.: every lookup gets NXDOMAIN (or REFUSED, beyond com.) at once.
        let dns = rt.block_on(crate::support::dns::serve("com.", &[]));
        let dir = tempfile::tempdir().unwrap();
        lab.write_config(&dir.path().join("lab")).unwrap();
        let site = lab.host(Kind::Vulnerable);
        let mut pins = Vec::new();
        for host in PINNED {
            match host.split_once(':') {
                Some((h, port)) => pins.push(format!("\"{h}:{port}:{}\"", site.http)),
                None => {
                    pins.push(format!("\"{host}:80:{}\"", site.http));
                    pins.push(format!("\"{host}:443:{}\"", site.https));
                }
            }
        }
        let config = format!(
            "[scope]\nallow = [\"127.0.0.1/32\"]\n\n[network]\nca_certs = [{:?}]\nconnect_to = [{}]\n\n[smtp]\nurl = \"smtp://127.0.0.1:{}\"\nfrom = \"Palisade <alerts@example.com>\"\n",
            dir.path().join("lab/lab-ca.pem").display().to_string(),
            pins.join(", "),
            crate::support::closed_port().port()
        );
        std::fs::write(dir.path().join("palisade.toml"), config).unwrap();
        for (to, from) in FILES {
            let to = dir.path().join(to);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(root.join(from), &to).unwrap_or_else(|e| panic!("{from}: {e}"));
        }
        std::fs::create_dir_all(dir.path().join("ci")).unwrap();
        std::fs::write(dir.path().join("ci/accepted.toml"), ACCEPTED).unwrap();
        let bin = Path::new(env!("CARGO_BIN_EXE_palisade")).parent().unwrap();
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let d = |p: &str| dir.path().join(p).display().to_string();
        let env = vec![
            ("PATH".into(), path),
            ("HOME".into(), d("")),
            ("PALISADE_DB".into(), d("palisade.db")),
            ("PALISADE_CONFIG".into(), d("palisade.toml")),
            ("PALISADE_NAMESERVERS".into(), dns.addr.to_string()),
            ("GITHUB_STEP_SUMMARY".into(), d("summary.md")),
            ("NO_COLOR".into(), "1".into()),
        ];
        let port = crate::support::closed_port().port();
        Sandbox {
            dir,
            port,
            env,
            ids: HashMap::new(),
            prelude: String::new(),
            server: None,
            _lab: lab,
            _dns: dns,
            _rt: rt,
        }
    }

    /// `text` with the docs' example ids replaced by real ones and the API's port by the sandbox's.
    pub fn prepare(&self, text: &str) -> Result<String, String> {
        let mut out = text
            .replace(
                &format!("0.0.0.0:{DOC_PORT}"),
                &format!("127.0.0.1:{}", self.port),
            )
            .replace(
                &format!("127.0.0.1:{DOC_PORT}"),
                &format!("127.0.0.1:{}", self.port),
            );
        for (example, kind) in EXAMPLE_IDS {
            if out.contains(example) {
                let id = self.ids.get(kind).ok_or_else(|| {
                    format!("`{example}` stands for a {kind} id, but no command before it made one")
                })?;
                out = out.replace(example, id);
            }
        }
        Ok(out)
    }

    /// Refuses a command that would reach a host other than loopback or a pinned example host.
    pub fn guard(&self, text: &str, targets: &[String]) -> Result<(), String> {
        let mut hosts: Vec<String> = targets.iter().map(|t| host_of(t)).collect();
        for (i, _) in text.match_indices("://") {
            hosts.push(host_of(&text[i + 3..]));
        }
        let allowed = |h: &str| {
            h == "127.0.0.1"
                || PINNED
                    .iter()
                    .any(|p| p.split_once(':').map_or(*p, |(p, _)| p) == h)
        };
        match hosts.iter().find(|h| !allowed(h)) {
            Some(h) => Err(format!(
                "refused: it would reach {h}, which is neither loopback nor pinned to the lab (add it to PINNED in \
                 tests/doc_commands/sandbox.rs, or mark the block)"
            )),
            None => Ok(()),
        }
    }

    fn command(&self, text: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!("{}{text}", self.prelude))
            .current_dir(self.dir.path())
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null());
        cmd
    }

    /// Runs `text` to its end (at most two minutes) and remembers the ids it printed.
    pub fn run(&mut self, text: &str) -> Output {
        let child = self
            .command(text)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id();
        // Killed after two minutes unless it ended: the child is not reaped before `ended` is sent, so its pid
        // cannot be another process's.
        let (ended, wait) = std::sync::mpsc::channel::<()>();
        let watchdog = std::thread::spawn(move || {
            if wait.recv_timeout(Duration::from_secs(120))
                == Err(std::sync::mpsc::RecvTimeoutError::Timeout)
            {
                // SAFETY: the child has not been waited for, so `pid` is still it.
                unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            }
        });
        let out = child.wait_with_output().unwrap();
        let _ = ended.send(());
        let _ = watchdog.join();
        let out = Output {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        self.remember(text, &out);
        out
    }

    /// Notes the scan, key and other ids a command made, for the example ids of later commands.
    fn remember(&mut self, text: &str, out: &Output) {
        let all = format!("{}\n{}", out.stdout, out.stderr);
        for line in all.lines() {
            if let Some(rest) = line.strip_prefix("palisade: scan ")
                && rest.contains(" profile): ")
            {
                self.ids
                    .insert("scan", rest.split(' ').next().unwrap().to_string());
            }
            if let Some(rest) = line.strip_prefix("palisade: key ")
                && let Some((_, prefix)) = rest.split_once(" (")
            {
                // `keys revoke pal_1a2b3c4d` names no org: it stands for the newest key of the default org.
                if !text.contains("--org") {
                    let prefix = prefix.split("...").next().unwrap().to_string();
                    self.ids.insert("key prefix", prefix);
                }
                self.ids.insert("key", out.stdout.trim().to_string());
            }
        }
        for key in ["\"scan_id\": \"", "\"scan_id\":\""] {
            if let Some(i) = all.find(key) {
                let id: String = all[i + key.len()..]
                    .chars()
                    .take_while(|c| *c != '"')
                    .collect();
                self.ids.insert("scan", id);
            }
        }
        for noun in ["schedules", "webhooks", "monitors"] {
            if text.starts_with(&format!("palisade {noun} create")) && out.code == Some(0) {
                let list = self.run(&format!("palisade {noun} list --format json"));
                let items: serde_json::Value = serde_json::from_str(&list.stdout)
                    .unwrap_or_else(|e| panic!("{noun} list --format json: {e}: {}", list.stdout));
                if let Some(id) = newest(&items) {
                    self.ids.insert(noun, id);
                }
            }
        }
    }

    /// Starts a long-running command (`palisade serve`, `palisade lab`) and waits until it is ready: the API port
    /// answers, or the lab prints its configuration. Any server already running is stopped first.
    pub fn start(&mut self, text: &str, serve: bool) -> Result<(), String> {
        self.stop()?;
        // `exec` so the signal that stops it reaches palisade, not the shell.
        let text = text.replacen("palisade ", "exec palisade ", 1);
        let log = std::fs::File::create(self.dir.path().join("server.log")).unwrap();
        let mut child = self
            .command(&text)
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        if serve {
            while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
                if Instant::now() > deadline || child.try_wait().unwrap().is_some() {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!("the server did not start: {}", self.server_log()));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        } else {
            use std::io::BufRead;
            let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
            if !stdout
                .lines()
                .map_while(Result::ok)
                .any(|l| l.starts_with("config: "))
            {
                let _ = child.kill();
                let _ = child.wait();
                return Err("the lab did not print `config: PATH`".into());
            }
        }
        self.server = Some(child);
        Ok(())
    }

    /// Stops the running server with SIGTERM, as a service manager would; it must exit 0.
    pub fn stop(&mut self) -> Result<(), String> {
        let Some(mut child) = self.server.take() else {
            return Ok(());
        };
        // SAFETY: the pid is our own child's, not yet reaped.
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return match status.success() {
                    true => Ok(()),
                    false => Err(format!(
                        "it exited with {status} on SIGTERM: {}",
                        self.server_log()
                    )),
                };
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err("it did not stop within 20 s of SIGTERM".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn server_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(mut child) = self.server.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The host of a URL or target (`https://a.example:8443/x` -> `a.example`, `10.1.2.3:8080` -> `10.1.2.3`).
fn host_of(target: &str) -> String {
    let rest = target.split_once("://").map_or(target, |(_, r)| r);
    let rest = rest
        .split(['/', '?', '#', '"', '\'', ' '])
        .next()
        .unwrap_or("");
    let rest = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    if let Some(v6) = rest.strip_prefix('[') {
        return v6.split(']').next().unwrap_or("").to_string();
    }
    rest.split(':').next().unwrap_or("").to_ascii_lowercase()
}

/// The id of the newest item of a JSON list (by `created_at`, else the last).
fn newest(items: &serde_json::Value) -> Option<String> {
    let list = items
        .as_array()
        .or_else(|| items.as_object()?.values().find_map(|v| v.as_array()))?;
    list.iter()
        .max_by_key(|i| i["created_at"].as_str().unwrap_or("").to_string())
        .and_then(|i| i["id"].as_str())
        .map(str::to_string)
}
