//! One ClientHello probe: a guarded TCP connection under the host's limits, the hello written, the answer read
//! within the scan's timeout and at most [`MAX_FLIGHT`] bytes, then the connection dropped.

use super::flight::{self, Answer, MAX_FLIGHT};
use super::hello::ClientHello;
use crate::engine::context::{CheckCtx, HostCtx};
use crate::engine::net::NetError;
use crate::engine::registry::CheckFail;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// The HTTPS host and port a check probes, with the finding location (`host (TLS)` or `host:port (TLS)`), or why
/// there is none.
pub(super) async fn origin(ctx: &CheckCtx) -> Result<(String, u16, String), CheckFail> {
    let Some((host, port)) = ctx.https_origin().await else {
        return Err(CheckFail::Skipped(
            "the site has no HTTPS address to check".into(),
        ));
    };
    let location = if port == 443 {
        format!("{host} (TLS)")
    } else {
        format!("{host}:{port} (TLS)")
    };
    Ok((host, port, location))
}

/// Sends each hello in its own connection, the first alone: when it cannot connect, the others are not tried, so a
/// host without HTTPS costs one failed connection (against its error budget), not one per probe.
pub(super) async fn probe_all(
    ctx: &CheckCtx,
    host: &str,
    port: u16,
    hellos: &[ClientHello<'_>],
    whole_flight: bool,
) -> Result<Vec<Result<Answer, NetError>>, CheckFail> {
    let Some((first, rest)) = hellos.split_first() else {
        return Ok(Vec::new());
    };
    let first = probe(ctx, host, port, first, whole_flight).await;
    if let Err(e) = first {
        return Err(failed_one(ctx, e));
    }
    let rest = rest
        .iter()
        .map(|hello| probe(ctx, host, port, hello, whole_flight));
    let mut answers = vec![first];
    answers.extend(futures::future::join_all(rest).await);
    Ok(answers)
}

/// Sends `hello` to `host:port` and reads the answer (the whole first flight with `whole_flight`). Counts as one
/// request; only a failure to connect counts against the host's error budget, since refusing a hello is an answer.
pub(super) async fn probe(
    ctx: &HostCtx,
    host: &str,
    port: u16,
    hello: &ClientHello<'_>,
    whole_flight: bool,
) -> Result<Answer, NetError> {
    if ctx.scan.cancel.is_cancelled() {
        return Err(NetError::Cancelled);
    }
    let _permit = ctx.limiter.acquire().await?;
    ctx.scan.live.sent();
    let deadline = Instant::now() + ctx.scan.settings.timeout;
    let result = tokio::select! {
        _ = ctx.scan.cancel.cancelled() => Err(NetError::Cancelled),
        r = exchange(ctx, host, port, hello, whole_flight, deadline) => r,
    };
    ctx.limiter.record(&result);
    tracing::trace!(host, port, version = hello.version, answer = ?result.as_ref().map(|a| a.to_string()), "tls probe");
    result
}

async fn exchange(
    ctx: &HostCtx,
    host: &str,
    port: u16,
    hello: &ClientHello<'_>,
    whole_flight: bool,
    deadline: Instant,
) -> Result<Answer, NetError> {
    let connect = ctx.scan.net.connector().connect(host, port);
    let mut stream = tokio::time::timeout_at(deadline, connect)
        .await
        .map_err(|_| NetError::Timeout(ctx.scan.settings.timeout))??;
    if stream.write_all(&hello.encode()).await.is_err() {
        return Ok(Answer::Closed);
    }
    Ok(read_answer(&mut stream, whole_flight, deadline).await)
}

async fn read_answer(stream: &mut TcpStream, whole_flight: bool, deadline: Instant) -> Answer {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let read = tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await;
        let n = match read {
            Ok(Ok(n)) => n,
            // A reset after some bytes is an end like any other; a reset before any is a refusal.
            Ok(Err(_)) => 0,
            Err(_) if buf.is_empty() => return Answer::Silent,
            Err(_) => return flight::parse(&buf, whole_flight, true).unwrap_or(Answer::Silent),
        };
        buf.extend_from_slice(&chunk[..n]);
        let ended = n == 0 || buf.len() >= MAX_FLIGHT;
        if let Some(answer) = flight::parse(&buf, whole_flight, ended) {
            return answer;
        }
    }
}

/// How a check ends when its one (or first) probe failed.
pub(super) fn failed_one(ctx: &CheckCtx, error: NetError) -> CheckFail {
    failed(ctx, &[error], 1).expect("one error is a failure")
}

/// How probes that could not connect end a check: skipped when nothing answers HTTPS on a plain-HTTP target
/// (`tls.https-redirect` reports that), errored otherwise.
pub(super) fn failed(ctx: &CheckCtx, errors: &[NetError], probes: usize) -> Option<CheckFail> {
    let first = errors.first()?;
    if let Some(stop) = errors
        .iter()
        .find(|e| matches!(e, NetError::Cancelled | NetError::ErrorBudget(_)))
    {
        return Some(CheckFail::from(stop.clone()));
    }
    if errors.len() == probes
        && ctx.target.scheme() == "http"
        && errors.iter().all(|e| matches!(e, NetError::Connect { .. }))
    {
        return Some(CheckFail::Skipped(format!(
            "nothing answers HTTPS on {}",
            ctx.target.host()
        )));
    }
    Some(CheckFail::Errored(format!(
        "{} of {probes} TLS probes failed: {first}",
        errors.len()
    )))
}
