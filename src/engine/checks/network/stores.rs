//! Redis (`PING`, then `INFO server` when it answers) and Memcached (`stats`): read-only commands that need no
//! login, answered only when the store lets anyone in.

use super::Exposure;
use super::probe::{line_done, talk};
use super::rules::{MEMCACHED_OPEN, REDIS_OPEN, REDIS_REACHABLE};
use crate::engine::context::CheckCtx;
use crate::engine::net::NetError;

const PING: &[u8] = b"*1\r\n$4\r\nPING\r\n";
const INFO_SERVER: &[u8] = b"*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n";

/// What Redis said to PING.
#[derive(Debug, PartialEq)]
enum Ping {
    /// `+PONG`: no password.
    Open,
    /// An error naming authentication or protected mode: Redis, but closed to us.
    Guarded(String),
    /// Not Redis.
    Other,
}

fn ping_answer(reply: &[u8]) -> Ping {
    let text = String::from_utf8_lossy(reply);
    let line = text.lines().next().unwrap_or("").trim();
    if line == "+PONG" {
        return Ping::Open;
    }
    let upper = line.to_ascii_uppercase();
    let guarded = ["-NOAUTH", "-DENIED", "-WRONGPASS"]
        .iter()
        .any(|p| upper.starts_with(p))
        || (upper.starts_with("-ERR") && upper.contains("AUTH"));
    if guarded {
        Ping::Guarded(line.chars().take(120).collect())
    } else {
        Ping::Other
    }
}

/// True once a RESP bulk string (`$N\r\n` and N bytes) is complete, or an error or null came instead.
fn bulk_done(buf: &[u8]) -> bool {
    let Some(end) = buf.windows(2).position(|w| w == b"\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&buf[..end]);
    match head.strip_prefix('$').map(str::parse::<usize>) {
        Some(Ok(len)) => buf.len() >= end + 2 + len,
        _ => true,
    }
}

/// The fields of `INFO server` that identify the server: version, mode and operating system.
fn info_fields(info: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(info);
    let wanted = ["redis_version", "valkey_version", "redis_mode", "os"];
    text.lines()
        .filter_map(|l| l.trim().split_once(':'))
        .filter(|(k, _)| wanted.contains(k))
        .map(|(k, v)| format!("{k}:{}", v.chars().take(60).collect::<String>()))
        .collect()
}

fn field<'a>(fields: &'a [String], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find_map(|f| f.strip_prefix(name)?.strip_prefix(':'))
}

pub(super) async fn redis(
    ctx: &CheckCtx,
    host: &str,
    port: u16,
) -> Result<Option<Exposure>, NetError> {
    let (ping, info) = talk(ctx, host, port, async |w| {
        w.send(PING).await?;
        let ping = ping_answer(&w.read_until(line_done).await?);
        if ping != Ping::Open {
            return Ok((ping, Vec::new()));
        }
        // The version is a detail: the finding stands without it.
        let info = match w.send(INFO_SERVER).await {
            Ok(()) => w.read_until(bulk_done).await.unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        Ok((ping, info))
    })
    .await?;
    Ok(match ping {
        Ping::Open => {
            let fields = info_fields(&info);
            let version = field(&fields, "redis_version")
                .map(|v| format!(" {v}"))
                .unwrap_or_default();
            let mut evidence = "PING -> +PONG (no password asked)".to_string();
            if !fields.is_empty() {
                evidence += &format!("; INFO server -> {}", fields.join(", "));
            }
            Some(Exposure::new(
                &REDIS_OPEN,
                format!("Redis{version} answers without a password"),
                evidence,
            ))
        }
        Ping::Guarded(said) => Some(Exposure::new(
            &REDIS_REACHABLE,
            REDIS_REACHABLE.title.to_string(),
            format!("PING -> {said}"),
        )),
        Ping::Other => None,
    })
}

/// The `STAT name value` lines of a memcached `stats` answer.
fn stats(reply: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(reply)
        .lines()
        .filter_map(|l| {
            let mut parts = l.trim().splitn(3, ' ');
            (parts.next()? == "STAT").then_some(())?;
            Some((parts.next()?.to_string(), parts.next()?.to_string()))
        })
        .collect()
}

pub(super) async fn memcached(
    ctx: &CheckCtx,
    host: &str,
    port: u16,
) -> Result<Option<Exposure>, NetError> {
    let reply = talk(ctx, host, port, async |w| {
        w.send(b"stats\r\n").await?;
        w.read_until(|b| b.ends_with(b"END\r\n") || b.starts_with(b"CLIENT_ERROR"))
            .await
    })
    .await?;
    let stats = stats(&reply);
    let get = |name: &str| {
        stats
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.chars().take(40).collect::<String>())
    };
    let (Some(pid), Some(version)) = (get("pid"), get("version")) else {
        return Ok(None);
    };
    let mut evidence = format!("stats -> STAT pid {pid}, STAT version {version}");
    for name in ["curr_items", "curr_connections", "uptime"] {
        if let Some(v) = get(name) {
            evidence += &format!(", STAT {name} {v}");
        }
    }
    Ok(Some(Exposure::new(
        &MEMCACHED_OPEN,
        format!("Memcached {version} answers anyone from the internet"),
        evidence,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redis_answers() {
        assert_eq!(ping_answer(b"+PONG\r\n"), Ping::Open);
        assert_eq!(
            ping_answer(b"-NOAUTH Authentication required.\r\n"),
            Ping::Guarded("-NOAUTH Authentication required.".into())
        );
        assert!(matches!(
            ping_answer(b"-DENIED Redis is running in protected mode\r\n"),
            Ping::Guarded(_)
        ));
        assert_eq!(
            ping_answer(b"HTTP/1.1 400 Bad Request\r\n\r\n"),
            Ping::Other
        );
        assert_eq!(ping_answer(b"-ERR unknown command\r\n"), Ping::Other);
    }

    #[test]
    fn redis_info_is_read_to_the_end_of_its_bulk_string() {
        let info =
            b"$65\r\n# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\nos:Linux\r\n\r\n";
        assert!(!bulk_done(&info[..20]));
        assert!(bulk_done(info));
        assert!(bulk_done(b"-NOAUTH x\r\n"));
        assert_eq!(
            info_fields(info),
            vec!["redis_version:7.0.15", "redis_mode:standalone", "os:Linux"]
        );
    }

    #[test]
    fn memcached_stats() {
        let reply = b"STAT pid 12\r\nSTAT uptime 9\r\nSTAT version 1.6.21\r\nEND\r\n";
        let s = stats(reply);
        assert_eq!(s[0], ("pid".into(), "12".into()));
        assert_eq!(s.len(), 3);
        assert!(stats(b"CLIENT_ERROR unauthenticated\r\n").is_empty());
    }
}
