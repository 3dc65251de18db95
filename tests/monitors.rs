//! Monitors decide which events a finished scan raises: with rules for one target and for the org, only what they
//! ask for reaches a real receiver (checked against the published schema); bad rules are refused with what to
//! write; monitors stay within their org.

mod support;

use axum::Router;
use axum::body::Bytes;
use http::{HeaderMap, StatusCode};
use palisade::app::{AppError, DEFAULT_ORG, NewMonitor};
use palisade::lab::certs::{CertSpec, LabCa};
use palisade::model::{Profile, Severity};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use support::*;
use tokio_util::sync::CancellationToken;

type Inbox = Arc<Mutex<Vec<Value>>>;

async fn receiver() -> (palisade::lab::serve::Server, Inbox) {
    let inbox: Inbox = Arc::default();
    let log = inbox.clone();
    let app = Router::new().fallback(move |_: HeaderMap, body: Bytes| {
        let log = log.clone();
        async move {
            log.lock()
                .unwrap()
                .push(serde_json::from_slice(&body).unwrap());
            StatusCode::NO_CONTENT
        }
    });
    (http(app).await, inbox)
}

/// `shop.test` serves `.env` (critical) without security headers (medium findings) on a certificate with ten days
/// left; `down.test` refuses every connection.
fn shop() -> Router {
    Router::new().fallback(|uri: http::Uri| async move {
        let (status, body) = match uri.path() {
            "/" => (200, "<html><body>shop</body></html>"),
            "/.env" => (200, "APP_ENV=production\nDB_PASSWORD=Zk8vQ2mN4pL7xR1t\n"),
            _ => (404, "not found"),
        };
        http::Response::builder()
            .status(status)
            .header("content-type", "text/html")
            .body(axum::body::Body::from(body))
            .unwrap()
    })
}

