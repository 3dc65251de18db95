//! `[smtp]` settings: the mail server email alerts are sent through, and the sender they come from. The password
//! never reaches a log: `Debug` shows only whether there is one.

use super::{ConfigError, Origin, err};
use serde::Deserialize;

/// How the connection to the mail server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// `smtps://`: TLS from the first byte (port 465 by default).
    Implicit,
    /// `smtp://...?tls=required`: STARTTLS, and no mail without it (port 587 by default).
    StartTls,
    /// `smtp://...`: plain text (port 25 by default); only allowed without credentials or on loopback.
    None,
}

/// A validated mail server and sender.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The `From` of every alert, e.g. `Palisade <alerts@example.com>`.
    pub from: String,
    /// When not empty, email alerts may go only to these domains and their subdomains (lower case).
    pub allowed_domains: Vec<String>,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "(set)"))
            .field("from", &self.from)
            .field("allowed_domains", &self.allowed_domains)
            .finish()
    }
}

impl SmtpSettings {
    /// Whether an alert may be mailed to `domain` (always, when no domains are listed).
    pub fn allows(&self, domain: &str) -> bool {
        let domain = domain.trim_end_matches('.').to_ascii_lowercase();
        self.allowed_domains.is_empty()
            || self
                .allowed_domains
                .iter()
                .any(|d| domain == *d || domain.ends_with(&format!(".{d}")))
    }
}

/// `[smtp]` settings of a layer. `Debug` leaves out the URL, which may hold a password.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpLayer {
    /// `smtps://user:password@host:465`, `smtp://user:password@host:587?tls=required` or `smtp://host:25`.
    pub url: Option<String>,
    pub from: Option<String>,
    /// Domains email alerts may go to (and their subdomains); any when unset.
    pub allowed_domains: Option<Vec<String>>,
}

impl std::fmt::Debug for SmtpLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpLayer")
            .field("url", &self.url.as_ref().map(|_| "(set)"))
            .field("from", &self.from)
            .field("allowed_domains", &self.allowed_domains)
            .finish()
    }
}

const URL_HELP: &str = "give smtps://USER:PASSWORD@HOST (TLS, port 465), \
                        smtp://USER:PASSWORD@HOST:587?tls=required (STARTTLS) or smtp://HOST:25 (no TLS)";

/// Reads an SMTP URL: scheme, host, port, `tls=` and percent-encoded credentials.
pub fn parse_smtp_url(text: &str) -> Result<SmtpSettings, String> {
    let url = url::Url::parse(text.trim()).map_err(|e| format!("not a URL ({e}): {URL_HELP}"))?;
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| format!("no mail server host: {URL_HELP}"))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let tls_param = url
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.to_string());
    let tls = match (url.scheme(), tls_param.as_deref()) {
        ("smtps", None | Some("required")) => SmtpTls::Implicit,
        ("smtp", Some("required")) => SmtpTls::StartTls,
        ("smtp", None | Some("none")) => SmtpTls::None,
        ("smtps", Some(other)) => {
            return Err(format!(
                "smtps:// always uses TLS, so tls={other} does not fit: drop ?tls= (or use smtp:// for STARTTLS)"
            ));
        }
        ("smtp", Some(other)) => {
            return Err(format!(
                "tls={other} is not supported: use tls=required (STARTTLS) or leave it out (no TLS)"
            ));
        }
        (scheme, _) => return Err(format!("'{scheme}:' is not an SMTP scheme: {URL_HELP}")),
    };
    let port = url.port().unwrap_or(match tls {
        SmtpTls::Implicit => 465,
        SmtpTls::StartTls => 587,
        SmtpTls::None => 25,
    });
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .map(|v| v.into_owned())
            .map_err(|_| "the user name or password is not UTF-8 once decoded".to_string())
    };
    let username = Some(decode(url.username())?).filter(|u| !u.is_empty());
    let password = url.password().map(decode).transpose()?;
    if password.is_some() && username.is_none() {
        return Err(format!("a password without a user name: {URL_HELP}"));
    }
    if username.is_some() && password.is_none() {
        return Err(format!(
            "a user name without a password (Palisade would not log in): {URL_HELP}"
        ));
    }
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if tls == SmtpTls::None && password.is_some() && !loopback {
        return Err(format!(
            "the password would cross the network in plain text: use smtps:// or add ?tls=required to {host}"
        ));
    }
    Ok(SmtpSettings {
        host,
        port,
        tls,
        username,
        password,
        from: String::new(),
        allowed_domains: Vec::new(),
    })
}

/// Applies a layer's `[smtp]` settings: a URL and a sender are set together (each layer may set either; the
/// result needs both).
/// What the layers said so far: the server, the sender, the allowed domains.
#[derive(Default)]
pub(super) struct Pending {
    server: Option<SmtpSettings>,
    from: Option<String>,
    domains: Vec<String>,
}

