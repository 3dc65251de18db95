//! Real external servers the tests run as peers, each on a free loopback port and stopped on drop: Debian's nginx,
//! Apache httpd and `redis-server` (installed by scripts/test); and the Python that runs the Python peers.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Python of the virtual environment scripts/test makes, with the Python MCP SDK and aiosmtpd.
pub fn python() -> PathBuf {
    let python = std::env::var_os("PALISADE_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/mcp-venv/bin/python")
        });
    assert!(
        python.exists(),
        "{} is missing: run scripts/test, which installs the Python MCP SDK and aiosmtpd",
        python.display()
    );
    python
}

/// Waits until something accepts TCP connections at `addr`; panics naming `what` after 10 s.
fn wait_listening(addr: SocketAddr, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not start listening on {addr}"
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn nginx_bin() -> PathBuf {
    let found = ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    found.expect("nginx not found: run scripts/test, which installs Debian's nginx-light")
}

/// A free TCP port of 127.0.0.1 (free when asked: the caller binds it soon after).
pub fn free_port() -> u16 {
    super::closed_port().port()
}

/// A running nginx, stopped on drop.
pub struct Nginx {
    child: Child,
}

impl Nginx {
    /// Writes `conf` to `dir/nginx.conf`, checks it with `nginx -t` (panicking with nginx's complaint), starts nginx
    /// in the foreground with `dir` as its prefix, and waits until it listens on 127.0.0.1:`port`.
    pub fn start(dir: &Path, conf: &str, port: u16) -> Nginx {
        let path = dir.join("nginx.conf");
        std::fs::write(&path, conf).unwrap();
        let args = |extra: &[&str]| {
            let mut cmd = Command::new(nginx_bin());
            cmd.arg("-p")
                .arg(dir)
                .arg("-c")
                .arg(&path)
                .arg("-e")
                .arg(dir.join("error.log"));
            cmd.args(extra);
            cmd
        };
        let test = args(&["-t"]).output().unwrap();
        assert!(
            test.status.success(),
            "nginx refuses the configuration:\n{}\n{conf}",
            String::from_utf8_lossy(&test.stderr)
        );
        let child = args(&["-g", "daemon off;"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let nginx = Nginx { child };
        wait_listening(SocketAddr::from(([127, 0, 0, 1], port)), "nginx");
        nginx
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM: fast shutdown of master and workers.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

/// A running Apache httpd (Debian's `apache2`), stopped on drop.
pub struct Apache {
    child: Child,
}

impl Apache {
    /// Writes `conf` to `dir/httpd.conf` (which names its own ServerRoot, PidFile and ErrorLog), checks it with
    /// `apache2 -t` (panicking with Apache's complaint), starts Apache in the foreground and waits until it listens
    /// on 127.0.0.1:`port`.
    pub fn start(dir: &Path, conf: &str, port: u16) -> Apache {
        let bin = ["/usr/sbin/apache2", "/usr/sbin/httpd"]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.exists())
            .expect("apache2 not found: run scripts/test, which installs Debian's apache2");
        let path = dir.join("httpd.conf");
        std::fs::write(&path, conf).unwrap();
        let test = Command::new(&bin)
            .arg("-t")
            .arg("-f")
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            test.status.success(),
            "Apache refuses the configuration:\n{}\n{conf}",
            String::from_utf8_lossy(&test.stderr)
        );
        let child = Command::new(&bin)
            .arg("-f")
            .arg(&path)
            .arg("-DFOREGROUND")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let apache = Apache { child };
        wait_listening(SocketAddr::from(([127, 0, 0, 1], port)), "apache2");
        apache
    }
}

impl Drop for Apache {
    fn drop(&mut self) {
        // SIGTERM: the parent stops its children and exits.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

/// A `redis-server` on a free loopback port, without persistence, stopped on drop.
pub struct Redis {
    child: Child,
    pub addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Redis {
    /// Starts redis-server, requiring `password` when given.
    pub fn start(password: Option<&str>) -> Redis {
        let dir = tempfile::tempdir().unwrap();
        let addr = super::closed_port();
        let port = addr.port().to_string();
        let mut cmd = Command::new("redis-server");
        cmd.args([
            "--port",
            &port,
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .arg("--dir")
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        if let Some(pw) = password {
            cmd.args(["--requirepass", pw]);
        }
        let child = cmd.spawn().unwrap_or_else(|e| {
            panic!("cannot start redis-server ({e}): run scripts/test, which installs it (apt-get install redis-server)")
        });
        let redis = Redis {
            child,
            addr,
            _dir: dir,
        };
        wait_listening(addr, "redis-server");
        redis
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
