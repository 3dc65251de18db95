//! Email alerts against a real mail server on loopback (aiosmtpd, run by `tests/python/smtp_sink.py`, which parses
//! what it receives with Python's email package): a scan's events arrive over STARTTLS (a certificate from a test
//! CA) after AUTH, as readable mail to every address; a server that answers "try later" gets retries, one that
//! refuses for good is not retried, a dead one leaves the email pending; without `[smtp]` an email alert is refused
//! with the settings to add; the CLI reads `[smtp]` from the environment.

mod site;
mod support;

use palisade::app::{AppError, DEFAULT_ORG};
use palisade::config::parse_smtp_url;
use palisade::lab::certs::{CertSpec, LabCa};
use palisade::model::{Delivery, Profile};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::Duration;
use support::peers::python;
use support::*;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout};
use tokio_util::sync::CancellationToken;

const FROM: &str = "Palisade alerts <alerts@palisade.test>";

/// A running aiosmtpd and the JSON lines it prints.
struct Sink {
    _child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    port: u16,
}

impl Sink {
    async fn start(args: &[&str]) -> Sink {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/python/smtp_sink.py");
        let mut child = tokio::process::Command::new(python())
            .arg(script)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start the SMTP sink");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = next_json(&mut lines).await;
        let port = first["port"].as_u64().expect("the sink prints its port") as u16;
        Sink {
            _child: child,
            lines,
            port,
        }
    }

    /// A sink that requires STARTTLS, with a certificate for 127.0.0.1 from a new test CA, and AUTH as `user:password`;
    /// and the CA, for the App to trust.
    async fn with_tls(auth: &str) -> (Sink, LabCa) {
        let ca = LabCa::new("Palisade mail test CA");
        let leaf = ca.issue(&CertSpec::valid(&["127.0.0.1"], 30));
        let files = tempfile::tempdir().unwrap();
        let (cert, key) = (files.path().join("cert.pem"), files.path().join("key.pem"));
        std::fs::write(&cert, leaf.chain_pem()).unwrap();
        std::fs::write(&key, leaf.key_pem()).unwrap();
        let args = [
            "--tls",
            cert.to_str().unwrap(),
            key.to_str().unwrap(),
            "--auth",
            auth,
        ];
        // aiosmtpd has read the files once it prints its port: they may go.
        (Sink::start(&args).await, ca)
    }

    /// The next line the sink prints.
    async fn next(&mut self) -> Value {
        next_json(&mut self.lines).await
    }
}

/// The next JSON line (within 20 s).
async fn next_json(lines: &mut Lines<BufReader<ChildStdout>>) -> Value {
    let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("the mail server reported within 20 s")
        .unwrap()
        .expect("the mail server is running");
    serde_json::from_str(&line).unwrap()
}

fn smtp(url: &str) -> palisade::config::SmtpSettings {
    let mut s = parse_smtp_url(url).unwrap();
    s.from = FROM.into();
    s
}

fn delivered_by(list: &[Delivery], event: &str) -> Delivery {
    list.iter()
        .find(|d| d.event == event)
        .unwrap_or_else(|| panic!("a {event} delivery: {list:?}"))
        .clone()
}

