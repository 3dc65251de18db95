//! The server's guard against every kind of caller, route by route as the OpenAPI document lists them: no key, a
//! malformed key, a revoked key, another org's key, a key without the route's scope; Host and Origin forms that are
//! not this server; and a server bound beyond loopback whose last key is revoked (in a network namespace).

#[path = "support/mcp.rs"]
#[allow(dead_code)]
mod mcp;
#[path = "support/rest.rs"]
mod rest;
#[path = "support/served.rs"]
#[allow(dead_code)]
mod served;
mod support;

use palisade::lab::{Kind, Lab};
use reqwest::Method;
use rest::{Api, Reply, cli_key};
use serde_json::{Value, json};
use std::io::{Read, Write};

/// One documented operation: method, path, and the scope its key needs (`None`: public).
struct Route {
    method: Method,
    path: String,
    scope: Option<String>,
}

/// Every operation of the served OpenAPI document. The scope comes from the sentence each description carries
/// ("Needs the `scans:read` scope."); public operations declare `security: []`.
async fn routes(api: &Api) -> Vec<Route> {
    let doc = api.get("/v1/openapi.json").await.json;
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Ok(method) = method.to_ascii_uppercase().parse::<Method>() else {
                continue;
            };
            let public = op["security"].as_array().is_some_and(|s| s.is_empty());
            let description = op["description"].as_str().unwrap_or("");
            let scope = description
                .split("Needs the `")
                .nth(1)
                .and_then(|rest| rest.split('`').next())
                .map(str::to_string);
            assert!(
                public || scope.is_some(),
                "{method} {path} names the scope its key needs"
            );
            out.push(Route {
                method,
                path: path.clone(),
                scope: (!public).then_some(scope).flatten(),
            });
        }
    }
    assert!(
        out.len() >= 25,
        "the document lists every route: {}",
        out.len()
    );
    out
}

/// The ids of one org's resources, to put in the routes' paths.
#[derive(Default)]
struct Ids {
    target: String,
    scan: String,
    schedule: String,
    webhook: String,
    monitor: String,
    key: String,
}

impl Route {
    /// The path with its parameters filled from `ids` (by the collection the path names).
    fn concrete(&self, ids: &Ids) -> String {
        let id = match self.path.split('/').nth(2).unwrap_or("") {
            "targets" => &ids.target,
            "scans" => &ids.scan,
            "schedules" => &ids.schedule,
            "webhooks" => &ids.webhook,
            "monitors" => &ids.monitor,
            "keys" => &ids.key,
            _ => "none",
        };
        self.path.replace("{id}", id).replace("{format}", "json")
    }

    async fn call(&self, api: &Api, ids: &Ids) -> Reply {
        let req = api.request(self.method.clone(), &self.concrete(ids));
        let req = if matches!(self.method, Method::POST | Method::PATCH) {
            req.json(&json!({}))
        } else {
            req
        };
        tokio::time::timeout(std::time::Duration::from_secs(20), api.send(req))
            .await
            .unwrap_or_else(|_| panic!("{} {} answers", self.method, self.path))
    }
}

