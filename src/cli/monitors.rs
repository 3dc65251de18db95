//! `palisade monitors`: the alert rules deciding which events (and so which webhook deliveries) a finished scan
//! raises.

use super::{CliError, Format, Global, SeverityArg};
use crate::app::{DEFAULT_CERT_DAYS, DEFAULT_MIN_SEVERITY, DEFAULT_ORG, NewMonitor};
use crate::config::Layer;
use crate::model::{Monitor, Severity};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum MonitorsCommand {
    /// Add a rule: new-finding, grade-drop, cert-expiring, unreachable or scan-failed
    Create {
        /// new-finding, grade-drop, cert-expiring, unreachable or scan-failed
        rule: String,
        /// The target it watches (every target of the org when omitted)
        #[arg(long)]
        target: Option<String>,
        /// new-finding: the lowest severity that alerts (default high)
        #[arg(long, value_enum)]
        min_severity: Option<SeverityArg>,
        /// cert-expiring: alert with at most this many days left (1-365, default 14)
        #[arg(long)]
        days: Option<u32>,
        #[arg(long, default_value = DEFAULT_ORG)]
        org: String,
    },
    /// The org's rules (none: every rule applies with its default)
    List {
        #[arg(long, default_value = DEFAULT_ORG)]
        org: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Delete a rule
    Delete {
        id: String,
        #[arg(long, default_value = DEFAULT_ORG)]
        org: String,
    },
}

pub async fn run(global: &Global, cmd: MonitorsCommand) -> Result<u8, CliError> {
    let app = super::build(super::load_config(global, Layer::default())?).await?;
    let out = match cmd {
        MonitorsCommand::Create {
            rule,
            target,
            min_severity,
            days,
            org,
        } => {
            let new = NewMonitor {
                rule,
                target,
                min_severity: min_severity.map(Severity::from),
                days,
            };
            let m = app.create_monitor(&org, new).await?;
            format!(
                "monitor {} created: {} for {}\n",
                m.id,
                m.rule,
                m.target.as_deref().unwrap_or("every target")
            )
        }
        MonitorsCommand::List { org, format } => {
            let list = app.list_monitors(&org).await?;
            super::output::list_output(&list, format, |list| table(&org, list))
        }
        MonitorsCommand::Delete { id, org } => {
            app.delete_monitor(&org, &id).await?;
            format!("monitor {id} deleted\n")
        }
    };
    print!("{out}");
    app.shutdown().await;
    Ok(0)
}

fn table(org: &str, list: &[Monitor]) -> String {
    if list.is_empty() {
        return format!(
            "no monitors in org {org}: every rule applies to every target (new findings of {DEFAULT_MIN_SEVERITY} and \
             above, grade drops, certificates with {DEFAULT_CERT_DAYS} days or less, unreachable targets, failed scans)\n"
        );
    }
    let mut out = format!(
        "{:<11} {:<14} {:<10} {}\n",
        "ID", "RULE", "THRESHOLD", "TARGET"
    );
    for m in list {
        let threshold = match (m.rule.as_str(), m.min_severity, m.days) {
            (_, Some(s), _) => s.to_string(),
            (_, _, Some(d)) => format!("{d} days"),
            ("new-finding", None, _) => DEFAULT_MIN_SEVERITY.to_string(),
            ("cert-expiring", _, None) => format!("{DEFAULT_CERT_DAYS} days"),
            _ => "-".into(),
        };
        out.push_str(&format!(
            "{:<11} {:<14} {:<10} {}\n",
            m.id,
            m.rule,
            threshold,
            m.target.as_deref().unwrap_or("every target")
        ));
    }
    out
}
