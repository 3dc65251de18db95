//! Credentials inside URLs: database connection strings with a password (`postgres://user:pass@host`) and other
//! URLs with a login (`https://user:pass@host`). Documentation shapes (`user:password@host`, `example.com`,
//! `${DB_PASSWORD}`) and default local credentials are not credentials.

use super::catalog::Format;
use super::detect::{Hit, Text};
use super::noise::{entropy, placeholder};
use crate::engine::redaction::redact_known;
use crate::model::{Confidence, Severity};

regex!(
    DATABASE,
    r#"\b((?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver)://)([^\s:@/'"`<>\\]*):([^\s@/'"`<>\\]+)@([^\s/:'"`<>\\?#,;]+)(:\d{2,5})?"#
);
regex!(
    LOGIN,
    r#"\b((?:https?|ftps?|sftp|ssh|smtps?|ldaps?|git|wss?|svn)://)([^\s:@/'"`<>\\]+):([^\s@/'"`<>\\]+)@([A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,24}|\d{1,3}(?:\.\d{1,3}){3})(:\d{2,5})?(?:[/?#:\s'"`<>\\]|$)"#
);

/// Passwords that documentation and local defaults use.
const TRIVIAL: &[&str] = &[
    "password",
    "pass",
    "passwd",
    "pwd",
    "secret",
    "changeme",
    "user",
    "username",
    "test",
    "example",
    "postgres",
    "mysql",
    "mongo",
    "redis",
    "guest",
    "default",
    "dbpass",
    "mypassword",
    "yourpassword",
    "p@ssw0rd",
    "123456",
    "12345678",
    "xxx",
    "token",
    "apikey",
    "api_key",
    "key",
];

/// Hosts of documentation and of a developer's own machine or containers.
const LOCAL: &[&str] = &[
    "localhost",
    "127.0.0.1",
    "0.0.0.0",
    "::1",
    "host.docker.internal",
    "db",
    "database",
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mongo",
    "mongodb",
    "redis",
    "rabbitmq",
];

fn trivial(user: &str, password: &str) -> bool {
    let p = password.to_ascii_lowercase();
    TRIVIAL.contains(&p.as_str())
        || placeholder(password)
        || password == user
        || password.starts_with(['$', '{', '%', ':', '['])
        || password.chars().all(|c| c == '*' || c == 'x' || c == 'X')
}

fn documentation_host(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    let base = h.trim_end_matches('.');
    placeholder(base)
        || [
            "host",
            "hostname",
            "server",
            "domain.com",
            "yourdomain.com",
            "mydomain.com",
            "server.com",
        ]
        .contains(&base)
        || [
            ".example",
            ".test",
            ".invalid",
            ".localhost",
            "example.com",
            "example.org",
            "example.net",
        ]
        .iter()
        .any(|s| base.ends_with(s))
}

fn local(host: &str) -> bool {
    LOCAL.contains(&host.to_ascii_lowercase().as_str())
}

/// Database URLs with a real-looking password.
pub fn database(text: &Text, format: &'static Format, out: &mut Vec<Hit>) {
    for c in DATABASE.captures_iter(text.raw) {
        let (scheme, user, password, host) = (&c[1], &c[2], &c[3], &c[4]);
        if trivial(user, password) || documentation_host(host) {
            continue;
        }
        let port = c.get(5).map_or("", |m| m.as_str());
        let whole = c.get(0).expect("match");
        let mut hit = Hit::new(format, whole.range(), whole.as_str());
        hit.shown = format!("{scheme}{user}:{}@{host}{port}", redact_known(password));
        if local(host) {
            hit.severity = Severity::Low;
            hit.confidence = Confidence::Medium;
            hit.note = Some(
                "the host is a local machine or container; the password may be reused elsewhere"
                    .into(),
            );
        }
        out.push(hit);
    }
}

/// Other URLs with a user name and password.
pub fn credentials(text: &Text, format: &'static Format, out: &mut Vec<Hit>) {
    for c in LOGIN.captures_iter(text.raw) {
        let (scheme, user, password, host) = (&c[1], &c[2], &c[3], &c[4]);
        let sizes = user.len() <= 64 && (3..=128).contains(&password.len());
        if !sizes
            || trivial(user, password)
            || placeholder(user)
            || documentation_host(host)
            || local(host)
        {
            continue;
        }
        let port = c.get(5).map_or("", |m| m.as_str());
        let span = c.get(1).expect("scheme").start()..c.get(4).expect("host").end();
        let mut hit = Hit::new(format, span.clone(), &text.raw[span]);
        hit.shown = format!("{scheme}{user}:{}@{host}{port}", redact_known(password));
        if password.len() >= 16 && entropy(password) >= 3.5 {
            hit.severity = Severity::High;
            hit.note = Some("the password is a generated token".into());
        }
        out.push(hit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documentation_logins_are_not_credentials() {
        assert!(
            trivial("user", "password")
                && trivial("guest", "guest")
                && trivial("app", "${DB_PASSWORD}")
        );
        assert!(trivial("admin", "****") && trivial("u", "<password>"));
        assert!(!trivial("shop", "q8Zt2vN5rK"));
        assert!(
            documentation_host("example.com")
                && documentation_host("db.example")
                && documentation_host("host")
        );
        assert!(!documentation_host("db.prod.shop.io"));
        assert!(local("localhost") && local("postgres") && !local("db.prod.shop.io"));
    }
}
