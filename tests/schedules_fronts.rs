//! Schedules through the front ends, against the real binary: `/v1/schedules` on `palisade serve` (org isolation,
//! scopes, errors, pause and delete, and the server's scheduler catching up a missed run at start) and the
//! `palisade schedules` commands.

#[path = "support/mcp.rs"]
#[allow(dead_code)]
mod mcp;
#[path = "support/rest.rs"]
#[allow(dead_code)]
mod rest;
#[path = "support/served.rs"]
#[allow(dead_code)]
mod served;
mod support;

use palisade::lab::{Kind, Lab};
use reqwest::Method;
use rest::{Api, Reply, cli_key};
use serde_json::{Value, json};
use std::time::Duration;
use support::*;

async fn patch(api: &Api, path: &str, body: Value) -> Reply {
    api.send(api.request(Method::PATCH, path).json(&body)).await
}

#[tokio::test]
async fn the_rest_api_keeps_schedules_in_their_org_and_says_what_is_wrong() {
    let lab = Lab::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = lab.write_config(&dir.path().join("lab")).unwrap();
    let acme_key = cli_key(dir.path(), "acme", "admin", "admin");
    let beta_key = cli_key(dir.path(), "beta", "admin", "admin");
    let reader_key = cli_key(dir.path(), "acme", "reader", "scans:read");
    let server = served::serve(Some(&config), dir.path(), &[], &[]);
    let acme = Api::new(&server.base, Some(&acme_key));
    let beta = Api::new(&server.base, Some(&beta_key));
    let reader = Api::new(&server.base, Some(&reader_key));
    let url = lab.host(Kind::Hardened).url();

    let made = acme
        .post(
            "/v1/schedules",
            json!({ "targets": [url], "cadence": "hourly", "profile": "quick" }),
        )
        .await;
    let s = made.expect(201).json["schedule"].clone();
    let id = s["id"].as_str().unwrap().to_string();
    assert_eq!(s["org_id"], "acme");
    assert_eq!(s["cadence"], "hourly");
    assert_eq!(s["timezone"], "UTC");
    assert_eq!(s["jitter_secs"], 300);
    assert_eq!(s["paused"], false);
    let slot = s["next_run_at"].as_str().unwrap();
    assert!(slot.ends_with(":00:00.000Z"), "on the hour: {slot}");
    assert!(s["next_start_at"].as_str().unwrap() >= slot);

    // Another org sees nothing and changes nothing; ids do not leak as "forbidden".
    assert_eq!(
        beta.get("/v1/schedules").await.expect(200).json["schedules"],
        json!([])
    );
    let path = format!("/v1/schedules/{id}");
    assert_eq!(beta.get(&path).await.expect(404).code(), "not_found");
    patch(&beta, &path, json!({ "paused": true }))
        .await
        .expect(404);
    beta.delete(&path).await.expect(404);
    // A read-only key reads but does not write.
    reader.get(&path).await.expect(200);
    let refused = reader
        .post(
            "/v1/schedules",
            json!({ "targets": [url], "cadence": "daily" }),
        )
        .await;
    refused.expect(403);

    // Bad input: what was wrong and what to write instead.
    let bad = acme
        .post(
            "/v1/schedules",
            json!({ "targets": [url], "cadence": "every morning" }),
        )
        .await;
    let e = bad.expect(422).json["error"].as_str().unwrap().to_string();
    assert!(
        e.contains("neither a preset (hourly, every-12hours, daily, weekly-monday)"),
        "{e}"
    );
    let zone = acme
        .post(
            "/v1/schedules",
            json!({ "targets": [url], "cadence": "daily", "timezone": "Moon/Base" }),
        )
        .await;
    assert!(
        zone.expect(422).json["error"]
            .as_str()
            .unwrap()
            .contains("unknown time zone 'Moon/Base'")
    );
    let private = acme
        .post(
            "/v1/schedules",
            json!({ "targets": ["http://10.20.30.40/"], "cadence": "daily" }),
        )
        .await;
    assert_eq!(private.expect(422).code(), "out_of_scope");

    // Pause, resume in another zone, delete.
    let paused = patch(&acme, &path, json!({ "paused": true })).await;
    let p = &paused.expect(200).json["schedule"];
    assert_eq!(
        (p["paused"].clone(), p["next_run_at"].clone()),
        (json!(true), Value::Null)
    );
    let resumed = patch(
        &acme,
        &path,
        json!({ "paused": false, "cadence": "30 9 * * 1-5", "timezone": "America/New_York" }),
    )
    .await;
    let r = &resumed.expect(200).json["schedule"];
    assert_eq!(r["cadence"], "30 9 * * 1-5");
    assert_eq!(
        r["jitter_secs"], 0,
        "hourly's default jitter gives way to cron's: a cron expression keeps its minute"
    );
    let next = r["next_run_at"].as_str().unwrap();
    assert!(
        next.ends_with("T13:30:00.000Z") || next.ends_with("T14:30:00.000Z"),
        "09:30 in New York is 13:30 or 14:30 UTC: {next}"
    );
    let detail = acme.get(&path).await;
    assert_eq!(detail.expect(200).json["runs"], json!([]));
    acme.delete(&path).await.expect(200);
    acme.get(&path).await.expect(404);
}

