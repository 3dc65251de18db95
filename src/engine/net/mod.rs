//! The one HTTP client and TLS inspector of an `App`: connection reuse, HTTP/2, the scope guard at connect time,
//! response size caps, and errors a user can act on.

mod body;
mod connector;
mod sse;
pub mod tls;

pub use body::{BUDGET_FLOOR, BodyBudget, BodyLease};
pub use connector::GuardedConnector;

use crate::config::Config;
use crate::scope::{ScopeError, ScopeGuard};
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::{CertificateDer, UnixTime};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tls::Handshake;
use url::Url;

/// Why a request or handshake failed, in words for the user.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum NetError {
    #[error("{0}")]
    Scope(ScopeError),
    #[error("cannot resolve {host}: {reason}")]
    Dns { host: String, reason: String },
    #[error("cannot connect to {addr}: {reason}")]
    Connect { addr: SocketAddr, reason: String },
    #[error("TLS handshake failed: {0}")]
    Tls(String),
    #[error("no response within {0:?}")]
    Timeout(Duration),
    #[error("broken HTTP response: {0}")]
    Protocol(String),
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    #[error("redirect loop: {0} redirects back to a URL already visited")]
    RedirectLoop(String),
    #[error("the host was skipped after {0} failed requests (error budget)")]
    ErrorBudget(u32),
    #[error("the scan was stopped")]
    Cancelled,
    #[error(
        "not read: the scan's body memory budget ({} MiB) was held by other responses",
        .0 >> 20
    )]
    BodyBudget(usize),
}

impl NetError {
    /// True for failures that say the host is misbehaving (they count against its error budget).
    pub fn counts_against_host(&self) -> bool {
        matches!(
            self,
            NetError::Dns { .. }
                | NetError::Connect { .. }
                | NetError::Tls(_)
                | NetError::Timeout(_)
                | NetError::Protocol(_)
        )
    }
}

/// One HTTP request.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    pub method: Method,
    pub url: Url,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// Bytes of body to read at most; the rest is dropped and `truncated` set.
    pub max_body: usize,
    /// A small body to send (the few probes that POST a read-only query or a protocol handshake); `None` sends
    /// none.
    pub body: Option<Bytes>,
    /// Stop reading a `text/event-stream` answer at the end of its first event that carries data (such a stream
    /// may never end); the body is then marked `truncated`.
    pub first_event: bool,
}

impl HttpRequest {
    /// A GET of `url` reading at most `max_body` bytes.
    pub fn get(url: Url, max_body: usize) -> HttpRequest {
        HttpRequest {
            method: Method::GET,
            url,
            headers: Vec::new(),
            max_body,
            body: None,
            first_event: false,
        }
    }

    /// A POST of `body` (of media type `content_type`) to `url`, reading at most `max_body` bytes.
    pub fn post(
        url: Url,
        content_type: &str,
        body: impl Into<Bytes>,
        max_body: usize,
    ) -> HttpRequest {
        let mut req =
            HttpRequest::get(url, max_body).header(http::header::CONTENT_TYPE, content_type);
        req.method = Method::POST;
        req.body = Some(body.into());
        req
    }

    /// A POST of the JSON document `body` to `url` reading at most `max_body` bytes: for read-only queries that
    /// an endpoint only accepts as POST (a GraphQL `{__typename}`), never for anything that changes state.
    pub fn post_json(url: Url, max_body: usize, body: impl Into<Bytes>) -> HttpRequest {
        HttpRequest::post(url, "application/json", body, max_body)
    }

    /// Adds a header.
    pub fn header(mut self, name: HeaderName, value: &str) -> HttpRequest {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.push((name, v));
        }
        self
    }
}

/// One HTTP response, body read up to the cap.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub url: Url,
    pub status: u16,
    pub version: http::Version,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub truncated: bool,
    /// The bytes of the scan's body budget this body holds, given back when the last copy is dropped.
    pub lease: Option<Arc<BodyLease>>,
}