#[tokio::test]
async fn only_the_events_the_monitors_ask_for_are_raised() {
    let ca = LabCa::new("Monitor test CA");
    let site = https(shop(), &ca.issue(&CertSpec::valid(&["shop.test"], 10))).await;
    let (hook, inbox) = receiver().await;
    let t = TestApp::new(|c| {
        c.network.pins = pin_site("shop.test", closed_port(), site.addr);
        c.network
            .pins
            .extend(pin_site("down.test", closed_port(), closed_port()));
        c.network.ca_certs.push(ca.cert_der());
    })
    .await;
    let app = &t.app;
    app.create_webhook(DEFAULT_ORG, &format!("http://{}/in", hook.addr), &[], None)
        .await
        .unwrap();
    let critical_only = NewMonitor {
        rule: "new-finding".into(),
        target: Some("https://shop.test/".into()),
        min_severity: Some(Severity::Critical),
        days: None,
    };
    let m = app
        .create_monitor(DEFAULT_ORG, critical_only)
        .await
        .unwrap();
    assert_eq!(m.target.as_deref(), Some("https://shop.test/"));
    let unreachable = NewMonitor {
        rule: "unreachable".into(),
        ..Default::default()
    };
    app.create_monitor(DEFAULT_ORG, unreachable).await.unwrap();
    let week = NewMonitor {
        rule: "cert-expiring".into(),
        days: Some(7),
        ..Default::default()
    };
    app.create_monitor(DEFAULT_ORG, week).await.unwrap();

    let stop = CancellationToken::new();
    let worker = palisade::scheduler::deliveries::spawn(app.clone(), stop.clone());
    t.scan(
        &["https://shop.test/", "https://down.test/"],
        Profile::Standard,
    )
    .await;
    for _ in 0..100 {
        if inbox.lock().unwrap().len() >= 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    stop.cancel();
    worker.task.await.unwrap();

    let events = inbox.lock().unwrap().clone();
    let mut types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    types.sort();
    // No cert.expiring: ten days left is more than the monitor's seven. No score.degraded: no such rule.
    assert_eq!(
        types,
        vec!["finding.new", "scan.completed", "target.unreachable"],
        "{events:#?}"
    );
    let new = events.iter().find(|e| e["type"] == "finding.new").unwrap();
    let severities: Vec<&str> = new["data"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert!(
        !severities.is_empty() && severities.iter().all(|s| *s == "critical"),
        "{new:#}"
    );
    let down = events
        .iter()
        .find(|e| e["type"] == "target.unreachable")
        .unwrap();
    assert_eq!(down["data"]["target"], "https://down.test/");
    assert_valid(&events);
}

fn assert_valid(events: &[Value]) {
    let schema: Value =
        serde_json::from_str(include_str!("../schemas/webhook-event.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for e in events {
        let errors: Vec<String> = validator.iter_errors(e).map(|x| x.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}\n{e:#}");
    }
}

/// Scans `shop.test` on a certificate with `days` left, with `monitors`; the cert.expiring events raised.
async fn cert_events(days: i64, monitors: Vec<NewMonitor>) -> Vec<Value> {
    let ca = LabCa::new("Monitor test CA");
    let site = https(shop(), &ca.issue(&CertSpec::valid(&["shop.test"], days))).await;
    let (hook, inbox) = receiver().await;
    let t = TestApp::new(|c| {
        c.network.pins = pin_site("shop.test", closed_port(), site.addr);
        c.network.ca_certs.push(ca.cert_der());
    })
    .await;
    let url = format!("http://{}/in", hook.addr);
    t.app
        .create_webhook(DEFAULT_ORG, &url, &[], None)
        .await
        .unwrap();
    for m in monitors {
        t.app.create_monitor(DEFAULT_ORG, m).await.unwrap();
    }
    t.scan(&["https://shop.test/"], Profile::Quick).await;
    // The scan's events are stored before it counts as finished: one delivery step sends them all.
    t.app.deliver_due(chrono::Utc::now()).await.unwrap();
    let events = inbox.lock().unwrap().clone();
    assert!(
        events.iter().any(|e| e["type"] == "scan.completed"),
        "{events:#?}"
    );
    assert_valid(&events);
    events
        .into_iter()
        .filter(|e| e["type"] == "cert.expiring")
        .collect()
}

#[tokio::test]
async fn cert_expiring_reads_the_certificate_itself_up_to_a_year_ahead() {
    // 60 days left: no finding (the TLS check flags under 30), but a 90-day monitor warns.
    let ninety = NewMonitor {
        rule: "cert-expiring".into(),
        target: Some("https://shop.test/".into()),
        days: Some(90),
        ..Default::default()
    };
    let events = cert_events(60, vec![ninety]).await;
    assert_eq!(events.len(), 1, "{events:#?}");
    let cert = &events[0]["data"]["certificates"][0];
    assert_eq!(cert["target"], "https://shop.test/");
    assert_eq!(cert["address"], "shop.test:443");
    let left = cert["days_left"].as_i64().unwrap();
    assert!((58..=60).contains(&left), "{cert}");
    assert!(cert["not_after"].as_str().unwrap().ends_with('Z'), "{cert}");

    // No monitors: the default rule warns at 14 days, so 10 days left raises it and 20 does not.
    let events = cert_events(10, Vec::new()).await;
    assert_eq!(events.len(), 1, "{events:#?}");
    assert!(
        events[0]["data"]["certificates"][0]["days_left"]
            .as_i64()
            .unwrap()
            <= 10
    );
    assert!(cert_events(20, Vec::new()).await.is_empty());
}

#[tokio::test]
async fn bad_rules_are_refused_and_monitors_stay_in_their_org() {
    let t = TestApp::new(|_| {}).await;
    let app = &t.app;
    let refused = |r: Result<palisade::model::Monitor, AppError>| r.unwrap_err().to_string();
    let e = refused(
        app.create_monitor(
            DEFAULT_ORG,
            NewMonitor {
                rule: "grade-up".into(),
                ..Default::default()
            },
        )
        .await,
    );
    assert!(
        e.contains("unknown rule 'grade-up': use new-finding, grade-drop"),
        "{e}"
    );
    let e = refused(
        app.create_monitor(
            DEFAULT_ORG,
            NewMonitor {
                rule: "cert-expiring".into(),
                days: Some(400),
                ..Default::default()
            },
        )
        .await,
    );
    assert!(e.contains("days is 400: give 1 to 365"), "{e}");
    let e = refused(
        app.create_monitor(
            DEFAULT_ORG,
            NewMonitor {
                rule: "grade-drop".into(),
                min_severity: Some(Severity::Low),
                ..Default::default()
            },
        )
        .await,
    );
    assert!(
        e.contains("min_severity belongs to the new-finding rule only"),
        "{e}"
    );

    let m = app
        .create_monitor(
            "acme",
            NewMonitor {
                rule: "scan-failed".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(app.list_monitors("globex").await.unwrap().is_empty());
    assert!(matches!(
        app.delete_monitor("globex", &m.id).await,
        Err(AppError::NotFound {
            kind: "monitor",
            ..
        })
    ));
    app.delete_monitor("acme", &m.id).await.unwrap();
    assert!(app.list_monitors("acme").await.unwrap().is_empty());
}

#[test]
fn the_cli_lists_rules_with_their_effective_thresholds() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = palisade_std(&dir).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let empty = run(&["monitors", "list"]);
    assert!(
        empty.contains("new findings of high and above")
            && empty.contains("certificates with 14 days or less"),
        "{empty}"
    );
    run(&["monitors", "create", "cert-expiring"]);
    run(&[
        "monitors",
        "create",
        "new-finding",
        "--min-severity",
        "critical",
    ]);
    let table = run(&["monitors", "list"]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("ID ") && lines.len() == 3, "{table}");
    assert!(
        table.contains("14 days") && table.contains("critical"),
        "{table}"
    );
    assert!(
        lines.iter().all(|l| !l.ends_with(' ')),
        "no trailing spaces: {table:?}"
    );
    let json: Value =
        serde_json::from_str(&run(&["monitors", "list", "--format", "json"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
}
