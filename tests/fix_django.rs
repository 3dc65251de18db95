//! The fix file fixes Django: a Django project made by the test with careless settings (DEBUG on, the security
//! and clickjacking middleware removed, a session cookie script can read) runs on Django's own server over plain
//! HTTP; Palisade scans it, the Django snippets of its SECURITY-FIX.md go into the project (settings.py and the
//! middleware file it names), Django restarts, and a second scan no longer finds what those fixes claimed to
//! resolve, and nothing new. Django comes from the virtual environment scripts/test makes (`target/templates-venv`).

#[path = "support/fixfile.rs"]
#[allow(dead_code)]
mod fixfile;
#[path = "support/fixrun.rs"]
#[allow(dead_code)]
mod fixrun;
mod support;

use fixfile::{FixFile, FixSection};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::peers::free_port;

const HOST: &str = "django-lab.palisade.test";

/// What a hurried developer leaves in settings.py, and a home page that starts a session and a CSRF token.
const CARELESS: &str = r#"
ALLOWED_HOSTS = ["*"]
MIDDLEWARE = [m for m in MIDDLEWARE if m not in (
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)]
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
SESSION_COOKIE_HTTPONLY = False
"#;

const URLS: &str = r#"from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import path


def home(request):
    request.session["visits"] = request.session.get("visits", 0) + 1
    token = get_token(request)
    return HttpResponse(
        "<html><head><title>Shop</title></head><body><form method=post action=/>"
        f"<input type=hidden name=csrfmiddlewaretoken value={token}></form></body></html>"
    )


urlpatterns = [path("", home)]
"#;

fn venv_python() -> PathBuf {
    let venv = std::env::var_os("PALISADE_TEST_TEMPLATES_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/templates-venv"));
    let python = venv.join("bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/test, which installs Django there",
        python.display()
    );
    python
}

/// Django's runserver on 127.0.0.1:`port`, stopped on drop.
struct Runserver(Child);

impl Runserver {
    fn start(project: &Path, port: u16) -> Runserver {
        let child = Command::new(venv_python())
            .arg(project.join("manage.py"))
            .args(["runserver", &format!("127.0.0.1:{port}"), "--noreload"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Runserver(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "runserver did not start on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }
}

impl Drop for Runserver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Applies the Django snippets of `fix` to the project `shop` in `project`: settings.py snippets are appended to
/// shop/settings.py (later assignments win); a new file the fix names is written into the project package, with
/// the MIDDLEWARE line its step gives.
fn apply(project: &Path, fix: &FixSection) {
    let settings = project.join("shop/settings.py");
    for (lang, code) in &fix.snippets {
        if lang != "python" {
            continue;
        }
        if code.contains("def security_headers") {
            std::fs::write(project.join("shop/security_headers.py"), code).unwrap();
            let line = fix
                .body
                .split('`')
                .find(|s| s.starts_with("MIDDLEWARE = "))
                .unwrap_or_else(|| {
                    panic!(
                        "the step says how to register the middleware:\n{}",
                        fix.body
                    )
                });
            append(&settings, &line.replace("yourproject.", "shop."));
        } else {
            append(&settings, code);
        }
    }
}

fn append(file: &Path, code: &str) {
    let mut text = std::fs::read_to_string(file).unwrap();
    text.push('\n');
    text.push_str(code);
    text.push('\n');
    std::fs::write(file, text).unwrap();
}

#[test]
fn the_django_snippets_of_the_fix_file_remove_the_findings_they_claim() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    let made = Command::new(venv_python())
        .args(["-m", "django", "startproject", "shop"])
        .arg(&project)
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    append(&project.join("shop/settings.py"), CARELESS);
    std::fs::write(project.join("shop/urls.py"), URLS).unwrap();

    let port = free_port();
    let pins = [
        format!("{HOST}:80:127.0.0.1:{port}"),
        format!("{HOST}:443:127.0.0.1:{}", free_port()),
    ];
    let scan = || fixrun::scan(&dir, &format!("http://{HOST}/"), &pins, &[]);
    let before = {
        let _django = Runserver::start(&project, port);
        scan()
    };
    let found = fixrun::open_findings(&before);
    let ids: Vec<&str> = found.iter().map(|(_, id, _)| id.as_str()).collect();
    for expected in [
        "headers.csp-missing",
        "headers.clickjacking",
        "headers.xcto-missing",
        "headers.cookie-no-httponly",
        "disclosure.error-details",
    ] {
        assert!(
            ids.contains(&expected),
            "the careless project shows {expected}: {ids:?}"
        );
    }

    let md = fixrun::fix_file(&dir, &before);
    let file = FixFile::parse(&md);
    // The fixes Django's settings make; moving to HTTPS needs a certificate first, which no setting gives.
    let django: Vec<&FixSection> = file
        .fixes
        .iter()
        .filter(|f| f.snippets.iter().any(|(lang, _)| lang == "python"))
        .filter(|f| !f.title.starts_with("Redirect plain HTTP"))
        .collect();
    let titles: Vec<&str> = django.iter().map(|f| f.title.as_str()).collect();
    for want in [
        "Send the missing security headers",
        "Set Secure, HttpOnly",
        "Turn off debug error pages",
    ] {
        assert!(
            titles.iter().any(|t| t.starts_with(want)),
            "{want} for Django in {titles:?}\n{md}"
        );
    }
    for fix in &django {
        assert!(
            !fix.snippets
                .iter()
                .any(|(lang, _)| ["nginx", "apache", "js", "php", "ruby"].contains(&lang.as_str())),
            "only Django's variant:\n{}",
            fix.body
        );
        assert!(
            fix.body.contains("likely, not seen: Django"),
            "Django shows only through cookie names, so its variant is likely:\n{}",
            fix.body
        );
        apply(&project, fix);
    }
    let claimed: Vec<&String> = django.iter().flat_map(|f| &f.fingerprints).collect();
    let after = {
        let _django = Runserver::start(&project, port);
        scan()
    };
    let settings = std::fs::read_to_string(project.join("shop/settings.py")).unwrap();
    fixrun::assert_fixed(&before, &after, &claimed, &settings);
    assert!(claimed.len() >= 5, "{claimed:?}");
}