#[tokio::test]
async fn a_scan_mails_its_events_over_starttls_after_auth() {
    let (mut sink, ca) = Sink::with_tls("palisade:s3cret+pw").await;
    let site = http(fixed(
        200,
        &[("content-type", "text/html")],
        "<html><body>shop</body></html>",
    ))
    .await;
    let url = format!(
        "smtp://palisade:s3cret%2Bpw@127.0.0.1:{}?tls=required",
        sink.port
    );
    let t = TestApp::new(|c| {
        c.network.pins = pin_site("shop.test", site.addr, closed_port());
        c.network.ca_certs = vec![ca.cert_der()];
        c.smtp = Some(smtp(&url));
    })
    .await;
    let made = t
        .app
        .create_webhook(
            DEFAULT_ORG,
            "mailto:ops@example.com, sec@example.org",
            &["scan.completed".into()],
            None,
        )
        .await
        .unwrap();
    assert_eq!(made.webhook.format, "email");
    assert_eq!(made.webhook.url, "mailto:ops@example.com,sec@example.org");
    assert!(made.secret.is_none(), "email is not signed");

    let stop = CancellationToken::new();
    let worker = palisade::scheduler::deliveries::spawn(t.app.clone(), stop.clone());
    let out = t.scan(&["http://shop.test/"], Profile::Quick).await;
    // One message per address, so a refused address cannot stop the others.
    let mail = sink.next().await;
    let other = sink.next().await;
    stop.cancel();
    worker.task.await.unwrap();

    assert_eq!(mail["tls"], true, "STARTTLS before the message: {mail}");
    assert_eq!(mail["auth_user"], "palisade", "{mail}");
    assert_eq!(mail["mail_from"], "alerts@palisade.test");
    let mut to = vec![mail["rcpt_tos"][0].clone(), other["rcpt_tos"][0].clone()];
    to.sort_by_key(|v| v.to_string());
    assert_eq!(to, vec![json!("ops@example.com"), json!("sec@example.org")]);
    assert_eq!(
        mail["headers"]["message-id"],
        other["headers"]["message-id"]
    );
    let headers = &mail["headers"];
    assert_eq!(
        headers["subject"],
        format!(
            "[Palisade] scan {} completed: http://shop.test/ grade {} ({}/100)",
            out.scan.id,
            out.scan.targets[0].risk_grade.as_deref().unwrap(),
            out.scan.targets[0].security_score.unwrap()
        )
    );
    assert_eq!(headers["from"], FROM);
    assert_eq!(
        headers["to"].as_str().unwrap(),
        mail["rcpt_tos"][0].as_str().unwrap(),
        "{headers}"
    );
    assert!(headers["date"].is_string(), "{headers}");
    let listed = t
        .app
        .webhook_deliveries(DEFAULT_ORG, &made.webhook.id, 10)
        .await
        .unwrap();
    let d = delivered_by(&listed, "scan.completed");
    assert_eq!(
        headers["message-id"],
        format!("<{}@palisade.test>", d.id),
        "one Message-ID per delivery, the same on every attempt"
    );
    let text = mail["text"].as_str().unwrap();
    let json_start = text.find('{').expect("the event as JSON");
    let event: Value = serde_json::from_str(text[json_start..].trim()).unwrap();
    assert_eq!(event["type"], "scan.completed");
    assert_eq!(event["data"]["scan_id"], json!(out.scan.id));
    assert_eq!(event["data"]["targets"][0]["url"], "http://shop.test/");
    assert_eq!(
        (d.status.as_str(), d.attempts, d.last_status_code),
        ("delivered", 1, Some(250))
    );
}

/// An app whose mail goes to `url`, with one email alert for every event; the alert's id.
async fn mailing_app(url: &str) -> (TestApp, String) {
    mailing_app_to(url, "mailto:ops@example.com", None).await
}

/// An app whose mail goes to `url` (trusting `ca`), with one email alert to `to` for every event and one
/// `scan.failed` stored for it; the alert's id.
async fn mailing_app_to(url: &str, to: &str, ca: Option<&LabCa>) -> (TestApp, String) {
    let t = TestApp::new(|c| {
        c.smtp = Some(smtp(url));
        c.network.ca_certs.extend(ca.map(LabCa::cert_der));
    })
    .await;
    let made = t
        .app
        .create_webhook(DEFAULT_ORG, to, &[], None)
        .await
        .unwrap();
    let stored = t
        .app
        .emit(
            DEFAULT_ORG,
            "scan.failed",
            json!({"scan_id": "scan_x", "error": "the budget ran out"}),
        )
        .await
        .unwrap();
    assert_eq!(stored, 1);
    (t, made.webhook.id)
}

async fn only_delivery(t: &TestApp, id: &str) -> Delivery {
    let list = t.app.webhook_deliveries(DEFAULT_ORG, id, 10).await.unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    list[0].clone()
}

