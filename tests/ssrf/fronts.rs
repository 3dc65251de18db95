//! The entry points of the real binary: `palisade serve` (REST `/v1/targets`, `/v1/scans`, `/v1/webhooks`,
//! `/v1/schedules`, `/v1/monitors`, and MCP over Streamable HTTP with its delivery worker running), `palisade mcp`
//! over stdio, and the CLI's webhooks, schedules and monitors commands: blocked URLs are refused, allowed ones work.

use crate::fixture::{cli, dns};
use crate::mcp::{Recorder, call};
use crate::rest::Api;
use crate::served;
use crate::traps::{ALLOWED, Site, allow_env, traps};
use rmcp::ServiceExt;
use rmcp::transport::{ConfigureCommandExt, TokioChildProcess};
use serde_json::{Value, json};
use std::time::Duration;

/// Blocked URLs for the entry points, with the address each refusal names.
const BLOCKED: &[(&str, &str)] = &[
    ("http://10.0.0.1/", "10.0.0.1"),
    ("http://0xa9fea9fe/latest/meta-data/", "169.254.169.254"),
    ("http://100.64.1:8080/", "100.64.0.1"),
    ("http://127.1/", "127.0.0.1"),
    ("http://[::ffff:7f00:1]/", "127.0.0.1"),
    ("http://[fd00::1]/", "fd00::1"),
    ("http://[::1]:8443/", "::1"),
    (
        "http://meta.evil.test/",
        "meta.evil.test resolves to 169.254.169.254",
    ),
    (
        "http://mixed.evil.test/",
        "mixed.evil.test resolves to 10.0.0.1",
    ),
];

