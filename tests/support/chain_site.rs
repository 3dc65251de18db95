//! A site on loopback made of parts, each the half of an attack chain (an exposed `.git`, a live key in a bundle,
//! an old server banner, a cookie without a flag...), scanned over HTTPS with only the checks a test names, and
//! the summary of its report.

use crate::support::TestApp;
use crate::support::peers::Redis;
use axum::Router;
use axum::body::Body;
use http::{HeaderMap, Response, header};
use palisade::app::{DEFAULT_ORG, ScanRequest};
use palisade::config::Pin;
use palisade::lab::certs::{CertSpec, LabCa};
use palisade::model::Profile;
use palisade::report::summary::Chain;
use palisade::report::{Format, ReportData};

pub const HOST: &str = "chain.test";

/// One half of a chain the site can serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// `/.git/HEAD` and `/.git/config`.
    Git,
    /// A live-format Stripe secret key in `/static/app.js`.
    StripeKey,
    /// `/.env` with database credentials.
    Env,
    /// An unauthenticated `redis-server` on port 6379.
    Redis,
    /// Apache's `/server-status`.
    StatusPage,
    /// `Server: Apache/2.4.49 (Unix)` (otherwise a bare `Server: Apache`).
    OldApache,
    /// No Strict-Transport-Security (otherwise two years).
    NoHsts,
    /// A session cookie without `Secure` (HttpOnly and SameSite set).
    CookieNotSecure,
    /// A session cookie without `HttpOnly` (Secure and SameSite set).
    CookieNotHttpOnly,
    /// jQuery 1.12.4 on the start page.
    OldJquery,
    /// CORS that reflects any origin with credentials.
    CorsReflect,
    /// Swagger UI at `/swagger-ui/`.
    SwaggerUi,
    /// An OpenAI-compatible `/v1/models` answering without a key.
    ModelList,
}

/// A scan of the site and what its report says.
pub struct Scanned {
    pub data: ReportData,
    pub chains: Vec<Chain>,
    t: TestApp,
    id: String,
}

impl Scanned {
    /// The check ids of the open findings.
    pub fn check_ids(&self) -> Vec<&str> {
        self.data
            .findings
            .iter()
            .map(|f| f.check_id.as_str())
            .collect()
    }

    /// The fix file of the scan.
    pub async fn fix_file(&self) -> String {
        let report = self.t.app.report(DEFAULT_ORG, &self.id, Format::Fix, None);
        String::from_utf8(report.await.unwrap().bytes).unwrap()
    }
}

/// Serves `parts` at `https://chain.test/` and scans it (the deep profile, only `checks`).
pub async fn scan(parts: &[Part], checks: &[&str]) -> Scanned {
    let ca = LabCa::new("Chain test CA");
    let site = palisade::lab::serve::serve(
        "127.0.0.1:0".parse().unwrap(),
        router(parts.to_vec()),
        Some(ca.issue(&CertSpec::valid(&[HOST], 200)).server_config()),
    )
    .await
    .unwrap();
    let redis = parts.contains(&Part::Redis).then(|| Redis::start(None));
    let mut pins = crate::support::pin_site(HOST, crate::support::closed_port(), site.addr);
    if let Some(r) = &redis {
        pins.push(Pin {
            host: HOST.into(),
            port: 6379,
            addrs: vec![r.addr],
            any_port: false,
        });
    }
    let t = TestApp::new(|c| {
        c.network.pins = pins;
        c.network.ca_certs.push(ca.cert_der());
    })
    .await;
    let request = ScanRequest {
        targets: vec![format!("https://{HOST}/")],
        profile: Some(Profile::Deep),
        checks: Some(checks.iter().map(|c| c.to_string()).collect()),
        ..Default::default()
    };
    let mut handle = t.app.start_scan(DEFAULT_ORG, request).await.unwrap();
    handle.finished().await;
    let id = handle.scan.id.clone();
    let data = t.app.report_data(DEFAULT_ORG, &id, None).await.unwrap();
    let chains = data.summary(&data.fix_plan()).chains;
    Scanned {
        data,
        chains,
        t,
        id,
    }
}

fn router(parts: Vec<Part>) -> Router {
    Router::new().fallback(move |uri: http::Uri, headers: HeaderMap| {
        let parts = parts.clone();
        async move { answer(&parts, uri.path(), &headers) }
    })
}

const GIT_CONFIG: &str = "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\
    [remote \"origin\"]\n\turl = git@github.com:acme/shop.git\n";
