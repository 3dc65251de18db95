//! Email alerts over SMTP (lettre): the transport built from `[smtp]` (public roots plus the configured extra CAs),
//! the `mailto:` addresses of an email webhook, and one plain-text message per event.

use crate::config::{SmtpSettings, SmtpTls};
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use rustls_pki_types::CertificateDer;
use std::time::Duration;

/// Most recipients one email webhook may have.
pub const MAX_RECIPIENTS: usize = 10;
/// How long one conversation with the mail server may take.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Sends alerts through one mail server, from one sender.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    server: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("server", &self.server)
            .field("from", &self.from.to_string())
            .finish()
    }
}

/// Why a delivery (an email, or a webhook POST) was not accepted.
#[derive(Debug, Clone)]
pub struct SendFailure {
    /// The server's reply code, if it answered.
    pub code: Option<u16>,
    pub error: String,
    /// Trying again will not help (a 5xx refusal of the message or its recipient, an unreadable delivery).
    pub permanent: bool,
}

impl SendFailure {
    /// A failure worth retrying, without a reply code.
    pub fn transient(error: String) -> SendFailure {
        SendFailure {
            code: None,
            error,
            permanent: false,
        }
    }

    /// A failure no retry can mend, without a reply code.
    pub fn permanent(error: String) -> SendFailure {
        SendFailure {
            permanent: true,
            ..SendFailure::transient(error)
        }
    }
}

/// SMTP replies about Palisade's own login or its TLS (530 authentication required, 534 mechanism too weak, 535
/// credentials invalid, 538 encryption required): the settings need fixing, and the alerts should wait for that
/// rather than be dropped.
const LOGIN_REPLIES: [u16; 4] = [530, 534, 535, 538];

impl Mailer {
    /// The transport for `smtp`, trusting `extra_roots` besides the public roots (a company CA, a test CA).
    pub fn new(
        smtp: &SmtpSettings,
        extra_roots: &[CertificateDer<'static>],
    ) -> Result<Mailer, String> {
        let from: Mailbox = smtp
            .from
            .parse()
            .map_err(|e| format!("smtp.from '{}': {e}", smtp.from))?;
        let tls = || -> Result<TlsParameters, String> {
            let mut params = TlsParameters::builder(smtp.host.clone());
            for der in extra_roots {
                let cert = Certificate::from_der(der.to_vec())
                    .map_err(|e| format!("an extra CA certificate cannot be used for SMTP: {e}"))?;
                params = params.add_root_certificate(cert);
            }
            params
                .build_rustls()
                .map_err(|e| format!("SMTP TLS set-up: {e}"))
        };
        let mut builder =
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.clone())
                .port(smtp.port)
                .timeout(Some(SEND_TIMEOUT));
        builder = match smtp.tls {
            SmtpTls::Implicit => builder.tls(Tls::Wrapper(tls()?)),
            SmtpTls::StartTls => builder.tls(Tls::Required(tls()?)),
            SmtpTls::None => builder.tls(Tls::None),
        };
        if let (Some(user), Some(password)) = (&smtp.username, &smtp.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
            server: format!("{}:{}", smtp.host, smtp.port),
        })
    }

    /// Sends one plain-text message to `to`, identified by `id` (its Message-ID is the same on every attempt, so
    /// mail clients can drop a duplicate); the server's reply code when it accepted it.
    pub async fn send(
        &self,
        id: &str,
        to: &Address,
        subject: &str,
        text: &str,
    ) -> Result<u16, SendFailure> {
        let message = Message::builder()
            .message_id(Some(format!("<{id}@{}>", self.from.email.domain())))
            .date_now()
            .from(self.from.clone())
            .to(Mailbox::new(None, to.clone()))
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(text.to_string())
            .map_err(|e| SendFailure::permanent(format!("the message could not be built: {e}")))?;
        let sent = tokio::time::timeout(SEND_TIMEOUT, self.transport.send(message)).await;
        match sent {
            Ok(Ok(reply)) => Ok(u16::from(reply.code())),
            Ok(Err(e)) => {
                let code = e.status().map(u16::from);
                let login = code.is_some_and(|c| LOGIN_REPLIES.contains(&c));
                let error = if login {
                    format!(
                        "the mail server {} refused Palisade's login or TLS: {e}; check the user, password and tls \
                         of [smtp] url (the email is retried meanwhile)",
                        self.server
                    )
                } else if code.is_some() {
                    format!("the mail server {} refused the message: {e}", self.server)
                } else {
                    format!("cannot send through the mail server {}: {e}", self.server)
                };
                Err(SendFailure {
                    code,
                    error,
                    permanent: e.is_permanent() && !login,
                })
            }
            Err(_) => Err(SendFailure {
                code: None,
                error: format!(
                    "the mail server {} did not finish within {} s",
                    self.server,
                    SEND_TIMEOUT.as_secs()
                ),
                permanent: false,
            }),
        }
    }
}

