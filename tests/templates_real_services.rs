//! Shipped `unauth` and `panel` templates against the real services they describe, run on loopback in the careless
//! configuration each template is about and, where the service has one, in its hardened configuration as the
//! control: Jupyter with and without a token, a Dask scheduler, TensorBoard (from the virtual environment
//! scripts/test makes, `target/services-venv`), and Debian's Prometheus, node exporter, Alertmanager, etcd and
//! HAProxy. Each test scans with the binary, selecting one family of templates by id, and checks which of them
//! report: the ones the service earns, and none of its neighbours.

mod support;

use std::collections::BTreeSet;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::peers::free_port;
use support::templates_scan::{self, set};

/// A service the test started, killed on drop.
struct Service {
    child: Child,
}

impl Service {
    /// Starts `cmd` with its output discarded and waits until `http://127.0.0.1:port{ready}` answers 200 (Jupyter and
    /// Prometheus listen well before their handlers are ready), or with no `ready` path until the port accepts.
    fn start(mut cmd: Command, port: u16, ready: Option<&str>, what: &str) -> Service {
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {what} ({e}): run scripts/test, which installs it")
            });
        let service = Service { child };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(120);
        let up = |addr| match ready {
            Some(path) => answers_200(addr, path),
            None => TcpStream::connect(addr).is_ok(),
        };
        while !up(addr) {
            assert!(
                Instant::now() < deadline,
                "{what} did not come up on {addr} ({ready:?})"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        service
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// True when a plain HTTP/1.0 GET of `path` on `addr` gets a 200 status line.
fn answers_200(addr: SocketAddr, path: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    if stream
        .write_all(format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").as_bytes())
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.") && &head[9..12] == b"200"
}

/// The virtual environment with Jupyter, Dask and TensorBoard that scripts/test makes.
fn venv_bin(name: &str) -> PathBuf {
    let venv = std::env::var_os("PALISADE_TEST_SERVICES_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/services-venv"));
    let bin = venv.join("bin").join(name);
    assert!(
        bin.exists(),
        "{} is missing: run scripts/test, which installs Jupyter, Dask and TensorBoard there",
        bin.display()
    );
    bin
}

/// Scans `port` on loopback in the deep profile with only the templates whose ids match `ids`, and returns the
/// template ids that reported.
fn reported(port: u16, ids: &str) -> BTreeSet<String> {
    templates_scan::reported(&format!("http://127.0.0.1:{port}/"), "deep", ids, "60")
}

/// JupyterLab (with Notebook 7 installed beside it) on `port`, with `token` ("" for none), its state in `home`.
fn jupyter(home: &Path, port: u16, token: &str) -> Service {
    let mut cmd = Command::new(venv_bin("jupyter"));
    cmd.args(["lab", "--no-browser", "--allow-root", "--ip=127.0.0.1"])
        .arg(format!("--port={port}"))
        .arg(format!("--IdentityProvider.token={token}"))
        .arg("--ServerApp.password=")
        .arg(format!("--ServerApp.root_dir={}", home.display()))
        // No news feed or update check: the test's traffic stays on loopback.
        .args([
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ])
        .env("HOME", home)
        .env("JUPYTER_RUNTIME_DIR", home.join("runtime"))
        .env("JUPYTER_CONFIG_DIR", home.join("config"))
        .env("JUPYTER_DATA_DIR", home.join("data"));
    let ready = if token.is_empty() {
        "/api/status"
    } else {
        "/login"
    };
    Service::start(cmd, port, Some(ready), "jupyter lab")
}

#[test]
fn jupyter_without_a_token_is_reported_critical_and_with_a_token_only_its_login_page() {
    let home = tempfile::tempdir().unwrap();
    let port = free_port();
    let open = jupyter(home.path(), port, "");
    assert_eq!(
        reported(port, "jupyter*"),
        set(&[
            "jupyter-notebook-unauth",
            "jupyter-server-unauth",
            "jupyterlab-unauth"
        ])
    );
    drop(open);

    let home = tempfile::tempdir().unwrap();
    let port = free_port();
    let _guarded = jupyter(home.path(), port, "a-long-random-token-0123456789");
    assert_eq!(reported(port, "jupyter*"), set(&["jupyter-login-panel"]));
}

#[test]
fn a_dask_scheduler_dashboard_is_reported_and_not_taken_for_a_notebook() {
    let home = tempfile::tempdir().unwrap();
    let (scheduler, dashboard) = (free_port(), free_port());
    let mut cmd = Command::new(venv_bin("dask"));
    cmd.args([
        "scheduler",
        "--host",
        "127.0.0.1",
        "--port",
        &scheduler.to_string(),
    ])
    .args(["--dashboard-address", &format!("127.0.0.1:{dashboard}")])
    .env("HOME", home.path())
    .current_dir(home.path());
    let _dask = Service::start(
        cmd,
        dashboard,
        Some("/json/identity.json"),
        "dask scheduler",
    );
    assert_eq!(
        reported(dashboard, "dask*,jupyter*,tensorboard*"),
        set(&["dask-dashboard-unauth"])
    );
}

#[test]
fn tensorboard_is_reported() {
    let logs = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut cmd = Command::new(venv_bin("tensorboard"));
    cmd.arg("--logdir")
        .arg(logs.path())
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .env("HOME", logs.path());
    let _tensorboard = Service::start(cmd, port, Some("/data/environment"), "tensorboard");
    assert_eq!(
        reported(port, "tensorboard*,dask*,jupyter*"),
        set(&["tensorboard-unauth"])
    );
}

const PROMETHEUS_YML: &str = "global:
  scrape_interval: 15s
scrape_configs:
- job_name: node
  static_configs:
  - targets: ['127.0.0.1:{node}']
";

#[test]
fn prometheus_and_node_exporter_are_reported_each_for_what_they_serve() {
    let dir = tempfile::tempdir().unwrap();
    let node = free_port();
    let mut cmd = Command::new("prometheus-node-exporter");
    cmd.arg(format!("--web.listen-address=127.0.0.1:{node}"));
    let _exporter = Service::start(cmd, node, Some("/metrics"), "prometheus-node-exporter");

    let prom = free_port();
    std::fs::write(
        dir.path().join("prometheus.yml"),
        PROMETHEUS_YML.replace("{node}", &node.to_string()),
    )
    .unwrap();
    let mut cmd = Command::new("prometheus");
    cmd.arg(format!(
        "--config.file={}",
        dir.path().join("prometheus.yml").display()
    ))
    .arg(format!(
        "--storage.tsdb.path={}",
        dir.path().join("data").display()
    ))
    .arg(format!("--web.listen-address=127.0.0.1:{prom}"));
    let _prometheus = Service::start(cmd, prom, Some("/-/ready"), "prometheus");

    let family = "prometheus-*,node-exporter-*,alertmanager-*";
    assert_eq!(
        reported(prom, family),
        set(&[
            "prometheus-config-exposed",
            "prometheus-metrics-exposed",
            "prometheus-targets-exposed"
        ])
    );
    assert_eq!(
        reported(node, family),
        set(&["node-exporter-metrics"]),
        "the node exporter is not a generic /metrics"
    );
}

#[test]
fn alertmanager_without_authentication_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("alertmanager.yml");
    std::fs::write(&conf, "route:\n  receiver: ops\nreceivers:\n- name: ops\n").unwrap();
    let port = free_port();
    let mut cmd = Command::new("prometheus-alertmanager");
    cmd.arg(format!("--config.file={}", conf.display()))
        .arg(format!(
            "--storage.path={}",
            dir.path().join("data").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--cluster.listen-address=");
    let _alertmanager = Service::start(cmd, port, Some("/-/ready"), "prometheus-alertmanager");
    assert_eq!(
        reported(
            port,
            "alertmanager-*,prometheus-targets-*,prometheus-config-*"
        ),
        set(&["alertmanager-unauth"])
    );
}

/// Debian's etcd 3.4 on `client`, with the v2 API on or off.
fn etcd(dir: &Path, v2: bool) -> (Service, u16) {
    let (client, peer) = (free_port(), free_port());
    let mut cmd = Command::new("etcd");
    cmd.arg(format!("--data-dir={}", dir.join("etcd").display()))
        .arg(format!("--listen-client-urls=http://127.0.0.1:{client}"))
        .arg(format!("--advertise-client-urls=http://127.0.0.1:{client}"))
        .arg(format!("--listen-peer-urls=http://127.0.0.1:{peer}"))
        .arg(format!(
            "--initial-advertise-peer-urls=http://127.0.0.1:{peer}"
        ))
        .arg(format!("--initial-cluster=default=http://127.0.0.1:{peer}"))
        .arg(format!("--enable-v2={v2}"));
    (
        Service::start(cmd, client, Some("/version"), "etcd"),
        client,
    )
}

#[test]
fn etcd_with_its_v2_api_on_is_reported_and_nothing_once_it_is_off() {
    let dir = tempfile::tempdir().unwrap();
    let (on, port) = etcd(dir.path(), true);
    assert_eq!(reported(port, "etcd-*"), set(&["etcd-v2-keys-unauth"]));
    drop(on);

    let dir = tempfile::tempdir().unwrap();
    let (_off, port) = etcd(dir.path(), false);
    assert_eq!(
        reported(port, "etcd-*"),
        set(&[]),
        "etcd 3.4 answers 404 to /v2/keys/ without --enable-v2"
    );
}

const HAPROXY_CFG: &str = r#"global
  maxconn 64
defaults
  mode http
  timeout connect 5s
  timeout client 5s
  timeout server 5s
frontend web
  bind 127.0.0.1:{port}
  stats enable
  stats uri /haproxy?stats
{auth}
  acl home path /
  acl stats path /haproxy
  http-request return status 200 content-type text/html string "<title>Shop</title><h1>Shop</h1>" if home
  http-request return status 404 content-type text/html string "<h1>Not found</h1>" if !home !stats
"#;

/// HAProxy answering a one-page site itself, with its statistics page behind `stats auth` when `auth` is set.
fn haproxy(dir: &Path, auth: bool) -> (Service, u16) {
    let port = free_port();
    let cfg = HAPROXY_CFG.replace("{port}", &port.to_string()).replace(
        "{auth}",
        if auth {
            "  stats auth admin:a-long-password-0123"
        } else {
            ""
        },
    );
    let path = dir.join("haproxy.cfg");
    std::fs::write(&path, cfg).unwrap();
    // Debian installs it in /usr/sbin, which a non-root PATH may not have.
    let bin = ["/usr/sbin/haproxy", "/usr/bin/haproxy"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let mut cmd = Command::new(bin.unwrap_or("haproxy"));
    cmd.arg("-f").arg(&path).arg("-db");
    // With `stats auth` the page answers 401: wait for the port only.
    let ready = (!auth).then_some("/haproxy?stats");
    (Service::start(cmd, port, ready, "haproxy"), port)
}

#[test]
fn the_haproxy_statistics_page_is_reported_unless_it_asks_for_a_password() {
    let dir = tempfile::tempdir().unwrap();
    let (open, port) = haproxy(dir.path(), false);
    assert_eq!(reported(port, "haproxy-*"), set(&["haproxy-stats-unauth"]));
    drop(open);

    let dir = tempfile::tempdir().unwrap();
    let (_guarded, port) = haproxy(dir.path(), true);
    assert_eq!(reported(port, "haproxy-*"), set(&[]));
}
