//! Webhooks as a service: create (an http(s) URL through the scope guard, secret shown once; or `mailto:` addresses
//! for email alerts), list, delete, list deliveries. The events are raised in `events.rs` and sent in
//! `deliveries.rs`.

use super::{App, AppError};
use crate::model::{Delivery, EVENTS, Webhook};
use crate::scheduler::clock::stamp;
use crate::scheduler::mailer::mailto_addresses;
use crate::scheduler::signing;
use crate::target::TargetUrl;

/// Most webhooks an org may have.
pub const MAX_WEBHOOKS_PER_ORG: u32 = 50;

/// A webhook just created, with its secret (shown this once; none for email, which is not signed).
#[derive(Debug)]
pub struct NewWebhook {
    pub webhook: Webhook,
    pub secret: Option<String>,
}

impl App {
    /// Creates a webhook for `events` (all when empty) posting to `url` in `format` (`json`, `slack`; `slack` by
    /// default for Slack's hooks.slack.com URLs); the URL passes the scope guard like a scan target. A `mailto:`
    /// URL makes an email alert instead (format `email`), sent through the `[smtp]` mail server.
    pub async fn create_webhook(
        &self,
        org: &str,
        url: &str,
        events: &[String],
        format: Option<&str>,
    ) -> Result<NewWebhook, AppError> {
        let events: Vec<String> = if events.is_empty() {
            EVENTS.iter().map(|e| e.to_string()).collect()
        } else {
            let mut list = Vec::new();
            for e in events.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
                if !EVENTS.contains(&e) {
                    return Err(AppError::Invalid(format!(
                        "unknown event '{e}': use {}",
                        EVENTS.join(", ")
                    )));
                }
                if !list.iter().any(|l| l == e) {
                    list.push(e.to_string());
                }
            }
            if list.is_empty() {
                EVENTS.iter().map(|e| e.to_string()).collect()
            } else {
                list
            }
        };
        let parsed = url::Url::parse(url.trim()).map_err(|e| {
            AppError::Invalid(format!(
                "'{url}' is not a URL ({e}): give the full address, e.g. https://example.com/hooks/palisade \
                 or mailto:security@example.com"
            ))
        })?;
        let (url, format) = if parsed.scheme() == "mailto" {
            self.email_destination(&parsed, format)?
        } else {
            self.http_destination(&parsed, format).await?
        };
        let now = stamp(self.inner.clock.now());
        self.inner.store.ensure_org(org, &now).await?;
        let webhook = Webhook {
            id: super::new_id(10),
            org_id: org.to_string(),
            url,
            events,
            format: format.to_string(),
            created_at: now,
        };
        let secret = (format != "email").then(signing::new_secret);
        if !self
            .inner
            .store
            .insert_webhook(
                &webhook,
                secret.as_deref().unwrap_or_default(),
                MAX_WEBHOOKS_PER_ORG,
            )
            .await?
        {
            return Err(AppError::Limit(format!(
                "org '{org}' already has {MAX_WEBHOOKS_PER_ORG} webhooks: delete one first"
            )));
        }
        Ok(NewWebhook { webhook, secret })
    }

    /// An http(s) URL through the scope guard, and its format (`json`, or `slack` for Slack's URLs).
    async fn http_destination(
        &self,
        parsed: &url::Url,
        format: Option<&str>,
    ) -> Result<(String, &'static str), AppError> {
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(AppError::Invalid(format!(
                "'{parsed}' must be an http:// or https:// URL with a host, or mailto: addresses"
            )));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(AppError::Invalid(
                "put no credentials in the webhook URL: verify Palisade's signature instead".into(),
            ));
        }
        let origin = TargetUrl::parse(&format!("{}/", parsed.origin().ascii_serialization()))?;
        self.check_server_scope(&origin)
            .await
            .map_err(|e| match e {
                AppError::OutOfScope { reason, .. } => AppError::OutOfScope {
                    target: parsed.to_string(),
                    reason,
                },
                other => other,
            })?;
        let slack_host = parsed.host_str() == Some("hooks.slack.com");
        let format = match format {
            None if slack_host => "slack",
            None | Some("json") => "json",
            Some("slack") => "slack",
            Some(other) => {
                return Err(AppError::Invalid(format!(
                    "format '{other}' does not fit an http(s) URL: use json (signed Palisade payloads) or slack"
                )));
            }
        };
        Ok((parsed.to_string(), format))
    }

    /// `mailto:` addresses, sent as email through the configured mail server (which must exist).
    fn email_destination(
        &self,
        parsed: &url::Url,
        format: Option<&str>,
    ) -> Result<(String, &'static str), AppError> {
        if !matches!(format, None | Some("email")) {
            return Err(AppError::Invalid(format!(
                "format '{}' does not fit a mailto: URL: leave it out (email)",
                format.unwrap_or_default()
            )));
        }
        if self.inner.mailer.is_none() {
            return Err(AppError::Invalid(
                "email alerts need a mail server: set [smtp] url and from in the palisade.toml palisade serve \
                 reads (or PALISADE_SMTP_URL and PALISADE_SMTP_FROM), then add the address again"
                    .into(),
            ));
        }
        let addresses = mailto_addresses(parsed).map_err(AppError::Invalid)?;
        if let Some(smtp) = &self.inner.config.smtp
            && let Some(outside) = addresses.iter().find(|a| !smtp.allows(a.domain()))
        {
            return Err(AppError::Invalid(format!(
                "{outside} is outside the domains this server mails alerts to ({}): use an address there, or add \
                 its domain to smtp.allowed_domains",
                smtp.allowed_domains.join(", ")
            )));
        }
        let list: Vec<String> = addresses.iter().map(|a| a.to_string()).collect();
        Ok((format!("mailto:{}", list.join(",")), "email"))
    }

    /// The org's webhooks (never their secrets).
    pub async fn list_webhooks(&self, org: &str) -> Result<Vec<Webhook>, AppError> {
        Ok(self.inner.store.list_webhooks(org).await?)
    }

    fn no_webhook(id: &str) -> AppError {
        AppError::NotFound {
            kind: "webhook",
            id: id.to_string(),
            hint: "list webhooks to see their ids",
        }
    }

    /// Deletes a webhook; its pending deliveries are given up.
    pub async fn delete_webhook(&self, org: &str, id: &str) -> Result<(), AppError> {
        if self.inner.store.delete_webhook(org, id).await? {
            Ok(())
        } else {
            Err(Self::no_webhook(id))
        }
    }

    /// A webhook's deliveries, newest first, with their status and the receiver's last answer.
    pub async fn webhook_deliveries(
        &self,
        org: &str,
        id: &str,
        limit: u32,
    ) -> Result<Vec<Delivery>, AppError> {
        if !self.list_webhooks(org).await?.iter().any(|w| w.id == id) {
            return Err(Self::no_webhook(id));
        }
        Ok(self
            .inner
            .store
            .list_deliveries(org, id, limit.clamp(1, 500))
            .await?)
    }

    /// The org a scan belongs to (for the events of a scan that ended).
    pub(super) async fn scan_org(&self, scan_id: &str) -> Option<String> {
        self.inner.store.scan_org(scan_id).await.ok().flatten()
    }
}
