//! The `cloud` checks: CDN and WAF identification from the start page's headers, and storage buckets named by the
//! site's pages and scripts, whose host names are pinned to a local server playing S3, GCS and Azure Blob.

mod support;

use axum::Router;
use http::{HeaderMap, Uri};
use palisade::config::Pin;
use palisade::model::{CoverageState, Finding, Profile, Severity};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use support::*;

const PAGE: &str =
    "<!doctype html><html><head><title>Shop</title></head><body><p>Welcome</p></body></html>";

async fn scan_site(site: Router, pins: Vec<Pin>, profile: Profile) -> Outcome {
    let server = http(site).await;
    let t = TestApp::new(|c| {
        c.network.pins = pin_site("shop.test", server.addr, closed_port());
        c.network.pins.extend(pins);
    })
    .await;
    t.scan(&["http://shop.test/"], profile).await
}

fn at<'a>(out: &'a Outcome, check_id: &str, location: &str) -> &'a Finding {
    out.findings
        .iter()
        .find(|f| f.check_id == check_id && f.location == location)
        .unwrap_or_else(|| {
            let seen: Vec<(&str, &str)> = out
                .findings
                .iter()
                .map(|f| (f.check_id.as_str(), f.location.as_str()))
                .collect();
            panic!("no {check_id} at {location} among {seen:?}")
        })
}

fn evidence(f: &Finding) -> &str {
    f.evidence.as_deref().unwrap_or_default()
}

#[tokio::test]
async fn cdn_and_waf_are_named_from_the_start_page_headers() {
    let headers = [
        ("content-type", "text/html"),
        ("server", "cloudflare"),
        ("cf-ray", "8a1b2c3d4e5f6a7b-AMS"),
        ("set-cookie", "incap_ses_123_456=abcdef; path=/"),
    ];
    let out = scan_site(fixed(200, &headers, PAGE), vec![], Profile::Quick).await;
    let f = at(&out, "cloud.edge-provider", "http://shop.test/");
    assert_eq!(f.severity, Severity::Info);
    assert_eq!(f.category.as_str(), "edge-infra");
    assert_eq!(f.title, "Served through Cloudflare, Imperva (Incapsula)");
    assert_eq!(
        evidence(f),
        "GET http://shop.test/: Cloudflare (cf-ray: 8a1b2c3d4e5f6a7b-AMS, server: cloudflare); \
         Imperva (Incapsula) (cookie incap_ses_123_456)"
    );

    let plain = [("content-type", "text/html"), ("server", "nginx")];
    let out = scan_site(fixed(200, &plain, PAGE), vec![], Profile::Quick).await;
    assert_eq!(out.ids_in("cloud."), Vec::<&str>::new());
    assert_eq!(out.state("cloud.edge"), CoverageState::Passed);
}

/// Requests the storage server received: `host path?query`.
type Log = Arc<Mutex<Vec<String>>>;

const S3_LISTING: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
    <ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>open-assets</Name><MaxKeys>20</MaxKeys>\
    <IsTruncated>true</IsTruncated><Contents><Key>app.js</Key></Contents><Contents><Key>backups/db-2024.sql.gz</Key>\
    </Contents></ListBucketResult>";
const GCS_LISTING: &str = "<?xml version='1.0' encoding='UTF-8'?><ListBucketResult \
    xmlns='http://doc.s3.amazonaws.com/2006-03-01'><Name>shop-public</Name><IsTruncated>false</IsTruncated>\
    <Contents><Key>logo.png</Key></Contents></ListBucketResult>";
const AZURE_LISTING: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults \
    ServiceEndpoint=\"http://shopstore.blob.core.windows.net/\" ContainerName=\"media\"><Blobs><Blob>\
    <Name>site.css</Name></Blob><Blob><Name>invoices/2024-03.pdf</Name></Blob></Blobs><NextMarker />\
    </EnumerationResults>";
