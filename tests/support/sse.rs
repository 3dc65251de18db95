//! Reading a `text/event-stream` body: the SSE answers of the MCP endpoints, for the tests' HTTP+SSE client and the
//! MCP latency bench.

use futures::StreamExt;
use tokio::sync::mpsc;

/// Parses an SSE body into `(event, data)` pairs, sent as each event ends; stops when the body ends or nobody
/// listens.
pub async fn read_events(response: reqwest::Response, tx: mpsc::Sender<(String, String)>) {
    let mut body = response.bytes_stream();
    let mut buffer = Vec::new();
    while let Some(Ok(chunk)) = body.next().await {
        buffer.extend_from_slice(&chunk);
        while let Some(end) = buffer.windows(2).position(|w| w == b"\n\n") {
            let block: Vec<u8> = buffer.drain(..end + 2).collect();
            let mut event = "message".to_string();
            let mut data = Vec::new();
            for line in String::from_utf8_lossy(&block).lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    event = v.trim().to_string();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push(v.strip_prefix(' ').unwrap_or(v).to_string());
                }
            }
            if !data.is_empty() && tx.send((event, data.join("\n"))).await.is_err() {
                return;
            }
        }
    }
}
