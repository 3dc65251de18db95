//! The scope guard end to end: names resolved by a real DNS server, IP literals, redirects and pins.

mod support;

use palisade::app::{AppError, DEFAULT_ORG, ScanRequest};
use palisade::model::{CoverageState, Profile};
use support::*;

/// An App that resolves names with a DNS server serving `records`, with the scope settings given.
async fn app_with_dns(
    records: &[(&str, &str)],
    allow_private: bool,
    allow: &[&str],
) -> (TestApp, dns::DnsServer) {
    let records: Vec<(&str, std::net::IpAddr)> = records
        .iter()
        .map(|(n, ip)| (*n, ip.parse().unwrap()))
        .collect();
    let dns = dns::serve("test.", &records).await;
    let t = TestApp::new(|c| {
        c.network.nameservers = vec![dns.addr];
        c.scope.allow_private = allow_private;
        c.scope.allow = allow.iter().map(|a| a.parse().unwrap()).collect();
    })
    .await;
    (t, dns)
}

#[tokio::test]
async fn a_name_resolving_to_loopback_is_refused_by_default() {
    let server = http(fixed(200, &[], "hello")).await;
    let (t, _dns) = app_with_dns(&[("lab.test.", "127.0.0.1")], false, &[]).await;
    let url = format!("http://lab.test:{}/", server.addr.port());
    let request = ScanRequest {
        targets: vec![url.clone()],
        ..Default::default()
    };
    let err = t
        .app
        .start_scan(DEFAULT_ORG, request)
        .await
        .expect_err("refused");
    let AppError::OutOfScope { target, reason } = &err else {
        panic!("{err}")
    };
    assert_eq!(target, &url);
    assert!(
        reason.contains("lab.test resolves to 127.0.0.1, a loopback address"),
        "{reason}"
    );
    assert!(
        reason.contains("--allow-private"),
        "the error names the setting: {reason}"
    );
    let err = t
        .app
        .add_target(DEFAULT_ORG, &url, None)
        .await
        .expect_err("add_target refuses too");
    assert!(matches!(err, AppError::OutOfScope { .. }), "{err}");
}

#[tokio::test]
async fn allow_private_lets_the_same_name_be_scanned() {
    let server = http(fixed(200, &[], "<html>hello</html>")).await;
    let (t, _dns) = app_with_dns(&[("lab.test.", "127.0.0.1")], true, &[]).await;
    let out = t
        .scan(
            &[&format!("http://lab.test:{}/", server.addr.port())],
            Profile::Quick,
        )
        .await;
    assert!(
        out.scan.targets[0].error.is_none(),
        "{:?}",
        out.scan.targets[0].error
    );
    assert_eq!(
        out.state("tls.hsts"),
        CoverageState::Skipped,
        "ran against the plain-HTTP page"
    );
}

#[tokio::test]
async fn a_name_with_one_blocked_address_among_public_ones_is_refused() {
    let (t, _dns) = app_with_dns(
        &[
            ("mixed.test.", "93.184.216.34"),
            ("mixed.test.", "10.0.0.8"),
        ],
        false,
        &[],
    )
    .await;
    let err = t
        .app
        .add_target(DEFAULT_ORG, "https://mixed.test/", None)
        .await
        .expect_err("refused");
    assert!(
        err.to_string()
            .contains("10.0.0.8, a private-network address"),
        "{err}"
    );
}

#[tokio::test]
async fn cloud_metadata_is_refused_even_with_allow_private_unless_a_cidr_names_it() {
    let (t, _dns) = app_with_dns(&[("meta.test.", "169.254.169.254")], true, &[]).await;
    let err = t
        .app
        .add_target(DEFAULT_ORG, "http://meta.test/latest/", None)
        .await
        .expect_err("refused");
    assert!(
        err.to_string()
            .contains("169.254.169.254, a link-local address"),
        "{err}"
    );
    assert!(
        err.to_string().contains("--allow 169.254.169.254/32"),
        "{err}"
    );
    let literal = t
        .app
        .add_target(DEFAULT_ORG, "http://169.254.169.254/", None)
        .await
        .expect_err("refused");
    assert!(
        literal
            .to_string()
            .contains("169.254.169.254 is a link-local address"),
        "{literal}"
    );
    // Naming the CIDR opens it (checked without sending any traffic there: registering a target only resolves).
    let (t, _dns) = app_with_dns(
        &[("meta.test.", "169.254.169.254")],
        false,
        &["169.254.169.254/32"],
    )
    .await;
    let target = t
        .app
        .add_target(DEFAULT_ORG, "http://meta.test/latest/", None)
        .await
        .expect("allowed by CIDR");
    assert_eq!(target.url, "http://meta.test/latest/");
}

