//! Parsing what a user types as a target into one normalised URL, with errors that say what to change.

use std::net::IpAddr;
use url::{Host, Url};

/// A target after normalisation: an `http` or `https` URL with a lower-case (punycode) host, no credentials, no
/// fragment, and no default port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetUrl {
    url: Url,
}

/// Why a target was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    #[error(
        "the target is empty: give a URL such as https://example.com or a host name such as example.com"
    )]
    Empty,
    #[error("'{0}' contains whitespace: give one URL or host name per target, without spaces")]
    Whitespace(String),
    #[error("'{input}' uses the scheme '{scheme}': palisade scans http:// and https:// URLs only")]
    Scheme { input: String, scheme: String },
    #[error("'{0}' contains a user name or password: remove the credentials from the URL")]
    Credentials(String),
    #[error("'{0}' looks like an IPv6 address: put it in brackets, as in https://[{0}]/")]
    BareIpv6(String),
    #[error("'{0}' has port 0: give a port from 1 to 65535, or none for the scheme's default")]
    PortZero(String),
    #[error("'{input}' is not a valid URL or host name ({reason})")]
    Malformed { input: String, reason: String },
    #[error("'{input}' has an invalid host name: {reason}")]
    Host { input: String, reason: String },
}

impl TargetUrl {
    /// Parses and normalises user input (`example.com`, `https://example.com/app`, `http://203.0.113.7:8080`,
    /// `[2001:db8::1]`, `bücher.example`). Input without a scheme is taken as `https://`.
    pub fn parse(input: &str) -> Result<TargetUrl, TargetError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(TargetError::Empty);
        }
        if trimmed.chars().any(char::is_whitespace) {
            return Err(TargetError::Whitespace(trimmed.to_string()));
        }
        if trimmed.parse::<std::net::Ipv6Addr>().is_ok() {
            return Err(TargetError::BareIpv6(trimmed.to_string()));
        }
        let with_scheme = if has_scheme(trimmed) {
            trimmed.to_string()
        } else if let Some(scheme) = scheme_without_slashes(trimmed) {
            return Err(TargetError::Scheme {
                input: trimmed.to_string(),
                scheme: scheme.to_ascii_lowercase(),
            });
        } else {
            format!("https://{trimmed}")
        };
        let mut url = Url::parse(&with_scheme).map_err(|e| TargetError::Malformed {
            input: trimmed.to_string(),
            reason: e.to_string(),
        })?;
        let scheme = url.scheme().to_string();
        if scheme != "http" && scheme != "https" {
            return Err(TargetError::Scheme {
                input: trimmed.to_string(),
                scheme,
            });
        }
        if url.port() == Some(0) {
            return Err(TargetError::PortZero(trimmed.to_string()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(TargetError::Credentials(trimmed.to_string()));
        }
        match url.host() {
            None => {
                return Err(TargetError::Malformed {
                    input: trimmed.to_string(),
                    reason: "no host".into(),
                });
            }
            Some(Host::Domain(domain)) => {
                let clean = check_domain(domain).map_err(|reason| TargetError::Host {
                    input: trimmed.to_string(),
                    reason,
                })?;
                if clean != domain {
                    url.set_host(Some(&clean))
                        .map_err(|e| TargetError::Malformed {
                            input: trimmed.to_string(),
                            reason: e.to_string(),
                        })?;
                }
            }
            Some(_) => {}
        }
        url.set_fragment(None);
        Ok(TargetUrl { url })
    }

    /// The URL as a `url::Url`.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> &str {
        self.url.scheme()
    }

    /// The host as it goes on the wire and in fingerprints: punycode name, dotted IPv4, or bare IPv6.
    pub fn host(&self) -> String {
        match self.url.host() {
            Some(Host::Ipv6(ip)) => ip.to_string(),
            Some(h) => h.to_string(),
            None => String::new(),
        }
    }

    /// The host if it is an IP literal.
    pub fn ip(&self) -> Option<IpAddr> {
        match self.url.host()? {
            Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
            Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
            Host::Domain(_) => None,
        }
    }

    /// The port, explicit or the scheme's default.
    pub fn port(&self) -> u16 {
        self.url.port_or_known_default().unwrap_or(443)
    }

    /// `host` or `host:port` when the port is not the scheme's default; IPv6 in brackets.
    pub fn authority(&self) -> String {
        let host = self.url.host_str().unwrap_or_default();
        match self.url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        }
    }

    /// The normalised URL as text.
    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }
}

impl std::fmt::Display for TargetUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.url.as_str())
    }
}

