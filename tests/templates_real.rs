//! Shipped detection templates against the real software they describe, run on loopback in the careless
//! configuration each template is about: a folder listed by Python's http.server and by Debian's nginx
//! (`autoindex on`, and off as the control), Flask with its debugger on, a fresh Django project with DEBUG on,
//! Node's inspector and Chromium's remote debugging port. Each test scans with the binary, selecting the templates
//! of one family by id, and checks which of them report: the ones the software earns, and none of its neighbours.
//! Flask and Django come from the virtual environment scripts/test makes (`target/templates-venv`).

mod support;

use std::collections::BTreeSet;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::peers::{Nginx, free_port};
use support::templates_scan::{self, set};

/// A program the test started, killed on drop.
struct Peer {
    child: Child,
}

impl Peer {
    /// Starts `cmd` with its output discarded and waits until 127.0.0.1:`port` accepts connections.
    fn start(mut cmd: Command, port: u16, what: &str) -> Peer {
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {what} ({e}): run scripts/test, which installs it")
            });
        let peer = Peer { child };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(addr).is_err() {
            assert!(Instant::now() < deadline, "{what} did not listen on {addr}");
            std::thread::sleep(Duration::from_millis(50));
        }
        peer
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Python of the virtual environment with Flask and Django that scripts/test makes.
fn venv_python() -> PathBuf {
    let venv = std::env::var_os("PALISADE_TEST_TEMPLATES_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/templates-venv"));
    let python = venv.join("bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/test, which installs Flask and Django there",
        python.display()
    );
    python
}

/// Scans `url` with the standard profile and only the templates whose ids match `ids`, and returns the template
/// ids that reported.
fn reported(url: &str, ids: &str) -> BTreeSet<String> {
    templates_scan::reported(url, "standard", ids, "10")
}

/// A web root with a backup folder and an upload folder holding a few files, and no index pages.
fn site_with_folders(root: &Path) {
    for (file, body) in [
        ("backup/shop-2024-03-01.sql", "-- MySQL dump 10.13\n"),
        ("backup/site.tar.gz", "x"),
        ("uploads/invoice-1042.pdf", "%PDF-1.4\n"),
    ] {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
}

#[test]
fn python_http_server_listings_of_backup_and_upload_folders_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    site_with_folders(dir.path());
    let port = free_port();
    let mut cmd = Command::new(venv_python());
    cmd.args([
        "-m",
        "http.server",
        &port.to_string(),
        "--bind",
        "127.0.0.1",
    ])
    .current_dir(dir.path());
    let _server = Peer::start(cmd, port, "python -m http.server");
    let found = reported(&format!("http://127.0.0.1:{port}/"), "listing-*");
    assert_eq!(
        found,
        set(&["listing-backup-folders", "listing-upload-folders"])
    );
}

const NGINX_CONF: &str = r#"worker_processes 1;
pid {dir}/nginx.pid;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    server {
        listen 127.0.0.1:{port};
        root {dir}/www;
        autoindex {autoindex};
    }
}
"#;

/// nginx serving `site_with_folders` with `autoindex` on or off.
fn nginx(dir: &Path, autoindex: &str) -> (Nginx, u16) {
    for sub in [
        "tmp/body",
        "tmp/proxy",
        "tmp/fastcgi",
        "tmp/uwsgi",
        "tmp/scgi",
        "www",
    ] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    site_with_folders(&dir.join("www"));
    let port = free_port();
    let conf = NGINX_CONF
        .replace("{dir}", dir.to_str().unwrap())
        .replace("{port}", &port.to_string())
        .replace("{autoindex}", autoindex);
    (Nginx::start(dir, &conf, port), port)
}