const EMPTY_LISTING: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><Name>shop-exports</Name>\
    <IsTruncated>false</IsTruncated></ListBucketResult>";
const DENIED: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>\
    <Message>Access Denied</Message></Error>";
const NO_SUCH_BUCKET: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchBucket</Code>\
    <Message>The specified bucket does not exist</Message><BucketName>gone-assets</BucketName></Error>";

/// One server playing every storage service, by Host header, as the real ones answer anonymous listings.
fn storage(log: Log) -> Router {
    Router::new().fallback(move |headers: HeaderMap, uri: Uri| {
        let log = log.clone();
        async move {
            let host = headers
                .get("host")
                .and_then(|h| h.to_str().ok())
                .unwrap_or_default()
                .to_string();
            log.lock().unwrap().push(format!("{host} {uri}"));
            let (status, body) = match (host.as_str(), uri.path()) {
                ("open-assets.s3.amazonaws.com", "/") => (200, S3_LISTING),
                ("storage.googleapis.com", "/shop-public") => (200, GCS_LISTING),
                ("shopstore.blob.core.windows.net", "/media")
                    if uri.query().unwrap_or_default().contains("comp=list") =>
                {
                    (200, AZURE_LISTING)
                }
                ("s3.amazonaws.com", "/shop-exports/") => (200, EMPTY_LISTING),
                ("gone-assets.s3.amazonaws.com", _) => (404, NO_SUCH_BUCKET),
                _ => (403, DENIED),
            };
            http::Response::builder()
                .status(status)
                .header("content-type", "application/xml")
                .body(axum::body::Body::from(body))
                .unwrap()
        }
    })
}

fn pins(hosts: &[&str], addr: SocketAddr) -> Vec<Pin> {
    hosts
        .iter()
        .map(|h| Pin {
            host: h.to_string(),
            port: 80,
            addrs: vec![addr],
            any_port: false,
        })
        .collect()
}

const BUCKET_HOSTS: &[&str] = &[
    "open-assets.s3.amazonaws.com",
    "storage.googleapis.com",
    "shopstore.blob.core.windows.net",
    "s3.amazonaws.com",
    "private-assets.s3.amazonaws.com",
    "gone-assets.s3.amazonaws.com",
];

/// A shop whose start page and script name buckets: `refs` in the page, and a path-style S3 URL (JSON-escaped) in
/// its same-origin script.
fn shop(refs: &'static str) -> Router {
    let page = format!(
        "<!doctype html><html><head><title>Shop</title><script src=\"/app.js\"></script></head><body>{refs}</body></html>"
    );
    Router::new()
        .route(
            "/",
            axum::routing::get(move || async move { axum::response::Html(page) }),
        )
        .route(
            "/app.js",
            axum::routing::get(|| async {
                (
                    [("content-type", "application/javascript")],
                    r#"const EXPORTS = "http:\/\/s3.amazonaws.com\/shop-exports\/latest.csv";"#,
                )
            }),
        )
}

