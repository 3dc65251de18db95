//! Exposed files, one rule at a time: a site that serves the file and one that answers the same path with something
//! that is not it (an HTML page, a placeholder, a look-alike), scanned with the real App.

mod disclosure_support;
mod support;

use disclosure_support::*;
use palisade::model::{Profile, Severity};

async fn standard(files: Vec<Served>) -> Scanned {
    scan_site(files, Missing::NotFound, Profile::Standard).await
}

fn text(path: &str, body: &str) -> Served {
    ok(path, "text/plain", body)
}

fn html(path: &str, body: &str) -> Served {
    ok(
        path,
        "text/html; charset=utf-8",
        format!("<!doctype html><html><body>{body}</body></html>"),
    )
}

#[tokio::test]
async fn git_repository_with_a_token_in_its_remote() {
    let config = "[core]\n\trepositoryformatversion = 0\n\tbare = false\n[remote \"origin\"]\n\
                  \turl = https://deploy:ghp_a1b2c3d4e5f6g7h8i9j0k1l2@github.com/acme/shop.git\n";
    let s = standard(vec![
        text("/.git/HEAD", "ref: refs/heads/main\n"),
        text("/.git/config", config),
    ])
    .await;
    assert_eq!(
        s.ids(),
        vec![
            "disclosure.repository-exposed",
            "disclosure.security-txt-missing"
        ]
    );
    let f = s.at("disclosure.repository-exposed", &url("/.git/"));
    assert_eq!(
        f.severity,
        Severity::Critical,
        "a password in the remote URL"
    );
    assert_eq!(f.title, "Git repository exposed at /.git/");
    let evidence = f.evidence.clone().unwrap_or_default();
    assert!(
        evidence.contains("ref: refs/heads/main")
            && evidence.contains("https://…:ghp_…k1l2@github.com/acme/shop.git"),
        "the user name and the token are redacted: {evidence}"
    );
    assert!(
        !evidence.contains("ghp_a1b2c3d4e5f6g7h8i9j0"),
        "the token is redacted: {evidence}"
    );
}

#[tokio::test]
async fn git_paths_answered_with_other_content_are_not_a_repository() {
    let s = standard(vec![
        text(
            "/.git/HEAD",
            "Welcome to our shop! Everything is on sale.\n",
        ),
        html("/.git/config", "<p>[core] values of our company</p>"),
        text("/.svn/entries", "12 items in your basket\n"),
    ])
    .await;
    assert_eq!(s.ids(), vec!["disclosure.security-txt-missing"]);
}

#[tokio::test]
async fn subversion_working_copy() {
    let s = standard(vec![text("/.svn/entries", "12\n")]).await;
    let f = s.at("disclosure.repository-exposed", &url("/.svn/"));
    assert_eq!(
        (f.severity, f.title.as_str()),
        (Severity::High, "Subversion working copy exposed at /.svn/")
    );
}

#[tokio::test]
async fn env_files_are_critical_with_secrets_and_show_only_names() {
    let s = standard(vec![
        text("/.env", "APP_ENV=production\nDB_PASSWORD=correct-horse-battery-staple\nSTRIPE_KEY=sk_live_0123456789\n"),
        text("/.env.production", "# settings\nAPP_ENV=production\nPORT=8080\n"),
    ])
    .await;
    let f = s.at("disclosure.env-exposed", &url("/.env"));
    assert_eq!(f.severity, Severity::Critical);
    let evidence = f.evidence.clone().unwrap_or_default();
    assert!(
        evidence.contains("DB_PASSWORD=") && evidence.contains("STRIPE_KEY="),
        "{evidence}"
    );
    assert!(
        !evidence.contains("horse-battery") && !evidence.contains("0123456789"),
        "{evidence}"
    );
    assert_eq!(
        s.at("disclosure.env-exposed", &url("/.env.production"))
            .severity,
        Severity::High
    );
}

#[tokio::test]
async fn env_paths_answered_with_pages_or_prose_are_not_env_files() {
    let s = standard(vec![
        html("/.env", "<p>DB_PASSWORD=see the docs</p>"),
        text(
            "/.env.local",
            "This file is intentionally empty.\nAsk ops for values.\n",
        ),
    ])
    .await;
    assert_eq!(s.ids(), vec!["disclosure.security-txt-missing"]);
}

