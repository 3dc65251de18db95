//! API keys: created for an org with scopes and shown once, kept only as a SHA-256 digest, checked in constant
//! time, listed by prefix, revoked with immediate effect, at most `server.max_keys_per_org` active per org.

use super::{App, AppError};
use crate::model::{ApiKey, Scope};
use sha2::{Digest, Sha256};

/// Every key starts with this.
pub const KEY_PREFIX: &str = "pal_";

/// A key just created: the only time its secret exists outside the caller's hands.
#[derive(Debug)]
pub struct NewKey {
    pub key: ApiKey,
    /// `pal_` + 32 hex digits. Not stored anywhere.
    pub secret: String,
}

/// Hex SHA-256 of a key.
fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// True when two byte strings are equal, looking at every byte whatever the answer.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// An org id: 1 to 40 lowercase letters, digits and dashes.
fn check_org(org: &str) -> Result<(), AppError> {
    let ok = !org.is_empty()
        && org.len() <= 40
        && org
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(AppError::Invalid(format!(
            "org '{org}' is not 1 to 40 lowercase letters, digits and dashes, e.g. acme or acme-staging"
        )))
    }
}

impl App {
    /// Creates a key for `org` (creating the org if needed) with a name and scopes; refuses when the org already
    /// has its limit of active keys.
    pub async fn create_key(
        &self,
        org: &str,
        name: &str,
        scopes: &[Scope],
    ) -> Result<NewKey, AppError> {
        check_org(org)?;
        let name = name.trim();
        if name.is_empty() || name.len() > 60 || name.chars().any(char::is_control) {
            return Err(AppError::Invalid(
                "a key needs a name of 1 to 60 characters saying what uses it, e.g. ci or dashboard".into(),
            ));
        }
        if scopes.is_empty() {
            return Err(AppError::Invalid(format!(
                "a key needs at least one scope: {}",
                Scope::ALL
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let mut scopes = scopes.to_vec();
        scopes.sort();
        scopes.dedup();
        let secret = format!("{KEY_PREFIX}{}", hex::encode(rand::random::<[u8; 16]>()));
        let now = crate::time::now();
        let key = ApiKey {
            id: super::new_id(10),
            org_id: org.to_string(),
            name: name.to_string(),
            prefix: secret[..KEY_PREFIX.len() + 8].to_string(),
            scopes,
            created_at: now.clone(),
            last_used_at: None,
            revoked_at: None,
        };
        let store = &self.inner.store;
        store.ensure_org(org, &now).await?;
        let limit = self.inner.config.server.max_keys_per_org;
        if !store.insert_key(&key, &digest(&secret), limit).await? {
            return Err(AppError::Limit(format!(
                "org '{org}' already has {limit} active API keys (server.max_keys_per_org = {limit}): revoke one \
                 first (palisade keys revoke ID --org {org})"
            )));
        }
        Ok(NewKey { key, secret })
    }

    /// The key a bearer secret belongs to, when it is well formed, known and not revoked; records the use.
    pub async fn authenticate(&self, secret: &str) -> Result<Option<ApiKey>, AppError> {
        let secret = secret.trim();
        let well_formed = secret.len() == KEY_PREFIX.len() + 32
            && secret.starts_with(KEY_PREFIX)
            && secret[KEY_PREFIX.len()..]
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
        if !well_formed {
            return Ok(None);
        }
        let wanted = digest(secret);
        let Some((key, stored)) = self.inner.store.key_by_digest(&wanted).await? else {
            return Ok(None);
        };
        // The index matched the digest (of a secret the caller cannot steer); compare it again in constant time
        // so no answer depends on how much of it matched.
        if !constant_time_eq(stored.as_bytes(), wanted.as_bytes()) {
            return Ok(None);
        }
        let now = time::OffsetDateTime::now_utc();
        let stale = crate::time::format(now - time::Duration::minutes(1));
        self.inner
            .store
            .touch_key(&key.id, &crate::time::format(now), &stale)
            .await?;
        Ok(Some(key))
    }

    /// True when any org has an active key: then the HTTP server requires one.
    pub async fn has_active_keys(&self) -> Result<bool, AppError> {
        Ok(self.inner.store.has_active_keys().await?)
    }

    /// An org's keys (revoked ones too), by prefix; never the secrets.
    pub async fn list_keys(&self, org: &str) -> Result<Vec<ApiKey>, AppError> {
        check_org(org)?;
        Ok(self.inner.store.list_keys(org).await?)
    }

    /// Revokes an org's key by id or prefix; its next request fails.
    pub async fn revoke_key(&self, org: &str, id_or_prefix: &str) -> Result<ApiKey, AppError> {
        check_org(org)?;
        self.inner
            .store
            .revoke_key(org, id_or_prefix.trim(), &crate::time::now())
            .await?
            .ok_or_else(|| AppError::NotFound {
                kind: "key",
                id: id_or_prefix.to_string(),
                hint: "give a key id or prefix from `palisade keys list`",
            })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn constant_time_eq_compares_whole_strings() {
        assert!(super::constant_time_eq(b"abc", b"abc"));
        assert!(!super::constant_time_eq(b"abc", b"abd"));
        assert!(!super::constant_time_eq(b"abc", b"ab"));
    }
}