pub(super) fn apply(
    pending: &mut Pending,
    layer: SmtpLayer,
    origin: Origin<'_>,
) -> Result<(), ConfigError> {
    if let Some(domains) = layer.allowed_domains {
        let name = origin.name(
            "smtp.allowed_domains",
            "PALISADE_SMTP_ALLOWED_DOMAINS",
            "--smtp-allowed-domains",
        );
        pending.domains = Vec::new();
        for d in domains {
            let d = d
                .trim()
                .trim_start_matches("*.")
                .trim_start_matches('@')
                .to_ascii_lowercase();
            if d.is_empty() || d.contains(['@', '/', ' ', ':']) || !d.contains('.') {
                return Err(err(
                    name,
                    format!("'{d}' is not a mail domain: give names such as example.com"),
                ));
            }
            pending.domains.push(d);
        }
    }
    let (current, pending_from) = (&mut pending.server, &mut pending.from);
    if let Some(from) = layer.from {
        let name = origin.name("smtp.from", "PALISADE_SMTP_FROM", "--smtp-from");
        let mailbox: lettre::message::Mailbox = from.trim().parse().map_err(|e| {
            err(
                name,
                format!("'{from}' is not a sender address ({e}): give e.g. Palisade <alerts@example.com>"),
            )
        })?;
        *pending_from = Some(mailbox.to_string());
    }
    if let Some(text) = layer.url {
        let name = origin.name("smtp.url", "PALISADE_SMTP_URL", "--smtp-url");
        if text.trim().is_empty() {
            *current = None;
        } else {
            *current = Some(parse_smtp_url(&text).map_err(|m| err(name, m))?);
        }
    }
    Ok(())
}

/// The finished SMTP settings: both a URL and a sender, or neither.
pub(super) fn finish(pending: Pending) -> Result<Option<SmtpSettings>, ConfigError> {
    let Pending {
        server: current,
        from,
        domains,
    } = pending;
    match (current, from) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(err(
            "smtp.from",
            "a sender without a mail server: set [smtp] url in palisade.toml or PALISADE_SMTP_URL too \
             (e.g. smtps://USER:PASSWORD@smtp.example.com), or remove the sender",
        )),
        (Some(s), Some(from)) => Ok(Some(SmtpSettings {
            from,
            allowed_domains: domains,
            ..s
        })),
        (Some(_), None) => Err(err(
            "smtp.from",
            "email alerts need a sender as well as a server: set [smtp] from in palisade.toml or \
             PALISADE_SMTP_FROM, e.g. Palisade <alerts@example.com>",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_tls_and_default_ports() {
        let s = parse_smtp_url("smtps://bot:p%40ss%2Bw@mail.example.com").unwrap();
        assert_eq!(
            (s.tls, s.port, s.username.as_deref(), s.password.as_deref()),
            (SmtpTls::Implicit, 465, Some("bot"), Some("p@ss+w"))
        );
        let s = parse_smtp_url("smtp://bot:pw@mail.example.com?tls=required").unwrap();
        assert_eq!((s.tls, s.port), (SmtpTls::StartTls, 587));
        let s = parse_smtp_url("smtp://127.0.0.1:2525").unwrap();
        assert_eq!(
            (s.tls, s.port, s.username.as_deref()),
            (SmtpTls::None, 2525, None)
        );
    }

    #[test]
    fn unsafe_or_unknown_urls_are_refused_with_the_way_out() {
        let e = parse_smtp_url("smtp://bot:pw@mail.example.com").unwrap_err();
        assert!(
            e.contains("plain text") && e.contains("tls=required"),
            "{e}"
        );
        let e = parse_smtp_url("smtp://mail.example.com?tls=opportunistic").unwrap_err();
        assert!(e.contains("tls=required"), "{e}");
        let e = parse_smtp_url("smtps://mail.example.com?tls=none").unwrap_err();
        assert!(e.contains("smtps:// always uses TLS"), "{e}");
        let e = parse_smtp_url("smtps://bot@mail.example.com").unwrap_err();
        assert!(e.contains("a user name without a password"), "{e}");
        let e = parse_smtp_url("https://mail.example.com").unwrap_err();
        assert!(e.contains("smtps://"), "{e}");
        assert!(parse_smtp_url("smtp://bot:pw@127.0.0.1:25").is_ok());
    }

    #[test]
    fn allowed_domains_cover_their_subdomains_only() {
        let mut s = parse_smtp_url("smtp://127.0.0.1:25").unwrap();
        assert!(s.allows("anything.example"), "no list: any domain");
        s.allowed_domains = vec!["example.com".into()];
        assert!(s.allows("example.com") && s.allows("Mail.Example.com."));
        assert!(!s.allows("evilexample.com") && !s.allows("example.com.evil.test"));
    }

    #[test]
    fn debug_hides_the_password() {
        let s = parse_smtp_url("smtps://bot:hunter22@mail.example.com").unwrap();
        let shown = format!("{s:?}");
        assert!(
            !shown.contains("hunter22") && shown.contains("(set)"),
            "{shown}"
        );
    }
}