#[tokio::test]
async fn the_server_runs_a_slot_it_missed_while_down_once_at_start() {
    let lab = Lab::start(0).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = lab.write_config(&dir.path().join("lab")).unwrap();
    let url = lab.host(Kind::Hardened).url();
    let out = palisade_cli(&dir, &config)
        .args([
            "schedules",
            "create",
            "--every",
            "hourly",
            "--profile",
            "quick",
            &url,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = palisade_cli(&dir, &config)
        .args(["schedules", "list", "--format", "json"])
        .output()
        .unwrap();
    let list: Value = serde_json::from_slice(&list.stdout).unwrap();
    let id = list[0]["id"].as_str().unwrap().to_string();

    // The server was down over the last three slots: the database says the next one was three hours ago.
    {
        let pool = sqlx::SqlitePool::connect(&format!(
            "sqlite://{}",
            dir.path().join("palisade.db").display()
        ))
        .await
        .unwrap();
        sqlx::query("UPDATE schedules SET next_run_at = strftime('%Y-%m-%dT%H:00:00.000Z', 'now', '-3 hours'), jitter_secs = 0 WHERE id = ?")
            .bind(&id)
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }

    let key = cli_key(dir.path(), "default", "admin", "admin");
    let server = served::serve(Some(&config), dir.path(), &[], &[]);
    let api = Api::new(&server.base, Some(&key));
    let path = format!("/v1/schedules/{id}");
    let mut detail = Value::Null;
    for _ in 0..300 {
        detail = api.get(&path).await.expect(200).json.clone();
        if detail["runs"][0]["status"]
            .as_str()
            .is_some_and(|s| s != "started")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let runs = detail["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1, "three missed slots, one run: {detail}");
    assert_eq!(
        runs[0]["status"], "completed",
        "the run takes its scan's end: {detail}"
    );
    let scan_id = runs[0]["scan_id"].as_str().unwrap();
    let scan = api.get(&format!("/v1/scans/{scan_id}")).await;
    let scan = &scan.expect(200).json;
    assert_eq!(scan["scan"]["targets"][0]["url"], url);
    assert_eq!(scan["scan"]["profile"], "quick");
    let next = detail["schedule"]["next_run_at"].as_str().unwrap();
    assert!(
        next > runs[0]["started_at"].as_str().unwrap(),
        "the next slot is after now: {detail}"
    );
}

fn palisade_cli(dir: &tempfile::TempDir, config: &std::path::Path) -> std::process::Command {
    let mut cmd = palisade_std(dir);
    cmd.arg("--config").arg(config);
    cmd
}

#[test]
fn the_cli_creates_lists_pauses_resumes_and_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let run_with = |allow: &str, args: &[&str]| {
        let out = palisade_std(&dir)
            .env("PALISADE_SCOPE_ALLOW", allow)
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // The server runs the schedule with its own settings, so the scope comes from them, not from a flag.
    let (code, _, err) = run_with(
        "",
        &[
            "schedules",
            "create",
            "--every",
            "daily",
            "http://127.0.0.1:9/",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("palisade serve contacts it only if its settings allow it")
            && err.contains("PALISADE_SCOPE_ALLOW=127.0.0.1/32"),
        "{err}"
    );
    let run = |args: &[&str]| run_with("127.0.0.0/8", args);
    let (code, out, err) = run(&[
        "schedules",
        "create",
        "--every",
        "0 9 * * *",
        "--tz",
        "Europe/Berlin",
        "http://127.0.0.1:9/",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("created: 0 9 * * * (Europe/Berlin), first run at "),
        "{out}"
    );
    let id = out.split_whitespace().nth(1).unwrap().to_string();

    let (_, table, _) = run(&["schedules", "list"]);
    assert!(table.starts_with("ID "), "{table}");
    let lines: Vec<&str> = table.lines().collect();
    let next_run = lines[0].find("NEXT RUN").unwrap();
    assert!(
        lines[1][next_run..].starts_with("20")
            && lines[1].find("standard") == lines[0].find("PROFILE"),
        "columns line up: {table}"
    );
    assert!(
        table.contains(&id)
            && table.contains("Europe/Berlin")
            && table.contains("http://127.0.0.1:9/"),
        "{table}"
    );

    let (code, out, _) = run(&["schedules", "pause", &id]);
    assert_eq!(
        (code, out.trim()),
        (0, format!("schedule {id} paused").as_str())
    );
    let (_, shown, _) = run(&["schedules", "show", &id]);
    assert!(
        shown.contains("paused") && shown.contains("(no runs yet)"),
        "{shown}"
    );
    let (code, out, _) = run(&["schedules", "resume", &id]);
    assert_eq!(code, 0);
    assert!(
        out.contains("resumed: 0 9 * * * (Europe/Berlin), next run at "),
        "{out}"
    );
    let (code, out, _) = run(&["schedules", "update", &id, "--every", "weekly-monday"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("updated: weekly-monday (Europe/Berlin)"),
        "{out}"
    );

    // Errors: exit 2 and a sentence saying what to write.
    let (code, _, err) = run(&[
        "schedules",
        "create",
        "--every",
        "fortnightly",
        "http://127.0.0.1:9/",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("neither a preset"), "{err}");
    let (code, _, err) = run(&["schedules", "delete", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("no schedule 'nope'"), "{err}");

    let (code, out, _) = run(&["schedules", "delete", &id]);
    assert_eq!(
        (code, out.trim()),
        (
            0,
            format!("schedule {id} deleted (its scans are kept)").as_str()
        )
    );
    let (_, empty, _) = run(&["schedules", "list"]);
    assert!(empty.starts_with("no schedules in org default"), "{empty}");
}
