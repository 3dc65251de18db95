//! The stdio transport of `palisade mcp`: reads the client's lines itself, bounded in length, answers the ones rmcp
//! would leave unanswered or answer wrongly (see [`super::framing`]) and hands the rest to rmcp unchanged.

use super::framing::{Inbound, MAX_MESSAGE_BYTES, Reply, inbound};
use rmcp::RoleServer;
use rmcp::service::{RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::Transport;
use std::sync::Arc;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

/// One read from [`Lines`].
#[derive(Debug)]
pub enum Line {
    /// A whole line (without its `\n`) is in [`Lines::line`].
    Complete,
    /// The line grew past the cap: what was read of it is dropped, and so will the rest be up to its `\n`.
    TooLong,
    /// The peer closed the stream.
    End,
    Failed(std::io::Error),
}

/// Newline-delimited lines from a reader, none held longer than a cap, so a peer that never sends a newline costs
/// at most the cap in memory. Cancel-safe: a read dropped half-way resumes where it stopped.
pub struct Lines<R> {
    read: BufReader<R>,
    line: Vec<u8>,
    max: usize,
    /// Dropping the tail of a line that was too long, until its `\n`.
    discarding: bool,
    /// The last read handed out a complete line, to be dropped at the next.
    complete: bool,
    /// The stream ended after a last line without `\n`, which was handed out.
    ended: bool,
}

impl<R: AsyncRead + Unpin> Lines<R> {
    pub fn new(read: R, max: usize) -> Lines<R> {
        Lines {
            read: BufReader::with_capacity(64 * 1024, read),
            line: Vec::new(),
            max,
            discarding: false,
            complete: false,
            ended: false,
        }
    }

    /// The line of the last [`Line::Complete`].
    pub fn line(&self) -> &[u8] {
        &self.line
    }

    /// Reads the next line. A last line without `\n` counts as complete.
    pub async fn next(&mut self) -> Line {
        if std::mem::take(&mut self.complete) {
            self.line.clear();
        }
        if std::mem::take(&mut self.ended) {
            return Line::End;
        }
        loop {
            let (used, done) = {
                let available = match self.read.fill_buf().await {
                    Ok(available) => available,
                    Err(e) => return Line::Failed(e),
                };
                if available.is_empty() {
                    let partial = !self.line.is_empty() && !self.discarding;
                    self.discarding = false;
                    if partial {
                        (self.ended, self.complete) = (true, true);
                        return Line::Complete;
                    }
                    return Line::End;
                }
                let newline = available.iter().position(|&b| b == b'\n');
                let take = newline.map_or(available.len(), |i| i + 1);
                if self.discarding {
                    if newline.is_some() {
                        self.discarding = false;
                    }
                    (take, None)
                } else if self.line.len() + newline.unwrap_or(take) > self.max {
                    self.line.clear();
                    self.discarding = newline.is_none();
                    (take, Some(Line::TooLong))
                } else {
                    self.line
                        .extend_from_slice(&available[..newline.unwrap_or(take)]);
                    self.complete = newline.is_some();
                    (take, newline.map(|_| Line::Complete))
                }
            };
            self.read.consume(used);
            if let Some(done) = done {
                return done;
            }
        }
    }
}

/// rmcp's transport over a reader and writer (stdin and stdout for `palisade mcp`) with palisade's framing.
pub struct Framed<R, W> {
    lines: Lines<R>,
    out: Arc<Mutex<W>>,
    /// The error reply being written: awaited before the next line is read, so replies cannot pile up.
    replying: Option<JoinHandle<()>>,
}

impl<R: AsyncRead + Unpin, W: AsyncWrite + Unpin + Send + 'static> Framed<R, W> {
    pub fn new(read: R, write: W) -> Framed<R, W> {
        Framed {
            lines: Lines::new(read, MAX_MESSAGE_BYTES),
            out: Arc::new(Mutex::new(write)),
            replying: None,
        }
    }

    /// Writes `reply` in a task of its own, so that a `receive` cancelled by rmcp never leaves half a line.
    fn reply(&mut self, reply: &Reply) {
        tracing::debug!(code = reply.code, message = %reply.message, "answering a message rmcp would not");
        let out = self.out.clone();
        let line = reply.to_line();
        self.replying = Some(tokio::spawn(async move {
            if let Err(e) = write_line(&out, &line).await {
                tracing::debug!("cannot answer the client: {e}");
            }
        }));
    }
}

async fn write_line<W: AsyncWrite + Unpin>(out: &Mutex<W>, line: &[u8]) -> std::io::Result<()> {
    let mut out = out.lock().await;
    out.write_all(line).await?;
    out.flush().await
}

impl<R, W> Transport<RoleServer> for Framed<R, W>
where
    R: AsyncRead + Unpin + Send,
    W: AsyncWrite + Unpin + Send + 'static,
{
    type Error = std::io::Error;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleServer>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let out = self.out.clone();
        async move {
            let mut line = serde_json::to_vec(&item).map_err(std::io::Error::other)?;
            line.push(b'\n');
            write_line(&out, &line).await
        }
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleServer>> {
        loop {
            if let Some(replying) = self.replying.as_mut() {
                let _ = replying.await;
                self.replying = None;
            }
            match self.lines.next().await {
                Line::Complete => {}
                Line::TooLong => {
                    self.reply(&Reply::too_long());
                    continue;
                }
                Line::End => return None,
                Line::Failed(e) => {
                    tracing::error!("cannot read from the client: {e}");
                    return None;
                }
            }
            match inbound(self.lines.line()) {
                Inbound::Message(message) => return Some(*message),
                Inbound::Error(reply) => self.reply(&reply),
                Inbound::Unanswerable(why) => tracing::debug!("ignoring: {}", why.message),
                Inbound::Blank => {}
            }
        }
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        if let Some(replying) = self.replying.take() {
            let _ = replying.await;
        }
        self.out.lock().await.flush().await
    }
}
