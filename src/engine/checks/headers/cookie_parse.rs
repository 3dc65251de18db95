//! `Set-Cookie` parsing as browsers read it (RFC 6265bis), and which cookie names mark a session.

/// One `Set-Cookie` header.
#[derive(Debug, Clone, PartialEq)]
pub struct SetCookie {
    pub name: String,
    pub value: String,
    pub secure: bool,
    pub http_only: bool,
    /// The last `SameSite` attribute as written (possibly empty).
    pub same_site: Option<String>,
    /// The `Domain` attribute, if any (browsers drop an empty one).
    pub domain: Option<String>,
    pub path: Option<String>,
    /// `Max-Age` ≤ 0, or an `Expires` date in an earlier year: the server is deleting the cookie.
    pub deletes: bool,
}

/// What a cookie's `SameSite` attribute means to a browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SameSite {
    Missing,
    Strict,
    Lax,
    None,
    /// A value browsers do not know (they then apply their default), as written.
    Invalid(String),
}

impl SetCookie {
    /// The `SameSite` attribute as a browser reads it (values are case-insensitive).
    pub fn same_site(&self) -> SameSite {
        match self.same_site.as_deref().map(str::to_ascii_lowercase) {
            None => SameSite::Missing,
            Some(v) if v == "strict" => SameSite::Strict,
            Some(v) if v == "lax" => SameSite::Lax,
            Some(v) if v == "none" => SameSite::None,
            Some(_) => SameSite::Invalid(self.same_site.clone().unwrap_or_default()),
        }
    }
}

/// Parses one `Set-Cookie` value; `None` when browsers would ignore it (no name and no value).
pub fn parse_set_cookie(line: &str) -> Option<SetCookie> {
    let mut parts = line.split(';');
    let pair = parts.next().unwrap_or("");
    let (name, value) = match pair.split_once('=') {
        Some((n, v)) => (n.trim(), v.trim()),
        None => ("", pair.trim()),
    };
    if name.is_empty() && value.is_empty() {
        return None;
    }
    let mut cookie = SetCookie {
        name: name.to_string(),
        value: value.to_string(),
        secure: false,
        http_only: false,
        same_site: None,
        domain: None,
        path: None,
        deletes: false,
    };
    let (mut max_age, mut expired) = (None, false);
    for attr in parts {
        let (key, val) = match attr.split_once('=') {
            Some((k, v)) => (k.trim().to_ascii_lowercase(), v.trim()),
            None => (attr.trim().to_ascii_lowercase(), ""),
        };
        match key.as_str() {
            "secure" => cookie.secure = true,
            "httponly" => cookie.http_only = true,
            "samesite" => cookie.same_site = Some(val.to_string()),
            "domain" if !val.is_empty() => {
                cookie.domain = Some(val.trim_start_matches('.').to_ascii_lowercase())
            }
            "path" => cookie.path = Some(val.to_string()),
            "max-age" => max_age = val.parse::<i64>().ok().or(max_age),
            "expires" => expired = expires_in_a_past_year(val),
            _ => {}
        }
    }
    cookie.deletes = max_age.map_or(expired, |m| m <= 0);
    Some(cookie)
}

/// True when a cookie date's year is before the current one (`Thu, 01 Jan 1970 00:00:00 GMT`, the usual way to
/// delete a cookie). Dates within this year count as live, so a deletion is never mistaken for less.
fn expires_in_a_past_year(date: &str) -> bool {
    let year = date
        .split(|c: char| !c.is_ascii_digit())
        .find(|t| t.len() == 4)
        .and_then(|t| t.parse::<i32>().ok());
    year.is_some_and(|y| y < time::OffsetDateTime::now_utc().year())
}

/// Splits a cookie name into lower-case words: at separators and where lower case turns to upper case.
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            out.push(std::mem::take(&mut word));
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower {
            out.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        word.push(c.to_ascii_lowercase());
    }
    out.push(word);
    out.retain(|w| !w.is_empty());
    out
}

