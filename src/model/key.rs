//! API keys and their scopes: what a key may do, in which org.

use serde::{Deserialize, Serialize};

string_enum!(
    /// What a key may do. `admin` may do everything, keys included.
    Scope {
        TargetsRead => "targets:read", TargetsWrite => "targets:write", ScansRead => "scans:read",
        ScansWrite => "scans:write", Admin => "admin",
    }
);

/// An API key as lists show it: never the key itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ApiKey {
    pub id: String,
    pub org_id: String,
    pub name: String,
    /// `pal_` and the first 8 hex digits of the key.
    pub prefix: String,
    pub scopes: Vec<Scope>,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

impl ApiKey {
    /// True when the key grants `scope` (admin grants every scope).
    pub fn allows(&self, scope: Scope) -> bool {
        self.revoked_at.is_none()
            && self
                .scopes
                .iter()
                .any(|s| *s == scope || *s == Scope::Admin)
    }
}
