//! Redirects from an allowed site (301, 302, 303, 307, 308, chains across ports, meta refresh, Refresh headers)
//! to blocked addresses in every spelling and to names that resolve there: never followed into a blocked address.

use crate::fixture::{app, dns, try_scan};
use crate::traps::{ALLOWED, Site, traps};
use axum::Router;
use axum::extract::Path;
use axum::response::{Html, IntoResponse, Response};
use palisade::model::Profile;

/// Where the allowed site redirects, and the address the refusal must name (`None`: the URL stays on the
/// allowed site, or is not one a client follows).
const LOCATIONS: &[(&str, Option<&str>)] = &[
    ("http://10.0.0.1/", Some("10.0.0.1")),
    ("http://10.0.0.1:8080/admin", Some("10.0.0.1")),
    ("https://10.0.0.1/", Some("10.0.0.1")),
    ("https://10.0.0.1:8443/", Some("10.0.0.1")),
    ("http://167772161/", Some("10.0.0.1")),
    ("http://0x7f000001/", Some("127.0.0.1")),
    ("http://127.1/", Some("127.0.0.1")),
    ("http://0/", Some("0.0.0.0")),
    ("http://[::ffff:a00:1]/", Some("10.0.0.1")),
    ("http://[::1]/", Some("::1")),
    ("http://[fd00::1]:8080/", Some("fd00::1")),
    ("http://[64:ff9b::a9fe:a9fe]/", Some("64:ff9b::a9fe:a9fe")),
    ("http://[2002:a00:1::]/", Some("2002:a00:1::")),
    (
        "http://169.254.169.254/latest/meta-data/",
        Some("169.254.169.254"),
    ),
    ("http://2852039166/", Some("169.254.169.254")),
    ("http://100.64.0.1/", Some("100.64.0.1")),
    ("//10.0.0.1/", Some("10.0.0.1")),
    ("\\\\10.0.0.1\\", Some("10.0.0.1")),
    ("/\\10.0.0.1/", Some("10.0.0.1")),
    ("http://%31%30.0.0.1/", Some("10.0.0.1")),
    ("http://10.0.\t0.1/", Some("10.0.0.1")),
    (" http://10.0.0.1/ ", Some("10.0.0.1")),
    ("HTTP://10.0.0.1./", Some("10.0.0.1")),
    ("http://ok.site.test@10.0.0.1/", Some("10.0.0.1")),
    ("http://198.51.100.7:80@10.0.0.1/", Some("10.0.0.1")),
    ("http://10.0.0.1#@198.51.100.7/", Some("10.0.0.1")),
    (
        "http://ten.evil.test/",
        Some("ten.evil.test resolves to 10.0.0.1"),
    ),
    (
        "http://meta.evil.test/",
        Some("meta.evil.test resolves to 169.254.169.254"),
    ),
    (
        "http://alias.evil.test/",
        Some("alias.evil.test resolves to 169.254.169.254"),
    ),
    (
        "http://mixed.evil.test/",
        Some("mixed.evil.test resolves to 10.0.0.1"),
    ),
    (
        "http://ula.evil.test/",
        Some("ula.evil.test resolves to fd00::1"),
    ),
    ("http://198.51.100.7:8080/hop", Some("127.0.0.1")),
    ("/chain", Some("10.0.0.1")),
    ("http:10.0.0.1/", None),
    ("gopher://10.0.0.1:80/", None),
    ("file:///etc/passwd", None),
];

const STATUSES: [u16; 5] = [301, 302, 303, 307, 308];

fn redirect(status: u16, location: &str) -> Response {
    let mut resp = http::Response::builder().status(status);
    if let Ok(v) = http::HeaderValue::from_str(location) {
        resp = resp.header("location", v);
    }
    resp.body(axum::body::Body::empty())
        .unwrap()
        .into_response()
}

/// The allowed site: `/to/N` redirects to `LOCATIONS[N]`, `/chain` goes on to a blocked address, `/meta` asks
/// for a refresh into one.
fn site() -> Router {
    Router::new()
        .route(
            "/to/{n}",
            axum::routing::get(|Path(n): Path<usize>| async move {
                redirect(STATUSES[n % STATUSES.len()], LOCATIONS[n].0)
            }),
        )
        .route("/chain", axum::routing::get(|| async { redirect(307, "http://10.0.0.1/") }))
        .route(
            "/meta",
            axum::routing::get(|| async {
                (
                    [("refresh", "0; url=http://10.0.0.1/")],
                    Html("<html><head><meta http-equiv=\"refresh\" content=\"0; url=http://169.254.169.254/\"></head></html>"),
                )
            }),
        )
        .fallback(|| async { Html("<html>allowed</html>") })
}

/// The allowed site's second port: `/hop` redirects again, into loopback.
fn hop() -> Router {
    Router::new().fallback(|| async { redirect(308, "http://0x7f.0.0.1/") })
}

ns_test! {
    async fn redirects_into_blocked_addresses_are_never_followed() {
        let traps = traps().await;
        let dns = dns().await;
        let t = app(&dns).await;
        let site = Site::start(ALLOWED, 80, site()).await;
        let second = Site::start(ALLOWED, 8080, hop()).await;
        let targets: Vec<String> = (0..LOCATIONS.len())
            .map(|n| format!("http://{ALLOWED}/to/{n}"))
            .chain(["http://ok.site.test/meta".to_string()])
            .collect();
        let refs: Vec<&str> = targets.iter().map(String::as_str).collect();
        let out = try_scan(&t, &refs, Profile::Quick).await.expect("starts");
        let mut wrong = Vec::new();
        for (n, (location, expect)) in LOCATIONS.iter().enumerate() {
            let error = out.scan.targets[n].error.clone().unwrap_or_default();
            if let Some(addr) = expect
                && !(error.contains("out of scope") && error.contains(addr))
            {
                wrong.push(format!("/to/{n} -> {location:?}: {error:?}"));
            }
            if site.hits(&format!("/to/{n}")) == 0 {
                wrong.push(format!("/to/{n} was never requested"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        assert!(second.total() >= 1, "the redirect to the allowed second port was followed");
        assert!(site.hits("/meta") >= 1);
        traps.assert_untouched("redirects into blocked addresses");

        // The standard profile's probes and crawl start from the same redirects.
        let some: Vec<&str> = refs.iter().copied().step_by(6).collect();
        let _ = try_scan(&t, &some, Profile::Standard).await.expect("starts");
        traps.assert_untouched("redirects into blocked addresses (standard profile)");
    }
}
