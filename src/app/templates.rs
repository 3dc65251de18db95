//! Detection templates in the `App`: the library scans select from (shipped, private folders, the community archive),
//! loaded once and reloaded after an update; which templates a scan runs; and `templates update`.

use super::{App, AppError};
use crate::model::Profile;
use crate::templates::{Library, Selection, Template, update};
use std::path::PathBuf;
use std::sync::Arc;

/// Entries a selection may list, per field.
pub const MAX_SELECTION: usize = 100;

/// The libraries loaded so far: without and with the community archive.
#[derive(Default)]
pub(super) struct Loaded {
    local: tokio::sync::OnceCell<Arc<Library>>,
    full: tokio::sync::Mutex<Option<Arc<Library>>>,
}

impl App {
    /// Parses the shipped templates on a blocking thread, for servers: the first scan then does not wait for them
    /// (about 60 ms in a release build, most of a second in a debug one).
    pub fn warm_up(&self) {
        tokio::task::spawn_blocking(|| drop(Library::shipped()));
    }

    /// Where `templates update` keeps the community archive: `templates/community` beside the database.
    pub fn community_templates_dir(&self) -> PathBuf {
        crate::templates::update::community_dir(&self.inner.config.db)
    }

    /// Every template this server can run: shipped, private folders and the community archive (loaded once).
    pub async fn template_library(&self) -> Arc<Library> {
        let mut full = self.inner.templates.full.lock().await;
        if let Some(library) = full.as_ref() {
            return library.clone();
        }
        let (dirs, community) = (
            self.inner.config.templates.dirs.clone(),
            self.community_templates_dir(),
        );
        let library = tokio::task::spawn_blocking(move || Library::load(&dirs, Some(&community)))
            .await
            .map(Arc::new)
            .unwrap_or_else(|_| Library::shipped());
        *full = Some(library.clone());
        library
    }

    /// The shipped and private templates, without the community archive (what standard scans choose from).
    async fn local_templates(&self) -> Arc<Library> {
        if self.inner.config.templates.dirs.is_empty() {
            return Library::shipped();
        }
        self.inner
            .templates
            .local
            .get_or_init(|| async {
                let dirs = self.inner.config.templates.dirs.clone();
                tokio::task::spawn_blocking(move || Library::load(&dirs, None))
                    .await
                    .map(Arc::new)
                    .unwrap_or_else(|_| Library::shipped())
            })
            .await
            .clone()
    }

    /// The templates a scan of `profile` runs with `selection`. A selection that names templates (by tag or id) and
    /// matches none is refused, so that a typo never looks like a clean scan.
    pub(super) async fn plan_templates(
        &self,
        profile: Profile,
        selection: &Selection,
    ) -> Result<Vec<Arc<Template>>, AppError> {
        for (field, list) in [
            ("tags", &selection.tags),
            ("exclude_tags", &selection.exclude_tags),
            ("template_ids", &selection.ids),
        ] {
            if list.len() > MAX_SELECTION
                || list.iter().any(|v| v.trim().is_empty() || v.len() > 128)
            {
                return Err(AppError::Invalid(format!(
                    "{field}: give at most {MAX_SELECTION} entries of 1 to 128 characters"
                )));
            }
        }
        let library = match profile == Profile::Deep || selection.names_templates() {
            true => self.template_library().await,
            false => self.local_templates().await,
        };
        let chosen = library.select(selection, profile);
        if selection.names_templates() && chosen.is_empty() {
            let mut named = selection
                .tags
                .iter()
                .map(|t| format!("tag '{t}'"))
                .collect::<Vec<_>>();
            named.extend(selection.ids.iter().map(|i| format!("id '{i}'")));
            return Err(AppError::Invalid(format!(
                "no loaded template has {}{}: `palisade templates list` shows the {} templates loaded",
                named.join(" or "),
                if selection.severities.is_empty() && selection.exclude_tags.is_empty() {
                    ""
                } else {
                    " with the given severities and excluded tags"
                },
                library.templates.len()
            )));
        }
        Ok(chosen)
    }

    /// Downloads the community archive from `url`, checks it (a zip of templates, within the size limits, and
    /// matching `sha256` when given), and replaces the stored one; the templates loaded from it are reported. What
    /// was stored before is kept when anything fails.
    pub async fn update_templates(
        &self,
        url: &str,
        sha256: Option<&str>,
    ) -> Result<update::Updated, String> {
        let bytes = self.download(url).await.map_err(|e| {
            format!("cannot download {url}: {e}; the templates stored before are kept (check the URL or --url)")
        })?;
        let dest = self.community_templates_dir();
        let sha256 = sha256.map(str::to_string);
        let updated =
            tokio::task::spawn_blocking(move || update::install(&bytes, sha256.as_deref(), &dest))
                .await
                .map_err(|e| format!("the update stopped: {e}"))??;
        *self.inner.templates.full.lock().await = None;
        Ok(updated)
    }
}
