//! API keys: shown once, stored only as SHA-256, scoped, limited per org, revocable with immediate effect, kept
//! apart by org; and the same keys guarding `palisade serve`'s MCP endpoints.

#[path = "support/mcp.rs"]
#[allow(dead_code)]
mod mcp;
#[path = "support/served.rs"]
#[allow(dead_code)]
mod served;
mod support;

use palisade::app::AppError;
use palisade::model::Scope;
use support::*;

#[tokio::test]
async fn keys_are_shown_once_stored_as_digests_limited_and_revoked_at_once() {
    let t = TestApp::new(|_| {}).await;
    let app = &t.app;
    let new = app
        .create_key(
            "acme",
            "ci",
            &[Scope::ScansWrite, Scope::ScansRead, Scope::ScansRead],
        )
        .await
        .unwrap();
    let secret = new.secret.clone();
    assert!(secret.starts_with("pal_") && secret.len() == 36, "{secret}");
    assert!(
        secret[4..]
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );
    assert_eq!(
        new.key.scopes,
        [Scope::ScansRead, Scope::ScansWrite],
        "deduplicated"
    );
    assert_eq!(new.key.prefix, &secret[..12]);

    // Only the digest is stored: the secret is nowhere in the database files.
    app.list_keys("acme").await.unwrap();
    for entry in std::fs::read_dir(t.dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
        assert!(
            !bytes.windows(32).any(|w| w == &secret.as_bytes()[4..]),
            "the secret is stored in plain text"
        );
    }

    let key = app
        .authenticate(&secret)
        .await
        .unwrap()
        .expect("the key works");
    assert_eq!(key.org_id, "acme");
    assert!(key.allows(Scope::ScansWrite) && !key.allows(Scope::TargetsWrite));
    let listed = app.list_keys("acme").await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some(), "the use is recorded");
    let last = if secret.ends_with('0') { '1' } else { '0' };
    let wrong = format!("{}{last}", &secret[..35]);
    assert!(
        app.authenticate(&wrong).await.unwrap().is_none(),
        "one digit off"
    );
    assert!(app.authenticate("pal_nothex").await.unwrap().is_none());
    assert!(
        app.authenticate(&secret.to_uppercase())
            .await
            .unwrap()
            .is_none()
    );

    // Orgs see only their own keys.
    assert!(app.list_keys("other").await.unwrap().is_empty());
    let err = app.revoke_key("other", &new.key.id).await.unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");

    // At most 5 active keys per org by default; a revoked one frees a place.
    for i in 0..4 {
        app.create_key("acme", &format!("k{i}"), &[Scope::ScansRead])
            .await
            .unwrap();
    }
    let err = app
        .create_key("acme", "sixth", &[Scope::ScansRead])
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Limit(_))
            && err.to_string().contains("server.max_keys_per_org = 5"),
        "{err}"
    );
    app.create_key("other", "fine", &[Scope::Admin])
        .await
        .expect("the limit is per org");
    let revoked = app.revoke_key("acme", &new.key.prefix).await.unwrap();
    assert!(revoked.revoked_at.is_some());
    assert!(
        app.authenticate(&secret).await.unwrap().is_none(),
        "revoked at once"
    );
    app.create_key("acme", "sixth", &[Scope::ScansRead])
        .await
        .unwrap();

    for (org, name, scopes, says) in [
        ("Acme!", "x", vec![Scope::Admin], "lowercase letters"),
        ("acme", " ", vec![Scope::Admin], "needs a name"),
        ("acme", "x", vec![], "at least one scope"),
    ] {
        let err = app.create_key(org, name, &scopes).await.unwrap_err();
        assert!(err.to_string().contains(says), "{err}");
    }
}

async fn initialize(url: &str, key: Option<&str>) -> u16 {
    let body = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}});
    let mut req = reqwest::Client::new()
        .post(url)
        .header("accept", "application/json, text/event-stream")
        .json(&body);
    if let Some(key) = key {
        req = req.header("authorization", format!("Bearer {key}"));
    }
    req.send().await.unwrap().status().as_u16()
}

fn keys(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_palisade"))
        .arg("keys")
        .args(args)
        .env("PALISADE_DB", dir.join("palisade.db"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn stored_keys_guard_the_mcp_endpoints_from_the_first_one_on() {
    let dir = tempfile::tempdir().unwrap();
    let server = served::serve(None, dir.path(), &[], &[]);
    let mcp = format!("{}/mcp", server.base);
    assert_eq!(
        initialize(&mcp, None).await,
        200,
        "no key exists yet: a loopback server is open"
    );

    let (code, writer, err) = keys(
        dir.path(),
        &[
            "create",
            "--name",
            "agent",
            "--scopes",
            "scans:write,scans:read,targets:read,targets:write",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (_, scanner, _) = keys(
        dir.path(),
        &[
            "create",
            "--name",
            "scanner",
            "--scopes",
            "scans:write,scans:read",
        ],
    );
    assert!(err.contains("shown once"), "{err}");
    let (_, reader, _) = keys(
        dir.path(),
        &["create", "--name", "dash", "--scopes", "scans:read"],
    );
    let (_, other, _) = keys(
        dir.path(),
        &[
            "create", "--org", "acme", "--name", "ci", "--scopes", "admin",
        ],
    );

    assert_eq!(
        initialize(&mcp, None).await,
        401,
        "a key exists: one is required"
    );
    assert_eq!(
        initialize(&mcp, Some("pal_00000000000000000000000000000000")).await,
        401
    );
    assert_eq!(initialize(&mcp, Some(&writer)).await, 200);
    assert_eq!(
        initialize(&mcp, Some(&reader)).await,
        403,
        "the MCP tools start scans: scans:write"
    );
    assert_eq!(
        initialize(&mcp, Some(&scanner)).await,
        403,
        "the MCP tools also add and remove targets: a key REST refuses that must not do it through a tool"
    );
    assert_eq!(
        initialize(&mcp, Some(&other)).await,
        403,
        "another org's key"
    );

    let (code, list, _) = keys(dir.path(), &["list"]);
    assert_eq!(code, 0);
    assert!(
        list.contains("agent") && list.contains(&writer[..12]) && !list.contains(&writer),
        "{list}"
    );
    assert!(
        !list.contains("acme"),
        "other orgs' keys are not listed: {list}"
    );
    let (code, out, err) = keys(dir.path(), &["revoke", &writer[..12]]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("revoked "), "{out}");
    assert_eq!(
        initialize(&mcp, Some(&writer)).await,
        401,
        "revoked keys fail on their very next request"
    );

    let (code, _, err) = keys(
        dir.path(),
        &["create", "--name", "x", "--scopes", "scan:write"],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown scope 'scan:write'") && err.contains("scans:write"),
        "{err}"
    );
}
