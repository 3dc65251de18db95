//! `palisade serve` as a separate process on a free loopback port, and clients for its MCP endpoints: rmcp's
//! Streamable HTTP client for `/mcp`, and a small HTTP+SSE (2024-11-05) client for `/sse`.

use crate::mcp::{Client, Recorder};
use crate::support::sse::read_events;
use futures::StreamExt;
use rmcp::ServiceExt;
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use rmcp::transport::StreamableHttpClientTransport;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use tokio::sync::mpsc;

/// A running `palisade serve`; dropping it stops it.
pub struct Served {
    child: Child,
    pub base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `palisade [--config CONFIG] serve --bind 127.0.0.1:0 ARGS` with its database in `dir`.
pub fn serve(config: Option<&Path>, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Served {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_palisade"));
    if let Some(config) = config {
        cmd.arg("--config").arg(config);
    }
    cmd.args(["serve", "--bind", "127.0.0.1:0"])
        .args(args)
        .env("PALISADE_DB", dir.join("palisade.db"))
        .env("PALISADE_NAMESERVERS", crate::support::DEAD_DNS)
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("palisade serve starts");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let line = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.starts_with("palisade: serving on "))
        .expect("the server says where it listens");
    std::thread::spawn(move || lines.for_each(drop));
    let base = line
        .trim_start_matches("palisade: serving on ")
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    Served { child, base }
}

/// An rmcp client over Streamable HTTP.
pub async fn streamable(base: &str, rec: &Recorder) -> Client {
    let transport = StreamableHttpClientTransport::from_uri(format!("{base}/mcp"));
    rec.clone()
        .serve(transport)
        .await
        .expect("initialised over Streamable HTTP")
}

/// An rmcp client over the 2024-11-05 HTTP+SSE transport: events arrive on `GET /sse`, messages go to the POST
/// endpoint the first event names.
pub async fn legacy_sse(base: &str, rec: &Recorder) -> Client {
    let http = reqwest::Client::new();
    let response = http.get(format!("{base}/sse")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let (events_tx, mut events_rx) = mpsc::channel::<(String, String)>(64);
    tokio::spawn(read_events(response, events_tx));
    let (event, endpoint) = events_rx.recv().await.expect("the endpoint event");
    assert_eq!(event, "endpoint");
    let post_url = format!("{base}{endpoint}");
    let (to_server, mut outgoing) = mpsc::channel::<ClientJsonRpcMessage>(64);
    tokio::spawn(async move {
        while let Some(message) = outgoing.recv().await {
            let resp = http.post(&post_url).json(&message).send().await.unwrap();
            assert_eq!(resp.status(), 202, "POST /message");
        }
    });
    let incoming = futures::stream::poll_fn(move |cx| events_rx.poll_recv(cx)).filter_map(
        |(event, data)| async move {
            (event == "message")
                .then(|| serde_json::from_str::<ServerJsonRpcMessage>(&data).unwrap())
        },
    );
    let transport = (
        tokio_util::sync::PollSender::new(to_server),
        Box::pin(incoming),
    );
    rec.clone()
        .serve(transport)
        .await
        .expect("initialised over HTTP+SSE")
}
