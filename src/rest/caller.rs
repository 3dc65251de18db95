//! Who is calling: the org a request works in and what its key may do, put in the request's extensions by the
//! server's guard and read by every handler.

use super::error::ApiError;
use crate::app::DEFAULT_ORG;
use crate::model::{ApiKey, Scope};
use http::StatusCode;

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The org every read and write of the request is confined to.
    pub org: String,
    /// The key's id (`None` on a loopback server without keys, where the local user may do everything).
    pub key_id: Option<String>,
    scopes: Vec<Scope>,
}

impl Caller {
    /// The local user of a server that has no keys: default org, every scope.
    pub fn local() -> Caller {
        Caller {
            org: DEFAULT_ORG.into(),
            key_id: None,
            scopes: vec![Scope::Admin],
        }
    }

    /// A key from the configuration (`server.api_keys`): default org, every scope.
    pub fn configured(id: String) -> Caller {
        Caller {
            org: DEFAULT_ORG.into(),
            key_id: Some(id),
            scopes: vec![Scope::Admin],
        }
    }

    /// A stored key.
    pub fn key(key: &ApiKey) -> Caller {
        Caller {
            org: key.org_id.clone(),
            key_id: Some(key.id.clone()),
            scopes: key.scopes.clone(),
        }
    }

    /// True when the caller may do what `scope` covers (`admin` covers everything).
    pub fn allows(&self, scope: Scope) -> bool {
        self.scopes
            .iter()
            .any(|s| *s == scope || *s == Scope::Admin)
    }

    /// `Ok` when allowed, else the 403 naming the missing scope.
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if self.allows(scope) {
            Ok(())
        } else {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "missing_scope",
                format!(
                    "this key lacks the {scope} scope this request needs: create a key with it \
                     (palisade keys create --scopes {scope})"
                ),
            ))
        }
    }
}
