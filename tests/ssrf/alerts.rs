//! What `palisade serve` contacts later: webhook URLs (refused when blocked, their redirects never followed, a name
//! that rebinds refused at delivery, a URL stored under laxer settings refused by the server delivering it),
//! schedule targets (refused when created, refused when a name rebinds before the run) and monitor targets.

use crate::fixture::{app, dns};
use crate::support;
use crate::traps::{ALLOWED, Site, allow, traps};
use axum::Router;
use chrono::Utc;
use palisade::app::{App, AppError, DEFAULT_ORG, NewSchedule};
use serde_json::json;
use std::time::Duration;

/// Webhook URLs that must be refused when created, with the address the refusal names.
const BLOCKED_HOOKS: &[(&str, &str)] = &[
    ("http://10.0.0.1/hook", "10.0.0.1"),
    ("https://169.254.169.254/latest", "169.254.169.254"),
    ("http://100.64.0.1:8080/", "100.64.0.1"),
    ("http://0x7f000001/", "127.0.0.1"),
    ("http://127.1:8443/", "127.0.0.1"),
    ("http://[::ffff:a00:1]/", "10.0.0.1"),
    ("http://[fd00::1]/", "fd00::1"),
    ("http://[::1]/", "::1"),
    ("http://2852039166/", "169.254.169.254"),
    ("http://%31%30.0.0.1/", "10.0.0.1"),
    (
        "http://ten.evil.test/in",
        "ten.evil.test resolves to 10.0.0.1",
    ),
    (
        "http://mixed.evil.test/in",
        "mixed.evil.test resolves to 10.0.0.1",
    ),
    (
        "http://alias.evil.test/in",
        "alias.evil.test resolves to 169.254.169.254",
    ),
    (
        "http://ula.evil.test/in",
        "ula.evil.test resolves to fd00::1",
    ),
];

/// The receiver on the allowed address: `/ok` accepts, `/rNNN` redirects with status NNN into a blocked address.
fn receiver() -> Router {
    let mut app = Router::new().route("/ok", axum::routing::post(|| async { "ok" }));
    for (status, location) in [
        (301, "http://10.0.0.1/hook"),
        (302, "http://169.254.169.254/latest/meta-data/"),
        (303, "http://ten.evil.test/"),
        (307, "http://0x7f000001/"),
        (308, "http://[fd00::1]/"),
    ] {
        app = app.route(
            &format!("/r{status}"),
            axum::routing::post(move || async move {
                http::Response::builder()
                    .status(status)
                    .header("location", location)
                    .body(axum::body::Body::empty())
                    .unwrap()
            }),
        );
    }
    app
}

async fn emit(app: &App) {
    app.emit(
        DEFAULT_ORG,
        "scan.failed",
        json!({"scan_id": "s", "error": "x"}),
    )
    .await
    .unwrap();
}

ns_test! {
    async fn webhooks_never_reach_a_blocked_address() {
        let traps = traps().await;
        let dns = dns().await;
        let t = app(&dns).await;
        for (url, addr) in BLOCKED_HOOKS {
            match t.app.create_webhook(DEFAULT_ORG, url, &[], None).await {
                Err(AppError::OutOfScope { reason, .. }) => {
                    crate::fixture::assert_refusal(&reason, addr);
                    assert!(reason.contains("scope.allow") && reason.contains("PALISADE_SCOPE_ALLOW"), "{reason}");
                }
                other => panic!("{url}: {other:?}"),
            }
        }
        for url in ["http://x@10.0.0.1/", "http://ok.site.test@10.0.0.1/", "ftp://10.0.0.1/", "http:10.0.0.1/"] {
            assert!(t.app.create_webhook(DEFAULT_ORG, url, &[], None).await.is_err(), "{url}");
        }

        // An allowed receiver that redirects: the delivery stops at its answer.
        let site = Site::start(ALLOWED, 80, receiver()).await;
        let mut hooks = Vec::new();
        for path in ["ok", "r301", "r302", "r303", "r307", "r308"] {
            let made = t.app.create_webhook(DEFAULT_ORG, &format!("http://hook.site.test/{path}"), &[], None).await.unwrap();
            hooks.push((path, made.webhook.id));
        }
        // A name that answered an allowed address when the webhook was made, and a loopback one at delivery.
        let rebinding = t.app.create_webhook(DEFAULT_ORG, "http://hook-rebind.evil.test/in", &[], None).await.unwrap();
        emit(&t.app).await;
        t.app.deliver_due(Utc::now()).await.unwrap();
        for (path, id) in &hooks {
            let d = &t.app.webhook_deliveries(DEFAULT_ORG, id, 10).await.unwrap()[0];
            assert_eq!(site.hits(&format!("/{path}")), 1, "{path} was posted to");
            if *path == "ok" {
                assert_eq!(d.status, "delivered", "{d:?}");
            } else {
                assert_eq!(d.status, "pending", "a redirect is not a delivery: {d:?}");
                assert!(d.last_error.as_deref().unwrap_or_default().contains("answered 30"), "{d:?}");
            }
        }
        let d = &t.app.webhook_deliveries(DEFAULT_ORG, &rebinding.webhook.id, 10).await.unwrap()[0];
        let error = d.last_error.clone().unwrap_or_default();
        crate::fixture::assert_refusal(&error, "hook-rebind.evil.test resolves to 127.0.0.1");
        assert!(error.contains("PALISADE_SCOPE_ALLOW=127.0.0.1/32"), "{error}");
        traps.assert_untouched("webhook URLs, their redirects and a rebinding name");
    }
}