#[tokio::test]
async fn try_later_is_retried_a_refusal_is_final_and_a_dead_server_waits() {
    // 451 first: pending with the code, due 30 s later; not before; then delivered.
    let mut sink = Sink::start(&["--fail", "1"]).await;
    let (t, id) = mailing_app(&format!("smtp://127.0.0.1:{}", sink.port)).await;
    let t0 = chrono::Utc::now();
    t.app.deliver_due(t0).await.unwrap();
    assert_eq!(sink.next().await["refused"], 451);
    let d = only_delivery(&t, &id).await;
    assert_eq!(
        (d.status.as_str(), d.attempts, d.last_status_code),
        ("pending", 1, Some(451))
    );
    assert!(
        d.last_error.as_deref().unwrap().contains("Try again later"),
        "{d:?}"
    );
    let next = chrono::DateTime::parse_from_rfc3339(d.next_attempt_at.as_deref().unwrap()).unwrap();
    let wait = (next.to_utc() - t0).num_milliseconds();
    assert!(
        (29_000..=30_000).contains(&wait),
        "30 s later (stamps keep ms): {d:?}"
    );
    t.app
        .deliver_due(t0 + chrono::Duration::seconds(10))
        .await
        .unwrap();
    assert_eq!(only_delivery(&t, &id).await.attempts, 1, "not due yet");
    t.app
        .deliver_due(t0 + chrono::Duration::seconds(31))
        .await
        .unwrap();
    let mail = sink.next().await;
    assert_eq!(
        mail["headers"]["subject"],
        "[Palisade] scan scan_x failed: the budget ran out"
    );
    let d = only_delivery(&t, &id).await;
    assert_eq!(
        (d.status.as_str(), d.attempts, d.last_status_code),
        ("delivered", 2, Some(250))
    );

    // 550: failed at once, with the server's words.
    let mut refusing = Sink::start(&["--reject"]).await;
    let (t, id) = mailing_app(&format!("smtp://127.0.0.1:{}", refusing.port)).await;
    t.app.deliver_due(chrono::Utc::now()).await.unwrap();
    assert_eq!(refusing.next().await["refused"], 550);
    let d = only_delivery(&t, &id).await;
    assert_eq!(
        (d.status.as_str(), d.attempts, d.last_status_code),
        ("failed", 1, Some(550))
    );
    let error = d.last_error.unwrap();
    assert!(
        error.contains("refused the message") && error.contains("not retried"),
        "{error}"
    );
    assert!(d.next_attempt_at.is_none());

    // Nothing listening: pending, saying which server could not be reached.
    let dead = closed_port();
    let (t, id) = mailing_app(&format!("smtp://{dead}")).await;
    t.app.deliver_due(chrono::Utc::now()).await.unwrap();
    let d = only_delivery(&t, &id).await;
    assert_eq!((d.status.as_str(), d.last_status_code), ("pending", None));
    let error = d.last_error.unwrap();
    assert!(
        error.contains(&format!("cannot send through the mail server {dead}")),
        "{error}"
    );
}

#[tokio::test]
async fn email_alerts_need_a_mail_server_and_real_addresses() {
    let t = TestApp::new(|_| {}).await;
    let err = t
        .app
        .create_webhook(DEFAULT_ORG, "mailto:ops@example.com", &[], None)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Invalid(_)));
    assert!(
        err.to_string().contains("PALISADE_SMTP_URL") && err.to_string().contains("[smtp]"),
        "{err}"
    );

    let t = TestApp::new(|c| c.smtp = Some(smtp("smtp://127.0.0.1:25"))).await;
    for (url, format, says) in [
        ("mailto:not-an-address", None, "is not an email address"),
        ("mailto:", None, "at least one address"),
        (
            "mailto:ops@example.com",
            Some("json"),
            "does not fit a mailto: URL",
        ),
        (
            "https://example.com/hook",
            Some("email"),
            "does not fit an http(s) URL",
        ),
    ] {
        let err = t
            .app
            .create_webhook(DEFAULT_ORG, url, &[], format)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains(says), "{url}: {err}");
    }
    let many: Vec<String> = (0..11).map(|i| format!("u{i}@example.com")).collect();
    let err = t
        .app
        .create_webhook(
            DEFAULT_ORG,
            &format!("mailto:{}", many.join(",")),
            &[],
            None,
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("at most 10"), "{err}");
    assert!(t.app.list_webhooks(DEFAULT_ORG).await.unwrap().is_empty());

    // A server that mails only its own domains.
    let t = TestApp::new(|c| {
        let mut s = smtp("smtp://127.0.0.1:25");
        s.allowed_domains = vec!["example.com".into()];
        c.smtp = Some(s);
    })
    .await;
    let err = t
        .app
        .create_webhook(
            DEFAULT_ORG,
            "mailto:ops@example.com,x@attacker.test",
            &[],
            None,
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(
            "x@attacker.test is outside the domains this server mails alerts to (example.com)"
        ),
        "{err}"
    );
    let ok = t
        .app
        .create_webhook(
            DEFAULT_ORG,
            "mailto:ops@example.com,oncall@team.example.com",
            &[],
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        ok.webhook.url,
        "mailto:ops@example.com,oncall@team.example.com"
    );
}