#[test]
fn nginx_autoindex_listings_are_reported_and_nothing_once_it_is_off() {
    let dir = tempfile::tempdir().unwrap();
    let (on, port) = nginx(dir.path(), "on");
    let found = reported(&format!("http://127.0.0.1:{port}/"), "listing-*");
    assert_eq!(
        found,
        set(&["listing-backup-folders", "listing-upload-folders"])
    );
    drop(on);

    let dir = tempfile::tempdir().unwrap();
    let (_off, port) = nginx(dir.path(), "off");
    let found = reported(&format!("http://127.0.0.1:{port}/"), "listing-*");
    assert_eq!(found, set(&[]), "nginx answers 403 for the folders");
}

const FLASK_APP: &str = r#"import sys
from flask import Flask

app = Flask(__name__)

@app.route("/")
def index():
    return "<!doctype html><title>Shop</title><h1>Shop</h1>"

app.run(host="127.0.0.1", port=int(sys.argv[1]), debug=True, use_reloader=False)
"#;

/// Flask's development server with `debug=True`, with the debugger PIN on unless `pin_off`.
fn flask_debug(dir: &Path, pin_off: bool) -> (Peer, u16) {
    std::fs::write(dir.join("app.py"), FLASK_APP).unwrap();
    let port = free_port();
    let mut cmd = Command::new(venv_python());
    cmd.arg(dir.join("app.py")).arg(port.to_string());
    if pin_off {
        cmd.env("WERKZEUG_DEBUG_PIN", "off");
    }
    (Peer::start(cmd, port, "Flask"), port)
}

#[test]
fn flask_with_the_werkzeug_debugger_is_reported_locked_or_unlocked() {
    let dir = tempfile::tempdir().unwrap();
    let (_flask, port) = flask_debug(dir.path(), false);
    let found = reported(&format!("http://127.0.0.1:{port}/"), "werkzeug-*");
    assert_eq!(
        found,
        set(&["werkzeug-debug-console", "werkzeug-debugger-enabled"])
    );

    let dir = tempfile::tempdir().unwrap();
    let (_flask, port) = flask_debug(dir.path(), true);
    let found = reported(&format!("http://127.0.0.1:{port}/"), "werkzeug-*");
    assert_eq!(
        found,
        set(&[
            "werkzeug-debug-console-unlocked",
            "werkzeug-debugger-enabled"
        ])
    );
}

#[test]
fn a_fresh_django_project_with_debug_on_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let python = venv_python();
    let made = Command::new(&python)
        .args(["-m", "django", "startproject", "shop"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let port = free_port();
    let mut cmd = Command::new(&python);
    cmd.arg(dir.path().join("manage.py")).args([
        "runserver",
        &format!("127.0.0.1:{port}"),
        "--noreload",
    ]);
    let _django = Peer::start(cmd, port, "Django's runserver");
    let found = reported(&format!("http://127.0.0.1:{port}/"), "django-*");
    assert_eq!(
        found,
        set(&["django-debug-404", "django-debug-default-page"])
    );
}

#[test]
fn the_node_inspector_is_reported_and_not_taken_for_chrome() {
    let port = free_port();
    let mut cmd = Command::new("node");
    cmd.arg(format!("--inspect=127.0.0.1:{port}"))
        .args(["-e", "setInterval(() => {}, 1000)"]);
    let _node = Peer::start(cmd, port, "node --inspect");
    let found = reported(
        &format!("http://127.0.0.1:{port}/"),
        "node-inspector,chrome-remote-debugging",
    );
    assert_eq!(found, set(&["node-inspector"]));
}

#[test]
fn chromium_remote_debugging_is_reported_and_not_taken_for_node() {
    let profile = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut cmd = Command::new("chromium");
    cmd.args(["--headless=new", "--no-sandbox", "--disable-gpu"])
        .arg(format!("--remote-debugging-port={port}"))
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank");
    let _chromium = Peer::start(cmd, port, "chromium");
    let found = reported(
        &format!("http://127.0.0.1:{port}/"),
        "node-inspector,chrome-remote-debugging",
    );
    assert_eq!(found, set(&["chrome-remote-debugging"]));
}
