//! `palisade webhooks`: where an org's events are posted (signed), and what was delivered.

use super::{CliError, Format, Global};
use crate::app::DEFAULT_ORG;
use crate::config::Layer;
use crate::model::{Delivery, EVENTS, Webhook};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Post events to URL (the signing secret is printed once, on stdout), or mail them to mailto:ADDRESS,...
    /// through the [smtp] mail server
    Create {
        url: String,
        /// Comma-separated events (default all): scan.completed, scan.failed, finding.new, score.degraded,
        /// cert.expiring, target.unreachable
        #[arg(long, value_delimiter = ',')]
        events: Vec<String>,
        /// json (signed Palisade payloads) or slack (default for hooks.slack.com URLs); email for mailto: URLs
        #[arg(long)]
        format: Option<String>,
        #[arg(long, default_value = DEFAULT_ORG)]
        org: String,
    },
    /// The org's webhooks
    List {
        #[arg(long, default_value = DEFAULT_ORG)]
        org: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// A webhook's deliveries, newest first: status, attempts, next attempt, the receiver's last answer
    Deliveries {
        id: String,
        #[arg(long, default_value = DEFAULT_ORG)]
        org: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Delete a webhook (its pending deliveries are given up)
    Delete {
        id: String,
        #[arg(long, default_value = DEFAULT_ORG)]
        org: String,
    },
}

pub async fn run(global: &Global, cmd: WebhooksCommand) -> Result<u8, CliError> {
    let app = super::build(super::load_config(global, Layer::default())?).await?;
    let out = match cmd {
        WebhooksCommand::Create {
            url,
            events,
            format,
            org,
        } => {
            let new = app
                .create_webhook(&org, &url, &events, format.as_deref())
                .await?;
            match new.secret {
                Some(secret) => {
                    if !global.quiet {
                        eprintln!(
                            "palisade: webhook {} ({}) for {}: the secret below is shown once; verify Palisade-Signature with it",
                            new.webhook.id,
                            new.webhook.format,
                            new.webhook.events.join(",")
                        );
                    }
                    format!("{secret}\n")
                }
                None => format!(
                    "email alert {} to {} for {}\n",
                    new.webhook.id,
                    new.webhook.url.trim_start_matches("mailto:"),
                    new.webhook.events.join(",")
                ),
            }
        }
        WebhooksCommand::List { org, format } => {
            let list = app.list_webhooks(&org).await?;
            super::output::list_output(&list, format, |list| webhooks_table(&org, list))
        }
        WebhooksCommand::Deliveries { id, org, format } => {
            let list = app.webhook_deliveries(&org, &id, 100).await?;
            super::output::list_output(&list, format, deliveries_table)
        }
        WebhooksCommand::Delete { id, org } => {
            app.delete_webhook(&org, &id).await?;
            format!("webhook {id} deleted\n")
        }
    };
    print!("{out}");
    app.shutdown().await;
    Ok(0)
}

fn webhooks_table(org: &str, list: &[Webhook]) -> String {
    if list.is_empty() {
        return format!(
            "no webhooks in org {org}: palisade webhooks create https://example.com/hooks (events: {})\n",
            EVENTS.join(", ")
        );
    }
    let mut out = format!("{:<11} {:<6} {:<60} {}\n", "ID", "FORMAT", "URL", "EVENTS");
    for w in list {
        out.push_str(&format!(
            "{:<11} {:<6} {:<60} {}\n",
            w.id,
            w.format,
            super::render::clean(&w.url),
            w.events.join(",")
        ));
    }
    out
}

fn deliveries_table(list: &[Delivery]) -> String {
    let mut out = format!(
        "{:<13} {:<18} {:<10} {:>8} {:>5} {:<25} {}\n",
        "ID", "EVENT", "STATUS", "ATTEMPTS", "CODE", "NEXT ATTEMPT", "LAST ERROR"
    );
    for d in list {
        out.push_str(&format!(
            "{:<13} {:<18} {:<10} {:>8} {:>5} {:<25} {}\n",
            d.id,
            d.event,
            d.status,
            d.attempts,
            d.last_status_code.map_or("-".into(), |c| c.to_string()),
            d.next_attempt_at.as_deref().unwrap_or("-"),
            d.last_error.as_deref().unwrap_or("")
        ));
    }
    out
}
