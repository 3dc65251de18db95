//! Hostile servers on raw TCP: they trickle, stall, never stop sending, or speak broken HTTP or TLS; and hostile
//! sites (HTTP/1.1 with keep-alive) whose every path may be a gzip or deflate bomb, a huge response head, a reset
//! mid-body, silence, or a page with thousands of new links and scripts. Self-contained (tokio and flate2 only), so
//! the benchmark uses it too.

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

/// What a hostile site answers on one path.
#[derive(Clone, Debug)]
pub enum Reply {
    /// An ordinary response.
    Page {
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
    },
    /// A 200 whose 1 MiB body inflates to 1 GiB of zeros: `encoding` is `gzip` or `deflate`.
    Bomb {
        encoding: &'static str,
        content_type: &'static str,
    },
    /// A 200 with 4,000 headers of 250 bytes (1 MB of response head).
    HugeHeaders,
    /// Promises 1 MB of body, sends 4 KiB and resets the connection.
    ResetMidBody,
    /// Reads the request and never answers.
    Silent,
}

impl Reply {
    /// A 200 HTML page.
    pub fn html(body: impl Into<Vec<u8>>) -> Reply {
        Reply::Page {
            status: 200,
            content_type: "text/html; charset=utf-8",
            body: body.into(),
        }
    }

    /// A plain-text answer with `status`.
    pub fn text(status: u16, body: &str) -> Reply {
        Reply::Page {
            status,
            content_type: "text/plain",
            body: body.as_bytes().to_vec(),
        }
    }
}

/// Starts an HTTP/1.1 site on 127.0.0.1 whose answer to each path (query included) `route` decides.
pub async fn site(route: impl Fn(&str) -> Reply + Send + Sync + 'static) -> Hostile {
    let route = std::sync::Arc::new(route);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let mut conns = tokio::task::JoinSet::new();
        while let Ok((stream, _)) = listener.accept().await {
            let route = route.clone();
            conns.spawn(async move { serve_site(stream, &*route).await });
            while conns.try_join_next().is_some() {}
        }
    });
    Hostile { addr, task }
}

/// Reads one request head (and skips its body); the path, or `None` when the client is done.
async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<String> {
    let end = loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
        let mut chunk = [0u8; 8192];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let length: usize = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < end + length {
        let mut chunk = [0u8; 8192];
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    buf.drain(..end + length);
    head.split_whitespace().nth(1).map(str::to_string)
}

async fn serve_site(mut stream: TcpStream, route: &(dyn Fn(&str) -> Reply + Send + Sync)) {
    let mut buf = Vec::new();
    while let Some(path) = read_request(&mut stream, &mut buf).await {
        let head = |status: u16, extra: &str, length: usize| {
            format!("HTTP/1.1 {status} X\r\n{extra}Content-Length: {length}\r\n\r\n").into_bytes()
        };
        match route(&path) {
            Reply::Page {
                status,
                content_type,
                body,
            } => {
                let mut out = head(
                    status,
                    &format!("Content-Type: {content_type}\r\n"),
                    body.len(),
                );
                out.extend_from_slice(&body);
                if stream.write_all(&out).await.is_err() {
                    return;
                }
            }
            Reply::Bomb {
                encoding,
                content_type,
            } => {
                let body = bomb(encoding);
                let extra =
                    format!("Content-Type: {content_type}\r\nContent-Encoding: {encoding}\r\n");
                if stream
                    .write_all(&head(200, &extra, body.len()))
                    .await
                    .is_err()
                    || stream.write_all(body).await.is_err()
                {
                    return;
                }
            }
            Reply::HugeHeaders => {
                let line = format!("X-Filler: {}\r\n", "h".repeat(238));
                let _ = stream.write_all(&head(200, &line.repeat(4000), 0)).await;
                return;
            }
            Reply::ResetMidBody => {
                let _ = stream
                    .write_all(&head(200, "Content-Type: text/html\r\n", 1_000_000))
                    .await;
                let _ = stream.write_all(&[b'<'; 4096]).await;
                let _ = stream.set_zero_linger();
                return;
            }
            Reply::Silent => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return;
            }
        }
    }
}

/// Zeros a bomb inflates to: 1 GiB.
pub const BOMB_SIZE: u64 = 1 << 30;

/// A gzip (`encoding` "gzip") or zlib (`"deflate"`) stream of [`BOMB_SIZE`] zeros, about 1 MiB, made once. The
/// deflate data is one compressed MiB of zeros repeated: after a sync flush the compressor's output for the next
/// MiB of zeros is the same bytes every time.
pub fn bomb(encoding: &str) -> &'static [u8] {
    use flate2::{Compress, Compression, FlushCompress};
    static BOMBS: std::sync::OnceLock<(Vec<u8>, Vec<u8>)> = std::sync::OnceLock::new();
    let (gzip, zlib) = BOMBS.get_or_init(|| {
        const MIB: usize = 1 << 20;
        let zeros = vec![0u8; MIB];
        let mut z = Compress::new(Compression::best(), false);
        let mut step = |flush| {
            let mut out = Vec::with_capacity(MIB);
            let before = z.total_in();
            z.compress_vec(&zeros, &mut out, flush).unwrap();
            assert_eq!(z.total_in() - before, MIB as u64, "one MiB taken at once");
            out
        };
        let first = step(FlushCompress::Sync);
        let middle = step(FlushCompress::Sync);
        assert_eq!(middle, step(FlushCompress::Sync), "repeatable blocks");
        let mibs = (BOMB_SIZE as usize) / MIB;
        let mut deflate = first;
        for _ in 0..mibs - 3 {
            deflate.extend_from_slice(&middle);
        }
        deflate.extend_from_slice(&middle);
        deflate.extend_from_slice(&step(FlushCompress::Finish));
        // CRC-32 of 1 GiB of zeros: Python's `zlib.crc32(bytes(1 << 30))`.
        const CRC: u32 = 0x5b64_c2b0;
        let mut gzip = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255];
        gzip.extend_from_slice(&deflate);
        gzip.extend_from_slice(&CRC.to_le_bytes());
        gzip.extend_from_slice(&(BOMB_SIZE as u32).to_le_bytes());
        let adler_b = (BOMB_SIZE % 65521) as u32;
        let mut zlib = vec![0x78, 0xda];
        zlib.extend_from_slice(&deflate);
        zlib.extend_from_slice(&((adler_b << 16) | 1).to_be_bytes());
        (gzip, zlib)
    });
    match encoding {
        "gzip" => gzip,
        _ => zlib,
    }
}

/// A site that never runs out of pages: every page links to `fanout` new pages and loads `fanout` new scripts
/// (all same-origin and unique), the scripts are small, every other path is a 404.
pub async fn crawl_explosion(fanout: usize) -> Hostile {
    let next = std::sync::atomic::AtomicU64::new(0);
    site(move |path| {
        if path.starts_with("/s/") {
            return Reply::Page {
                status: 200,
                content_type: "application/javascript",
                body: b"var loaded = 1;\n".to_vec(),
            };
        }
        if path != "/" && !path.starts_with("/p/") {
            return Reply::text(404, "not found");
        }
        let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut page = String::with_capacity(fanout * 80);
        page.push_str("<!doctype html><html><head><title>endless</title></head><body>\n");
        for i in 0..fanout {
            page.push_str(&format!(
                "<a href=\"/p/{n}-{i}\">page {i}</a><script src=\"/s/{n}-{i}.js\"></script>\n"
            ));
        }
        page.push_str("</body></html>\n");
        Reply::html(page)
    })
    .await
}
