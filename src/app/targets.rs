//! Target services: register (normalise and scope-check), list, remove.

use super::{App, AppError};
use crate::model::Target;
use crate::target::TargetUrl;
use std::time::Duration;

impl App {
    /// Normalises `input`, checks it against the scope guard, and registers it (or returns the target already
    /// registered for the same URL).
    pub async fn add_target(
        &self,
        org: &str,
        input: &str,
        label: Option<&str>,
    ) -> Result<Target, AppError> {
        let url = TargetUrl::parse(input)?;
        self.check_scope(&url).await?;
        self.register(org, input, &url, label).await
    }

    pub(super) async fn register(
        &self,
        org: &str,
        input: &str,
        url: &TargetUrl,
        label: Option<&str>,
    ) -> Result<Target, AppError> {
        let target = Target {
            id: super::new_id(8),
            org_id: org.to_string(),
            input: input.trim().to_string(),
            url: url.to_string(),
            host: url.host(),
            label: label.map(str::to_string),
            created_at: crate::time::now(),
            verification: "unverified".into(),
        };
        Ok(self.inner.store.upsert_target(&target).await?)
    }

    /// Resolves the target's host and refuses it if any address is out of scope. A name that does not resolve is
    /// not refused here: the scan reports it.
    pub async fn check_scope(&self, url: &TargetUrl) -> Result<(), AppError> {
        self.scope_check(url, false).await
    }

    /// Like [`App::check_scope`] for what `palisade serve` contacts later (schedule targets, webhook URLs): the
    /// refusal names the server's settings, not a flag of the command at hand.
    pub(super) async fn check_server_scope(&self, url: &TargetUrl) -> Result<(), AppError> {
        self.scope_check(url, true).await
    }

    async fn scope_check(&self, url: &TargetUrl, for_server: bool) -> Result<(), AppError> {
        let connector = self.inner.net.connector();
        let lookup = tokio::time::timeout(
            Duration::from_secs(5),
            connector.resolve(&url.host(), url.port()),
        )
        .await;
        match lookup {
            Ok(Err(crate::engine::net::NetError::Scope(e))) => Err(AppError::OutOfScope {
                target: url.to_string(),
                reason: if for_server {
                    e.server_message()
                } else {
                    e.to_string()
                },
            }),
            _ => Ok(()),
        }
    }

    /// Every target of the org.
    pub async fn list_targets(&self, org: &str) -> Result<Vec<Target>, AppError> {
        Ok(self.inner.store.list_targets(org).await?)
    }

    /// Removes a target given by id or URL (as typed or normalised); its scans are kept.
    /// The targets `given` names: the one with that id or URL (as typed or normalised), else, for a bare host
    /// name, every target on that host (several when it has more than one port or path); none when nothing fits.
    pub async fn targets_matching(&self, org: &str, given: &str) -> Result<Vec<Target>, AppError> {
        let store = &self.inner.store;
        if let Some(t) = store.find_target(org, given).await? {
            return Ok(vec![t]);
        }
        let Ok(url) = TargetUrl::parse(given) else {
            return Ok(Vec::new());
        };
        if let Some(t) = store.find_target(org, &url.to_string()).await? {
            return Ok(vec![t]);
        }
        let bare_host = !given.contains("://") && !given.contains('/');
        match bare_host {
            true => Ok(store.targets_on_host(org, &url.host()).await?),
            false => Ok(Vec::new()),
        }
    }

    /// How many scans covered target `id` of `org`.
    pub async fn target_scan_count(&self, org: &str, id: &str) -> Result<u32, AppError> {
        let store = &self.inner.store;
        if store.find_target(org, id).await?.is_none() {
            return Err(AppError::NotFound {
                kind: "target",
                id: id.to_string(),
                hint: "list targets to see their ids and URLs",
            });
        }
        Ok(store.target_scan_count(id).await?)
    }

    pub async fn remove_target(&self, org: &str, id_or_url: &str) -> Result<Target, AppError> {
        let normalised = TargetUrl::parse(id_or_url).map(|u| u.to_string()).ok();
        let mut found = self.inner.store.find_target(org, id_or_url).await?;
        if found.is_none()
            && let Some(url) = normalised
        {
            found = self.inner.store.find_target(org, &url).await?;
        }
        let target = found.ok_or_else(|| AppError::NotFound {
            kind: "target",
            id: id_or_url.to_string(),
            hint: "list targets to see their ids and URLs",
        })?;
        self.inner.store.delete_target(org, &target.id).await?;
        Ok(target)
    }
}
