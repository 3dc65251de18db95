//! Database dumps, recognised by the header their tool writes first, whatever the path they were found at and the
//! content type they were served with: mysqldump, mariadb-dump, pg_dump (plain and custom format), phpMyAdmin and
//! Adminer exports, the sqlite3 shell's `.dump`, SQLite database files, mongodump archives and Redis RDB snapshots.
//! A file without a dump header counts only as plain SQL text with several kinds of statement, never as a page.

use super::Proof;
use super::binary;
use super::text::plain;
use crate::engine::net::HttpResponse;

/// A database dump or database file, by its header (binary formats by their magic bytes, text dumps by the comment
/// or statements they open with), or else plain SQL text with at least two kinds of statement.
pub(super) fn database(resp: &HttpResponse) -> Option<Proof> {
    binary_dump(resp)
        .or_else(|| text_dump(&String::from_utf8_lossy(&resp.body)))
        .or_else(|| headerless_sql(resp))
}

const PGDMP: &[u8] = b"PGDMP";
/// `0x8199e26d`, little-endian, as mongodump writes it first.
const MONGO_ARCHIVE: &[u8] = &[0x6d, 0xe2, 0x99, 0x81];

fn binary_dump(resp: &HttpResponse) -> Option<Proof> {
    let b = &resp.body[..];
    if b.starts_with(PGDMP) && b.len() >= 8 {
        return Some(Proof::new(format!(
            "pg_dump custom-format archive (PGDMP header, archive version {}.{})",
            b[5], b[6]
        )));
    }
    if b.starts_with(MONGO_ARCHIVE) {
        let server = bson_string(&b[4..], "server_version")
            .map(|v| format!(", made from MongoDB {v}"))
            .unwrap_or_default();
        return Some(Proof::new(format!(
            "mongodump archive (magic 0x8199e26d){server}"
        )));
    }
    if b.len() >= 9 && b.starts_with(b"REDIS") && b[5..9].iter().all(u8::is_ascii_digit) {
        let version = String::from_utf8_lossy(&b[5..9]).to_string();
        let by = rdb_aux(b, "redis-ver")
            .map(|v| format!(", written by Redis {v}"))
            .unwrap_or_default();
        return Some(Proof::new(format!(
            "Redis RDB snapshot (REDIS{version} header){by}"
        )));
    }
    let mut proof = binary::sqlite(resp, "SQLite 3 database file")?;
    // The schema is on the first page: the tables' CREATE statements are readable in the first bytes.
    let tables = tables(&String::from_utf8_lossy(b));
    if !tables.is_empty() {
        proof.evidence += &format!("; tables: {}", tables.join(", "));
    }
    Some(proof)
}

/// The value of a top-level string field of the BSON document at the start of `b`, if it is printable.
fn bson_string(b: &[u8], name: &str) -> Option<String> {
    let mut key = vec![0x02];
    key.extend_from_slice(name.as_bytes());
    key.push(0);
    let at = b.windows(key.len()).position(|w| w == key)? + key.len();
    let len = i32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?);
    let len = usize::try_from(len).ok().filter(|n| (2..=64).contains(n))?;
    let raw = b.get(at + 4..at + 4 + len - 1)?;
    printable(raw)
}

/// The value of an RDB auxiliary field (`0xFA`, then two length-prefixed strings) near the start of the file.
fn rdb_aux(b: &[u8], name: &str) -> Option<String> {
    let mut key = vec![0xFA, name.len() as u8];
    key.extend_from_slice(name.as_bytes());
    let at = b.windows(key.len()).position(|w| w == key)? + key.len();
    // A short string's length is one byte under 64 (the 6-bit encoding).
    let len = usize::from(*b.get(at)?);
    (len < 64).then_some(())?;
    printable(b.get(at + 1..at + 1 + len)?)
}

fn printable(raw: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(raw).ok()?;
    (!text.is_empty() && text.chars().all(|c| c.is_ascii_graphic() || c == ' '))
        .then(|| text.to_string())
}

/// The header lines of text dumps, each with the tool that writes it.
fn header_line(line: &str) -> bool {
    regex!(
        HEADER,
        r"^-- (MySQL dump \d|MariaDB dump \d|PostgreSQL database (cluster )?dump|phpMyAdmin SQL Dump|Adminer [\d.]+ .* dump|Dumped from database version)"
    );
    HEADER.is_match(line)
}

/// Lines a dump may open with before its header: comments, blank lines, `/*!...*/` settings, PRAGMAs.
fn preamble(line: &str) -> bool {
    line.is_empty()
        || line.starts_with("--")
        || line.starts_with("/*")
        || line.starts_with("PRAGMA ")
        || line.starts_with("SET ")
}

/// Lines read for a header before giving up: a dump states what it is at its very top.
const HEADER_LINES: usize = 12;

/// A text dump whose first lines are its tool's header, or the sqlite3 shell's `BEGIN TRANSACTION;` followed by a
/// `CREATE TABLE`. Quoted in an HTML page or in prose, the header is not at the top and does not count.
fn text_dump(text: &str) -> Option<Proof> {
    let text = text.trim_start_matches('\u{feff}');
    let mut sqlite = false;
    let mut header = None;
    for line in text.lines().take(HEADER_LINES).map(str::trim) {
        if header_line(line) {
            header = Some(line.to_string());
            break;
        }
        if line.eq_ignore_ascii_case("BEGIN TRANSACTION;") {
            sqlite = true;
            break;
        }
        if !preamble(line) {
            return None;
        }
    }
    let tables = tables(text);
    let shown = match header {
        Some(line) => crate::engine::context::truncate(&line, 120),
        None if sqlite && !tables.is_empty() => {
            "SQLite .dump (BEGIN TRANSACTION; CREATE TABLE)".into()
        }
        None => return None,
    };
    Some(with_tables(shown, &tables))
}

