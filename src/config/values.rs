//! Parsers for setting values: durations, CIDR ranges, curl-style pins, DNS servers, CA certificate files.

use super::Pin;
use ipnet::IpNet;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::time::Duration;

pub(super) fn seconds(v: f64, lo: f64, hi: f64) -> Result<Duration, String> {
    if v.is_finite() && (lo..=hi).contains(&v) {
        Ok(Duration::from_secs_f64(v))
    } else {
        Err(format!("{v} is out of range: give {lo} to {hi} seconds"))
    }
}

pub(super) fn parse_cidr(s: &str) -> Result<IpNet, String> {
    let s = s.trim();
    if let Ok(net) = s.parse::<IpNet>() {
        return Ok(net.trunc());
    }
    s.parse::<IpAddr>()
        .map(IpNet::from)
        .map_err(|_| format!("'{s}' is not an IP address or CIDR range such as 10.1.0.0/16"))
}

fn parse_ip(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    let bare = s
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(s);
    bare.parse().ok()
}

/// Splits `a:b:c...` where any part may be a bracketed IPv6 address.
fn split_colon_fields(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut in_brackets = false;
    for c in s.chars() {
        match c {
            '[' => in_brackets = true,
            ']' => in_brackets = false,
            ':' if !in_brackets => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    parts.push(cur);
    parts
}

/// A port from 1 to 65535; `what` names it in the message ("port", "destination port").
fn parse_port(s: &str, what: &str) -> Result<u16, String> {
    s.trim()
        .parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| format!("'{s}' is not a valid {what}: give 1 to 65535"))
}

fn pin_host(s: &str) -> Result<String, String> {
    let h = s
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    if h.is_empty() {
        return Err("the host name is empty".into());
    }
    Ok(h)
}

/// Parses curl's `--resolve HOST:PORT:ADDR[,ADDR...]`.
pub fn parse_resolve(s: &str) -> Result<Pin, String> {
    let usage = "expected HOST:PORT:ADDRESS, for example example.com:443:127.0.0.1";
    let fields = split_colon_fields(s);
    if fields.len() != 3 {
        return Err(format!("'{s}': {usage}"));
    }
    let host = pin_host(&fields[0])?;
    let port = parse_port(&fields[1], "port")?;
    let addrs = fields[2]
        .split(',')
        .map(|a| {
            parse_ip(a)
                .map(|ip| SocketAddr::new(ip, port))
                .ok_or_else(|| format!("'{a}' is not an IP address ({usage})"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Pin {
        host,
        port,
        addrs,
        any_port: true,
    })
}

/// Parses curl's `--connect-to HOST:PORT:ADDR:PORT2` (this program requires an IP address as the destination).
pub fn parse_connect_to(s: &str) -> Result<Pin, String> {
    let usage = "expected HOST:PORT:ADDRESS:PORT, for example example.com:443:127.0.0.1:8443";
    let fields = split_colon_fields(s);
    if fields.len() != 4 {
        return Err(format!("'{s}': {usage}"));
    }
    let ip = parse_ip(&fields[2])
        .ok_or_else(|| format!("'{}' is not an IP address ({usage})", fields[2]))?;
    Ok(Pin {
        host: pin_host(&fields[0])?,
        port: parse_port(&fields[1], "port")?,
        addrs: vec![SocketAddr::new(
            ip,
            parse_port(&fields[3], "destination port")?,
        )],
        any_port: false,
    })
}

pub(super) fn parse_nameserver(s: &str) -> Result<SocketAddr, String> {
    let s = s.trim();
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Ok(sa);
    }
    parse_ip(s)
        .map(|ip| SocketAddr::new(ip, 53))
        .ok_or_else(|| format!("'{s}' is not an IP address or IP:PORT of a DNS server"))
}

/// Reads every PEM certificate of a file.
pub fn load_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let bytes = std::fs::read(path)
        .map_err(|e| format!("cannot read CA certificate file {}: {e}", path.display()))?;
    let certs: Vec<_> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{} is not a PEM certificate file: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!(
            "{} contains no PEM certificate (expected -----BEGIN CERTIFICATE-----)",
            path.display()
        ));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn resolve_and_connect_to_follow_curl() {
        let pin = parse_resolve("Example.com:443:127.0.0.1").unwrap();
        assert_eq!(
            pin,
            Pin {
                host: "example.com".into(),
                port: 443,
                addrs: vec!["127.0.0.1:443".parse().unwrap()],
                any_port: true,
            }
        );
        let pin = parse_resolve("v6.test:80:[::1],127.0.0.2").unwrap();
        assert_eq!(
            pin.addrs,
            vec!["[::1]:80".parse().unwrap(), "127.0.0.2:80".parse().unwrap()]
        );
        let pin = parse_connect_to("lab.test:443:127.0.0.1:8443").unwrap();
        assert_eq!(pin.addrs, vec!["127.0.0.1:8443".parse().unwrap()]);
        assert!(
            parse_resolve("example.com:443")
                .unwrap_err()
                .contains("HOST:PORT:ADDRESS")
        );
        assert!(
            parse_resolve("example.com:x:1.2.3.4")
                .unwrap_err()
                .contains("valid")
        );
        assert!(
            parse_resolve("example.com:443:not-an-ip")
                .unwrap_err()
                .contains("not an IP")
        );
    }

    #[test]
    fn empty_port_message_has_no_double_space() {
        assert_eq!(
            parse_resolve("example.com::127.0.0.1").unwrap_err(),
            "'' is not a valid port: give 1 to 65535"
        );
        assert_eq!(
            parse_connect_to("example.com:0:127.0.0.1:8443").unwrap_err(),
            "'0' is not a valid port: give 1 to 65535"
        );
        assert_eq!(
            parse_connect_to("example.com:443:127.0.0.1:x").unwrap_err(),
            "'x' is not a valid destination port: give 1 to 65535"
        );
    }

    #[test]
    fn unreadable_ca_file_says_so() {
        let e = load_ca_file(Path::new("/nonexistent/ca.pem")).unwrap_err();
        assert!(
            e.starts_with("cannot read CA certificate file /nonexistent/ca.pem"),
            "{e}"
        );
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("empty.pem");
        std::fs::write(&f, "hello").unwrap();
        assert!(
            load_ca_file(&f)
                .unwrap_err()
                .contains("contains no PEM certificate")
        );
    }
}