/// A .DS_Store with one record per name, as Finder writes them.
fn ds_store(names: &[&str]) -> Vec<u8> {
    let mut b = b"\x00\x00\x00\x01Bud1".to_vec();
    b.extend_from_slice(&[0u8; 28]);
    for name in names {
        let units: Vec<u16> = name.encode_utf16().collect();
        b.extend_from_slice(&(units.len() as u32).to_be_bytes());
        units
            .iter()
            .for_each(|u| b.extend_from_slice(&u.to_be_bytes()));
        b.extend_from_slice(b"Ilocblob\x00\x00\x00\x10");
        b.extend_from_slice(&[0u8; 16]);
    }
    b
}

#[tokio::test]
async fn ds_store_lists_hidden_file_names() {
    let found = standard(vec![ok(
        "/.DS_Store",
        "application/octet-stream",
        ds_store(&["old-admin.php", "db-backup.zip"]),
    )])
    .await;
    let f = found.at("disclosure.ds-store-exposed", &url("/.DS_Store"));
    assert_eq!(f.severity, Severity::Low);
    assert!(
        f.evidence
            .as_deref()
            .unwrap_or("")
            .contains("old-admin.php, db-backup.zip")
    );
    let fake = standard(vec![text("/.DS_Store", "Bud1 is our product name")]).await;
    assert_eq!(fake.ids(), vec!["disclosure.security-txt-missing"]);
}

#[tokio::test]
async fn sql_dumps_and_sqlite_files() {
    let dump = "-- PostgreSQL database dump\n\nCREATE TABLE public.customers (id integer, email text);\n\
                COPY public.customers (id, email) FROM stdin;\n1\ta@b.test\n";
    let mut sqlite = b"SQLite format 3\x00".to_vec();
    sqlite.resize(64 * 1024, 0);
    let s = standard(vec![
        ok("/dump.sql", "application/sql", dump),
        ok("/db.sqlite3", "application/octet-stream", sqlite),
    ])
    .await;
    let f = s.at("disclosure.database-exposed", &url("/dump.sql"));
    assert_eq!(f.severity, Severity::Critical);
    let evidence = f.evidence.clone().unwrap_or_default();
    assert!(
        evidence.contains("PostgreSQL database dump") && evidence.contains("public.customers"),
        "{evidence}"
    );
    assert!(
        s.evidence("disclosure.database-exposed", &url("/db.sqlite3"))
            .contains("SQLite")
    );
}

#[tokio::test]
async fn sql_paths_answered_with_a_tutorial_are_not_dumps() {
    let s = standard(vec![
        html(
            "/backup.sql",
            "<pre>CREATE TABLE users (id int);\nINSERT INTO users VALUES (1);</pre>",
        ),
        text(
            "/database.sql",
            "Our database is backed up nightly. CREATE TABLE statements are kept private.\n",
        ),
        ok(
            "/db.sqlite3",
            "application/octet-stream",
            b"SQLite format 2 (unsupported)".to_vec(),
        ),
    ])
    .await;
    assert_eq!(s.ids(), vec!["disclosure.security-txt-missing"]);
}

/// A dump made by the real tool (tests/fixtures/dumps/make.sh remakes them).
fn fixture(name: &str) -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dumps/");
    std::fs::read(format!("{path}{name}")).unwrap()
}

/// What MariaDB 11's mariadb-dump writes first: a sandbox-mode line before its header; the first table's rows hold
/// HTML (a CMS's posts), well inside the first 2 KiB.
const MARIADB_DUMP: &str = "/*M!999999\\- enable the sandbox mode */ \n\
    -- MariaDB dump 10.19-11.4.2-MariaDB, for debian-linux-gnu (x86_64)\n--\n\
    -- Host: localhost    Database: cms\n\
    -- ------------------------------------------------------\n\
    -- Server version\t11.4.2-MariaDB-ubu2404\n\n\
    INSERT INTO `posts` VALUES (1,'<!doctype html><html><head><title>Hello</title></head><body>Hi</body></html>');\n";