ns_test! {
    async fn a_webhook_stored_under_laxer_settings_is_refused_by_the_server_that_delivers_it() {
        let traps = traps().await;
        let dns = dns().await;
        let dir = tempfile::tempdir().unwrap();
        let settings = |lax: bool| {
            let mut c = support::config(&dir);
            c.scope.allow = allow();
            if lax {
                c.scope.allow_private = true;
                c.scope.allow.push("169.254.169.254/32".parse().unwrap());
            }
            c.network.nameservers = vec![dns.addr];
            c
        };
        let lax = App::build(settings(true)).await.unwrap();
        let urls = ["http://10.0.0.1/hook", "http://169.254.169.254/x", "http://[fd00::1]:8080/", "http://meta.evil.test/"];
        let mut ids = Vec::new();
        for url in urls {
            ids.push(lax.create_webhook(DEFAULT_ORG, url, &[], None).await.unwrap().webhook.id);
        }
        emit(&lax).await;
        drop(lax);
        let strict = App::build(settings(false)).await.unwrap();
        strict.deliver_due(Utc::now()).await.unwrap();
        for (url, id) in urls.iter().zip(&ids) {
            let d = &strict.webhook_deliveries(DEFAULT_ORG, id, 10).await.unwrap()[0];
            assert_eq!(d.attempts, 1, "{url}: {d:?}");
            let error = d.last_error.clone().unwrap_or_default();
            assert!(error.contains("out of scope") && error.contains("palisade serve contacts it only if"), "{url}: {error}");
        }
        traps.assert_untouched("webhooks stored under laxer settings");
    }
}

ns_test! {
    async fn schedules_and_monitors_never_reach_a_blocked_address() {
        let traps = traps().await;
        let dns = dns().await;
        let t = app(&dns).await;
        for (url, addr) in BLOCKED_HOOKS {
            let new = NewSchedule {
                targets: vec!["http://ok.site.test/".into(), url.to_string()],
                cadence: "hourly".into(),
                ..Default::default()
            };
            match t.app.create_schedule(DEFAULT_ORG, new).await {
                Err(AppError::OutOfScope { reason, .. }) => {
                    crate::fixture::assert_refusal(&reason, addr);
                    assert!(reason.contains("scope.allow"), "{reason}");
                }
                other => panic!("{url}: {other:?}"),
            }
            // Monitors only choose which events a scan raises; whatever the answer, nothing is contacted.
            let _ = t
                .app
                .create_monitor(DEFAULT_ORG, palisade::app::NewMonitor {
                    rule: "unreachable".into(),
                    target: Some(url.to_string()),
                    min_severity: None,
                    days: None,
                })
                .await;
        }
        // A name that rebinds between creation and the run.
        let site = Site::start(ALLOWED, 80, crate::support::fixed(200, &[], "<html>ok</html>")).await;
        let s = t
            .app
            .create_schedule(DEFAULT_ORG, NewSchedule {
                targets: vec!["http://sched-rebind.evil.test/".into(), "http://ok.site.test/".into()],
                cadence: "hourly".into(),
                profile: Some(palisade::model::Profile::Quick),
                ..Default::default()
            })
            .await
            .expect("allowed when created");
        let step = t.app.run_due_schedules(Utc::now() + chrono::Duration::hours(2)).await.unwrap();
        assert_eq!(step.runs.len(), 1, "{:?}", step.runs);
        let after = t.app.get_schedule(DEFAULT_ORG, &s.id).await.unwrap();
        let error = match &after.last_scan_id {
            Some(id) => {
                let scan = t.app.wait_scan(DEFAULT_ORG, id, Duration::from_secs(60)).await.unwrap();
                assert!(site.total() > 0, "the allowed target of the run was scanned");
                format!("{:?}", scan.targets)
            }
            None => after.last_error.clone().unwrap_or_default(),
        };
        assert!(error.contains("sched-rebind.evil.test resolves to 100.64.0.1"), "{error}");
        t.app.deliver_due(Utc::now()).await.unwrap();
        traps.assert_untouched("schedule and monitor targets");
    }
}

ns_test! {
    async fn a_schedule_stored_under_laxer_settings_is_refused_when_it_runs() {
        let traps = traps().await;
        let dns = dns().await;
        let dir = tempfile::tempdir().unwrap();
        let settings = |lax: bool| {
            let mut c = support::config(&dir);
            c.scope.allow = allow();
            c.scope.allow_private = lax;
            c.network.nameservers = vec![dns.addr];
            c
        };
        let lax = App::build(settings(true)).await.unwrap();
        lax.create_schedule(DEFAULT_ORG, NewSchedule {
            targets: vec!["http://10.0.0.1/".into(), "http://loop.evil.test:8080/".into()],
            cadence: "hourly".into(),
            profile: Some(palisade::model::Profile::Quick),
            ..Default::default()
        })
        .await
        .unwrap();
        drop(lax);
        let strict = App::build(settings(false)).await.unwrap();
        let step = strict.run_due_schedules(Utc::now() + chrono::Duration::hours(2)).await.unwrap();
        assert_eq!(step.runs.len(), 1, "{:?}", step.runs);
        assert_eq!(step.runs[0].2, "failed", "refused by the server's settings: {:?}", step.runs);
        tokio::time::sleep(Duration::from_millis(200)).await;
        traps.assert_untouched("a schedule stored under laxer settings");
    }
}