const DOTENV: &str =
    "APP_ENV=production\nDB_HOST=10.0.3.12\nDB_USER=acme\nDB_PASSWORD=lab-not-a-real-password\n";
const STATUS: &str = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\"><html><head>\
    <title>Apache Status</title></head><body><h1>Apache Server Status for acme</h1>\
    <dl><dt>Current Time: today</dt><dt>Server uptime: 3 days</dt></dl><pre>_W___..........</pre></body></html>";
const JQUERY: &str = "/*! jQuery v1.12.4 | (c) jQuery Foundation | jquery.org/license */\n\
    !function(a,b){\"object\"==typeof module&&module.exports}(\"undefined\"!=typeof window?window:this,function(a,b){\
    var m=\"1.12.4\",n=function(a,b){return new n.fn.init(a,b)};return n});";
const SWAGGER: &str = r#"<!DOCTYPE html><html><head><title>Swagger UI</title>
<link rel="stylesheet" href="./swagger-ui.css"></head><body><div id="swagger-ui"></div>
<script src="./swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: "/v3/api-docs", dom_id: '#swagger-ui' });</script></body></html>"#;
const MODELS: &str =
    r#"{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","owned_by":"openai"}]}"#;

/// A Stripe live secret key that looks random (built at run time so no scanner flags this file).
fn stripe_key() -> String {
    use sha2::{Digest, Sha256};
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let digest = Sha256::digest(b"chain-site");
    let body: String = digest
        .iter()
        .chain(Sha256::digest(digest).iter())
        .map(|b| ALNUM[*b as usize % ALNUM.len()] as char)
        .collect();
    format!("{}_{}_51{body}", "sk", "live")
}

fn answer(parts: &[Part], path: &str, req: &HeaderMap) -> Response<Body> {
    let has = |p: Part| parts.contains(&p);
    let (status, ctype, body) = match path {
        "/" => (200, "text/html; charset=utf-8", index(parts)),
        "/.git/HEAD" if has(Part::Git) => (200, "text/plain", "ref: refs/heads/main\n".into()),
        "/.git/config" if has(Part::Git) => (200, "text/plain", GIT_CONFIG.into()),
        "/.env" if has(Part::Env) => (200, "text/plain", DOTENV.into()),
        "/server-status" if has(Part::StatusPage) => (200, "text/html", STATUS.into()),
        "/static/app.js" => {
            let key = if has(Part::StripeKey) {
                stripe_key()
            } else {
                String::new()
            };
            let js = format!("window.pay={{key:\"{key}\",api:\"/api/pay\"}};");
            (200, "application/javascript", js)
        }
        "/js/jquery-1.12.4.min.js" if has(Part::OldJquery) => {
            (200, "application/javascript", JQUERY.into())
        }
        "/swagger-ui/" if has(Part::SwaggerUi) => (200, "text/html", SWAGGER.into()),
        "/v1/models" if has(Part::ModelList) => (200, "application/json", MODELS.into()),
        _ => (
            404,
            "text/html",
            "<!doctype html><title>Not found</title><p>Nothing here.</p>".into(),
        ),
    };
    let mut resp = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, ctype)
        .header(
            header::SERVER,
            if has(Part::OldApache) {
                "Apache/2.4.49 (Unix)"
            } else {
                "Apache"
            },
        );
    if !has(Part::NoHsts) {
        resp = resp.header(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        );
    }
    if path == "/" {
        if has(Part::CookieNotSecure) {
            resp = resp.header(
                header::SET_COOKIE,
                "sessionid=3f2a9c1e7b4d; Path=/; HttpOnly; SameSite=Lax",
            );
        }
        if has(Part::CookieNotHttpOnly) {
            resp = resp.header(
                header::SET_COOKIE,
                "sessionid=3f2a9c1e7b4d; Path=/; Secure; SameSite=Lax",
            );
        }
    }
    if has(Part::CorsReflect)
        && let Some(origin) = req.get(header::ORIGIN)
    {
        resp = resp
            .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone())
            .header(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
    resp.body(Body::from(body)).unwrap()
}

fn index(parts: &[Part]) -> String {
    let jquery = if parts.contains(&Part::OldJquery) {
        "<script src=\"/js/jquery-1.12.4.min.js\"></script>"
    } else {
        ""
    };
    format!(
        "<!doctype html><html><head><title>Acme</title>{jquery}<script src=\"/static/app.js\"></script></head>\
         <body><h1>Acme</h1></body></html>"
    )
}
