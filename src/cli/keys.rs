//! `palisade keys`: create (shown once), list and revoke the API keys that guard `palisade serve`.

use super::{CliError, Format, Global};
use crate::app::DEFAULT_ORG;
use crate::config::Layer;
use crate::model::{ApiKey, Scope};
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a key; it is printed once, on stdout, and only its SHA-256 is stored
    Create {
        /// The org the key belongs to (created if new)
        #[arg(long, default_value = DEFAULT_ORG)]
        org: String,
        /// What uses the key, e.g. ci or dashboard
        #[arg(long)]
        name: String,
        /// Comma-separated: targets:read, targets:write, scans:read, scans:write, admin
        #[arg(long, value_delimiter = ',', required = true)]
        scopes: Vec<String>,
    },
    /// An org's keys by prefix, with when they were created and last used
    List {
        #[arg(long, default_value = DEFAULT_ORG)]
        org: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Revoke a key by id or prefix; its next request fails
    Revoke {
        /// Key id or prefix (pal_xxxxxxxx)
        key: String,
        #[arg(long, default_value = DEFAULT_ORG)]
        org: String,
    },
}

pub async fn run(global: &Global, cmd: KeysCommand) -> Result<u8, CliError> {
    let app = super::build(super::load_config(global, Layer::default())?).await?;
    match cmd {
        KeysCommand::Create { org, name, scopes } => {
            let scopes = scopes
                .iter()
                .map(|s| s.parse::<Scope>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(CliError::usage)?;
            let new = app.create_key(&org, &name, &scopes).await?;
            println!("{}", new.secret);
            if !global.quiet {
                eprintln!(
                    "palisade: key {} ({}...) for org {} with {}: shown once, store it now (e.g. as a CI secret)",
                    new.key.id,
                    new.key.prefix,
                    new.key.org_id,
                    scope_list(&new.key)
                );
            }
        }
        KeysCommand::List { org, format } => {
            let keys = app.list_keys(&org).await?;
            let out = super::output::list_output(&keys, format, |keys| table(&org, keys));
            print!("{out}");
        }
        KeysCommand::Revoke { key, org } => {
            let k = app.revoke_key(&org, &key).await?;
            println!("revoked {} ({}...) of org {}", k.id, k.prefix, k.org_id);
            if !app.has_active_keys().await? && app.config().server.api_key_digests.is_empty() {
                eprintln!(
                    "palisade: that was the last active key: a server reached beyond its machine (listening beyond \
                     loopback, or named in server.allowed_hosts or server.public_url) now answers 401 to every \
                     request until you create one with `palisade keys create`; one only on loopback serves its local \
                     user without a key"
                );
            }
        }
    }
    app.shutdown().await;
    Ok(0)
}

fn scope_list(k: &ApiKey) -> String {
    k.scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn table(org: &str, keys: &[ApiKey]) -> String {
    if keys.is_empty() {
        return format!(
            "no keys in org {org}: palisade keys create --org {org} --name NAME --scopes scans:read\n"
        );
    }
    let mut out = format!(
        "{:<12} {:<14} {:<16} {:<34} {:<17} {:<17} {}\n",
        "ID", "PREFIX", "NAME", "SCOPES", "CREATED", "LAST USED", "STATE"
    );
    let minute = |t: &Option<String>| {
        t.as_deref().map_or("never".to_string(), |t| {
            t.get(..16).unwrap_or(t).replace('T', " ")
        })
    };
    for k in keys {
        out.push_str(&format!(
            "{:<12} {:<14} {:<16} {:<34} {:<17} {:<17} {}\n",
            k.id,
            k.prefix,
            super::render::clean(&k.name),
            scope_list(k),
            minute(&Some(k.created_at.clone())),
            minute(&k.last_used_at),
            if k.revoked_at.is_some() {
                "revoked"
            } else {
                "active"
            }
        ));
    }
    out
}