/// The addresses of a `mailto:` URL (comma-separated, as RFC 6068 allows), checked.
pub fn mailto_addresses(url: &url::Url) -> Result<Vec<Address>, String> {
    if url.scheme() != "mailto" {
        return Err(format!("'{url}' is not a mailto: URL"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "'{url}': give only addresses after mailto: (Palisade writes the subject and body itself)"
        ));
    }
    let path = percent_encoding::percent_decode_str(url.path())
        .decode_utf8()
        .map_err(|_| format!("'{url}' is not UTF-8 once decoded"))?;
    let addresses: Vec<Address> = path
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| {
            a.parse::<Address>().map_err(|e| {
                let hint = if a.contains(';') || a.contains(' ') {
                    ": separate addresses with commas"
                } else {
                    ""
                };
                format!("'{a}' is not an email address ({e}){hint}")
            })
        })
        .collect::<Result<_, _>>()?;
    if addresses.is_empty() {
        return Err("give at least one address: mailto:security@example.com".into());
    }
    if addresses.len() > MAX_RECIPIENTS {
        return Err(format!(
            "{} addresses: give at most {MAX_RECIPIENTS} (or a mailing list)",
            addresses.len()
        ));
    }
    Ok(addresses)
}

/// The addresses of a stored email webhook (`mailto:` and the checked addresses, comma-separated, as
/// [`mailto_addresses`] wrote them: not decoded again).
pub fn stored_recipients(url: &str) -> Result<Vec<Address>, String> {
    let list = url
        .strip_prefix("mailto:")
        .ok_or_else(|| format!("'{url}' is not a stored mailto: URL"))?;
    list.split(',')
        .map(|a| {
            a.parse::<Address>()
                .map_err(|e| format!("the stored address '{a}' is unreadable ({e})"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailto_urls_give_their_addresses() {
        let url = url::Url::parse("mailto:ops@example.com,%20sec@example.org").unwrap();
        let list = mailto_addresses(&url).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].to_string(), "sec@example.org");
        let bad = url::Url::parse("mailto:not-an-address").unwrap();
        assert!(
            mailto_addresses(&bad)
                .unwrap_err()
                .contains("not an email address")
        );
        let semi = url::Url::parse("mailto:a@example.com;b@example.com").unwrap();
        assert!(
            mailto_addresses(&semi)
                .unwrap_err()
                .contains("separate addresses with commas")
        );
        let query = url::Url::parse("mailto:a@example.com?subject=hi").unwrap();
        assert!(
            mailto_addresses(&query)
                .unwrap_err()
                .contains("only addresses")
        );
        let twice = url::Url::parse("mailto:a%2541@example.com").unwrap();
        let once = mailto_addresses(&twice).unwrap();
        assert_eq!(once[0].to_string(), "a%41@example.com", "decoded once");
        let stored = format!("mailto:{}", once[0]);
        assert_eq!(
            stored_recipients(&stored).unwrap(),
            once,
            "and not again when sent"
        );
        let none = url::Url::parse("mailto:").unwrap();
        assert!(
            mailto_addresses(&none)
                .unwrap_err()
                .contains("at least one")
        );
    }
}