/// Plain SQL without a dump header: at least two kinds of statement at the start of lines, in a response that is
/// not an HTML page by its content type or its body.
fn headerless_sql(resp: &HttpResponse) -> Option<Proof> {
    regex!(
        STATEMENT,
        r"(?im)^\s*(CREATE TABLE|INSERT INTO|DROP TABLE|CREATE DATABASE|LOCK TABLES|ALTER TABLE|COPY [\w.]+ \()"
    );
    if resp.is_html() {
        return None;
    }
    let text = plain(resp)?;
    let mut kinds: Vec<String> = STATEMENT
        .captures_iter(&text)
        .map(|c| c[1].to_ascii_uppercase())
        .collect();
    kinds.sort();
    kinds.dedup();
    if kinds.len() < 2 {
        return None;
    }
    let shown = format!("SQL statements: {}", kinds.join(", "));
    Some(with_tables(shown, &tables(&text)))
}

/// The first tables a dump creates.
fn tables(text: &str) -> Vec<String> {
    regex!(
        TABLE,
        r#"(?i)CREATE TABLE (?:IF NOT EXISTS )?[`"\[]?([\w.]+)"#
    );
    let mut names: Vec<String> = Vec::new();
    for c in TABLE.captures_iter(text) {
        if !names.iter().any(|n| *n == c[1]) {
            names.push(c[1].to_string());
        }
        if names.len() == 6 {
            break;
        }
    }
    names
}

fn with_tables(shown: String, tables: &[String]) -> Proof {
    if tables.is_empty() {
        return Proof::new(shown);
    }
    Proof::new(format!("{shown}; tables: {}", tables.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(body: &[u8]) -> HttpResponse {
        HttpResponse::sample(200, body.to_vec())
    }

    fn evidence(body: &[u8]) -> Option<String> {
        database(&resp(body)).map(|p| p.evidence)
    }

    #[test]
    fn text_dumps_by_their_header_alone() {
        let mysql = "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Host: localhost    Database: shop\n";
        assert_eq!(
            evidence(mysql.as_bytes()).as_deref(),
            Some("-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)")
        );
        let pg = "--\n-- PostgreSQL database dump\n--\n\n\\restrict abc\n\nCREATE TABLE public.users (id integer);\n";
        assert_eq!(
            evidence(pg.as_bytes()).as_deref(),
            Some("-- PostgreSQL database dump; tables: public.users")
        );
        let sqlite = "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCREATE TABLE t(a);\nCOMMIT;\n";
        assert!(
            evidence(sqlite.as_bytes())
                .unwrap()
                .contains("SQLite .dump")
        );
        assert!(
            evidence(b"BEGIN TRANSACTION;\nUPDATE t SET a = 1;\nCOMMIT;\n").is_none(),
            "a transaction is not a dump"
        );
    }

    #[test]
    fn a_header_quoted_below_other_text_is_not_a_dump() {
        assert!(evidence(b"<!doctype html><pre>\n-- MySQL dump 10.13\n</pre>").is_none());
        assert!(evidence(b"How to read one:\n-- MySQL dump 10.13\n").is_none());
        assert!(
            evidence(b"CREATE TABLE t (a int);\n").is_none(),
            "one statement kind"
        );
        assert!(evidence(b"How to CREATE TABLE in SQL: a tutorial").is_none());
    }

    #[test]
    fn headerless_sql_needs_two_kinds_of_statement_and_no_page() {
        let sql = b"CREATE TABLE t (a int);\nINSERT INTO t VALUES (1);\n";
        assert_eq!(
            evidence(sql).as_deref(),
            Some("SQL statements: CREATE TABLE, INSERT INTO; tables: t")
        );
        let mut page = resp(sql);
        page.headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("text/html"),
        );
        assert!(database(&page).is_none(), "served as a page");
    }

    #[test]
    fn binary_dumps_by_their_magic() {
        let pg = b"PGDMP\x01\x0e\x00\x04\x08\x01\x01";
        assert_eq!(
            evidence(pg).as_deref(),
            Some("pg_dump custom-format archive (PGDMP header, archive version 1.14)")
        );
        let mut rdb = b"REDIS0011\xfa\x09redis-ver\x057.2.4".to_vec();
        rdb.extend_from_slice(b"\xfa\x0aredis-bits\xc0\x40");
        assert_eq!(
            evidence(&rdb).as_deref(),
            Some("Redis RDB snapshot (REDIS0011 header), written by Redis 7.2.4")
        );
        assert!(evidence(b"REDIS is our product").is_none());
        let mut sqlite = b"SQLite format 3\x00".to_vec();
        sqlite
            .extend_from_slice(b"\x10\x00 ... table users users 2 CREATE TABLE users (id INTEGER)");
        assert!(evidence(&sqlite).unwrap().ends_with("tables: users"));
    }
}
