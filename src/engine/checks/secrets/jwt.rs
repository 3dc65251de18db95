//! JWTs whose claims give away a privileged role. The payload is decoded (not verified: the point is what the
//! token claims to be): a Supabase `service_role` key is critical; an `admin`-like role, scope or flag is high.
//! Public-by-design tokens (Supabase `anon`, users' own `authenticated` sessions), Supabase's documented local
//! development keys (`iss: supabase-demo`) and expired tokens are not reported.

use super::catalog::Format;
use super::detect::{Hit, Text};
use crate::engine::redaction::redact_known;
use crate::model::{Confidence, Severity};
use base64::Engine;
use serde_json::Value;

regex!(
    JWT,
    r"\b(eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{10,})(?:[^\w.-]|$)"
);

/// Role, scope and group names that mean "can do anything".
const PRIVILEGED: &[&str] = &[
    "admin",
    "administrator",
    "superuser",
    "super_admin",
    "super-admin",
    "superadmin",
    "root",
    "owner",
    "sysadmin",
    "service_role",
];

/// Claims that carry roles, scopes or groups.
const ROLE_CLAIMS: &[&str] = &[
    "role",
    "roles",
    "scope",
    "scopes",
    "scp",
    "permissions",
    "groups",
    "cognito:groups",
];

/// Boolean claims that make the bearer an administrator.
const ADMIN_FLAGS: &[&str] = &["admin", "is_admin", "isAdmin", "superuser", "is_superuser"];

fn part(segment: &str) -> Option<Value> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(segment.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice::<Value>(&bytes)
        .ok()
        .filter(Value::is_object)
}

/// The claims of a JWT whose header names an algorithm.
pub fn claims(token: &str) -> Option<Value> {
    let mut parts = token.split('.');
    let header = part(parts.next()?)?;
    header.get("alg")?;
    part(parts.next()?)
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => s.split([' ', ',']).map(str::to_string).collect(),
        Value::Array(items) => items.iter().flat_map(strings).collect(),
        _ => Vec::new(),
    }
}

/// The privileged names the claims grant, if any.
fn granted(claims: &Value) -> Vec<String> {
    let mut values: Vec<String> = ROLE_CLAIMS
        .iter()
        .filter_map(|c| claims.get(*c))
        .flat_map(strings)
        .collect();
    if let Some(roles) = claims.pointer("/realm_access/roles") {
        values.extend(strings(roles));
    }
    if let Some(hasura) = claims.get("https://hasura.io/jwt/claims") {
        for key in ["x-hasura-default-role", "x-hasura-allowed-roles"] {
            values.extend(hasura.get(key).map(strings).unwrap_or_default());
        }
    }
    let mut found: Vec<String> = values
        .into_iter()
        .filter(|v| {
            let v = v.to_ascii_lowercase();
            PRIVILEGED.contains(&v.as_str()) || v.ends_with(":admin") || v.starts_with("admin:")
        })
        .collect();
    found.extend(
        ADMIN_FLAGS
            .iter()
            .filter(|f| claims.get(**f) == Some(&Value::Bool(true)))
            .map(|f| format!("{f}=true")),
    );
    found.sort();
    found.dedup();
    found
}

fn expired(claims: &Value) -> bool {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    claims
        .get("exp")
        .and_then(Value::as_f64)
        .is_some_and(|exp| exp < now)
}

/// What a token's claims make it, if it is privileged: (severity, confidence, description).
pub fn privilege(claims: &Value) -> Option<(Severity, Confidence, String)> {
    if expired(claims) {
        return None;
    }
    let role = claims.get("role").and_then(Value::as_str).unwrap_or("");
    let iss = claims.get("iss").and_then(Value::as_str).unwrap_or("");
    if role == "service_role" {
        if iss == "supabase-demo" {
            return None;
        }
        let reference = claims.get("ref").and_then(Value::as_str);
        return Some(match reference {
            Some(r) => (
                Severity::Critical,
                Confidence::High,
                format!("Supabase service_role key of project {r}"),
            ),
            None if iss.contains("supabase") => (
                Severity::Critical,
                Confidence::High,
                "Supabase service_role key".into(),
            ),
            None => (
                Severity::Critical,
                Confidence::Medium,
                "role service_role".into(),
            ),
        });
    }
    if matches!(role, "anon" | "authenticated") {
        return None;
    }
    let found = granted(claims);
    (!found.is_empty()).then(|| {
        (
            Severity::High,
            Confidence::Medium,
            format!("claims {}", found.join(", ")),
        )
    })
}

pub fn privileged(text: &Text, format: &'static Format, out: &mut Vec<Hit>) {
    for m in JWT.captures_iter(text.raw).filter_map(|c| c.get(1)) {
        let Some((severity, confidence, what)) = claims(m.as_str()).and_then(|c| privilege(&c))
        else {
            continue;
        };
        let mut hit = Hit::new(format, m.range(), m.as_str());
        hit.shown = redact_known(m.as_str());
        hit.severity = severity;
        hit.confidence = confidence;
        hit.note = Some(what);
        out.push(hit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn privileged_claims_and_public_ones() {
        let grade = |c: Value| privilege(&c).map(|(s, _, what)| (s, what));
        assert_eq!(
            grade(json!({"iss": "supabase", "ref": "abcd", "role": "service_role"})),
            Some((
                Severity::Critical,
                "Supabase service_role key of project abcd".into()
            ))
        );
        assert_eq!(
            grade(json!({"iss": "supabase-demo", "role": "service_role"})),
            None
        );
        assert_eq!(grade(json!({"iss": "supabase", "role": "anon"})), None);
        assert_eq!(
            grade(json!({"role": "authenticated", "scope": "admin"})),
            None
        );
        assert_eq!(grade(json!({"sub": "1", "name": "John Doe"})), None);
        assert_eq!(
            grade(json!({"roles": ["reader", "Admin"]})),
            Some((Severity::High, "claims Admin".into()))
        );
        assert_eq!(
            grade(json!({"scope": "read write repo:admin"})).map(|g| g.0),
            Some(Severity::High)
        );
        assert_eq!(
            grade(json!({"isAdmin": true})).map(|g| g.1),
            Some("claims isAdmin=true".into())
        );
        assert_eq!(
            grade(json!({"https://hasura.io/jwt/claims": {"x-hasura-default-role": "admin"}}))
                .map(|g| g.0),
            Some(Severity::High)
        );
        assert_eq!(
            grade(json!({"role": "admin", "exp": 1_600_000_000})),
            None,
            "expired"
        );
    }

    #[test]
    fn claims_need_a_header_with_an_algorithm() {
        let b64 = |v: Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        let token = format!(
            "{}.{}.sig",
            b64(json!({"alg": "HS256"})),
            b64(json!({"role": "admin"}))
        );
        assert_eq!(claims(&token).unwrap()["role"], "admin");
        let no_alg = format!(
            "{}.{}.sig",
            b64(json!({"typ": "JWT"})),
            b64(json!({"role": "admin"}))
        );
        assert!(claims(&no_alg).is_none());
    }
}
