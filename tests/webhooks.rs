//! Webhooks against a real local HTTP receiver: events of a real scan arrive signed and the receiver verifies them
//! with its own HMAC code; a failing receiver gets retries with growing delays, and a restart in the middle loses
//! nothing (paused tokio time, `support/frozen.rs`); a URL on loopback needs an allow rule; webhooks stay within
//! their org.

mod site;
mod support;

use axum::Router;
use axum::body::Bytes;
use chrono::{TimeZone, Utc};
use hmac::{Hmac, Mac};
use http::{HeaderMap, StatusCode};
use palisade::app::{App, AppError, DEFAULT_ORG};
use palisade::config::Config;
use palisade::model::Profile;
use palisade::scheduler::clock::Clock;
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::{Arc, Mutex};
use support::frozen::{freeze, run_for};
use support::*;
use tokio_util::sync::CancellationToken;

/// What the receiver got: path, Palisade-Signature header, body.
type Inbox = Arc<Mutex<Vec<(String, String, String)>>>;

/// A receiver that answers each request with the next status of `answers` (the last one after that).
async fn receiver(answers: Vec<u16>) -> (palisade::lab::serve::Server, Inbox) {
    let inbox: Inbox = Arc::default();
    let log = inbox.clone();
    let app = Router::new().fallback(move |uri: http::Uri, headers: HeaderMap, body: Bytes| {
        let log = log.clone();
        let answers = answers.clone();
        async move {
            let mut log = log.lock().unwrap();
            let sig = headers
                .get("palisade-signature")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            log.push((
                uri.path().to_string(),
                sig,
                String::from_utf8_lossy(&body).into_owned(),
            ));
            let status = answers[(log.len() - 1).min(answers.len() - 1)];
            StatusCode::from_u16(status).unwrap()
        }
    });
    (http(app).await, inbox)
}

/// A receiver's own check, written from the README's description: HMAC-SHA256 of "<t>.<body>" with the secret.
fn verified(secret: &str, header: &str, body: &str) -> Option<i64> {
    let t: i64 = header
        .split(',')
        .find_map(|p| p.strip_prefix("t="))?
        .parse()
        .ok()?;
    let v1 = header.split(',').find_map(|p| p.strip_prefix("v1="))?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    mac.verify_slice(&hex::decode(v1).ok()?).ok()?;
    Some(t)
}