#[test]
fn the_cli_reads_smtp_settings_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let run = |envs: &[(&str, &str)], args: &[&str]| {
        let mut cmd = palisade_std(&dir);
        cmd.envs(envs.iter().copied()).args(args);
        let out = cmd.output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let server = [
        ("PALISADE_SMTP_URL", "smtp://127.0.0.1:2525"),
        ("PALISADE_SMTP_FROM", FROM),
    ];
    let create = [
        "webhooks",
        "create",
        "mailto:ops@example.com",
        "--events",
        "scan.failed",
    ];
    let (code, out, err) = run(&server, &create);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("email alert ") && out.contains(" to ops@example.com for scan.failed"),
        "{out}"
    );
    let (_, list, _) = run(&server, &["webhooks", "list", "--format", "json"]);
    let list: Value = serde_json::from_str(&list).unwrap();
    assert_eq!(list[0]["format"], "email");

    let (code, _, err) = run(&server[..1], &create);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("PALISADE_SMTP_FROM"), "{err}");
    let (code, _, err) = run(
        &[
            ("PALISADE_SMTP_URL", "smtp://bot:pw@mail.example.com"),
            server[1],
        ],
        &create,
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("PALISADE_SMTP_URL") && err.contains("plain text"),
        "{err}"
    );
    let (code, _, err) = run(&[], &create);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("need a mail server"), "{err}");

    // A server started without [smtp] says the alert's emails will wait.
    let mut serve = palisade_std(&dir)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = std::io::BufReader::new(serve.stderr.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufRead::lines(stderr).map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut said = Vec::new();
    let warned = loop {
        match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(line) if line.contains("1 email alert(s) are set up but no mail server is") => {
                break true;
            }
            Ok(line) => said.push(line),
            Err(_) => break false,
        }
    };
    let _ = serve.kill();
    let _ = serve.wait();
    assert!(warned, "{said:?}");
}

#[tokio::test]
async fn a_refused_address_does_not_stop_the_others_and_a_failed_login_waits() {
    // One of two addresses refused (550 at RCPT): the other gets the mail, the refusal is noted.
    let mut sink = Sink::start(&["--refuse-rcpt", "gone@example.com"]).await;
    let url = format!("smtp://127.0.0.1:{}", sink.port);
    let (t, id) = mailing_app_to(&url, "mailto:gone@example.com,ops@example.com", None).await;
    t.app.deliver_due(chrono::Utc::now()).await.unwrap();
    assert_eq!(sink.next().await["refused"], 550);
    let mail = sink.next().await;
    assert_eq!(mail["rcpt_tos"], json!(["ops@example.com"]));
    let d = only_delivery(&t, &id).await;
    assert_eq!(
        (d.status.as_str(), d.last_status_code),
        ("delivered", Some(250))
    );
    let note = d.last_error.unwrap_or_default();
    assert!(
        note.contains("gone@example.com") && note.contains("550"),
        "{note}"
    );

    // A wrong password (535 after STARTTLS): not a refusal of the alert, so it waits for the settings to be fixed.
    let (guarded, ca) = Sink::with_tls("palisade:right").await;
    let url = format!(
        "smtp://palisade:wrong@127.0.0.1:{}?tls=required",
        guarded.port
    );
    let (t, id) = mailing_app_to(&url, "mailto:ops@example.com", Some(&ca)).await;
    t.app.deliver_due(chrono::Utc::now()).await.unwrap();
    let d = only_delivery(&t, &id).await;
    assert_eq!(
        (d.status.as_str(), d.last_status_code),
        ("pending", Some(535)),
        "{d:?}"
    );
    let error = d.last_error.unwrap();
    assert!(
        error.contains("refused Palisade's login") && error.contains("[smtp] url"),
        "{error}"
    );
}