/// A server for the lab with an `acme` admin key, and the ids of one resource of each kind in `acme`.
async fn populated() -> (tempfile::TempDir, served::Served, Lab, String, Ids) {
    let lab = Lab::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = lab.write_config(&dir.path().join("lab")).unwrap();
    let admin = cli_key(dir.path(), "acme", "admin", "admin");
    let server = served::serve(Some(&config), dir.path(), &[], &[]);
    let api = Api::new(&server.base, Some(&admin));
    let url = lab.host(Kind::Hardened).url();
    let id = |r: Reply, kind: &str| -> String {
        assert!(r.status.is_success(), "{kind}: {}", r.text);
        r.json[kind]["id"]
            .as_str()
            .or_else(|| r.json["scan_id"].as_str())
            .unwrap_or_else(|| panic!("{kind} id in {}", r.text))
            .to_string()
    };
    let mut ids = Ids {
        target: id(
            api.post("/v1/targets", json!({ "url": url })).await,
            "target",
        ),
        ..Default::default()
    };
    ids.scan = id(
        api.post("/v1/scans", json!({ "targets": [url], "profile": "quick" }))
            .await,
        "scan",
    );
    api.events(&ids.scan).await;
    ids.schedule = id(
        api.post(
            "/v1/schedules",
            json!({ "targets": [url], "cadence": "daily", "paused": true }),
        )
        .await,
        "schedule",
    );
    ids.webhook = id(
        api.post(
            "/v1/webhooks",
            json!({ "url": format!("{url}hook"), "events": ["scan.completed"] }),
        )
        .await,
        "webhook",
    );
    ids.monitor = id(
        api.post("/v1/monitors", json!({ "rule": "grade-drop" }))
            .await,
        "monitor",
    );
    ids.key = id(
        api.post(
            "/v1/keys",
            json!({ "name": "spare", "scopes": ["scans:read"] }),
        )
        .await,
        "key",
    );
    (dir, server, lab, admin, ids)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_refuses_a_missing_malformed_revoked_or_scopeless_key() {
    let (dir, server, _lab, admin, ids) = populated().await;
    let anonymous = Api::new(&server.base, None);
    let routes = routes(&anonymous).await;
    let revoked = cli_key(dir.path(), "acme", "gone", "admin");
    let r = Api::new(&server.base, Some(&admin))
        .delete(&format!("/v1/keys/{}", &revoked[..12]))
        .await;
    assert!(r.status.is_success(), "revoked: {}", r.text);
    let callers = [
        ("no key", anonymous.clone()),
        (
            "a malformed key",
            Api::new(&server.base, Some("pal_not hex!")),
        ),
        (
            "an unknown key",
            Api::new(&server.base, Some("pal_0123456789abcdef0123456789abcdef")),
        ),
        ("a revoked key", Api::new(&server.base, Some(&revoked))),
    ];
    for route in routes.iter().filter(|r| r.scope.is_some()) {
        for (who, api) in &callers {
            let r = route.call(api, &ids).await;
            assert_eq!(
                r.status.as_u16(),
                401,
                "{} {} with {who}: {}",
                route.method,
                route.path,
                r.text
            );
            assert_eq!(r.header("www-authenticate"), "Bearer");
        }
    }
    for route in routes.iter().filter(|r| r.scope.is_none()) {
        let r = route.call(&anonymous, &ids).await;
        assert_eq!(r.status.as_u16(), 200, "{} is public", route.path);
    }

    // A key with every scope but the one a route needs is refused with 403 before the route does anything.
    // One such key at a time (an org holds at most five active keys), revoked after use.
    let all = ["targets:read", "targets:write", "scans:read", "scans:write"];
    let acme = Api::new(&server.base, Some(&admin));
    for needed in [
        "targets:read",
        "targets:write",
        "scans:read",
        "scans:write",
        "admin",
    ] {
        let others: Vec<&str> = all.iter().copied().filter(|s| *s != needed).collect();
        let key = cli_key(dir.path(), "acme", "partial", &others.join(","));
        let api = Api::new(&server.base, Some(&key));
        let mut tried = 0;
        for route in routes.iter().filter(|r| r.scope.as_deref() == Some(needed)) {
            let r = route.call(&api, &ids).await;
            assert_eq!(
                (r.status.as_u16(), r.code()),
                (403, "missing_scope"),
                "{} {} without {needed}: {}",
                route.method,
                route.path,
                r.text
            );
            tried += 1;
        }
        assert!(tried > 0, "some route needs {needed}");
        acme.delete(&format!("/v1/keys/{}", &key[..12]))
            .await
            .expect(200);
    }
    // Nothing was changed by any refused call.
    for (path, list) in [
        ("/v1/targets", "targets"),
        ("/v1/schedules", "schedules"),
        ("/v1/webhooks", "webhooks"),
        ("/v1/monitors", "monitors"),
    ] {
        let n = acme.get(path).await.json[list].as_array().unwrap().len();
        assert_eq!(n, 1, "{path} still holds its one entry");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn another_orgs_admin_key_reaches_none_of_an_orgs_data() {
    let (dir, server, _lab, admin, ids) = populated().await;
    let globex_key = cli_key(dir.path(), "globex", "admin", "admin");
    let globex = Api::new(&server.base, Some(&globex_key));
    let routes = routes(&globex).await;
    for route in routes.iter().filter(|r| r.path.contains("{id}")) {
        let r = route.call(&globex, &ids).await;
        assert_eq!(
            r.status.as_u16(),
            404,
            "{} {} for another org: {}",
            route.method,
            route.path,
            r.text
        );
    }
    for (path, list) in [
        ("/v1/targets", "targets"),
        ("/v1/scans", "scans"),
        ("/v1/schedules", "schedules"),
        ("/v1/webhooks", "webhooks"),
        ("/v1/monitors", "monitors"),
    ] {
        let r = globex.get(path).await;
        assert_eq!(
            r.expect(200).json[list].as_array().map(Vec::len),
            Some(0),
            "{path}: {}",
            r.text
        );
    }
    let keys = globex.get("/v1/keys").await;
    assert!(
        !keys.text.contains(&admin[..12]),
        "another org's keys are not listed: {}",
        keys.text
    );
    // acme's data is all still there.
    let acme = Api::new(&server.base, Some(&admin));
    acme.get(&format!("/v1/scans/{}", ids.scan))
        .await
        .expect(200);
    acme.get(&format!("/v1/schedules/{}", ids.schedule))
        .await
        .expect(200);
}

/// Sends `raw` (a whole HTTP/1.1 request) to `addr` and returns the status code of the answer.
fn raw_status(addr: &str, raw: &str) -> u16 {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let _ = stream.read_to_end(&mut buf);
    let head = String::from_utf8_lossy(&buf);
    head.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("an HTTP answer to {raw:?}: {head}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn host_and_origin_forms_that_name_another_site_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = served::serve(None, dir.path(), &[], &[]);
    let addr = server.base.trim_start_matches("http://").to_string();
    let port = addr.rsplit(':').next().unwrap().to_string();
    let get = |host: &str, origin: Option<&str>| {
        let origin = origin
            .map(|o| format!("Origin: {o}\r\n"))
            .unwrap_or_default();
        format!("GET /v1/targets HTTP/1.1\r\nHost: {host}\r\n{origin}Connection: close\r\n\r\n")
    };
    // The keyless loopback server answers its own names.
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "localhost".into(),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(raw_status(&addr, &get(&host, None)), 200, "{host}");
    }
    assert_eq!(
        raw_status(
            &addr,
            &get("localhost", Some(&format!("http://127.0.0.1:{port}")))
        ),
        200
    );
    for host in [
        "localhost:evil.com".to_string(),
        format!("127.0.0.1:{port}@evil.com"),
        "evil.com".into(),
        "127.0.0.1.evil.com".into(),
        "[::1]evil.com".into(),
        "localhost:".into(),
        "2130706433".into(),
        "127.1".into(),
    ] {
        assert_eq!(raw_status(&addr, &get(&host, None)), 403, "Host: {host}");
    }
    for origin in [
        "http://127.0.0.1:1@evil.com",
        "http://[::1]evil.com",
        "http://localhost:evil",
        "http://localhost.evil.com",
        "null",
        "http://localhost/",
    ] {
        assert_eq!(
            raw_status(&addr, &get("localhost", Some(origin))),
            403,
            "Origin: {origin}"
        );
    }
    let two_hosts = "GET /v1/targets HTTP/1.1\r\nHost: localhost\r\nHost: evil.com\r\nConnection: close\r\n\r\n";
    assert_eq!(raw_status(&addr, two_hosts), 403, "two Host headers");
    let reversed = "GET /v1/targets HTTP/1.1\r\nHost: evil.com\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    assert_eq!(raw_status(&addr, reversed), 403, "two Host headers");
    let absolute =
        "GET http://evil.com/v1/targets HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    assert_eq!(
        raw_status(&addr, absolute),
        403,
        "an absolute-form target naming another host"
    );
    let no_host = "GET /v1/targets HTTP/1.0\r\n\r\n";
    assert_eq!(raw_status(&addr, no_host), 403, "no Host at all");
    // The MCP endpoints sit behind the same guard.
    let mcp = String::from(
        "POST /mcp HTTP/1.1\r\nHost: localhost:evil.com\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    );
    assert_eq!(raw_status(&addr, &mcp), 403, "/mcp");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_loopback_server_with_a_public_name_is_never_keyless() {
    // A server bound to loopback behind a reverse proxy (allowed_hosts or public_url name it) is reached from
    // anywhere: it must not start without a key, and once its last key is revoked it answers no one.
    let dir = tempfile::tempdir().unwrap();
    for env in [
        ("PALISADE_ALLOWED_HOSTS", "palisade.example.com"),
        ("PALISADE_PUBLIC_URL", "https://palisade.example.com"),
    ] {
        let refused = std::process::Command::new(env!("CARGO_BIN_EXE_palisade"))
            .args(["serve", "--bind", "127.0.0.1:0"])
            .env("PALISADE_DB", dir.path().join("palisade.db"))
            .env("PALISADE_NAMESERVERS", support::DEAD_DNS)
            .env(env.0, env.1)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&refused.stderr);
        assert!(!refused.status.success(), "{env:?} started without a key");
        assert!(
            err.contains("palisade.example.com") && err.contains("set an API key first"),
            "{err}"
        );
    }
    let key = cli_key(dir.path(), "default", "proxy", "admin");
    let server = served::serve(
        None,
        dir.path(),
        &[],
        &[("PALISADE_ALLOWED_HOSTS", "palisade.example.com")],
    );
    let owner = Api::new(&server.base, Some(&key));
    owner.get("/v1/targets").await.expect(200);
    owner
        .delete(&format!("/v1/keys/{}", &key[..12]))
        .await
        .expect(200);
    let addr = server.base.trim_start_matches("http://").to_string();
    for host in ["palisade.example.com", "127.0.0.1"] {
        let status = raw_status(
            &addr,
            &format!("GET /v1/targets HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        );
        assert_eq!(status, 401, "Host: {host} after the last key was revoked");
    }
    let mint = Api::new(&server.base, None)
        .post("/v1/keys", json!({ "name": "mine", "scopes": ["admin"] }))
        .await;
    assert_eq!(mint.expect(401).code(), "no_active_key", "{}", mint.text);
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_are_read_one_way_only() {
    let dir = tempfile::tempdir().unwrap();
    let key = cli_key(dir.path(), "default", "one", "admin");
    let server = served::serve(None, dir.path(), &[], &[]);
    let addr = server.base.trim_start_matches("http://").to_string();
    let get = |auth: &str| {
        format!("GET /v1/targets HTTP/1.1\r\nHost: localhost\r\n{auth}Connection: close\r\n\r\n")
    };
    for ok in [
        format!("Authorization: Bearer {key}\r\n"),
        format!("Authorization: BEARER {key}\r\n"),
        format!("Authorization: bearer   {key} \r\n"),
    ] {
        assert_eq!(raw_status(&addr, &get(&ok)), 200, "{ok}");
    }
    for bad in [
        format!(
            "Authorization: Bearer {key}\r\nAuthorization: Bearer pal_0123456789abcdef0123456789abcdef\r\n"
        ),
        format!(
            "Authorization: Bearer pal_0123456789abcdef0123456789abcdef\r\nAuthorization: Bearer {key}\r\n"
        ),
        format!("Authorization: Basic {key}\r\n"),
        format!("Authorization: {key}\r\n"),
    ] {
        assert_eq!(raw_status(&addr, &get(&bad)), 401, "{bad}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn monitors_refuse_targets_the_server_may_not_scan() {
    let dir = tempfile::tempdir().unwrap();
    let server = served::serve(None, dir.path(), &[], &[]);
    let api = Api::new(&server.base, None);
    for target in [
        "http://169.254.169.254/",
        "http://10.0.0.1/",
        "http://[fd00::1]/",
        "http://127.0.0.1:8080/",
    ] {
        let r = api
            .post(
                "/v1/monitors",
                json!({ "rule": "unreachable", "target": target }),
            )
            .await;
        assert_eq!(r.expect(422).code(), "out_of_scope", "{target}: {}", r.text);
    }
    assert_eq!(
        api.get("/v1/monitors").await.json["monitors"],
        Value::Array(Vec::new())
    );
}

#[test]
fn a_server_beyond_loopback_whose_last_key_is_revoked_answers_no_one() {
    if !support::netns::inside() {
        support::netns::rerun(
            "a_server_beyond_loopback_whose_last_key_is_revoked_answers_no_one",
            "-rn",
        );
        return;
    }
    // Inside: a namespace of our own with 10.9.9.9 on its loopback device, reachable only from here.
    support::netns::run(&["ip", "link", "set", "lo", "up"]);
    support::netns::run(&["ip", "addr", "add", "10.9.9.9/32", "dev", "lo"]);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let port = {
            let l = std::net::TcpListener::bind("10.9.9.9:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let bind = format!("10.9.9.9:{port}");
        let start = || {
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_palisade"));
            cmd.args(["serve", "--bind", &bind])
                .env("PALISADE_DB", dir.path().join("palisade.db"))
                .env("PALISADE_NAMESERVERS", support::DEAD_DNS)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped());
            cmd
        };
        // Without a key, the server will not start beyond loopback.
        let refused = start().output().unwrap();
        assert!(!refused.status.success());
        assert!(
            String::from_utf8_lossy(&refused.stderr).contains("is not a loopback address"),
            "{}",
            String::from_utf8_lossy(&refused.stderr)
        );
        let key = cli_key(dir.path(), "default", "only", "admin");
        let mut child = start().spawn().unwrap();
        let base = format!("http://{bind}");
        let anonymous = Api::new(&base, None);
        let mut up = false;
        for _ in 0..100 {
            if reqwest::get(format!("{base}/healthz")).await.is_ok() {
                up = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(up, "the server came up on {bind}");
        anonymous.get("/v1/targets").await.expect(401);
        let owner = Api::new(&base, Some(&key));
        owner.get("/v1/targets").await.expect(200);

        // The owner revokes the one key over REST: from then on the server answers no one, and nobody can mint
        // a key without one.
        owner
            .delete(&format!("/v1/keys/{}", &key[..12]))
            .await
            .expect(200);
        let routes = routes(&anonymous).await;
        for route in routes.iter().filter(|r| r.scope.is_some()) {
            let r = route.call(&anonymous, &Ids::default()).await;
            assert_eq!(
                r.status.as_u16(),
                401,
                "{} {} after the last key was revoked: {}",
                route.method,
                route.path,
                r.text
            );
        }
        let mint = anonymous
            .post("/v1/keys", json!({ "name": "mine", "scopes": ["admin"] }))
            .await;
        assert_eq!(mint.expect(401).code(), "no_active_key", "{}", mint.text);
        assert!(
            mint.json["error"]
                .as_str()
                .unwrap()
                .contains("palisade keys create"),
            "{}",
            mint.text
        );
        for path in ["/mcp", "/sse"] {
            let r = anonymous.get(path).await;
            assert_eq!(r.status.as_u16(), 401, "{path}: {}", r.text);
        }

        // A key created on the server's machine opens it again, for that key only.
        let fresh = cli_key(dir.path(), "default", "again", "admin");
        Api::new(&base, Some(&fresh))
            .get("/v1/targets")
            .await
            .expect(200);
        anonymous.get("/v1/targets").await.expect(401);
        let _ = child.kill();
        let _ = child.wait();
    });
}
