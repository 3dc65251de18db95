//! Hostile servers on raw TCP: they trickle, stall, never stop sending, or speak broken HTTP or TLS.

use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A hostile server; dropping it stops it.
pub struct Hostile {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// How a hostile server behaves on each connection.
#[derive(Clone, Copy, Debug)]
pub enum Behaviour {
    /// Sends the status line and headers, then one body byte every 200 ms, forever.
    Trickle,
    /// Accepts, reads, and never answers.
    Silent,
    /// Sends a valid response head, then an endless body as fast as the socket takes it.
    Endless,
    /// Answers with bytes that are not HTTP.
    Garbage,
    /// Answers with a broken HTTP head (invalid header line, bad length).
    BrokenHead,
}

/// Starts a hostile server on 127.0.0.1.
pub async fn start(behaviour: Behaviour) -> Hostile {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let mut conns = tokio::task::JoinSet::new();
        while let Ok((stream, _)) = listener.accept().await {
            conns.spawn(serve(stream, behaviour));
        }
    });
    Hostile { addr, task }
}

async fn serve(mut stream: TcpStream, behaviour: Behaviour) {
    let mut buf = [0u8; 4096];
    let _ = tokio::time::timeout(Duration::from_millis(500), stream.read(&mut buf)).await;
    match behaviour {
        Behaviour::Silent => tokio::time::sleep(Duration::from_secs(3600)).await,
        Behaviour::Trickle => {
            let _ = stream
                .write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n",
                )
                .await;
            loop {
                if stream.write_all(b"<").await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        Behaviour::Endless => {
            let _ = stream
                .write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n",
                )
                .await;
            let chunk = vec![b'A'; 64 * 1024];
            while stream.write_all(&chunk).await.is_ok() {}
        }
        Behaviour::Garbage => {
            let _ = stream
                .write_all(&[
                    0x16, 0x03, 0xff, 0x00, 0x05, b'\xde', b'\xad', b'\xbe', b'\xef', 0, 0, 0,
                ])
                .await;
            let _ = stream
                .write_all(b"\x00\x01\x02 not http at all \xff\xfe\r\n\r\n")
                .await;
        }
        Behaviour::BrokenHead => {
            let _ = stream
                .write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: nine\r\nBad Header Line\r\n\r\nhello",
                )
                .await;
        }
    }
}