#[tokio::test]
async fn a_redirect_from_an_allowed_host_to_a_blocked_address_is_refused() {
    let (hits, blocked) = counting_server_on("127.0.0.1:0").await;
    let location = format!("http://127.0.0.1:{}/admin", blocked.addr.port());
    let allowed = serve_on("127.0.0.2", fixed(302, &[("location", &location)], "")).await;
    let t = TestApp::new(|c| c.scope.allow = vec!["127.0.0.2/32".parse().unwrap()]).await;
    let out = t
        .scan(
            &[&format!("http://127.0.0.2:{}/", allowed.addr.port())],
            Profile::Quick,
        )
        .await;
    let error = out.scan.targets[0]
        .error
        .clone()
        .expect("the start page fails");
    assert!(
        error.starts_with("out of scope: 127.0.0.1 is a loopback address"),
        "{error}"
    );
    assert_eq!(
        hits.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "the blocked server received nothing"
    );
}

#[tokio::test]
async fn resolve_pins_a_name_on_every_port_without_dns() {
    let server = http(fixed(
        200,
        &[("x-served-by", "pinned")],
        "<html>pinned</html>",
    ))
    .await;
    let port = server.addr.port();
    let t = TestApp::new(|c| {
        c.network.pins = vec![
            palisade::config::parse_resolve(&format!("pinned.test:{port}:127.0.0.1")).unwrap(),
        ];
    })
    .await;
    let out = t
        .scan(&[&format!("http://pinned.test:{port}/")], Profile::Quick)
        .await;
    assert!(
        out.scan.targets[0].error.is_none(),
        "reached through the pin: {:?}",
        out.scan.targets[0].error
    );
    // Another port of the same name goes to the pinned address too, never to DNS.
    let closed = closed_port().port();
    let other = t
        .scan(&[&format!("http://pinned.test:{closed}/")], Profile::Quick)
        .await;
    let error = other.scan.targets[0]
        .error
        .clone()
        .expect("nothing listens there");
    assert_eq!(
        error,
        format!("cannot connect to 127.0.0.1:{closed}: Connection refused (os error 111)")
    );
}

#[tokio::test]
async fn connect_to_on_one_port_never_sends_the_name_to_dns_on_another() {
    let server = http(fixed(200, &[], "<html>ok</html>")).await;
    let t = TestApp::new(|c| {
        c.network.pins = vec![
            palisade::config::parse_connect_to(&format!(
                "half.test:443:127.0.0.1:{}",
                server.addr.port()
            ))
            .unwrap(),
        ];
    })
    .await;
    let out = t.scan(&["http://half.test/"], Profile::Quick).await;
    let error = out.scan.targets[0]
        .error
        .clone()
        .expect("port 80 is not pinned");
    assert!(
        error.contains("port 80 of this name is not pinned"),
        "{error}"
    );
}

#[tokio::test]
async fn dns_rebinding_between_the_scope_check_and_the_connection_is_refused() {
    // The first lookup (the scope check before the scan) says 127.0.0.2, which is allowed; every later lookup says
    // 127.0.0.1, which is not. The connection must be refused on the address it would really use.
    let allowed = serve_on("127.0.0.2", fixed(200, &[], "<html>allowed</html>")).await;
    let port = allowed.addr.port();
    let (hits, blocked) = counting_server_on(&format!("127.0.0.1:{port}")).await;
    let dns = dns::scripted(vec![
        "127.0.0.2".parse().unwrap(),
        "127.0.0.1".parse().unwrap(),
    ])
    .await;
    let t = TestApp::new(|c| {
        c.scope.allow = vec!["127.0.0.2/32".parse().unwrap()];
        c.network.nameservers = vec![dns.addr];
    })
    .await;
    let out = t
        .scan(&[&format!("http://rebind.test:{port}/")], Profile::Quick)
        .await;
    assert!(
        dns.queries.load(std::sync::atomic::Ordering::SeqCst) >= 2,
        "looked up again at connect time"
    );
    let error = out.scan.targets[0].error.clone().expect("refused");
    assert!(
        error.starts_with("out of scope: rebind.test resolves to 127.0.0.1"),
        "{error}"
    );
    assert_eq!(
        hits.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "the blocked address received nothing"
    );
    drop(blocked);
}