#[tokio::test]
async fn database_dumps_are_recognised_by_their_header_whatever_the_path_or_content_type() {
    let s = standard(vec![
        // pg_dump -Fc: binary, the PGDMP magic and nothing a text reader would take for SQL.
        ok(
            "/backup.sql",
            "application/octet-stream",
            fixture("pg_dump.custom"),
        ),
        ok("/dump.sql", "text/html", MARIADB_DUMP),
        ok(
            "/database.sql",
            "text/html; charset=utf-8",
            fixture("pg_dump.sql"),
        ),
        // The sqlite3 shell's .dump where a database file was expected.
        ok(
            "/db.sqlite3",
            "application/octet-stream",
            fixture("sqlite.dump.sql"),
        ),
    ])
    .await;
    let expect = [
        ("/backup.sql", "pg_dump custom-format archive"),
        ("/dump.sql", "-- MariaDB dump 10.19-11.4.2-MariaDB"),
        ("/database.sql", "-- PostgreSQL database dump"),
        ("/db.sqlite3", "SQLite .dump"),
    ];
    for (path, shown) in expect {
        let f = s.at("disclosure.database-exposed", &url(path));
        assert_eq!(f.severity, Severity::Critical, "{path}");
        let evidence = f.evidence.clone().unwrap_or_default();
        assert!(evidence.contains(shown), "{path}: {evidence}");
        assert!(f.title.starts_with("Database dump exposed"), "{}", f.title);
    }
    let pg = s.evidence("disclosure.database-exposed", &url("/database.sql"));
    assert!(pg.contains("public.customers"), "{pg}");
    let sqlite = s.evidence("disclosure.database-exposed", &url("/db.sqlite3"));
    assert!(sqlite.contains("tables: customers"), "{sqlite}");
}

#[tokio::test]
async fn sqlite_files_redis_snapshots_and_mongodump_archives_in_deep_scans() {
    let mut archive = vec![0x6d, 0xe2, 0x99, 0x81];
    archive.extend(bson_strings(&[
        ("version", "0.1"),
        ("server_version", "7.0.14"),
        ("tool_version", "100.10.0"),
    ]));
    let files = vec![
        ok(
            "/db.sqlite3",
            "application/vnd.sqlite3",
            fixture("shop.sqlite3"),
        ),
        ok(
            "/dump.rdb",
            "application/octet-stream",
            fixture("redis.rdb"),
        ),
        ok("/dump.archive", "application/octet-stream", archive),
    ];
    let s = scan_site(files.clone(), Missing::NotFound, Profile::Deep).await;
    let sqlite = s.evidence("disclosure.database-exposed", &url("/db.sqlite3"));
    assert!(
        sqlite.contains("SQLite format 3") && sqlite.contains("tables: customers"),
        "{sqlite}"
    );
    let rdb = s.evidence("disclosure.database-exposed", &url("/dump.rdb"));
    assert!(
        rdb.contains("Redis RDB snapshot") && rdb.contains("Redis 7.0.15"),
        "{rdb}"
    );
    let mongo = s.evidence("disclosure.database-exposed", &url("/dump.archive"));
    assert!(
        mongo.contains("mongodump archive") && mongo.contains("MongoDB 7.0.14"),
        "{mongo}"
    );
    let standard = scan_site(files, Missing::NotFound, Profile::Standard).await;
    assert_eq!(standard.count("/dump.rdb"), 0);
}

/// A BSON document of string fields, as mongodump writes its archive header.
fn bson_strings(fields: &[(&str, &str)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.push(0x02);
        body.extend_from_slice(name.as_bytes());
        body.push(0);
        body.extend_from_slice(&((value.len() + 1) as i32).to_le_bytes());
        body.extend_from_slice(value.as_bytes());
        body.push(0);
    }
    let mut doc = ((body.len() + 5) as i32).to_le_bytes().to_vec();
    doc.extend(body);
    doc.push(0);
    doc
}

#[tokio::test]
async fn sql_words_in_an_html_page_or_a_header_quoted_in_prose_are_not_dumps() {
    let page = "<h2>Restore</h2>\n<pre>\nCREATE TABLE users (id int);\nINSERT INTO users VALUES (1);\nDROP TABLE old_users;\n</pre>\n";
    let quoted = "How to read a dump\n\nA file made by mysqldump opens like this:\n\n-- MySQL dump 10.13  Distrib 8.0.36\n";
    let s = standard(vec![
        // No doctype: only the content type says it is a page.
        ok("/backup.sql", "text/html; charset=utf-8", page),
        text("/dump.sql", quoted),
        html("/database.sql", "-- PostgreSQL database dump"),
    ])
    .await;
    assert_eq!(s.ids(), vec!["disclosure.security-txt-missing"]);
}

