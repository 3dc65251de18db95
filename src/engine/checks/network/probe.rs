//! Talking to a probed port: one TCP connection or one HTTP request under the host's limits, with short timeouts
//! and a byte cap on everything read, and the rule that a port which does not answer is simply not exposed.
//!
//! A closed, filtered or foreign port is the normal answer of a port probe, not a sign of a failing host, so these
//! failures are not counted against the host's error budget (unlike [`HostCtx::request`]); every connection still
//! goes through the guarded connector (scope, pins) and counts as a request sent.

use crate::engine::context::CheckCtx;
use crate::engine::net::{HttpRequest, HttpResponse, NetError};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;
use url::Url;

/// Time to open a TCP connection: a port that has not accepted by then is taken as filtered.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Time for the whole exchange on an open port, after the connect.
pub(crate) const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(3);
/// Bytes read at most from one port (greetings and answers are far smaller).
pub(crate) const READ_CAP: usize = 16 * 1024;
/// Probes of one check in flight at once (each also holds one of the host's request slots). On a host whose ports
/// are filtered each probe waits [`CONNECT_TIMEOUT`], so this sets how long the sweep takes there.
pub(crate) const IN_FLIGHT: usize = 6;

/// An open connection to a probed port: writes and reads end at one deadline, reads stop at [`READ_CAP`].
pub(crate) struct Wire {
    stream: TcpStream,
    deadline: Instant,
    buf: Vec<u8>,
}

fn broken(what: &str, e: impl std::fmt::Display) -> NetError {
    NetError::Protocol(format!("{what}: {e}"))
}

impl Wire {
    /// Sends `bytes`.
    pub async fn send(&mut self, bytes: &[u8]) -> Result<(), NetError> {
        tokio::time::timeout_at(self.deadline, self.stream.write_all(bytes))
            .await
            .map_err(|_| NetError::Timeout(EXCHANGE_TIMEOUT))?
            .map_err(|e| broken("write", e))
    }

    /// Reads until `done` holds for what this read received, the peer closes, or the cap; returns what it read.
    pub async fn read_until(&mut self, done: impl Fn(&[u8]) -> bool) -> Result<Vec<u8>, NetError> {
        let mut chunk = [0u8; 2048];
        loop {
            if done(&self.buf) || self.buf.len() >= READ_CAP {
                return Ok(std::mem::take(&mut self.buf));
            }
            let n = tokio::time::timeout_at(self.deadline, self.stream.read(&mut chunk))
                .await
                .map_err(|_| NetError::Timeout(EXCHANGE_TIMEOUT))?
                .map_err(|e| broken("read", e))?;
            if n == 0 {
                return Ok(std::mem::take(&mut self.buf));
            }
            let room = READ_CAP - self.buf.len();
            self.buf.extend_from_slice(&chunk[..n.min(room)]);
        }
    }
}

/// True once `buf` holds a whole line.
pub(crate) fn line_done(buf: &[u8]) -> bool {
    buf.contains(&b'\n')
}

/// Waits for a request slot of the host, counts the request, and runs `work` unless the scan stops first.
async fn in_slot<T>(
    ctx: &CheckCtx,
    work: impl Future<Output = Result<T, NetError>>,
) -> Result<T, NetError> {
    if ctx.scan.cancel.is_cancelled() {
        return Err(NetError::Cancelled);
    }
    let _permit = ctx.limiter.acquire().await?;
    ctx.scan.live.sent();
    tokio::select! {
        _ = ctx.scan.cancel.cancelled() => Err(NetError::Cancelled),
        r = work => r,
    }
}

/// Connects to `host:port` and lets `speak` talk on the connection.
pub(crate) async fn talk<T>(
    ctx: &CheckCtx,
    host: &str,
    port: u16,
    speak: impl AsyncFnOnce(&mut Wire) -> Result<T, NetError>,
) -> Result<T, NetError> {
    in_slot(ctx, async {
        let connect = ctx.scan.net.connector().connect(host, port);
        let stream = tokio::time::timeout(CONNECT_TIMEOUT, connect)
            .await
            .map_err(|_| NetError::Timeout(CONNECT_TIMEOUT))??;
        let mut wire = Wire {
            stream,
            deadline: Instant::now() + EXCHANGE_TIMEOUT,
            buf: Vec::new(),
        };
        speak(&mut wire).await
    })
    .await
}