impl HttpResponse {
    /// A 200 response with `body` from `https://s.test/x`, for unit tests of what checks read in responses.
    #[cfg(test)]
    pub(crate) fn sample(status: u16, body: impl Into<Bytes>) -> HttpResponse {
        HttpResponse {
            url: Url::parse("https://s.test/x").expect("valid URL"),
            status,
            version: http::Version::HTTP_11,
            headers: HeaderMap::new(),
            body: body.into(),
            truncated: false,
            lease: None,
        }
    }

    /// The first value of a header as text (lossy).
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    }

    /// Every value of a header as text (lossy).
    pub fn header_all(&self, name: &str) -> Vec<String> {
        self.headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect()
    }

    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The media type without parameters, lower-case.
    pub fn content_type(&self) -> String {
        self.header("content-type")
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }

    /// True if the response is an HTML document (by type, or by content when the type is missing).
    pub fn is_html(&self) -> bool {
        let ct = self.content_type();
        if ct.is_empty() {
            let head: String = self
                .text()
                .chars()
                .take(512)
                .collect::<String>()
                .to_ascii_lowercase();
            return head.contains("<html") || head.contains("<!doctype html");
        }
        ct == "text/html" || ct == "application/xhtml+xml"
    }

    /// True for 3xx responses with a Location header.
    pub fn location(&self) -> Option<String> {
        (300..400)
            .contains(&self.status)
            .then(|| self.header("location"))
            .flatten()
    }
}

/// The shared network stack of an `App`.
pub struct Net {
    connector: GuardedConnector,
    client: Client<HttpsConnector<GuardedConnector>, Full<Bytes>>,
    inspect: Arc<rustls::ClientConfig>,
    verifier: Arc<WebPkiServerVerifier>,
    user_agent: HeaderValue,
}