fn has_scheme(input: &str) -> bool {
    match input.find("://") {
        Some(i) => {
            input[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && i > 0
        }
        None => false,
    }
}

/// The scheme of input such as `javascript:alert(1)`, `mailto:a@b.example` or `file:/etc/passwd`: a scheme name
/// without dots followed by `:` and something other than a port number. `localhost:8080` and `example.com:8443` are
/// a host and port, not a scheme.
fn scheme_without_slashes(input: &str) -> Option<&str> {
    let (name, rest) = input.split_once(':')?;
    let scheme_like = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-');
    let port_len = rest.chars().take_while(char::is_ascii_digit).count();
    let is_port = port_len > 0
        && matches!(
            rest[port_len..].chars().next(),
            None | Some('/' | '?' | '#')
        );
    (scheme_like && !is_port).then_some(name)
}

/// Validates a (punycode, lower-case) domain and strips a trailing dot.
fn check_domain(domain: &str) -> Result<String, String> {
    let name = domain.strip_suffix('.').unwrap_or(domain);
    if name.is_empty() {
        return Err("the name is empty".into());
    }
    if name.len() > 253 {
        return Err("the name is longer than 253 characters".into());
    }
    for label in name.split('.') {
        if label.is_empty() {
            return Err("it has an empty label (two dots in a row)".into());
        }
        if label.len() > 63 {
            return Err(format!("the label '{label}' is longer than 63 characters"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("the label '{label}' starts or ends with a hyphen"));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(format!("'{c}' is not allowed in a host name"));
        }
    }
    if name
        .split('.')
        .next_back()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
    {
        return Err("it looks like an IP address but is not a valid one".into());
    }
    Ok(name.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> String {
        TargetUrl::parse(input)
            .unwrap_or_else(|e| panic!("{input}: {e}"))
            .to_string()
    }

    #[test]
    fn normalises_the_forms_users_type() {
        assert_eq!(ok("example.com"), "https://example.com/");
        assert_eq!(ok("  Example.COM.  "), "https://example.com/");
        assert_eq!(ok("https://example.com/app#top"), "https://example.com/app");
        assert_eq!(ok("http://203.0.113.7:8080"), "http://203.0.113.7:8080/");
        assert_eq!(ok("https://example.com:443/"), "https://example.com/");
        assert_eq!(ok("[2001:db8::1]"), "https://[2001:db8::1]/");
        assert_eq!(ok("http://[::1]:8080/x?y=1"), "http://[::1]:8080/x?y=1");
        assert_eq!(ok("bücher.example"), "https://xn--bcher-kva.example/");
        assert_eq!(
            ok("https://例え.テスト/"),
            "https://xn--r8jz45g.xn--zckzah/"
        );
        assert_eq!(ok("example.com:8443"), "https://example.com:8443/");
        assert_eq!(ok("localhost:8080/app"), "https://localhost:8080/app");
        assert_eq!(ok("HTTP://Example.com"), "http://example.com/");
    }

    #[test]
    fn port_zero_is_refused_not_accepted() {
        for input in [
            "http://a.test:0",
            "a.test:0",
            "https://[::1]:0/",
            "http://127.0.0.1:00/x",
        ] {
            let err = TargetUrl::parse(input).expect_err(input).to_string();
            assert!(
                err.contains("has port 0: give a port from 1 to 65535"),
                "{input:?}: {err}"
            );
        }
    }

    #[test]
    fn schemes_without_slashes_are_named_not_called_bad_ports() {
        let cases = [
            ("javascript:alert(1)", "javascript"),
            ("JavaScript:alert(1)", "javascript"),
            ("mailto:security@example.com", "mailto"),
            ("data:text/html,<b>x</b>", "data"),
            ("file:/etc/passwd", "file"),
            ("file:///etc/passwd", "file"),
            ("tel:+1-555-0100", "tel"),
        ];
        for (input, scheme) in cases {
            let err = TargetUrl::parse(input).expect_err(input).to_string();
            assert!(
                err.contains(&format!(
                    "uses the scheme '{scheme}': palisade scans http:// and https://"
                )),
                "{input:?}: {err}"
            );
            assert!(!err.contains("port"), "{input:?}: {err}");
        }
    }

    #[test]
    fn host_port_and_authority() {
        let t = TargetUrl::parse("http://[::1]:8080/").unwrap();
        assert_eq!(t.host(), "::1");
        assert_eq!(t.authority(), "[::1]:8080");
        assert_eq!(t.port(), 8080);
        let t = TargetUrl::parse("example.com").unwrap();
        assert_eq!(
            (t.host().as_str(), t.port(), t.authority().as_str()),
            ("example.com", 443, "example.com")
        );
    }

    #[test]
    fn rejects_with_a_reason() {
        let cases = [
            ("", "empty"),
            ("exa mple.com", "whitespace"),
            ("ftp://example.com", "scheme 'ftp'"),
            ("https://user:pw@example.com", "user name or password"),
            ("::1", "brackets"),
            ("http://example.com:99999", "not a valid URL"),
            ("https://-bad-.com", "hyphen"),
            ("https://a..b.com", "two dots in a row"),
            ("999.1.1.1", "not a valid"),
            ("http://", "not a valid URL"),
        ];
        for (input, expected) in cases {
            let err = TargetUrl::parse(input).expect_err(input).to_string();
            assert!(err.contains(expected), "{input:?}: {err}");
        }
    }
}