/// The allowed site: a page, and a webhook receiver that redirects into a blocked address.
fn site() -> axum::Router {
    axum::Router::new()
        .route(
            "/hook",
            axum::routing::post(|| async {
                axum::response::Redirect::temporary("http://169.254.169.254/latest/meta-data/")
            }),
        )
        .fallback(|| async { axum::response::Html("<html>ok</html>") })
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..300 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

ns_test! {
    async fn rest_and_mcp_over_http_refuse_blocked_urls() {
        let traps = traps().await;
        let dns = dns().await;
        let site = Site::start(ALLOWED, 80, site()).await;
        let dir = tempfile::tempdir().unwrap();
        let ns = dns.addr.to_string();
        let allow = allow_env();
        let env = [("PALISADE_NAMESERVERS", ns.as_str()), ("PALISADE_SCOPE_ALLOW", allow.as_str())];
        let server = served::serve(None, dir.path(), &[], &env);
        let api = Api::new(&server.base, None);
        for (url, addr) in BLOCKED {
            for (path, body) in [
                ("/v1/targets", json!({"url": url})),
                ("/v1/scans", json!({"targets": [url], "profile": "quick"})),
                ("/v1/scans", json!({"targets": ["http://ok.site.test/", url], "profile": "quick"})),
                ("/v1/webhooks", json!({"url": url})),
                ("/v1/schedules", json!({"targets": [url], "cadence": "hourly"})),
            ] {
                let reply = api.post(path, body).await;
                assert_eq!(reply.status.as_u16(), 422, "POST {path} {url}: {}", reply.text);
                assert_eq!(reply.code(), "out_of_scope", "{}", reply.text);
                crate::fixture::assert_refusal(reply.json["error"].as_str().unwrap_or_default(), addr);
            }
            // Monitor creation is not a contact; whatever it answers, nothing may be contacted later.
            api.post("/v1/monitors", json!({"rule": "unreachable", "target": url})).await;
        }

        // MCP over Streamable HTTP on the same server.
        let rec = Recorder::default();
        let client = served::streamable(&server.base, &rec).await;
        for (url, addr) in BLOCKED {
            for (tool, args) in [
                ("add_target", json!({"url": url})),
                ("start_scan", json!({"targets": [url], "profile": "quick", "wait_seconds": 0})),
                ("schedule_scan", json!({"targets": [url], "cadence": "hourly"})),
            ] {
                let error = call(&client, tool, args).await.expect_err(tool);
                assert!(error.contains(addr) && error.contains("out of scope"), "{tool} {url}: {error}");
            }
        }

        // The positive control, with a webhook whose allowed receiver redirects into the metadata service: the
        // scan reaches the site, the delivery worker posts once and does not follow.
        let hook = api.post("/v1/webhooks", json!({"url": "http://ok.site.test/hook"})).await;
        assert_eq!(hook.status.as_u16(), 201, "{}", hook.text);
        let started = api.post("/v1/scans", json!({"targets": ["http://ok.site.test/"], "profile": "quick"})).await;
        assert_eq!(started.status.as_u16(), 202, "{}", started.text);
        let started = call(&client, "start_scan", json!({"targets": ["ok.site.test"], "profile": "quick", "wait_seconds": 30}))
            .await
            .expect("an allowed target scans over MCP");
        assert_eq!(started["status"], "completed", "{started}");
        wait_until("the webhook delivery", || site.hits("/hook") >= 1).await;
        assert!(site.hits("/") >= 2, "both scans reached the allowed site: {:?}", site.paths());
        client.cancel().await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        traps.assert_untouched("REST and MCP over HTTP");
    }
}

ns_test! {
    async fn mcp_over_stdio_refuses_blocked_urls() {
        let traps = traps().await;
        let dns = dns().await;
        let site = Site::start(ALLOWED, 80, site()).await;
        let dir = tempfile::tempdir().unwrap();
        let (ns, allow, db) = (dns.addr.to_string(), allow_env(), dir.path().join("palisade.db"));
        let cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_palisade")).configure(|c| {
            c.arg("mcp")
                .env("PALISADE_DB", &db)
                .env("PALISADE_NAMESERVERS", &ns)
                .env("PALISADE_SCOPE_ALLOW", &allow)
                .current_dir(dir.path());
        });
        let client = Recorder::default().serve(TokioChildProcess::new(cmd).unwrap()).await.unwrap();
        for (url, addr) in BLOCKED {
            for (tool, args) in [
                ("add_target", json!({"url": url})),
                ("start_scan", json!({"targets": [url], "profile": "quick", "wait_seconds": 0})),
            ] {
                let error = call(&client, tool, args).await.expect_err(tool);
                assert!(error.contains(addr) && error.contains("out of scope"), "{tool} {url}: {error}");
            }
        }
        let done: Value = call(&client, "start_scan", json!({"targets": ["http://ok.site.test/"], "profile": "quick", "wait_seconds": 30}))
            .await
            .expect("an allowed target scans");
        assert_eq!(done["status"], "completed", "{done}");
        assert!(site.total() >= 1);
        client.cancel().await.unwrap();
        traps.assert_untouched("MCP over stdio");
    }
}

ns_test! {
    async fn the_command_line_alert_commands_refuse_blocked_urls() {
        let traps = traps().await;
        let dns = dns().await;
        let dir = tempfile::tempdir().unwrap();
        for (url, addr) in BLOCKED {
            for args in [
                vec!["webhooks", "create", url],
                vec!["schedules", "create", url, "--every", "hourly"],
            ] {
                let out = cli(&dir, &dns).args(&args).output().unwrap();
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
                crate::fixture::assert_refusal(&stderr, addr);
                assert!(stderr.contains("PALISADE_SCOPE_ALLOW"), "names the server's setting: {stderr}");
            }
            let _ = cli(&dir, &dns).args(["monitors", "create", "unreachable", "--target", url]).output().unwrap();
        }
        // A redirect into a blocked address, scanned from the command line.
        let _site = Site::start(ALLOWED, 80, axum::Router::new().fallback(|| async {
            axum::response::Redirect::permanent("http://10.0.0.1/")
        }))
        .await;
        let out = cli(&dir, &dns)
            .args(["scan", "http://ok.site.test/", "--profile", "quick", "--timeout", "2"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{stderr}");
        assert!(stderr.contains("out of scope: 10.0.0.1 is a private-network address"), "{stderr}");
        traps.assert_untouched("the command line's alert commands");
    }
}