fn zip_with(first: &str, size: usize) -> Vec<u8> {
    let mut zip = b"PK\x03\x04".to_vec();
    zip.extend_from_slice(&[0u8; 22]);
    zip.extend_from_slice(&(first.len() as u16).to_le_bytes());
    zip.extend_from_slice(&[0, 0]);
    zip.extend_from_slice(first.as_bytes());
    zip.resize(size, 7);
    zip
}

#[tokio::test]
async fn backup_archives_by_magic_bytes() {
    let mut gzip = b"\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\x03backup.tar\x00".to_vec();
    gzip.resize(50_000, 1);
    let s = standard(vec![
        ok(
            "/backup.zip",
            "application/zip",
            zip_with("public_html/wp-config.php", 3_000_000),
        ),
        ok("/backup.tar.gz", "application/gzip", gzip),
    ])
    .await;
    let f = s.at("disclosure.backup-archive-exposed", &url("/backup.zip"));
    assert_eq!(f.severity, Severity::High);
    assert!(
        f.evidence
            .as_deref()
            .unwrap_or("")
            .contains("first entry \"public_html/wp-config.php\"")
    );
    assert!(
        s.evidence("disclosure.backup-archive-exposed", &url("/backup.tar.gz"))
            .contains("backup.tar")
    );
}

#[tokio::test]
async fn archive_paths_answered_with_pages_are_not_archives() {
    let s = standard(vec![
        html("/backup.zip", "<h1>Download our catalogue</h1>"),
        ok("/backup.tar.gz", "application/json", r#"{"error":"gone"}"#),
    ])
    .await;
    assert_eq!(s.ids(), vec!["disclosure.security-txt-missing"]);
}

#[tokio::test]
async fn configuration_backups_served_as_source() {
    let wp = "<?php\n/** WordPress */\ndefine( 'DB_NAME', 'shop' );\ndefine( 'DB_USER', 'shop' );\n\
              define( 'DB_PASSWORD', 'Tr0ub4dor&3-long' );\ndefine( 'AUTH_KEY', 'put your unique phrase here' );\n";
    let s = standard(vec![text("/wp-config.php~", wp)]).await;
    let f = s.at("disclosure.config-backup-exposed", &url("/wp-config.php~"));
    assert_eq!(f.severity, Severity::Critical);
    let evidence = f.evidence.clone().unwrap_or_default();
    assert!(
        evidence.contains("DB_PASSWORD=") && !evidence.contains("Tr0ub4dor"),
        "{evidence}"
    );
}

#[tokio::test]
async fn configuration_backup_paths_that_were_executed_are_fine() {
    // A .bak that PHP executed (no source in the output) or a page about it: nothing leaks.
    let s = standard(vec![
        text("/wp-config.php.bak", ""),
        html(
            "/wp-config.php.save",
            "<p>define('DB_PASSWORD', ...) is explained in our guide</p>",
        ),
        text("/wp-config.php.old", "<?php echo 'maintenance';"),
    ])
    .await;
    assert_eq!(s.ids(), vec!["disclosure.security-txt-missing"]);
}

#[tokio::test]
async fn credential_files_in_deep_scans() {
    let files = vec![
        text("/.htpasswd", "admin:$apr1$x1y2z3$abcdefghijklmnopqrstu1\n"),
        text(
            "/.npmrc",
            "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=npm_AbCdEfGhIjKlMnOpQrStUvWx\n",
        ),
        text("/.git-credentials", "see the wiki for credentials\n"),
    ];
    let s = scan_site(files.clone(), Missing::NotFound, Profile::Deep).await;
    assert_eq!(
        s.at("disclosure.credentials-file-exposed", &url("/.htpasswd"))
            .severity,
        Severity::Critical
    );
    let npm = s.evidence("disclosure.credentials-file-exposed", &url("/.npmrc"));
    assert!(
        npm.contains("_authToken=") && !npm.contains("GhIjKlMnOpQrSt"),
        "{npm}"
    );
    assert!(
        !s.out
            .findings
            .iter()
            .any(|f| f.location == url("/.git-credentials")),
        "prose is not a credentials file"
    );
    let standard = scan_site(files, Missing::NotFound, Profile::Standard).await;
    assert_eq!(standard.count("/.htpasswd"), 0);
    assert_eq!(standard.ids(), vec!["disclosure.security-txt-missing"]);
}
