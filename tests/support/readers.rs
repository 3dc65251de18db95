//! The programs people read reports with, run on files a test wrote: poppler's `pdftotext` and `pdfinfo`, and
//! Debian's headless Chromium. All are required (scripts/test installs them): a missing one fails the test, never
//! skips it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one run of a tool may take.
const TOOL_TIMEOUT: Duration = Duration::from_secs(60);

/// The path of a required tool on `PATH`.
pub fn tool(name: &str) -> PathBuf {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{name} not found: run scripts/test, which installs it"))
}

/// Runs `cmd` with its output in files under `dir`; fails after [`TOOL_TIMEOUT`] or on a non-zero exit.
pub fn run(cmd: &mut Command, dir: &Path, what: &str) -> String {
    let (out, err) = (
        dir.join(format!("{what}.out")),
        dir.join(format!("{what}.err")),
    );
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("{what} does not start: {e}"));
    let deadline = Instant::now() + TOOL_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} took more than {TOOL_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stderr = std::fs::read_to_string(&err).unwrap_or_default();
    assert!(status.success(), "{what} failed ({status}): {stderr}");
    String::from_utf8_lossy(&std::fs::read(&out).unwrap()).into_owned()
}

/// The text of pages `first..=last` of a PDF (all pages when `None`), as `pdftotext -layout` gives it.
pub fn pdf_text(pdf: &Path, pages: Option<(usize, usize)>) -> String {
    let dir = pdf.parent().unwrap();
    let mut cmd = Command::new(tool("pdftotext"));
    cmd.arg("-layout");
    if let Some((first, last)) = pages {
        cmd.args(["-f", &first.to_string(), "-l", &last.to_string()]);
    }
    cmd.arg(pdf).arg("-");
    run(&mut cmd, dir, "pdftotext")
}

/// The number of pages of a PDF, from `pdfinfo`.
pub fn pdf_pages(pdf: &Path) -> usize {
    let info = run(
        Command::new(tool("pdfinfo")).arg(pdf),
        pdf.parent().unwrap(),
        "pdfinfo",
    );
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo names no page count:\n{info}"))
}

/// Headless Chromium prints the HTML page `html` to the PDF file `pdf`.
pub fn chromium_print(html: &Path, pdf: &Path) {
    let dir = html.parent().unwrap();
    run(
        Command::new(tool("chromium"))
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--no-pdf-header-footer",
            ])
            .arg(format!(
                "--user-data-dir={}",
                dir.join("chromium").display()
            ))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", html.display())),
        dir,
        "chromium",
    );
}

/// Every run of whitespace made one space.
pub fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