impl Net {
    /// Builds the client, resolver and verifier from the configuration.
    pub fn new(config: &Config) -> Result<Net, String> {
        let scope = ScopeGuard::new(config.scope.allow_private, config.scope.allow.clone());
        let connect_timeout = config.scan.timeout.min(Duration::from_secs(5));
        let connector = GuardedConnector::new(
            scope,
            &config.network.pins,
            &config.network.nameservers,
            connect_timeout,
        );
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls::permissive_config())
            .https_or_http()
            .enable_all_versions()
            .wrap_connector(connector.clone());
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(config.scan.concurrency)
            .build(https);
        let user_agent = HeaderValue::from_str(&config.scan.user_agent).map_err(|_| {
            "scan.user_agent contains characters not allowed in an HTTP header".to_string()
        })?;
        Ok(Net {
            connector,
            client,
            inspect: Arc::new(tls::permissive_config()),
            verifier: tls::trust_verifier(&config.network.ca_certs)?,
            user_agent,
        })
    }

    /// The connector, for checks that open raw connections.
    pub fn connector(&self) -> &GuardedConnector {
        &self.connector
    }

    /// Sends one request (no redirect following) and reads the body up to its cap. The caller bounds the time.
    pub async fn send(&self, req: &HttpRequest) -> Result<HttpResponse, NetError> {
        self.send_within(req, None).await
    }

    /// Like [`Net::send`], with every body byte taken from `budget` before it is allocated: a body the budget cannot
    /// hold is cut where the budget ran out, or fails with [`NetError::BodyBudget`] when less than
    /// [`BUDGET_FLOOR`] of it could be read.
    pub async fn send_within(
        &self,
        req: &HttpRequest,
        budget: Option<&BodyBudget>,
    ) -> Result<HttpResponse, NetError> {
        let uri: hyper::Uri = req
            .url
            .as_str()
            .parse()
            .map_err(|e| NetError::Protocol(format!("cannot request {}: {e}", req.url)))?;
        let mut builder = hyper::Request::builder()
            .method(req.method.clone())
            .uri(uri);
        let headers = builder.headers_mut().expect("a fresh builder has headers");
        headers.insert(http::header::USER_AGENT, self.user_agent.clone());
        headers.insert(http::header::ACCEPT, HeaderValue::from_static("*/*"));
        for (name, value) in &req.headers {
            headers.insert(name.clone(), value.clone());
        }
        let request = builder
            .body(Full::new(req.body.clone().unwrap_or_default()))
            .map_err(|e| NetError::Protocol(e.to_string()))?;
        let response = self.client.request(request).await.map_err(client_error)?;
        let (parts, body) = response.into_parts();
        let stream = req.first_event
            && parts
                .headers
                .get(http::header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
        let body = body::read(body, &parts.headers, req.max_body, stream, budget).await?;
        Ok(HttpResponse {
            url: req.url.clone(),
            status: parts.status.as_u16(),
            version: parts.version,
            headers: parts.headers,
            body: body.bytes,
            truncated: body.truncated,
            lease: body.lease.map(Arc::new),
        })
    }

    /// Completes a TLS handshake with `host:port` (scope-checked) and returns what the server sent.
    pub async fn tls_handshake(&self, host: &str, port: u16) -> Result<Handshake, NetError> {
        let name = tls::server_name(host).map_err(NetError::Tls)?;
        let tcp = self.connector.connect(host, port).await?;
        let connector = tokio_rustls::TlsConnector::from(self.inspect.clone());
        let stream = connector
            .connect(name, tcp)
            .await
            .map_err(|e| NetError::Tls(tls_reason(&e)))?;
        let (_, conn) = stream.get_ref();
        let chain = conn
            .peer_certificates()
            .map(|c| c.iter().map(|c| c.clone().into_owned()).collect())
            .unwrap_or_default();
        Ok(Handshake {
            chain,
            version: conn
                .protocol_version()
                .map(|v| format!("{v:?}"))
                .unwrap_or_default(),
            cipher: conn
                .negotiated_cipher_suite()
                .map(|c| format!("{:?}", c.suite()))
                .unwrap_or_default(),
            alpn: conn
                .alpn_protocol()
                .map(|p| String::from_utf8_lossy(p).into_owned()),
        })
    }

    /// Verifies a chain against the trust store for `host` at `now`, as a browser would.
    pub fn verify_chain(
        &self,
        chain: &[CertificateDer<'static>],
        host: &str,
        now: UnixTime,
    ) -> Result<(), rustls::Error> {
        let (leaf, intermediates) = chain
            .split_first()
            .ok_or(rustls::Error::NoCertificatesPresented)?;
        let name = tls::server_name(host).map_err(rustls::Error::General)?;
        self.verifier
            .verify_server_cert(leaf, intermediates, &name, &[], now)
            .map(|_| ())
    }
}

fn tls_reason(e: &std::io::Error) -> String {
    match e.get_ref() {
        Some(inner) => inner.to_string(),
        None => e.to_string(),
    }
}

/// Turns a hyper-util client error into the most specific `NetError` found in its source chain.
fn client_error(e: hyper_util::client::legacy::Error) -> NetError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(err) = source {
        if let Some(found) = specific(err) {
            return found;
        }
        source = err.source();
    }
    NetError::Protocol(e.to_string())
}

/// A `NetError` for errors we know, looking inside `io::Error` wrappers (whose `source()` skips a level).
fn specific(err: &(dyn std::error::Error + 'static)) -> Option<NetError> {
    if let Some(net) = err.downcast_ref::<NetError>() {
        return Some(net.clone());
    }
    if let Some(tls) = err.downcast_ref::<rustls::Error>() {
        return Some(NetError::Tls(tls.to_string()));
    }
    if let Some(h) = err.downcast_ref::<hyper::Error>() {
        return Some(NetError::Protocol(h.to_string()));
    }
    let io = err.downcast_ref::<std::io::Error>()?;
    let inner: &(dyn std::error::Error + 'static) = io.get_ref()?;
    specific(inner)
}