/// Words that name an anti-CSRF cookie, which scripts must be able to read (so it is never a session cookie).
pub fn is_csrf_name(name: &str) -> bool {
    words(name)
        .iter()
        .any(|w| w.contains("csrf") || w.contains("xsrf"))
}

/// True when a cookie's name says it carries a session or credentials: session, sess, sid, auth, token, jwt,
/// login, jsessionid, phpsessid, connect.sid, aspsessionid…, laravel_session, `_app_session` and the like.
pub fn is_session_name(name: &str) -> bool {
    if is_csrf_name(name) {
        return false;
    }
    const EXACT: &[&str] = &[
        "sid",
        "auth",
        "token",
        "jwt",
        "login",
        "logged",
        "authtoken",
        "accesstoken",
        "refreshtoken",
        "remember",
    ];
    words(name).iter().any(|w| {
        EXACT.contains(&w.as_str())
            || w.starts_with("sess")
            || w.ends_with("sessid")
            || w.ends_with("sessionid")
            || w.contains("session")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_attributes_case_insensitively() {
        let c = parse_set_cookie(
            "sid=abc123; Path=/; domain=.Example.com; SECURE; httponly; SameSite=Lax; Max-Age=3600",
        )
        .unwrap();
        assert_eq!((c.name.as_str(), c.value.as_str()), ("sid", "abc123"));
        assert!(c.secure && c.http_only && !c.deletes);
        assert_eq!(c.same_site(), SameSite::Lax);
        assert_eq!(c.domain.as_deref(), Some("example.com"));
        assert_eq!(c.path.as_deref(), Some("/"));
        let bare = parse_set_cookie("theme=dark").unwrap();
        assert_eq!(bare.same_site(), SameSite::Missing);
        assert!(!bare.secure && !bare.http_only);
        assert_eq!(parse_set_cookie("justavalue").unwrap().name, "");
        assert_eq!(parse_set_cookie(" ; Secure"), None);
    }

    #[test]
    fn samesite_values() {
        let ss = |v: &str| parse_set_cookie(&format!("a=b; {v}")).unwrap().same_site();
        assert_eq!(ss("SameSite=STRICT"), SameSite::Strict);
        assert_eq!(ss("samesite=None"), SameSite::None);
        assert_eq!(ss("SameSite=yes"), SameSite::Invalid("yes".into()));
        assert_eq!(ss("SameSite"), SameSite::Invalid(String::new()));
        assert_eq!(
            ss("SameSite=Lax; SameSite=bogus"),
            SameSite::Invalid("bogus".into())
        );
    }

    #[test]
    fn deletions_are_recognised() {
        assert!(parse_set_cookie("session=; Max-Age=0").unwrap().deletes);
        assert!(
            parse_set_cookie("session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT")
                .unwrap()
                .deletes
        );
        assert!(
            !parse_set_cookie("session=x; Expires=Fri, 01 Jan 2100 00:00:00 GMT")
                .unwrap()
                .deletes
        );
        assert!(
            !parse_set_cookie("session=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60")
                .unwrap()
                .deletes,
            "Max-Age wins over Expires"
        );
    }

    #[test]
    fn session_names() {
        for name in [
            "PHPSESSID",
            "JSESSIONID",
            "connect.sid",
            "sessionid",
            "__Host-session",
            "_myapp_session",
            "laravel_session",
            "ASP.NET_SessionId",
            "ASPSESSIONIDQQGGQDQA",
            "auth_token",
            "sessionToken",
            "sid",
            "usersession",
            "wordpress_logged_in_abc",
            "remember_token",
        ] {
            assert!(is_session_name(name), "{name}");
        }
        for name in [
            "theme",
            "csrftoken",
            "XSRF-TOKEN",
            "_ga",
            "consider",
            "inside",
            "author",
            "lang",
            "__Secure-theme",
        ] {
            assert!(!is_session_name(name), "{name}");
        }
        assert!(is_csrf_name("csrftoken") && is_csrf_name("XSRF-TOKEN"));
    }
}