#[tokio::test]
async fn checks_whose_requests_the_guard_refused_mid_scan_are_errored_not_passed() {
    // The name points at the allowed 127.0.0.2 until the crawl has read the site's pages (the start page, /about
    // and /app.js), then at the blocked 127.0.0.1 (TTL 0). The site closes every connection, so each later request
    // looks the name up again and is refused: the checks that sent those requests after reading the crawl did not
    // look at what they meant to, and must say so instead of passing.
    use std::sync::atomic::{AtomicUsize, Ordering};
    let crawled = std::sync::Arc::new(AtomicUsize::new(0));
    let count = crawled.clone();
    let close = || [(http::header::CONNECTION, "close")];
    let site = axum::Router::new()
        .route(
            "/",
            axum::routing::get(move || async move {
                (
                    close(),
                    axum::response::Html(
                        "<html><head><title>shop</title></head><body><a href=\"/about?next=/\">about</a>\
                         <script src=\"/app.js\"></script></body></html>",
                    ),
                )
            }),
        )
        .fallback(move |uri: http::Uri| {
            if matches!(uri.path(), "/about" | "/app.js") {
                count.fetch_add(1, Ordering::SeqCst);
            }
            async move { (close(), "not here") }
        });
    let allowed = serve_on("127.0.0.2", site).await;
    let port = allowed.addr.port();
    let (hits, blocked) = counting_server_on(&format!("127.0.0.1:{port}")).await;
    let switch = crawled.clone();
    let dns = dns::scripted_with(move |_| {
        if switch.load(Ordering::SeqCst) >= 2 {
            "127.0.0.1".parse().unwrap()
        } else {
            "127.0.0.2".parse().unwrap()
        }
    })
    .await;
    let t = TestApp::new(|c| {
        c.scope.allow = vec!["127.0.0.2/32".parse().unwrap()];
        c.network.nameservers = vec![dns.addr];
    })
    .await;
    let out = t
        .scan(&[&format!("http://rebind.test:{port}/")], Profile::Standard)
        .await;
    assert!(
        out.scan.targets[0].error.is_none(),
        "the start page was read: {:?}",
        out.scan.targets[0].error
    );
    assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing reached 127.0.0.1");
    let refused = "out of scope: rebind.test resolves to 127.0.0.1";
    let errored: Vec<&str> = out
        .coverage
        .iter()
        .filter(|c| c.state == CoverageState::Errored)
        .filter(|c| c.detail.as_deref().unwrap_or("").contains(refused))
        .map(|c| c.check_id.as_str())
        .collect();
    // api.redirect reads the crawled pages, then asks for each with its redirect parameters: every one refused.
    assert_eq!(
        out.state("api.redirect"),
        CoverageState::Errored,
        "{:?}",
        out.detail("api.redirect")
    );
    let detail = out.detail("api.redirect");
    assert!(
        detail.contains(" requests failed: ") && detail.contains(refused),
        "{detail}"
    );
    assert!(errored.len() >= 5, "errored with the refusal: {errored:?}");
    drop(blocked);
}

#[tokio::test]
async fn a_pinned_address_still_obeys_the_scope_guard() {
    let server = http(fixed(200, &[], "hi")).await;
    let port = server.addr.port();
    let t = TestApp::new(|c| {
        c.scope.allow.clear();
        c.network.pins = vec![
            palisade::config::parse_resolve(&format!("pinned.test:{port}:127.0.0.1")).unwrap(),
        ];
    })
    .await;
    let err = t
        .app
        .add_target(DEFAULT_ORG, &format!("http://pinned.test:{port}/"), None)
        .await
        .err()
        .unwrap();
    assert!(
        err.to_string()
            .contains("pinned.test resolves to 127.0.0.1"),
        "{err}"
    );
}

#[tokio::test]
async fn ipv6_loopback_literal_is_refused_by_default_and_scanned_when_allowed() {
    let Ok(listener) = tokio::net::TcpListener::bind("[::1]:0").await else {
        eprintln!("no IPv6 loopback on this machine");
        return;
    };
    let server =
        palisade::lab::serve::serve_listener(listener, fixed(200, &[], "<html>v6</html>"), None);
    let url = format!("http://[::1]:{}/", server.addr.port());
    let refused = TestApp::new(|c| c.scope.allow.clear()).await;
    let err = refused
        .app
        .add_target(DEFAULT_ORG, &url, None)
        .await
        .err()
        .unwrap();
    assert!(
        err.to_string().contains("::1 is a loopback address"),
        "{err}"
    );
    let allowed = TestApp::new(|c| c.scope.allow_private = true).await;
    let out = allowed.scan(&[&url], Profile::Quick).await;
    assert!(
        out.scan.targets[0].error.is_none(),
        "{:?}",
        out.scan.targets[0].error
    );
}

async fn serve_on(ip: &str, app: axum::Router) -> palisade::lab::serve::Server {
    palisade::lab::serve::serve(format!("{ip}:0").parse().unwrap(), app, None)
        .await
        .unwrap()
}

/// A server on `bind` counting the requests it receives.
async fn counting_server_on(
    bind: &str,
) -> (
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
    palisade::lab::serve::Server,
) {
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().fallback(move || {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        async { "<html>internal admin</html>" }
    });
    let server = palisade::lab::serve::serve(bind.parse().unwrap(), app, None)
        .await
        .unwrap();
    (hits, server)
}