#[tokio::test]
async fn public_bucket_listings_and_missing_buckets_are_found() {
    let log: Log = Arc::default();
    let store = http(storage(log.clone())).await;
    let refs = r#"<img src="http://open-assets.s3.amazonaws.com/logo.png">
        <img src="http://storage.googleapis.com/shop-public/logo.png">
        <link rel="stylesheet" href="http://shopstore.blob.core.windows.net/media/site.css">
        <script src="http://private-assets.s3.amazonaws.com/x.js"></script>
        <script src="http://gone-assets.s3.amazonaws.com/old.js"></script>"#;
    let out = scan_site(
        shop(refs),
        pins(BUCKET_HOSTS, store.addr),
        Profile::Standard,
    )
    .await;

    let s3 = at(
        &out,
        "cloud.bucket-listing",
        "http://open-assets.s3.amazonaws.com/?max-keys=20",
    );
    assert_eq!(
        (s3.severity, s3.category.as_str()),
        (Severity::High, "cloud")
    );
    assert_eq!(
        s3.title,
        "Amazon S3 bucket open-assets can be listed by anyone"
    );
    assert_eq!(
        evidence(s3),
        "GET http://open-assets.s3.amazonaws.com/?max-keys=20 → 200, a listing of 2 objects and more: app.js, \
         backups/db-2024.sql.gz; the bucket is named in http://shop.test/"
    );
    let gcs = at(
        &out,
        "cloud.bucket-listing",
        "http://storage.googleapis.com/shop-public?max-keys=20",
    );
    assert!(
        evidence(gcs).contains("a listing of 1 objects: logo.png"),
        "{}",
        evidence(gcs)
    );
    let azure = at(
        &out,
        "cloud.bucket-listing",
        "http://shopstore.blob.core.windows.net/media?restype=container&comp=list&maxresults=20",
    );
    assert!(
        evidence(azure).contains("site.css, invoices/2024-03.pdf"),
        "{}",
        evidence(azure)
    );
    let empty = at(
        &out,
        "cloud.bucket-listing",
        "http://s3.amazonaws.com/shop-exports/?max-keys=20",
    );
    assert_eq!(empty.severity, Severity::Low);
    assert!(
        evidence(empty).ends_with("the bucket is named in http://shop.test/app.js"),
        "{}",
        evidence(empty)
    );

    let gone = at(
        &out,
        "cloud.bucket-missing",
        "http://gone-assets.s3.amazonaws.com/?max-keys=20",
    );
    assert_eq!(gone.severity, Severity::High);
    assert!(
        evidence(gone).contains("→ 404 NoSuchBucket"),
        "{}",
        evidence(gone)
    );

    assert!(
        !out.findings
            .iter()
            .any(|f| f.check_id.starts_with("cloud.") && f.location.contains("private-assets")),
        "access denied is no finding"
    );
    let mut asked = log.lock().unwrap().clone();
    asked.sort();
    assert_eq!(asked.len(), 6, "one GET per bucket: {asked:?}");
}

#[tokio::test]
async fn private_buckets_and_pages_without_buckets_give_no_cloud_findings() {
    let log: Log = Arc::default();
    let store = http(storage(log.clone())).await;
    let refs = r#"<script src="http://private-assets.s3.amazonaws.com/x.js"></script>"#;
    let router = Router::new().route(
        "/",
        axum::routing::get(move || async move {
            axum::response::Html(format!("<html><body>{refs}</body></html>"))
        }),
    );
    let out = scan_site(router, pins(BUCKET_HOSTS, store.addr), Profile::Standard).await;
    assert_eq!(out.ids_in("cloud."), Vec::<&str>::new());
    assert_eq!(out.state("cloud.buckets"), CoverageState::Passed);
    assert_eq!(log.lock().unwrap().len(), 1);

    let out = scan_site(
        fixed(200, &[("content-type", "text/html")], PAGE),
        vec![],
        Profile::Standard,
    )
    .await;
    assert_eq!(out.ids_in("cloud."), Vec::<&str>::new());
    assert_eq!(out.state("cloud.buckets"), CoverageState::Passed);
}

#[tokio::test]
async fn a_bucket_that_cannot_be_asked_errors_the_check() {
    let refs = r#"<script src="http://private-assets.s3.amazonaws.com/x.js"></script>"#;
    let router = Router::new().route(
        "/",
        axum::routing::get(move || async move {
            axum::response::Html(format!("<html><body>{refs}</body></html>"))
        }),
    );
    let out = scan_site(
        router,
        pins(&["private-assets.s3.amazonaws.com"], closed_port()),
        Profile::Standard,
    )
    .await;
    assert_eq!(out.state("cloud.buckets"), CoverageState::Errored);
    assert!(
        out.detail("cloud.buckets").starts_with(
            "1 of 1 bucket listings could not be fetched: cannot connect to 127.0.0.1:"
        ),
        "{}",
        out.detail("cloud.buckets")
    );
}
