//! Strict parsers for the `Host` header (an authority: a host and an optional numeric port, nothing else) and the
//! `Origin` header (a scheme, a host and an optional port, nothing else). The guard compares what these return, so
//! `localhost:evil.com`, `127.0.0.1:1@evil.com`, `[::1]evil.com` and their kin never pass as a local name.

use std::net::{Ipv4Addr, Ipv6Addr};

/// A parsed authority: the host in lower case (IPv6 without brackets) and the port when one was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    pub host: String,
    pub port: Option<u16>,
}

/// A parsed origin: `http` or `https`, the host as in [`Authority`], and the port (the scheme's default when none
/// was given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub scheme: String,
    pub host: String,
    pub port: u16,
}

/// Parses a `Host` header value: `name`, `name:port`, `1.2.3.4[:port]` or `[v6][:port]`. A name is LDH labels
/// (letters, digits, `-`, and `_` as some internal names use) separated by single dots, with at most one trailing
/// dot; a port is 1 to 5 digits up to 65535. Anything else (user info, paths, spaces, a second colon, an empty
/// port) is `None`.
pub fn parse_host(raw: &str) -> Option<Authority> {
    if raw.is_empty() || raw.len() > 300 {
        return None;
    }
    let (host, port) = if let Some(rest) = raw.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        let ip: Ipv6Addr = v6.parse().ok()?;
        let port = match after {
            "" => None,
            p => Some(parse_port(p.strip_prefix(':')?)?),
        };
        (ip.to_string(), port)
    } else {
        let (name, port) = match raw.split_once(':') {
            Some((name, p)) => (name, Some(parse_port(p)?)),
            None => (raw, None),
        };
        (parse_name(name)?, port)
    };
    Some(Authority { host, port })
}

/// Parses an `Origin` header value: `http://` or `https://` and a `Host`-style authority, with no path, query,
/// fragment or trailing slash (browsers send none). `null` and every other form are `None`.
pub fn parse_origin(raw: &str) -> Option<Origin> {
    let (scheme, rest) = raw.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let authority = parse_host(rest)?;
    Some(Origin {
        scheme,
        host: authority.host,
        port: authority.port.unwrap_or(default),
    })
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        write!(f, "{}://{host}:{}", self.scheme, self.port)
    }
}

fn parse_port(p: &str) -> Option<u16> {
    if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    p.parse().ok()
}

/// A DNS name or a dotted-quad IPv4 address, lower-cased, without a trailing dot.
fn parse_name(name: &str) -> Option<String> {
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_empty() || name.len() > 253 {
        return None;
    }
    let labels_ok = name.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    });
    if !labels_ok {
        return None;
    }
    // All-numeric forms must be a canonical dotted quad: `127.1`, `0x7f.1` and `2130706433` are refused rather than
    // read the way some resolver would.
    let last = name.rsplit('.').next().unwrap_or(name);
    let hex = last.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("0x"));
    if last.bytes().all(|b| b.is_ascii_digit()) || hex {
        let ip: Ipv4Addr = name.parse().ok()?;
        return (ip.to_string() == name).then(|| name.to_string());
    }
    Some(name.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(raw: &str) -> Option<(String, Option<u16>)> {
        parse_host(raw).map(|a| (a.host, a.port))
    }

    #[test]
    fn hosts_that_are_authorities() {
        assert_eq!(host("localhost"), Some(("localhost".into(), None)));
        assert_eq!(
            host("LocalHost:8477"),
            Some(("localhost".into(), Some(8477)))
        );
        assert_eq!(host("127.0.0.1:1"), Some(("127.0.0.1".into(), Some(1))));
        assert_eq!(host("[::1]"), Some(("::1".into(), None)));
        assert_eq!(host("[::1]:8477"), Some(("::1".into(), Some(8477))));
        assert_eq!(host("[0:0::1]"), Some(("::1".into(), None)));
        assert_eq!(
            host("palisade.internal."),
            Some(("palisade.internal".into(), None))
        );
    }

    #[test]
    fn hosts_that_are_not() {
        for bad in [
            "",
            "localhost:evil.com",
            "127.0.0.1:8477@evil.com",
            "evil.com@127.0.0.1",
            "localhost:",
            "localhost:99999",
            "localhost:+80",
            "localhost:80:80",
            "[::1]evil.com",
            "[::1]:",
            "[::1",
            "::1",
            "local host",
            "localhost/path",
            "localhost\\evil",
            "localhost..",
            ".localhost",
            "127.1",
            "2130706433",
            "0x7f.0.0.1",
            "0177.0.0.1",
            "127.0.0.01",
            "-evil.com",
        ] {
            assert_eq!(host(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn origins() {
        let o = parse_origin("http://localhost:6274").unwrap();
        assert_eq!(
            (o.scheme.as_str(), o.host.as_str(), o.port),
            ("http", "localhost", 6274)
        );
        assert_eq!(parse_origin("HTTPS://[::1]").unwrap().port, 443);
        assert_eq!(
            parse_origin("https://dash.example").unwrap().to_string(),
            "https://dash.example:443"
        );
        for bad in [
            "null",
            "http://127.0.0.1:1@evil.com",
            "http://[::1]evil.com",
            "http://localhost:evil",
            "http://localhost/",
            "http://localhost/x",
            "http://localhost?x",
            "file://localhost",
            "localhost",
            "http:/localhost",
            "http://",
        ] {
            assert_eq!(parse_origin(bad), None, "{bad:?}");
        }
    }
}