#[tokio::test]
async fn events_of_a_scan_arrive_signed_and_slack_gets_text() {
    let (hook, inbox) = receiver(vec![200]).await;
    let site = http(fixed(
        200,
        &[("content-type", "text/html")],
        "<html><body>shop</body></html>",
    ))
    .await;
    let t =
        TestApp::new(|c| c.network.pins = pin_site("shop.test", site.addr, closed_port())).await;
    let url = format!("http://{}/hooks/palisade", hook.addr);
    let made = t
        .app
        .create_webhook(DEFAULT_ORG, &url, &[], None)
        .await
        .unwrap();
    assert_eq!(made.webhook.format, "json");
    assert_eq!(made.webhook.events.len(), palisade::model::EVENTS.len());
    let secret = made.secret.clone().expect("an http webhook has a secret");
    assert!(secret.starts_with("whsec_") && secret.len() == 38);
    let slack = t
        .app
        .create_webhook(
            DEFAULT_ORG,
            &format!("http://{}/slack", hook.addr),
            &["scan.completed".into()],
            Some("slack"),
        )
        .await
        .unwrap();

    let stop = CancellationToken::new();
    let worker = palisade::scheduler::deliveries::spawn(t.app.clone(), stop.clone());
    let out = t.scan(&["http://shop.test/"], Profile::Quick).await;
    for _ in 0..100 {
        if inbox.lock().unwrap().len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    stop.cancel();
    worker.task.await.unwrap();

    let got = inbox.lock().unwrap().clone();
    let json_one = got
        .iter()
        .find(|(p, _, _)| p == "/hooks/palisade")
        .expect("json delivery");
    let now = Utc::now().timestamp();
    let t_sent = verified(&secret, &json_one.1, &json_one.2).expect("the signature verifies");
    assert!((now - t_sent).abs() < 60, "a fresh timestamp: {t_sent}");
    assert!(
        verified(slack.secret.as_deref().unwrap(), &json_one.1, &json_one.2).is_none(),
        "another secret fails"
    );
    let body: Value = serde_json::from_str(&json_one.2).unwrap();
    assert_eq!(body["type"], "scan.completed");
    assert_eq!(body["org"], DEFAULT_ORG);
    assert_eq!(body["data"]["scan_id"], json!(out.scan.id));
    assert_eq!(body["data"]["targets"][0]["url"], "http://shop.test/");
    assert!(body["id"].as_str().unwrap().starts_with("evt_"));

    let slack_one = got
        .iter()
        .find(|(p, _, _)| p == "/slack")
        .expect("slack delivery");
    let text: Value = serde_json::from_str(&slack_one.2).unwrap();
    let target = &out.scan.targets[0];
    assert_eq!(
        text["text"],
        format!(
            "Palisade: scan {} completed: http://shop.test/ grade {} ({}/100)",
            out.scan.id,
            target.risk_grade.as_deref().unwrap(),
            target.security_score.unwrap()
        )
    );
    let listed = t
        .app
        .webhook_deliveries(DEFAULT_ORG, &made.webhook.id, 10)
        .await
        .unwrap();
    let scan_completed: Vec<_> = listed
        .iter()
        .filter(|d| d.event == "scan.completed")
        .collect();
    assert_eq!(scan_completed.len(), 1, "{listed:?}");
    assert_eq!(scan_completed[0].status, "delivered");
    assert_eq!(scan_completed[0].last_status_code, Some(200));
    assert_eq!(scan_completed[0].attempts, 1);
}

fn frozen_config(dir: &tempfile::TempDir) -> Config {
    support::config(dir)
}

#[tokio::test(start_paused = true)]
async fn a_failing_receiver_gets_growing_delays_and_a_restart_loses_nothing() {
    let _frozen = freeze();
    let (hook, inbox) = receiver(vec![500, 503, 502, 200]).await;
    let dir = tempfile::tempdir().unwrap();
    let clock = Clock::tokio_from(Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap());
    let app = App::build_with_clock(frozen_config(&dir), clock)
        .await
        .unwrap();
    let made = app
        .create_webhook(DEFAULT_ORG, &format!("http://{}/in", hook.addr), &[], None)
        .await
        .unwrap();
    let stored = app
        .emit(
            DEFAULT_ORG,
            "score.degraded",
            json!({"target": "https://shop.test/", "grade": "C", "previous_grade": "A"}),
        )
        .await
        .unwrap();
    assert_eq!(stored, 1, "stored before anything is sent");

    // Two attempts (09:00:00 and 09:00:30), then the process stops.
    let stop = CancellationToken::new();
    let mut worker = palisade::scheduler::deliveries::spawn(app.clone(), stop.clone());
    run_for(&mut worker.sleeping, clock, 0.7 / 60.0).await;
    stop.cancel();
    worker.task.await.unwrap();
    drop(app);
    assert_eq!(inbox.lock().unwrap().len(), 2);

    // A new process on the same database picks the delivery up where it was.
    let app = App::build_with_clock(frozen_config(&dir), clock)
        .await
        .unwrap();
    let stop = CancellationToken::new();
    let mut worker = palisade::scheduler::deliveries::spawn(app.clone(), stop.clone());
    run_for(&mut worker.sleeping, clock, 0.5).await;
    stop.cancel();
    worker.task.await.unwrap();

    let got = inbox.lock().unwrap().clone();
    assert_eq!(got.len(), 4, "500, 503, 502, then 200: {got:?}");
    let times: Vec<i64> = got
        .iter()
        .map(|(_, sig, body)| {
            verified(made.secret.as_deref().unwrap(), sig, body).expect("every attempt is signed")
        })
        .collect();
    let gaps: Vec<i64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    assert_eq!(gaps, vec![30, 60, 120], "delays double");
    assert!(
        got.iter().all(|(_, _, b)| b == &got[0].2),
        "the same body each time"
    );

    let deliveries = app
        .webhook_deliveries(DEFAULT_ORG, &made.webhook.id, 10)
        .await
        .unwrap();
    assert_eq!(deliveries.len(), 1);
    let d = &deliveries[0];
    assert_eq!(
        (d.status.as_str(), d.attempts, d.last_status_code),
        ("delivered", 4, Some(200))
    );
    assert_eq!(d.delivered_at.as_deref(), Some("2026-11-21T09:03:30.000Z"));
}

#[tokio::test]
async fn the_retry_schedule_grows_to_an_hour_and_gives_up_after_a_day() {
    use palisade::app::retry_delay;
    let delays: Vec<i64> = (1..=9).map(|n| retry_delay(n).num_seconds()).collect();
    assert_eq!(delays, vec![30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    let total: i64 = (1..=40).map(|n| retry_delay(n).num_seconds()).sum();
    assert!(total > 24 * 3600, "enough attempts to span the day");
}

#[tokio::test]
async fn a_webhook_on_loopback_needs_an_allow_rule() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = support::config(&dir);
    c.scope.allow.clear();
    let app = App::build(c).await.unwrap();
    let e = app
        .create_webhook(DEFAULT_ORG, "http://127.0.0.1:9/hook", &[], None)
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::OutOfScope { .. }), "{e:?}");
    assert!(
        e.to_string()
            .starts_with("http://127.0.0.1:9/hook: out of scope: 127.0.0.1 is a loopback address")
            && e.to_string()
                .contains("scope.allow = [\"127.0.0.1/32\"] (or scope.allow_private = true)"),
        "{e}"
    );
    for (url, says) in [
        ("not a url", "is not a URL"),
        ("ftp://example.com/x", "must be an http:// or https:// URL"),
        (
            "https://user:pw@example.com/x",
            "put no credentials in the webhook URL",
        ),
    ] {
        let e = app
            .create_webhook(DEFAULT_ORG, url, &[], None)
            .await
            .unwrap_err();
        assert!(e.to_string().contains(says), "{url}: {e}");
    }
    let dir2 = tempfile::tempdir().unwrap();
    let allowed = App::build(support::config(&dir2)).await.unwrap();
    let e = allowed
        .create_webhook(
            DEFAULT_ORG,
            "http://127.0.0.1:9/hook",
            &["scan.done".into()],
            None,
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("unknown event 'scan.done'"), "{e}");
    assert!(app.list_webhooks(DEFAULT_ORG).await.unwrap().is_empty());
}

