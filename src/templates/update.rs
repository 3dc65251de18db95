//! Installing the community template archive: checking a downloaded zip (its digest when one is pinned, every entry's
//! name and size), unpacking its templates beside the database, and swapping it in only when it loaded.

use super::library::Library;
use super::model::Source;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// Entries an archive may have.
pub const MAX_ENTRIES: usize = 200_000;
/// Bytes all unpacked templates may take.
pub const MAX_UNPACKED: u64 = 512 * 1024 * 1024;

/// What an update installed.
#[derive(Debug, Clone)]
pub struct Updated {
    pub sha256: String,
    pub dir: PathBuf,
    /// Template files unpacked.
    pub files: usize,
    /// Templates that run.
    pub runnable: usize,
    /// Templates skipped, by reason.
    pub skipped: BTreeMap<&'static str, usize>,
    /// Files that could not be read as templates.
    pub errors: usize,
}

/// Where the community archive lives for the database at `db`.
pub fn community_dir(db: &Path) -> PathBuf {
    db.parent()
        .unwrap_or(Path::new("."))
        .join("templates")
        .join("community")
}

/// Checks and unpacks `archive` into `dest`, replacing what was there only once the new templates loaded.
pub fn install(archive: &[u8], sha256: Option<&str>, dest: &Path) -> Result<Updated, String> {
    let digest = hex::encode(Sha256::digest(archive));
    if let Some(want) = sha256
        && !want.trim().eq_ignore_ascii_case(&digest)
    {
        return Err(format!(
            "the archive's SHA-256 is {digest}, not the {} given: it was not installed",
            want.trim()
        ));
    }
    let parent = dest
        .parent()
        .ok_or("the template folder has no parent folder")?;
    std::fs::create_dir_all(parent)
        .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let staging = parent.join(format!(".community-new-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let files = unpack(archive, &staging).inspect_err(|_| {
        let _ = std::fs::remove_dir_all(&staging);
    })?;
    let library = {
        let mut library = Library::default();
        library.add_dir(&staging, Source::Community);
        library
    };
    if library.templates.is_empty() {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(format!(
            "the archive holds {files} YAML files but no template Palisade can run: it was not installed"
        ));
    }
    let old = parent.join(format!(".community-old-{}", std::process::id()));
    if dest.exists() {
        std::fs::rename(dest, &old)
            .map_err(|e| format!("cannot move the old templates aside: {e}"))?;
    }
    if let Err(e) = std::fs::rename(&staging, dest) {
        let _ = std::fs::rename(&old, dest);
        return Err(format!("cannot install the new templates: {e}"));
    }
    let _ = std::fs::remove_dir_all(&old);
    let mut skipped = BTreeMap::new();
    for s in &library.skipped {
        *skipped.entry(s.refusal.kind.label()).or_default() += 1;
    }
    Ok(Updated {
        sha256: digest,
        dir: dest.to_path_buf(),
        files,
        runnable: library.templates.len(),
        skipped,
        errors: library.errors.len(),
    })
}

/// Unpacks the archive's YAML files into `dir`; returns how many.
fn unpack(archive: &[u8], dir: &Path) -> Result<usize, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(archive))
        .map_err(|e| format!("the download is not a zip archive ({e})"))?;
    if zip.len() > MAX_ENTRIES {
        return Err(format!(
            "the archive has {} entries (at most {MAX_ENTRIES})",
            zip.len()
        ));
    }
    let mut total: u64 = 0;
    let mut files = 0;
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| format!("entry {i} of the archive is broken ({e})"))?;
        if entry.is_dir() {
            continue;
        }
        let Some(name) = entry.enclosed_name() else {
            continue;
        };
        let yaml = name.extension().is_some_and(|e| e == "yaml" || e == "yml");
        let hidden = name
            .components()
            .any(|c| matches!(c, Component::Normal(p) if p.to_string_lossy().starts_with('.')));
        if !yaml || hidden {
            continue;
        }
        let limit = super::compile::MAX_TEMPLATE_BYTES as u64;
        let mut text = Vec::new();
        (&mut entry)
            .take(limit + 1)
            .read_to_end(&mut text)
            .map_err(|e| format!("cannot read {} from the archive ({e})", name.display()))?;
        if text.len() as u64 > limit {
            continue;
        }
        total += text.len() as u64;
        if total > MAX_UNPACKED {
            return Err(format!(
                "the archive unpacks to more than {} MiB",
                MAX_UNPACKED >> 20
            ));
        }
        let path = dir.join(&name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        files += 1;
    }
    Ok(files)
}