/// Sends one HTTP request to a probed port (no redirects followed), after a bare TCP connect that finds a closed or
/// filtered port within [`CONNECT_TIMEOUT`] (the HTTP client's own connect timeout is longer).
pub(crate) async fn fetch(ctx: &CheckCtx, req: &HttpRequest) -> Result<HttpResponse, NetError> {
    knock(ctx, &req.url).await?;
    send(ctx, req).await
}

/// Opens and closes a connection to the host and port of `url`.
async fn knock(ctx: &CheckCtx, url: &Url) -> Result<(), NetError> {
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(80);
    talk(ctx, host, port, async |_| Ok(())).await
}

async fn send(ctx: &CheckCtx, req: &HttpRequest) -> Result<HttpResponse, NetError> {
    in_slot(ctx, async {
        tokio::time::timeout(EXCHANGE_TIMEOUT, ctx.scan.net.send(req))
            .await
            .unwrap_or(Err(NetError::Timeout(EXCHANGE_TIMEOUT)))
    })
    .await
}

/// GETs `path` on `port` of the target's host over plain HTTP, then over HTTPS if the port did not speak HTTP
/// (a TLS-only service).
pub(crate) async fn fetch_http_or_https(
    ctx: &CheckCtx,
    port: u16,
    path: &str,
) -> Result<HttpResponse, NetError> {
    match fetch(ctx, &get(ctx, "http", port, path)).await {
        Err(NetError::Protocol(_)) => send(ctx, &get(ctx, "https", port, path)).await,
        other => other,
    }
}

/// A GET of `scheme://host:port/path` on the target's host, reading at most [`READ_CAP`] bytes.
pub(crate) fn get(ctx: &CheckCtx, scheme: &str, port: u16, path: &str) -> HttpRequest {
    HttpRequest::get(port_url(ctx, scheme, port, path), READ_CAP)
        .header(http::header::ACCEPT, "application/json")
}

/// `scheme://host:port/path` on the target's host.
pub(crate) fn port_url(ctx: &CheckCtx, scheme: &str, port: u16, path: &str) -> Url {
    let host = ctx.target.url().host_str().unwrap_or_default();
    let text = format!("{scheme}://{host}:{port}{path}");
    Url::parse(&text).unwrap_or_else(|_| ctx.target.url().clone())
}

/// `host:port` of the target's host (IPv6 in brackets): the location of a port's findings.
pub(crate) fn location(ctx: &CheckCtx, port: u16) -> String {
    format!("{}:{port}", ctx.target.url().host_str().unwrap_or_default())
}

/// What a failed probe means. `Ok(())`: the port is not exposed here (closed, filtered, speaking something else,
/// or a port of a pinned name that was not pinned, so unreachable in this configuration). `Err`: the check cannot
/// go on (out of scope, the name does not resolve, the scan stopped, the host's error budget is spent).
pub(crate) fn not_exposed(e: NetError) -> Result<(), NetError> {
    match e {
        NetError::Connect { .. }
        | NetError::Timeout(_)
        | NetError::Protocol(_)
        | NetError::Tls(_)
        | NetError::TooManyRedirects(_)
        | NetError::RedirectLoop(_) => Ok(()),
        NetError::Dns { ref reason, .. } if reason.contains("is not pinned") => Ok(()),
        other => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    #[test]
    fn closed_filtered_and_unpinned_ports_are_not_exposed() {
        let addr: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let closed = NetError::Connect {
            addr,
            reason: "connection refused".into(),
        };
        assert_eq!(not_exposed(closed), Ok(()));
        assert_eq!(not_exposed(NetError::Timeout(CONNECT_TIMEOUT)), Ok(()));
        let unpinned = NetError::Dns {
            host: "db.test".into(),
            reason: "port 6379 of this name is not pinned (only other ports are); add ...".into(),
        };
        assert_eq!(not_exposed(unpinned), Ok(()));
        let unknown = NetError::Dns {
            host: "db.test".into(),
            reason: "no such name".into(),
        };
        assert!(not_exposed(unknown).is_err());
        assert_eq!(not_exposed(NetError::Cancelled), Err(NetError::Cancelled));
    }
}