#[tokio::test]
async fn webhooks_stay_within_their_org() {
    let (hook, inbox) = receiver(vec![200]).await;
    let t = TestApp::new(|_| {}).await;
    let made = t
        .app
        .create_webhook("acme", &format!("http://{}/in", hook.addr), &[], None)
        .await
        .unwrap();
    assert!(t.app.list_webhooks("globex").await.unwrap().is_empty());
    assert!(matches!(
        t.app
            .webhook_deliveries("globex", &made.webhook.id, 10)
            .await,
        Err(AppError::NotFound {
            kind: "webhook",
            ..
        })
    ));
    assert!(matches!(
        t.app.delete_webhook("globex", &made.webhook.id).await,
        Err(AppError::NotFound {
            kind: "webhook",
            ..
        })
    ));
    assert_eq!(
        t.app
            .emit("globex", "scan.completed", json!({}))
            .await
            .unwrap(),
        0,
        "another org's events go to no acme webhook"
    );
    assert_eq!(
        t.app
            .emit("acme", "scan.completed", json!({}))
            .await
            .unwrap(),
        1
    );
    t.app
        .delete_webhook("acme", &made.webhook.id)
        .await
        .unwrap();
    assert!(inbox.lock().unwrap().is_empty());
}

/// A site that a first scan sees well kept and a second sees degraded (headers gone, `.env` served), on a
/// certificate with ten days left: every event but `scan.failed` fires, and each body matches the published schema.
#[tokio::test]
async fn every_event_matches_the_published_schema() {
    use palisade::lab::certs::{CertSpec, LabCa};
    use std::sync::atomic::{AtomicBool, Ordering};
    let degraded = Arc::new(AtomicBool::new(false));
    let flag = degraded.clone();
    let app = Router::new().fallback(move |uri: http::Uri| {
        let bad = flag.load(Ordering::SeqCst);
        async move {
            let mut resp = http::Response::builder();
            let headers: &[(&str, &str)] = if bad {
                &[("content-type", "text/html")]
            } else {
                site::HARDENED
            };
            for (k, v) in headers {
                resp = resp.header(*k, *v);
            }
            let (status, body) = match uri.path() {
                "/" => (200, "<html><body>shop</body></html>"),
                "/.env" if bad => (200, "APP_ENV=production\nDB_PASSWORD=Zk8vQ2mN4pL7xR1t\n"),
                _ => (404, "not found"),
            };
            resp.status(status)
                .body(axum::body::Body::from(body))
                .unwrap()
        }
    });
    let ca = LabCa::new("Webhook test CA");
    let site = https(app, &ca.issue(&CertSpec::valid(&["shop.test"], 10))).await;
    let (hook, inbox) = receiver(vec![200]).await;
    let t = TestApp::new(|c| {
        c.network.pins = pin_site("shop.test", closed_port(), site.addr);
        c.network.ca_certs.push(ca.cert_der());
    })
    .await;
    t.app
        .create_webhook(DEFAULT_ORG, &format!("http://{}/in", hook.addr), &[], None)
        .await
        .unwrap();
    let stop = CancellationToken::new();
    let worker = palisade::scheduler::deliveries::spawn(t.app.clone(), stop.clone());
    t.scan(&["https://shop.test/"], Profile::Standard).await;
    degraded.store(true, Ordering::SeqCst);
    t.scan(&["https://shop.test/"], Profile::Standard).await;
    let wanted = [
        "scan.completed",
        "finding.new",
        "score.degraded",
        "cert.expiring",
    ];
    let types = || -> Vec<String> {
        inbox
            .lock()
            .unwrap()
            .iter()
            .map(|(_, _, b)| {
                serde_json::from_str::<Value>(b).unwrap()["type"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    for _ in 0..100 {
        if wanted.iter().all(|w| types().iter().any(|t| t == w)) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    stop.cancel();
    worker.task.await.unwrap();
    let seen = types();
    for w in wanted {
        assert!(seen.iter().any(|t| t == w), "no {w} among {seen:?}");
    }
    let schema: Value =
        serde_json::from_str(include_str!("../schemas/webhook-event.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    for (_, _, body) in inbox.lock().unwrap().iter() {
        let event: Value = serde_json::from_str(body).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&event)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:?}\n{event:#}");
    }
    let new = inbox
        .lock()
        .unwrap()
        .iter()
        .map(|(_, _, b)| serde_json::from_str::<Value>(b).unwrap())
        .find(|e| e["type"] == "finding.new")
        .unwrap();
    assert!(
        new["data"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["check_id"] == "disclosure.env-exposed" && f["severity"] == "critical"),
        "{new:#}"
    );
}

#[tokio::test]
async fn a_scheduled_run_that_cannot_start_raises_scan_failed() {
    let (hook, inbox) = receiver(vec![200]).await;
    let dir = tempfile::tempdir().unwrap();
    let mut c = support::config(&dir);
    c.server.max_daily_scans = 0;
    let app = App::build(c).await.unwrap();
    app.create_webhook(DEFAULT_ORG, &format!("http://{}/in", hook.addr), &[], None)
        .await
        .unwrap();
    let s = app
        .create_schedule(
            DEFAULT_ORG,
            palisade::app::NewSchedule {
                targets: vec!["http://127.0.0.1:9/".into()],
                cadence: "hourly".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let step = app
        .run_due_schedules(Utc::now() + chrono::Duration::hours(2))
        .await
        .unwrap();
    assert_eq!(step.runs.len(), 1);
    assert_eq!(step.runs[0].2, "failed", "over the daily quota");
    app.deliver_due(Utc::now()).await.unwrap();

    let got = inbox.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "{got:?}");
    let event: Value = serde_json::from_str(&got[0].2).unwrap();
    assert_eq!(event["type"], "scan.failed");
    assert_eq!(event["data"]["scan_id"], Value::Null);
    assert_eq!(event["data"]["schedule_id"], json!(s.id));
    assert!(
        event["data"]["error"]
            .as_str()
            .unwrap()
            .contains("daily limit"),
        "{event}"
    );
    assert_eq!(event["data"]["targets"][0]["url"], "http://127.0.0.1:9/");
    let schema: Value =
        serde_json::from_str(include_str!("../schemas/webhook-event.schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&event)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[tokio::test]
async fn a_server_whose_settings_refuse_the_url_says_which_settings() {
    // Created where loopback was allowed; delivered by a server on the same database whose settings do not allow it.
    let dir = tempfile::tempdir().unwrap();
    let allowed = App::build(support::config(&dir)).await.unwrap();
    let made = allowed
        .create_webhook(DEFAULT_ORG, "http://127.0.0.1:9/hook", &[], None)
        .await
        .unwrap();
    allowed
        .emit(
            DEFAULT_ORG,
            "scan.failed",
            json!({"scan_id": "s", "error": "x"}),
        )
        .await
        .unwrap();
    let mut c = support::config(&dir);
    c.scope.allow.clear();
    let server = App::build(c).await.unwrap();
    server.deliver_due(Utc::now()).await.unwrap();
    let d = &server
        .webhook_deliveries(DEFAULT_ORG, &made.webhook.id, 10)
        .await
        .unwrap()[0];
    assert_eq!(d.status, "pending");
    let error = d.last_error.as_deref().unwrap();
    assert!(
        error.contains("palisade serve contacts it only if its settings allow it")
            && error.contains("PALISADE_SCOPE_ALLOW=127.0.0.1/32")
            && !error.contains("--allow"),
        "{error}"
    );
}
